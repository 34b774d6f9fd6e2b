import Foundation

/// Arithmetic on numbers held as their logarithms, for sums whose terms over- and underflow (the
/// RDP accountant's, the normal distribution's tails). Numerics, so it sits with Linear: below Privacy.
enum LogSpace {
    /// log(eˣ + eʸ).
    static func add(_ x: Double, _ y: Double) -> Double {
        let (a, b) = (min(x, y), max(x, y))
        if a == -Double.infinity { return b }
        return log1p(exp(a - b)) + b
    }

    /// log(eˣ − eʸ) for x ≥ y (−∞ when equal).
    static func sub(_ x: Double, _ y: Double) -> Double {
        if y == -Double.infinity { return x }
        if x == y { return -Double.infinity }
        precondition(x > y, "log-space subtraction of a larger number")
        return log(expm1(x - y)) + y
    }

    /// log(erfc(x)), accurate where erfc underflows (asymptotic series for large x).
    static func logErfc(_ x: Double) -> Double {
        if x < 10 { return log(erfc(x)) }
        // erfc(x) = e^{−x²}/(x√π) · (1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + 105/(16x⁸) …)
        let r = 1 / (x * x)
        let series = 1 - 0.5 * r + 0.75 * r * r - 1.875 * r * r * r + 6.5625 * r * r * r * r
        return -x * x - log(x) - 0.5 * log(Double.pi) + log(series)
    }
}
