import Foundation

/// SISA training (Bourtoule et al., "Machine Unlearning", IEEE S&P 2021): the training set is
/// **S**harded, one constituent model is trained per shard in **I**solation, each shard is **S**liced
/// and trained incrementally with a checkpoint after every slice stage, and predictions
/// **A**ggregate the constituents.
///
/// Unlearning is exact by construction: every constituent is a deterministic function of its
/// shard's records (placed by record id alone, see `SISAOptions.placement`) and of seeds, and every
/// checkpoint is keyed by the hash of exactly what its training depended on. After a deletion, the
/// ensemble recomputes the keys; stages whose key still exists are reused, the others are retrained
/// from the last reusable checkpoint. The result is bit-for-bit the ensemble a fresh `fit` on the
/// remaining data produces — `fingerprint()` lets a test or an auditor check that.
public final class SISAEnsemble: Classifier {
    public let options: SISAOptions
    let factory: SISAModelFactory
    let store: SISACheckpointStore
    /// A user-supplied aggregation rule (constituent probabilities, constituent weights) → n×K scores,
    /// used when `options.aggregation` is not a built-in.
    public var customAggregator: (([Matrix?], [Double]) throws -> Matrix)?
    /// Test hook: called at each step of a request ("request-logged", "stage-trained",
    /// "request-done", "gc"); throwing there simulates a crash at that point.
    public var faultInjector: ((String) throws -> Void)?
    /// Called with (slice stages trained, stages to train) as each stage finishes, during `fit`
    /// (also set from the fit's `TrainingObserver.progress`) and `unlearn` — for a progress display.
    public var progress: ((Int, Int) -> Void)?

    /// The dataset given to `fit` (removed records included; `removedIds` says which).
    public internal(set) var data: Dataset?
    public internal(set) var removedIds: Set<Int> = []
    /// Live record ids per shard and slice (sorted), and the stacking hold-out.
    public internal(set) var sliceIds: [[[Int]]] = []
    public internal(set) var holdoutIds: [Int] = []
    var constituents: [Classifier?] = []
    var finalCheckpoints: [SISACheckpoint?] = []
    var metaLearner: NeuralNetwork?
    var configKey: UInt64 = 0
    var positions: [Int: Int] = [:]
    /// Set when a request was interrupted: the in-memory state is stale until `fit` reopens it.
    public internal(set) var interrupted = false
    /// What the last `fit` (or reopening) trained.
    public internal(set) var lastFitWork: SISAWork? = nil
    var stageKeysInUse = Set<UInt64>()
    /// The final-stage key each materialised constituent came from.
    var constituentKeys: [UInt64?] = []

    /// An ensemble of copies of `model`. `components` restores checkpointed constituents that are
    /// made of other models (defenses, …): the table of those kinds lives above this layer
    /// (`Storage/`, which also gives the convenience initialiser without it).
    public init(options: SISAOptions, model: Classifier, directory: String? = nil, components: ComponentRestoring) throws {
        try options.validate()
        self.options = options
        self.factory = try SISAModelFactory(model, slices: options.slices, components: components)
        self.store = try SISACheckpointStore(directory: directory, capacity: options.shards * options.slices)
    }

    public var directory: String? { store.directory }
    /// The model every constituent is a copy of (untrained).
    public var templateModel: Classifier { factory.template }
    /// The template's epoch count e (each slice stage trains 2e/(R+1) of them).
    public var templateModelEpochs: Int { factory.epochs }
    public var stageEpochs: Double { options.epochsPerStage(modelEpochs: factory.epochs) }

    // MARK: Classifier

    public var summary: String {
        "SISA(shards=\(options.shards), slices=\(options.slices), \(options.aggregation), \(options.sharding.rawValue) sharding) of \(factory.template.summary(reseededWith: options.seed))"
    }
    public var isFitted: Bool { data != nil && !interrupted }
    public var runsOnCallingThread: Bool { factory.template.runsOnCallingThread }
    public var parameterCount: Int {
        constituents.reduce(0) { $0 + ($1?.parameterCount ?? 0) } + (metaLearner?.parameterCount ?? 0)
    }
    public var trainedParameterCount: Int {
        constituents.reduce(0) { $0 + ($1?.trainedParameterCount ?? 0) } + (metaLearner?.parameterCount ?? 0)
    }
    public var history: [EpochRecord] { [] }
    /// Aggregated outputs are released as computed (constituents at temperature 1).
    public var releaseTemperature: Double { 1 }

    /// For DP constituents: each record is in one shard, so by parallel composition the ensemble is
    /// (ε, δ)-DP with the largest constituent ε (McSherry 2009, Thm 4); nil when none was trained
    /// privately.
    public var privacy: PrivacyStatement? {
        PrivacyStatement.parallel(constituents.compactMap { $0 }.map(\.privacy),
                                  note: "SISA ensemble: each record is in one shard, so by parallel composition the ensemble is (ε, δ)-DP with the largest constituent ε")
    }

    public func cloneUntrained() throws -> Classifier {
        let e = try SISAEnsemble(options: options, model: try factory.template.cloneUntrained(), components: factory.components)
        e.customAggregator = customAggregator
        return e
    }

    /// Trains the ensemble on `train`. With a directory that already holds this ensemble (same
    /// options, model and data), reopens it instead: logged requests are applied and only missing
    /// checkpoints are trained.
    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        guard train.size > 0 else { throw PrivLabError.invalidArgument("sisa: the training set is empty") }
        try train.checkFinite()
        let key = try configurationKey(train)
        // A persistent ensemble's request log: every logged request is applied, including one that
        // was interrupted (its outcome does not depend on when it is computed).
        var removed = Set<Int>()
        var log: SISARequestLog? = nil
        if let dir = directory {
            if let old = try SISARequestLog.read(dir) {
                guard old.config == hex(key) else {
                    throw PrivLabError.invalidArgument("sisa: \(dir) holds an ensemble with other options, model or data; use another dir or delete it")
                }
                for r in old.requests { removed.formUnion(r.ids) }
                log = old
            } else {
                log = SISARequestLog(config: hex(key))
                try log!.write(dir)
            }
        }
        data = train
        positions = train.positionsById()
        removedIds = removed
        configKey = key
        interrupted = true
        let saved = progress
        if let p = observer.progress { progress = p }
        defer { progress = saved }
        do { lastFitWork = try reconcile() } catch PrivLabError.shape(let m) {
            // A constituent that cannot read the records (a recurrent model's steps, a transfer
            // model's extractor width): say which option is at fault.
            throw PrivLabError.shape("sisa: option 'model' (\(factory.template.summary)) cannot read the records: \(m)")
        }
        if let dir = directory, var l = log, l.requests.contains(where: { !$0.done }) {
            for i in l.requests.indices { l.requests[i].done = true }
            try l.write(dir)
        }
        interrupted = false
        collectGarbage()
        return []
    }

    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix {
        try checkReady()
        let k = classes
        let probs = try constituents.map { try $0?.predictProba(x, temperature: temperature) }
        switch options.aggregation {
        case .vote: return SISAAggregation.vote(probs, weights: constituentWeights, classes: k, rows: x.rows)
        case .mean: return SISAAggregation.mean(probs, weights: constituentWeights, classes: k, rows: x.rows)
        case .stack:
            return try metaLearner!.predictProba(SISAAggregation.stackFeatures(probs, classes: k, rows: x.rows), temperature: 1)
        case .custom:
            guard let agg = customAggregator else {
                throw PrivLabError.invalidArgument("sisa: no aggregator '\(options.aggregation)' is available")
            }
            let s = try agg(probs, constituentWeights)
            guard s.rows == x.rows, s.cols == k else {
                throw PrivLabError.shape("aggregator '\(options.aggregation)' returned \(s.rows)×\(s.cols) scores, expected \(x.rows)×\(k)")
            }
            if s.hasNonFinite { throw PrivLabError.invalidArgument("aggregator '\(options.aggregation)' returned NaN or infinite scores") }
            return s
        }
    }

    /// Log of the aggregated probabilities (floored at 1e-12): the ensemble's "logits".
    public func logits(_ x: Matrix) throws -> Matrix {
        var p = try predictProba(x, temperature: 1)
        p.data = p.data.map { Foundation.log(max($0, 1e-12)) }
        return p
    }

    public func predict(_ x: Matrix) throws -> [Int] { try predictProba(x, temperature: 1).argmaxRows() }

    public func accuracy(_ ds: Dataset) throws -> Double {
        guard ds.size > 0 else { throw PrivLabError.invalidArgument("accuracy: the dataset is empty") }
        return try Metrics.accuracy(ds.labels, predict(ds.features))
    }

    /// −log of the aggregated probability of the true class (floored at 1e-12).
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] {
        let p = try predictProba(ds.features, temperature: 1)
        return ds.labels.enumerated().map { -Foundation.log(max(Double(p[$0.offset, $0.element]), 1e-12)) }
    }

    // MARK: Unlearning

    /// Forgets the records `ids` (one request, however many ids): the affected shards restart from
    /// their last checkpoint that never saw any of them and retrain the remaining slices. Unknown,
    /// repeated or already-removed ids are an error and change nothing.
    public func unlearn(_ ids: [Int]) throws -> SISAUnlearningReport {
        try checkReady()
        guard !ids.isEmpty else { throw PrivLabError.invalidArgument("unlearn: no record ids given") }
        var seen = Set<Int>()
        var unknown = [Int](), again = [Int](), dup = [Int]()
        for id in ids {
            if !seen.insert(id).inserted { dup.append(id) }
            else if positions[id] == nil { unknown.append(id) }
            else if removedIds.contains(id) { again.append(id) }
        }
        func list(_ a: [Int]) -> String { a.prefix(5).map(String.init).joined(separator: ", ") + (a.count > 5 ? ", … (\(a.count) in all)" : "") }
        if !unknown.isEmpty { throw PrivLabError.invalidArgument("unlearn: no record with id \(list(unknown)) in the training set") }
        if !again.isEmpty { throw PrivLabError.invalidArgument("unlearn: record \(list(again)) was already removed") }
        if !dup.isEmpty { throw PrivLabError.invalidArgument("unlearn: id \(list(dup)) is listed twice") }

        let liveBefore = liveCount
        // From the moment the request may be on disk, the in-memory state is stale until it is served.
        interrupted = true
        if let dir = directory {
            guard var log = try SISARequestLog.read(dir) else { throw PrivLabError.io("sisa: \(dir)/requests.json has disappeared") }
            log.requests.append(.init(ids: ids.sorted(), done: false))
            try log.write(dir)
            try fault("request-logged")
        }
        removedIds.formUnion(ids)
        let work = try reconcile()
        if let dir = directory, var log = try SISARequestLog.read(dir) {
            for i in log.requests.indices { log.requests[i].done = true }
            try log.write(dir)
            try fault("request-done")
        }
        interrupted = false
        collectGarbage()
        try fault("gc")

        let live = liveCount
        let e = factory.epochs
        let cost = SISACostModel(records: liveBefore, shards: options.shards, slices: options.slices, epochs: e)
        let secondsPerSample = work.samples > 0 ? work.seconds / work.samples : 0
        let ensembleSamples = fullEnsembleSamples()
        return SISAUnlearningReport(
            removed: ids.count, work: work,
            fullEnsembleSamples: ensembleSamples, fullEnsembleSeconds: ensembleSamples * secondsPerSample,
            monolithicSamples: Double(live) * Double(e), monolithicSeconds: Double(live) * Double(e) * secondsPerSample,
            expectedSamples: ids.count == 1 ? cost.singleRequest : cost.batched(ids.count))
    }

    /// The samples (record-epochs) retraining the whole ensemble on the live data costs.
    public func fullEnsembleSamples() -> Double {
        var total = 0.0
        for s in sliceIds {
            var cum = 0
            for sl in s {
                cum += sl.count
                if cum > 0 { total += Double(cum) * stageEpochs }
            }
        }
        return total
    }

    // MARK: Inspection

    /// A hash of every constituent's parameters (and scalers, and the meta-learner): equal
    /// fingerprints mean bit-identical ensembles.
    public func fingerprint() throws -> String {
        try checkReady()
        var h = ContentHash()
        for (s, c) in finalCheckpoints.enumerated() {
            h.add(s)
            guard let c = c else { h.add(-1); continue }
            c.hash(into: &h)
        }
        if let m = metaLearner { for p in m.parameterValues() { h.add(p) } }
        return h.hex
    }

    /// Live records per shard.
    public var shardSizes: [Int] { sliceIds.map { $0.reduce(0) { $0 + $1.count } } }
    /// Live records per shard and class.
    public var shardClassCounts: [[Int]] {
        guard let d = data else { return [] }
        return sliceIds.map { slices in
            var c = [Int](repeating: 0, count: d.classes)
            for sl in slices { for id in sl { c[d.labels[positions[id]!]] += 1 } }
            return c
        }
    }
    public var liveCount: Int { (data?.size ?? 0) - removedIds.count }
    public var classes: Int { data?.classes ?? 0 }
    /// The constituent of shard `s` (nil for an empty shard).
    public func constituent(_ s: Int) -> Classifier? { s < constituents.count ? constituents[s] : nil }

    // MARK: Internals

    func checkReady() throws {
        if interrupted {
            throw PrivLabError.message(directory == nil
                ? "sisa: training was interrupted; call fit(ds) to train the ensemble again"
                : "sisa: a request was interrupted; call fit(ds) to reopen \(directory!) and complete it")
        }
        guard data != nil else { throw PrivLabError.invalidArgument("sisa: the ensemble is not fitted yet: call fit first") }
    }

    func fault(_ step: String) throws { try faultInjector?(step) }

    func hex(_ v: UInt64) -> String { SISACheckpointStore.hex(v) }

    var constituentWeights: [Double] {
        let sizes = shardSizes
        return constituents.enumerated().map { s, c in c == nil ? 0 : (options.weightBySize ? Double(sizes[s]) : 1) }
    }
}
