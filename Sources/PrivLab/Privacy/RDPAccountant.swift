import Foundation

/// One phase of training: `steps` steps of the Poisson-subsampled Gaussian mechanism with sampling
/// rate `sampleRate` and noise multiplier `noise` (std of the noise / clipping norm).
public struct PrivacyPhase: Sendable, Equatable, Codable {
    public var sampleRate: Double
    public var noise: Double
    public var steps: Int
    public init(sampleRate: Double, noise: Double, steps: Int) {
        self.sampleRate = sampleRate
        self.noise = noise
        self.steps = steps
    }

    func validate() throws {
        guard sampleRate.isFinite, sampleRate > 0, sampleRate <= 1 else {
            throw PrivLabError.invalidArgument("sample_rate must be in (0, 1], got \(formatCompact(sampleRate))")
        }
        guard noise.isFinite, noise > 0 else { throw PrivLabError.invalidArgument("noise must be a positive number, got \(formatCompact(noise))") }
        guard steps >= 0 else { throw PrivLabError.invalidArgument("steps must be non-negative, got \(steps)") }
    }
}

/// How an RDP curve becomes an (ε, δ) guarantee.
public enum RDPConversion: String, Sendable, CaseIterable, Codable {
    /// ε = RDP(α) + log((α−1)/α) − (log δ + log α)/(α − 1) (Balle et al., AISTATS 2020, Thm 21) —
    /// what Opacus and dp-accounting report.
    case improved
    /// ε = RDP(α) + log(1/δ)/(α − 1) (Mironov, CSF 2017, Prop. 3).
    case classic
}

/// Rényi-DP accountant for the Poisson-subsampled Gaussian mechanism (DP-SGD), following Mironov,
/// Talwar & Zhang, "Rényi Differential Privacy of the Sampled Gaussian Mechanism" (2019): the
/// exact binomial expansion A_α for integer orders (§3.3) and the two-sided series with erfc terms
/// for fractional orders (§3.4). RDP composes additively over steps and phases; the best order
/// gives the (ε, δ) guarantee.
public struct RDPAccountant: PrivacyAccountant {
    /// Opacus's default orders: 1.1, 1.2, …, 10.9 and 12, 13, …, 63.
    public static let defaultOrders: [Double] = (1..<100).map { 1 + Double($0) / 10 } + (12..<64).map(Double.init)

    public var kind: AccountantKind { .rdp }
    public var orders: [Double]
    /// How the RDP curve becomes (ε, δ).
    public var conversion: RDPConversion
    public init(orders: [Double] = RDPAccountant.defaultOrders, conversion: RDPConversion = .improved) throws {
        guard !orders.isEmpty, orders.allSatisfy({ $0 > 1 && $0.isFinite }) else {
            throw PrivLabError.invalidArgument("RDP orders must be finite numbers greater than 1")
        }
        self.orders = orders
        self.conversion = conversion
    }

    /// log A_α for integer α: log Σᵢ C(α,i) qⁱ (1−q)^{α−i} exp((i² − i)/(2σ²)).
    static func logAInteger(q: Double, sigma: Double, alpha: Int) -> Double {
        var logA = -Double.infinity
        let lq = log(q), l1q = log1p(-q)
        for i in 0...alpha {
            let logBinom = lgamma(Double(alpha) + 1) - lgamma(Double(i) + 1) - lgamma(Double(alpha - i) + 1)
            let term = logBinom + Double(i) * lq + Double(alpha - i) * l1q + Double(i * i - i) / (2 * sigma * sigma)
            logA = LogSpace.add(logA, term)
        }
        return logA
    }

    /// log A_α for fractional α: the two series of Mironov et al. (2019, §3.4), summed until
    /// their terms fall below e⁻³⁰.
    static func logAFractional(q: Double, sigma: Double, alpha: Double) -> Double {
        var a0 = -Double.infinity, a1 = -Double.infinity
        let z0 = sigma * sigma * log(1 / q - 1) + 0.5
        let lq = log(q), l1q = log1p(-q)
        // The generalised binomial coefficient C(α, i), by its recurrence, as (log |C|, sign).
        var logCoef = 0.0, sign = 1.0
        var i = 0
        while i < 100_000 {
            let fi = Double(i), j = alpha - fi
            let logT0 = logCoef + fi * lq + j * l1q
            let logT1 = logCoef + j * lq + fi * l1q
            let logE0 = log(0.5) + LogSpace.logErfc((fi - z0) / (2.squareRoot() * sigma))
            let logE1 = log(0.5) + LogSpace.logErfc((z0 - j) / (2.squareRoot() * sigma))
            let logS0 = logT0 + (fi * fi - fi) / (2 * sigma * sigma) + logE0
            let logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1
            if sign > 0 {
                a0 = LogSpace.add(a0, logS0)
                a1 = LogSpace.add(a1, logS1)
            } else {
                a0 = a0 > logS0 ? LogSpace.sub(a0, logS0) : -Double.infinity
                a1 = a1 > logS1 ? LogSpace.sub(a1, logS1) : -Double.infinity
            }
            if max(logS0, logS1) < -30 { break }
            // C(α, i+1) = C(α, i)·(α − i)/(i + 1).
            let factor = (alpha - fi) / (fi + 1)
            if factor == 0 { break }
            logCoef += log(abs(factor))
            if factor < 0 { sign = -sign }
            i += 1
        }
        return LogSpace.add(a0, a1)
    }

    /// RDP of one step at order α.
    public static func rdp(sampleRate q: Double, noise sigma: Double, order alpha: Double) -> Double {
        if q == 1 { return alpha / (2 * sigma * sigma) }
        let logA = alpha == alpha.rounded() && alpha < 1e6
            ? logAInteger(q: q, sigma: sigma, alpha: Int(alpha))
            : logAFractional(q: q, sigma: sigma, alpha: alpha)
        return logA / (alpha - 1)
    }

    /// The RDP curve (one value per order) of the composed phases.
    public func curve(_ phases: [PrivacyPhase]) throws -> [Double] {
        for p in phases { try p.validate() }
        return orders.map { a in phases.reduce(0.0) { $0 + Double($1.steps) * Self.rdp(sampleRate: $1.sampleRate, noise: $1.noise, order: a) } }
    }

    /// ε for the composed phases at δ (the best order's).
    public func epsilon(_ phases: [PrivacyPhase], delta: Double) throws -> Double {
        try epsilonAndOrder(phases, delta: delta).epsilon
    }

    /// (ε, best order) for the composed phases at δ.
    public func epsilonAndOrder(_ phases: [PrivacyPhase], delta: Double) throws -> (epsilon: Double, order: Double) {
        guard delta.isFinite, delta > 0, delta < 1 else { throw PrivLabError.invalidArgument("delta must be in (0, 1), got \(formatCompact(delta))") }
        return try epsilonAndOrder(curve: try curve(phases), delta: delta)
    }

    /// (ε, best order) for an RDP curve at this accountant's orders, at δ.
    public func epsilonAndOrder(curve rdp: [Double], delta: Double) throws -> (epsilon: Double, order: Double) {
        guard delta.isFinite, delta > 0, delta < 1 else { throw PrivLabError.invalidArgument("delta must be in (0, 1), got \(formatCompact(delta))") }
        var best = (Double.infinity, orders[0])
        for (a, r) in zip(orders, rdp) {
            var eps: Double
            switch conversion {
            case .classic: eps = r + log(1 / delta) / (a - 1)
            case .improved:
                eps = r + log((a - 1) / a) - (log(delta) + log(a)) / (a - 1)
                // D_α ≥ KL and TV ≤ √(1 − e^{−KL}) (Bretagnolle–Huber): when δ ≥ √(1 − e^{−r}) the
                // mechanism is already (0, δ)-DP (dp-accounting applies the same rule).
                if delta * delta + expm1(-r) >= 0 { eps = 0 }
            }
            if eps.isFinite && eps < best.0 { best = (eps, a) }
        }
        return (max(best.0, 0), best.1)
    }
}

extension RDPAccountant {
    /// δ for the composed phases at ε: the smallest over the orders of the conversion solved for δ
    /// (improved: log δ = (α − 1)(RDP(α) − ε + log(1 − 1/α)) − log α, as dp-accounting's
    /// `compute_delta`; classic: log δ = (α − 1)(RDP(α) − ε)), capped at 1.
    public func delta(_ phases: [PrivacyPhase], epsilon: Double) throws -> Double {
        guard epsilon >= 0, !epsilon.isNaN else { throw PrivLabError.invalidArgument("epsilon must be a non-negative number, got \(formatCompact(epsilon))") }
        return try delta(curve: try curve(phases), epsilon: epsilon)
    }

    /// δ for an RDP curve at this accountant's orders, at ε.
    public func delta(curve rdp: [Double], epsilon: Double) throws -> Double {
        guard epsilon >= 0, !epsilon.isNaN else { throw PrivLabError.invalidArgument("epsilon must be a non-negative number, got \(formatCompact(epsilon))") }
        var best = 0.0  // log δ; δ ≤ 1 always
        for (a, r) in zip(orders, rdp) {
            let logDelta: Double
            switch conversion {
            case .classic: logDelta = (a - 1) * (r - epsilon)
            case .improved: logDelta = (a - 1) * (r - epsilon + log1p(-1 / a)) - log(a)
            }
            if logDelta.isFinite || logDelta == -.infinity { best = min(best, logDelta) }
        }
        return exp(best)
    }
}
