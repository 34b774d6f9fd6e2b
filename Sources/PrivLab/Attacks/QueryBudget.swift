/// The target as a black-box attacker sees it: every record queried counts against a budget, and a
/// query beyond it is refused (an error naming the budget). Shadow models are the attacker's own and
/// cost nothing; they copy the wrapped model's hyper-parameters when the architecture is known.
public final class QueryBudgetedClassifier: Classifier {
    public let inner: Classifier
    public let budget: Int
    public private(set) var used = 0

    public init(_ inner: Classifier, budget: Int) throws {
        guard budget >= 1 else { throw PrivLabError.invalidArgument("query budget must be at least 1") }
        self.inner = inner
        self.budget = budget
    }

    func spend(_ n: Int) throws {
        guard used + n <= budget else {
            throw PrivLabError.invalidArgument("query budget exhausted: \(used) of \(budget) records queried, \(n) more asked")
        }
        used += n
    }

    public var summary: String { inner.summary }
    public var isFitted: Bool { inner.isFitted }
    public var parameterCount: Int { inner.parameterCount }
    public var history: [EpochRecord] { inner.history }
    public var releaseTemperature: Double { inner.releaseTemperature }
    public func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        throw PrivLabError.invalidArgument("an attacker cannot retrain the target")
    }
    public func logits(_ x: Matrix) throws -> Matrix { try spend(x.rows); return try inner.logits(x) }
    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix { try spend(x.rows); return try inner.predictProba(x, temperature: temperature) }
    public func predict(_ x: Matrix) throws -> [Int] { try spend(x.rows); return try inner.predict(x) }
    public func accuracy(_ ds: Dataset) throws -> Double { try spend(ds.size); return try inner.accuracy(ds) }
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] { try spend(ds.size); return try inner.perRecordLoss(ds) }
    public func cloneUntrained() throws -> Classifier { try inner.cloneUntrained() }
    public func releasedProbabilities(_ x: Matrix) throws -> Matrix { try spend(x.rows); return try inner.releasedProbabilities(x) }
    public func releasedLogits(_ x: Matrix) throws -> Matrix { try spend(x.rows); return try inner.releasedLogits(x) }
    public var privacy: PrivacyStatement? { inner.privacy }
    /// The attacker's shadow copies are its own: reseeded from the wrapped model, no budget.
    public func reseededClone(seed: UInt64) throws -> Classifier { try inner.reseededClone(seed: seed) }
}

// MARK: storage

extension QueryBudgetedClassifier: PersistableModel {
    /// The budget and how much of it was spent (a reloaded target keeps counting from there).
    struct Stored: Codable {
        var budget: Int
        var used: Int
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        .component(try StoredComponent(kind: .queryBudget, state: Stored(budget: budget, used: used),
                                       parts: [inner.requirePersistable("save")], floats: &floats))
    }

    convenience init(restoring s: Stored, inner: Classifier) throws {
        try self.init(inner, budget: s.budget)
        guard s.used >= 0, s.used <= s.budget else { throw PrivLabError.invalidArgument("query budget: \(s.used) of \(s.budget) records used") }
        used = s.used
    }
}
