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
    /// SELENA over the Split-AI these settings describe.
    public init(splitAI a: SplitAIOptions) { (models, excluded, seed, workers) = (a.models, a.excluded, a.seed, a.workers) }

    /// The Split-AI these settings train.
    var splitAI: SplitAIOptions {
        var o = SplitAIOptions()
        (o.models, o.excluded, o.seed, o.workers) = (models, excluded, seed, workers)
        return o
    }
}

/// SELENA (Tang et al., "Mitigating Membership Inference Attacks by Self-Distillation Through a
/// Novel Ensemble Architecture", USENIX Security 2022), in its two parts:
///
/// 1. **Split-AI** (§3.1, `SplitAI`): K sub-models; each private record is left out of L of them and
///    trains the other K − L; a training record is answered by the mean of its L left-out models.
/// 2. **Self-distillation** (§3.2): the released model is trained on the private records with
///    Split-AI's answers for them as soft labels — the cross-entropy −Σ t·log softmax(z) to them, as
///    the authors' `purchase/SELENA/Distillation/train.py` (`distill_train`) does, no hard labels.
///    It is one ordinary model — white-box release is possible — that learned every record only
///    from models that had not seen it.
///
/// The released model is the distilled one; `splitAI` is the ensemble it was distilled from (the
/// same, bit for bit, as `SplitAI` fitted alone with the same options and seed).
public final class SELENA: TrainingDefense {
    public let options: SELENAOptions
    public let teacherTemplate: Classifier
    /// The Split-AI ensemble of the last fit.
    public private(set) var ensemble: SplitAI?
    public private(set) var trainingSize = 0
    /// A Split-AI fitted beforehand that `fit` distils from instead of training its own (nil: train one).
    public let given: SplitAI?

    public init(model: Classifier, student: Classifier? = nil, options: SELENAOptions) throws {
        self.options = options
        self.teacherTemplate = model
        self.given = nil
        _ = try SplitAI(model: model, options: options.splitAI, name: .selena)
        super.init(release: student ?? model)
    }

    /// SELENA distilling from `teacher`, a `SplitAI` already fitted on the records this SELENA will
    /// be fitted on; its K, L, seed and sub-model become SELENA's. The result is the SELENA that
    /// `init(model:student:options:)` with those settings trains, bit for bit, without training the
    /// 25 sub-models a second time — which a notebook showing Split-AI and SELENA side by side
    /// would otherwise do.
    public init(fitted split: SplitAI, student: Classifier? = nil) throws {
        guard split.isFitted else { throw PrivLabError.invalidArgument(.selena, "the split_ai given must be fitted first (call its fit on the private set)") }
        self.options = SELENAOptions(splitAI: split.options)
        self.teacherTemplate = split.template
        self.given = split
        super.init(release: student ?? split.template)
    }

    public override var summary: String {
        "SELENA (K = \(options.models), L = \(options.excluded)) releasing \(releaseTemplate.summary(reseededWith: options.seed))"
    }
    /// The Split-AI sub-models (empty before fit).
    public var members: [Classifier] { ensemble?.members ?? [] }
    /// For private row r, the sub-models left out (its L "non-models").
    public var leftOut: [[Int]] { ensemble?.leftOut ?? [] }

    @discardableResult
    public override func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        // Soft labels: each record's answer from the models that did not see it.
        let split: SplitAI, soft: Matrix
        if let given {
            (split, soft) = (given, try given.memberAnswers(train.features, name: .selena))
        } else {
            split = try SplitAI(model: teacherTemplate, options: options.splitAI, name: .selena)
            try split.fit(train, validation: nil, observer: TrainingObserver(progress: observer.progress))
            soft = try split.trainingAnswers(train.features)
        }
        ensemble = split
        trainingSize = train.size
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
        guard let ensemble else { throw PrivLabError.invalidArgument("selena is not fitted: call fit first") }
        return try ensemble.releasedProbabilities(x)
    }

    /// An untrained SELENA with these settings (one given a fitted Split-AI trains its own).
    public override func copy(seed: UInt64?) throws -> TrainingDefense {
        var o = options
        if let seed { o.seed = seed }
        return try SELENA(model: teacherTemplate, student: releaseTemplate, options: o)
    }

    /// The settings and both templates (their seeds aside: SELENA re-seeds them).
    public override var configurationIdentity: String {
        "selena|\(options.models)|\(options.excluded)|\(options.seed)|\(Self.templateIdentity(teacherTemplate))|\(Self.templateIdentity(releaseTemplate))"
    }

    public override var defenseReport: DefenseReport? {
        guard ensemble != nil else { return nil }
        return DefenseReport(defense: "selena", [("models", .integer(options.models)), ("excluded", .integer(options.excluded)),
                                                 ("records_per_model", .number(Double(trainingSize * (options.models - options.excluded)) / Double(options.models)))])
    }
}

// MARK: storage

extension SELENA: StorableClassifier {
    public static let storedKind = StoredComponentKind("selena")

    /// What a model file keeps of SELENA: the settings and the private set's size (its report);
    /// the Split-AI ensemble it distilled from (a component of its own) and the released model are
    /// its parts. The file is the curator's: it holds the sub-models, as the object in memory does.
    struct Stored: Codable {
        var options: SplitAIOptions
        var trainingSize: Int
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard let split = ensemble, let s = release, s.isFitted else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        return .component(try StoredComponent(self, state: Stored(options: options.splitAI, trainingSize: trainingSize),
                                              parts: [split, try s.requirePersistable("save")], floats: &floats))
    }

    /// A fitted SELENA: its templates are untrained copies of a sub-model and of the released model.
    public static func restoreClassifier(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                              components: ComponentRestoring) throws -> Classifier {
        try c.requireParts(parts, 2, origin: origin)
        let s = try c.decodeState(Stored.self, origin: origin)
        guard let split = parts[0] as? SplitAI, split.options.models == s.options.models, split.options.excluded == s.options.excluded else {
            throw PrivLabError.malformedFile(location: origin, reason: "selena's first part must be its Split-AI ensemble")
        }
        let d = try SELENA(model: try split.template.cloneUntrained(), student: try parts[1].cloneUntrained(), options: SELENAOptions(splitAI: s.options))
        d.ensemble = split
        d.trainingSize = s.trainingSize
        d.release = parts[1]
        return d
    }
}
