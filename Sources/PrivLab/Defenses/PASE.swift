import Foundation

/// PASE's settings.
public struct PASEOptions: Sendable {
    /// Ensemble members, each trained on its own disjoint part of the private set.
    public var models = 5
    public var seed: UInt64 = 1
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public init() {}
}

/// Privacy Leakage Avoidance with Switching Ensembles (Izmailov, Lin, Mesterharm & Basu, arXiv
/// 1911.07921): k models on disjoint parts of the private set. A query that is a training record
/// is answered by the k − 1 models that never saw it — the ensemble *switches* away from the one
/// that memorised it —, and any other query by k − 1 models too, leaving out one chosen
/// deterministically from the query's content. Members and non-members therefore get the same kind
/// of answer: the mean of k − 1 models none of which trained on the record.
///
/// Where we chose: the paper's full text was not available to us, so this follows the issue's
/// description of it; which member a non-member query leaves out is fixed by a hash of its
/// features (so asking twice gives the same answer, and averaging repeated queries reveals
/// nothing). The ensemble is a query-time defense: its parameters are not released (releasing them
/// would let anyone query the model that saw a record), so it gives no white-box access.
public final class PASE: DefendedClassifier, ProbabilityMeanEnsemble {
    public let options: PASEOptions
    public let template: Classifier
    public private(set) var members: [Classifier] = []
    /// For private row r, the member that trained on it.
    public private(set) var part: [Int] = []
    private var lookup: RowLookup?
    public private(set) var history: [EpochRecord] = []

    public init(model: Classifier, options: PASEOptions) throws {
        guard options.models >= 2 else { throw PrivLabError.invalidArgument(.pase, "models must be at least 2, got \(options.models)") }
        self.options = options
        self.template = model
    }

    public var summary: String { "PASE switching ensemble of \(options.models) × \(template.summary(reseededWith: options.seed))" }
    public var isFitted: Bool { !members.isEmpty }
    public var parameterCount: Int { members.reduce(0) { $0 + $1.parameterCount } }
    public var releaseTemperature: Double { template.releaseTemperature }

    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        let k = options.models
        guard train.size >= k else { throw PrivLabError.invalidArgument(.pase, "\(k) models need at least \(k) private records, got \(train.size)") }
        try train.checkFinite()
        var rng = RNG.stream(seed: options.seed, index: 0)
        let order = rng.permutation(train.size)
        part = [Int](repeating: 0, count: train.size)
        var parts = [[Int]](repeating: [], count: k)
        for i in 0..<k {
            for r in order[(i * train.size / k)..<((i + 1) * train.size / k)] { part[r] = i; parts[i].append(r) }
        }
        members = try EnsembleMembers(template: template, seed: options.seed, workers: options.workers)
            .train(parts.map { train.rows($0.sorted()) }, progress: observer.progress)
        lookup = RowLookup(train.features)
        history = []
        return []
    }

    /// The member left out for row r of x: the one that trained on it, or one picked by its content.
    func leftOut(_ x: Matrix, _ r: Int) -> Int {
        if let p = lookup?.position(of: x, row: r) { return part[p] }
        return Int(RowLookup.hash(x, r) % UInt64(options.models))
    }

    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix {
        guard isFitted else { throw PrivLabError.invalidArgument("pase is not fitted: call fit first") }
        let all = Array(members.indices)
        return try EnsembleMembers.meanProbabilities(members, x, temperature: temperature) { r in
            let skip = self.leftOut(x, r)
            return all.filter { $0 != skip }
        }
    }
    public func predict(_ x: Matrix) throws -> [Int] { try predictProba(x, temperature: 1).argmaxRows() }
    public func cloneUntrained() throws -> Classifier { try PASE(model: template, options: options) }
    public func reseededClone(seed: UInt64) throws -> Classifier {
        var o = options
        o.seed = seed
        return try PASE(model: template, options: o)
    }

    /// The settings and the template's (its seed aside: members are always re-seeded).
    public var configurationIdentity: String {
        "pase|\(options.models)|\(options.seed)|" + ((try? template.reseededClone(seed: 0).configurationIdentity) ?? template.summary)
    }

    /// Restores the fitted state (model files).
    func restore(members: [Classifier], part: [Int], rows: Matrix) {
        self.members = members
        self.part = part
        lookup = RowLookup(rows)
    }

    public var defenseReport: DefenseReport? {
        guard isFitted else { return nil }
        return DefenseReport(defense: "pase", [("models", .integer(options.models)), ("answering", .integer(options.models - 1)),
                                               ("records_per_model", .number(Double(part.count) / Double(options.models)))])
    }
}

// MARK: storage

extension PASE: StorableClassifier {
    public static let storedKind = StoredComponentKind("pase")

    /// What a model file keeps of PASE: the settings, which member trained on each private row,
    /// and the private rows' features (the switch recognises a member query by them); the members
    /// are stored as parts.
    struct Stored: Codable {
        var models: Int
        var seed: UInt64
        var part: [Int]
        var rows: Int
        var cols: Int
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard isFitted, let rows = lookup?.rows else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        let s = Stored(models: options.models, seed: options.seed, part: part, rows: rows.rows, cols: rows.cols)
        return .component(try StoredComponent(self, state: s, parts: try members.map { try $0.requirePersistable("save") },
                                              own: rows.data, floats: &floats))
    }

    /// A fitted PASE from its stored state. Its template (for untrained copies) is the first
    /// member's untrained copy: members are re-seeded copies of the template, and every copy
    /// re-seeds its members again, so the template's own seed is never used.
    public static func restoreClassifier(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                              components: ComponentRestoring) throws -> Classifier {
        try PASE(restoring: c.decodeState(Stored.self, origin: origin), members: parts, own: own, origin: origin)
    }

    convenience init(restoring s: Stored, members: [Classifier], own: [Float], origin: String) throws {
        guard members.count == s.models, s.part.count == s.rows, s.rows * s.cols == own.count,
              s.part.allSatisfy({ (0..<s.models).contains($0) }) else {
            throw PrivLabError.malformedFile(location: origin, reason: "pase's members, parts and rows do not match")
        }
        var o = PASEOptions()
        o.models = s.models
        o.seed = s.seed
        try self.init(model: try members[0].cloneUntrained(), options: o)
        restore(members: members, part: s.part, rows: try Matrix(rows: s.rows, cols: s.cols, data: own))
    }
}
