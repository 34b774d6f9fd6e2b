import Foundation

/// How PATE's aggregator turns the teachers' vote histogram into a label.
///
/// - `laplace`: LNMax (Papernot et al., "Semi-supervised Knowledge Transfer for Deep Learning from
///   Private Training Data", ICLR 2017, §2.1): the arg max of the votes plus Laplace noise of scale λ.
/// - `gaussian`: GNMax (Papernot et al., "Scalable Private Learning with PATE", ICLR 2018, §4.1): the
///   arg max of the votes plus N(0, σ²) noise.
/// - `confident`: Confident GNMax (2018, Algorithm 1): a query is answered only when the top vote
///   plus N(0, σ₁²) noise reaches the threshold T; an answered query is then labelled by GNMax(σ₂).
///   Queries the teachers disagree on are not answered at all, which both saves privacy and keeps
///   wrong labels away from the student.
public enum PATEAggregator: Sendable, Equatable, Codable, CustomStringConvertible {
    case laplace(scale: Double)
    case gaussian(sigma: Double)
    case confident(threshold: Double, thresholdSigma: Double, sigma: Double)

    public var description: String {
        switch self {
        case .laplace(let l): return "LNMax (λ = \(formatCompact(l)))"
        case .gaussian(let s): return "GNMax (σ = \(formatCompact(s)))"
        case .confident(let t, let s1, let s2):
            return "Confident GNMax (T = \(formatCompact(t)), σ₁ = \(formatCompact(s1)), σ₂ = \(formatCompact(s2)))"
        }
    }

    func validate() throws {
        func positive(_ v: Double, _ name: String) throws {
            guard v.isFinite, v > 0 else { throw PrivLabError.invalidArgument("pate: \(name) must be positive and finite, got \(formatCompact(v))") }
        }
        switch self {
        case .laplace(let l): try positive(l, "the Laplace scale λ")
        case .gaussian(let s): try positive(s, "sigma")
        case .confident(let t, let s1, let s2):
            guard t.isFinite else { throw PrivLabError.invalidArgument("pate: the threshold must be finite") }
            try positive(s1, "the threshold's sigma (sigma1)")
            try positive(s2, "sigma")
        }
    }
}

/// One aggregated query as the privacy analysis needs it: the teachers' vote histogram and whether
/// a label was released (always, except when Confident GNMax's threshold was not reached).
public struct PATEQuery: Sendable, Equatable, Codable {
    public var votes: [Double]
    public var answered: Bool
    public init(votes: [Double], answered: Bool) { self.votes = votes; self.answered = answered }
}

/// The privacy PATE's aggregator spent on a run of queries, in (ε, δ).
public struct PATEPrivacy: Sendable, Equatable {
    /// The worst case over any votes (2018, Proposition 8; for LNMax, pure ε-DP composed through
    /// RDP): what a release may state.
    public var dataIndependentEpsilon: Double
    /// The data-dependent bound (2018, Theorem 6 with Propositions 7 and 10): much smaller when the
    /// teachers agree. It depends on the private votes, so publishing it needs the smooth-sensitivity
    /// step of the 2018 paper (§4.3), which PrivLab does not implement: treat it as the curator's
    /// knowledge, not as a released guarantee.
    public var dataDependentEpsilon: Double
    /// The Rényi orders at which each bound was attained.
    public var dataIndependentOrder: Double
    public var dataDependentOrder: Double
    public var delta: Double
    public var queries: Int
    public var answered: Int
}

/// The RDP analysis of PATE's aggregators (Papernot et al. 2018, §4 and Appendix), with the same
/// bounds, orders and (classic) RDP-to-(ε, δ) conversion as the paper's published code
/// (tensorflow/privacy `research/pate_2018/core.py`), against whose values the tests check it.
///
/// Composition over the queries of one run: every query pays the threshold step of Confident
/// GNMax (its outcome, answered or not, is released), answered queries also pay the noisy arg max.
/// (The paper's tables report the *expected* cost, weighting the second step by its probability;
/// we account for the realised run, which is what a curator releasing these labels has spent.)
public enum PATEAnalysis {
    /// The orders of the paper's code: 2 to 100.5 in steps of ½, then 100 log-spaced from 100 to 500.
    public static let orders: [Double] = stride(from: 2.0, to: 101.0, by: 0.5).map { $0 }
        + (0..<100).map { pow(10, log10(100.0) + (log10(500.0) - log10(100.0)) * Double($0) / 99) }

    /// Both bounds for `queries` answered by `aggregator`, at `delta`.
    public static func privacy(_ queries: [PATEQuery], aggregator: PATEAggregator, delta: Double,
                               orders: [Double] = PATEAnalysis.orders) throws -> PATEPrivacy {
        let c = try curves(queries, aggregator: aggregator, delta: delta, orders: orders)
        if queries.isEmpty {   // nothing was released: nothing was spent
            return PATEPrivacy(dataIndependentEpsilon: 0, dataDependentEpsilon: 0, dataIndependentOrder: orders[0],
                               dataDependentOrder: orders[0], delta: delta, queries: 0, answered: 0)
        }
        let ind = try epsilon(rdp: c.independent, orders: orders, delta: delta)
        let dep = try epsilon(rdp: c.dependent, orders: orders, delta: delta)
        return PATEPrivacy(dataIndependentEpsilon: ind.epsilon, dataDependentEpsilon: dep.epsilon,
                           dataIndependentOrder: ind.order, dataDependentOrder: dep.order,
                           delta: delta, queries: queries.count, answered: c.answered)
    }

    /// The run as a privacy statement: the data-independent RDP curve is the accounted event (what
    /// a release may state), its ε from the RDP accountant at the paper's orders with the classic
    /// conversion; the data-dependent ε rides along (`dataDependentEpsilon`).
    public static func statement(_ queries: [PATEQuery], aggregator: PATEAggregator, delta: Double,
                                 orders: [Double] = PATEAnalysis.orders) throws -> PrivacyStatement {
        let c = try curves(queries, aggregator: aggregator, delta: delta, orders: orders)
        let label = "PATE's data-independent bound (Papernot et al. 2018, Prop. 8): \(queries.count) queries (\(c.answered) answered) by \(aggregator)"
        let event = PrivacyEvent.rdpCurve(RDPCurve(orders: orders, values: c.independent, label: label))
        let acc = try accountant(orders)
        if queries.isEmpty { return PrivacyStatement(epsilon: 0, delta: delta, accountant: .rdp, event: .composed([]), dataDependentEpsilon: 0) }
        var s = try PrivacyStatement(accounting: event, delta: delta, accountant: acc,
                                     notes: ["the data-dependent ε depends on the private votes: the curator's knowledge, not a released guarantee"])
        s.dataDependentEpsilon = try acc.epsilonAndOrder(curve: c.dependent, delta: delta).epsilon
        return s
    }

    /// Both RDP curves of the run (data-independent and data-dependent) and how many queries were answered.
    static func curves(_ queries: [PATEQuery], aggregator: PATEAggregator, delta: Double,
                       orders: [Double]) throws -> (independent: [Double], dependent: [Double], answered: Int) {
        try aggregator.validate()
        guard delta.isFinite, delta > 0, delta < 1 else { throw PrivLabError.invalidArgument("pate: delta must be in (0, 1), got \(formatCompact(delta))") }
        guard let k = queries.first?.votes.count else {
            return ([Double](repeating: 0, count: orders.count), [Double](repeating: 0, count: orders.count), 0)
        }
        for q in queries {
            guard q.votes.count == k, k >= 2 else { throw PrivLabError.shape("pate: every vote histogram needs the same number (≥ 2) of classes") }
            guard q.votes.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw PrivLabError.invalidArgument("pate: votes must be finite and non-negative") }
            if case .confident = aggregator {} else if !q.answered {
                throw PrivLabError.invalidArgument("pate: only Confident GNMax leaves queries unanswered")
            }
        }
        let answered = queries.filter(\.answered).count
        let independent = dataIndependentCurve(queries: queries.count, answered: answered, aggregator: aggregator, orders: orders)
        var dependent = [Double](repeating: 0, count: orders.count)
        for q in queries {
            let c = queryCurve(q, aggregator: aggregator, orders: orders)
            for i in orders.indices { dependent[i] += c[i] }
        }
        return (independent, dependent, answered)
    }

    /// The data-independent RDP curve of `queries` queries of which `answered` were answered.
    public static func dataIndependentCurve(queries: Int, answered: Int, aggregator: PATEAggregator, orders: [Double]) -> [Double] {
        orders.map { a in
            switch aggregator {
            case .laplace(let l): return Double(queries) * rdpPureEpsilon(logq: 0, epsilon: 2 / l, order: a)
            case .gaussian(let s): return Double(queries) * a / (s * s)
            case .confident(_, let s1, let s2):
                // The threshold step sees the top vote only (ℓ2 sensitivity 1, not √2): σ₁√2 in Prop. 8.
                return Double(queries) * a / (2 * s1 * s1) + Double(answered) * a / (s2 * s2)
            }
        }
    }

    /// The data-dependent RDP curve of one query.
    public static func queryCurve(_ q: PATEQuery, aggregator: PATEAggregator, orders: [Double]) -> [Double] {
        switch aggregator {
        case .laplace(let l):
            let logq = logqLaplace(q.votes, scale: l)
            return orders.map { rdpPureEpsilon(logq: logq, epsilon: 2 / l, order: $0) }
        case .gaussian(let s):
            let logq = logqGaussian(q.votes, sigma: s)
            return orders.map { rdpGaussian(logq: logq, sigma: s, order: $0) }
        case .confident(let t, let s1, let s2):
            let logPr = logPrAnswered(threshold: t, sigma: s1, votes: q.votes)
            let logq2 = q.answered ? logqGaussian(q.votes, sigma: s2) : -Double.infinity
            return orders.map { a in
                rdpThreshold(logPrAnswered: logPr, sigma: s1, order: a)
                    + (q.answered ? rdpGaussian(logq: logq2, sigma: s2, order: a) : 0)
            }
        }
    }

    /// The classic conversion ε = RDP(α) + log(1/δ)/(α − 1), minimised over the orders (Mironov
    /// 2017, Prop. 3), as the paper's code does: the RDP accountant's, at these orders.
    public static func epsilon(rdp: [Double], orders: [Double], delta: Double) throws -> (epsilon: Double, order: Double) {
        try accountant(orders).epsilonAndOrder(curve: rdp, delta: delta)
    }

    /// The RDP accountant PATE's bounds are converted with: the given orders, the classic conversion.
    public static func accountant(_ orders: [Double] = PATEAnalysis.orders) throws -> RDPAccountant {
        try RDPAccountant(orders: orders, conversion: .classic)
    }

    // MARK: - The per-query bounds

    /// log of Φ̄(x / scale), the normal upper tail, accurate far into the tail.
    static func logNormalTail(_ x: Double, scale: Double) -> Double {
        let z = x / (scale * 2.squareRoot())
        // Below the mean the tail is 1 − ½erfc(−z): log1p keeps the digits that log(erfc) loses.
        return z < 0 ? log1p(-0.5 * erfc(-z)) : LogSpace.logErfc(z) - log(2.0)
    }

    /// log(1 − eˣ) for x ≤ 0.
    static func log1mexp(_ x: Double) -> Double {
        if x < -1 { return log1p(-exp(x)) }
        if x < 0 { return log(-expm1(x)) }
        return -Double.infinity
    }

    /// An upper bound on log Pr[GNMax does not return the plurality] (2018, Proposition 7): a union
    /// bound over the other classes of Pr[N(0, 2σ²) ≥ gap], capped at log(1 − 1/k).
    public static func logqGaussian(_ votes: [Double], sigma: Double) -> Double {
        let top = votes.firstMaxIndex!
        var terms = [Double]()
        for j in votes.indices where j != top {
            terms.append(logNormalTail(votes[top] - votes[j], scale: (2 * sigma * sigma).squareRoot()))
        }
        return min(logSum(terms), log(1 - 1 / Double(votes.count)))
    }

    /// The same bound for LNMax (2017, Lemma 4): Pr[class j beats the plurality] ≤
    /// (2 + gap/λ) / (4 e^{gap/λ}), summed over the other classes and capped at 1 − 1/k.
    public static func logqLaplace(_ votes: [Double], scale lambda: Double) -> Double {
        let top = votes.firstMaxIndex!
        var terms = [Double]()
        for j in votes.indices where j != top {
            let c = (votes[j] - votes[top]) / lambda
            terms.append(log(2 - c) + log(0.25) + c)
        }
        return min(logSum(terms), log(1 - 1 / Double(votes.count)))
    }

    /// RDP of GNMax at order α given q (2018, Theorem 6, with the higher orders μ₁, μ₂ of
    /// Proposition 10); the data-independent α/σ² wherever the data-dependent bound does not apply
    /// or is larger.
    public static func rdpGaussian(logq: Double, sigma: Double, order a: Double) -> Double {
        if logq == -Double.infinity { return 0 }   // the outcome is fixed: 0-RDP
        let variance = sigma * sigma
        let independent = a / variance
        let muHi2 = (variance * -logq).squareRoot()
        let muHi1 = muHi2 + 1
        guard muHi1 > a, muHi2 > 1 else { return independent }
        let rdpHi1 = muHi1 / variance, rdpHi2 = muHi2 / variance
        let logA2 = (muHi2 - 1) * rdpHi2
        // Theorem 6 needs q in the range where its bound increases with q, and A positive.
        guard logq <= logA2 - muHi2 * (log(1 + 1 / (muHi1 - 1)) + log(1 + 1 / (muHi2 - 1))),
              -logq > rdpHi2 else { return independent }
        let log1q = log1mexp(logq)
        let logA = (a - 1) * (log1q - log1mexp((logq + rdpHi2) * (1 - 1 / muHi2)))
        let logB = (a - 1) * (rdpHi1 - logq / (muHi1 - 1))
        let logS = LogSpace.add(log1q + logA, logq + logB)
        return min(independent, logS / (a - 1))
    }

    /// RDP at order α of an ε-DP mechanism whose likely outcome has probability 1 − q (2017,
    /// Theorem 3, via RDP): the least of ½ε²α (Bun & Steinke 2016), the data-dependent moment
    /// bound, and ε itself.
    public static func rdpPureEpsilon(logq: Double, epsilon e: Double, order a: Double) -> Double {
        let q = exp(logq)
        var logT = Double.infinity
        if q <= 1 / (exp(e) + 1) {
            let t1 = log1p(-q) + (log1p(-q) - log1mexp(e + logq)) * (a - 1)
            let t2 = logq + e * (a - 1)
            logT = LogSpace.add(t1, t2)
        }
        return min(0.5 * e * e * a, logT / (a - 1), e)
    }

    /// log Pr[the top vote plus N(0, σ₁²) reaches the threshold] — the top vote rounded to the
    /// nearest integer (ties to even), as the paper's code does.
    public static func logPrAnswered(threshold t: Double, sigma: Double, votes: [Double]) -> Double {
        let top = (votes.max() ?? 0).rounded(.toNearestOrEven)
        return logNormalTail(t - top, scale: sigma)
    }

    /// RDP of the threshold step: Theorem 6 applied to whichever outcome (answered or not) is the
    /// more likely, with σ₁√2 for its sensitivity of 1.
    public static func rdpThreshold(logPrAnswered logPr: Double, sigma: Double, order a: Double) -> Double {
        let logq = min(logPr, log1mexp(logPr))
        return rdpGaussian(logq: logq, sigma: 2.squareRoot() * sigma, order: a)
    }

    static func logSum(_ terms: [Double]) -> Double {
        guard let m = terms.max(), m > -Double.infinity else { return -Double.infinity }
        return m + log(terms.reduce(0) { $0 + exp($1 - m) })
    }
}
