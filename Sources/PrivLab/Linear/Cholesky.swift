import Foundation

/// The Cholesky factor of a small symmetric positive-definite matrix, in Double (covariances of a
/// Gaussian mixture, Newton steps of logistic regression): A = L·Lᵀ with L lower triangular.
public struct Cholesky: Sendable {
    /// L, row-major d × d (zeros above the diagonal).
    public let lower: [Double]
    public let dimension: Int

    /// Factors A (row-major d × d; only its lower triangle is read); nil when A is not positive
    /// definite.
    public init?(_ a: [Double], dimension d: Int) {
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = a[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                if i == j {
                    guard s > 0 else { return nil }
                    l[i * d + i] = s.squareRoot()
                } else {
                    l[i * d + j] = s / l[j * d + j]
                }
            }
        }
        lower = l
        dimension = d
    }

    /// log det A = 2 Σ log Lᵢᵢ.
    public var logDeterminant: Double { (0..<dimension).reduce(0) { $0 + 2 * log(lower[$1 * dimension + $1]) } }

    /// The solution x of A·x = b (forward, then backward substitution).
    public func solve(_ b: [Double]) -> [Double] {
        let d = dimension, l = lower
        var z = b
        for i in 0..<d { for k in 0..<i { z[i] -= l[i * d + k] * z[k] }; z[i] /= l[i * d + i] }
        for i in stride(from: d - 1, through: 0, by: -1) { for k in (i + 1)..<d { z[i] -= l[k * d + i] * z[k] }; z[i] /= l[i * d + i] }
        return z
    }
}
