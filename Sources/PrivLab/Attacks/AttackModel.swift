import Foundation

/// What the shadow attack's membership classifier sees of a released probability vector.
public enum AttackFeatures: String, Sendable, CaseIterable {
    /// The probabilities as released (Shokri et al. 2017). Near 1 and near 0 they are nearly
    /// constant, which is exactly where members and non-members of an over-fitted model differ:
    /// 1 − 10⁻⁶ and 1 − 10⁻³ are one feature value apart by 10⁻³.
    case probabilities
    /// log-probabilities (log-softmax of the released scores), standardised: the same information
    /// on the scale where a member's 10⁻⁶ and a non-member's 10⁻³ are far apart. The loss of the
    /// true class is one of them, so a per-class attack model can learn the loss threshold itself.
    case logProbabilities = "log"
}

/// The membership classifier trained on shadow outputs.
public enum AttackModelKind: Sendable, Equatable {
    /// An MLP with one hidden layer (Shokri et al.'s choice), trained with Adam.
    case mlp(hidden: Int, epochs: Int)
    /// L2-regularised logistic regression fitted to its optimum by Newton's method: a convex fit
    /// with nothing to tune, which cannot under-train.
    case logistic(l2: Double)
    /// Gradient-boosted trees (`BoostedTrees`): picks up thresholds and interactions a linear model
    /// cannot, and is indifferent to the features' scale.
    case boostedTrees(stages: Int, depth: Int)
}

/// A binary member/non-member classifier on attack feature vectors, standardised with the
/// training data's mean and deviation.
struct MembershipClassifier {
    let kind: AttackModelKind
    let seed: UInt64
    private var mean: [Double] = []
    private var scale: [Double] = []
    private var network: NeuralNetwork?
    private var weights: [Double] = []   // logistic: d weights, then the intercept
    private var trees: BoostedTrees?

    init(kind: AttackModelKind, seed: UInt64) {
        self.kind = kind
        self.seed = seed
    }

    mutating func fit(_ x: [[Float]], _ y: [Int]) throws {
        let d = x.first?.count ?? 0
        let n = Double(x.count)
        mean = (0..<d).map { j in x.reduce(0.0) { $0 + Double($1[j]) } / n }
        scale = (0..<d).map { j in
            let v = x.reduce(0.0) { let t = Double($1[j]) - mean[j]; return $0 + t * t } / n
            return v > 1e-24 ? 1 / v.squareRoot() : 0   // a constant feature carries nothing
        }
        let z = x.map(standardised)
        switch kind {
        case .mlp(let hidden, let epochs):
            var o = TrainingOptions()
            o.optimizer = .adam
            o.learningRate = 1e-3
            o.epochs = epochs
            o.batchSize = 128
            o.seed = seed
            let net = hidden > 0 ? try NeuralNetwork.mlp(hidden: [hidden], options: o) : try NeuralNetwork.softmaxRegression(options: o)
            try net.fit(try Dataset(features: try Matrix(z.map { $0.map(Float.init) }), labels: y, classes: 2, name: "attack training"))
            network = net
        case .logistic(let l2):
            weights = try LogisticNewton.fit(z, y.map(Double.init), l2: l2)
        case .boostedTrees(let stages, let depth):
            var t = BoostedTrees()
            t.stages = stages
            t.depth = depth
            try t.fit(z, y.map(Double.init))
            trees = t
        }
    }

    func standardised(_ v: [Float]) -> [Double] { v.indices.map { (Double(v[$0]) - mean[$0]) * scale[$0] } }

    /// P(member) for each feature vector.
    func scores(_ x: [[Float]]) throws -> [Double] {
        let z = x.map(standardised)
        if let net = network {
            let p = try net.releasedProbabilities(try Matrix(z.map { $0.map(Float.init) }))
            return (0..<p.rows).map { Double(p[$0, 1]) }
        }
        if let t = trees { return z.map(t.probability) }
        return z.map { LogisticNewton.probability($0, weights) }
    }
}

/// Binary logistic regression, min Σ log(1 + e^{−ỹ·(w·x + b)}) + ½λn‖w‖² — the minimiser of the
/// mean loss plus ½λ‖w‖² — by Newton's method with a Cholesky solve. With `intercept`, a last
/// weight b is fitted and not penalised; without, every weight is (a λ-strongly convex objective,
/// as output-perturbation leakage needs). In Double: the features are few.
enum LogisticNewton {
    static func probability(_ x: [Double], _ w: [Double]) -> Double {
        var t = w.count > x.count ? w[x.count] : 0
        for j in x.indices { t += w[j] * x[j] }
        return 1 / (1 + exp(-t))
    }

    static func fit(_ x: [[Double]], _ y: [Double], l2: Double, intercept: Bool = true, iterations: Int = 50) throws -> [Double] {
        let features = x.first?.count ?? 0
        let d = features + (intercept ? 1 : 0)
        var w = [Double](repeating: 0, count: d)
        let lambda = max(l2, 1e-8) * Double(x.count)
        for _ in 0..<iterations {
            var g = [Double](repeating: 0, count: d)
            var h = [Double](repeating: 0, count: d * d)
            for (xi, yi) in zip(x, y) {
                let p = probability(xi, w)
                let r = p - yi, s = max(p * (1 - p), 1e-12)
                for a in 0..<d {
                    let xa = a < features ? xi[a] : 1
                    g[a] += r * xa
                    for b in 0...a { h[a * d + b] += s * xa * (b < features ? xi[b] : 1) }
                }
            }
            for a in 0..<features { g[a] += lambda * w[a]; h[a * d + a] += lambda }
            if intercept { h[(d - 1) * d + (d - 1)] += 1e-10 }
            guard let factor = Cholesky(h, dimension: d) else { throw PrivLabError.message("logistic regression: the Hessian is not positive definite") }
            let step = factor.solve(g)
            for a in 0..<d { w[a] -= step[a] }
            if step.reduce(0, { max($0, abs($1)) }) < 1e-10 { break }
        }
        return w
    }
}
