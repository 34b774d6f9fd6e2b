import Foundation

/// Bootstrap confidence intervals for an attack's AUC and its TPR at chosen FPRs: members and
/// non-members are resampled with replacement, each side on its own (a stratified bootstrap, so
/// every replicate keeps the evaluation's balance), the figures recomputed on each replicate, and
/// the percentile interval taken (Efron & Tibshirani 1993, §13.3). TPR at a low FPR rests on a
/// handful of the highest-scoring non-members, so its interval is the one to read before
/// comparing two attacks there (Carlini et al. 2022, §III, report it on a log scale for that reason).
public struct MembershipIntervals: Sendable {
    /// The coverage asked for, e.g. 0.95.
    public let level: Double
    public let replicates: Int
    public let auc: ClosedRange<Double>
    public let tprAtFPR: [Double: ClosedRange<Double>]

    /// `replicates` resamples drawn from `seed`, computed on `workers` threads; the intervals do
    /// not depend on `workers` (replicate i draws from its own stream).
    public init(memberScores: [Double], nonMemberScores: [Double], fprs: [Double], replicates: Int, level: Double,
                seed: UInt64, workers: Int = 2) throws {
        guard replicates >= 10 else { throw PrivLabError.invalidArgument("bootstrap: at least 10 replicates are needed, got \(replicates)") }
        guard level > 0, level < 1 else { throw PrivLabError.invalidArgument("bootstrap: the confidence level must lie in (0, 1), got \(level)") }
        guard !memberScores.isEmpty, !nonMemberScores.isEmpty else { throw PrivLabError.invalidArgument("bootstrap: members and non-members must both be non-empty") }
        let figures = try ParallelWork.run(replicates, workers: workers) { r -> [Double] in
            var rng = RNG.stream(seed: seed, index: 0xB007 &+ UInt64(r))
            let m = (0..<memberScores.count).map { _ in memberScores[rng.int(below: memberScores.count)] }
            let n = (0..<nonMemberScores.count).map { _ in nonMemberScores[rng.int(below: nonMemberScores.count)] }
            let curve = try ROCCurve(positiveScores: m, negativeScores: n)
            return [curve.auc] + fprs.map { ROCCurve.tpr(atFPR: $0, on: curve.points) }
        }
        func interval(_ column: Int) -> ClosedRange<Double> {
            let v = figures.map { $0[column] }.sorted()
            return Self.quantile(v, (1 - level) / 2)...Self.quantile(v, (1 + level) / 2)
        }
        self.level = level
        self.replicates = replicates
        auc = interval(0)
        var t = [Double: ClosedRange<Double>]()
        for (k, f) in fprs.enumerated() { t[f] = interval(k + 1) }
        tprAtFPR = t
    }

    /// The q-quantile of sorted values, interpolated linearly between order statistics (NumPy's
    /// default, "linear").
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let h = q * Double(sorted.count - 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
