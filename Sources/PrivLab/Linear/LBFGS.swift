import Foundation

/// Limited-memory BFGS (Nocedal & Wright 2006, Alg. 7.4 and 7.5) for smooth convex objectives, with
/// a backtracking line search on the Armijo condition (c₁ = 10⁻⁴) and the curvature pair skipped
/// when sᵀy is not positive. Stops when the largest gradient entry is below `tolerance` (SciPy's
/// `gtol`, which scikit-learn's lbfgs solver passes its `tol` as), when a step lowers the objective
/// by a relative 64·ε or less (SciPy's `ftol` as scikit-learn sets it: no progress left in double
/// precision — both count as converged), or after `maxIterations`.
public struct LBFGS: Sendable {
    public var memory = 10
    public var tolerance = 1e-8
    public var maxIterations = 1000

    public init(tolerance: Double = 1e-8, maxIterations: Int = 1000) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// The outcome: the minimiser, the objective there, iterations made and whether the gradient test passed.
    public struct Result: Sendable {
        public var x: [Double]
        public var value: Double
        public var iterations: Int
        public var converged: Bool
    }

    /// Minimises `f`, which returns the objective and its gradient at a point.
    public func minimize(from x0: [Double], _ f: ([Double]) -> (value: Double, gradient: [Double])) throws -> Result {
        var x = x0
        var (fx, g) = f(x)
        var s = [[Double]](), y = [[Double]](), rho = [Double]()
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var t = 0.0
            for i in a.indices { t += a[i] * b[i] }
            return t
        }
        for it in 0..<maxIterations {
            try WorkBudget.checkpoint()
            if g.reduce(0, { max($0, abs($1)) }) <= tolerance { return Result(x: x, value: fx, iterations: it, converged: true) }
            // Two-loop recursion: d = −H·g.
            var q = g
            var alpha = [Double](repeating: 0, count: s.count)
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[i] = rho[i] * dot(s[i], q)
                for j in q.indices { q[j] -= alpha[i] * y[i][j] }
            }
            if let sl = s.last, let yl = y.last {
                let gamma = dot(sl, yl) / dot(yl, yl)
                for j in q.indices { q[j] *= gamma }
            } else {
                // First step: a unit-length move along −g.
                let n = dot(g, g).squareRoot()
                if n > 0 { for j in q.indices { q[j] /= n } }
            }
            for i in s.indices {
                let beta = rho[i] * dot(y[i], q)
                for j in q.indices { q[j] += s[i][j] * (alpha[i] - beta) }
            }
            var d = q.map { -$0 }
            var slope = dot(g, d)
            if slope >= 0 {   // not a descent direction (numerical trouble): restart along −g
                s.removeAll(); y.removeAll(); rho.removeAll()
                d = g.map { -$0 }
                slope = -dot(g, g)
            }
            var step = 1.0
            var xn = x, fn = fx, gn = g
            var accepted = false
            for _ in 0..<60 {
                for j in x.indices { xn[j] = x[j] + step * d[j] }
                (fn, gn) = f(xn)
                if fn.isFinite && fn <= fx + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            guard accepted else { return Result(x: x, value: fx, iterations: it, converged: false) }
            var sk = [Double](repeating: 0, count: x.count), yk = sk
            for j in x.indices { sk[j] = xn[j] - x[j]; yk[j] = gn[j] - g[j] }
            let sy = dot(sk, yk)
            let previous = fx
            x = xn; fx = fn; g = gn
            if sy > 1e-12 * dot(yk, yk).squareRoot() * dot(sk, sk).squareRoot() {
                s.append(sk); y.append(yk); rho.append(1 / sy)
                if s.count > memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
            }
            if (previous - fx) / max(abs(previous), abs(fx), 1) <= 64 * Double.ulpOfOne {
                return Result(x: x, value: fx, iterations: it + 1, converged: true)
            }
        }
        let ok = g.reduce(0, { max($0, abs($1)) }) <= tolerance
        return Result(x: x, value: fx, iterations: maxIterations, converged: ok)
    }
}
