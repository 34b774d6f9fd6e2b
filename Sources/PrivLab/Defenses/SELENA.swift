import Foundation

/// SELENA's settings.
public struct SELENAOptions: Sendable {
    /// Sub-models of Split-AI (K).
    public var models = 25
    /// Sub-models each record is left out of (L); the others (K − L) train on it.
    public var excluded = 10
    public var seed: UInt64 = 1
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public init() {}
}

/// SELENA (Tang et al., "Mitigating Membership Inference Attacks by Self-Distillation Through a
/// Novel Ensemble Architecture", USENIX Security 2022), in its two parts:
///
/// 1. **Split-AI** (§3.1): K sub-models; each private record is left out of L of them, chosen at
///    random, and used by the other K − L. Asked about a training record, Split-AI answers with the
///    mean of the L sub-models that never saw it — so members get non-member answers. (Asked about
///    another record, it averages the L sub-models left out for a training record chosen from the
///    query's content, so both answers come from the same distribution, as in the authors' code.)
/// 2. **Self-distillation** (§3.2): the released model is trained on the private records with
///    Split-AI's answers for them as soft labels (the cross-entropy to them, as the reference
///    repository's `train.py` does). It is one ordinary model — white-box release is possible — that
///    learned every record only from models that had not seen it.
///
/// The released model is the distilled one; `splitAI` answers as Split-AI does, for comparison.
public final class SELENA: TrainingDefense {
    public let options: SELENAOptions
    public let teacherTemplate: Classifier
    public private(set) var members: [Classifier] = []
    /// For private row r, the sub-models left out (its L "non-models").
    public private(set) var leftOut: [[Int]] = []
    private var lookup: RowLookup?
    public private(set) var trainingSize = 0

    public init(model: Classifier, student: Classifier? = nil, options: SELENAOptions) throws {
        guard options.models >= 2 else { throw PrivLabError.invalidArgument("selena: models (K) must be at least 2, got \(options.models)") }
        guard options.excluded >= 1, options.excluded < options.models else {
            throw PrivLabError.invalidArgument("selena: excluded (L) must be in 1…\(options.models - 1) (fewer than models), got \(options.excluded)")
        }
        self.options = options
        self.teacherTemplate = model
        super.init(release: student ?? model)
    }

    public override var summary: String {
        "SELENA (K = \(options.models), L = \(options.excluded)) releasing \(releaseTemplate.summary)"
    }

    @discardableResult
    public override func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        let (k, l) = (options.models, options.excluded)
        guard train.size >= k else { throw PrivLabError.invalidArgument("selena: \(k) sub-models need at least \(k) private records, got \(train.size)") }
        try train.checkFinite()
        var rng = RNG.stream(seed: options.seed, index: 0)
        leftOut = (0..<train.size).map { _ in Array(rng.permutation(k).prefix(l)).sorted() }
        var trainsOn = [[Int]](repeating: [], count: k)
        for (r, out) in leftOut.enumerated() {
            let skip = Set(out)
            for m in 0..<k where !skip.contains(m) { trainsOn[m].append(r) }
        }
        members = try EnsembleMembers(template: teacherTemplate, seed: options.seed, workers: options.workers)
            .train(trainsOn.map { train.rows($0) }, progress: observer.progress)
        lookup = RowLookup(train.features)
        trainingSize = train.size

        // Soft labels: each record's answer from the models that did not see it.
        let soft = try EnsembleMembers.meanProbabilities(members, train.features) { r in self.leftOut[r] }
        var targets = [Int: [Float]]()
        for r in 0..<train.size { targets[train.ids[r]] = soft.row(r) }
        let s = try releaseTemplate.reseededClone(seed: mix64(options.seed ^ 0x5345_4C45_4E41))
        let history = try s.requireHooks().fit(train, validation: validation, hooks: TrainingHooks(softTargets: targets), observer: TrainingObserver(onEpoch: observer.onEpoch))
        release = s
        return history
    }

    /// Split-AI's answers (§3.1): for a training record, the mean over its L left-out models; for
    /// any other row, over the left-out models of the training record picked by the row's content.
    public func splitAI(_ x: Matrix) throws -> Matrix {
        guard let lookup, !members.isEmpty else { throw PrivLabError.invalidArgument("selena is not fitted: call fit first") }
        return try EnsembleMembers.meanProbabilities(members, x) { r in
            if let p = lookup.position(of: x, row: r) { return self.leftOut[p] }
            return self.leftOut[Int(RowLookup.hash(x, r) % UInt64(self.trainingSize))]
        }
    }

    public override func copy(seed: UInt64?) throws -> TrainingDefense {
        var o = options
        if let seed { o.seed = seed }
        return try SELENA(model: teacherTemplate, student: releaseTemplate, options: o)
    }

    public override var defenseReport: DefenseReport? {
        guard !members.isEmpty else { return nil }
        return DefenseReport(defense: "selena", [("models", .integer(options.models)), ("excluded", .integer(options.excluded)),
                                                 ("records_per_model", .number(Double(trainingSize * (options.models - options.excluded)) / Double(options.models)))])
    }
}
