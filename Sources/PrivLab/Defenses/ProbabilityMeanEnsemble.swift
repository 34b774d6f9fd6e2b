import Foundation

/// A query-time ensemble whose answer is a mean of its members' probability vectors (PASE,
/// Split-AI): it has no logits of its own, so its scores, accuracy and per-record loss all come
/// from that mean, written once here.
public protocol ProbabilityMeanEnsemble: Predictor {}

extension ProbabilityMeanEnsemble {
    /// Log-probabilities of the answer (what softmax turns back into it).
    public func logits(_ x: Matrix) throws -> Matrix {
        var p = try predictProba(x, temperature: 1)
        p.data = p.data.map { Float(log(max(Double($0), 1e-12))) }
        return p
    }
    public func accuracy(_ ds: Dataset) throws -> Double {
        let p = try predict(ds.features)
        return Double(zip(p, ds.labels).filter { $0 == $1 }.count) / Double(max(ds.size, 1))
    }
    /// The cross-entropy of the released answer at each record's label.
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] {
        let p = try releasedProbabilities(ds.features)
        return ds.labels.enumerated().map { r, y in -log(max(Double(p[r, y]), 1e-12)) }
    }
}
