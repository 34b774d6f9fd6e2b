/// The server's estimate of the round's average update (McMahan et al. 2018, Alg. 1): every
/// client's update clipped to S, the weighted sum Σ w_k·π(Δ_k, S) taken in client order (so the
/// bits do not depend on which thread trained whom), Gaussian noise N(0, (z·S)²) added to the sum,
/// and the sum divided by the *fixed* denominator qW (W = Σ w_k over all clients) — the
/// estimator f̃_f whose sensitivity is S/(qW) because w_k ≤ 1, whatever the sample.
public struct FederatedAggregate: Sendable {
    public let clipping: UpdateClipping?
    /// qW.
    public let denominator: Double

    public init(clipping: UpdateClipping?, denominator: Double) {
        self.clipping = clipping
        self.denominator = denominator
    }

    /// The averaged update and each client's norm before clipping. `updates` and `weights` are
    /// in client order; `noiseStd` is the std on the *sum* (z_Δ·S), drawn from `noiseSeed`.
    public func average(_ updates: [[Float]], weights: [Double], bound: Double, noiseStd: Double, noiseSeed: UInt64,
                 size: Int) -> (mean: [Float], norms: [Double]) {
        var sum = [Double](repeating: 0, count: size)
        var norms = [Double]()
        for (u, w) in zip(updates, weights) {
            var d = u
            norms.append(clipping?.clip(&d, to: bound) ?? UpdateClipping.norm(d, 0..<d.count))
            for i in 0..<size { sum[i] += w * Double(d[i]) }
        }
        var mean = sum.map { Float($0) }
        if noiseStd > 0 {
            mean.withUnsafeMutableBufferPointer { GaussianNoise.add(std: noiseStd, seed: noiseSeed, to: [$0]) }
        }
        let inv = Float(1 / denominator)
        for i in mean.indices { mean[i] *= inv }
        return (mean, norms)
    }
}
