import XCTest
import PrivLab

/// Points around known centres with the given standard deviation, interleaved.
func gaussians(_ centres: [[Double]], std: Double, perCluster: Int, seed: UInt64) throws -> Matrix {
    var rng = RNG(seed: seed)
    var rows = [[Float]]()
    for _ in 0..<perCluster {
        for c in centres { rows.append(c.map { Float($0 + std * rng.normal()) }) }
    }
    return try Matrix(rows)
}

final class KMeansTests: XCTestCase {
    /// k-means++ with restarts reaches the global optimum that exhaustive search over every
    /// assignment finds on tiny inputs.
    func testMatchesBruteForceOptimumOnTinyInputs() throws {
        for seed in UInt64(1)...5 {
            var rng = RNG(seed: seed)
            let n = 8
            let x = try Matrix((0..<n).map { _ in [Float(rng.normal()), Float(rng.normal())] })
            for k in [2, 3] {
                var best = Double.infinity
                var assign = [Int](repeating: 0, count: n)
                let total = Int(pow(Double(k), Double(n)))
                for code in 0..<total {
                    var c = code
                    for i in 0..<n { assign[i] = c % k; c /= k }
                    if Set(assign).count < k { continue }
                    var cost = 0.0
                    for cl in 0..<k {
                        let members = (0..<n).filter { assign[$0] == cl }
                        for j in 0..<2 {
                            let mean = members.reduce(0.0) { $0 + Double(x[$1, j]) } / Double(members.count)
                            cost += members.reduce(0.0) { $0 + pow(Double(x[$1, j]) - mean, 2) }
                        }
                    }
                    best = min(best, cost)
                }
                var o = KMeans.Options()
                o.k = k
                o.restarts = 10
                o.seed = seed
                let km = try KMeans(options: o)
                try km.fit(x)
                XCTAssertEqual(km.inertia, best, accuracy: 1e-4 * max(1, best), "seed \(seed), k \(k)")
            }
        }
    }

    func testRecoversSeparatedClustersAndPredicts() throws {
        let centres = [[-5.0, 0], [5, 0], [0, 6]]
        let x = try gaussians(centres, std: 0.4, perCluster: 50, seed: 2)
        var o = KMeans.Options()
        o.k = 3
        let km = try KMeans(options: o)
        try km.fit(x)
        for c in centres {
            let d = (0..<3).map { i in pow(Double(km.centers[i, 0]) - c[0], 2) + pow(Double(km.centers[i, 1]) - c[1], 2) }.min()!
            XCTAssertLessThan(d.squareRoot(), 0.2)
        }
        let p = try km.predict(x)
        XCTAssertEqual(Set(p).count, 3)
        XCTAssertEqual(p[0], p[3])
        XCTAssertThrowsError(try km.predict(Matrix(rows: 1, cols: 3)))
        XCTAssertThrowsError(try KMeans(options: o).fit(Matrix(rows: 2, cols: 2)))
        // Duplicate points: every cluster still gets a centre.
        let dup = try Matrix([[0, 0], [0, 0], [0, 0], [1, 1]])
        var o2 = KMeans.Options()
        o2.k = 2
        let k2 = try KMeans(options: o2)
        try k2.fit(dup)
        XCTAssertEqual(k2.inertia, 0, accuracy: 1e-6)
    }
}

final class GaussianMixtureTests: XCTestCase {
    let centres = [[-5.0, 0], [5, 0], [0, 6]]

    func testRecoversMeansOfSeparatedBlobsWithBothCovariances() throws {
        let x = try gaussians(centres, std: 0.5, perCluster: 300, seed: 3)
        for cov in GaussianMixture.Covariance.allCases {
            var o = GaussianMixture.Options()
            o.components = 3
            o.covariance = cov
            let g = try GaussianMixture(options: o)
            try g.fit(x)
            XCTAssertTrue(g.converged)
            for c in centres {
                let m = g.means.min { zip($0, c).map { pow($0 - $1, 2) }.reduce(0, +) < zip($1, c).map { pow($0 - $1, 2) }.reduce(0, +) }!
                XCTAssertEqual(m[0], c[0], accuracy: 0.1)
                XCTAssertEqual(m[1], c[1], accuracy: 0.1)
            }
            for w in g.weights { XCTAssertEqual(w, 1.0 / 3, accuracy: 0.01) }
            // EM never decreases the likelihood (Dempster et al. 1977, Theorem 1).
            for (a, b) in zip(g.trace, g.trace.dropFirst()) { XCTAssertGreaterThanOrEqual(b, a - 1e-9) }
        }
    }

    /// One full-covariance component is the maximum-likelihood Gaussian: sample mean and the
    /// (1/n) sample covariance, exactly.
    func testSingleComponentIsTheMaximumLikelihoodGaussian() throws {
        var rng = RNG(seed: 4)
        let x = try Matrix((0..<500).map { _ -> [Float] in
            let a = rng.normal(), b = rng.normal()
            return [Float(1 + 2 * a), Float(-1 + a + 0.5 * b)]
        })
        var o = GaussianMixture.Options()
        o.components = 1
        o.regularization = 0
        let g = try GaussianMixture(options: o)
        try g.fit(x)
        let n = 500.0
        let mx = (0..<500).reduce(0.0) { $0 + Double(x[$1, 0]) } / n, my = (0..<500).reduce(0.0) { $0 + Double(x[$1, 1]) } / n
        XCTAssertEqual(g.means[0][0], mx, accuracy: 1e-9)
        XCTAssertEqual(g.means[0][1], my, accuracy: 1e-9)
        let sxy = (0..<500).reduce(0.0) { $0 + (Double(x[$1, 0]) - mx) * (Double(x[$1, 1]) - my) } / n
        let sxx = (0..<500).reduce(0.0) { $0 + pow(Double(x[$1, 0]) - mx, 2) } / n
        XCTAssertEqual(g.covariances[0][1], sxy, accuracy: 1e-9)
        XCTAssertEqual(g.covariances[0][0], sxx, accuracy: 1e-9)
        // log-density against the closed form of a bivariate normal.
        let syy = g.covariances[0][3], det = sxx * syy - sxy * sxy
        let dx = Double(x[0, 0]) - mx, dy = Double(x[0, 1]) - my
        let maha = (syy * dx * dx - 2 * sxy * dx * dy + sxx * dy * dy) / det
        XCTAssertEqual(try g.scoreSamples(x.rows([0]))[0], -log(2 * Double.pi) - 0.5 * log(det) - 0.5 * maha, accuracy: 1e-9)
    }

    func testBICPrefersTheTrueNumberOfComponentsAndSamplingFollowsTheModel() throws {
        let x = try gaussians(centres, std: 0.5, perCluster: 200, seed: 5)
        var bics = [Int: Double]()
        for k in [1, 2, 3, 5] {
            var o = GaussianMixture.Options()
            o.components = k
            o.restarts = 2
            let g = try GaussianMixture(options: o)
            try g.fit(x)
            bics[k] = try g.bic(x)
        }
        XCTAssertEqual(bics.min { $0.value < $1.value }!.key, 3)
        var o = GaussianMixture.Options()
        o.components = 3
        o.covariance = .diag
        let g = try GaussianMixture(options: o)
        try g.fit(x)
        let (s, comps) = try g.sample(3000, seed: 9)
        XCTAssertEqual(s.rows, 3000)
        for c in 0..<3 {
            let rows = comps.indices.filter { comps[$0] == c }
            XCTAssertEqual(Double(rows.count) / 3000, g.weights[c], accuracy: 0.03)
            let m0 = rows.reduce(0.0) { $0 + Double(s[$1, 0]) } / Double(rows.count)
            XCTAssertEqual(m0, g.means[c][0], accuracy: 0.1)
        }
        XCTAssertEqual(try g.sample(5, seed: 1).0, try g.sample(5, seed: 1).0)
        let proba = try g.predictProba(x)
        for p in proba.prefix(20) { XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-9) }
        XCTAssertThrowsError(try g.score(Matrix(rows: 1, cols: 5)))
        XCTAssertThrowsError(try GaussianMixture(options: o).fit(Matrix(rows: 2, cols: 2)))
    }
}
