import Foundation

/// How the shadow attack gets its attack model: a fixed one, or chosen by the attacker's own
/// validation (issue 31 §2) — without a single query to the target.
public enum AttackModelSelection: Sendable, Equatable {
    case fixed(AttackModelKind)
    case auto(AttackModelSearch)

    public static func logistic(l2: Double) -> AttackModelSelection { .fixed(.logistic(l2: l2)) }
    public static func boostedTrees(stages: Int, depth: Int) -> AttackModelSelection { .fixed(.boostedTrees(stages: stages, depth: depth)) }
    public static func mlp(hidden: Int, epochs: Int) -> AttackModelSelection { .fixed(.mlp(hidden: hidden, epochs: epochs)) }
}

/// `attack_model = "auto"`: hold out some shadow models, fit every candidate configuration
/// (classifier × per class or global × probabilities or log-probabilities) on the others, keep
/// the one with the highest AUC on the held-out shadows' in/out records, and refit it on all
/// shadows. Which attack model is strongest depends on the setting — logistic regression on a
/// large target training set, boosted trees on a small one (issue 31 §2: 200 records) — and the
/// attacker can find out on data whose membership it knows, as any model selection does.
public struct AttackModelSearch: Sendable, Equatable {
    /// The classifiers tried, in order (ties go to the earlier: the simpler model).
    public var models: [AttackModelKind] = [.logistic(l2: 1e-4), .boostedTrees(stages: 100, depth: 3), .mlp(hidden: 64, epochs: 30)]
    public var perClass: [Bool] = [false, true]
    public var features: [AttackFeatures] = [.logProbabilities, .probabilities]
    /// Share of the shadow models held out (rounded, at least one and at most all but one). With a
    /// single shadow there is nothing to hold out but records: half of its ins and half of its outs.
    public var holdout = 0.25
    /// Refit the winner on every shadow (the default): the held-out shadows are the attacker's data
    /// too, and the choice is of a configuration, not of fitted weights; refitted on S instead of
    /// S − h shadows the model sees more records, so its held-out AUC is, if anything, pessimistic.
    /// Without refit the winner is used as fitted on the S − h shadows.
    public var refit = true
    public init() {}

    /// Every configuration, models outermost; `sorted` nil sorts a global model's input and not
    /// a per-class model's (as the fixed choices do).
    public func candidates(sorted: Bool?) -> [AttackModelConfiguration] {
        models.flatMap { m in
            perClass.flatMap { pc in
                features.map { AttackModelConfiguration(model: m, perClass: pc, features: $0, sorted: sorted ?? !pc) }
            }
        }
    }

    /// Shadows held out of `shadows` (0 when there is a single shadow: records are split instead).
    public func heldOutShadows(of shadows: Int) -> Int {
        shadows < 2 ? 0 : min(shadows - 1, max(1, Int((holdout * Double(shadows)).rounded())))
    }

    func validate() throws {
        guard !models.isEmpty, !perClass.isEmpty, !features.isEmpty else {
            throw PrivLabError.invalidArgument("shadow attack: the automatic choice needs at least one candidate")
        }
        guard holdout > 0, holdout < 1 else { throw PrivLabError.invalidArgument("shadow attack: the held-out share must lie in (0, 1), got \(holdout)") }
    }
}

/// A candidate attack model and the AUC it reached on the held-out shadows.
public struct AttackModelCandidate: Sendable {
    public var configuration: AttackModelConfiguration
    public var heldOutAUC: Double
}

/// What the shadow attack says about its attack model in every evaluation.
public struct AttackModelReport: Sendable {
    public var chosen: AttackModelConfiguration
    /// Whether it was chosen by validation (`attack_model = "auto"`).
    public var automatic: Bool
    /// Every candidate with its held-out AUC, in candidate order (empty for a fixed choice).
    public var candidates: [AttackModelCandidate]
    /// How the candidates were validated ("1 of 4 shadows held out").
    public var validation: String
    public var refitted: Bool
    /// The final attack model's AUC on its own training records (the shadows' in and out).
    public var trainingAUC: Double
}

/// The examples of one part of the shadow data for a configuration: features, labels, membership.
typealias AttackExamples = (x: [[Float]], labels: [Int], member: [Int])

extension AttackModelSearch {
    /// Fits each candidate on `train` and scores `validation` (candidates on up to `workers`
    /// threads; each seeded by its index, so the result does not depend on the thread count).
    func compare(_ candidates: [AttackModelConfiguration], seed: UInt64, workers: Int,
                 train: (AttackModelConfiguration) throws -> AttackExamples,
                 validation: (AttackModelConfiguration) throws -> AttackExamples) throws -> [AttackModelCandidate] {
        try ParallelWork.run(candidates.count, workers: workers) { i -> AttackModelCandidate in
            let c = candidates[i]
            let t = try train(c), v = try validation(c)
            let set = try AttackModelSet(c, x: t.x, labels: t.labels, member: t.member, seed: seed)
            let s = try set.scores(v.x, labels: v.labels)
            let ins = zip(s, v.member).filter { $0.1 == 1 }.map(\.0), outs = zip(s, v.member).filter { $0.1 == 0 }.map(\.0)
            return AttackModelCandidate(configuration: c, heldOutAUC: try MembershipMetrics(memberScores: ins, nonMemberScores: outs).auc)
        }
    }

    /// The index of the best candidate: the highest held-out AUC, the earliest on ties.
    static func best(_ results: [AttackModelCandidate]) -> Int {
        var b = 0
        for (i, r) in results.enumerated() where r.heldOutAUC > results[b].heldOutAUC { b = i }
        return b
    }
}
