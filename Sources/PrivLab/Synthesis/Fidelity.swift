import Foundation

/// How close a release is to the real data, and how close to its individual records.
public enum Fidelity {
    /// Squared distances between every row of `a` and every row of `b` (‖a‖² − 2a·b + ‖b‖², one product).
    static func squaredDistances(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        var cross = Matrix(rows: a.rows, cols: b.rows)
        try Matrix.gemm(a, b, transB: .transposed, into: &cross)
        let na = a.rowNormsSquared(), nb = b.rowNormsSquared()
        for i in 0..<a.rows { for j in 0..<b.rows { cross[i, j] = max(0, na[i] - 2 * cross[i, j] + nb[j]) } }
        return cross
    }

    /// The unbiased estimate of the squared maximum mean discrepancy (Gretton et al. 2012, eq. 3)
    /// between two samples under the Gaussian kernel exp(−‖x − y‖²/(2h²)); h is the median pairwise
    /// distance of the pooled samples when not given (the median heuristic). At most `limit` rows
    /// of each sample are used (a seeded subsample).
    public static func mmd(_ a: Dataset, _ b: Dataset, bandwidth: Double? = nil, limit: Int = 1000, seed: UInt64 = 1) throws -> (mmd2: Double, bandwidth: Double) {
        guard a.featureCount == b.featureCount else { throw PrivLabError.shape("mmd: \(a.featureCount) features against \(b.featureCount)") }
        guard a.size >= 2, b.size >= 2 else { throw PrivLabError.invalidArgument("mmd: each sample needs at least 2 records") }
        var rng = RNG(seed: seed)
        func sub(_ d: Dataset) throws -> Matrix { d.size <= limit ? d.features : d.rows(try rng.sample(d.size, limit).sorted()).features }
        let x = try sub(a), y = try sub(b)
        let dxx = try squaredDistances(x, x), dyy = try squaredDistances(y, y), dxy = try squaredDistances(x, y)
        let h: Double
        if let bw = bandwidth {
            guard bw > 0 else { throw PrivLabError.invalidArgument("mmd: bandwidth must be positive") }
            h = bw
        } else {
            var all = [Float]()
            for i in 0..<x.rows { for j in (i + 1)..<x.rows { all.append(dxx[i, j]) } }
            all += dxy.data
            all.sort()
            h = max(Double(all[all.count / 2]).squareRoot(), 1e-12)
        }
        let g = -1 / (2 * h * h)
        func mean(_ m: Matrix, offDiagonal: Bool) -> Double {
            var s = 0.0
            for i in 0..<m.rows { for j in 0..<m.cols where !(offDiagonal && i == j) { s += exp(g * Double(m[i, j])) } }
            return s / Double(offDiagonal ? m.rows * (m.rows - 1) : m.rows * m.cols)
        }
        return (mean(dxx, offDiagonal: true) + mean(dyy, offDiagonal: true) - 2 * mean(dxy, offDiagonal: false), h)
    }

    /// Per-class moment gaps between a release and real data: the mean over classes (present in both)
    /// of ‖μ̃_c − μ_c‖ and of ‖Σ̃_c − Σ_c‖_F (biased covariances), each relative to the real
    /// class's ‖μ_c‖ resp. ‖Σ_c‖_F so that data sets of any scale compare.
    public static func momentGaps(_ release: Dataset, _ real: Dataset) throws -> (mean: Double, covariance: Double) {
        guard release.featureCount == real.featureCount else { throw PrivLabError.shape("fidelity: \(release.featureCount) features against \(real.featureCount)") }
        func moments(_ d: Dataset, _ c: Int) -> ([Double], DoubleMatrix)? {
            let rows = d.labels.indices.filter { d.labels[$0] == c }
            guard rows.count >= 2 else { return nil }
            let x = DoubleMatrix(d.features).rows(rows)
            let mu = x.columnMeans
            let centred = x.subtractingRow(mu)
            var cov = DoubleMatrix.product(centred, centred, transA: true)
            cov.data = cov.data.map { $0 / Double(rows.count) }
            return (mu, cov)
        }
        var meanGap = 0.0, covGap = 0.0, classes = 0
        for c in 0..<min(release.classes, real.classes) {
            guard let (m1, s1) = moments(release, c), let (m0, s0) = moments(real, c) else { continue }
            let dm = zip(m1, m0).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            let nm = m0.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            let ds = zip(s1.data, s0.data).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            let ns = s0.data.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            meanGap += dm / max(nm, 1e-12)
            covGap += ds / max(ns, 1e-12)
            classes += 1
        }
        guard classes > 0 else { throw PrivLabError.invalidArgument("fidelity: no class has two records in both data sets") }
        return (meanGap / Double(classes), covGap / Double(classes))
    }

    /// Distance from each record of `data` to its closest row of `release`.
    public static func closestDistances(_ data: Dataset, to release: Dataset) throws -> [Double] {
        guard data.featureCount == release.featureCount else { throw PrivLabError.shape("dcr: \(data.featureCount) features against \(release.featureCount)") }
        guard release.size > 0 else { throw PrivLabError.invalidArgument("dcr: the release is empty") }
        var out = [Double]()
        for start in stride(from: 0, to: data.size, by: 512) {
            let block = data.rows(Array(start..<min(start + 512, data.size))).features
            let d = try squaredDistances(block, release.features)
            for i in 0..<d.rows { out.append(Double((0..<d.cols).reduce(Float.infinity) { min($0, d[i, $1]) }).squareRoot()) }
        }
        return out
    }

    /// The distance-to-closest-record attack on a release: a record is guessed a member the closer
    /// the release comes to it; the result is that guess's ROC.
    public static func closestRecordAttack(release: Dataset, members: Dataset, nonMembers: Dataset) throws -> MembershipMetrics {
        try closestRecordAttack(memberDistances: try closestDistances(members, to: release),
                                nonMemberDistances: try closestDistances(nonMembers, to: release))
    }

    /// The same from distances already measured (the closer, the more likely a member).
    public static func closestRecordAttack(memberDistances: [Double], nonMemberDistances: [Double]) throws -> MembershipMetrics {
        try MembershipMetrics(memberScores: memberDistances.map { -$0 }, nonMemberScores: nonMemberDistances.map { -$0 })
    }
}
