import CBLAS
import Foundation

/// Gaussian mixture model fitted by expectation–maximisation (Dempster, Laird & Rubin 1977; Bishop,
/// PRML §9.2), with diagonal or full covariances, k-means++ initialisation, log-likelihood, BIC/AIC
/// and sampling. Arithmetic is in Double; full covariances use a Cholesky factor and BLAS triangular
/// solves, so one E-step costs O(n·K·d²) in BLAS.
public final class GaussianMixture {
    public enum Covariance: String, Codable, Sendable, CaseIterable { case diag, full }

    public struct Options: Codable, Equatable, Sendable {
        public var components = 2
        public var covariance: Covariance = .full
        public var maxIterations = 100
        /// Stop when the mean log-likelihood improves by less than this.
        public var tolerance = 1e-4
        /// Added to covariance diagonals so no component collapses onto a point (as scikit-learn's reg_covar).
        public var regularization = 1e-6
        public var restarts = 1
        public var seed: UInt64 = 1
        public init() {}
        func validate() throws {
            guard components >= 1 else { throw PrivLabError.invalidArgument("components must be at least 1") }
            guard maxIterations >= 1 else { throw PrivLabError.invalidArgument("max_iter must be at least 1") }
            guard tolerance >= 0, regularization >= 0 else { throw PrivLabError.invalidArgument("tol and reg must be non-negative") }
            guard restarts >= 1 else { throw PrivLabError.invalidArgument("restarts must be at least 1") }
        }
    }

    public let options: Options
    public private(set) var weights: [Double] = []
    /// `components` mean vectors.
    public private(set) var means: [[Double]] = []
    /// Per component: the d×d covariance (row-major) for `.full`, its diagonal for `.diag`.
    public private(set) var covariances: [[Double]] = []
    /// Lower Cholesky factors (full) or standard deviations (diag), derived from `covariances`.
    private var factors: [[Double]] = []
    private var logDets: [Double] = []
    public private(set) var dimension = 0
    public private(set) var iterations = 0
    public private(set) var converged = false
    /// Mean log-likelihood per sample on the training data, per iteration.
    public private(set) var trace: [Double] = []
    public var isFitted: Bool { !weights.isEmpty }

    public init(options: Options = Options()) throws {
        try options.validate()
        self.options = options
    }

    /// Number of free parameters (for BIC/AIC).
    public var freeParameters: Int {
        let k = options.components, d = dimension
        let cov = options.covariance == .full ? d * (d + 1) / 2 : d
        return (k - 1) + k * d + k * cov
    }

    public func fit(_ x: Matrix) throws {
        let n = x.rows, d = x.cols, k = options.components
        guard n >= k else { throw PrivLabError.invalidArgument("gmm: \(n) points cannot fit \(k) components") }
        guard d >= 1 else { throw PrivLabError.invalidArgument("gmm: the data has no features") }
        if x.hasNonFinite { throw PrivLabError.invalidArgument("gmm: the data has NaN or infinite values") }
        dimension = d
        var rng = RNG(seed: options.seed)
        var best: (weights: [Double], means: [[Double]], cov: [[Double]], ll: Double, it: Int, conv: Bool, trace: [Double])? = nil
        for _ in 0..<options.restarts {
            var run = rng.split()
            // Initialise responsibilities from k-means++ seeds + a few Lloyd steps (as scikit-learn's init_params="kmeans").
            var ko = KMeans.Options()
            ko.k = k
            ko.restarts = 1
            ko.maxIterations = 10
            ko.seed = run.next()
            let km = try KMeans(options: ko)
            try km.fit(x)
            let assign = try km.predict(x)
            var resp = [Double](repeating: 0, count: n * k)
            for i in 0..<n { resp[i * k + assign[i]] = 1 }
            try mStep(x, resp)
            var previous = -Double.infinity
            var trace = [Double]()
            var conv = false
            var it = 0
            while it < options.maxIterations {
                try WorkBudget.checkpoint()
                it += 1
                let (r, ll) = try eStep(x)
                trace.append(ll)
                if ll - previous < options.tolerance { conv = true; break }
                previous = ll
                try mStep(x, r)
            }
            let ll = trace.last ?? -Double.infinity
            if best == nil || ll > best!.ll { best = (weights, means, covariances, ll, it, conv, trace) }
        }
        let b = best!
        weights = b.weights
        means = b.means
        covariances = b.cov
        try refreshFactors()
        iterations = b.it
        converged = b.conv
        trace = b.trace
    }

    /// Restores a fitted state (model files).
    func restore(_ s: StoredModel.GMMState) throws {
        guard s.weights.count == options.components, s.means.count == options.components,
              s.covariances.count == options.components,
              s.means.allSatisfy({ $0.count == s.dimension }),
              s.covariances.allSatisfy({ $0.count == (options.covariance == .full ? s.dimension * s.dimension : s.dimension) }) else {
            throw PrivLabError.invalidArgument("gmm: stored state does not match its options")
        }
        dimension = s.dimension
        weights = s.weights
        means = s.means
        covariances = s.covariances
        iterations = s.iterations
        converged = s.converged
        try refreshFactors()
    }

    /// Cholesky factors / standard deviations and log-determinants of the current covariances.
    private func refreshFactors() throws {
        let d = dimension
        factors = []
        logDets = []
        for (ci, cov) in covariances.enumerated() {
            if options.covariance == .diag {
                factors.append(cov.map { $0.squareRoot() })
                logDets.append(cov.reduce(0) { $0 + log($1) })
            } else {
                guard let c = Cholesky(cov, dimension: d) else {
                    throw PrivLabError.message("gmm: covariance of component \(ci + 1) is not positive definite; raise reg")
                }
                factors.append(c.lower)
                logDets.append(c.logDeterminant)
            }
        }
    }

    /// log N(x_i | μ_k, Σ_k) for all i, k (n × K, row-major).
    private func componentLogDensities(_ x: Matrix) -> [Double] {
        let n = x.rows, d = dimension, k = options.components
        var out = [Double](repeating: 0, count: n * k)
        let c0 = -0.5 * Double(d) * log(2 * Double.pi)
        var z = [Double](repeating: 0, count: n * d)
        for c in 0..<k {
            let mu = means[c]
            for i in 0..<n { for j in 0..<d { z[i * d + j] = Double(x[i, j]) - mu[j] } }
            if options.covariance == .diag {
                let sd = factors[c]
                for i in 0..<n { for j in 0..<d { z[i * d + j] /= sd[j] } }
            } else {
                // Solve Z·Lᵀ = (X − μ): each row z = L⁻¹(x − μ), so ‖z‖² is the Mahalanobis distance.
                factors[c].withUnsafeBufferPointer { l in
                    z.withUnsafeMutableBufferPointer { zp in
                        cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
                                    Int32(n), Int32(d), 1, l.baseAddress, Int32(d), zp.baseAddress, Int32(d))
                    }
                }
            }
            for i in 0..<n {
                var m = 0.0
                for j in 0..<d { m += z[i * d + j] * z[i * d + j] }
                out[i * k + c] = c0 - 0.5 * logDets[c] - 0.5 * m
            }
        }
        return out
    }

    /// Responsibilities and the mean log-likelihood.
    private func eStep(_ x: Matrix) throws -> ([Double], Double) {
        let n = x.rows, k = options.components
        var r = componentLogDensities(x)
        let logW = weights.map { log(max($0, 1e-300)) }
        var total = 0.0
        for i in 0..<n {
            var m = -Double.infinity
            for c in 0..<k { r[i * k + c] += logW[c]; m = max(m, r[i * k + c]) }
            var s = 0.0
            for c in 0..<k { s += exp(r[i * k + c] - m) }
            let lse = m + log(s)
            total += lse
            for c in 0..<k { r[i * k + c] = exp(r[i * k + c] - lse) }
        }
        return (r, total / Double(n))
    }

    private func mStep(_ x: Matrix, _ r: [Double]) throws {
        let n = x.rows, d = x.cols, k = options.components
        var w = [Double](repeating: 0, count: k)
        var mu = [[Double]](repeating: [Double](repeating: 0, count: d), count: k)
        for i in 0..<n { for c in 0..<k { let ri = r[i * k + c]; w[c] += ri; if ri > 0 { for j in 0..<d { mu[c][j] += ri * Double(x[i, j]) } } } }
        var cov = [[Double]]()
        for c in 0..<k {
            let nk = max(w[c], 10 * Double.leastNormalMagnitude)
            for j in 0..<d { mu[c][j] /= nk }
            if options.covariance == .diag {
                var v = [Double](repeating: 0, count: d)
                for i in 0..<n {
                    let ri = r[i * k + c]
                    if ri == 0 { continue }
                    for j in 0..<d { let t = Double(x[i, j]) - mu[c][j]; v[j] += ri * t * t }
                }
                cov.append(v.map { $0 / nk + options.regularization })
            } else {
                // Σ = (√r ⊙ (X − μ))ᵀ(√r ⊙ (X − μ)) / N_k through one BLAS syrk-like GEMM.
                var a = [Double](repeating: 0, count: n * d)
                for i in 0..<n {
                    let s = r[i * k + c].squareRoot()
                    for j in 0..<d { a[i * d + j] = s * (Double(x[i, j]) - mu[c][j]) }
                }
                var s = [Double](repeating: 0, count: d * d)
                a.withUnsafeBufferPointer { ap in
                    s.withUnsafeMutableBufferPointer { sp in
                        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(n), 1 / nk,
                                    ap.baseAddress, Int32(d), ap.baseAddress, Int32(d), 0, sp.baseAddress, Int32(d))
                    }
                }
                for j in 0..<d { s[j * d + j] += options.regularization }
                cov.append(s)
            }
        }
        weights = w.map { $0 / Double(n) }
        means = mu
        covariances = cov
        try refreshFactors()
    }

    private func checkInput(_ x: Matrix) throws {
        guard isFitted else { throw PrivLabError.invalidArgument("gmm: not fitted yet") }
        guard x.cols == dimension else { throw PrivLabError.shape("gmm was fitted on \(dimension) features, got \(x.cols)") }
        if x.hasNonFinite { throw PrivLabError.invalidArgument("gmm: the data has NaN or infinite values") }
    }

    /// log p(x_i) under the mixture, per row.
    public func scoreSamples(_ x: Matrix) throws -> [Double] {
        try checkInput(x)
        let k = options.components
        let r = componentLogDensities(x)
        let logW = weights.map { log(max($0, 1e-300)) }
        return (0..<x.rows).map { i in
            var m = -Double.infinity
            for c in 0..<k { m = max(m, r[i * k + c] + logW[c]) }
            return m + log((0..<k).reduce(0.0) { $0 + exp(r[i * k + $1] + logW[$1] - m) })
        }
    }

    /// Posterior component probabilities (n × K).
    public func predictProba(_ x: Matrix) throws -> [[Double]] {
        try checkInput(x)
        let k = options.components
        let lp = componentLogDensities(x)
        return (0..<x.rows).map { i in
            let v = (0..<k).map { lp[i * k + $0] + log(max(weights[$0], 1e-300)) }
            let m = v.max()!
            let e = v.map { exp($0 - m) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
    }

    public func predict(_ x: Matrix) throws -> [Int] {
        try predictProba(x).map { p in p.indices.max { p[$0] < p[$1] }! }
    }

    /// Mean log-likelihood per sample.
    public func score(_ x: Matrix) throws -> Double {
        let s = try scoreSamples(x)
        return s.reduce(0, +) / Double(max(s.count, 1))
    }

    /// Bayesian information criterion −2·log L + p·ln n (lower is better).
    public func bic(_ x: Matrix) throws -> Double {
        -2 * (try score(x)) * Double(x.rows) + Double(freeParameters) * log(Double(x.rows))
    }

    /// Akaike information criterion −2·log L + 2p.
    public func aic(_ x: Matrix) throws -> Double {
        -2 * (try score(x)) * Double(x.rows) + 2 * Double(freeParameters)
    }

    /// `n` samples and the component each came from.
    public func sample(_ n: Int, seed: UInt64) throws -> (Matrix, [Int]) {
        guard isFitted else { throw PrivLabError.invalidArgument("gmm: not fitted yet") }
        guard n >= 0 else { throw PrivLabError.invalidArgument("gmm: sample count must be non-negative") }
        var rng = RNG(seed: seed)
        let d = dimension
        var out = Matrix(rows: n, cols: d)
        var comps = [Int]()
        for i in 0..<n {
            let c = rng.categorical(weights)
            comps.append(c)
            let z = (0..<d).map { _ in rng.normal() }
            for j in 0..<d {
                var v = means[c][j]
                if options.covariance == .diag {
                    v += factors[c][j] * z[j]
                } else {
                    for t in 0...j { v += factors[c][j * d + t] * z[t] }
                }
                out[i, j] = Float(v)
            }
        }
        return (out, comps)
    }
}
