import Foundation

/// Output perturbation of released predictions, with the guarantee it gives (input perturbation of
/// the training records is `InputPerturbation`).
public enum Perturbation {
    public enum Mechanism: String, Sendable, CaseIterable { case laplace, gaussian }

    /// What a perturbation released under: the privacy statement of the whole release (every
    /// vector it noised, composed) and the noise it drew.
    public struct Guarantee: Sendable, Equatable {
        public var privacy: PrivacyStatement
        /// ε and δ of each released vector (what the caller asked for).
        public var epsilonPerVector: Double
        public var deltaPerVector: Double
        /// Laplace scale or Gaussian standard deviation.
        public var noise: Double
    }

    /// Output perturbation of released predictions: each probability vector gets noise calibrated to
    /// the diameter of the probability simplex (L1 distance 2, L2 distance √2), so each released
    /// vector is (ε, δ)-DP whatever model produced it; releasing k vectors costs k times that (basic
    /// composition). The noisy vector is clipped at 0 and renormalised (post-processing).
    public static func perturbPredictions(_ proba: Matrix, mechanism: Mechanism, epsilon: Double, delta: Double,
                                          seed: UInt64) throws -> (Matrix, Guarantee) {
        var rng = RNG(seed: seed)
        var out = proba
        let noise: Double
        switch mechanism {
        case .laplace: noise = try Mechanisms.laplaceScale(sensitivity: 2, epsilon: epsilon)
        case .gaussian: noise = try Mechanisms.gaussianSigmaAnalytic(sensitivity: 2.squareRoot(), epsilon: epsilon, delta: delta)
        }
        for i in 0..<proba.rows {
            let row = proba.row(i).map(Double.init)
            var noisy = mechanism == .laplace ? try Mechanisms.laplace(row, sensitivity: 2, epsilon: epsilon, rng: &rng)
                                              : try Mechanisms.gaussian(row, sigma: noise, rng: &rng)
            noisy = noisy.map { max(0, $0) }
            let s = noisy.reduce(0, +)
            for j in 0..<proba.cols { out[i, j] = Float(s > 0 ? noisy[j] / s : 1 / Double(proba.cols)) }
        }
        // One vector moves by at most the simplex's diameter (L1 2, L2 √2) whatever the training
        // set; the k vectors compose by basic composition (kε, kδ; Dwork & Roth 2014, Thm 3.16).
        let k = proba.rows
        let perDelta = mechanism == .laplace ? 0 : delta
        let one: PrivacyEvent = mechanism == .laplace ? .laplace(scale: noise, sensitivity: 2) : .gaussian(noise: noise / 2.squareRoot(), sensitivity: 2.squareRoot())
        let statement = PrivacyStatement(epsilon: epsilon * Double(k), delta: perDelta * Double(k), accountant: nil,
                                         event: .selfComposed(event: one, count: k),
                                         notes: ["each released prediction vector is (\(formatCompact(epsilon)), \(formatCompact(perDelta)))-DP whatever the model; the \(k) vectors compose by basic composition"])
        return (out, Guarantee(privacy: statement, epsilonPerVector: epsilon, deltaPerVector: perDelta, noise: noise))
    }
}
