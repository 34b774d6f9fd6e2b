import Foundation

/// The shape shared by defenses that change only what a trained model releases — output
/// policies (`OutputDefense`), MemGuard: training, prediction, parameters and everything else are
/// the wrapped model's; a subclass says what `releasedProbabilities` gives out (and what its copy
/// is). Every black-box attack queries that, so it sees the defended release.
public class ReleaseDefense: DefendedClassifier {
    /// The model whose releases are defended.
    public let model: Classifier

    init(model: Classifier) { self.model = model }

    public var summary: String { model.summary }
    public var isFitted: Bool { model.isFitted }
    public var parameterCount: Int { model.parameterCount }
    public var history: [EpochRecord] { model.history }
    public var releaseTemperature: Double { model.releaseTemperature }
    public var privacy: PrivacyStatement? { model.privacy }
    public var defenseReport: DefenseReport? { nil }
    /// The wrapped model's: a release defense does not change how it trains.
    public var trainsPrivately: Bool { model.trainsPrivately }
    public var runsOnCallingThread: Bool { model.runsOnCallingThread }
    public var trainedParameterCount: Int { model.trainedParameterCount }
    /// The defense's description and the wrapped model's identity (SISA's checkpoint keys).
    public var configurationIdentity: String { "\(summary)|\(model.configurationIdentity)" }
    /// A released model's parameters are the wrapped model's: white-box access sees through a
    /// release-time defense (which is the point of comparing the two).
    public var whiteBox: WhiteBoxModel? { model.whiteBox }

    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        try model.fit(train, validation: validation, observer: observer)
    }
    public func logits(_ x: Matrix) throws -> Matrix { try model.logits(x) }
    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix { try model.predictProba(x, temperature: temperature) }
    public func predict(_ x: Matrix) throws -> [Int] { try model.predict(x) }
    public func accuracy(_ ds: Dataset) throws -> Double { try model.accuracy(ds) }

    /// What the defense releases for each row; subclasses override.
    public func releasedProbabilities(_ x: Matrix) throws -> Matrix { try model.releasedProbabilities(x) }

    /// Log-probabilities of the released vectors (floored at 1e-12): only probabilities leave.
    public func releasedLogits(_ x: Matrix) throws -> Matrix {
        var p = try releasedProbabilities(x)
        p.data = p.data.map { Float(log(max(Double($0), 1e-12))) }
        return p
    }

    /// The loss of what is released (−log of the released probability of the true class, floored
    /// at 1e-12): what a loss attack against the defended model measures.
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] {
        let p = try releasedProbabilities(ds.features)
        return ds.labels.enumerated().map { r, y in -log(max(Double(p[r, y]), 1e-12)) }
    }

    /// An untrained copy, re-seeded when a seed is given; subclasses override.
    public func copy(seed: UInt64?) throws -> ReleaseDefense {
        throw PrivLabError.invalidArgument("\(summary): cloning is not implemented")
    }
    public func cloneUntrained() throws -> Classifier { try copy(seed: nil) }
    public func reseededClone(seed: UInt64) throws -> Classifier { try copy(seed: seed) }
}
