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
}

extension SoftmaxRegression: Classifier {
    public var summary: String {
        let o = options
        var s = "softmax regression (lr=\(formatCompact(o.learningRate)), epochs=\(o.epochs), batch=\(o.batchSize)"
        if o.l2 > 0 { s += ", l2=\(formatCompact(o.l2))" }
        if o.momentum > 0 { s += ", momentum=\(formatCompact(o.momentum))" }
        s += ", seed=\(o.seed))"
        return s
    }

    public func cloneUntrained() throws -> Classifier { try SoftmaxRegression(options: options) }
}
