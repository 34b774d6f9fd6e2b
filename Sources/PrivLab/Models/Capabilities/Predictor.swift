/// What everything that predicts offers — networks, classical models, pipelines, defended models,
/// SISA ensembles, query-budgeted targets: black-box attacks, metrics and cross-validation's
/// scoring need nothing more. Training is a capability of its own (`Classifier`), and so are
/// white-box access (`WhiteBoxModel`), saving (`PersistableModel`), training hooks
/// (`HookTrainable`) and fine-tuning (`FineTunable`): a model lacking one does not conform.
public protocol Predictor: AnyObject, PrivacyStating {
    /// A short description of the model and its hyper-parameters.
    var summary: String { get }
    var isFitted: Bool { get }
    var parameterCount: Int { get }
    func logits(_ x: Matrix) throws -> Matrix
    func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix
    func predict(_ x: Matrix) throws -> [Int]
    func accuracy(_ ds: Dataset) throws -> Double
    func perRecordLoss(_ ds: Dataset) throws -> [Double]
    /// The softmax temperature of what the model releases (its inference temperature): attacks
    /// see `releasedProbabilities`, which is where a temperature defense acts.
    var releaseTemperature: Double { get }
    /// What private training spent, for models trained privately (nil otherwise).
    var privacy: PrivacyStatement? { get }
    /// What the model releases for each row: a probability vector per row (at the inference
    /// temperature by default). Every black-box attack queries this, so an output defense is a
    /// wrapper that overrides it (`Defenses/OutputDefense.swift`).
    func releasedProbabilities(_ x: Matrix) throws -> Matrix
    /// Scores behind the released probabilities (softmax of them gives them back): the logits at
    /// the release temperature by default; log-probabilities when only probabilities are released.
    func releasedLogits(_ x: Matrix) throws -> Matrix
    /// What an attacker holding the released model can differentiate: the model itself for a
    /// network, the wrapped network for a pipeline or a defended release of one, nil for a black
    /// box (classical models, switching ensembles, query-budgeted targets). A wrapper's access
    /// depends on what it wraps, which is why this is a property rather than a conformance only.
    var whiteBox: WhiteBoxModel? { get }
}

extension Predictor {
    public var privacy: PrivacyStatement? { nil }
    public var whiteBox: WhiteBoxModel? { nil }
    /// Whether an attacker holding the released model sees parameters to differentiate.
    public var isWhiteBox: Bool { whiteBox != nil }

    /// The probability vectors at the model's inference temperature.
    public func releasedProbabilities(_ x: Matrix) throws -> Matrix { try predictProba(x, temperature: releaseTemperature) }

    /// Logits divided by the release temperature: the scores behind `releasedProbabilities`.
    public func releasedLogits(_ x: Matrix) throws -> Matrix {
        var z = try logits(x)
        let t = Float(releaseTemperature)
        if t != 1 { z.data = z.data.map { $0 / t } }
        return z
    }

    /// The white-box view, or an error naming what the caller (`what`) needed it for.
    public func requireWhiteBox(_ what: String) throws -> WhiteBoxModel {
        guard let w = whiteBox else { throw PrivLabError.invalidArgument("\(what): \(summary) gives no white-box access (per-record gradients)") }
        return w
    }
}
