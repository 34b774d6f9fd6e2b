import Foundation

/// The inference model h of adversarial regularisation, built as Nasr, Shokri & Houmansadr's
/// released code builds it (SPIN-UMass/ML-Privacy-Regulization, `PPN_Purchase_GIT.py`,
/// `InferenceAttack_HZ`, lines 110–165): the classifier's output vector goes through a branch of
/// 1024-512-64 units, the one-hot label through one of 128-64 units (ReLU after every layer), the
/// two 64-vectors are concatenated and go through 512-256-128-64 units (ReLU) to the membership
/// score. Every width is multiplied by `width` (1 is the authors' network; smaller widths make the
/// many inner steps affordable on a CPU).
///
/// Initialisation (`InferenceInitialisation`): by default as the code's (lines 144–151), every
/// weight N(0, 0.01²) and every bias 0 — an h that starts almost constant: on the Purchase-like
/// data its output logit is about 1e-9 and its weights' gradients about 1e-11, a thousandth of
/// Adam's ε, so each Adam step moves a weight by about 1e-7 and h never leaves its start — in the
/// authors' PyTorch code as here (scripts/nasr2018_torch.py). `.uniform` starts it as PyTorch's
/// default does.
///
/// Choice: the score is a two-logit softmax (non-member, member) — the same family as the code's
/// one output and sigmoid (σ(o₁ − o₀)) with one more bias.
final class InferenceModel {
    let prediction: NeuralNetwork
    let label: NeuralNetwork
    let combine: NeuralNetwork
    /// Classes: the width of the output vector and of the one-hot label.
    let classes: Int
    /// Width of each branch's output (64 in the authors' network).
    let branch: Int
    private var predictionOut = Matrix(rows: 0, cols: 0)
    private var labelOut = Matrix(rows: 0, cols: 0)

    init(classes k: Int, width: Double, initialisation: InferenceInitialisation = .normal, seed: UInt64) throws {
        guard width.isFinite, width > 0 else {
            throw PrivLabError.invalidArgument(.adversarialRegularisation, "attack_width must be positive, got \(formatCompact(width))")
        }
        func w(_ n: Int) -> Int { max(1, Int((Double(n) * width).rounded())) }
        func net(_ hidden: [Int], _ index: UInt64) throws -> NeuralNetwork {
            var o = TrainingOptions()
            o.seed = mix64(seed ^ index)
            return try NeuralNetwork.mlp(hidden: hidden.map(w), options: o)
        }
        classes = k
        branch = w(64)
        prediction = try net([1024, 512], 1)
        label = try net([128], 2)
        combine = try net([512, 256, 128, 64], 3)
        try prediction.build(inputShape: [k], classes: branch)
        try label.build(inputShape: [k], classes: branch)
        try combine.build(inputShape: [2 * branch], classes: 2)
        // `.uniform` keeps the layers' own start (Dense: PyTorch's default, Kaiming-uniform with a = √5).
        if initialisation == .normal {
            var rng = RNG.stream(seed: seed, index: 11)
            for net in [prediction, label, combine] {
                // Dense layers hold a weight then a bias.
                for (i, p) in net.parameters.enumerated() {
                    for j in p.value.data.indices { p.value.data[j] = i % 2 == 0 ? Float(rng.normal(mean: 0, std: 0.01)) : 0 }
                }
            }
        }
        // The classifier's step needs ∂h/∂(output vector): through the combining part into the prediction branch.
        prediction.layers.first?.needsInputGradient = true
        combine.layers.first?.needsInputGradient = true
    }

    /// Every trained parameter of h (prediction branch, label branch, combining part).
    var parameters: [Parameter] { prediction.parameters + label.parameters + combine.parameters }

    /// Membership logits (rows: non-member, member) for output vectors `v` (rows) and labels `y`;
    /// caches what `backward` needs.
    func forward(_ v: Matrix, labels y: [Int]) throws -> Matrix {
        var oneHot = Matrix(rows: y.count, cols: classes)
        for (r, c) in y.enumerated() { oneHot.data[r * classes + c] = 1 }
        var ctx = ForwardContext(training: true, rng: RNG(seed: 0), dropout: false)
        predictionOut = relu(try prediction.forward(v, &ctx))
        labelOut = relu(try label.forward(oneHot, &ctx))
        var joined = Matrix(rows: v.rows, cols: 2 * branch)
        for r in 0..<v.rows {
            for j in 0..<branch {
                joined.data[r * 2 * branch + j] = predictionOut.data[r * branch + j]
                joined.data[r * 2 * branch + branch + j] = labelOut.data[r * branch + j]
            }
        }
        return try combine.forward(joined, &ctx)
    }

    /// Back-propagates ∂loss/∂(membership logits) from the last `forward`: sets every parameter's
    /// gradient and returns ∂loss/∂(output vector).
    @discardableResult
    func backward(_ g: Matrix) throws -> Matrix {
        let d = try combine.backward(g)
        var dp = Matrix(rows: g.rows, cols: branch), dl = Matrix(rows: g.rows, cols: branch)
        for r in 0..<g.rows {
            for j in 0..<branch {
                // Through the ReLU that ends each branch.
                if predictionOut.data[r * branch + j] > 0 { dp.data[r * branch + j] = d.data[r * 2 * branch + j] }
                if labelOut.data[r * branch + j] > 0 { dl.data[r * branch + j] = d.data[r * 2 * branch + branch + j] }
            }
        }
        try label.backward(dl)
        return try prediction.backward(dp)
    }

    private func relu(_ m: Matrix) -> Matrix {
        var out = m
        for i in out.data.indices where out.data[i] < 0 { out.data[i] = 0 }
        return out
    }
}
