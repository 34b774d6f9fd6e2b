import Foundation

/// The regularised learners whose membership leakage has a closed form under Gaussian output
/// perturbation: θ = θ̂(D) + N(0, σ²I), with θ̂ minimising (1/n)Σ ℓ(θ; xᵢ, yᵢ) + (λ/2)‖θ‖² (no
/// unpenalised intercept, so the objective is λ-strongly convex — append a constant feature for
/// one). Features are scaled to norm ≤ 1 by the caller's data; labels are classes 0 and 1.
public enum LeakageLearner: Sendable, Equatable {
    /// Least squares on targets ±1 (ridge regression as a classifier).
    case ridge(lambda: Double)
    /// Logistic regression.
    case logistic(lambda: Double)

    var lambda: Double { switch self { case .ridge(let l), .logistic(let l): return l } }

    /// The global L2 sensitivity of θ̂ to replacing one of n records when every ‖x‖ ≤ 1 (Chaudhuri,
    /// Monteleoni & Sarwate, JMLR 2011, Corollary 8: 2L/(nλ) for an L-Lipschitz loss; L = 1 for
    /// the logistic loss). Least squares is not Lipschitz on all of ℝᵈ; with |y| = 1 and ‖x‖ ≤ 1
    /// its minimiser stays in the ball ‖θ‖ ≤ 1/√λ, where the loss is (1 + 1/√λ)-Lipschitz.
    func sensitivity(n: Int) -> Double {
        switch self {
        case .logistic(let l): return 2 / (Double(n) * l)
        case .ridge(let l): return 2 * (1 + 1 / l.squareRoot()) / (Double(n) * l)
        }
    }

    /// θ̂ for rows `x` (n × d, Double) and labels in {0, 1}.
    func fit(_ x: [[Double]], _ y: [Int]) throws -> [Double] {
        let n = Double(x.count), d = x.first?.count ?? 0
        switch self {
        case .ridge(let lambda):
            // (XᵀX/n + λI) θ = Xᵀy/n with y = ±1.
            var a = [Double](repeating: 0, count: d * d), b = [Double](repeating: 0, count: d)
            for (xi, yi) in zip(x, y) {
                let t = yi == 1 ? 1.0 : -1.0
                for i in 0..<d { b[i] += t * xi[i] / n; for j in 0...i { a[i * d + j] += xi[i] * xi[j] / n } }
            }
            for i in 0..<d { a[i * d + i] += lambda }
            guard let c = Cholesky(a, dimension: d) else { throw PrivLabError.message(.leakage, "singular least-squares system") }
            return c.solve(b)
        case .logistic(let lambda):
            return try BinaryLogistic.fit(x, y, l2: lambda, intercept: false, maxIterations: 100)
        }
    }
}

/// What the KL membership leakage measured, and what it implies for an attacker.
public struct MembershipLeakageReport: Sendable, Equatable {
    /// KL(p(θ | D) ‖ p(θ | D without record i)), averaged over the records, and its maximum.
    public var meanKL: Double
    public var maxKL: Double
    /// The success probability of the best hypothesis test between "in" and "out" at equal priors,
    /// averaged over records: bounded through Pinsker's inequality by ½ + √(KL/8) (and by
    /// Bretagnolle–Huber's ½ + ½√(1 − e^{−KL}), whichever is smaller), and — for Gaussian output
    /// perturbation, where it is known exactly — Φ(‖θ̂(D) − θ̂(D₋ᵢ)‖ / 2σ), which the
    /// likelihood-ratio attack achieves.
    public var successBound: Double
    public var optimalSuccess: Double
    public var sigma: Double
    /// The learner's global L2 sensitivity (for noise calibrated to (ε, δ)).
    public var sensitivity: Double
    public var records: Int
    /// ‖θ̂(D) − θ̂(D₋ᵢ)‖ for each record, in data order.
    public var shifts: [Double]
    /// Entries of the parameter vector the noise is added to (set by `leaveOneOut`; 0 otherwise).
    public var parameters: Int = 0
}

/// Membership information leakage after Farokhi & Kaafar ("Modelling and Quantifying Membership
/// Information Leakage in Machine Learning", arXiv 2001.10648): the conditional mutual information
/// between the released model and one record's presence, bounded by a Kullback–Leibler divergence
/// "more amenable to numerical computation" — here KL(p(θ | D) ‖ p(θ | D₋ᵢ)) with D₋ᵢ the data
/// without record i, averaged over i.
///
/// Where we chose (the paper's text was not available to us): the neighbouring data set removes
/// the record (rather than replacing it); the adversary bound is the standard Pinsker /
/// Bretagnolle–Huber one, next to the exact optimum for Gaussian noise.
public enum MembershipLeakage {
    static func rows(_ data: Dataset) throws -> ([[Double]], [Int]) {
        guard data.classes == 2 else { throw PrivLabError.invalidArgument(.leakage, "the closed form is for two classes, got \(data.classes)") }
        try data.checkFinite()
        let x = (0..<data.size).map { r in data.features.row(r).map(Double.init) }
        if let big = x.firstIndex(where: { $0.reduce(0) { $0 + $1 * $1 } > 1 + 1e-6 }) {
            throw PrivLabError.invalidArgument(.leakage, "record \(data.ids[big]) has norm > 1; the sensitivity bound needs every ‖x‖ ≤ 1 (scale the features first)")
        }
        return (x, data.labels)
    }

    static func bound(_ kl: Double) -> Double { 0.5 + min(sqrt(kl / 8), 0.5 * (1 - exp(-kl)).squareRoot()) }

    /// Closed form under Gaussian output perturbation with standard deviation `sigma`.
    public static func outputPerturbation(_ learner: LeakageLearner, data: Dataset, sigma: Double) throws -> MembershipLeakageReport {
        guard learner.lambda > 0, learner.lambda.isFinite else { throw PrivLabError.invalidArgument(.leakage, "lambda must be positive") }
        guard sigma > 0, sigma.isFinite else { throw PrivLabError.invalidArgument(.leakage, "sigma must be positive") }
        let (x, y) = try rows(data)
        guard x.count >= 2 else { throw PrivLabError.invalidArgument(.leakage, "at least 2 records are needed") }
        let full = try learner.fit(x, y)
        // Leave-one-out refits are independent: spread them over the cores.
        let shifts = try ParallelWork.run(x.count, workers: max(1, ProcessInfo.processInfo.activeProcessorCount)) { i -> Double in
            var xs = x, ys = y
            xs.remove(at: i); ys.remove(at: i)
            let t = try learner.fit(xs, ys)
            return zip(full, t).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        }
        let kls = shifts.map { $0 * $0 / (2 * sigma * sigma) }
        let n = Double(x.count)
        return MembershipLeakageReport(meanKL: kls.reduce(0, +) / n, maxKL: kls.max()!,
                                       successBound: kls.map(bound).reduce(0, +) / n,
                                       optimalSuccess: shifts.map { 0.5 * erfc(-$0 / (2 * sigma) / 2.squareRoot()) }.reduce(0, +) / n,
                                       sigma: sigma, sensitivity: learner.sensitivity(n: x.count), records: x.count, shifts: shifts)
    }

    /// The same with σ calibrated to (ε, δ) on the learner's sensitivity Δ by the analytic Gaussian
    /// mechanism (Balle & Wang 2018; the classic σ = Δ·√(2 ln(1.25/δ))/ε holds only for ε < 1 and
    /// gives KL ≤ Δ²/2σ² = ε²/(4 ln(1.25/δ)) — the paper's O(ε/√log(1/δ)) on the √KL scale).
    public static func outputPerturbation(_ learner: LeakageLearner, data: Dataset, epsilon: Double, delta: Double) throws -> MembershipLeakageReport {
        let sigma = try Mechanisms.gaussianSigmaAnalytic(sensitivity: learner.sensitivity(n: data.size), epsilon: epsilon, delta: delta)
        return try outputPerturbation(learner, data: data, sigma: sigma)
    }

    /// A Monte-Carlo estimate for learners randomised otherwise (noisy SGD, DP-SGD): `runs` models
    /// trained with and `runs` without the record (fresh seeds each), Gaussians fitted to their
    /// parameter vectors, and the KL between them, with a bootstrap 95% interval. Meant for small
    /// models (a few dozen parameters): the Gaussian fit needs more runs than parameters.
    public static func monteCarlo(model: Classifier, data: Dataset, recordID: Int, runs: Int, seed: UInt64 = 1) throws -> (kl: Double, low: Double, high: Double) {
        guard let row = data.positionsById()[recordID] else { throw PrivLabError.invalidArgument(.leakage, "no record with id \(recordID)") }
        guard runs >= 4 else { throw PrivLabError.invalidArgument(.leakage, "runs must be at least 4") }
        let without = data.rows((0..<data.size).filter { $0 != row })
        func sample(_ d: Dataset, _ stream: UInt64) throws -> [[Double]] {
            try ParallelWork.run(runs, workers: model.parallelWorkers(max(1, ProcessInfo.processInfo.activeProcessorCount))) { i -> [Double] in
                let m = try model.reseededClone(seed: mix64(seed &+ stream &* 0x9E37 &+ UInt64(i)))
                try m.fit(d)
                return try m.requireParameters().parameterVector().map(Double.init)
            }
        }
        let a = try sample(data, 1), b = try sample(without, 2)
        guard let dims = a.first?.count, dims < runs else {
            throw PrivLabError.invalidArgument(.leakage, "\(a.first?.count ?? 0) parameters need more than that many runs")
        }
        let kl = try gaussianKL(a, b)
        var rng = RNG.stream(seed: seed, index: 3)
        var boot = [Double]()
        for _ in 0..<200 {
            let ra = (0..<runs).map { _ in a[rng.int(below: runs)] }, rb = (0..<runs).map { _ in b[rng.int(below: runs)] }
            if let k = try? gaussianKL(ra, rb) { boot.append(k) }
        }
        boot.sort()
        return (kl, boot[Int(0.025 * Double(boot.count))], boot[min(boot.count - 1, Int(0.975 * Double(boot.count)))])
    }

    /// KL(N(μ₁, Σ₁) ‖ N(μ₂, Σ₂)) of Gaussians fitted to two samples (a 1e-9 ridge keeps them proper).
    public static func gaussianKL(_ a: [[Double]], _ b: [[Double]]) throws -> Double {
        func fit(_ s: [[Double]]) -> ([Double], [Double]) {
            let d = s[0].count, n = Double(s.count)
            let mu = (0..<d).map { j in s.reduce(0) { $0 + $1[j] } / n }
            var cov = [Double](repeating: 0, count: d * d)
            for v in s { for i in 0..<d { for j in 0...i { cov[i * d + j] += (v[i] - mu[i]) * (v[j] - mu[j]) / (n - 1) } } }
            for i in 0..<d { for j in 0..<i { cov[j * d + i] = cov[i * d + j] }; cov[i * d + i] += 1e-9 }
            return (mu, cov)
        }
        let (m1, s1) = fit(a), (m2, s2) = fit(b)
        let d = m1.count
        guard let c1 = Cholesky(s1, dimension: d), let c2 = Cholesky(s2, dimension: d) else {
            throw PrivLabError.message(.leakage, "a fitted covariance is singular")
        }
        // ½[tr(Σ₂⁻¹Σ₁) + (μ₂ − μ₁)ᵀΣ₂⁻¹(μ₂ − μ₁) − d + ln det Σ₂ − ln det Σ₁]
        var trace = 0.0
        for j in 0..<d { trace += c2.solve((0..<d).map { s1[$0 * d + j] })[j] }
        let diff = zip(m2, m1).map(-)
        let quad = zip(diff, c2.solve(diff)).reduce(0) { $0 + $1.0 * $1.1 }
        return max(0, 0.5 * (trace + quad - Double(d) + c2.logDeterminant - c1.logDeterminant))
    }
}
