import Foundation

/// Numerically stable softmax, log-softmax and log-sum-exp over the rows of a matrix.
///
/// Each row is shifted by its maximum before exponentiating (log Σ exp(x) = m + log Σ exp(x − m)),
/// so logits in the thousands neither overflow nor lose the small probabilities.
public enum Softmax {
    /// log Σⱼ exp(x[i, j]) for every row i.
    public static func logSumExpRows(_ x: Matrix) -> [Float] {
        let c = x.cols
        return x.data.withUnsafeBufferPointer { d in
            (0..<x.rows).map { i in
                let base = i * c
                var m = -Float.infinity
                for j in 0..<c { m = max(m, d[base + j]) }
                if m == -Float.infinity { return -Float.infinity }
                if !m.isFinite { return m }
                var s: Float = 0
                for j in 0..<c { s += expf(d[base + j] - m) }
                return m + logf(s)
            }
        }
    }

    /// Row-wise softmax with temperature `t` (probabilities ∝ exp(x / t)).
    public static func probabilities(_ x: Matrix, temperature t: Float = 1) -> Matrix {
        var out = x
        let c = x.cols
        let invT = 1 / t
        out.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<x.rows {
                let base = i * c
                var m = -Float.infinity
                for j in 0..<c { m = max(m, d[base + j] * invT) }
                var s: Float = 0
                for j in 0..<c {
                    let e = expf(d[base + j] * invT - m)
                    d[base + j] = e
                    s += e
                }
                let inv = 1 / s
                for j in 0..<c { d[base + j] *= inv }
            }
        }
        return out
    }

    /// Row-wise log-softmax with temperature `t`.
    public static func logProbabilities(_ x: Matrix, temperature t: Float = 1) -> Matrix {
        let scaled = t == 1 ? x : x.scaled(1 / t)
        let lse = logSumExpRows(scaled)
        var out = scaled
        let c = x.cols
        out.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<x.rows {
                for j in 0..<c { d[i * c + j] -= lse[i] }
            }
        }
        return out
    }
}
