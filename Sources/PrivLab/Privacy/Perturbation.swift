import Foundation

/// Output perturbation of released predictions, with the guarantee it gives (input perturbation of
/// the training records is `InputPerturbation`).
public enum Perturbation {
    public enum Mechanism: String, Sendable, CaseIterable { case laplace, gaussian }

    /// The guarantee of a perturbation, in words and numbers.
    public struct Guarantee: Sendable, Equatable {
        public var epsilon: Double
        public var delta: Double
        /// Laplace scale or Gaussian standard deviation.
        public var noise: Double
        public var statement: String
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
        let g = Guarantee(epsilon: epsilon, delta: mechanism == .laplace ? 0 : delta, noise: noise,
                          statement: "each released prediction vector is (\(formatCompact(epsilon)), \(mechanism == .laplace ? "0" : formatCompact(delta)))-DP whatever the model; \(proba.rows) vectors compose to (\(formatCompact(epsilon * Double(proba.rows))), \(mechanism == .laplace ? "0" : formatCompact(delta * Double(proba.rows))))")
        return (out, g)
    }
}
