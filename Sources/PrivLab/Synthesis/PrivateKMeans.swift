import Foundation

/// k-means whose every look at the data is a Gaussian mechanism ("DP Lloyd", Blum, Dwork, McSherry
/// & Nissim 2005; Su et al. 2016): rows are clipped to norm C, and each step releases, per cluster,
/// the noisy sum of its rows and its noisy count. One record sits in one cluster and moves the
/// vector (Σx/C, count) of that cluster by at most √2, so a step is one Gaussian mechanism with
/// noise multiplier σ (noise σ·√2·C on sums, σ·√2 on counts). Steps: a noisy mean to start from
/// (the centres begin as it plus data-independent random offsets of norm C/4), `iterations`
/// updates, and the noisy sizes of the final clusters — `iterations + 2` unsampled Gaussian steps.
struct PrivateKMeans {
    var k: Int
    var iterations: Int
    var noise: Double
    var clip: Double
    var seed: UInt64

    var steps: Int { iterations + 2 }

    /// Centres, the noisy size of each final cluster, and each row's cluster.
    func fit(_ rows: [[Float]], dimension d: Int) throws -> (centers: [[Double]], sizes: [Double], assignment: [Int]) {
        var rng = RNG(seed: seed)
        let std = noise * 2.squareRoot()
        func noisyStatistics(_ assignment: [Int], _ clusters: Int) -> (sums: [[Double]], counts: [Double]) {
            var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: clusters)
            var counts = [Double](repeating: 0, count: clusters)
            for (r, c) in zip(rows, assignment) {
                counts[c] += 1
                for j in 0..<d { sums[c][j] += Double(r[j]) }
            }
            for c in 0..<clusters {
                for j in 0..<d { sums[c][j] += std * clip * rng.normal() }
                counts[c] += std * rng.normal()
            }
            return (sums, counts)
        }
        let start = noisyStatistics([Int](repeating: 0, count: rows.count), 1)
        let mean = start.sums[0].map { $0 / max(start.counts[0], 1) }
        var centers = (0..<k).map { _ -> [Double] in
            let v = (0..<d).map { _ in rng.normal() }
            let n = max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            return zip(mean, v).map { $0 + $1 / n * clip / 4 }
        }
        for _ in 0..<iterations {
            let s = noisyStatistics(assign(rows, centers), k)
            for c in 0..<k where s.counts[c] >= 1 { centers[c] = s.sums[c].map { $0 / s.counts[c] } }
        }
        let assignment = assign(rows, centers)
        let sizes = noisyStatistics(assignment, k).counts
        return (centers, sizes, assignment)
    }

    /// The nearest centre of each row (ties to the lower index), distances by one product.
    func assign(_ rows: [[Float]], _ centers: [[Double]]) -> [Int] {
        assignNearest(rows, centers)
    }
}

/// The nearest of `centers` for each row (squared Euclidean distance through a BLAS product).
func assignNearest(_ rows: [[Float]], _ centers: [[Double]]) -> [Int] {
    guard let d = centers.first?.count, !rows.isEmpty else { return [Int](repeating: 0, count: rows.count) }
    var x = Matrix(rows: rows.count, cols: d), c = Matrix(rows: centers.count, cols: d)
    x.data = rows.flatMap { $0 }
    c.data = centers.flatMap { $0.map(Float.init) }
    var cross = Matrix(rows: rows.count, cols: centers.count)
    // The shapes agree by construction (every row and centre has d entries), so the product cannot
    // fail; an empty result is the safe answer if it ever did.
    guard (try? Matrix.gemm(x, c, transB: .transposed, into: &cross)) != nil else { return [Int](repeating: 0, count: rows.count) }
    let norms = centers.map { $0.reduce(0) { $0 + $1 * $1 } }
    return (0..<rows.count).map { i in
        var best = 0, bestDistance = Double.infinity
        for j in 0..<centers.count {
            let v = norms[j] - 2 * Double(cross[i, j])
            if v < bestDistance { bestDistance = v; best = j }
        }
        return best
    }
}
