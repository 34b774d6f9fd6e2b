import Foundation

/// Split-AI's settings (SELENA's first part).
public struct SplitAIOptions: Sendable, Codable {
    /// Sub-models (K); the authors' default is 25 (`purchase/SELENA/generation10.py`, `--K`).
    public var models = 25
    /// Sub-models each record is left out of (L); the others (K − L) train on it. Authors: 10.
    public var excluded = 10
    public var seed: UInt64 = 1
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public init() {}
}

/// Split-AI (Tang et al., "Mitigating Membership Inference Attacks by Self-Distillation Through a
/// Novel Ensemble Architecture", USENIX Security 2022, §3.1): K sub-models; each private record is
/// left out of L of them, drawn at random, and trains the other K − L. Asked about a training record,
/// Split-AI answers with the mean of the L sub-models that never saw it, so a member gets a
/// non-member's answer. Asked about any other row, it averages the L sub-models left out for one
/// training record — in the authors' code (`Split_AI/eval.py`, `splitai_test`, mode 2) a record drawn
/// with `np.random.randint` for every query; here the record is picked by a hash of the query's
/// content, so asking twice gives the same answer and averaging repeated queries reveals nothing.
///
/// Where we chose: the authors recognise a member by its *index* in their arrays; a deployed
/// Split-AI sees only the query, so it recognises a member by exact content. Records whose features
/// are identical therefore share one exclusion set (drawn for the first copy): otherwise a sub-model
/// that trained on one copy could answer a query equal to the other.
///
/// Split-AI is a query-time defense: its sub-models are not released (one of them saw the record),
/// so it gives no white-box access. The paper shows it is open to adaptive attacks — a member's
/// near-copy is not recognised and is answered partly by models that trained on the member —,
/// which is why SELENA releases a model distilled from it (`SELENA`).
public final class SplitAI: DefendedClassifier, ProbabilityMeanEnsemble {
    public let options: SplitAIOptions
    public let template: Classifier
    public private(set) var members: [Classifier] = []
    /// For private row r, the sub-models left out (its L "non-models", sorted).
    public private(set) var leftOut: [[Int]] = []
    /// For sub-model m, the private rows it trained on.
    public private(set) var trainedOn: [[Int]] = []
    private var lookup: RowLookup?
    public private(set) var history: [EpochRecord] = []

    public init(model: Classifier, options: SplitAIOptions, name: ErrorArea = .splitAI) throws {
        guard options.models >= 2 else { throw PrivLabError.invalidArgument(name, "models (K) must be at least 2, got \(options.models)") }
        guard options.excluded >= 1, options.excluded < options.models else {
            throw PrivLabError.invalidArgument(name, "excluded (L) must be in 1…\(options.models - 1) (fewer than models), got \(options.excluded)")
        }
        self.options = options
        self.template = model
    }

    public var summary: String { "Split-AI (K = \(options.models), L = \(options.excluded)) of \(template.summary(reseededWith: options.seed))" }
    public var isFitted: Bool { !members.isEmpty }
    public var parameterCount: Int { members.reduce(0) { $0 + $1.parameterCount } }
    public var releaseTemperature: Double { template.releaseTemperature }

    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        let k = options.models
        guard train.size >= k else { throw PrivLabError.invalidArgument("split_ai: \(k) sub-models need at least \(k) private records, got \(train.size)") }
        try train.checkFinite()
        let lookup = RowLookup(train.features)
        leftOut = Self.exclusions(records: train.size, models: k, excluded: options.excluded, seed: options.seed) { r in
            lookup.position(of: train.features, row: r) ?? r
        }
        trainedOn = Self.trainingRows(leftOut, models: k)
        members = try EnsembleMembers(template: template, seed: options.seed, workers: options.workers)
            .train(trainedOn.map { train.rows($0) }, progress: observer.progress)
        self.lookup = lookup
        history = []
        return []
    }

    /// Each record's L left-out sub-models: a uniformly random L-subset of the K, drawn in record
    /// order from the seed (the authors shuffle `arange(K)` and keep the first L per record); a
    /// record whose `firstCopy` is an earlier row takes that row's set.
    static func exclusions(records n: Int, models k: Int, excluded l: Int, seed: UInt64, firstCopy: (Int) -> Int) -> [[Int]] {
        var rng = RNG.stream(seed: seed, index: 0)
        var out = [[Int]]()
        out.reserveCapacity(n)
        for r in 0..<n {
            let drawn = Array(rng.permutation(k).prefix(l)).sorted()
            let c = firstCopy(r)
            out.append(c < r ? out[c] : drawn)
        }
        return out
    }

    /// For each sub-model, the rows not left out of it.
    static func trainingRows(_ leftOut: [[Int]], models k: Int) -> [[Int]] {
        var rows = [[Int]](repeating: [], count: k)
        for (r, out) in leftOut.enumerated() {
            let skip = Set(out)
            for m in 0..<k where !skip.contains(m) { rows[m].append(r) }
        }
        return rows
    }

    /// The sub-models answering row r of x: a training record's left-out set, or for any other row
    /// the left-out set of the training record its content hashes to.
    public func answering(_ x: Matrix, _ r: Int) -> [Int] {
        if let p = lookup?.position(of: x, row: r) { return leftOut[p] }
        return leftOut[Int(RowLookup.hash(x, r) % UInt64(leftOut.count))]
    }

    /// The answers for the training rows themselves, by position (what SELENA distils from).
    func trainingAnswers(_ x: Matrix) throws -> Matrix {
        try EnsembleMembers.meanProbabilities(members, x) { r in self.leftOut[r] }
    }

    /// The answers for rows that must all be training records, found by content (what SELENA
    /// distils from when it is given a fitted Split-AI): each row's left-out models, mode 1.
    /// Throws, naming `name` and the first row, when a row is not one of the training records.
    func memberAnswers(_ x: Matrix, name: ErrorArea) throws -> Matrix {
        guard let lookup else { throw PrivLabError.invalidArgument(name, "the split_ai is not fitted: call fit first") }
        var sets = [[Int]]()
        sets.reserveCapacity(x.rows)
        for r in 0..<x.rows {
            guard let p = lookup.position(of: x, row: r) else {
                throw PrivLabError.invalidArgument(name, "record \(r + 1) of the training set is not one the given split_ai was fitted on (fit SELENA on the split_ai's own training set)")
            }
            sets.append(leftOut[p])
        }
        return try EnsembleMembers.meanProbabilities(members, x) { sets[$0] }
    }

    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix {
        guard isFitted else { throw PrivLabError.invalidArgument("split_ai is not fitted: call fit first") }
        return try EnsembleMembers.meanProbabilities(members, x, temperature: temperature) { r in self.answering(x, r) }
    }
    public func releasedProbabilities(_ x: Matrix) throws -> Matrix {
        guard isFitted else { throw PrivLabError.invalidArgument("split_ai is not fitted: call fit first") }
        return try EnsembleMembers.meanProbabilities(members, x) { r in self.answering(x, r) }
    }
    public func predict(_ x: Matrix) throws -> [Int] { try releasedProbabilities(x).argmaxRows() }
    public func cloneUntrained() throws -> Classifier { try SplitAI(model: template, options: options) }
    public func reseededClone(seed: UInt64) throws -> Classifier {
        var o = options
        o.seed = seed
        return try SplitAI(model: template, options: o)
    }

    /// The settings and the template's (its seed aside: sub-models are always re-seeded).
    public var configurationIdentity: String {
        "split_ai|\(options.models)|\(options.excluded)|\(options.seed)|" + TrainingDefense.templateIdentity(template)
    }

    public var defenseReport: DefenseReport? {
        guard isFitted else { return nil }
        return DefenseReport(defense: "split_ai", [("models", .integer(options.models)), ("excluded", .integer(options.excluded)),
                                                   ("records_per_model", .number(Double(trainedOn.reduce(0) { $0 + $1.count }) / Double(options.models)))])
    }
}

// MARK: storage

extension SplitAI: StorableClassifier {
    public static let storedKind = StoredComponentKind("split_ai")

    /// What a model file keeps of Split-AI: the settings, each private row's left-out sub-models
    /// and the private rows' features (a member query is recognised by them); the sub-models are
    /// its parts.
    struct Stored: Codable {
        var options: SplitAIOptions
        var leftOut: [[Int]]
        var rows: Int
        var cols: Int
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard isFitted, let rows = lookup?.rows else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        let s = Stored(options: options, leftOut: leftOut, rows: rows.rows, cols: rows.cols)
        return .component(try StoredComponent(self, state: s, parts: try members.map { try $0.requirePersistable("save") },
                                              own: rows.data, floats: &floats))
    }

    /// A fitted Split-AI. Its template is the first sub-model's untrained copy (sub-models are
    /// re-seeded copies of the template, so its own seed is never used).
    public static func restoreClassifier(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                              components: ComponentRestoring) throws -> Classifier {
        let s = try c.decodeState(Stored.self, origin: origin)
        try c.requireParts(parts, s.options.models, origin: origin)
        guard s.leftOut.count == s.rows, s.rows * s.cols == own.count, s.rows >= s.options.models,
              s.leftOut.allSatisfy({ $0.count == s.options.excluded && $0.allSatisfy { (0..<s.options.models).contains($0) } }) else {
            throw PrivLabError.malformedFile(location: origin, reason: "split_ai's sub-models, exclusions and rows do not match")
        }
        let split = try SplitAI(model: try parts[0].cloneUntrained(), options: s.options)
        split.members = parts
        split.leftOut = s.leftOut
        split.trainedOn = trainingRows(s.leftOut, models: s.options.models)
        split.lookup = RowLookup(try Matrix(rows: s.rows, cols: s.cols, data: own))
        return split
    }
}
