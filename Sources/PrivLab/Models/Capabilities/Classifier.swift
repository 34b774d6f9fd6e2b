/// A predictor that trains: what SISA constituents, shadow and reference models, cross-validation
/// folds and ensemble members are made of. Further capabilities are protocols of their own
/// (`HookTrainable`, `FineTunable`, `WhiteBoxModel`, `PersistableModel`); callers ask for the one
/// they need. The defaults below are real behaviour for models without DP training, random
/// streams or warm starts, never a refusal.
public protocol Classifier: Predictor, ModelArchitecture {
    /// The parameters training updates: fewer than `parameterCount` when layers are frozen
    /// (transfer learning), so each sample of (re)training costs less.
    var trainedParameterCount: Int { get }
    /// Per-epoch measurements of the last `fit`.
    var history: [EpochRecord] { get }
    @discardableResult
    func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord]
    /// A new, untrained model with the same hyper-parameters.
    func cloneUntrained() throws -> Classifier
    /// A fresh, untrained copy whose random streams come from `seed` (shadow models must not share
    /// the target's initialisation). Models without random streams return `cloneUntrained()`.
    func reseededClone(seed: UInt64) throws -> Classifier
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

// Defaults for models without DP training, random streams or warm starts.
extension Classifier {
    public func fitStage(_ data: Dataset, stage: TrainingStage) throws { try fit(data) }
    public var trainingEpochs: Int { 1 }
    public var trainedParameterCount: Int { parameterCount }
    public var trainsPrivately: Bool { false }
    public var configurationIdentity: String { summary }
    public var runsOnCallingThread: Bool { false }
    public func reseededClone(seed: UInt64) throws -> Classifier { try cloneUntrained() }

    /// Trains without callbacks.
    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset? = nil) throws -> [EpochRecord] {
        try fit(train, validation: validation, observer: TrainingObserver())
    }
}
