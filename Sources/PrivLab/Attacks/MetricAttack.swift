import Foundation

/// Metric-based attacks (Yeom et al. 2018; Song & Mittal 2021): no attack model, just a signal of
/// the target's output (loss, confidence, entropy, modified entropy, correctness) compared with a
/// threshold. With attacker data the thresholds — global or one per class — are chosen on shadow
/// models whose membership is known; Song & Mittal's privacy risk score comes from the same shadows.
public final class MetricAttack: MembershipAttack {
    public struct Options: Sendable {
        public var signal: MembershipSignal = .loss
        public var classWise = false
        public var shadows = 1
        public var shadowSize: Int? = nil
        /// Histogram bins for the risk score's in/out densities.
        public var riskBins = 20
        public var seed: UInt64 = 1
        public var workers = 2
        public init() {}
    }

    /// A signal computed from (probabilities, labels): a built-in one or a user's (a Lua plugin).
    public typealias SignalFunction = (Matrix, [Int]) throws -> [Double]

    public var name: String { "metric (\(signalName))" }
    public let target: Classifier
    public let options: Options
    public let signalName: String
    let signalFunction: SignalFunction
    public private(set) var queries = 0
    public private(set) var threatModel: [String: String]
    /// Global threshold, or per class (when class-wise).
    public private(set) var globalThreshold: Double? = nil
    public private(set) var classThresholds: [Int: Double] = [:]
    private var shadowIn: [Int: [Double]] = [:]
    private var shadowOut: [Int: [Double]] = [:]

    public var threshold: Double? { options.classWise ? (classThresholds.isEmpty ? nil : 0) : globalThreshold }

    /// Without `data` the attack has no threshold (AUC and TPR@FPR are threshold-free; accuracy is
    /// then reported at the best threshold, marked as an upper bound).
    /// `custom` replaces `options.signal` by a named signal function (called on this thread only).
    /// With `references` (models shared with LiRA and RMIA, each trained on a random half of its
    /// pool) the thresholds are chosen on their first `options.shadows` models — IN the half each
    /// trained on, OUT the rest of the pool — and no shadow is trained.
    public init(target: Classifier, data: Dataset? = nil, shadowModel: Classifier? = nil, targetTrainingSize: Int? = nil,
                options: Options, custom: (name: String, function: SignalFunction)? = nil, references: ReferenceModels? = nil,
                progress: ((Int, Int) -> Void)? = nil) throws {
        self.target = target
        self.options = options
        let builtin = options.signal
        signalName = custom?.name ?? builtin.rawValue
        signalFunction = custom?.function ?? { builtin.values(probs: $0, labels: $1) }
        threatModel = ["access": custom == nil && builtin == .correctness ? "black-box: the target's predicted label" : "black-box: the target's probability vector",
                       "signal": signalName]
        guard options.shadows >= 1 else { throw PrivLabError.invalidArgument("metric attack: shadows must be at least 1") }
        if let references {
            try calibrate(on: try Self.referenceOutputs(references, count: options.shadows))
            threatModel["threshold"] = (options.classWise ? "class-wise" : "global") + ", chosen on \(options.shadows) shared reference model(s), IN and OUT halves of their pool"
            return
        }
        guard let data = data else {
            threatModel["threshold"] = "none (no attacker data)"
            return
        }
        let size = min(options.shadowSize ?? targetTrainingSize ?? data.size / 2, data.size / 2)
        guard size >= 2 else { throw PrivLabError.invalidArgument("metric attack: the attacker's data has too few records (\(data.size))") }
        let template = shadowModel ?? target
        // Shadows train in parallel; the signal is computed afterwards on this thread.
        var shadowModels = ShadowModels(template: template, seed: options.seed, stream: 200, salt: 0x5EED, workers: options.workers)
        shadowModels.progress = progress
        let outs = try shadowModels.train(options.shadows, draw: { rng in
            let pick = try rng.sample(data.size, 2 * size)
            return (data.rows(Array(pick[0..<size]).sorted()), data.rows(Array(pick[size...]).sorted()))
        }) { m, inSet, outSet -> ShadowOutputs in
            (try m.releasedProbabilities(inSet.features), inSet.labels, try m.releasedProbabilities(outSet.features), outSet.labels)
        }
        try calibrate(on: outs)
        threatModel["threshold"] = (options.classWise ? "class-wise" : "global") + ", chosen on \(options.shadows) shadow model(s) × \(size) in + \(size) out records"
        threatModel["architecture"] = shadowModel == nil ? "known" : "guessed (\(shadowModel!.summary))"
    }

    /// A shadow's released probabilities and labels on its IN records, then on its OUT records.
    typealias ShadowOutputs = (inProbabilities: Matrix, inLabels: [Int], outProbabilities: Matrix, outLabels: [Int])

    /// The first `count` reference models' outputs on the IN and OUT parts of their pool.
    static func referenceOutputs(_ refs: ReferenceModels, count: Int) throws -> [ShadowOutputs] {
        guard let pool = refs.pool else { throw PrivLabError.invalidArgument("metric attack: the reference models' pool is unknown") }
        return try refs.prefix(count).models.map { m in
            let inRows = pool.ids.indices.filter { m.trainedOn.contains(pool.ids[$0]) }
            let outRows = pool.ids.indices.filter { !m.trainedOn.contains(pool.ids[$0]) }
            let (a, b) = (pool.rows(inRows), pool.rows(outRows))
            return (try m.classifier.releasedProbabilities(a.features), a.labels, try m.classifier.releasedProbabilities(b.features), b.labels)
        }
    }

    /// Thresholds (global, and per class when class-wise) and the risk score's histograms from the
    /// shadows' IN and OUT signals.
    private func calibrate(on outs: [ShadowOutputs]) throws {
        for (pi, li, po, lo) in outs {
            let si = try signalFunction(pi, li), so = try signalFunction(po, lo)
            for (v, c) in zip(si, li) { shadowIn[c, default: []].append(v) }
            for (v, c) in zip(so, lo) { shadowOut[c, default: []].append(v) }
        }
        let allIn = shadowIn.keys.sorted().flatMap { shadowIn[$0]! }, allOut = shadowOut.keys.sorted().flatMap { shadowOut[$0]! }
        globalThreshold = try bestThreshold(inScores: allIn, outScores: allOut)
        if options.classWise {
            for c in Set(shadowIn.keys).intersection(shadowOut.keys).sorted() {
                classThresholds[c] = try bestThreshold(inScores: shadowIn[c]!, outScores: shadowOut[c]!)
            }
        }
    }

    /// The raw signal of the target on `ds` (higher = more member-like).
    public func signal(_ ds: Dataset) throws -> [Double] {
        queries += ds.size
        let v = try signalFunction(try target.releasedProbabilities(ds.features), ds.labels)
        guard v.count == ds.size else { throw PrivLabError.shape("signal '\(signalName)' returned \(v.count) values for \(ds.size) records") }
        return v
    }

    /// With class-wise thresholds the score is the signal minus its class's threshold, so one
    /// decision threshold (0) applies to every class and the ROC stays meaningful.
    public func scores(_ ds: Dataset) throws -> [Double] {
        let s = try signal(ds)
        guard options.classWise, !classThresholds.isEmpty else { return s }
        return zip(s, ds.labels).map { v, c in v - (classThresholds[c] ?? globalThreshold ?? 0) }
    }

    public func privacyRiskScores(_ ds: Dataset) throws -> [Double]? { try riskScores(ds) }

    /// The thresholds calibrated on the attacker's data.
    public var learned: [String: AttackFact] {
        var d = [String: AttackFact]()
        if let g = globalThreshold { d["global_threshold"] = .number(g) }
        if !classThresholds.isEmpty { d["class_thresholds"] = .classThresholds(classThresholds) }
        return d
    }

    /// Song & Mittal's privacy risk score: the posterior probability of membership given the signal,
    /// P(in | s, y) = P(s | in, y) / (P(s | in, y) + P(s | out, y)) with equal priors, the class-wise
    /// densities estimated by histograms of the shadow models' in and out signals.
    public func riskScores(_ ds: Dataset) throws -> [Double] {
        guard !shadowIn.isEmpty else { throw PrivLabError.invalidArgument("risk scores need shadow models: give the attack data = …") }
        return Self.riskScores(signal: try signal(ds), labels: ds.labels, shadowIn: shadowIn, shadowOut: shadowOut, bins: options.riskBins)
    }

    /// Song & Mittal's risk score for each (signal, class) from the shadow models' IN and OUT
    /// signals per class: P(in | s, y) = h_in(s) / (h_in(s) + h_out(s)), the densities histograms
    /// over `bins` equal-frequency bins of the class's pooled signals (at most a quarter as many
    /// bins as signals; edge k is the pooled value at rank ⌊k·N/bins⌋, a signal equal to an edge
    /// falls in the bin above it), each bin starting at one count (add-one smoothing, so that no bin
    /// is certain). A class missing from either side scores ½.
    public static func riskScores(signal: [Double], labels: [Int], shadowIn: [Int: [Double]], shadowOut: [Int: [Double]], bins wanted: Int) -> [Double] {
        // Equal-frequency bins over the pooled shadow signals: signals are heavy-tailed (a loss
        // spans orders of magnitude), and equal-width bins would put nearly everything in one bin.
        var hist = [Int: (edges: [Double], pin: [Double], pout: [Double])]()
        for c in Set(shadowIn.keys).intersection(shadowOut.keys) {
            let a = shadowIn[c]!, b = shadowOut[c]!
            let pooled = (a + b).sorted()
            let bins = max(1, min(wanted, pooled.count / 4))
            var edges = [Double]()
            for k in 1..<bins { edges.append(pooled[k * pooled.count / bins]) }
            func bin(_ x: Double) -> Int {
                var lo = 0, hi = edges.count
                while lo < hi { let m = (lo + hi) / 2; if edges[m] <= x { lo = m + 1 } else { hi = m } }
                return lo
            }
            func density(_ v: [Double]) -> [Double] {
                var h = [Double](repeating: 1, count: bins)   // add-one smoothing: no bin is "certain"
                for x in v { h[bin(x)] += 1 }
                let t = h.reduce(0, +)
                return h.map { $0 / t }
            }
            hist[c] = (edges, density(a), density(b))
        }
        return zip(signal, labels).map { v, c in
            guard let h = hist[c] else { return 0.5 }
            var lo = 0, hi = h.edges.count
            while lo < hi { let m = (lo + hi) / 2; if h.edges[m] <= v { lo = m + 1 } else { hi = m } }
            return h.pin[lo] / (h.pin[lo] + h.pout[lo])
        }
    }
}

/// White-box attack: the norm of the loss gradient at the target's parameters (members sit where
/// the training loss is flat; cf. Nasr et al., S&P 2019), or the exact per-record loss.
public final class GradientAttack: MembershipAttack {
    public enum Signal: String, CaseIterable, Sendable { case gradnorm, loss }
    public var name: String { "white-box (\(signal.rawValue))" }
    public let target: Classifier
    public let signal: Signal
    public private(set) var queries = 0
    public var threshold: Double? { nil }
    public var threatModel: [String: String] {
        ["access": "white-box: the target's parameters (gradients of the loss at every record)", "signal": signal.rawValue]
    }

    public init(target: Classifier, signal: Signal) throws {
        // Through the interface: a query-budgeted target is a black box, so it is refused too.
        guard target.isWhiteBox else {
            throw PrivLabError.invalidArgument("gradient attack: the target must be a softmax regression, MLP, CNN or a pipeline of one")
        }
        self.target = target
        self.signal = signal
    }

    public func scores(_ ds: Dataset) throws -> [Double] {
        queries += ds.size
        switch signal {
        case .loss: return try target.perRecordLoss(ds).map { -$0 }
        case .gradnorm: return try target.requireWhiteBox("gradient attack").perRecordGradientNorms(ds).map { -$0 }
        }
    }
}
