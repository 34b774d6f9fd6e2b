import Foundation

/// The shadow-model attack of Shokri et al. (S&P 2017): train k shadow models that imitate the
/// target on data whose membership the attacker knows, label their outputs on their own training
/// records "in" and on disjoint records "out", and train an attack model — one per class, as in the
/// paper, or a single global one — to tell the two apart from a prediction vector.
public final class ShadowModelAttack: MembershipAttack {
    public struct Options: Sendable {
        public var shadows = 4
        /// Records each shadow trains on (and as many held out); nil: as many as the data allows,
        /// at most the target's training-set size when known.
        public var shadowSize: Int? = nil
        public var source: ShadowDataSource = .real
        /// How many shadow records to generate for synthetic sources (nil: the attacker data's size).
        public var syntheticCount: Int? = nil
        /// One attack model per class (the paper) or one for all.
        public var perClass = true
        /// Attack-model input: the prediction vector sorted in decreasing order (class-agnostic,
        /// Salem et al. 2019's choice for one global model) or as is (the paper's per-class models,
        /// where each position keeps its class — the true class's probability included). nil picks
        /// sorted for a global model and unsorted per class.
        public var sorted: Bool? = nil
        var sortsFeatures: Bool { sorted ?? !perClass }
        /// Hidden width of the attack MLP (0: logistic regression).
        public var attackHidden = 64
        public var attackEpochs = 30
        public var seed: UInt64 = 1
        public var workers = 2
        public init() {}
    }

    public let name = "shadow models"
    public let target: Classifier
    public let options: Options
    public private(set) var queries = 0
    public var threshold: Double? { 0.5 }
    public private(set) var threatModel: [String: String] = [:]
    /// Per class (or [0] for global): the attack model.
    private var attackModels: [Int: NeuralNetwork] = [:]
    /// Shadow in/out figures, for reports: shadow train/test accuracy, attack training accuracy.
    public private(set) var shadowTrainAccuracy = 0.0
    public private(set) var shadowTestAccuracy = 0.0
    public private(set) var shadowQueriesPerRecord: Double? = nil
    public private(set) var attackTrainingRecords = 0

    /// Trains the shadow models (in parallel) and the attack models. `shadowModel` is the attacker's
    /// guess of the architecture (nil: the target's own, i.e. architecture known).
    public init(target: Classifier, data: Dataset, shadowModel: Classifier? = nil, targetTrainingSize: Int? = nil,
                options: Options) throws {
        guard options.shadows >= 1 else { throw PrivLabError.invalidArgument("shadow attack: shadows must be at least 1") }
        guard data.size >= 4 else { throw PrivLabError.invalidArgument("shadow attack: the attacker's data set is too small") }
        self.target = target
        self.options = options
        let (pool, synthQueries, perRecord) = try ShadowDataGenerator.make(options.source, data: data,
                                                                             count: options.syntheticCount ?? data.size,
                                                                             target: target, seed: options.seed)
        queries += synthQueries
        shadowQueriesPerRecord = perRecord
        // Each shadow: in and out sets of equal size drawn from the pool (disjoint within a shadow).
        let size = min(options.shadowSize ?? targetTrainingSize ?? pool.size / 2, pool.size / 2)
        guard size >= 2 else { throw PrivLabError.invalidArgument("shadow attack: the shadow data has too few records (\(pool.size))") }
        let template = shadowModel ?? target
        struct ShadowOutput { var probs: Matrix; var labels: [Int]; var member: [Bool]; var trainAcc: Double; var testAcc: Double }
        let shadowModels = ShadowModels(template: template, seed: options.seed, stream: 100, salt: 0x9E37, workers: options.workers)
        let outputs = try shadowModels.train(options.shadows, draw: { rng in
            let pick = try rng.sample(pool.size, 2 * size)
            return (pool.rows(Array(pick[0..<size]).sorted()), pool.rows(Array(pick[size...]).sorted()))
        }) { m, inSet, outSet -> ShadowOutput in
            let pin = try m.releasedProbabilities(inSet.features), pout = try m.releasedProbabilities(outSet.features)
            var probs = Matrix(rows: 2 * size, cols: pin.cols)
            probs.data = pin.data + pout.data
            return ShadowOutput(probs: probs, labels: inSet.labels + outSet.labels,
                                member: [Bool](repeating: true, count: size) + [Bool](repeating: false, count: size),
                                trainAcc: try Metrics.accuracy(inSet.labels, pin.argmaxRows()),
                                testAcc: try Metrics.accuracy(outSet.labels, pout.argmaxRows()))
        }
        shadowTrainAccuracy = outputs.map(\.trainAcc).reduce(0, +) / Double(outputs.count)
        shadowTestAccuracy = outputs.map(\.testAcc).reduce(0, +) / Double(outputs.count)
        // The attack training set: features from every shadow's outputs.
        var feats = [[Float]](), labels = [Int](), member = [Int]()
        for o in outputs {
            for r in 0..<o.probs.rows {
                feats.append(attackFeatures(o.probs.row(r)))
                labels.append(o.labels[r])
                member.append(o.member[r] ? 1 : 0)
            }
        }
        attackTrainingRecords = feats.count
        let groups: [Int: [Int]] = options.perClass ? Dictionary(grouping: feats.indices, by: { labels[$0] }) : [0: Array(feats.indices)]
        var models = [Int: NeuralNetwork]()
        for c in groups.keys.sorted() {
            let idx = groups[c]!
            let y = idx.map { member[$0] }
            guard Set(y).count == 2 else { continue }
            let x = try Matrix(idx.map { feats[$0] })
            let ds = try Dataset(features: x, labels: y, classes: 2, name: "attack training (class \(c))")
            var o = TrainingOptions()
            o.optimizer = .adam
            o.learningRate = 1e-3
            o.epochs = options.attackEpochs
            o.batchSize = 128
            o.seed = mix64(options.seed ^ UInt64(c + 1) &* 0xA11C)
            let net = options.attackHidden > 0 ? try NeuralNetwork.mlp(hidden: [options.attackHidden], options: o)
                                               : try NeuralNetwork.softmaxRegression(options: o)
            try net.fit(ds)
            models[c] = net
        }
        guard !models.isEmpty else { throw PrivLabError.message("shadow attack: no class had both in and out shadow records") }
        attackModels = models
        threatModel = [
            "access": "black-box: the target's probability vector per query",
            "architecture": shadowModel == nil ? "known (shadows copy the target's hyper-parameters)" : "guessed (\(shadowModel!.summary))",
            "data": describe(options.source),
            "shadows": "\(options.shadows) × \(size) in + \(size) out records",
            "attack model": (options.perClass ? "one per class" : "one global") + (options.attackHidden > 0 ? ", MLP(\(options.attackHidden))" : ", logistic regression")
                + (options.sortsFeatures ? " on sorted prediction vectors" : " on prediction vectors"),
        ]
    }

    func describe(_ s: ShadowDataSource) -> String {
        switch s {
        case .real: return "real records from the population, disjoint from the target's training set"
        case .marginals: return "synthetic: features drawn independently from per-class marginals"
        case .noisy(let f): return "real records with \(formatCompact(f * 100))% of features perturbed"
        case .synthesis: return "synthetic: hill-climbing on the target's confidence"
        }
    }

    func attackFeatures(_ p: [Float]) -> [Float] { options.sortsFeatures ? p.sorted(by: >) : p }

    public func scores(_ ds: Dataset) throws -> [Double] {
        let p = try target.releasedProbabilities(ds.features)
        queries += ds.size
        var out = [Double](repeating: 0.5, count: ds.size)
        let groups = options.perClass ? Dictionary(grouping: 0..<ds.size, by: { ds.labels[$0] }) : [0: Array(0..<ds.size)]
        for (c, idx) in groups {
            // A class no shadow saw as both in and out: no evidence either way (0.5).
            guard let m = attackModels[c] else { continue }
            let x = try Matrix(idx.map { attackFeatures(p.row($0)) })
            let q = try m.releasedProbabilities(x)
            for (r, i) in idx.enumerated() { out[i] = Double(q[r, 1]) }
        }
        return out
    }
}
