import Foundation

/// Cross-entropy of softmax(z / T) against labels smoothed towards uniform (Szegedy et al. 2016):
/// q = (1 − ε)·onehot(y) + ε/K. Its gradient with respect to the logits is (p − q) / T.
public struct SoftmaxCrossEntropy: Sendable {
    public var temperature: Double = 1
    public var labelSmoothing: Double = 0
    public init(temperature: Double = 1, labelSmoothing: Double = 0) {
        self.temperature = temperature
        self.labelSmoothing = labelSmoothing
    }

    /// Per-example losses, ∂(Σ losses / normalizer)/∂logits (the normalizer is the batch size by
    /// default; DP-SGD divides by the *expected* batch size instead), and how many rows the logits
    /// classify correctly (argmax = label).
    public func lossAndGradient(_ logits: Matrix, _ labels: [Int], normalizer: Int? = nil) -> (losses: [Double], grad: Matrix, correct: Int) {
        lossAndGradient(logits, labels, soft: nil, normalizer: normalizer)
    }

    /// The same against soft targets: row r's target is `soft[r]` (a probability vector) instead of
    /// onehot(labels[r]), smoothed the same way: q = (1 − ε)·soft + ε/K. `labels` still decide
    /// which rows count as correct.
    public func lossAndGradient(_ logits: Matrix, _ labels: [Int], soft: [[Float]]?, normalizer: Int? = nil) -> (losses: [Double], grad: Matrix, correct: Int) {
        let b = logits.rows, k = logits.cols
        let invT = Float(1 / temperature)
        let eps = Float(labelSmoothing)
        var grad = Matrix(rows: b, cols: k)
        var losses = [Double](repeating: 0, count: b)
        var correct = 0
        let scale = invT / Float(normalizer ?? b)
        logits.data.withUnsafeBufferPointer { z in
            grad.data.withUnsafeMutableBufferPointer { g in
                for r in 0..<b {
                    let base = r * k
                    var m = -Float.infinity
                    var arg = 0
                    for j in 0..<k where z[base + j] > m { m = z[base + j]; arg = j }
                    let y = labels[r]
                    if arg == y { correct += 1 }
                    m *= invT
                    var s: Float = 0
                    for j in 0..<k {
                        let e = expf(z[base + j] * invT - m)
                        g[base + j] = e
                        s += e
                    }
                    let logS = logf(s), invS = 1 / s
                    var loss = 0.0
                    let target = soft?[r]
                    for j in 0..<k {
                        let q = (target.map { (1 - eps) * $0[j] } ?? (j == y ? 1 - eps : 0)) + eps / Float(k)
                        // log p_j from the shifted logits: exact even where p_j underflows.
                        if q > 0 { loss -= Double(q) * Double(z[base + j] * invT - m - logS) }
                        g[base + j] = (g[base + j] * invS - q) * scale
                    }
                    losses[r] = loss
                }
            }
        }
        return (losses, grad, correct)
    }
}
