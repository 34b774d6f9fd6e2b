import Foundation

/// RMIA, the relative membership inference attack (Zarifzadeh, Liu & Shokri, "Low-Cost High-Power
/// Membership Inference Attacks", ICML 2024, §3): a record x is scored by how often it is *more*
/// likely under the target than a population record z, each relative to its probability under
/// reference models:
///
///     LR(x, z) = (Pr(x | θ) / Pr(x)) / (Pr(z | θ) / Pr(z)),   score(x) = Pr_z[ LR(x, z) > γ ]
///
/// Pr(· | θ) is the target's probability of the record's label; Pr(x) the mean of that signal over
/// reference models — online over models trained with and without x, offline over models without
/// it, linearly corrected for the missing IN models: Pr(x) = ½((1 + a)·Pr_OUT(x) + (1 − a)) (§4).
///
/// The authors' code (privacytrustlab/ml_privacy_meter) exists twice and the two differ; both are
/// offered. The defaults follow the library (`attacks.py`): γ = 1, temperature 1, the softmax
/// probability of the label, plain means, `a` tuned by attacking one reference model with the
/// others (grid 0, 0.1, …, 1; the best AUC, ties to the smaller a). `Options.paper` is the
/// research code's (`research/2024_rmia`, CIFAR-10 configuration): γ = 2, temperature 2, the
/// soft-margin Taylor softmax (m = 0.6, order 4), means trimmed by 20% at each end, a = 0.3.
/// Choices made here: both comparisons are strict (`>`, as both code bases); everything is in log
/// space (the code bases divide probabilities and can produce ∞ and NaN); the population is the
/// attacker's records (the library uses an external set, the research code the target's
/// non-members); a record compared with itself is left out (the research code's correction); the
/// research code's augmented queries (18 flips and shifts of an image, majority vote per pair) are
/// not made; its Taylor polynomial can go negative, and such a signal is floored at 10⁻³⁰⁰.
public final class RMIA: MembershipAttack {
    /// Pr(x | θ): what a model's output says about the record's label.
    public enum Signal: Sendable, Equatable {
        /// softmax(z / T)[y] (the library).
        case softmax
        /// The research code's soft-margin Taylor softmax: t(z_y/T − m) / (Σ_{j≠y} t(z_j/T) + t(z_y/T − m)),
        /// t(u) = Σ_{k<order} uᵏ/k!.
        case taylorSoftMargin(margin: Double, order: Int)
    }
    /// How the reference models' signals are averaged into Pr(x).
    public enum Averaging: Sendable, Equatable {
        case mean
        /// SciPy's trim_mean: ⌊fraction·n⌋ values cut at each end first (the research code, 0.2).
        case trimmed(fraction: Double)
    }
    /// The offline correction's `a`.
    public enum OfflineA: Sendable, Equatable {
        case fixed(Double)
        /// Chosen on the grid 0, 0.1, …, 1 by attacking reference model 1 with the others (needs two
        /// reference models or more; with one, a = 0.3, the research code's CIFAR-10 value).
        case tuned
    }

    public struct Options: Sendable {
        public var references = 4
        public var online = false
        public var gamma = 1.0
        public var temperature = 1.0
        public var signal = Signal.softmax
        public var averaging = Averaging.mean
        public var offlineA = OfflineA.tuned
        /// Population records z drawn from the attacker's data (nil: all of it).
        public var population: Int? = nil
        public var seed: UInt64 = 1
        public var workers = 2
        public init() {}

        /// The research code's settings (CIFAR-10 configuration of `research/2024_rmia`).
        public static var paper: Options {
            var o = Options()
            o.gamma = 2
            o.temperature = 2
            o.signal = .taylorSoftMargin(margin: 0.6, order: 4)
            o.averaging = .trimmed(fraction: 0.2)
            o.offlineA = .fixed(0.3)
            return o
        }

        public func validate() throws {
            guard references >= 1 else { throw PrivLabError.invalidArgument("rmia: at least 1 reference model is needed") }
            guard gamma.isFinite, gamma > 0 else { throw PrivLabError.invalidArgument("rmia: gamma must be positive") }
            guard temperature.isFinite, temperature > 0 else { throw PrivLabError.invalidArgument("rmia: temperature must be positive") }
            if case .taylorSoftMargin(let m, let n) = signal {
                guard m.isFinite, n >= 2, n <= 20 else { throw PrivLabError.invalidArgument("rmia: the Taylor signal needs a finite margin and an order in 2…20") }
            }
            if case .trimmed(let f) = averaging, !(f >= 0 && f < 0.5) { throw PrivLabError.invalidArgument("rmia: the trimmed fraction must lie in [0, 0.5)") }
            if case .fixed(let a) = offlineA, !(a >= 0 && a <= 1) { throw PrivLabError.invalidArgument("rmia: a must lie in [0, 1]") }
            if let p = population, p < 1 { throw PrivLabError.invalidArgument("rmia: population must be at least 1") }
        }
    }

    public var name: String { "RMIA (\(options.online ? "online" : "offline"), \(options.references) reference model\(options.references == 1 ? "" : "s"))" }
    public let target: Predictor
    public let data: Dataset
    public let options: Options
    /// The architecture online reference models copy (trained per scoring, on the candidates too).
    let template: ModelArchitecture
    public private(set) var queries = 0
    public var threshold: Double? { nil }
    /// The offline `a` used by the last scoring (nil online or before scoring).
    public private(set) var chosenA: Double? = nil
    public var threatModel: [String: String] {
        var t = ["access": "black-box: the target's logits (or log-probabilities) per query",
                 "data": options.online ? "attacker data plus the candidate records (membership unknown)" : "attacker data only",
                 "reference models": "\(options.references), each on a random half of its pool" + (shared ? " (shared)" : ""),
                 "population": "\(options.population.map(String.init) ?? "all") of the attacker's records",
                 "architecture": template === target ? "known" : "guessed (\(template.summary))"]
        if let a = chosenA { t["offline a"] = formatCompact(a) + (options.offlineA == .tuned && options.references >= 2 ? " (tuned)" : "") }
        return t
    }
    /// Reference models fitted beforehand: shared ones (their first `references`), or offline
    /// models trained on the attacker's data by `fit` (nil: online, trained per scoring).
    private let fitted: ReferenceModels?
    /// Whether `fitted` are reference models shared with other attacks.
    private let shared: Bool
    private let progress: ((Int, Int) -> Void)?

    /// The fitted state (`Options.fit` computes it): nothing is trained here.
    init(target: Predictor, data: Dataset, options: Options, template: ModelArchitecture, fitted: ReferenceModels?, shared: Bool,
         progress: ((Int, Int) -> Void)?) {
        self.target = target
        self.data = data
        self.options = options
        self.template = template
        self.fitted = fitted
        self.shared = shared
        self.progress = progress
    }

    public func scores(_ ds: Dataset) throws -> [Double] {
        let refs = try references(for: ds)
        let population = try populationRecords()
        let signal = { (m: Predictor, d: Dataset) throws -> [Double] in
            Self.logSignal(logits: try m.releasedLogits(d.features), labels: d.labels, temperature: self.options.temperature, signal: self.options.signal)
        }
        // Offline, the references and the population are fixed after the first scoring, so the
        // tuned a is too: it is chosen once.
        let a = options.online ? 1 : try chosenA ?? offlineA(refs, population: population, signal: signal)
        chosenA = options.online ? nil : a
        queries += ds.size + population.size
        let x = try relativeSignals(ds, target: try signal(target, ds), refs: refs, a: a, signal: signal)
        let z = try relativeSignals(population, target: try signal(target, population), refs: refs, a: a, signal: signal)
        return Self.pairwiseScores(x: x, z: z.filter { $0.value.isFinite }, gamma: options.gamma)
    }

    /// Online: models on halves of (attacker data ∪ candidates), trained per scoring; offline (or
    /// shared): the models `fit` gave.
    func references(for ds: Dataset) throws -> ReferenceModels {
        if let fitted {
            if options.online { try fitted.requireInPool(ds, attack: "rmia") }
            return fitted
        }
        return try ReferenceModels(template: template, pool: try ReferenceModels.onlinePool(data, candidates: ds),
                                   count: options.references, seed: options.seed, workers: options.workers, progress: progress)
    }

    func populationRecords() throws -> Dataset {
        guard let p = options.population, p < data.size else { return data }
        var rng = RNG.stream(seed: options.seed, index: 310)
        return data.rows(try rng.sample(data.size, p).sorted())
    }

    /// log(Pr(r | θ) / Pr(r)) for each record r (with its id); −∞ marks a record without the
    /// reference observations Pr(r) needs (offline: no model trained without it).
    func relativeSignals(_ d: Dataset, target: [Double], refs: ReferenceModels, a: Double,
                         signal: (Predictor, Dataset) throws -> [Double]) throws -> [(id: Int, value: Double)] {
        let obs = try refs.observations(d) { try signal($0, d) }
        return d.ids.indices.map { i in
            let prior = options.online ? Self.logAverage(obs.in[i] + obs.out[i], options.averaging)
                                       : Self.logOfflinePrior(Self.logAverage(obs.out[i], options.averaging), a: a)
            return (d.ids[i], prior.isFinite ? target[i] - prior : -.infinity)
        }
    }
}

extension RMIA.Options: AttackConfiguration {
    /// Offline, trains the reference models on halves of the attacker's data (the offline `a` is
    /// tuned when first scoring, over the population); online, they train when scoring. With
    /// shared reference models (`inputs.references`) their first `references` are used and
    /// nothing is trained.
    public func fit(target: Predictor, inputs: AttackInputs) throws -> RMIA {
        if inputs.targetTrainingSize != nil { throw PrivLabError.invalidArgument("rmia: each reference model trains on half of its pool; the target's training size does not apply") }
        try inputs.only([.data, .shadowModel, .references], attack: "rmia")
        let data = try inputs.requireData("rmia")
        try validate()
        guard data.size >= 4 else { throw PrivLabError.invalidArgument("rmia: the attacker's data set is too small") }
        let template = try inputs.architecture(of: target, attack: "rmia")
        let fitted = try inputs.offlineModels(online: online, template: template, pool: data, count: references, seed: seed, workers: workers)
        return RMIA(target: target, data: data, options: self, template: template, fitted: fitted, shared: inputs.references != nil,
                    progress: inputs.progress)
    }
}
