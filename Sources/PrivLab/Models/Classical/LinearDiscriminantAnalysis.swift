import Foundation

/// Linear discriminant analysis: Gaussian classes sharing one covariance, priors from the class
/// frequencies, classified by the linear scores xᵀΣ⁻¹μ_k − ½μ_kᵀΣ⁻¹μ_k + log π_k — scikit-learn's
/// `LinearDiscriminantAnalysis` (Hastie, Tibshirani & Friedman, *Elements of Statistical Learning*
/// §4.3) with its two main solvers:
/// - `svd` (the default): never forms the covariance. The class-centred data, scaled per feature by
///   its within-class standard deviation (1 where that is 0), is decomposed by SVD; directions with
///   singular value ≤ `tolerance` are dropped, so constant or collinear features (blank pixels) do
///   not break it. A second SVD of the weighted class means gives the discriminant directions.
/// - `lsqr`: solves Σ·W = μ for the pooled within-class covariance Σ = Σ_k π_k Σ_k (each Σ_k the
///   biased class covariance) by a least-squares (minimum-norm) solve, with optional shrinkage —
///   a fixed α (Σ ← (1 − α)Σ + α·tr(Σ)/d·I) or `auto`, the Ledoit–Wolf (2004) α on standardised
///   features, class by class, as scikit-learn does.
public final class LinearDiscriminantAnalysis: ClassicalClassifier, ParameterizedModel {
    public enum Solver: String, Codable, Sendable, CaseIterable { case svd, lsqr }
    public enum Shrinkage: Codable, Sendable, Equatable {
        case ledoitWolf
        case fixed(Double)
    }

    public struct Options: Codable, Sendable, Equatable {
        public var solver: Solver = .svd
        public var shrinkage: Shrinkage? = nil
        /// Singular values at or below this (relative, for the between-class step) are dropped (svd).
        public var tolerance = 1e-4
        public init() {}

        public func validate() throws {
            if shrinkage != nil && solver == .svd {
                throw PrivLabError.invalidArgument("lda: shrinkage needs solver = \"lsqr\" (the svd solver never forms the covariance it would shrink)")
            }
            if case .fixed(let a)? = shrinkage, !(0...1).contains(a) {
                throw PrivLabError.invalidArgument("lda: shrinkage must lie in [0, 1] or be \"auto\", got \(a)")
            }
            guard tolerance > 0 else { throw PrivLabError.invalidArgument("lda: tol must be positive") }
        }
    }

    public struct State: Codable, Sendable, Equatable {
        public var options: Options
        /// classes × features, and one intercept per class.
        public var coefficients: DoubleMatrix
        public var intercepts: [Double]
        public var means: DoubleMatrix
        public var priors: [Double]
    }

    public let options: Options
    public private(set) var state: State? = nil

    public init(options: Options) throws {
        try options.validate()
        self.options = options
    }

    init(state: State) {
        options = state.options
        self.state = state
    }

    public var kindName: String { "lda" }
    public var summary: String {
        var s = "linear discriminant analysis (\(options.solver.rawValue)"
        switch options.shrinkage {
        case .ledoitWolf?: s += ", Ledoit–Wolf shrinkage"
        case .fixed(let a)?: s += ", shrinkage \(a)"
        case nil: break
        }
        return s + ")"
    }
    public var isFitted: Bool { state != nil }
    public var featureCount: Int { state?.coefficients.cols ?? 0 }
    public var classes: Int { state?.coefficients.rows ?? 0 }
    public var parameterCount: Int { (state?.coefficients.data.count ?? 0) + (state?.intercepts.count ?? 0) }
    public func cloneUntrained() throws -> Classifier { try LinearDiscriminantAnalysis(options: options) }
    public var configurationIdentity: String { "lda|\(String(describing: options))" }
    public func parameterVector() throws -> [Float] {
        guard let s = state else { throw PrivLabError.invalidArgument("lda: the model is not fitted") }
        return (s.coefficients.data + s.intercepts).map { Float($0) }
    }
    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard let s = state else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        return .lda(s)
    }

    public func decisionScores(_ x: DoubleMatrix) throws -> DoubleMatrix {
        guard let s = state else { throw PrivLabError.invalidArgument("lda: the model is not fitted") }
        var z = DoubleMatrix.product(x, s.coefficients, transB: true)
        for i in 0..<z.rows { for k in 0..<z.cols { z[i, k] += s.intercepts[k] } }
        return z
    }

    public func fitClassical(_ data: Dataset) throws {
        let x = DoubleMatrix(data.features)
        let k = data.classes
        var count = [Double](repeating: 0, count: k)
        for c in data.labels { count[c] += 1 }
        guard count.allSatisfy({ $0 > 0 }) else {
            throw PrivLabError.invalidArgument("lda: every one of the \(k) classes needs a record in the training data (class \(count.firstIndex(of: 0)!) has none)")
        }
        guard x.rows > k else { throw PrivLabError.invalidArgument("lda: needs more records (\(x.rows)) than classes (\(k))") }
        let n = Double(x.rows)
        let priors = count.map { $0 / n }
        var means = DoubleMatrix(rows: k, cols: x.cols)
        for i in 0..<x.rows { for j in 0..<x.cols { means[data.labels[i], j] += x[i, j] } }
        for c in 0..<k { for j in 0..<x.cols { means[c, j] /= count[c] } }
        var centred = x
        for i in 0..<x.rows { for j in 0..<x.cols { centred[i, j] -= means[data.labels[i], j] } }
        let (coef, intercepts): (DoubleMatrix, [Double])
        switch options.solver {
        case .svd: (coef, intercepts) = try solveSVD(centred, means, priors)
        case .lsqr: (coef, intercepts) = try solveLeastSquares(x, data.labels, means, priors)
        }
        state = State(options: options, coefficients: coef, intercepts: intercepts, means: means, priors: priors)
    }

    func solveSVD(_ centred: DoubleMatrix, _ means: DoubleMatrix, _ priors: [Double]) throws -> (DoubleMatrix, [Double]) {
        let n = centred.rows, d = centred.cols, k = means.rows
        // 1. Within-class scaling: unit within-class standard deviation per feature.
        let mu = centred.columnMeans
        var std = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { let v = centred[i, j] - mu[j]; std[j] += v * v } }
        std = std.map { let s = ($0 / Double(n)).squareRoot(); return s == 0 ? 1 : s }
        // 1/n: the pooled covariance Σ_k π_k Σ_k with biased class covariances — the estimate the
        // lsqr solver uses, so both solvers fit the same model (scikit-learn 1.9 does the same).
        let fac = 1 / Double(n)
        var scaled = centred
        for i in 0..<n { for j in 0..<d { scaled[i, j] = fac.squareRoot() * centred[i, j] / std[j] } }
        let (_, s1, vt1) = try Decompositions.svd(scaled)
        let rank1 = s1.filter { $0 > options.tolerance }.count
        guard rank1 > 0 else { throw PrivLabError.invalidArgument("lda: the within-class variation is zero (every feature is constant within each class)") }
        var scalings = DoubleMatrix(rows: d, cols: rank1)   // (Vt[:rank] / std)ᵀ / S[:rank]
        for r in 0..<rank1 { for j in 0..<d { scalings[j, r] = vt1[r, j] / std[j] / s1[r] } }
        // 2. Between-class scaling: SVD of the prior-weighted, centred class means.
        var xbar = [Double](repeating: 0, count: d)
        for c in 0..<k { for j in 0..<d { xbar[j] += priors[c] * means[c, j] } }
        let between = 1 / Double(max(k - 1, 1))
        var weighted = DoubleMatrix(rows: k, cols: d)
        for c in 0..<k {
            let w = (Double(n) * priors[c] * between).squareRoot()
            for j in 0..<d { weighted[c, j] = w * (means[c, j] - xbar[j]) }
        }
        let (_, s2, vt2) = try Decompositions.svd(DoubleMatrix.product(weighted, scalings))
        let rank2 = s2.filter { $0 > options.tolerance * (s2.first ?? 0) }.count
        var v2 = DoubleMatrix(rows: rank1, cols: rank2)     // Vtᵀ[:, :rank]
        for a in 0..<rank1 { for b in 0..<rank2 { v2[a, b] = vt2[b, a] } }
        let directions = DoubleMatrix.product(scalings, v2)   // d × rank2
        let centredMeans = means.subtractingRow(xbar)
        let projected = DoubleMatrix.product(centredMeans, directions)   // k × rank2
        var intercepts = (0..<k).map { c in -0.5 * projected.row(c).reduce(0) { $0 + $1 * $1 } + log(priors[c]) }
        let coef = DoubleMatrix.product(projected, directions, transB: true)   // k × d
        for c in 0..<k { for j in 0..<d { intercepts[c] -= xbar[j] * coef[c, j] } }
        return (coef, intercepts)
    }

    func solveLeastSquares(_ x: DoubleMatrix, _ y: [Int], _ means: DoubleMatrix, _ priors: [Double]) throws -> (DoubleMatrix, [Double]) {
        let d = x.cols, k = means.rows
        var sigma = DoubleMatrix(rows: d, cols: d)
        for c in 0..<k {
            let rows = y.indices.filter { y[$0] == c }
            let cov = classCovariance(x.rows(rows))
            for a in 0..<(d * d) { sigma.data[a] += priors[c] * cov.data[a] }
        }
        // Minimum-norm least squares Σ·Wᵀ = Mᵀ through the SVD of the symmetric Σ (pseudo-inverse with
        // LAPACK's default cut-off, machine ε × d × largest singular value).
        let (u, s, vt) = try Decompositions.svd(sigma)
        let cut = Double.ulpOfOne * Double(d) * (s.first ?? 0)
        var pinv = DoubleMatrix(rows: d, cols: d)
        for r in 0..<s.count where s[r] > cut {
            for a in 0..<d { for b in 0..<d { pinv[a, b] += vt[r, a] * u[b, r] / s[r] } }
        }
        let coef = DoubleMatrix.product(means, pinv, transB: true)   // k × d
        let intercepts = (0..<k).map { c in
            -0.5 * (0..<d).reduce(0) { $0 + means[c, $1] * coef[c, $1] } + log(priors[c])
        }
        return (coef, intercepts)
    }

    /// One class's covariance (biased, 1/n), shrunk as the options say.
    func classCovariance(_ xc: DoubleMatrix) -> DoubleMatrix {
        let d = xc.cols, n = Double(xc.rows)
        let mean = xc.columnMeans
        var centred = xc.subtractingRow(mean)
        // Ledoit–Wolf works on standardised features (constant ones keep scale 1) and scales back.
        var sd = [Double](repeating: 1, count: d)
        if case .ledoitWolf? = options.shrinkage {
            sd = [Double](repeating: 0, count: d)
            for i in 0..<xc.rows { for j in 0..<d { sd[j] += centred[i, j] * centred[i, j] } }
            sd = sd.map { let s = ($0 / n).squareRoot(); return s == 0 ? 1 : s }
            for i in 0..<xc.rows { for j in 0..<d { centred[i, j] /= sd[j] } }
        }
        var cov = DoubleMatrix.product(centred, centred, transA: true)
        cov.data = cov.data.map { $0 / n }
        switch options.shrinkage {
        case nil: return cov
        case .fixed(let alpha)?: return LinearDiscriminantAnalysis.shrink(cov, alpha)
        case .ledoitWolf?:
            var shrunk = LinearDiscriminantAnalysis.shrink(cov, LinearDiscriminantAnalysis.ledoitWolfShrinkage(centred))
            for a in 0..<d { for b in 0..<d { shrunk[a, b] *= sd[a] * sd[b] } }
            return shrunk
        }
    }

    /// (1 − α)·S + α·(tr S / d)·I.
    static func shrink(_ s: DoubleMatrix, _ alpha: Double) -> DoubleMatrix {
        let d = s.rows
        let mu = (0..<d).reduce(0) { $0 + s[$1, $1] } / Double(d)
        var out = s
        out.data = out.data.map { (1 - alpha) * $0 }
        for a in 0..<d { out[a, a] += alpha * mu }
        return out
    }

    /// The Ledoit–Wolf (2004) optimal shrinkage of centred data `x` (the estimate scikit-learn's
    /// `ledoit_wolf_shrinkage` computes).
    static func ledoitWolfShrinkage(_ x: DoubleMatrix) -> Double {
        let n = Double(x.rows), d = x.cols
        var x2 = x
        x2.data = x.data.map { $0 * $0 }
        let trace = x2.columnMeans
        let mu = trace.reduce(0, +) / Double(d)
        let beta0 = DoubleMatrix.product(x2, x2, transA: true).data.reduce(0, +)
        let delta0 = DoubleMatrix.product(x, x, transA: true).data.reduce(0) { $0 + $1 * $1 } / (n * n)
        var beta = 1 / (Double(d) * n) * (beta0 / n - delta0)
        var delta = delta0 - 2 * mu * trace.reduce(0, +) + Double(d) * mu * mu
        delta /= Double(d)
        beta = min(beta, delta)
        return beta == 0 ? 0 : beta / delta
    }
}
