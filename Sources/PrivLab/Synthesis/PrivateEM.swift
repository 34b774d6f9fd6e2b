import Foundation

/// A diagonal-covariance Gaussian mixture fitted by expectation–maximisation whose every M-step is
/// one Gaussian mechanism on the sufficient statistics — DP-EM (Park, Foulds, Chaudhuri & Welling,
/// "DP-EM: Differentially private expectation maximization", AISTATS 2017, §3: noise on the M-step
/// moments). 3A's Approximate step fits a mixture model per class (Madl et al., arXiv 2307.01875,
/// §3.1); the 3A text does not say how it is made private, so this is our choice, stated here.
///
/// Rows are clipped to norm C. Per component k the M-step releases N_k = Σᵢ rᵢₖ, S_k = Σᵢ rᵢₖ xᵢ and
/// Q_k = Σᵢ rᵢₖ xᵢ² (element-wise), rᵢ the responsibilities (non-negative, summing to 1). One record
/// moves (N/1, S/C, Q/C²) by a vector of squared norm Σₖ rₖ²(1 + ‖x‖²/C² + ‖x²‖²/C⁴) ≤ 3, so adding
/// noise of std σ·√3 to each scaled entry makes the step one Gaussian mechanism of multiplier σ.
/// The start is DP k-means (`PrivateKMeans`, its own `iterations + 2` steps of the same σ) with
/// equal weights and a data-independent variance C²/d; the final hard assignment's noisy sizes are
/// one more step. In all: kmeansIterations + 2 + iterations + 1 Gaussian steps.
struct PrivateEM {
    var k: Int
    var iterations: Int
    var kmeansIterations: Int
    var noise: Double
    var clip: Double
    var seed: UInt64
    /// Variances are floored at floor·C²/d (a noisy second moment can fall below the squared mean).
    var floor = 1e-3

    var steps: Int { kmeansIterations + 2 + iterations + 1 }

    struct Fit { var weights: [Double]; var means: [[Double]]; var variances: [[Double]]; var sizes: [Double]; var assignment: [Int] }

    func fit(_ rows: [[Float]], dimension d: Int) throws -> Fit {
        let km = PrivateKMeans(k: k, iterations: kmeansIterations, noise: noise, clip: clip, seed: seed)
        var means = try km.fit(rows, dimension: d).centers
        var variances = [[Double]](repeating: [Double](repeating: clip * clip / Double(d), count: d), count: k)
        var weights = [Double](repeating: 1 / Double(k), count: k)
        var rng = RNG(seed: mix64(seed ^ 0xE3_0000))
        let std = noise * 3.squareRoot()
        let minimum = floor * clip * clip / Double(d)
        for _ in 0..<iterations {
            let r = responsibilities(rows, weights: weights, means: means, variances: variances)
            var n = [Double](repeating: 0, count: k)
            var s = [[Double]](repeating: [Double](repeating: 0, count: d), count: k), q = s
            for (i, row) in rows.enumerated() {
                for c in 0..<k where r[i][c] > 0 {
                    n[c] += r[i][c]
                    for j in 0..<d { let x = Double(row[j]); s[c][j] += r[i][c] * x; q[c][j] += r[i][c] * x * x }
                }
            }
            for c in 0..<k {
                n[c] += std * rng.normal()
                for j in 0..<d { s[c][j] += std * clip * rng.normal(); q[c][j] += std * clip * clip * rng.normal() }
            }
            // Post-processing of the noisy moments; a component whose noisy mass is below 1 keeps
            // its previous parameters (dividing by a near-zero count would only amplify noise).
            for c in 0..<k where n[c] >= 1 {
                means[c] = s[c].map { $0 / n[c] }
                variances[c] = (0..<d).map { max(q[c][$0] / n[c] - means[c][$0] * means[c][$0], minimum) }
            }
            let mass = n.map { max($0, 1) }, total = mass.reduce(0, +)
            weights = mass.map { $0 / total }
        }
        let r = responsibilities(rows, weights: weights, means: means, variances: variances)
        let assignment = r.map { ri in ri.indices.max { ri[$0] < ri[$1] } ?? 0 }
        var sizes = [Double](repeating: 0, count: k)
        for a in assignment { sizes[a] += 1 }
        // The final sizes: one Gaussian step on the counts (a record moves one count by 1).
        sizes = sizes.map { $0 + noise * rng.normal() }
        return Fit(weights: weights, means: means, variances: variances, sizes: sizes, assignment: assignment)
    }

    /// Each row's posterior over the components (log-space, so far-off rows do not underflow).
    func responsibilities(_ rows: [[Float]], weights: [Double], means: [[Double]], variances: [[Double]]) -> [[Double]] {
        let logNorm = (0..<weights.count).map { c in log(max(weights[c], 1e-300)) - 0.5 * variances[c].reduce(0) { $0 + log(2 * Double.pi * $1) } }
        return rows.map { row in
            let logp = (0..<weights.count).map { c -> Double in
                var e = 0.0
                for j in 0..<row.count { let z = Double(row[j]) - means[c][j]; e += z * z / variances[c][j] }
                return logNorm[c] - 0.5 * e
            }
            let top = logp.max() ?? 0
            let w = logp.map { exp($0 - top) }, sum = w.reduce(0, +)
            return w.map { $0 / sum }
        }
    }
}
