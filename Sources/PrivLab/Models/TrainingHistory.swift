/// What one training epoch measured. `validation*` are nil without a validation set.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// The epoch's number in the model's history: a continued fit (fine-tuning, a SISA stage)
    /// numbers its epochs on from the earlier runs'.
    public var epoch: Int
    /// Mean training loss over the epoch's mini-batches (penalty included).
    public var trainLoss: Double
    /// Training accuracy measured with the parameters at the end of the epoch.
    public var trainAccuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var learningRate: Double
    /// DP training only: ε spent up to the end of this epoch (at the run's δ).
    public var epsilon: Double? = nil
    /// Accuracy at the end of this epoch on each data set the observer tracks (`TrainingObserver.tracked`), by name.
    public var tracked: [String: Double]? = nil
    /// A training defense's own measurements at the end of this epoch, by name (adversarial
    /// regularisation: its inference model's gain, accuracy and output size).
    public var defense: [String: Double]? = nil

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double? = nil,
                validationAccuracy: Double? = nil, learningRate: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate
    }
}

/// Callbacks a trainer invokes; both optional.
public struct TrainingObserver {
    /// Called after each epoch; return `false` to stop training early.
    public var onEpoch: ((EpochRecord) throws -> Bool)?
    /// Called with (done, total) units of work for a progress display.
    public var progress: ((Int, Int) -> Void)?
    /// Named data sets whose accuracy each epoch's record carries (`EpochRecord.tracked`): the
    /// curve of test accuracy during training, beside the validation set that selects the epoch.
    /// They never influence training.
    public var tracked: [(name: String, data: Dataset)] = []
    public init(onEpoch: ((EpochRecord) throws -> Bool)? = nil, progress: ((Int, Int) -> Void)? = nil) {
        self.onEpoch = onEpoch
        self.progress = progress
    }
}
