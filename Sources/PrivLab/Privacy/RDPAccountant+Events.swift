import Foundation

/// Accounting events with Rényi DP: every event becomes an RDP curve at the accountant's orders,
/// curves of composed events add (Mironov 2017, Prop. 1), and the sum is converted to (ε, δ) as
/// for phases. Events made only of subsampled Gaussian mechanisms go through the phase code
/// (`curve(_: [PrivacyPhase])`), so both APIs give the same ε bit for bit.
extension RDPAccountant {
    /// ε of the event at δ. Disjoint shards at the top level cost the worst shard's ε (parallel
    /// composition, McSherry 2009, Thm 4).
    public func epsilon(_ event: PrivacyEvent, delta: Double) throws -> Double {
        try epsilonAndOrder(event, delta: delta).epsilon
    }

    /// (ε, best order) of the event at δ (for top-level shards, the worst shard's).
    public func epsilonAndOrder(_ event: PrivacyEvent, delta: Double) throws -> (epsilon: Double, order: Double) {
        if case .parallel(let parts) = event {
            return try parts.map { try epsilonAndOrder($0, delta: delta) }.max { $0.epsilon < $1.epsilon } ?? (0, orders[0])
        }
        if let phases = event.gaussianPhases { return try epsilonAndOrder(phases, delta: delta) }
        guard delta.isFinite, delta > 0, delta < 1 else { throw PrivLabError.invalidArgument("delta must be in (0, 1), got \(formatCompact(delta))") }
        return try epsilonAndOrder(curve: try curve(event), delta: delta)
    }

    /// δ of the event at ε (for top-level shards, the worst shard's).
    public func delta(_ event: PrivacyEvent, epsilon: Double) throws -> Double {
        if case .parallel(let parts) = event { return try parts.map { try delta($0, epsilon: epsilon) }.max() ?? 0 }
        if let phases = event.gaussianPhases { return try delta(phases, epsilon: epsilon) }
        return try delta(curve: try curve(event), epsilon: epsilon)
    }

    /// The event's RDP curve at this accountant's orders.
    public func curve(_ event: PrivacyEvent) throws -> [Double] {
        switch event {
        case .gaussian(let s, _):
            try Self.checkNoise(s)
            return orders.map { Self.rdp(sampleRate: 1, noise: s, order: $0) }
        case .poissonSampled(let q, let inner), .shuffledBatch(let q, let inner):
            guard case .gaussian(let s, _) = inner else {
                throw PrivLabError.unsupported(kind, event, "only the Gaussian mechanism is accounted under subsampling")
            }
            try PrivacyPhase(sampleRate: q, noise: s, steps: 1).validate()
            return orders.map { Self.rdp(sampleRate: q, noise: s, order: $0) }
        case .laplace(let b, let c):
            guard b > 0, c > 0, b.isFinite, c.isFinite else { throw PrivLabError.invalidArgument("Laplace scale and sensitivity must be positive") }
            return orders.map { Self.laplaceRDP(epsilon: c / b, order: $0) }
        case .pure(let e, _):
            guard e >= 0, !e.isNaN else { throw PrivLabError.invalidArgument("a pure ε must be non-negative") }
            // ε-DP is (α, ε)-RDP at every order (Mironov 2017, Prop. 3's premise) and ½ε²-zCDP,
            // i.e. (α, ½ε²α)-RDP (Bun & Steinke 2016, Prop. 3.3).
            return orders.map { min(e, 0.5 * e * e * $0) }
        case .selfComposed(let inner, let n):
            guard n >= 0 else { throw PrivLabError.invalidArgument("a composition count must be non-negative, got \(n)") }
            return try curve(inner).map { Double(n) * $0 }
        case .composed(let parts):
            return try parts.reduce(into: [Double](repeating: 0, count: orders.count)) { sum, e in
                for (i, r) in try curve(e).enumerated() { sum[i] += r }
            }
        case .parallel(let parts):
            // A record is in one part only: at each order the worst part's divergence.
            return try parts.reduce(into: [Double](repeating: 0, count: orders.count)) { worst, e in
                for (i, r) in try curve(e).enumerated() { worst[i] = max(worst[i], r) }
            }
        case .rdpCurve(let c):
            guard c.orders == orders, c.values.count == orders.count else {
                throw PrivLabError.unsupported(kind, event, "the curve is given at \(c.orders.count) other orders; use an RDP accountant at the curve's orders")
            }
            return c.values
        case .nonPrivate:
            return orders.map { _ in .infinity }
        }
    }

    /// RDP at order α of the Laplace mechanism with pure ε = sensitivity/scale (Mironov 2017,
    /// Prop. 6): (1/(α−1))·log(α/(2α−1)·e^{(α−1)ε} + (α−1)/(2α−1)·e^{−αε}), in log space.
    public static func laplaceRDP(epsilon e: Double, order a: Double) -> Double {
        let first = log(a / (2 * a - 1)) + (a - 1) * e
        let second = log((a - 1) / (2 * a - 1)) - a * e
        return LogSpace.add(first, second) / (a - 1)
    }

    static func checkNoise(_ s: Double) throws {
        guard s.isFinite, s > 0 else { throw PrivLabError.invalidArgument("noise must be a positive number, got \(formatCompact(s))") }
    }
}
