import Foundation

/// Per-record signals computed from a model's output probabilities, oriented so that **higher means
/// more likely a member** (Song & Mittal, "Systematic Evaluation of Privacy Risks of Machine
/// Learning Models", USENIX Security 2021, §3; Yeom et al., CSF 2018, for the loss).
public enum MembershipSignal: String, CaseIterable, Codable, Sendable {
    /// −loss = log p_y.
    case loss
    /// p_y, the confidence in the true class.
    case confidence
    /// −H(p): members get more peaked outputs.
    case entropy
    /// −Mentr(p, y) with Mentr = −(1 − p_y)·log p_y − Σ_{i≠y} p_i·log(1 − p_i): entropy that also
    /// knows the label (a confident wrong prediction scores low).
    case mentropy
    /// 1 if the prediction is right, else 0 (Yeom et al.'s "gap" attack).
    case correctness

    /// The signal for every row of `probs` with true labels `labels`.
    public func values(probs p: Matrix, labels: [Int]) -> [Double] {
        let k = p.cols
        let tiny = 1e-30
        return labels.enumerated().map { i, y in
            let row = (0..<k).map { Double(p[i, $0]) }
            let py = row[y]
            switch self {
            case .loss: return Foundation.log(max(py, tiny))
            case .confidence: return py
            case .entropy: return row.reduce(0) { $0 + ($1 > 0 ? $1 * Foundation.log($1) : 0) }
            case .mentropy:
                var m = -(1 - py) * Foundation.log(max(py, tiny))
                for j in 0..<k where j != y { m -= row[j] * Foundation.log(max(1 - row[j], tiny)) }
                return -m
            case .correctness:
                var arg = 0
                for j in 1..<max(k, 1) where row[j] > row[arg] { arg = j }
                return arg == y ? 1 : 0
            }
        }
    }
}

/// LiRA's statistic (Carlini et al. 2022, §4.2): the logit-scaled confidence
/// φ = log(p_y / (1 − p_y)) = z_y − log Σ_{j≠y} e^{z_j}, computed from the logits so it stays finite
/// when p_y rounds to 1.
public func logitScaledConfidence(logits z: Matrix, labels: [Int]) -> [Double] {
    labels.enumerated().map { i, y in
        var m = -Double.infinity
        for j in 0..<z.cols where j != y { m = max(m, Double(z[i, j])) }
        var s = 0.0
        for j in 0..<z.cols where j != y { s += Foundation.exp(Double(z[i, j]) - m) }
        return Double(z[i, y]) - (m + Foundation.log(s))
    }
}
