import Foundation

/// Privacy auditing with one training run (Steinke, Nasr & Jagielski, "Privacy Auditing with One
/// (1) Training Run", NeurIPS 2023): m canaries are each included in the training set
/// independently with probability ½; after training, the auditor guesses "in" for the k₊
/// highest-scoring canaries, "out" for the k₋ lowest, and abstains on the rest. Under (ε, δ)-DP the
/// number of correct guesses among r is dominated by Binomial(r, e^ε/(1 + e^ε)) up to a δ term
/// (their Theorem 5.2/Corollary 5.4), so observing v correct guesses rejects every ε whose p-value
/// is below the significance level. The p-value and the search are the paper's Appendix D.
public enum OneRunAudit {
    public struct Result: Sendable, Equatable {
        /// Steinke et al.'s ε lower bound.
        public var epsilon: Double
        /// The same guesses read through f-DP (`FDPOneRunAudit`, Mahloujifar et al. 2024): the
        /// largest μ-GDP they reject and its ε at the same δ, beside Steinke et al.'s ε.
        public var fdp: FDPOneRunAudit.Result
        /// Guesses made (k₊ + k₋) and how many were right.
        public var guesses: Int
        public var correct: Int
        public var canaries: Int
        public init(epsilon: Double, fdp: FDPOneRunAudit.Result, guesses: Int, correct: Int, canaries: Int) {
            (self.epsilon, self.fdp, self.guesses, self.correct, self.canaries) = (epsilon, fdp, guesses, correct, canaries)
        }
    }

    /// log P[Binomial(n, q) = k].
    static func logPMF(_ k: Int, _ n: Int, _ q: Double) -> Double {
        if q <= 0 { return k == 0 ? 0 : -.infinity }
        if q >= 1 { return k == n ? 0 : -.infinity }
        return lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1)) + Double(k) * log(q) + Double(n - k) * log1p(-q)
    }

    /// The p-value of v or more correct guesses out of r (among m canaries) under (ε, δ)-DP:
    /// P[Binomial(r, q) ≥ v] + 2mδ·max_i P[v − i ≤ Binomial(r, q) < v] / i, with q = 1/(1 + e^{−ε}).
    public static func pValue(canaries m: Int, guesses r: Int, correct v: Int, epsilon: Double, delta: Double) -> Double {
        let q = 1 / (1 + exp(-epsilon))
        var tail = 0.0
        if v <= r { for k in v...r { tail += exp(logPMF(k, r, q)) } }
        var alpha = 0.0, sum = 0.0
        if v >= 1 {
            for i in 1...v {
                sum += exp(logPMF(v - i, r, q))
                if sum > Double(i) * alpha { alpha = sum / Double(i) }
            }
        }
        return min(1, tail + alpha * delta * 2 * Double(m))
    }

    /// The largest ε the observation rejects at significance `p` (0 when none): doubling, then 30
    /// bisection steps, keeping pValue(ε_min) < p ≤ pValue(ε_max).
    public static func epsilonLowerBound(canaries m: Int, guesses r: Int, correct v: Int, delta: Double, p: Double = 0.05) throws -> Double {
        guard m >= 1, (0...m).contains(r), (0...r).contains(v) else {
            throw PrivLabError.invalidArgument(.audit, "need 0 ≤ correct (\(v)) ≤ guesses (\(r)) ≤ canaries (\(m))")
        }
        guard delta >= 0, delta <= 1 else { throw PrivLabError.invalidArgument(.audit, "delta must be in [0, 1]") }
        guard p > 0, p < 1 else { throw PrivLabError.invalidArgument(.audit, "the significance level must be in (0, 1)") }
        guard pValue(canaries: m, guesses: r, correct: v, epsilon: 0, delta: delta) < p else { return 0 }
        var lo = 0.0, hi = 1.0
        while pValue(canaries: m, guesses: r, correct: v, epsilon: hi, delta: delta) < p {
            hi += 1
            if hi > 1000 { return hi }
        }
        for _ in 0..<30 {
            let mid = (lo + hi) / 2
            if pValue(canaries: m, guesses: r, correct: v, epsilon: mid, delta: delta) < p { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// The audit from canary scores (higher = more likely included) and whether each canary was
    /// included: "in" for the k₊ highest, "out" for the k₋ lowest (ties broken by position).
    public static func audit(scores: [Double], included: [Bool], kPlus: Int, kMinus: Int, delta: Double, p: Double = 0.05) throws -> Result {
        guard scores.count == included.count, !scores.isEmpty else { throw PrivLabError.shape(.audit, "one inclusion flag per canary score") }
        guard scores.allSatisfy(\.isFinite) else { throw PrivLabError.invalidArgument(.audit, "scores must be finite") }
        guard kPlus >= 0, kMinus >= 0, kPlus + kMinus <= scores.count else {
            throw PrivLabError.invalidArgument(.audit, "k_plus + k_minus must be at most the number of canaries (\(scores.count))")
        }
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        let correct = order.prefix(kPlus).filter { included[$0] }.count + order.suffix(kMinus).filter { !included[$0] }.count
        return try bound(canaries: scores.count, guesses: kPlus + kMinus, correct: correct, delta: delta, p: p)
    }

    /// Both bounds from the counts alone: Steinke et al.'s ε and the f-DP (μ-GDP) bound, at the
    /// same δ and significance level.
    public static func bound(canaries m: Int, guesses r: Int, correct v: Int, delta: Double, p: Double = 0.05) throws -> Result {
        let eps = try epsilonLowerBound(canaries: m, guesses: r, correct: v, delta: delta, p: p)
        let fdp = try FDPOneRunAudit.bound(canaries: m, guesses: r, correct: v, delta: delta, significance: p)
        return Result(epsilon: eps, fdp: fdp, guesses: r, correct: v, canaries: m)
    }
}
