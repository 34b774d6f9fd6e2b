/// The target as a black-box attacker sees it: every record queried counts against a budget, and a
/// query beyond it is refused (an error naming the budget). It only predicts — an attacker cannot
/// retrain the target — and reveals no weights (no white-box access, no released layers). What it
/// does reveal is the wrapped model's architecture (`ModelArchitecture`): the known-architecture
/// threat model of Shokri et al. (S&P 2017, §IV), where shadow models copy the target's
/// hyper-parameters. Those copies are untrained, the attacker's own, and cost no query.
public final class QueryBudgetedClassifier: Predictor, ModelArchitecture, QueryBudgeted {
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
    public var releaseTemperature: Double { inner.releaseTemperature }
    public func logits(_ x: Matrix) throws -> Matrix { try spend(x.rows); return try inner.logits(x) }
    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix { try spend(x.rows); return try inner.predictProba(x, temperature: temperature) }
    public func predict(_ x: Matrix) throws -> [Int] { try spend(x.rows); return try inner.predict(x) }
    public func accuracy(_ ds: Dataset) throws -> Double { try spend(ds.size); return try inner.accuracy(ds) }
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] { try spend(ds.size); return try inner.perRecordLoss(ds) }
    public func releasedProbabilities(_ x: Matrix) throws -> Matrix { try spend(x.rows); return try inner.releasedProbabilities(x) }
    public func releasedLogits(_ x: Matrix) throws -> Matrix { try spend(x.rows); return try inner.releasedLogits(x) }
    public var privacy: PrivacyStatement? { inner.privacy }

    // The architecture, known to the attacker: untrained copies of the wrapped model, no budget.
    public func reseededClone(seed: UInt64) throws -> Classifier { try inner.reseededClone(seed: seed) }
    public var runsOnCallingThread: Bool { inner.runsOnCallingThread }
}

/// A target behind a query budget: how much of it the attacker spent (stated in threat models).
public protocol QueryBudgeted: Predictor {
    var budget: Int { get }
    var used: Int { get }
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
