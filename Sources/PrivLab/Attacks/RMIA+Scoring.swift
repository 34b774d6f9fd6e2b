import Foundation

// RMIA's arithmetic, pure and static so tests can pin it against a NumPy recomputation of the
// reference formulas (Tests/PrivLabTests/Fixtures/make_rmia_reference.py).
extension RMIA {
    /// log Pr(x | θ) for each row: the log-probability of the label under `signal` at `temperature`.
    public static func logSignal(logits z: Matrix, labels: [Int], temperature t: Double, signal: Signal) -> [Double] {
        labels.enumerated().map { i, y in
            let row = (0..<z.cols).map { Double(z[i, $0]) / t }
            switch signal {
            case .softmax:
                let top = row.max() ?? 0
                return row[y] - top - Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - top) })
            case .taylorSoftMargin(let m, let order):
                func taylor(_ u: Double) -> Double {
                    var term = 1.0, sum = 1.0
                    for k in 1..<order { term *= u / Double(k); sum += term }
                    return sum
                }
                let own = taylor(row[y] - m)
                let others = row.indices.filter { $0 != y }.reduce(0.0) { $0 + taylor(row[$1]) }
                return Foundation.log(max(own / (others + own), 1e-300))
            }
        }
    }

    /// log of the (trimmed) mean of probabilities given as logs, by log-sum-exp; −∞ for none.
    public static func logAverage(_ logs: [Double], _ averaging: Averaging) -> Double {
        var v = logs
        if case .trimmed(let f) = averaging {
            let cut = Int((f * Double(v.count)).rounded(.down))
            v.sort()
            v = Array(v[cut..<(v.count - cut)])
        }
        guard let top = v.max(), top.isFinite else { return -.infinity }
        return top + Foundation.log(v.reduce(0) { $0 + Foundation.exp($1 - top) }) - Foundation.log(Double(v.count))
    }

    /// log Pr(x) offline: log ½((1 + a)·Pr_OUT(x) + (1 − a)), from log Pr_OUT(x).
    public static func logOfflinePrior(_ logOut: Double, a: Double) -> Double {
        guard logOut.isFinite else { return -.infinity }
        if a >= 1 { return logOut }
        return Foundation.log(0.5 * ((1 + a) * Foundation.exp(logOut) + (1 - a)))
    }

    /// score(x) = the share of population records z with log LR(x, z) = s_x − s_z > log γ, where
    /// s = log(Pr(·|θ)/Pr(·)); a record of the population is not compared with itself. Counting by
    /// binary search over the sorted s_z: O((|x| + |z|) log |z|).
    public static func pairwiseScores(x: [(id: Int, value: Double)], z: [(id: Int, value: Double)], gamma: Double) -> [Double] {
        let sorted = z.map(\.value).sorted()
        let zIds = Set(z.map(\.id))
        let logGamma = Foundation.log(gamma)
        return x.map { r in
            guard r.value.isFinite else { return 0 }
            // Count of z with s_z < s_x − log γ (strict).
            let bound = r.value - logGamma
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] < bound { lo = mid + 1 } else { hi = mid }
            }
            var count = lo, n = sorted.count
            if zIds.contains(r.id) {
                n -= 1
                if gamma < 1 { count -= 1 }   // its own pair has LR = 1, counted only when γ < 1
            }
            return n > 0 ? Double(count) / Double(n) : 0
        }
    }

    /// The offline `a`: fixed, or tuned on the grid 0, 0.1, …, 1 by attacking reference model 0
    /// (its training records are known) with the other models as references, over the population
    /// (ties keep the smaller a, as the library's strict comparison does).
    func offlineA(_ refs: ReferenceModels, population: Dataset, signal: (Predictor, Dataset) throws -> [Double]) throws -> Double {
        if case .fixed(let a) = options.offlineA { return a }
        guard refs.models.count >= 2 else { return 0.3 }
        let standIn = refs.models[0]
        let others = ReferenceModels(models: Array(refs.models.dropFirst()))
        let targetSignal = try signal(standIn.classifier, population)
        let obs = try others.observations(population) { try signal($0, population) }
        let logOut = obs.out.map { Self.logAverage($0, options.averaging) }
        let isMember = population.ids.map { standIn.trainedOn.contains($0) }
        guard isMember.contains(true), isMember.contains(false) else { return 0.3 }
        var best = (a: 0.0, auc: -1.0)
        for step in 0...10 {
            let a = Double(step) / 10
            let s = population.ids.indices.map { i -> (id: Int, value: Double) in
                let prior = Self.logOfflinePrior(logOut[i], a: a)
                return (population.ids[i], prior.isFinite ? targetSignal[i] - prior : -.infinity)
            }
            let scores = Self.pairwiseScores(x: s, z: s.filter { $0.value.isFinite }, gamma: options.gamma)
            let auc = try ROCCurve(positiveScores: scores.indices.filter { isMember[$0] }.map { scores[$0] },
                                   negativeScores: scores.indices.filter { !isMember[$0] }.map { scores[$0] }).auc
            if auc > best.auc { best = (a, auc) }
        }
        return best.a
    }
}
