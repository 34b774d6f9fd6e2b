/// What every trainable classifier offers; attacks, unlearning and the Lua bridge work through it.
public protocol Classifier: AnyObject, PrivacyStating {
    /// A short description of the model and its hyper-parameters.
    var summary: String { get }
    var isFitted: Bool { get }
    var parameterCount: Int { get }
    /// The parameters training updates: fewer than `parameterCount` when layers are frozen
    /// (transfer learning), so each sample of (re)training costs less.
    var trainedParameterCount: Int { get }
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
    /// What private training spent, for models trained privately (nil otherwise).
    var privacy: PrivacyStatement? { get }
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
    /// All trained parameters as one vector (for estimates over the distribution of trained
    /// models, e.g. Monte-Carlo leakage). Models without accessible parameters throw.
    func parameterVector() throws -> [Float]
    /// White-box layout: the positions in `parameterVector()` of the weights through which input
    /// feature `feature` enters the model (one per first-layer unit), for models whose first
    /// parameters connect each feature to its own weights (a dense first layer); nil otherwise
    /// (convolutions share weights across features; non-neural models). Built models only.
    func inputWeightPositions(feature: Int) -> [Int]?
    /// The fitted model as a model-file description, its parameters appended to `floats`: what
    /// save/load and SISA's slice checkpoints store. Models that cannot be stored throw.
    func storedModel(_ floats: inout [Float]) throws -> StoredModel
    /// Trains one SISA slice stage on `data`, the records of slices 1…r (Bourtoule et al. 2021,
    /// §IV-B): an iterative model continues from its current parameters for `stage.epochs` when
    /// `stage.warmStart`; a model fitted in closed form or to convergence refits on `data`, which is
    /// exact because `data` holds every slice the stage depends on.
    func fitStage(_ data: Dataset, stage: TrainingStage) throws
    /// The number of passes full training makes (SISA's cost model and stage epochs 2e/(R+1)); 1
    /// for models fitted in closed form or to convergence.
    var trainingEpochs: Int { get }
    /// Whether `fit` trains with differential privacy (SISA then needs one slice per shard).
    var trainsPrivately: Bool { get }
    /// A stable text naming the model kind and every hyper-parameter (SISA's checkpoint keys
    /// depend on it, so two configurations must never share it).
    var configurationIdentity: String { get }
    /// Whether the model (or a step in it) may only run on the thread that called into the
    /// engine — a Lua function in a pipeline. Everything that trains copies in parallel
    /// (cross-validation, SISA, shadow models, ensembles, audits) then trains them in turn.
    var runsOnCallingThread: Bool { get }
}

extension Classifier {
    /// `workers`, or 1 when the model must stay on the calling thread.
    public func parallelWorkers(_ workers: Int) -> Int { runsOnCallingThread ? 1 : workers }
}

// Defaults for models without DP training, random streams or warm starts.
extension Classifier {
    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        throw PrivLabError.invalidArgument("\(summary) cannot be saved (model files and SISA checkpoints hold networks, classical models and pipelines of them)")
    }
    public func fitStage(_ data: Dataset, stage: TrainingStage) throws { try fit(data) }
    public var trainingEpochs: Int { 1 }
    public var trainedParameterCount: Int { parameterCount }
    public var trainsPrivately: Bool { false }
    public var configurationIdentity: String { summary }
    public var runsOnCallingThread: Bool { false }
    public var privacy: PrivacyStatement? { nil }
    public func parameterVector() throws -> [Float] {
        throw PrivLabError.invalidArgument("\(summary) gives no access to its parameters")
    }
    public var isWhiteBox: Bool { false }
    public func inputWeightPositions(feature: Int) -> [Int]? { nil }
    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, hooks: TrainingHooks, observer: TrainingObserver) throws -> [EpochRecord] {
        guard hooks.isEmpty else {
            throw PrivLabError.invalidArgument("\(summary) cannot be trained on soft labels, extra loss terms or gradient canaries (a softmax, MLP or CNN can, or a pipeline ending in one)")
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
