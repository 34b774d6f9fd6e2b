import Foundation

extension RNG {
    /// A Gamma(`shape`, 1) deviate by Marsaglia & Tsang's squeeze method (ACM TOMS 26(3), 2000,
    /// §4); for shape < 1 the boost G(a) = G(a + 1)·U^{1/a} of the same paper's §6. Used for
    /// Dirichlet draws (a vector of Gamma(αᵢ) deviates divided by their sum).
    public mutating func gamma(shape a: Double) -> Double {
        precondition(a > 0 && a.isFinite, "gamma(shape:) needs a positive finite shape")
        if a < 1 {
            let g = gamma(shape: a + 1)
            var u = uniform()
            while u == 0 { u = uniform() }
            return g * Foundation.pow(u, 1 / a)
        }
        let d = a - 1.0 / 3.0, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if u > 0, Foundation.log(u) < 0.5 * x * x + d * (1 - v + Foundation.log(v)) { return d * v }
        }
    }

    /// A draw from the Dirichlet distribution with these concentrations (all positive).
    public mutating func dirichlet(_ alpha: [Double]) -> [Double] {
        var g = alpha.map { gamma(shape: $0) }
        var total = g.reduce(0, +)
        // Tiny concentrations can underflow every deviate to 0: fall back to one-hot on a uniformly
        // drawn index (the limit as equal concentrations tend to 0).
        if !(total > 0) {
            let i = int(below: alpha.count)
            g = alpha.indices.map { $0 == i ? 1 : 0 }
            total = 1
        }
        return g.map { $0 / total }
    }
}
