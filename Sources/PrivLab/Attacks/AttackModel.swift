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
    /// The released logits as they are, before any normalisation: a grey-box release stage that
    /// shows the scores behind the probabilities (the log-probabilities up to a per-record shift,
    /// and the shift itself — the size of the logits, which grows on records the model fits).
    /// For a model that releases only probabilities, the logits an attacker sees are their logs.
    case logits
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
            weights = try BinaryLogistic.fit(z, y, l2: l2)
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
        return z.map { BinaryLogistic.probability($0, weights) }
    }
}
