import Foundation

/// Adversarial regularisation's settings.
public struct AdversarialRegularizationOptions: Sendable {
    /// λ: the weight of the attack's gain in the classifier's loss (the paper tries 1 to 10^… ;
    /// larger is more private and less accurate).
    public var lambda = 1.0
    /// k: inference-model steps per classifier step (the paper's inner maximisation).
    public var innerSteps = 1
    /// The inference model's hidden width and learning rate (Adam).
    public var attackHidden = 64
    public var attackLearningRate = 1e-3
    /// Records per inference-model step, from the private set and from the reference set each.
    public var attackBatch = 64
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
/// Each classifier step minimises its loss plus λ times h's membership probability on the batch
/// (a `TrainingHooks.logitTerm`: the gradient reaches the logits through h and the softmax), and
/// is followed by k steps that train h to maximise G (`TrainingHooks.afterStep`).
///
/// Choices: the classifier's term is λ · mean h(x, y, f(x)), not the λ · mean log h of the paper's
/// formula — as the public implementations do (e.g. the DMP authors' `train_privatly`,
/// vrt1shjwlkr/AAAI21-MIA-Defense: `alpha * (inference_output.mean() - 0.5)`): log h is unbounded
/// below, so once h is fooled its gradient keeps growing and training collapses (we measured
/// accuracy falling to 5% on Purchase-100 at λ = 1); h sees the probability vector and the one-hot label concatenated (the paper feeds them
/// to two branches merged in later layers; one hidden layer on the concatenation can express the
/// same interactions at this scale); h is an MLP with one hidden ReLU layer, trained with Adam.
public final class AdversarialRegularization: TrainingDefense {
    public let options: AdversarialRegularizationOptions
    /// Non-member records for the inference model (disjoint from the private set).
    public let reference: Dataset
    /// The inference model of the last fit, and its gain G on the last batches it saw.
    public private(set) var inference: NeuralNetwork?
    public private(set) var lastGain: Double?

    public init(model: Classifier, reference: Dataset, options: AdversarialRegularizationOptions) throws {
        guard options.lambda.isFinite, options.lambda >= 0 else {
            throw PrivLabError.invalidArgument("adversarial regularisation: lambda must be non-negative, got \(formatCompact(options.lambda))")
        }
        guard options.innerSteps >= 1 else { throw PrivLabError.invalidArgument("adversarial regularisation: steps must be at least 1") }
        guard options.attackBatch >= 1, options.attackHidden >= 1 else {
            throw PrivLabError.invalidArgument("adversarial regularisation: attack_batch and attack_hidden must be at least 1")
        }
        guard reference.size > 0 else { throw PrivLabError.invalidArgument("adversarial regularisation: the reference set is empty") }
        try reference.checkFinite()
        self.options = options
        self.reference = reference
        super.init(release: model)
    }

    public override var summary: String {
        "adversarially regularised (λ = \(formatCompact(options.lambda)), k = \(options.innerSteps)) \(releaseTemplate.summary)"
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
        let game = try InferenceGame(options: options, train: train, reference: reference, classifier: f)
        inference = game.h
        var hooks = TrainingHooks()
        hooks.logitTerm = { ids, z, normalizer in try game.classifierTerm(ids: ids, logits: z, normalizer: normalizer) }
        hooks.afterStep = { [self] _ in
            for _ in 0..<options.innerSteps { self.lastGain = try game.inferenceStep() }
        }
        let history = try f.fit(train, validation: validation, hooks: hooks, observer: observer)
        release = f
        return history
    }

    public override func copy(seed: UInt64?) throws -> TrainingDefense {
        var o = options
        if let seed { o.seed = seed }
        return try AdversarialRegularization(model: releaseTemplate, reference: reference, options: o)
    }

    public override var defenseReport: DefenseReport? {
        guard release != nil else { return nil }
        var e: [(String, DefenseReport.Value)] = [("lambda", .number(options.lambda)), ("steps", .integer(options.innerSteps)),
                                                   ("reference", .integer(reference.size))]
        if let g = lastGain { e.append(("attack_gain", .number(g))) }
        return DefenseReport(defense: "adversarial regularisation", e)
    }
}

/// The min-max game of adversarial regularisation (Nasr, Shokri & Houmansadr 2018, Algorithm 1):
/// the inference model h, the classifier's extra term λ · h(member | f(x), y), and h's own steps.
private final class InferenceGame {
    let h: NeuralNetwork
    let options: AdversarialRegularizationOptions
    let train: Dataset, reference: Dataset
    let classifier: Classifier
    /// Classes: h's input is a probability vector and a one-hot label, 2k values.
    let k: Int
    let labelOf: [Int: Int]
    let adam = Optimizer(kind: .adam)
    var rng: RNG

    init(options: AdversarialRegularizationOptions, train: Dataset, reference: Dataset, classifier: Classifier) throws {
        self.options = options
        self.train = train
        self.reference = reference
        self.classifier = classifier
        k = max(train.classes, reference.classes)
        var ho = TrainingOptions()
        ho.seed = mix64(options.seed ^ 0x4845)
        h = try NeuralNetwork.mlp(hidden: [options.attackHidden], options: ho)
        try h.build(inputShape: [2 * k], classes: 2)
        h.layers.first?.needsInputGradient = true   // the classifier's step needs ∂h/∂input
        labelOf = Dictionary(uniqueKeysWithValues: zip(train.ids, train.labels))
        rng = RNG.stream(seed: options.seed, index: 7)
    }

    /// h's input for records with probability vectors `p` (rows) and labels `y`.
    func inferenceInput(_ p: Matrix, _ y: [Int]) -> Matrix {
        var x = Matrix(rows: p.rows, cols: 2 * k)
        for r in 0..<p.rows {
            for j in 0..<min(k, p.cols) { x.data[r * 2 * k + j] = p.data[r * p.cols + j] }
            x.data[r * 2 * k + k + y[r]] = 1
        }
        return x
    }

    /// The classifier's extra term: λ · h(member | f(x), y) summed over the batch, and its
    /// gradient in the logits (see `AdversarialRegularization` for why h and not log h).
    func classifierTerm(ids: [Int], logits z: Matrix, normalizer: Int) throws -> (loss: Double, gradient: Matrix) {
        let lambda = options.lambda
        let y = ids.map { labelOf[$0]! }
        let p = Softmax.probabilities(z)
        var ctx = ForwardContext(training: true, rng: RNG(seed: 0), dropout: false)
        let o = try h.forward(inferenceInput(p, y), &ctx)
        let q = Softmax.probabilities(o)
        var loss = 0.0
        // ∂q₁/∂o = q₁(e₁ − q) = (−q₀q₁, q₀q₁).
        var g = Matrix(rows: o.rows, cols: 2)
        for r in 0..<o.rows {
            loss += Double(q[r, 1])
            let w = q[r, 0] * q[r, 1]
            g.data[r * 2] = -w
            g.data[r * 2 + 1] = w
        }
        let dInput = try h.backward(g)
        // Through the softmax: ∂/∂z = p ⊙ (g − ⟨g, p⟩), scaled by λ / normaliser.
        var dz = Matrix(rows: z.rows, cols: z.cols)
        let scale = Float(lambda) / Float(normalizer)
        for r in 0..<z.rows {
            var dot: Float = 0
            for j in 0..<z.cols { dot += dInput[r, j] * p[r, j] }
            for j in 0..<z.cols { dz.data[r * z.cols + j] = scale * p[r, j] * (dInput[r, j] - dot) }
        }
        return (lambda * loss, dz)
    }

    /// One step of the inner maximisation: h on a private batch (members) and a reference batch;
    /// returns the gain G on them.
    func inferenceStep() throws -> Double {
        let mi = (0..<min(options.attackBatch, train.size)).map { _ in rng.int(below: train.size) }
        let ri = (0..<min(options.attackBatch, reference.size)).map { _ in rng.int(below: reference.size) }
        let members = train.rows(mi), others = reference.rows(ri)
        let pm = try classifier.releasedProbabilities(members.features), pr = try classifier.releasedProbabilities(others.features)
        var x = inferenceInput(pm, members.labels)
        x.data += inferenceInput(pr, others.labels).data
        x = try Matrix(rows: mi.count + ri.count, cols: 2 * k, data: x.data)
        var ctx = ForwardContext(training: true, rng: RNG(seed: 0), dropout: false)
        let o = try h.forward(x, &ctx)
        let q = Softmax.probabilities(o)
        // Maximise G: minimise the cross-entropy of member = 1 / non-member = 0, each side averaged.
        var g = Matrix(rows: o.rows, cols: 2)
        var gain = 0.0
        for r in 0..<o.rows {
            let isMember = r < mi.count
            let w = Float(1) / Float(isMember ? mi.count : ri.count)
            g.data[r * 2] = w * (q[r, 0] - (isMember ? 0 : 1))
            g.data[r * 2 + 1] = w * (q[r, 1] - (isMember ? 1 : 0))
            gain += Double(w) * log(max(Double(q[r, isMember ? 1 : 0]), 1e-12))
        }
        try h.backward(g)
        adam.update(h.parameters, lr: options.attackLearningRate)
        return gain
    }
}
