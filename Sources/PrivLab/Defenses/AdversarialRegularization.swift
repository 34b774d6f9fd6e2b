import Foundation

/// What the inference model h reads of the classifier's answer.
public enum InferenceInput: String, CaseIterable, Sendable, Codable {
    /// The logits, as the authors' released code feeds h (`PPN_Purchase_GIT.py`, line 365:
    /// `inference_model(outputs, …)` with `outputs` the last linear layer's output).
    case logits
    /// The probability vector, as the paper writes h(x, y, f(x)) with f(x) the prediction vector (§3).
    case probabilities
}

/// What the inference model h minimises on its batches.
public enum InferenceLoss: String, CaseIterable, Sendable, Codable {
    /// The squared error of h's membership probability against 1 (member) / 0 (reference), as the
    /// authors' code trains h during the defense (`attack_criterion = nn.MSELoss()`, line 693).
    case squaredError = "squared_error"
    /// The cross-entropy, i.e. the paper's gain G negated (§3, Eq. 7).
    case crossEntropy = "cross_entropy"
}

/// How the inference model h's weights start.
public enum InferenceInitialisation: String, CaseIterable, Codable, Sendable {
    /// Every weight N(0, 0.01²), every bias 0, as the authors' code starts h (`PPN_Purchase_GIT.py`,
    /// `InferenceAttack_HZ`, lines 144–151). Through h's seven ReLU layers this leaves its output
    /// near 0 and its deep gradients below Adam's ε: on the Purchase-like data h never moves, in
    /// PyTorch as here (notebooks/reproductions/nasr2018.lua measures it).
    case normal
    /// PyTorch's default for a linear layer (Kaiming-uniform with a = √5: weights and biases
    /// U(−1/√fan_in, 1/√fan_in)) and PrivLab's: a departure from the authors' code.
    case uniform
}

/// Adversarial regularisation's settings. The defaults are the authors' Purchase-100 setting
/// (Nasr, Shokri & Houmansadr 2018, §5 and SPIN-UMass/ML-Privacy-Regulization,
/// `PPN_Purchase_GIT.py`), except where a comment says otherwise.
public struct AdversarialRegularizationOptions: Sendable, Codable {
    /// λ (the code's `alpha`): the weight of h's mean membership score in the classifier's loss;
    /// 3 for Purchase-100 (`find_alpha`, line 677).
    public var lambda = 3.0
    /// k: inference-model steps per classifier step. The code alternates up to 52 h batches with
    /// 2 classifier batches (lines 746–749): about 26. Smaller k is cheaper but lets h lag the
    /// classifier, which then fools a stale h instead of hiding membership.
    public var innerSteps = 26
    /// Widths of h relative to the authors' network (`InferenceModel`; 1 = theirs).
    public var attackWidth = 1.0
    /// h's learning rate (Adam), 1e-4 in the code (line 694).
    public var attackLearningRate = 1e-4
    /// Records per h step from the private set and from the reference set each: 128 (line 685).
    public var attackBatch = 128
    /// What h reads: the logits (the code's choice, the default) or the probabilities (the paper's).
    public var attackInput = InferenceInput.logits
    /// How h's weights start: N(0, 0.01²) as the authors' code (the default), or PyTorch's default.
    public var attackInitialisation = InferenceInitialisation.normal
    /// What h minimises: the squared error (the code's, the default) or the cross-entropy (the
    /// paper's G). Neither keeps the game stable everywhere: on the Purchase-like data at λ = 3
    /// (600-256-100 MLP, k = 8) we measured the classifier collapsing to chance accuracy with the
    /// cross-entropy here, and with the squared error in a PyTorch script of the same schedule.
    public var attackLoss = InferenceLoss.squaredError
    /// Epochs of plain training before the game starts: 1 in the code (epoch 0, line 739).
    public var warmupEpochs = 1
    /// Passes of h over the private set, against the classifier as it is after the warm-up, before
    /// the game starts: 5 in the code (lines 741–743).
    public var attackWarmupEpochs = 5
    public var seed: UInt64 = 1
    public init() {}
}

/// Membership privacy by adversarial regularisation (Nasr, Shokri & Houmansadr, "Machine Learning
/// with Membership Privacy using Adversarial Regularization", CCS 2018, Algorithm 1): the
/// classifier f is trained against an inference model h that tries to tell its training records
/// from a reference set's. Min-max:
///
///   min_f max_h  L(f) + λ · G(f, h),   G = E_D[log h(x, y, f(x))] + E_D'[log(1 − h(x', y', f(x')))]
///
/// Schedule, as the released code runs it: `warmupEpochs` of plain training, `attackWarmupEpochs`
/// passes of h alone, then every classifier step minimises its cross-entropy plus λ times h's mean
/// membership score on the batch (a `TrainingHooks.logitTerm`: the gradient reaches the logits
/// through h) and is followed by k steps of h (`TrainingHooks.afterStep`), each on `attackBatch`
/// private and as many reference records, minimising `attackLoss`.
///
/// Choices: the classifier's term is λ · mean h(x, y, f(x)), not the λ · mean log h of the paper's
/// formula — as the code does (`train_privatly`, line 369: `alpha * (torch.mean(inference_output) - 0.5)`;
/// the constant changes no gradient): log h is unbounded below. h draws its batches at random where
/// the code walks through shuffled data in order.
public final class AdversarialRegularization: TrainingDefense {
    public let options: AdversarialRegularizationOptions
    /// Non-member records for the inference model (disjoint from the private set).
    public let reference: Dataset
    /// The inference model of the last fit, and its gain G on the last batches it saw.
    private var inference: InferenceModel?
    public private(set) var lastGain: Double?
    /// h's parameters after the last fit (prediction branch, label branch, combining part; each
    /// dense layer's weight then bias), for tests and inspection.
    public var inferenceParameters: [[Float]]? { inference?.parameters.map(\.value.data) }

    public init(model: Classifier, reference: Dataset, options: AdversarialRegularizationOptions) throws {
        guard options.lambda.isFinite, options.lambda >= 0 else {
            throw PrivLabError.invalidArgument(.adversarialRegularisation, "lambda must be non-negative, got \(formatCompact(options.lambda))")
        }
        guard options.innerSteps >= 1 else { throw PrivLabError.invalidArgument(.adversarialRegularisation, "steps must be at least 1") }
        guard options.attackBatch >= 1 else {
            throw PrivLabError.invalidArgument(.adversarialRegularisation, "attack_batch must be at least 1")
        }
        guard options.warmupEpochs >= 0, options.attackWarmupEpochs >= 0 else {
            throw PrivLabError.invalidArgument(.adversarialRegularisation, "warmup and attack_warmup must be non-negative")
        }
        guard options.attackWidth.isFinite, options.attackWidth > 0 else {
            throw PrivLabError.invalidArgument(.adversarialRegularisation, "attack_width must be positive, got \(formatCompact(options.attackWidth))")
        }
        guard reference.size > 0 else { throw PrivLabError.invalidArgument(.adversarialRegularisation, "the reference set is empty") }
        try reference.checkFinite()
        self.options = options
        self.reference = reference
        super.init(release: model)
    }

    public override var summary: String {
        "adversarially regularised (λ = \(formatCompact(options.lambda)), k = \(options.innerSteps)) \(releaseTemplate.summary(reseededWith: options.seed))"
    }

    @discardableResult
    public override func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        guard train.featureCount == reference.featureCount else {
            throw PrivLabError.shape("adversarial regularisation: the reference set has \(reference.featureCount) features, the private set \(train.featureCount)")
        }
        try train.checkFinite()
        try RowLookup(train.features).requireDisjoint(reference.features) { n, o, p in
            "adversarial regularisation: option 'reference' shares \(n) record\(n == 1 ? "" : "s") with the private set (reference row \(o) = private row \(p)); the inference model needs non-members"
        }
        // Seeded like the template would be with this seed: with λ = 0 the result is plain training.
        let f = try releaseTemplate.reseededClone(seed: options.seed)
        // A warm-up as long as the training would return a plainly trained model under this
        // defense's name: the game must get at least one epoch.
        guard options.warmupEpochs < f.trainingEpochs else {
            throw PrivLabError.invalidArgument(.adversarialRegularisation,
                "warmup (\(options.warmupEpochs) epochs) must be shorter than the classifier's training (\(f.trainingEpochs) epochs): the game would never start")
        }
        let game = try InferenceGame(options: options, train: train, reference: reference, classifier: f)
        inference = game.h
        var hooks = TrainingHooks()
        // Best-epoch selection (the classifier's patience and restore_best) looks only at epochs of
        // the game: a warm-up epoch is undefended training.
        hooks.firstSelectableEpoch = options.warmupEpochs + 1
        hooks.logitTerm = { ids, z, normalizer in try game.classifierTerm(ids: ids, logits: z, normalizer: normalizer) }
        hooks.afterStep = { [self] _ in
            guard game.playing else { return }
            for _ in 0..<options.innerSteps { self.lastGain = try game.inferenceStep() }
        }
        // The game starts after the warm-up: h first learns against the warmed-up classifier.
        let start = { [self] in
            for _ in 0..<(options.attackWarmupEpochs * game.stepsPerPass) { self.lastGain = try game.inferenceStep() }
            game.playing = true
        }
        if options.warmupEpochs == 0 { hooks.beforeFirstStep = start }
        var watch = observer
        let warmup = options.warmupEpochs
        // h measured after each epoch (after its warm-up passes on the warm-up's last epoch): the
        // history shows whether the game is played at all (an h that never learns leaves G at 2·ln ½).
        var measured: [Int: InferenceMeasurement] = [:]
        watch.onEpoch = { record in
            let go = try observer.onEpoch?(record) ?? true
            if record.epoch == warmup { try start() }
            measured[record.epoch] = try game.measure()
            return go
        }
        let history = try f.requireHooks().fit(train, validation: validation, hooks: hooks, observer: watch)
        release = f
        return history.map { r in
            var r = r
            r.defense = measured[r.epoch]?.entries
            return r
        }
    }

    public override func copy(seed: UInt64?) throws -> TrainingDefense {
        var o = options
        if let seed { o.seed = seed }
        return try AdversarialRegularization(model: releaseTemplate, reference: reference, options: o)
    }

    /// The settings, the template (its seed aside: the classifier is re-seeded) and the reference records.
    public override var configurationIdentity: String {
        let o = options
        return "advreg|\(o.lambda)|\(o.innerSteps)|\(o.attackWidth)|\(o.attackLearningRate)|\(o.attackBatch)|\(o.attackInput.rawValue)|"
            + "\(o.attackLoss.rawValue)|\(o.warmupEpochs)|\(o.attackWarmupEpochs)|\(o.seed)|\(Self.templateIdentity(releaseTemplate))|\(Self.dataIdentity(reference))"
    }

    public override var defenseReport: DefenseReport? {
        guard release != nil else { return nil }
        var e: [(String, DefenseReport.Value)] = [("lambda", .number(options.lambda)), ("steps", .integer(options.innerSteps)),
                                                   ("reference", .integer(reference.size)), ("attack_input", .text(options.attackInput.rawValue)),
                                                   ("attack_loss", .text(options.attackLoss.rawValue)),
                                                   ("attack_init", .text(options.attackInitialisation.rawValue))]
        if let g = lastGain { e.append(("attack_gain", .number(g))) }
        return DefenseReport(defense: "adversarial regularisation", e)
    }
}

// MARK: storage

extension AdversarialRegularization: StorableClassifier {
    public static let storedKind = StoredComponentKind("adversarial_regularization")

    /// What a model file keeps: the settings, the reference records (so copies play the same
    /// game), the inference model h as the last fit left it (its parameters after the reference
    /// records' floats) and its last gain (the report); the released classifier is the one part.
    /// h answers nothing a user queries, but it is what the defender trained against: a reloaded
    /// model shows the same h (`inferenceParameters`) as the one saved.
    struct Stored: Codable {
        var options: AdversarialRegularizationOptions
        var lastGain: Double?
        var reference: StoredDataset
        /// h's number of classes (its input width) and the length of each of its parameters.
        var inferenceClasses: Int?
        var inferenceParameterCounts: [Int]?
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard let f = release, f.isFitted else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        var own = [Float]()
        var state = Stored(options: options, lastGain: lastGain, reference: StoredDataset(reference, floats: &own))
        if let h = inference {
            state.inferenceClasses = h.classes
            state.inferenceParameterCounts = h.parameters.map(\.value.data.count)
            for p in h.parameters { own += p.value.data }
        }
        return .component(try StoredComponent(self, state: state, parts: [try f.requirePersistable("save")], own: own, floats: &floats))
    }

    /// A fitted defense: its template is an untrained copy of the released classifier (re-seeded
    /// from the defense's seed at every fit, so the template's own seed is never used).
    public static func restoreClassifier(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                              components: ComponentRestoring) throws -> Classifier {
        try c.requireParts(parts, 1, origin: origin)
        let s = try c.decodeState(Stored.self, origin: origin)
        var cursor = 0
        let d = try AdversarialRegularization(model: try parts[0].cloneUntrained(), reference: try s.reference.restore(own, &cursor, origin: origin),
                                              options: s.options)
        d.lastGain = s.lastGain
        d.release = parts[0]
        if let k = s.inferenceClasses, let counts = s.inferenceParameterCounts {
            d.inference = try restoreInference(classes: k, counts: counts, own, &cursor, options: s.options, origin: origin)
        }
        return d
    }

    /// h rebuilt with the stored shape and filled with the stored parameters.
    private static func restoreInference(classes k: Int, counts: [Int], _ own: [Float], _ cursor: inout Int,
                                         options o: AdversarialRegularizationOptions, origin: String) throws -> InferenceModel {
        let h = try InferenceModel(classes: k, width: o.attackWidth, initialisation: o.attackInitialisation, seed: o.seed)
        guard h.parameters.map(\.value.data.count) == counts, cursor + counts.reduce(0, +) <= own.count else {
            throw PrivLabError.malformedFile(location: origin, reason: "adversarial regularisation: the stored inference model does not match its settings")
        }
        for p in h.parameters {
            let n = p.value.data.count
            p.value.data = Array(own[cursor..<(cursor + n)])
            cursor += n
        }
        return h
    }
}
