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
    /// A user's signal with the name reports give it (called on the fitting thread only).
    public struct CustomSignal {
        public let name: String
        public let function: SignalFunction
        public init(name: String, function: @escaping SignalFunction) {
            self.name = name
            self.function = function
        }
    }

    /// What calibration on shadow (or shared reference) models learned: the thresholds and, per
    /// class, the shadows' IN and OUT signals the risk score's histograms come from.
    struct Calibration {
        var globalThreshold: Double? = nil
        var classThresholds: [Int: Double] = [:]
        var shadowIn: [Int: [Double]] = [:]
        var shadowOut: [Int: [Double]] = [:]
    }

    public var name: String { "metric (\(signalName))" }
    public let target: Predictor
    public let options: Options
    public let signalName: String
    let signalFunction: SignalFunction
    public private(set) var queries = 0
    public let threatModel: [String: String]
    private let calibration: Calibration
    /// Global threshold, or per class (when class-wise).
    public var globalThreshold: Double? { calibration.globalThreshold }
    public var classThresholds: [Int: Double] { calibration.classThresholds }

    public var threshold: Double? { options.classWise ? (classThresholds.isEmpty ? nil : 0) : globalThreshold }

    /// The fitted state (`Options.fit` computes it): nothing is trained here.
    init(target: Predictor, options: Options, signal: CustomSignal, calibration: Calibration, threatModel: [String: String]) {
        self.target = target
        self.options = options
        signalName = signal.name
        signalFunction = signal.function
        self.calibration = calibration
        self.threatModel = threatModel
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
    static func calibrate(on outs: [ShadowOutputs], signal: SignalFunction, classWise: Bool) throws -> Calibration {
        var c = Calibration()
        for (pi, li, po, lo) in outs {
            let si = try signal(pi, li), so = try signal(po, lo)
            for (v, y) in zip(si, li) { c.shadowIn[y, default: []].append(v) }
            for (v, y) in zip(so, lo) { c.shadowOut[y, default: []].append(v) }
        }
        let allIn = c.shadowIn.keys.sorted().flatMap { c.shadowIn[$0]! }, allOut = c.shadowOut.keys.sorted().flatMap { c.shadowOut[$0]! }
        c.globalThreshold = try bestThreshold(inScores: allIn, outScores: allOut)
        if classWise {
            for y in Set(c.shadowIn.keys).intersection(c.shadowOut.keys).sorted() {
                c.classThresholds[y] = try bestThreshold(inScores: c.shadowIn[y]!, outScores: c.shadowOut[y]!)
            }
        }
        return c
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
        guard !calibration.shadowIn.isEmpty else { throw PrivLabError.invalidArgument("risk scores need shadow models: give the attack data = …") }
        return Self.riskScores(signal: try signal(ds), labels: ds.labels, shadowIn: calibration.shadowIn, shadowOut: calibration.shadowOut,
                               bins: options.riskBins)
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
