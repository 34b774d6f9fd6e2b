import Foundation

/// The one logistic-regression solver of the engine: the scaled objective
/// f = mean loss + ‖W‖²/(2Cn) over parameters θ (outputs × design columns, row-major), its
/// gradient and Hessian, and Newton's method with an Armijo line search. `LogisticRegression`
/// fits through it (binary with one weight vector, or multinomial), and so does every binary
/// classifier elsewhere — membership-attack models, MemGuard's defense classifier, the leakage
/// estimate's learner — through `BinaryLogistic`.
struct LogisticObjective {
    let x: DoubleMatrix
    let y: [Int]
    let outputs: Int
    /// How many leading design columns are penalised (0 without a penalty).
    let penalised: Int
    let c: Double

    var n: Double { Double(x.rows) }

    /// Residuals P − Y (n × outputs) and the mean loss at θ.
    func residuals(_ theta: [Double]) -> (DoubleMatrix, Double) {
        let w = DoubleMatrix(rows: outputs, cols: x.cols, data: theta)
        var r = DoubleMatrix.product(x, w, transB: true)
        var loss = 0.0
        for i in 0..<x.rows {
            if outputs == 1 {
                let z = r[i, 0], t = y[i] == 1 ? 1.0 : -1.0
                // log(1 + e^{−t z}) without overflow.
                let m = -t * z
                loss += m > 0 ? m + log1p(exp(-m)) : log1p(exp(m))
                r[i, 0] = 1 / (1 + exp(-z)) - Double(y[i])
            } else {
                var m = -Double.infinity
                for k in 0..<outputs { m = max(m, r[i, k]) }
                var s = 0.0
                for k in 0..<outputs { s += exp(r[i, k] - m) }
                let lse = m + log(s)
                loss += lse - r[i, y[i]]
                for k in 0..<outputs { r[i, k] = exp(r[i, k] - lse) - (k == y[i] ? 1 : 0) }
            }
        }
        return (r, loss / n)
    }

    func evaluate(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        let (r, loss) = residuals(theta)
        var g = DoubleMatrix.product(r, x, transA: true)   // outputs × columns
        var value = loss
        let lambda = 1 / (c * n)
        for k in 0..<outputs {
            for j in 0..<x.cols {
                g[k, j] /= n
                if j < penalised {
                    let t = theta[k * x.cols + j]
                    value += 0.5 * lambda * t * t
                    g[k, j] += lambda * t
                }
            }
        }
        return (value, g.data)
    }

    /// Newton's method with the exact Hessian (blocks Xᵀ diag(p_k(δ_kl − p_l)) X / n, one
    /// BLAS product each) and an Armijo backtracking line search.
    func newton(from start: [Double], tolerance: Double, maxIterations: Int) throws -> ([Double], Int, Bool) {
        var theta = start
        let d = x.cols, size = outputs * d
        var (value, g) = evaluate(theta)
        for it in 0..<maxIterations {
            try WorkBudget.checkpoint()
            if g.reduce(0, { max($0, abs($1)) }) <= tolerance { return (theta, it, true) }
            let w = DoubleMatrix(rows: outputs, cols: d, data: theta)
            let z = DoubleMatrix.product(x, w, transB: true)
            var p = z
            for i in 0..<x.rows {
                if outputs == 1 { p[i, 0] = 1 / (1 + exp(-z[i, 0])); continue }
                var m = -Double.infinity
                for k in 0..<outputs { m = max(m, z[i, k]) }
                var s = 0.0
                for k in 0..<outputs { s += exp(z[i, k] - m) }
                for k in 0..<outputs { p[i, k] = exp(z[i, k] - m) / s }
            }
            var h = [Double](repeating: 0, count: size * size)
            for k in 0..<outputs {
                for l in k..<outputs {
                    var scaled = x
                    for i in 0..<x.rows {
                        let wi = outputs == 1 ? p[i, 0] * (1 - p[i, 0]) : p[i, k] * ((k == l ? 1 : 0) - p[i, l])
                        for j in 0..<d { scaled[i, j] *= wi / n }
                    }
                    let block = DoubleMatrix.product(scaled, x, transA: true)
                    for a in 0..<d {
                        for b in 0..<d {
                            h[(k * d + a) * size + l * d + b] = block[a, b]
                            h[(l * d + b) * size + k * d + a] = block[a, b]
                        }
                    }
                }
            }
            let lambda = 1 / (c * n)
            for k in 0..<outputs {
                for j in 0..<d {
                    // The penalty; a tiny ridge elsewhere for the directions the loss leaves
                    // flat (softmax's shift invariance, separable data without a penalty).
                    h[(k * d + j) * size + k * d + j] += j < penalised ? lambda : 1e-12
                }
            }
            guard let chol = Cholesky(h, dimension: size) else {
                throw PrivLabError.message("logistic: the Hessian is not positive definite (try solver = \"lbfgs\")")
            }
            let step = chol.solve(g)
            var slope = 0.0
            for i in 0..<size { slope -= g[i] * step[i] }
            var t = 1.0, accepted = false
            var next = theta
            for _ in 0..<50 {
                for i in 0..<size { next[i] = theta[i] - t * step[i] }
                let (v, gn) = evaluate(next)
                if v <= value + 1e-4 * t * slope { theta = next; value = v; g = gn; accepted = true; break }
                t *= 0.5
            }
            if !accepted { return (theta, it, g.reduce(0, { max($0, abs($1)) }) <= tolerance) }
        }
        return (theta, maxIterations, g.reduce(0, { max($0, abs($1)) }) <= tolerance)
    }
}

/// Binary logistic regression on a few Double features: the minimiser of
/// mean log(1 + e^{−ỹ·(w·x + b)}) + ½·l2·‖w‖² (the intercept b unpenalised; without `intercept`,
/// no b and every weight penalised — an l2-strongly convex objective, as output-perturbation
/// leakage needs), fitted by `LogisticObjective`'s Newton method to a gradient of 10⁻¹⁰.
enum BinaryLogistic {
    /// P(y = 1 | x) for weights `w` (d weights, then the intercept when there is one).
    static func probability(_ x: [Double], _ w: [Double]) -> Double {
        var t = w.count > x.count ? w[x.count] : 0
        for j in x.indices { t += w[j] * x[j] }
        return 1 / (1 + exp(-t))
    }

    /// The weights (then the intercept) for rows `x` and labels `y` in {0, 1}. `l2` below 10⁻⁸
    /// counts as 10⁻⁸: a tiny ridge keeps separable data's optimum finite.
    static func fit(_ x: [[Double]], _ y: [Int], l2: Double, intercept: Bool = true, maxIterations: Int = 100) throws -> [Double] {
        let features = x.first?.count ?? 0
        let columns = features + (intercept ? 1 : 0)
        var design = DoubleMatrix(rows: x.count, cols: columns)
        for (i, row) in x.enumerated() {
            for j in 0..<features { design[i, j] = row[j] }
            if intercept { design[i, features] = 1 }
        }
        let objective = LogisticObjective(x: design, y: y, outputs: 1, penalised: features,
                                          c: 1 / (max(l2, 1e-8) * Double(x.count)))
        let start = [Double](repeating: 0, count: columns)
        return try objective.newton(from: start, tolerance: 1e-10, maxIterations: maxIterations).0
    }
}
