import Foundation

/// Empirical lower bounds on a training run's ε from a membership test's errors (Jagielski,
/// Ullman & Oprea, "Auditing Differentially Private Machine Learning: How Private is Private
/// SGD?", NeurIPS 2020, §3 and Algorithm 2): an (ε, δ)-DP mechanism forces every test to have
/// TPR ≤ e^ε·FPR + δ and TNR ≤ e^ε·FNR + δ, so with exact (Clopper–Pearson) 1 − α confidence
/// bounds on the rates,
///
///   ε ≥ max( log((TPR_lower − δ) / FPR_upper),  log((TNR_lower − δ) / FNR_upper) ).
///
/// With δ = 0 this is TF Privacy's `EpsilonLowerBound` with the Clopper–Pearson method (α/2 on
/// each of the two intervals), against which the tests check it.
public enum EpsilonLowerBound {
    public struct Result: Sendable, Equatable {
        /// The lower bound (0 when the data do not exclude ε = 0).
        public var epsilon: Double
        /// The rates' confidence bounds behind it (for the direction that gave the bound).
        public var rateLower: Double
        public var rateUpper: Double
        /// The score threshold that gave it (scores at or above it were called members), when
        /// computed from scores.
        public var threshold: Double?
        /// How many thresholds were tried: the bound of the best of them is not a 1 − α bound
        /// unless the threshold was chosen on other data (or α divided by this number).
        public var thresholdsTried: Int
    }

    static func check(alpha: Double, delta: Double) throws {
        guard alpha.isFinite, alpha > 0, alpha < 0.5 else { throw PrivLabError.invalidArgument(.audit, "alpha must be in (0, 0.5), got \(formatCompact(alpha))") }
        guard delta.isFinite, delta >= 0, delta < 1 else { throw PrivLabError.invalidArgument(.audit, "delta must be in [0, 1), got \(formatCompact(delta))") }
    }

    /// log((rate_lower − δ) / other_upper) for `hits` of `n` against `falseHits` of `m` (0 when not positive).
    static func ratio(_ hits: Int, _ n: Int, _ falseHits: Int, _ m: Int, alpha: Double, delta: Double) -> (Double, Double, Double) {
        let lower = BetaDistribution.clopperPearson(successes: hits, trials: n, alpha: alpha).lower
        let upper = BetaDistribution.clopperPearson(successes: falseHits, trials: m, alpha: alpha).upper
        guard lower - delta > 0, upper < 1, upper > 0 else { return (0, lower, upper) }
        return (max(0, log((lower - delta) / upper)), lower, upper)
    }

    /// The bound from one test's counts: `tp` of `positives` members and `fp` of `negatives`
    /// non-members called members.
    public static func fromCounts(tp: Int, fp: Int, positives: Int, negatives: Int, alpha: Double = 0.05, delta: Double = 0) throws -> Result {
        try check(alpha: alpha, delta: delta)
        guard positives > 0, negatives > 0 else { throw PrivLabError.invalidArgument(.audit, "positives and negatives must be at least 1") }
        guard (0...positives).contains(tp) else { throw PrivLabError.invalidArgument(.audit, "tp must be in 0…\(positives) (positives), got \(tp)") }
        guard (0...negatives).contains(fp) else { throw PrivLabError.invalidArgument(.audit, "fp must be in 0…\(negatives) (negatives), got \(fp)") }
        let a = ratio(tp, positives, fp, negatives, alpha: alpha, delta: delta)
        let b = ratio(negatives - fp, negatives, positives - tp, positives, alpha: alpha, delta: delta)
        let best = a.0 >= b.0 ? a : b
        return Result(epsilon: best.0, rateLower: best.1, rateUpper: best.2, threshold: nil, thresholdsTried: 1)
    }

    /// The best bound over every threshold of the scores (higher = member), both ways round when
    /// `twoSided` (a test may call the *low* scores members), as TF Privacy enumerates them.
    public static func fromScores(members: [Double], nonMembers: [Double], alpha: Double = 0.05, delta: Double = 0,
                                  twoSided: Bool = true) throws -> Result {
        try check(alpha: alpha, delta: delta)
        guard !members.isEmpty, !nonMembers.isEmpty else { throw PrivLabError.invalidArgument(.audit, "scores of members and of non-members are both needed") }
        guard (members + nonMembers).allSatisfy(\.isFinite) else { throw PrivLabError.invalidArgument(.audit, "scores must be finite") }
        let p = members.count, n = nonMembers.count
        let all = (members.map { ($0, true) } + nonMembers.map { ($0, false) }).sorted { $0.0 > $1.0 }
        var best = Result(epsilon: 0, rateLower: 0, rateUpper: 1, threshold: nil, thresholdsTried: 0)
        var tp = 0, fp = 0, tried = 0
        for (i, (score, member)) in all.enumerated() {
            if member { tp += 1 } else { fp += 1 }
            if i + 1 < all.count && all[i + 1].0 == score { continue }   // thresholds between distinct scores
            tried += 1
            var candidates = [ratio(tp, p, fp, n, alpha: alpha, delta: delta), ratio(n - fp, n, p - tp, p, alpha: alpha, delta: delta)]
            if twoSided {
                candidates += [ratio(fp, n, tp, p, alpha: alpha, delta: delta), ratio(p - tp, p, n - fp, n, alpha: alpha, delta: delta)]
            }
            for c in candidates where c.0 > best.epsilon {
                best = Result(epsilon: c.0, rateLower: c.1, rateUpper: c.2, threshold: score, thresholdsTried: 0)
            }
        }
        best.thresholdsTried = tried
        return best
    }
}
