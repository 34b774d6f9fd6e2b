import Foundation

/// The Beta distribution's CDF (the regularised incomplete beta function) and its inverse, for
/// exact (Clopper–Pearson) binomial confidence intervals.
public enum BetaDistribution {
    /// I_x(a, b) by the continued fraction of Numerical Recipes (3rd ed., §6.4, Lentz's method),
    /// using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
    public static func cdf(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x, a, b) / a
        }
        return 1 - exp(logFront) * continuedFraction(1 - x, b, a) / b
    }

    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// The p-quantile: the x with I_x(a, b) = p, by bisection to the last bit (the CDF is monotone).
    public static func quantile(_ p: Double, a: Double, b: Double) -> Double {
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        var lo = 0.0, hi = 1.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid == lo || mid == hi { break }
            if cdf(mid, a: a, b: b) < p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// The exact (Clopper–Pearson) two-sided 1 − α confidence interval for a binomial proportion
    /// with `k` successes in `n` trials, α/2 on each side (as statsmodels' `method="beta"`).
    public static func clopperPearson(successes k: Int, trials n: Int, alpha: Double) -> (lower: Double, upper: Double) {
        let lower = k == 0 ? 0 : quantile(alpha / 2, a: Double(k), b: Double(n - k + 1))
        let upper = k == n ? 1 : quantile(1 - alpha / 2, a: Double(k + 1), b: Double(n - k))
        return (lower, upper)
    }
}
