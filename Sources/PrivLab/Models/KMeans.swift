import Foundation

/// k-means clustering: Lloyd's iterations from k-means++ seeds (Arthur & Vassilvitskii, SODA 2007),
/// best of `restarts` runs by inertia (sum of squared distances to the nearest centre).
/// Distances go through one GEMM per iteration: ‖x − c‖² = ‖x‖² − 2x·c + ‖c‖².
public final class KMeans {
    public enum Initialization: String, Codable, Sendable, CaseIterable { case kmeansPlusPlus = "kmeans++", random }

    public struct Options: Codable, Equatable, Sendable {
        public var k = 8
        public var initialization: Initialization = .kmeansPlusPlus
        public var restarts = 4
        public var maxIterations = 300
        public var tolerance = 1e-6
        public var seed: UInt64 = 1
        public init() {}
        func validate() throws {
            guard k >= 1 else { throw PrivLabError.invalidArgument("k must be at least 1") }
            guard restarts >= 1 else { throw PrivLabError.invalidArgument("restarts must be at least 1") }
            guard maxIterations >= 1 else { throw PrivLabError.invalidArgument("max_iter must be at least 1") }
            guard tolerance >= 0 else { throw PrivLabError.invalidArgument("tol must be non-negative") }
        }
    }

    public let options: Options
    /// `k × features` cluster centres.
    public private(set) var centers = Matrix(rows: 0, cols: 0)
    public private(set) var inertia = Double.infinity
    public private(set) var iterations = 0
    public var isFitted: Bool { centers.rows > 0 }

    public init(options: Options = Options()) throws {
        try options.validate()
        self.options = options
    }

    /// Squared distances `n × k` from every row of `x` to every centre.
    static func squaredDistances(_ x: Matrix, _ c: Matrix) throws -> Matrix {
        var d = Matrix(rows: x.rows, cols: c.rows)
        try Matrix.gemm(x, c, transB: .transposed, alpha: -2, into: &d)
        let xn = x.rowNormsSquared(), cn = c.rowNormsSquared()
        let k = c.rows
        d.data.withUnsafeMutableBufferPointer { p in
            for i in 0..<x.rows { for j in 0..<k { p[i * k + j] = max(0, p[i * k + j] + xn[i] + cn[j]) } }
        }
        return d
    }

    /// k-means++ seeding: the first centre uniformly, each next one with probability ∝ D(x)², the
    /// squared distance to the nearest centre chosen so far.
    static func plusPlus(_ x: Matrix, k: Int, rng: inout RNG) throws -> Matrix {
        var chosen = [rng.int(below: x.rows)]
        var d2 = try squaredDistances(x, x.rows([chosen[0]])).data.map(Double.init)
        while chosen.count < k {
            let total = d2.reduce(0, +)
            let next = total > 0 ? rng.categorical(d2) : rng.int(below: x.rows)
            chosen.append(next)
            let dn = try squaredDistances(x, x.rows([next]))
            for i in 0..<x.rows { d2[i] = min(d2[i], Double(dn.data[i])) }
        }
        return x.rows(chosen)
    }

    public func fit(_ x: Matrix) throws {
        guard x.rows >= options.k else { throw PrivLabError.invalidArgument("kmeans: \(x.rows) points cannot make \(options.k) clusters") }
        if x.hasNonFinite { throw PrivLabError.invalidArgument("kmeans: the data has NaN or infinite values") }
        var rng = RNG(seed: options.seed)
        var best: (Matrix, Double, Int)? = nil
        for _ in 0..<options.restarts {
            var run = rng.split()
            var c = options.initialization == .random ? x.rows(try run.sample(x.rows, options.k)) : try Self.plusPlus(x, k: options.k, rng: &run)
            var previous = Double.infinity
            var it = 0
            var cost = 0.0
            while it < options.maxIterations {
                try WorkBudget.checkpoint()
                it += 1
                let d = try Self.squaredDistances(x, c)
                let assign = d.argminRows()
                cost = zip(0..<x.rows, assign).reduce(0.0) { $0 + Double(d[$1.0, $1.1]) }
                var sums = [Double](repeating: 0, count: options.k * x.cols)
                var counts = [Int](repeating: 0, count: options.k)
                for i in 0..<x.rows {
                    let a = assign[i]
                    counts[a] += 1
                    for j in 0..<x.cols { sums[a * x.cols + j] += Double(x[i, j]) }
                }
                for a in 0..<options.k {
                    if counts[a] == 0 {
                        // An empty cluster takes the point farthest from its centre.
                        let far = (0..<x.rows).max { d[$0, assign[$0]] < d[$1, assign[$1]] }!
                        for j in 0..<x.cols { c[a, j] = x[far, j] }
                    } else {
                        for j in 0..<x.cols { c[a, j] = Float(sums[a * x.cols + j] / Double(counts[a])) }
                    }
                }
                if previous.isFinite && previous - cost <= options.tolerance * max(previous, 1e-12) { break }
                previous = cost
            }
            let final = try Self.squaredDistances(x, c)
            cost = final.argminRows().enumerated().reduce(0.0) { $0 + Double(final[$1.offset, $1.element]) }
            if best == nil || cost < best!.1 { best = (c, cost, it) }
        }
        (centers, inertia, iterations) = best!
    }

    /// Restores a fitted state (model files).
    func restore(centers c: Matrix, inertia: Double, iterations: Int) {
        centers = c
        self.inertia = inertia
        self.iterations = iterations
    }

    /// Index of the nearest centre for each row.
    public func predict(_ x: Matrix) throws -> [Int] {
        guard isFitted else { throw PrivLabError.invalidArgument("kmeans: not fitted yet") }
        guard x.cols == centers.cols else { throw PrivLabError.shape("kmeans was fitted on \(centers.cols) features, got \(x.cols)") }
        return try Self.squaredDistances(x, centers).argminRows()
    }
}

extension Matrix {
    /// ‖row‖² for every row.
    /// Index of the smallest element of each row.
    public func argminRows() -> [Int] { map { -$0 }.argmaxRows() }
}
