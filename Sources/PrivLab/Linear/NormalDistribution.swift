import Foundation

/// The standard normal CDF Φ and its inverse, accurate far into both tails: the Gaussian
/// trade-off function of f-DP (Dong, Roth & Su 2022), f_μ(α) = Φ(Φ⁻¹(1 − α) − μ), is evaluated at
/// probabilities from 1e-300 to 1 − 1e-16, where 1 − Φ(x) written naively loses every digit.
public enum NormalDistribution {
    /// Φ(x) = ½·erfc(−x/√2): no cancellation in the lower tail (erfc of a large argument is exact
    /// to relative precision), and 1 − ½·erfc(x/√2) rounds correctly in the upper one.
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.squareRoot()) }

    /// log Φ(x), finite down to x ≈ −10¹⁵⁴ (erfc underflows below x ≈ −38; its log does not).
    public static func logCDF(_ x: Double) -> Double {
        x <= 0 ? log(0.5) + LogSpace.logErfc(-x / 2.squareRoot()) : log1p(-0.5 * erfc(x / 2.squareRoot()))
    }

    /// Φ⁻¹(p): −∞ at 0, +∞ at 1, NaN outside [0, 1]. Newton's method on log Φ, which is concave
    /// and increasing, so every step after the first lands at or below the root and the iterates
    /// climb to it monotonically — no constants to trust beyond a rough start (Abramowitz & Stegun
    /// 26.2.23, |error| < 4.5e-4). Above ½ by symmetry: 1 − p is exact there (Sterbenz).
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p > 0.5 { return -quantile(1 - p) }
        let t = (-2 * log(p)).squareRoot()
        var x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t))
        let target = log(p)
        for _ in 0..<100 {
            // Newton step on log Φ: (log Φ(x) − log p) / (φ(x)/Φ(x)), with the ratio in log space.
            let logPhi = logCDF(x)
            let logDensity = -0.5 * x * x - 0.5 * log(2 * Double.pi)
            let step = (logPhi - target) * exp(logPhi - logDensity)
            x -= step
            if abs(step) <= 1e-15 * (1 + abs(x)) { break }
        }
        return x
    }
}
