import Foundation

/// A membership-inference attack against one target model: a per-record score (higher = more
/// likely a member) and, when the attack calibrated one on its own (shadow) data, a threshold.
public protocol MembershipAttack: AnyObject {
    var name: String { get }
    /// The model under attack, as the attacker reaches it (possibly behind a query budget): a
    /// predictor — an attack never trains the target.
    var target: Predictor { get }
    /// The attacker's knowledge and budget, stated (printed with every evaluation).
    var threatModel: [String: String] { get }
    /// Scores the records of `ds` (features and labels; ids are only carried along).
    func scores(_ ds: Dataset) throws -> [Double]
    /// The attack's own decision threshold (calibrated without the evaluation data), if any.
    var threshold: Double? { get }
    /// Queries made to the target so far (black-box budget accounting).
    var queries: Int { get }
    /// The attack model a learned attack uses and how it was chosen (nil for other attacks).
    var attackModelReport: AttackModelReport? { get }
    /// What the attack learned on its own data, by name (its shadow models' accuracies, its
    /// calibrated thresholds); empty for an attack that learns nothing more than its threshold.
    var learned: [String: AttackFact] { get }
    /// Song & Mittal's privacy risk score of each record of `ds` (Song & Mittal 2021, §3.3), or nil
    /// when the attack has no such score (only metric attacks calibrated on shadow models have).
    func privacyRiskScores(_ ds: Dataset) throws -> [Double]?
}

/// One thing an attack learned, as reports show it.
public enum AttackFact: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    /// A threshold per class (class index from 0).
    case classThresholds([Int: Double])
}

extension MembershipAttack {
    public var attackModelReport: AttackModelReport? { nil }
    public var learned: [String: AttackFact] { [:] }
    public func privacyRiskScores(_ ds: Dataset) throws -> [Double]? { nil }
}

/// The outcome of running an attack on known members and non-members.
public struct MembershipEvaluation: Sendable {
    public var metrics: MembershipMetrics
    /// Balanced accuracy at the attack's own threshold, or at the best threshold when the attack has
    /// none (then `accuracyIsOracle` is true: the threshold was chosen knowing the answers).
    public var accuracy: Double
    public var accuracyIsOracle: Bool
    /// Precision and recall of "member" at the same threshold as `accuracy`: the attack's own when
    /// it has one — what Shokri et al. (S&P 2017, §V) report for the attack model's decisions —,
    /// else the oracle best threshold (`metrics.precision`, `metrics.recall`).
    public var precision: Double = 0
    public var recall: Double = 0
    /// Per-record results, members first.
    public var ids: [Int]
    public var scores: [Double]
    public var isMember: [Bool]
    public var labels: [Int]
    /// AUC per true class (classes with both members and non-members only).
    public var perClassAUC: [Int: Double]
    public var perClassCount: [Int: Int]
    /// Things a report must say (balancing, unresolved low-FPR figures, oracle thresholds).
    public var notes: [String]
    public var tprAtFPR: [Double: Double]
    /// Bootstrap intervals of the AUC and of `tprAtFPR` (nil unless asked for).
    public var intervals: MembershipIntervals? = nil
    /// The attack model used and the candidates' held-out AUCs (learned attacks only).
    public var attackModel: AttackModelReport? = nil
}

/// How an evaluation reports: the FPRs at which TPR is read, and bootstrap intervals.
public struct EvaluationOptions: Sendable {
    public var balanced = true
    public var seed: UInt64 = 1
    /// TPR is reported at each of these false-positive rates (each in (0, 1)).
    public var fprs: [Double] = [0.001, 0.01, 0.1]
    /// Bootstrap replicates for confidence intervals (0: none).
    public var bootstrap = 0
    public var level = 0.95
    public init() {}

    func validate() throws {
        if let f = fprs.first(where: { !($0 > 0 && $0 < 1) }) { throw PrivLabError.invalidArgument("evaluate: each FPR must lie in (0, 1), got \(f)") }
        guard bootstrap == 0 || bootstrap >= 10 else { throw PrivLabError.invalidArgument("evaluate: bootstrap needs at least 10 replicates (or 0 for none), got \(bootstrap)") }
    }
}

extension MembershipAttack {
    /// The threat model with the query budget's use when the target has one.
    public var statedThreatModel: [String: String] {
        var t = threatModel
        if let b = target as? QueryBudgeted { t["query budget"] = "\(b.used) of \(b.budget) records queried" }
        return t
    }

    /// Scores `members` and `nonMembers` and measures the separation. With `balanced` (the default),
    /// the larger set is subsampled (seeded) to the size of the smaller, so accuracy and precision
    /// have a 50% baseline.
    public func evaluate(members m: Dataset, nonMembers n: Dataset, balanced: Bool = true, seed: UInt64 = 1,
                         fprs: [Double] = [0.001, 0.01, 0.1]) throws -> MembershipEvaluation {
        var o = EvaluationOptions()
        (o.balanced, o.seed, o.fprs) = (balanced, seed, fprs)
        return try evaluate(members: m, nonMembers: n, options: o)
    }

    /// Scores `members` and `nonMembers` and measures the separation as `options` says.
    public func evaluate(members m: Dataset, nonMembers n: Dataset, options: EvaluationOptions) throws -> MembershipEvaluation {
        try options.validate()
        let (balanced, seed, fprs) = (options.balanced, options.seed, options.fprs)
        guard m.size > 0, n.size > 0 else { throw PrivLabError.invalidArgument("evaluate: members and non-members must both be non-empty") }
        var members = m, nonMembers = n
        var notes = [String]()
        if balanced && m.size != n.size {
            let k = min(m.size, n.size)
            var rng = RNG.stream(seed: seed, index: 77)
            if m.size > k { members = m.rows(try rng.sample(m.size, k).sorted()) }
            if n.size > k { nonMembers = n.rows(try rng.sample(n.size, k).sorted()) }
            notes.append("balanced: \(k) members and \(k) non-members (subsampled from \(m.size) and \(n.size))")
        } else {
            notes.append("\(members.size) members and \(nonMembers.size) non-members" + (balanced ? " (balanced)" : " (not balanced: accuracy's baseline is not 50%)"))
        }
        if let clash = Set(members.ids).intersection(nonMembers.ids).min() {
            throw PrivLabError.invalidArgument("evaluate: record id \(clash) is both a member and a non-member")
        }
        // One scoring call for all candidates (online LiRA trains its shadows on all of them at once).
        let both = try scores(try members.concatenated(nonMembers))
        let sm = Array(both[0..<members.size]), sn = Array(both[members.size...])
        if sm.contains(where: \.isNaN) || sn.contains(where: \.isNaN) {
            throw PrivLabError.message("\(name): the attack produced NaN scores")
        }
        let metrics = try MembershipMetrics(memberScores: sm, nonMemberScores: sn)
        var acc = metrics.balancedAccuracy
        var oracle = true
        var (precision, recall) = (metrics.precision, metrics.recall)
        if let t = threshold {
            let tp = sm.filter { $0 >= t }.count, fp = sn.filter { $0 >= t }.count
            let tpr = Double(tp) / Double(sm.count)
            let tnr = Double(sn.count - fp) / Double(sn.count)
            acc = (tpr + tnr) / 2
            oracle = false
            // No record called a member: precision is undefined; 0 as MembershipMetrics does.
            precision = tp + fp > 0 ? Double(tp) / Double(tp + fp) : 0
            recall = tpr
        } else {
            notes.append("accuracy uses the best threshold on the evaluation data itself (the attack calibrated none): an upper bound")
        }
        var tprs = [Double: Double]()
        for f in fprs {
            tprs[f] = metrics.tpr(atFPR: f)
            if metrics.isUnresolved(fpr: f) {
                notes.append("TPR at \(formatCompact(f * 100))% FPR is the TPR at zero false positives: \(nonMembers.size) non-members cannot resolve that FPR (\(Int((1 / f).rounded())) needed)")
            }
        }
        var perClass = [Int: Double](), perCount = [Int: Int]()
        let k = max(members.classes, nonMembers.classes)
        for c in 0..<k {
            let a = zip(members.labels, sm).filter { $0.0 == c }.map(\.1)
            let b = zip(nonMembers.labels, sn).filter { $0.0 == c }.map(\.1)
            perCount[c] = a.count + b.count
            if !a.isEmpty && !b.isEmpty { perClass[c] = try MembershipMetrics(memberScores: a, nonMemberScores: b).auc }
        }
        var result = MembershipEvaluation(metrics: metrics, accuracy: acc, accuracyIsOracle: oracle,
                                          ids: members.ids + nonMembers.ids, scores: sm + sn,
                                          isMember: [Bool](repeating: true, count: sm.count) + [Bool](repeating: false, count: sn.count),
                                          labels: members.labels + nonMembers.labels, perClassAUC: perClass, perClassCount: perCount,
                                          notes: notes, tprAtFPR: tprs)
        (result.precision, result.recall) = (precision, recall)
        result.attackModel = attackModelReport
        if options.bootstrap > 0 {
            result.intervals = try MembershipIntervals(memberScores: sm, nonMemberScores: sn, fprs: fprs, replicates: options.bootstrap,
                                                       level: options.level, seed: seed)
        }
        return result
    }
}

/// The threshold maximising balanced accuracy between two score samples (ties broken towards the
/// lower threshold), used to calibrate attacks on shadow data.
func bestThreshold(inScores: [Double], outScores: [Double]) throws -> Double {
    let m = try MembershipMetrics(memberScores: inScores, nonMemberScores: outScores)
    return m.bestThreshold.isFinite ? m.bestThreshold : (inScores.max() ?? 0)
}

