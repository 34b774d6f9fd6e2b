import Foundation

/// A discrete privacy loss distribution: probability mass on losses `(offset + i)·h`, plus mass at +∞.
struct DiscretePLD {
    var h: Double
    var offset: Int
    var pmf: [Double]
    var infinityMass: Double

    /// δ(ε) = P[L = ∞] + Σ pᵢ (1 − e^{ε − lᵢ})₊ (the hockey-stick divergence).
    func delta(epsilon: Double) -> Double {
        var d = infinityMass
        for (i, p) in pmf.enumerated() where p > 0 {
            let l = Double(offset + i) * h
            if l > epsilon { d += p * -expm1(epsilon - l) }
        }
        return d
    }

    /// The distribution of the sum of independent losses (the PLD of the composition).
    func composed(with o: DiscretePLD, truncation: Double) throws -> DiscretePLD {
        // The support grows with every composition (its width like √T for T steps): refused before
        // the convolution when it would no longer fit the grid budget, so work stays bounded.
        let size = pmf.count + o.pmf.count - 1
        guard size <= PLDAccountant.maximumGridPoints else {
            throw PrivLabError.invalidArgument(
                "the PLD accountant cannot compose this many steps with discretization \(formatCompact(h)): the privacy loss grid "
                + "would need \(size) points (more than \(PLDAccountant.maximumGridPoints)); use accountant = \"rdp\" or a coarser discretization")
        }
        var r = DiscretePLD(h: h, offset: offset + o.offset, pmf: FFT.convolve(pmf, o.pmf),
                            infinityMass: 1 - (1 - infinityMass) * (1 - o.infinityMass))
        r.truncate(truncation)
        return r
    }

    /// Drops negligible tails pessimistically: low-loss mass moves up to the first kept value, high-loss
    /// mass moves to +∞, so δ(ε) can only grow.
    mutating func truncate(_ tau: Double) {
        var lo = 0, acc = 0.0
        while lo < pmf.count - 1 && acc + pmf[lo] < tau { acc += pmf[lo]; lo += 1 }
        pmf[lo] += acc
        var hi = pmf.count - 1, up = 0.0
        while hi > lo && up + pmf[hi] < tau { up += pmf[hi]; hi -= 1 }
        infinityMass += up
        pmf = Array(pmf[lo...hi])
        offset += lo
    }

    /// `steps`-fold self-composition by repeated squaring.
    func selfComposed(_ steps: Int, truncation: Double) throws -> DiscretePLD {
        // Refused up front when the composed support clearly cannot fit the grid: by the central
        // limit theorem T steps spread over about ±z·√T standard deviations of one step, z the
        // Gaussian quantile of the tail truncation. Only estimates beyond twice the budget are
        // refused here; the exact check in `composed` catches the rest as the grid grows.
        let total = pmf.reduce(0, +)
        if total > 0 {
            let mean = pmf.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element } / total
            let variance = pmf.enumerated().reduce(0.0) { $0 + (Double($1.offset) - mean) * (Double($1.offset) - mean) * $1.element } / total
            let z = (2 * log(1 / max(truncation, 1e-300))).squareRoot()
            let estimate = 2 * z * (Double(steps) * variance).squareRoot() + Double(pmf.count)
            guard estimate <= 2 * Double(PLDAccountant.maximumGridPoints) else {
                throw PrivLabError.invalidArgument(
                    "the PLD accountant cannot compose this many steps with discretization \(formatCompact(h)): the privacy loss grid "
                    + "would need about \(formatCompact(estimate.rounded())) points (more than \(PLDAccountant.maximumGridPoints)); use accountant = \"rdp\" or a coarser discretization")
            }
        }
        var result = DiscretePLD(h: h, offset: 0, pmf: [1], infinityMass: 0)
        var base = self
        var k = steps
        while k > 0 {
            try WorkBudget.checkpoint()
            if k & 1 == 1 { result = try result.composed(with: base, truncation: truncation) }
            k >>= 1
            if k > 0 { base = try base.composed(with: base, truncation: truncation) }
        }
        return result
    }
}

/// Privacy loss distribution accountant for the Poisson-subsampled Gaussian mechanism (Koskela,
/// Jälkö & Honkela 2020; Doroshenko et al. 2022, as in Google's dp-accounting): the loss
/// L = log(μ/μ′) of one step is discretised pessimistically on a grid of width h ("connect the
/// dots"), steps and phases are composed by FFT convolution, and ε(δ) is read off the hockey-stick
/// divergence. Both neighbouring relations (adding and removing a record) are accounted and the
/// larger ε is reported. Tighter than RDP; with q = 1 everywhere the result is the analytic
/// Gaussian mechanism's ε, exactly.
public struct PLDAccountant: PrivacyAccountant {
    public var kind: AccountantKind { .pld }
    /// The most points one step's loss grid may have (4 M doubles, 32 MiB per array).
    static let maximumGridPoints = 1 << 22
    /// Width of the loss grid.
    public var discretization: Double
    /// Tail mass dropped (pessimistically) per truncation.
    public var truncation: Double

    public init(discretization: Double = 1e-4, truncation: Double = 1e-15) throws {
        guard discretization > 0, discretization <= 0.1 else { throw PrivLabError.invalidArgument("PLD discretization must be in (0, 0.1]") }
        self.discretization = discretization
        self.truncation = truncation
    }

    static func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.squareRoot()) }
    /// Φ⁻¹ by bisection on erfc (only used for tail cut-offs).
    static func phiInverse(_ p: Double) -> Double {
        var lo = -40.0, hi = 40.0
        for _ in 0..<200 {
            let m = 0.5 * (lo + hi)
            if phi(m) < p { lo = m } else { hi = m }
        }
        return 0.5 * (lo + hi)
    }

    /// One step's PLD for one neighbouring relation, by "connect the dots" (Doroshenko et al.,
    /// PETS 2022): the exact δ(ε) of the step is evaluated on the loss grid εᵢ = i·h and the
    /// discrete PLD whose δ-curve joins those points (linearly in e^ε) is built. δ(ε) is convex in
    /// e^ε, so the chords lie above it: the result is a pessimistic bound whose error does not grow
    /// with the number of compositions, unlike rounding each loss up to the grid.
    func stepPLD(q: Double, sigma: Double, remove: Bool) throws -> DiscretePLD {
        let h = discretization, s2 = sigma * sigma
        // Losses, decreasing in x:
        //   remove: μ = (1−q)N(0,σ²) + qN(−1,σ²), μ′ = N(0,σ²), L(x) = log(1 − q + q·e^{(−2x−1)/(2σ²)})
        //   add:    μ = N(0,σ²), μ′ = (1−q)N(0,σ²) + qN(1,σ²), L(x) = −log(1 − q + q·e^{(2x−1)/(2σ²)})
        func loss(_ x: Double) -> Double {
            remove ? log1p(-q + q * exp((-2 * x - 1) / (2 * s2))) : -log1p(-q + q * exp((2 * x - 1) / (2 * s2)))
        }
        func inverse(_ l: Double) -> Double {   // x with loss(x) = l; ±∞ outside the range of L
            if remove {
                let t = (exp(l) - (1 - q)) / q
                return t <= 0 ? Double.infinity : -s2 * log(t) - 0.5
            } else {
                let t = (exp(-l) - (1 - q)) / q
                return t <= 0 ? -Double.infinity : s2 * log(t) + 0.5
            }
        }
        func cdfUpper(_ x: Double) -> Double {
            remove ? (1 - q) * Self.phi(x / sigma) + q * Self.phi((x + 1) / sigma) : Self.phi(x / sigma)
        }
        func cdfLower(_ x: Double) -> Double {
            remove ? Self.phi(x / sigma) : (1 - q) * Self.phi(x / sigma) + q * Self.phi((x - 1) / sigma)
        }
        // The step's exact δ(ε) = P_μ[L > ε] − e^ε·P_μ′[L > ε], and L > ε ⇔ x < L⁻¹(ε).
        func exactDelta(_ e: Double) -> Double {
            let x = inverse(e)
            if x == -.infinity { return 0 }
            if x == .infinity { return max(0, -expm1(e)) }
            return max(0, cdfUpper(x) - exp(e) * cdfLower(x))
        }
        let xLo = sigma * Self.phiInverse(truncation) - (remove ? 1 : 0)
        let xHi = sigma * Self.phiInverse(1 - truncation)
        // The grid spans the losses between the tail cut-offs; tiny noise makes them huge (the loss
        // grows like 1/σ²), so the size is checked before anything becomes an integer or is allocated.
        let lossLo = loss(xHi) / h, lossHi = loss(xLo) / h
        guard lossLo.isFinite, lossHi.isFinite, lossHi - lossLo < Double(Self.maximumGridPoints) else {
            throw PrivLabError.invalidArgument(
                "the PLD accountant cannot represent noise σ = \(formatCompact(sigma)) at sampling rate \(formatCompact(q)) with discretization "
                + "\(formatCompact(h)): its privacy loss grid would need more than \(Self.maximumGridPoints) points "
                + "(use more noise, a coarser discretization, or accountant = \"rdp\")")
        }
        let iMin = Int(lossLo.rounded(.down)), iMax = max(iMin + 1, Int(lossHi.rounded(.up)))
        let n = iMax - iMin + 1
        let eps = (0..<n).map { Double(iMin + $0) * h }
        let d = eps.map(exactDelta)
        // Slope of δ against e^ε on each segment: B_i = (D_{i−1} − D_i)/(e^{εᵢ} − e^{εᵢ₋₁}).
        var b = [Double](repeating: 0, count: n + 1)
        for i in 1..<n { b[i] = max(0, (d[i - 1] - d[i]) / (exp(eps[i]) - exp(eps[i - 1]))) }
        var pmf = [Double](repeating: 0, count: n)
        for i in 1..<n { pmf[i] = max(0, exp(eps[i]) * (b[i] - b[i + 1])) }
        let infinity = d[n - 1]
        pmf[0] = max(0, 1 - infinity - pmf.reduce(0, +))
        var pld = DiscretePLD(h: h, offset: iMin, pmf: pmf, infinityMass: infinity)
        pld.truncate(truncation)
        return pld
    }

    /// The composed privacy loss distributions of the phases, for removing and for adding a record
    /// (both directions, as dp-accounting's `get_epsilon` takes the worse), or nil when every
    /// phase is unsubsampled (then the composition is one Gaussian mechanism, handled exactly).
    func composedDistributions(_ active: [PrivacyPhase]) throws -> [DiscretePLD] {
        try [true, false].map { remove in
            var total = DiscretePLD(h: discretization, offset: 0, pmf: [1], infinityMass: 0)
            for p in active {
                total = try total.composed(with: try stepPLD(q: p.sampleRate, sigma: p.noise, remove: remove)
                                                .selfComposed(p.steps, truncation: truncation), truncation: truncation)
            }
            return total
        }
    }

    /// μ of the Gaussian mechanism equivalent to composed unsubsampled phases: √(Σ T/σ²) (Dong,
    /// Roth & Su 2019); nil when some phase is subsampled.
    static func gaussianMu(_ active: [PrivacyPhase]) -> Double? {
        guard active.allSatisfy({ $0.sampleRate == 1 }) else { return nil }
        return active.reduce(0.0) { $0 + Double($1.steps) / ($1.noise * $1.noise) }.squareRoot()
    }

    /// ε for the composed phases at δ.
    public func epsilon(_ phases: [PrivacyPhase], delta: Double) throws -> Double {
        guard delta.isFinite, delta > 0, delta < 1 else { throw PrivLabError.invalidArgument("delta must be in (0, 1), got \(formatCompact(delta))") }
        for p in phases { try p.validate() }
        let active = phases.filter { $0.steps > 0 }
        if active.isEmpty { return 0 }
        if let mu = Self.gaussianMu(active) { return try Self.analyticEpsilon(sigma: 1 / mu, delta: delta) }
        var worst = 0.0
        for total in try composedDistributions(active) {
            worst = max(worst, try Self.epsilonFor(delta: delta) { total.delta(epsilon: $0) })
        }
        return worst
    }

    /// σ for a target ε, in a few PLD evaluations: RDP's σ (cheap, and RDP's ε is an upper bound on
    /// the true ε, so its σ almost always meets the target here too; checked) starts the bracket.
    public func noise(forEpsilon target: Double, phases: [PrivacyPhase], delta: Double) throws -> Double {
        let upper = (try? RDPAccountant().noise(forEpsilon: target, phases: phases, delta: delta)) ?? 1
        return try NoiseCalibration.noise(forEpsilon: target, phases: phases, delta: delta, accountant: self, upper: upper)
    }

    /// δ for the composed phases at ε (the worse of the two directions).
    public func delta(_ phases: [PrivacyPhase], epsilon: Double) throws -> Double {
        guard epsilon >= 0, !epsilon.isNaN else { throw PrivLabError.invalidArgument("epsilon must be a non-negative number, got \(formatCompact(epsilon))") }
        for p in phases { try p.validate() }
        let active = phases.filter { $0.steps > 0 }
        if active.isEmpty { return 0 }
        if let mu = Self.gaussianMu(active) { return Mechanisms.gaussianDelta(sigma: 1 / mu, sensitivity: 1, epsilon: epsilon) }
        return try composedDistributions(active).map { $0.delta(epsilon: epsilon) }.max() ?? 0
    }

    /// Smallest ε ≥ 0 with δ(ε) ≤ δ, by bisection (δ(ε) is non-increasing).
    static func epsilonFor(delta: Double, _ deltaOf: (Double) -> Double) throws -> Double {
        if deltaOf(0) <= delta { return 0 }
        var hi = 1.0
        while deltaOf(hi) > delta {
            hi *= 2
            // No ε up to 10⁶ reaches δ (the loss has more than δ of its mass at +∞, or there is
            // almost no noise): ∞ is the only bound that is not an under-statement.
            if hi > 1e6 { return .infinity }
        }
        var lo = 0.0
        for _ in 0..<100 where hi - lo > 1e-10 * hi {
            let m = 0.5 * (lo + hi)
            if deltaOf(m) <= delta { hi = m } else { lo = m }
        }
        return hi
    }

    /// ε of the Gaussian mechanism (sensitivity 1, noise σ) at δ, from its exact δ(ε).
    static func analyticEpsilon(sigma: Double, delta: Double) throws -> Double {
        try epsilonFor(delta: delta) { Mechanisms.gaussianDelta(sigma: sigma, sensitivity: 1, epsilon: $0) }
    }
}
