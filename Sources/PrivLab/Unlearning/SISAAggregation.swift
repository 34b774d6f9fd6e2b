/// Combining constituent outputs into one prediction (Bourtoule et al. 2021, §IV-D). Every rule is
/// deterministic: ties go to the lowest class index.
enum SISAAggregation {
    /// Weighted majority vote; returns each class's share of the (weighted) votes.
    static func vote(_ probs: [Matrix?], weights: [Double], classes k: Int, rows n: Int) -> Matrix {
        var out = Matrix(rows: n, cols: k)
        var total = 0.0
        for (p, w) in zip(probs, weights) {
            guard let p = p, w > 0 else { continue }
            total += w
            for (i, c) in p.argmaxRows().enumerated() { out[i, c] += Float(w) }
        }
        if total > 0 { out.data = out.data.map { $0 / Float(total) } }
        return out
    }

    /// Weighted mean of the constituents' class probabilities.
    static func mean(_ probs: [Matrix?], weights: [Double], classes k: Int, rows n: Int) -> Matrix {
        var sum = [Double](repeating: 0, count: n * k)
        var total = 0.0
        for (p, w) in zip(probs, weights) {
            guard let p = p, w > 0 else { continue }
            total += w
            for i in 0..<(n * k) { sum[i] += w * Double(p.data[i]) }
        }
        var out = Matrix(rows: n, cols: k)
        if total > 0 { out.data = sum.map { Float($0 / total) } }
        return out
    }

    /// The stacking meta-learner's input: every constituent's probabilities side by side (a missing
    /// constituent — an empty shard — contributes the uniform distribution).
    static func stackFeatures(_ probs: [Matrix?], classes k: Int, rows n: Int) -> Matrix {
        let s = probs.count
        var out = Matrix(rows: n, cols: s * k)
        for (j, p) in probs.enumerated() {
            for i in 0..<n {
                for c in 0..<k { out[i, j * k + c] = p?[i, c] ?? 1 / Float(k) }
            }
        }
        return out
    }
}
