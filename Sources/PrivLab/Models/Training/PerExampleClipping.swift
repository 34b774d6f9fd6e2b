import Foundation

/// Poisson sampling of a batch: each of n records joins independently with probability `rate`.
public enum PoissonSampler {
    /// Drawn by geometric skips (the gap to the next sampled record is Geometric(rate)), so a batch
    /// costs O(batch size) random draws rather than n Bernoulli trials.
    public static func batch(n: Int, rate q: Double, rng: inout RNG) -> [Int] {
        if q >= 1 { return Array(0..<n) }
        let logNot = log1p(-q)
        var idx = [Int]()
        var i = -1
        while true {
            let u = max(rng.uniform(), Double.leastNormalMagnitude)
            i += 1 + Int(floor(log(u) / logNot))
            if i >= n { return idx }
            idx.append(i)
        }
    }
}

/// Per-example gradient clipping for DP-SGD (Abadi et al. 2016), by book-keeping.
enum PerExampleClipping {
    /// Each layer's share of the clipping norm under per-layer clipping: C/√L over the L layers
    /// with parameters, so that Σ_l (C/√L)² = C².
    static func layerBound(_ net: NeuralNetwork, clip: Double) -> Double {
        clip / Double(max(net.trainedLayers.filter { !$0.parameters.isEmpty }.count, 1)).squareRoot()
    }

    /// Sets every parameter's gradient to Σᵢ min(1, C/(‖∇ᵢ‖ + 1e-6))·∇ᵢ / B, given ∂loss/∂logits
    /// already divided by B: one backward pass keeps each layer's output gradient, the per-example
    /// norms come from those and the cached inputs, and the clipped sum is one GEMM per layer.
    /// With `sgdStep` (a learning rate) the clipped sum is applied as a plain SGD step instead of
    /// being stored in `grad` (`Layer.applyClippedSGD`).
    static func clippedGradients(_ net: NeuralNetwork, outputGradient: Matrix, clip: Double, normalizer b: Int, perLayer: Bool = false,
                                 sgdStep lr: Float? = nil) throws {
        func apply(_ l: Layer, _ scale: [Float]?) throws {
            if let lr { try l.applyClippedSGD(rowScale: scale, learningRate: lr) } else { try l.accumulateParameterGradients(rowScale: scale) }
        }
        var g = outputGradient
        // Frozen layers (transfer learning) are neither clipped nor updated: only the trained ones.
        for l in net.trainedLayers.reversed() { try l.backwardKeepingOutputGradient(&g) }
        if perLayer {
            let withParams = net.trainedLayers.filter { !$0.parameters.isEmpty }
            let c = Float(layerBound(net, clip: clip))
            for l in withParams {
                var norms = [Float](repeating: 0, count: outputGradient.rows)
                try l.addPerExampleSquaredNorms(&norms)
                let factors = norms.map { min(1, c / (Float(b) * $0.squareRoot() + 1e-6)) }
                try apply(l, factors.allSatisfy { $0 == 1 } ? nil : factors)
            }
            return
        }
        var norms = [Float](repeating: 0, count: outputGradient.rows)
        for l in net.trainedLayers { try l.addPerExampleSquaredNorms(&norms) }
        // The kept gradients carry the 1/B normaliser: ‖∇ᵢ‖ = B·√normsᵢ.
        let c = Float(clip)
        let factors = norms.map { min(1, c / (Float(b) * $0.squareRoot() + 1e-6)) }
        let scale: [Float]? = factors.allSatisfy { $0 == 1 } ? nil : factors
        for l in net.trainedLayers { try apply(l, scale) }
    }
}
