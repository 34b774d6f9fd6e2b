import Foundation

/// The textbook mechanisms, for teaching and for releasing statistics.
public enum Mechanisms {
    static func check(_ ok: Bool, _ msg: String) throws { if !ok { throw PrivLabError.invalidArgument(msg) } }

    /// Standard normal CDF.
    static func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.squareRoot()) }

    // MARK: Laplace (Dwork, McSherry, Nissim & Smith 2006)

    /// Laplace scale b = Δ₁/ε for ε-DP.
    public static func laplaceScale(sensitivity: Double, epsilon: Double) throws -> Double {
        try check(sensitivity.isFinite && sensitivity > 0, "sensitivity must be a positive number")
        try check(epsilon.isFinite && epsilon > 0, "epsilon must be a positive number")
        return sensitivity / epsilon
    }

    /// Each value plus independent Laplace(0, Δ₁/ε) noise: ε-DP for a query of L1 sensitivity Δ₁.
    public static func laplace(_ values: [Double], sensitivity: Double, epsilon: Double, rng: inout RNG) throws -> [Double] {
        let b = try laplaceScale(sensitivity: sensitivity, epsilon: epsilon)
        return values.map { v in
            // Inverse CDF: −b·sign(u)·ln(1 − 2|u|), u uniform on (−½, ½).
            var u = rng.uniform() - 0.5
            while u == -0.5 { u = rng.uniform() - 0.5 }
            return v - b * (u < 0 ? -1 : 1) * log1p(-2 * abs(u))
        }
    }

    // MARK: Gaussian

    /// σ = Δ₂·√(2 ln(1.25/δ))/ε (Dwork & Roth 2014, Thm A.1; the guarantee needs ε < 1).
    public static func gaussianSigmaClassic(sensitivity: Double, epsilon: Double, delta: Double) throws -> Double {
        try check(sensitivity.isFinite && sensitivity > 0, "sensitivity must be a positive number")
        try check(epsilon > 0 && epsilon < 1, "the classic Gaussian calibration holds for 0 < ε < 1 (use the analytic one), got \(formatCompact(epsilon))")
        try check(delta > 0 && delta < 1, "delta must be in (0, 1)")
        return sensitivity * (2 * log(1.25 / delta)).squareRoot() / epsilon
    }

    /// The exact δ(ε) of the Gaussian mechanism with noise σ and sensitivity Δ (Balle & Wang, ICML
    /// 2018, Thm 8): Φ(Δ/(2σ) − εσ/Δ) − e^ε·Φ(−Δ/(2σ) − εσ/Δ).
    public static func gaussianDelta(sigma: Double, sensitivity: Double, epsilon: Double) -> Double {
        let a = sensitivity / (2 * sigma), b = epsilon * sigma / sensitivity
        if epsilon < 700 { return max(0, phi(a - b) - exp(epsilon) * phi(-a - b)) }
        // e^ε overflows past ε ≈ 709.8 (∞·0 = NaN, which bisections read as "small enough" and so
        // under-reported ε): the second term in log space, log Φ(x) = log ½ + log erfc(−x/√2).
        let logSecond = epsilon + log(0.5) + LogSpace.logErfc((a + b) / 2.squareRoot())
        return max(0, phi(a - b) - exp(logSecond))
    }

    /// The smallest σ with δ(ε) ≤ δ (the analytic Gaussian mechanism, Balle & Wang 2018): valid for every ε > 0.
    public static func gaussianSigmaAnalytic(sensitivity: Double, epsilon: Double, delta: Double) throws -> Double {
        try check(sensitivity.isFinite && sensitivity > 0, "sensitivity must be a positive number")
        try check(epsilon.isFinite && epsilon > 0, "epsilon must be a positive number")
        try check(delta > 0 && delta < 1, "delta must be in (0, 1)")
        var lo = 0.0, hi = sensitivity
        while gaussianDelta(sigma: hi, sensitivity: sensitivity, epsilon: epsilon) > delta {
            hi *= 2
            try check(hi < 1e12 * sensitivity, "no σ reaches δ = \(formatCompact(delta)) at ε = \(formatCompact(epsilon))")
        }
        for _ in 0..<200 where hi - lo > 1e-12 * hi {
            let mid = 0.5 * (lo + hi)
            if gaussianDelta(sigma: mid, sensitivity: sensitivity, epsilon: epsilon) <= delta { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// Each value plus N(0, σ²).
    public static func gaussian(_ values: [Double], sigma: Double, rng: inout RNG) throws -> [Double] {
        try check(sigma.isFinite && sigma >= 0, "sigma must be a non-negative number")
        return values.map { $0 + sigma * rng.normal() }
    }

    // MARK: Randomized response (Warner 1965; k-ary form of Kairouz et al. 2016)

    /// Probability of reporting the true category: e^ε/(e^ε + k − 1).
    public static func truthProbability(categories k: Int, epsilon: Double) -> Double { exp(epsilon) / (exp(epsilon) + Double(k - 1)) }

    /// Each value (0..<k) is reported truthfully with probability e^ε/(e^ε + k − 1), otherwise as
    /// one of the k − 1 other categories uniformly: ε-local DP.
    public static func randomizedResponse(_ values: [Int], categories k: Int, epsilon: Double, rng: inout RNG) throws -> [Int] {
        try check(k >= 2, "randomized response needs at least 2 categories")
        try check(epsilon.isFinite && epsilon > 0, "epsilon must be a positive number")
        if let bad = values.first(where: { $0 < 0 || $0 >= k }) { throw PrivLabError.invalidArgument("value \(bad) is outside 0..<\(k)") }
        let p = truthProbability(categories: k, epsilon: epsilon)
        return values.map { v in
            if rng.uniform() < p { return v }
            let o = rng.int(below: k - 1)
            return o >= v ? o + 1 : o
        }
    }

    /// Unbiased estimate of the true category frequencies from randomized reports:
    /// f̂ = (observed − (1 − p)/(k − 1)) / (p − (1 − p)/(k − 1)).
    public static func estimateFrequencies(_ reports: [Int], categories k: Int, epsilon: Double) throws -> [Double] {
        try check(!reports.isEmpty, "no reports")
        let p = truthProbability(categories: k, epsilon: epsilon), q = (1 - p) / Double(k - 1)
        var counts = [Double](repeating: 0, count: k)
        for r in reports {
            guard r >= 0 && r < k else { throw PrivLabError.invalidArgument("report \(r) is outside 0..<\(k)") }
            counts[r] += 1
        }
        return counts.map { ($0 / Double(reports.count) - q) / (p - q) }
    }
}
