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
}


extension Classifier {
    /// The probability vectors the model releases (at its inference temperature).
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
