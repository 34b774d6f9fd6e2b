/// What every trainable classifier offers; attacks, unlearning and the Lua bridge work through it.
public protocol Classifier: AnyObject {
    /// A short description of the model and its hyper-parameters.
    var summary: String { get }
    var isFitted: Bool { get }
    var parameterCount: Int { get }
    /// Per-epoch measurements of the last `fit`.
    var history: [EpochRecord] { get }
    @discardableResult
    func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord]
    /// Trains with training-loop hooks — soft targets, an extra loss term on the logits, per-step
    /// callbacks (`TrainingHooks`): the extension point distillation (DMP, SELENA) and adversarial
    /// regularisation plug into. Models without such a loop throw when any hook is set.
    @discardableResult
    func fit(_ train: Dataset, validation: Dataset?, hooks: TrainingHooks, observer: TrainingObserver) throws -> [EpochRecord]
    func logits(_ x: Matrix) throws -> Matrix
    func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix
    func predict(_ x: Matrix) throws -> [Int]
    func accuracy(_ ds: Dataset) throws -> Double
    func perRecordLoss(_ ds: Dataset) throws -> [Double]
    /// A new, untrained model with the same hyper-parameters.
    func cloneUntrained() throws -> Classifier
    /// The softmax temperature of what the model releases (its inference temperature): attacks
    /// see `releasedProbabilities`, which is where a temperature defence acts.
    var releaseTemperature: Double { get }
    /// What DP training spent, for models trained privately (nil otherwise).
    var privacy: PrivacyReport? { get }
    /// A fresh, untrained copy whose random streams come from `seed` (shadow models must not share
    /// the target's initialisation). Models without random streams return `cloneUntrained()`.
    func reseededClone(seed: UInt64) throws -> Classifier
    /// What the model releases for each row: a probability vector per row (at the inference
    /// temperature by default). Every black-box attack queries this, so an output defence is a
    /// wrapper that overrides it (`Defenses/OutputDefense.swift`).
    func releasedProbabilities(_ x: Matrix) throws -> Matrix
    /// Scores behind the released probabilities (softmax of them gives them back): the logits at
    /// the release temperature by default; log-probabilities when only probabilities are released.
    func releasedLogits(_ x: Matrix) throws -> Matrix
    /// Whether an attacker holding the released model sees parameters to differentiate (networks,
    /// and pipelines or defended releases of one); a query-budgeted target is a black box.
    var isWhiteBox: Bool { get }
    /// White-box access: the norm of the loss gradient with respect to all parameters at each
    /// record (the gradient signal of Nasr et al. 2019). Models that are not white-box throw.
    func perRecordGradientNorms(_ ds: Dataset) throws -> [Double]
    /// Continues training from the current parameters for the model's epochs (fine-tuning, e.g.
    /// private fine-tuning after public pre-training), with other DP settings when `dp` is given:
    /// returns the model that holds the result (this one, or a copy with the new training options)
    /// and the run's history; DP accounting covers only this run. Models that cannot throw.
    func fineTune(_ data: Dataset, dp: DPOptions?, observer: TrainingObserver) throws -> (model: Classifier, history: [EpochRecord])
    /// What a defence did and spent (teachers, queries answered, privacy bounds, …), for models
    /// that are a membership-inference defence; nil otherwise.
    var defenseReport: DefenseReport? { get }
    /// All trained parameters as one vector (for estimates over the distribution of trained
    /// models, e.g. Monte-Carlo leakage). Models without accessible parameters throw.
    func parameterVector() throws -> [Float]
}

// Defaults for models without DP training, random streams or warm starts.
extension Classifier {
    public var privacy: PrivacyReport? { nil }
    public var defenseReport: DefenseReport? { nil }
    public func parameterVector() throws -> [Float] {
        throw PrivLabError.invalidArgument("\(summary) gives no access to its parameters")
    }
    public var isWhiteBox: Bool { false }
    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, hooks: TrainingHooks, observer: TrainingObserver) throws -> [EpochRecord] {
        guard hooks.isEmpty else {
            throw PrivLabError.invalidArgument("\(summary) cannot be trained on soft labels or extra loss terms (a softmax, MLP or CNN can, or a pipeline ending in one)")
        }
        return try fit(train, validation: validation, observer: observer)
    }
    public func perRecordGradientNorms(_ ds: Dataset) throws -> [Double] {
        throw PrivLabError.invalidArgument("this model gives no white-box access (per-record gradients)")
    }
    public func reseededClone(seed: UInt64) throws -> Classifier { try cloneUntrained() }
    public func fineTune(_ data: Dataset, dp: DPOptions?, observer: TrainingObserver) throws -> (model: Classifier, history: [EpochRecord]) {
        throw PrivLabError.invalidArgument("fine-tuning (continue = true) needs a fitted softmax/MLP/CNN (or a pipeline of one)")
    }
}


extension Classifier {
    /// The probability vectors at the model's inference temperature.
    public func releasedProbabilities(_ x: Matrix) throws -> Matrix { try predictProba(x, temperature: releaseTemperature) }

    /// Logits divided by the release temperature: the scores behind `releasedProbabilities`.
    public func releasedLogits(_ x: Matrix) throws -> Matrix {
        var z = try logits(x)
        let t = Float(releaseTemperature)
        if t != 1 { z.data = z.data.map { $0 / t } }
        return z
    }

    /// Trains without callbacks.
    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset? = nil) throws -> [EpochRecord] {
        try fit(train, validation: validation, observer: TrainingObserver())
    }
}
