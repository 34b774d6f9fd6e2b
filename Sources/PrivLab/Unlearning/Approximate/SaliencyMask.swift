import Foundation

/// SalUn's weight saliency (Fan et al., "SalUn: Empowering Machine Unlearning via Gradient-based
/// Weight Saliency", ICLR 2024, §4, Eq. 4): the gradient of the forgetting loss −CE on the forget
/// set, accumulated over its batches (the sum of each batch's mean-loss gradient, as
/// `generate_mask.py`'s `save_gradient_ratio` does with the model in eval mode, dropout off), and
/// the mask keeping the `ratio` share of all parameters — weights and biases, ranked together —
/// with the largest |gradient|. The count kept is ⌊n·ratio⌋, as the reference's `int(len · i)`.
/// Ties are broken by position (the reference's argsort leaves them unspecified).
public struct SaliencyMask: Sendable, Equatable {
    /// Per parameter tensor (in `NeuralNetwork.parameters` order), whether each entry is salient.
    public let salient: [[Bool]]

    public var count: Int { salient.reduce(0) { $0 + $1.filter { $0 }.count } }

    public init(salient: [[Bool]]) { self.salient = salient }

    /// The mask for `net` on `forget`, batches of `batchSize` in the set's order.
    public init(network net: NeuralNetwork, forget: Dataset, batchSize: Int, ratio: Double) throws {
        guard ratio > 0, ratio <= 1 else { throw PrivLabError.invalidArgument("unlearn.salun: mask_ratio must be in (0, 1]") }
        let g = try Self.forgetGradient(net, forget, batchSize: batchSize)
        let flat = g.flatMap { $0 }
        let keep = Int(Double(flat.count) * ratio)
        let order = flat.indices.sorted { abs(flat[$0]) != abs(flat[$1]) ? abs(flat[$0]) > abs(flat[$1]) : $0 < $1 }
        var chosen = [Bool](repeating: false, count: flat.count)
        for p in order.prefix(keep) { chosen[p] = true }
        var out = [[Bool]](), start = 0
        for t in g {
            out.append(Array(chosen[start..<(start + t.count)]))
            start += t.count
        }
        salient = out
    }

    /// Σ over batches of ∇(−mean CE of the batch), per parameter tensor.
    static func forgetGradient(_ net: NeuralNetwork, _ forget: Dataset, batchSize: Int) throws -> [[Float]] {
        let params = net.parameters
        var sum = params.map { [Float](repeating: 0, count: $0.value.count) }
        let loss = SoftmaxCrossEntropy(temperature: net.options.temperature)
        var ctx = ForwardContext(training: true, rng: RNG(seed: 0), dropout: false)
        var start = 0
        while start < forget.size {
            let rows = Array(start..<min(start + max(batchSize, 1), forget.size))
            let z = try net.forward(forget.features.rows(rows), &ctx)
            let (_, g, _) = loss.lossAndGradient(z, rows.map { forget.labels[$0] })
            try net.backward(g.scaled(-1))
            for (i, p) in params.enumerated() {
                p.grad.data.withUnsafeBufferPointer { src in for j in 0..<src.count { sum[i][j] += src[j] } }
            }
            start += rows.count
        }
        return sum
    }

    /// Puts every non-salient entry of `net` back to `theta0` (SalUn's `_restore_masked_params`,
    /// run after each update): only salient weights move.
    func restore(_ net: NeuralNetwork, to theta0: [[Float]]) {
        for (i, p) in net.parameters.enumerated() {
            let mask = salient[i], base = theta0[i]
            p.value.data.withUnsafeMutableBufferPointer { w in
                for j in 0..<w.count where !mask[j] { w[j] = base[j] }
            }
        }
    }
}
