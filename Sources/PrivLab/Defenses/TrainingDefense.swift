/// The shape shared by defenses that change how the released model is trained — PATE's student,
/// DMP's and SELENA's distilled models, the adversarially regularised classifier: everything a
/// classifier answers is the released model's; subclasses say how `fit` makes it.
///
/// What an attacker gets is the released model (white-box if it is: its parameters are released);
/// teachers, sub-models and inference models never leave the curator.
public class TrainingDefense: DefendedClassifier {
    /// The released model, once fitted.
    public internal(set) var release: Classifier?
    /// What the released model is trained as (re-seeded for each fit).
    public let releaseTemplate: Classifier

    init(release: Classifier) { releaseTemplate = release }

    /// Subclasses describe themselves (their templates as `summary(reseededWith:)` shows them).
    public var summary: String { "defended \(releaseTemplate.summary)" }
    public var isFitted: Bool { release?.isFitted ?? false }
    public var parameterCount: Int { release?.parameterCount ?? 0 }
    public var history: [EpochRecord] { release?.history ?? [] }
    public var releaseTemperature: Double { release?.releaseTemperature ?? releaseTemplate.releaseTemperature }
    /// The released model's white-box access (its parameters are released); none before fitting.
    public var whiteBox: WhiteBoxModel? { release?.whiteBox }
    public var defenseReport: DefenseReport? { nil }

    /// Subclasses train the defense here.
    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        throw PrivLabError.invalidArgument("\(summary): fit is not implemented")
    }
    /// An untrained copy with the same settings, its seed replaced when one is given: the one
    /// method a subclass writes for `cloneUntrained` and `reseededClone` (shadow models).
    public func copy(seed: UInt64?) throws -> TrainingDefense {
        throw PrivLabError.invalidArgument("\(summary): cloning is not implemented")
    }
    public func cloneUntrained() throws -> Classifier { try copy(seed: nil) }
    public func reseededClone(seed: UInt64) throws -> Classifier { try copy(seed: seed) }
    public var privacy: PrivacyStatement? { nil }
    /// Subclasses name their settings, templates and data (SISA's checkpoint keys depend on it).
    public var configurationIdentity: String { summary }

    /// `c`'s configuration with its seed aside: a defense re-seeds every model it trains from its
    /// own seed, so a template's seed never changes what it trains (and a reloaded defense, whose
    /// templates are untrained copies of its stored models, trains as the original).
    static func templateIdentity(_ c: Classifier) -> String {
        (try? c.reseededClone(seed: 0).configurationIdentity) ?? c.summary
    }

    /// A content hash of a data set a defense holds (reference or public records), for
    /// `configurationIdentity`: two defenses with other reference records train differently.
    static func dataIdentity(_ d: Dataset) -> String {
        var h = ContentHash()
        h.add(d.ids)
        h.add(d.labels)
        h.add(d.features.data)
        h.add(d.imageShape ?? [])
        return "\(d.size)×\(d.featureCount):\(h.hex)"
    }

    func released() throws -> Classifier {
        guard let s = release else { throw PrivLabError.invalidArgument("\(summary) is not fitted: call fit first") }
        return s
    }
    public func logits(_ x: Matrix) throws -> Matrix { try released().logits(x) }
    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix { try released().predictProba(x, temperature: temperature) }
    public func predict(_ x: Matrix) throws -> [Int] { try released().predict(x) }
    public func accuracy(_ ds: Dataset) throws -> Double { try released().accuracy(ds) }
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] { try released().perRecordLoss(ds) }
    public func releasedProbabilities(_ x: Matrix) throws -> Matrix { try released().releasedProbabilities(x) }
    public func releasedLogits(_ x: Matrix) throws -> Matrix { try released().releasedLogits(x) }
}
