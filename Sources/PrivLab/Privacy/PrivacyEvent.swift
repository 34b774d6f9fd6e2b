import Foundation

/// What a mechanism did with the private data, as a tree of accounted events — the design of
/// Google dp-accounting's `DpEvent` (`GaussianDpEvent`, `PoissonSampledDpEvent`,
/// `SelfComposedDpEvent`, `ComposedDpEvent`, …): a mechanism records *what* it did, and any
/// accountant that supports the events composes them (or says which one it cannot account).
/// Each event describes itself in plain words, for reports.
public indirect enum PrivacyEvent: Codable, Equatable, Sendable {
    /// The Gaussian mechanism: noise of standard deviation `noise`·`sensitivity` added to a query of
    /// L2 sensitivity `sensitivity` (for DP-SGD, the clipping norm). Only the multiplier `noise`
    /// matters for accounting.
    case gaussian(noise: Double, sensitivity: Double)
    /// The Laplace mechanism (Dwork, McSherry, Nissim & Smith 2006): noise of scale `scale` on a
    /// query of L1 sensitivity `sensitivity`; pure (sensitivity/scale)-DP.
    case laplace(scale: Double, sensitivity: Double)
    /// A pure ε-DP release whose privacy loss is bounded by `epsilon` and nothing finer is known
    /// (output perturbation, the exponential mechanism).
    case pure(epsilon: Double, mechanism: PureMechanism)
    /// `event` run on a Poisson sample of the data: each record joins independently with
    /// probability `rate` (Abadi et al. 2016; Mironov, Talwar & Zhang 2019).
    case poissonSampled(rate: Double, event: PrivacyEvent)
    /// `event` run on a fixed-size batch from a shuffle, *accounted as if* Poisson-sampled at
    /// `rate` = batch/n — a common approximation that does not carry the same guarantee.
    case shuffledBatch(rate: Double, event: PrivacyEvent)
    /// `event` repeated `count` times on the same data (adaptive composition).
    case selfComposed(event: PrivacyEvent, count: Int)
    /// The events in turn on the same data (adaptive composition).
    case composed([PrivacyEvent])
    /// Each event on its own disjoint part of the data (shards): a record is seen by one of them
    /// only, so the whole costs the worst part's (McSherry 2009, Thm 4).
    case parallel([PrivacyEvent])
    /// A Rényi-DP curve given directly, at its orders (PATE's data-dependent bound, Papernot et al.
    /// 2018): only an RDP accountant at the same orders can account it.
    case rdpCurve(RDPCurve)
    /// A release with no privacy guarantee (ε = ∞).
    case nonPrivate(String)

    /// The event in plain words, one line.
    public var description: String {
        switch self {
        case .gaussian(let s, let c):
            return "Gaussian mechanism (noise multiplier σ = \(formatCompact(s)), sensitivity \(formatCompact(c)))"
        case .laplace(let b, let c):
            return "Laplace mechanism (scale \(formatCompact(b)), sensitivity \(formatCompact(c)))"
        case .pure(let e, let m): return "\(m.description): pure ε = \(formatCompact(e))"
        case .poissonSampled(let q, let e): return "\(e.description) on a Poisson sample (rate q = \(formatCompact(q)))"
        case .shuffledBatch(let q, let e):
            return "\(e.description) on shuffled fixed-size batches (q = \(formatCompact(q)), accounted as Poisson sampling)"
        case .selfComposed(let e, let n): return "\(n) × \(e.description)"
        case .composed(let es): return "in turn: " + es.map(\.description).joined(separator: "; then ")
        case .parallel(let es): return "on disjoint shards: " + es.map(\.description).joined(separator: " | ")
        case .rdpCurve(let c): return "\(c.label) (an RDP curve at \(c.orders.count) orders)"
        case .nonPrivate(let why): return "not private: \(why)"
        }
    }

    /// The events one after another, in plain words: a top-level composition is listed item by
    /// item (what a report shows as its "events" list).
    public var plainWords: [String] {
        switch self {
        case .composed(let es): return es.flatMap(\.plainWords)
        default: return [description]
        }
    }

    /// The parts of a top-level composition (the event itself otherwise), so compositions stay flat.
    public var plainParts: [PrivacyEvent] {
        if case .composed(let es) = self { return es }
        return [self]
    }

    /// The phases of Poisson-subsampled (or shuffled, accounted as Poisson) Gaussian mechanisms this
    /// event consists of — what DP-SGD spends — or nil when it contains anything else. Accountants
    /// account such events through their phase code, so the old phase API and events agree bit for bit.
    public var gaussianPhases: [PrivacyPhase]? {
        switch self {
        case .gaussian(let s, _): return [PrivacyPhase(sampleRate: 1, noise: s, steps: 1)]
        case .poissonSampled(let q, .gaussian(let s, _)), .shuffledBatch(let q, .gaussian(let s, _)):
            return [PrivacyPhase(sampleRate: q, noise: s, steps: 1)]
        case .selfComposed(let e, let n):
            guard let inner = e.gaussianPhases, inner.count == 1 else { return nil }
            return [PrivacyPhase(sampleRate: inner[0].sampleRate, noise: inner[0].noise, steps: n * inner[0].steps)]
        case .composed(let es):
            var all = [PrivacyPhase]()
            for e in es {
                guard let p = e.gaussianPhases else { return nil }
                all += p
            }
            return all
        default: return nil
        }
    }

    /// DP-SGD's phases as events: each phase `steps` × the Gaussian mechanism (sensitivity `clip`)
    /// on a Poisson sample (or shuffled batches) at its rate.
    public static func dpSGD(_ phases: [PrivacyPhase], clip: Double, sampling: DPSampling = .poisson) -> PrivacyEvent {
        let steps: [PrivacyEvent] = phases.map { p in
            let g = PrivacyEvent.gaussian(noise: p.noise, sensitivity: clip)
            let sampled: PrivacyEvent = sampling == .poisson ? .poissonSampled(rate: p.sampleRate, event: g) : .shuffledBatch(rate: p.sampleRate, event: g)
            return .selfComposed(event: sampled, count: p.steps)
        }
        return steps.count == 1 ? steps[0] : .composed(steps)
    }

    /// The last DP-SGD phase in the event (sampling rate, noise multiplier, clipping norm, steps and
    /// sampling), for reports that show one set of DP-SGD settings; nil when there is none.
    public var lastDPSGDPhase: (sampleRate: Double, noise: Double, clip: Double, steps: Int, sampling: DPSampling)? {
        switch self {
        case .selfComposed(.poissonSampled(let q, .gaussian(let s, let c)), let n): return (q, s, c, n, .poisson)
        case .selfComposed(.shuffledBatch(let q, .gaussian(let s, let c)), let n): return (q, s, c, n, .shuffle)
        case .composed(let es): return es.reversed().lazy.compactMap(\.lastDPSGDPhase).first
        case .parallel(let es): return es.lazy.compactMap(\.lastDPSGDPhase).first
        default: return nil
        }
    }

    /// The pure ε of an event made only of pure-ε parts (basic composition adds them, Dwork & Roth
    /// 2014, Thm 3.14; parallel parts take the largest), or nil when some part is not pure.
    public var pureEpsilon: Double? {
        switch self {
        case .pure(let e, _): return e
        case .laplace(let b, let c): return c / b
        case .selfComposed(let e, let n): return e.pureEpsilon.map { Double(n) * $0 }
        case .composed(let es):
            var total = 0.0
            for e in es { guard let p = e.pureEpsilon else { return nil }; total += p }
            return total
        case .parallel(let es):
            var worst = 0.0
            for e in es { guard let p = e.pureEpsilon else { return nil }; worst = max(worst, p) }
            return worst
        default: return nil
        }
    }

    /// The kind of event, as an accountant's "unsupported" error names it.
    public var kindName: String {
        switch self {
        case .gaussian: return "Gaussian mechanism"
        case .laplace: return "Laplace mechanism"
        case .pure(_, let m): return "pure ε release (\(m.description))"
        case .poissonSampled(_, let e): return "Poisson-sampled \(e.kindName)"
        case .shuffledBatch(_, let e): return "shuffle-sampled \(e.kindName)"
        case .selfComposed(let e, _): return e.kindName
        case .composed: return "composition"
        case .parallel: return "parallel composition"
        case .rdpCurve(let c): return "Rényi-DP curve (\(c.label))"
        case .nonPrivate: return "non-private release"
        }
    }
}

/// The pure ε-DP mechanisms an event can name.
public enum PureMechanism: Codable, Equatable, Sendable {
    /// Noise on the minimiser of a strongly convex objective (Chaudhuri, Monteleoni & Sarwate 2011,
    /// Alg. 1): a noise vector whose norm is Gamma(`dimension`, `scale`), the features clipped to `clip`.
    case outputPerturbation(scale: Double, clip: Double, dimension: Int)
    /// The exponential mechanism (McSherry & Talwar 2007) with a utility of sensitivity `sensitivity`.
    case exponential(sensitivity: Double)
    /// k-ary randomised response on one categorical value (Warner 1965; Kairouz et al. 2016): the
    /// true value with probability e^ε/(e^ε + k − 1), each other one otherwise.
    case randomizedResponse(categories: Int)

    public var description: String {
        switch self {
        case .outputPerturbation(let s, let c, let d):
            return "output perturbation (noise norm ~ Gamma(\(d), \(formatCompact(s))), features clipped to \(formatCompact(c)))"
        case .exponential(let s): return "exponential mechanism (utility sensitivity \(formatCompact(s)))"
        case .randomizedResponse(let k): return "\(k)-ary randomised response"
        }
    }
}

/// A Rényi-DP curve: RDP(α) at each order α, with what it accounts.
public struct RDPCurve: Codable, Equatable, Sendable {
    public var orders: [Double]
    public var values: [Double]
    /// What the curve bounds, in words ("PATE's data-dependent bound over 40 queries").
    public var label: String
    public init(orders: [Double], values: [Double], label: String) {
        self.orders = orders
        self.values = values
        self.label = label
    }
}

extension PrivLabError {
    /// An accountant that cannot account an event says so, naming the accountant and the event.
    static func unsupported(_ accountant: AccountantKind, _ event: PrivacyEvent, _ reason: String) -> PrivLabError {
        .invalidArgument("the \(accountant.rawValue) accountant cannot account a \(event.kindName): \(reason)")
    }
}
