import Foundation

/// Principal component analysis: projects centred data on the `components` directions of largest
/// variance, optionally whitened to unit variance — scikit-learn's `PCA` with the full SVD solver
/// (components are the first right singular vectors of the centred data; explained variance is
/// s²/(n − 1)). Signs follow scikit-learn's `svd_flip` on Vt: each component's largest-magnitude
/// entry is positive, so the result does not depend on LAPACK's arbitrary signs.
///
/// With `dp`, the Analyze-Gauss mechanism (Dwork, Talwar, Thakurta & Zhang 2014, Alg. 1): rows are
/// clipped to norm `clip`, symmetric Gaussian noise of σ = clip²·√(2 ln(1.25/δ))/ε is added to
/// XᵀX (one record changes it by at most clip² in Frobenius norm), and the components are the top
/// eigenvectors of the noisy matrix — (ε, δ)-DP, the rest being post-processing. The private
/// variant does not centre: a private mean would spend more budget, so centre or scale the data
/// with public knowledge (bounds, not statistics of the private data) before it.
public struct PCA: Transformer, Codable, Equatable {
    public struct Privacy: Codable, Sendable, Equatable {
        public var epsilon: Double
        public var delta: Double
        public var clip: Double
        public var seed: UInt64
        public init(epsilon: Double, delta: Double, clip: Double, seed: UInt64) {
            self.epsilon = epsilon
            self.delta = delta
            self.clip = clip
            self.seed = seed
        }
    }

    public let components: Int
    public let whiten: Bool
    public let dp: Privacy?
    /// Fitted: the component directions (rows), the mean removed first, and per-component variance.
    public private(set) var directions: DoubleMatrix? = nil
    public private(set) var mean: [Double] = []
    public private(set) var explainedVariance: [Double] = []
    /// Each component's share of the total variance (non-private fits).
    public private(set) var explainedVarianceRatio: [Double] = []

    public init(components: Int, whiten: Bool = false, dp: Privacy? = nil) throws {
        guard components >= 1 else { throw PrivLabError.invalidArgument("pca: components must be at least 1, got \(components)") }
        if let p = dp {
            guard p.epsilon > 0, p.epsilon.isFinite else { throw PrivLabError.invalidArgument("pca: dp.epsilon must be positive") }
            guard p.delta > 0, p.delta < 1 else { throw PrivLabError.invalidArgument("pca: dp.delta must lie in (0, 1)") }
            guard p.clip > 0, p.clip.isFinite else { throw PrivLabError.invalidArgument("pca: dp.clip must be positive") }
        }
        self.components = components
        self.whiten = whiten
        self.dp = dp
    }

    public var name: String {
        "PCA(\(components) components\(whiten ? ", whitened" : "")\(dp.map { ", Analyze-Gauss ε=\($0.epsilon)" } ?? ""))"
    }
    public var isFitted: Bool { directions != nil }
    /// The same configuration without the fit (already validated: a copy with the fit cleared).
    public var unfitted: any Transformer {
        var copy = self
        copy.directions = nil
        copy.mean = []
        copy.explainedVariance = []
        copy.explainedVarianceRatio = []
        return copy
    }
    public func stored() throws -> StoredTransformer { .pca(self) }

    /// With `dp`, the Analyze-Gauss noise drawn from a stream of `seed` (each re-seeded copy of a
    /// private pipeline adds its own noise); without, the same configuration.
    public func reseeded(_ seed: UInt64) -> any Transformer {
        guard var p = dp else { return unfitted }
        p.seed = mix64(seed ^ 0x4450_5043_41)
        return (try? PCA(components: components, whiten: whiten, dp: p)) ?? unfitted
    }

    public func fitted(to data: Dataset) throws -> any Transformer {
        let x = data.features
        guard x.rows >= 2 else { throw PrivLabError.invalidArgument("pca: needs at least 2 records, got \(x.rows)") }
        guard components <= x.cols else {
            throw PrivLabError.invalidArgument("pca: components = \(components) exceeds the \(x.cols) features")
        }
        if x.hasNonFinite { throw PrivLabError.invalidArgument("pca: the data has NaN or infinite values") }
        var out = self
        if let p = dp {
            try out.fitPrivately(DoubleMatrix(x), p)
            return out
        }
        guard components <= x.rows else {
            throw PrivLabError.invalidArgument("pca: components = \(components) exceeds the \(x.rows) records")
        }
        let d = DoubleMatrix(x)
        out.mean = d.columnMeans
        let (_, s, vt) = try Decompositions.svd(d.subtractingRow(out.mean))
        var dir = DoubleMatrix(rows: components, cols: x.cols)
        for c in 0..<components {
            var row = vt.row(c)
            PCA.flipSign(&row)
            for j in 0..<x.cols { dir[c, j] = row[j] }
        }
        let variance = s.map { $0 * $0 / Double(x.rows - 1) }
        let total = variance.reduce(0, +)
        out.directions = dir
        out.explainedVariance = Array(variance.prefix(components))
        out.explainedVarianceRatio = out.explainedVariance.map { total > 0 ? $0 / total : 0 }
        return out
    }

    /// The largest-magnitude entry made positive (the first such entry on ties).
    static func flipSign(_ v: inout [Double]) {
        guard let i = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) || (abs(v[$0]) == abs(v[$1]) && $0 > $1) }), v[i] < 0 else { return }
        for j in v.indices { v[j] = -v[j] }
    }

    mutating func fitPrivately(_ x: DoubleMatrix, _ p: Privacy) throws {
        let clipped = x.clippingRows(toNorm: p.clip)
        var a = DoubleMatrix.product(clipped, clipped, transA: true)
        let sigma = p.clip * p.clip * (2 * log(1.25 / p.delta)).squareRoot() / p.epsilon
        var rng = RNG(seed: p.seed)
        for i in 0..<a.rows {
            for j in i..<a.cols {
                let e = sigma * rng.normal()
                a[i, j] += e
                if j != i { a[j, i] += e }
            }
        }
        let (values, vectors) = try Decompositions.symmetricEigen(a)
        var dir = DoubleMatrix(rows: components, cols: x.cols)
        for c in 0..<components {
            var row = vectors.row(c)
            PCA.flipSign(&row)
            for j in 0..<x.cols { dir[c, j] = row[j] }
        }
        mean = [Double](repeating: 0, count: x.cols)
        directions = dir
        // Noisy second moments per component, floored at a tiny positive value for whitening.
        explainedVariance = values.prefix(components).map { max($0 / Double(max(x.rows - 1, 1)), 1e-12) }
        explainedVarianceRatio = []
    }

    public func transform(_ x: Matrix) throws -> Matrix {
        guard let dir = directions else { throw PrivLabError.invalidArgument("pca: transform before fit") }
        guard x.cols == dir.cols else { throw PrivLabError.shape("pca was fitted on \(dir.cols) features, got \(x.cols)") }
        var z = DoubleMatrix.product(DoubleMatrix(x).subtractingRow(mean), dir, transB: true)
        if whiten {
            let f = explainedVariance.map { 1 / $0.squareRoot() }
            for i in 0..<z.rows { for c in 0..<z.cols { z[i, c] *= f[c] } }
        }
        return z.float
    }
}
