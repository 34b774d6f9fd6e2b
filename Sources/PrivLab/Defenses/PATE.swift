import Foundation

/// PATE's settings (configuration, separate from fitting).
public struct PATEOptions: Sendable, Codable {
    /// Teachers, each trained on its own disjoint part of the private set.
    public var teachers = 10
    /// How the votes become a label, and the noise that makes it private.
    public var aggregator: PATEAggregator = .confident(threshold: 8, thresholdSigma: 6, sigma: 1.6)
    /// How many public records (the first ones) are put to the teachers; nil: all of them.
    public var queries: Int? = nil
    public var delta = 1e-5
    /// A privacy budget the run must fit: checked before any teacher is trained, against the
    /// data-independent bound with every query answered (the worst case), so it is a guarantee.
    public var epsilonBudget: Double? = nil
    public var seed: UInt64 = 1
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public init() {}
}

/// Private Aggregation of Teacher Ensembles (Papernot et al., "Semi-supervised Knowledge Transfer
/// for Deep Learning from Private Training Data", ICLR 2017; "Scalable Private Learning with
/// PATE", ICLR 2018): teachers trained on disjoint parts of the private set label public records
/// by a noisy vote (`PATEAggregator`); the student, trained on those labels only, is released. Its
/// privacy is the aggregator's, computed by `PATEAnalysis` (both the data-independent bound and
/// the 2018 data-dependent one).
///
/// Choices where the papers leave room: the private set is split by a seeded permutation into
/// near-equal parts; the student learns from the answered queries alone (the papers' best students
/// also use the unlabelled rest semi-supervisedly — GANs, virtual adversarial training —, which
/// PrivLab does not implement); a query's public record is the public set's next row, in order.
public final class PATE: TrainingDefense {
    public let options: PATEOptions
    public let teacherTemplate: Classifier
    /// The public, unlabelled records the teachers are asked about (its labels, when present, are
    /// used only to report how often the aggregated label was right).
    public let publicData: Dataset
    public private(set) var teachers: [Classifier] = []
    /// The run's queries (votes and whether each was answered) and aggregated labels (nil where not answered).
    public private(set) var queries: [PATEQuery] = []
    public private(set) var labels: [Int?] = []
    public private(set) var analysis: PATEPrivacy?
    private var statement: PrivacyStatement?
    /// The aggregator's spending: the data-independent ε (the released guarantee) with the
    /// data-dependent ε alongside.
    public override var privacy: PrivacyStatement? { statement }

    public init(teacher: Classifier, student: Classifier, publicData: Dataset, options: PATEOptions) throws {
        try options.aggregator.validate()
        guard options.teachers >= 2 else { throw PrivLabError.invalidArgument(.pate, "teachers must be at least 2, got \(options.teachers)") }
        if let q = options.queries, q < 1 || q > publicData.size {
            throw PrivLabError.invalidArgument(.pate, "queries must be in 1…\(publicData.size) (the public set's size), got \(q)")
        }
        guard options.delta > 0, options.delta < 1 else { throw PrivLabError.invalidArgument(.pate, "delta must be in (0, 1)") }
        if let e = options.epsilonBudget, !(e > 0) { throw PrivLabError.invalidArgument(.pate, "epsilon must be positive") }
        guard publicData.size > 0 else { throw PrivLabError.invalidArgument(.pate, "the public set is empty") }
        try publicData.checkFinite()
        self.options = options
        self.teacherTemplate = teacher
        self.publicData = publicData
        super.init(release: student)
        try checkBudget()
    }

    public override var summary: String {
        "PATE (\(options.teachers) teachers, \(options.aggregator)) releasing \(releaseTemplate.summary(reseededWith: options.seed))"
    }

    var queryCount: Int { options.queries ?? publicData.size }

    /// The budget check: the data-independent ε of answering every query must fit, else the error
    /// names how many queries would.
    func checkBudget() throws {
        guard let budget = options.epsilonBudget else { return }
        func cost(_ n: Int) -> Double {
            let c = PATEAnalysis.dataIndependentCurve(queries: n, answered: n, aggregator: options.aggregator, orders: PATEAnalysis.orders)
            return (try? PATEAnalysis.epsilon(rdp: c, orders: PATEAnalysis.orders, delta: options.delta).epsilon) ?? .infinity
        }
        let n = queryCount
        let spent = cost(n)
        guard spent > budget else { return }
        var lo = 0, hi = n   // cost(lo) ≤ budget < cost(hi)
        while hi - lo > 1 { let mid = (lo + hi) / 2; if cost(mid) <= budget { lo = mid } else { hi = mid } }
        throw PrivLabError.invalidArgument(.pate, "\(n) queries cost ε = \(formatCompact(spent)) at δ = \(formatCompact(options.delta)) (data-independent bound), more than epsilon = \(formatCompact(budget)); at most \(lo) queries fit this budget — lower queries, raise the noise or the budget")
    }

    @discardableResult
    public override func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        guard train.size >= options.teachers else {
            throw PrivLabError.invalidArgument(.pate, "\(options.teachers) teachers need at least as many private records, got \(train.size)")
        }
        guard train.featureCount == publicData.featureCount else {
            throw PrivLabError.shape("pate: the public set has \(publicData.featureCount) features, the private set \(train.featureCount)")
        }
        try train.checkFinite()
        try RowLookup(train.features).requireDisjoint(publicData.features) { n, o, p in
            "pate: the public set shares \(n) record\(n == 1 ? "" : "s") with the private set (public row \(o) = private row \(p)); the teachers' labels would leak them to the student"
        }
        // Disjoint parts by a seeded permutation.
        var rng = RNG.stream(seed: options.seed, index: 0)
        let order = rng.permutation(train.size)
        let t = options.teachers
        let parts = (0..<t).map { i in train.rows(Array(order[(i * train.size / t)..<((i + 1) * train.size / t)])) }
        teachers = try EnsembleMembers(template: teacherTemplate, seed: options.seed, workers: options.workers)
            .train(parts, progress: observer.progress)

        // The teachers' votes on the queried public records.
        let asked = publicData.rows(Array(0..<queryCount))
        let k = train.classes
        var votes = [[Double]](repeating: [Double](repeating: 0, count: k), count: asked.size)
        for teacher in teachers {
            for (r, c) in try teacher.predict(asked.features).enumerated() where c < k { votes[r][c] += 1 }
        }
        // The noisy aggregation, from its own stream.
        var noise = RNG.stream(seed: options.seed, index: 1)
        queries = []
        labels = []
        for v in votes {
            let label = try aggregate(v, &noise)
            queries.append(PATEQuery(votes: v, answered: label != nil))
            labels.append(label)
        }
        analysis = try PATEAnalysis.privacy(queries, aggregator: options.aggregator, delta: options.delta)
        statement = try PATEAnalysis.statement(queries, aggregator: options.aggregator, delta: options.delta)

        let answered = labels.indices.filter { labels[$0] != nil }
        guard !answered.isEmpty else {
            throw PrivLabError.invalidArgument(.pate, "no query was answered (the teachers never reached the threshold): lower threshold or raise the number of queries")
        }
        var taught = asked.rows(answered)
        taught.labels = answered.map { labels[$0]! }
        taught.classes = k
        let s = try releaseTemplate.reseededClone(seed: mix64(options.seed ^ 0x5354_5544_454E_5421))
        let history = try s.fit(taught, validation: validation, observer: TrainingObserver(onEpoch: observer.onEpoch))
        release = s
        return history
    }

    /// One query's label (nil: not answered).
    func aggregate(_ votes: [Double], _ rng: inout RNG) throws -> Int? {
        switch options.aggregator {
        case .laplace(let lambda):
            // Laplace noise of scale λ: the mechanism's sensitivity-over-ε form with Δ = λ, ε = 1.
            return try Mechanisms.laplace(votes, sensitivity: lambda, epsilon: 1, rng: &rng).firstMaxIndex
        case .gaussian(let sigma):
            return votes.map { $0 + sigma * rng.normal() }.firstMaxIndex
        case .confident(let threshold, let sigma1, let sigma2):
            let top = votes.max()! + sigma1 * rng.normal()
            guard top >= threshold else { return nil }
            return votes.map { $0 + sigma2 * rng.normal() }.firstMaxIndex
        }
    }

    public override func copy(seed: UInt64?) throws -> TrainingDefense {
        var o = options
        if let seed { o.seed = seed }
        return try PATE(teacher: teacherTemplate, student: releaseTemplate, publicData: publicData, options: o)
    }

    /// The settings, both templates (their seeds aside: PATE re-seeds them) and the public records.
    public override var configurationIdentity: String {
        "pate|\(options.teachers)|\(options.aggregator)|\(options.queries ?? -1)|\(options.delta)|\(options.epsilonBudget ?? -1)|\(options.seed)|"
            + "\(Self.templateIdentity(teacherTemplate))|\(Self.templateIdentity(releaseTemplate))|\(Self.dataIdentity(publicData))"
    }

    public override var defenseReport: DefenseReport? {
        guard let a = analysis else { return nil }
        let answered = labels.indices.filter { labels[$0] != nil }
        var entries: [(String, DefenseReport.Value)] = [
            ("teachers", .integer(options.teachers)), ("aggregator", .text(options.aggregator.description)),
            ("queries", .integer(a.queries)), ("answered", .integer(a.answered)),
            ("epsilon", .number(a.dataIndependentEpsilon)), ("epsilon_data_dependent", .number(a.dataDependentEpsilon)),
            ("delta", .number(a.delta)), ("order", .number(a.dataIndependentOrder)),
            ("order_data_dependent", .number(a.dataDependentOrder)),
        ]
        if !answered.isEmpty {
            let right = answered.filter { labels[$0] == publicData.labels[$0] }.count
            entries.append(("label_accuracy", .number(Double(right) / Double(answered.count))))
        }
        let unanimous = queries.filter { q in q.votes.max() == Double(options.teachers) }.count
        entries.append(("unanimous", .integer(unanimous)))
        return DefenseReport(defense: "pate", entries)
    }
}

// MARK: storage

extension PATE: StorableClassifier {
    public static let storedKind = StoredComponentKind("pate")

    /// What a model file keeps of PATE: the settings, every query's votes and whether it was
    /// answered, the aggregated labels and the public records; the teachers and the student are
    /// its parts. Both ε (data-independent and data-dependent) are recomputed from the stored
    /// votes by the same analysis, so a reloaded PATE states what the original did. The file is
    /// the curator's: it holds the teachers and the votes, as the object in memory does.
    struct Stored: Codable {
        var options: PATEOptions
        var queries: [PATEQuery]
        var labels: [Int?]
        var publicData: StoredDataset
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard let s = release, s.isFitted, !teachers.isEmpty else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        var own = [Float]()
        let state = Stored(options: options, queries: queries, labels: labels, publicData: StoredDataset(publicData, floats: &own))
        let parts = try (teachers + [s]).map { try $0.requirePersistable("save") }
        return .component(try StoredComponent(self, state: state, parts: parts, own: own, floats: &floats))
    }

    /// A fitted PATE: its templates are untrained copies of the first teacher and of the student.
    public static func restoreClassifier(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                              components: ComponentRestoring) throws -> Classifier {
        let s = try c.decodeState(Stored.self, origin: origin)
        try c.requireParts(parts, s.options.teachers + 1, origin: origin)
        var cursor = 0
        let pub = try s.publicData.restore(own, &cursor, origin: origin)
        guard s.queries.count == s.labels.count, s.queries.count == (s.options.queries ?? pub.size) else {
            throw PrivLabError.malformedFile(location: origin, reason: "pate's queries, labels and public records do not match")
        }
        let p = try PATE(teacher: try parts[0].cloneUntrained(), student: try parts[s.options.teachers].cloneUntrained(), publicData: pub, options: s.options)
        p.teachers = Array(parts[0..<s.options.teachers])
        p.queries = s.queries
        p.labels = s.labels
        p.analysis = try PATEAnalysis.privacy(s.queries, aggregator: s.options.aggregator, delta: s.options.delta)
        p.statement = try PATEAnalysis.statement(s.queries, aggregator: s.options.aggregator, delta: s.options.delta)
        p.release = parts[s.options.teachers]
        return p
    }
}
