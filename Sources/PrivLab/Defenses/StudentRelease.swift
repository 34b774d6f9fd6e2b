/// The shape shared by defences that release one model trained by the defence rather than on the
/// private labels directly — PATE's student, DMP's and SELENA's distilled models: everything a
/// classifier answers is the released student's; subclasses say how `fit` makes it.
///
/// What an attacker gets is the student (white-box if the student is: its parameters are
/// released); the teachers never leave the curator.
public class StudentRelease: Classifier {
    /// The released model, once fitted.
    public internal(set) var student: Classifier?
    /// What the released model is trained as (re-seeded for each fit).
    public let studentTemplate: Classifier

    init(student: Classifier) { studentTemplate = student }

    /// Subclasses describe themselves.
    public var summary: String { "defended \(studentTemplate.summary)" }
    public var isFitted: Bool { student?.isFitted ?? false }
    public var parameterCount: Int { student?.parameterCount ?? 0 }
    public var history: [EpochRecord] { student?.history ?? [] }
    public var releaseTemperature: Double { student?.releaseTemperature ?? studentTemplate.releaseTemperature }
    public var isWhiteBox: Bool { student?.isWhiteBox ?? studentTemplate.isWhiteBox }
    public var defenseReport: DefenseReport? { nil }

    /// Subclasses train the defence here.
    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        throw PrivLabError.invalidArgument("\(summary): fit is not implemented")
    }
    public func cloneUntrained() throws -> Classifier {
        throw PrivLabError.invalidArgument("\(summary): cloning is not implemented")
    }
    /// Declared here (not left to the protocol's default) so that subclasses' versions are the
    /// ones called through `Classifier`.
    public func reseededClone(seed: UInt64) throws -> Classifier { try cloneUntrained() }
    public var privacy: PrivacyReport? { nil }

    func released() throws -> Classifier {
        guard let s = student else { throw PrivLabError.invalidArgument("\(summary) is not fitted: call fit first") }
        return s
    }
    public func logits(_ x: Matrix) throws -> Matrix { try released().logits(x) }
    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix { try released().predictProba(x, temperature: temperature) }
    public func predict(_ x: Matrix) throws -> [Int] { try released().predict(x) }
    public func accuracy(_ ds: Dataset) throws -> Double { try released().accuracy(ds) }
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] { try released().perRecordLoss(ds) }
    public func releasedProbabilities(_ x: Matrix) throws -> Matrix { try released().releasedProbabilities(x) }
    public func releasedLogits(_ x: Matrix) throws -> Matrix { try released().releasedLogits(x) }
    public func perRecordGradientNorms(_ ds: Dataset) throws -> [Double] { try released().perRecordGradientNorms(ds) }
}
