import Foundation

/// The one-run audit read through f-DP (Mahloujifar, Melis & Chaudhuri, "Auditing f-Differential
/// Privacy in One Run", arXiv 2410.22235, ICML 2025): the same canary experiment as `OneRunAudit`
/// (m canaries, each included with probability ½; r guesses, v of them right), but instead of
/// dominating the correct guesses by a binomial at e^ε/(1 + e^ε) it bounds the probability of
/// v or more correct guesses under a whole trade-off curve f, here the Gaussian one,
/// f_μ(α) = Φ(Φ⁻¹(1 − α) − μ) (μ-GDP, Dong, Roth & Su 2022). The largest μ whose bound the
/// observation rejects at level β is the empirical privacy; its ε at δ comes from μ-GDP's exact
/// (ε, δ) curve.
///
/// Follows the authors' reference implementation (facebookresearch/PrivacyGuard,
/// `FDPAnalysisNode`, checked against it in Fixtures/make_fdp_audit_reference.py), with two
/// choices of ours, said where they are made: μ is searched by bisection instead of on the
/// reference's grid of noises σ = 1/μ ∈ {0.001, 0.011, …, 9.991}, and an observation that rejects
/// no μ gives μ = 0 (ε = 0) where the grid's end gives μ ≈ 0.1.
///
/// What the ε means: the mechanism is not μ-GDP for any μ at or below the bound. It is a lower
/// bound on ε at δ when the mechanism's trade-off curve is Gaussian-shaped (DP-SGD's is, nearly,
/// by the central limit theorem of Dong et al. §5) — the paper's premise of auditing against the
/// hypothesised curve; for other curve shapes it is a statement about μ only.
public enum FDPOneRunAudit {
    public struct Result: Sendable, Equatable {
        /// The largest μ whose μ-GDP the guesses reject (0 when they reject none).
        public var mu: Double
        /// ε of μ-GDP at `delta` (∞ when δ = 0 and μ > 0: μ-GDP has no pure-DP ε).
        public var epsilon: Double
        public var delta: Double
    }

    /// Φ(Φ⁻¹(x) − μ) = f_μ(1 − x): what the reference calls the inverse blow-up function of
    /// μ-GDP. Outside (0, 1) it is clamped (the reference gets NaN past 1; see `boundarySum`).
    static func inverseBlowUp(_ x: Double, mu: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        return NormalDistribution.cdf(NormalDistribution.quantile(x) - mu)
    }

    static func check(canaries m: Int, guesses r: Int, correct v: Int, significance beta: Double) throws {
        guard m >= 1, (0...m).contains(r), (0...r).contains(v) else {
            throw PrivLabError.invalidArgument(.audit, "need 0 ≤ correct (\(v)) ≤ guesses (\(r)) ≤ canaries (\(m)), with canaries ≥ 1")
        }
        guard beta.isFinite, beta > 0, beta < 1 else {
            throw PrivLabError.invalidArgument(.audit, "the significance level must be in (0, 1), got \(formatCompact(beta))")
        }
    }

    /// r₀ + h₀ of the paper's recursion for μ-GDP (the reference's `rh_with_cap`), which the
    /// observation must keep at or below r/m for the curve to stand. With τ = β·r/m (the
    /// reference scales the level by the share of canaries guessed), start at
    /// r_v = τ·v/r and h_v = τ·(r − v)/r, and for i = v − 1 down to 0:
    ///
    ///   h_i = max(h_{i+1}, f⁻¹(r_{i+1})),   r_i = r_{i+1} + i/(r − i)·(h_i − h_{i+1}),
    ///
    /// with f⁻¹ = `inverseBlowUp` (times k − 1 = 1 for membership's two answers).
    ///
    /// Numerics: every term is a probability or a positive increment of one, so the recursion
    /// neither under- nor overflows; the tails live in Φ and Φ⁻¹ (`NormalDistribution`, via erfc and
    /// log Φ). Where r_i passes 1 the reference's Φ⁻¹ gives NaN, which its `max` ignores; ours
    /// clamps f⁻¹ to 1. Either way r₀ ≥ r_i > 1 ≥ r/m: the same rejection, a different sum.
    /// `stopAbove`: return as soon as the partial sum passes it (r_i + h_i only grows as i falls).
    public static func boundarySum(canaries m: Int, guesses r: Int, correct v: Int, mu: Double, significance beta: Double,
                                   stopAbove: Double = .infinity) -> Double {
        guard r > 0 else { return 0 }
        let tau = beta * Double(r) / Double(m)
        var rr = tau * Double(v) / Double(r), h = tau * Double(r - v) / Double(r)
        var i = v - 1
        while i >= 0 {
            let next = max(h, inverseBlowUp(rr, mu: mu))
            rr += Double(i) / Double(r - i) * (next - h)
            h = next
            if rr + h > stopAbove { break }
            i -= 1
        }
        return rr + h
    }

    /// Whether v correct of r guesses (m canaries) reject μ-GDP at level β: r₀ + h₀ > r/m (the
    /// reference's `audit_rh_with_cap` returning false).
    public static func rejects(canaries m: Int, guesses r: Int, correct v: Int, mu: Double, significance beta: Double) -> Bool {
        guard r > 0 else { return false }
        let cap = Double(r) / Double(m)
        return boundarySum(canaries: m, guesses: r, correct: v, mu: mu, significance: beta, stopAbove: cap) > cap
    }

    /// The largest μ the observation rejects: 0 when it does not reject μ = 0 (perfect privacy);
    /// otherwise doubling to a μ it does not reject, then bisection to 1e-9 relative. The rejected
    /// set is [0, μ*] (a larger μ is a weaker claim); the fixture checks that on a fine grid.
    public static func muLowerBound(canaries m: Int, guesses r: Int, correct v: Int, significance beta: Double = 0.05) throws -> Double {
        try check(canaries: m, guesses: r, correct: v, significance: beta)
        let rejects = { (mu: Double) in Self.rejects(canaries: m, guesses: r, correct: v, mu: mu, significance: beta) }
        guard rejects(0) else { return 0 }
        var lo = 0.0, hi = 1.0
        while rejects(hi) {
            lo = hi
            hi *= 2
            // f_μ vanishes for μ past ~40 in double precision: nothing is rejected there.
            if hi > 1e4 { return hi }
        }
        while hi - lo > 1e-9 * hi {
            let mid = 0.5 * (lo + hi)
            if rejects(mid) { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// ε of μ-GDP at δ: the smallest ε with Φ(−ε/μ + μ/2) − e^ε·Φ(−ε/μ − μ/2) ≤ δ (Dong, Roth &
    /// Su 2022, Corollary 2.13 — the Gaussian mechanism's curve at σ = 1/μ, solved by the PLD
    /// accountant's bisection, log space past ε ≈ 700).
    public static func epsilon(mu: Double, delta: Double) throws -> Double {
        guard mu.isFinite, mu >= 0 else { throw PrivLabError.invalidArgument(.audit, "mu must be a non-negative number, got \(formatCompact(mu))") }
        guard delta.isFinite, delta >= 0, delta <= 1 else { throw PrivLabError.invalidArgument(.audit, "delta must be in [0, 1], got \(formatCompact(delta))") }
        if mu == 0 { return 0 }
        // At δ = 0 the bisection would stop where δ(ε) underflows (ε ≈ 18 at μ ≈ 0.5; the
        // reference reports 17.5 there): μ-GDP with μ > 0 has no finite pure ε.
        if delta == 0 { return .infinity }
        return try PLDAccountant.analyticEpsilon(sigma: 1 / mu, delta: delta)
    }

    /// The f-DP bound of one observation: μ and its ε at δ.
    public static func bound(canaries m: Int, guesses r: Int, correct v: Int, delta: Double, significance beta: Double = 0.05) throws -> Result {
        let mu = try muLowerBound(canaries: m, guesses: r, correct: v, significance: beta)
        return Result(mu: mu, epsilon: try epsilon(mu: mu, delta: delta), delta: delta)
    }
}
