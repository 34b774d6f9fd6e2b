import Foundation

/// ℓ-diversity measures of one equivalence class's sensitive values (Machanavajjhala, Kifer, Gehrke
/// & Venkitasubramaniam, "ℓ-Diversity: Privacy Beyond k-Anonymity", ICDE 2006 / TKDD 2007, §4).
public enum Diversity {
    /// Distinct ℓ: the number of different sensitive values in the class.
    public static func distinct(_ histogram: [Int]) -> Int { histogram.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }

    /// Entropy ℓ: exp of the entropy −Σ p log p of the class's values (Def. 4.1 asks it ≥ ℓ, i.e.
    /// entropy ≥ log ℓ); 1 for a class of one value, m for m values equally often.
    public static func entropyL(_ histogram: [Int]) -> Double {
        let n = Double(histogram.reduce(0, +))
        guard n > 0 else { return 0 }
        var h = 0.0
        for c in histogram where c > 0 {
            let p = Double(c) / n
            h -= p * log(p)
        }
        return exp(h)
    }
}

/// t-closeness's distance between a class's distribution P and the table's Q: the Earth Mover's
/// Distance (Li, Li & Venkatasubramanian, "t-Closeness: Privacy Beyond k-Anonymity and ℓ-Diversity",
/// ICDE 2007, §4.2), with the closed forms the paper derives for its two ground distances.
public enum Closeness {
    /// EMD between the class histogram (counts) and the distribution `q` (shares).
    public static func emd(_ histogram: [Int], _ q: [Double], distance: SensitiveDistance) -> Double {
        let n = Double(histogram.reduce(0, +))
        guard n > 0 else { return 0 }
        return emd(histogram.map { Double($0) / n }, q, distance: distance)
    }

    /// EMD between distributions `p` and `q` over the same m values.
    /// Ordered distance (§4.2, "EMD for numerical attributes"): (1/(m−1)) Σ_{i=1}^{m} |Σ_{j≤i} (p_j − q_j)|.
    /// Equal distance (§4.2, "EMD for categorical attributes"): ½ Σ |p_i − q_i|.
    public static func emd(_ p: [Double], _ q: [Double], distance: SensitiveDistance) -> Double {
        precondition(p.count == q.count, "distributions over different values")
        switch distance {
        case .equal:
            return 0.5 * zip(p, q).reduce(0) { $0 + abs($1.0 - $1.1) }
        case .ordered:
            guard p.count > 1 else { return 0 }
            var cumulative = 0.0, total = 0.0
            for i in 0..<p.count {
                cumulative += p[i] - q[i]
                total += abs(cumulative)
            }
            return total / Double(p.count - 1)
        }
    }
}
