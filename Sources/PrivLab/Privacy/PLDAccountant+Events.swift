import Foundation

/// Accounting events with privacy loss distributions: each supported event becomes a pair of
/// discrete PLDs (removing and adding a record), composition convolves them, and ε is read off the
/// worse. Events made only of subsampled Gaussian mechanisms go through the phase code, so both
/// APIs give the same ε bit for bit. Supported: the Gaussian mechanism (plain, Poisson-sampled,
/// shuffled accounted as Poisson), pure ε-DP releases, composition, shards at the top level and
/// non-private releases; the Laplace mechanism and RDP curves are refused by name.
extension PLDAccountant {
    /// ε of the event at δ. Disjoint shards at the top level cost the worst shard's ε (parallel
    /// composition, McSherry 2009, Thm 4).
    public func epsilon(_ event: PrivacyEvent, delta: Double) throws -> Double {
        if case .parallel(let parts) = event { return try parts.map { try epsilon($0, delta: delta) }.max() ?? 0 }
        if let phases = event.gaussianPhases { return try epsilon(phases, delta: delta) }
        guard delta.isFinite, delta > 0, delta < 1 else { throw PrivLabError.invalidArgument("delta must be in (0, 1), got \(formatCompact(delta))") }
        var worst = 0.0
        for total in try distributions(event) {
            worst = max(worst, try Self.epsilonFor(delta: delta) { total.delta(epsilon: $0) })
        }
        return worst
    }

    /// δ of the event at ε (for top-level shards, the worst shard's).
    public func delta(_ event: PrivacyEvent, epsilon: Double) throws -> Double {
        if case .parallel(let parts) = event { return try parts.map { try delta($0, epsilon: epsilon) }.max() ?? 0 }
        if let phases = event.gaussianPhases { return try delta(phases, epsilon: epsilon) }
        guard epsilon >= 0, !epsilon.isNaN else { throw PrivLabError.invalidArgument("epsilon must be a non-negative number, got \(formatCompact(epsilon))") }
        return try distributions(event).map { $0.delta(epsilon: epsilon) }.max() ?? 0
    }

    /// The event's PLDs for removing and for adding a record.
    func distributions(_ event: PrivacyEvent) throws -> [DiscretePLD] {
        try [true, false].map { try distribution(event, remove: $0) }
    }

    func distribution(_ event: PrivacyEvent, remove: Bool) throws -> DiscretePLD {
        let identity = DiscretePLD(h: discretization, offset: 0, pmf: [1], infinityMass: 0)
        switch event {
        case .gaussian(let s, _):
            try PrivacyPhase(sampleRate: 1, noise: s, steps: 1).validate()
            return try stepPLD(q: 1, sigma: s, remove: remove)
        case .poissonSampled(let q, let inner), .shuffledBatch(let q, let inner):
            guard case .gaussian(let s, _) = inner else {
                throw PrivLabError.unsupported(kind, event, "only the Gaussian mechanism is accounted under subsampling")
            }
            try PrivacyPhase(sampleRate: q, noise: s, steps: 1).validate()
            return try stepPLD(q: q, sigma: s, remove: remove)
        case .pure(let e, _):
            return try pureEpsilonPLD(e)
        case .selfComposed(let inner, let n):
            guard n >= 0 else { throw PrivLabError.invalidArgument("a composition count must be non-negative, got \(n)") }
            return try distribution(inner, remove: remove).selfComposed(n, truncation: truncation)
        case .composed(let parts):
            var total = identity
            for p in parts { total = try total.composed(with: try distribution(p, remove: remove), truncation: truncation) }
            return total
        case .nonPrivate:
            return DiscretePLD(h: discretization, offset: 0, pmf: [0], infinityMass: 1)
        case .laplace:
            throw PrivLabError.unsupported(kind, event, "its privacy loss distribution is not implemented here; use accountant = \"rdp\"")
        case .parallel:
            throw PrivLabError.unsupported(kind, event, "shards inside a composition have no single loss distribution; compose each shard's events first")
        case .rdpCurve:
            throw PrivLabError.unsupported(kind, event, "an RDP curve does not determine a privacy loss distribution; use accountant = \"rdp\"")
        }
    }

    /// The worst-case PLD of a pure ε-DP release (that of randomized response: loss +ε with
    /// probability e^ε/(1+e^ε), −ε otherwise; Kairouz, Oh & Viswanath 2015), the losses rounded up
    /// to the grid (pessimistic).
    func pureEpsilonPLD(_ e: Double) throws -> DiscretePLD {
        guard e >= 0, e.isFinite else { throw PrivLabError.invalidArgument("a pure ε must be a non-negative number, got \(formatCompact(e))") }
        let hi = Int((e / discretization).rounded(.up)), lo = Int((-e / discretization).rounded(.up))
        guard hi - lo < Self.maximumGridPoints else {
            throw PrivLabError.invalidArgument("the PLD accountant cannot represent pure ε = \(formatCompact(e)) with discretization \(formatCompact(discretization))")
        }
        var pmf = [Double](repeating: 0, count: hi - lo + 1)
        let pHigh = 1 / (1 + exp(-e))
        pmf[hi - lo] += pHigh
        pmf[0] += 1 - pHigh
        return DiscretePLD(h: discretization, offset: lo, pmf: pmf, infinityMass: 0)
    }
}
