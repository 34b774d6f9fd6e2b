import Foundation

/// Mutual information between a continuous feature and a discrete label by the nearest-neighbour
/// estimator of Ross (2014, "Mutual information between discrete and continuous data sets", eq. 2):
/// I = ψ(N) + ⟨ψ(k)⟩ − ⟨ψ(N_x)⟩ − ⟨ψ(m)⟩, where for each point d is the distance to its k-th
/// neighbour among points of its own label (k = min(3, N_x − 1)), and m counts all points closer
/// than d (itself included). As scikit-learn does, features are scaled to unit standard deviation
/// and jittered by 10⁻¹⁰·max(1, mean |x|) Gaussian noise so that repeated values do not make every
/// distance zero — our jitter comes from `seed`, so values match scikit-learn's to the jitter's
/// effect: exactly on data without repeated values, statistically on data with them.
enum MutualInformation {
    static func classif(_ x: DoubleMatrix, _ y: [Int], seed: UInt64, neighbours: Int = 3) -> [Double] {
        var rng = RNG(seed: seed)
        var columns = [[Double]]()
        for j in 0..<x.cols {
            var v = (0..<x.rows).map { x[$0, j] }
            let mean = v.reduce(0, +) / Double(v.count)
            let sd = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)).squareRoot()
            if sd > 0 { v = v.map { $0 / sd } }
            columns.append(v)
        }
        // Jitter drawn feature by feature after scaling, as scikit-learn's mutual_info_classif.
        for j in columns.indices {
            let scale = 1e-10 * max(1, columns[j].reduce(0) { $0 + abs($1) } / Double(x.rows))
            for i in columns[j].indices { columns[j][i] += scale * rng.normal() }
        }
        return columns.map { score($0, y, neighbours) }
    }

    static func score(_ c: [Double], _ y: [Int], _ neighbours: Int) -> Double {
        var byLabel = [Int: [Int]]()
        for (i, l) in y.enumerated() { byLabel[l, default: []].append(i) }
        var radius = [Double](repeating: 0, count: c.count), kAll = [Int](repeating: 0, count: c.count)
        var labelCount = [Int](repeating: 0, count: c.count)
        for (_, idx) in byLabel {
            for i in idx { labelCount[i] = idx.count }
            guard idx.count > 1 else { continue }
            let k = min(neighbours, idx.count - 1)
            let sorted = idx.map { c[$0] }.sorted()
            for i in idx {
                // The k-th nearest other value: merge outwards from the value's position.
                let v = c[i]
                var lo = lowerBound(sorted, v) - 1, hi = lowerBound(sorted, v) + 1   // skip one copy of itself
                var kth = 0.0
                for _ in 0..<k {
                    let dl = lo >= 0 ? v - sorted[lo] : .infinity
                    let dh = hi < sorted.count ? sorted[hi] - v : .infinity
                    if dl <= dh { kth = dl; lo -= 1 } else { kth = dh; hi += 1 }
                }
                radius[i] = kth.nextDown
                kAll[i] = k
            }
        }
        let keep = c.indices.filter { labelCount[$0] > 1 }
        guard !keep.isEmpty else { return 0 }
        let all = keep.map { c[$0] }.sorted()
        var sumK = 0.0, sumN = 0.0, sumM = 0.0
        for i in keep {
            // Points whose distance |c_j − c_i| is within the radius (inclusive), itself included.
            // The bounds c ± r are only a start: their rounding can take in a point at distance
            // just above r, so the edges are settled by the distance itself.
            let v = c[i], r = radius[i]
            var lo = lowerBound(all, v - r), hi = upperBound(all, v + r)
            while lo > 0 && abs(all[lo - 1] - v) <= r { lo -= 1 }
            while lo < hi && abs(all[lo] - v) > r { lo += 1 }
            while hi < all.count && abs(all[hi] - v) <= r { hi += 1 }
            while hi > lo && abs(all[hi - 1] - v) > r { hi -= 1 }
            let m = hi - lo
            sumK += digamma(Double(kAll[i]))
            sumN += digamma(Double(labelCount[i]))
            sumM += digamma(Double(m))
        }
        let n = Double(keep.count)
        return max(0, digamma(n) + sumK / n - sumN / n - sumM / n)
    }

    static func lowerBound(_ a: [Double], _ v: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] < v { lo = m + 1 } else { hi = m } }
        return lo
    }

    static func upperBound(_ a: [Double], _ v: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] <= v { lo = m + 1 } else { hi = m } }
        return lo
    }

    /// ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 6, then the asymptotic series.
    static func digamma(_ x0: Double) -> Double {
        var x = x0, r = 0.0
        while x < 6 { r -= 1 / x; x += 1 }
        let f = 1 / (x * x)
        return r + log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))
    }
}
