import Foundation

/// The inference model h measured at the end of an epoch (`InferenceGame.measure`).
struct InferenceMeasurement {
    var gain: Double
    var accuracy: Double
    var largestLogit: Double
    /// As a training history's `defense` entries (Lua: `attack_gain`, `attack_accuracy`, `attack_logit`).
    var entries: [String: Double] { ["attack_gain": gain, "attack_accuracy": accuracy, "attack_logit": largestLogit] }
}

/// The min-max game of adversarial regularisation (Nasr, Shokri & Houmansadr 2018, Algorithm 1):
/// the inference model h, the classifier's extra term λ · mean h(f(x), y), and h's own steps.
final class InferenceGame {
    let h: InferenceModel
    let options: AdversarialRegularizationOptions
    let train: Dataset, reference: Dataset
    let classifier: Classifier
    let labelOf: [Int: Int]
    let adam = Optimizer(kind: .adam)
    var rng: RNG
    /// False during the warm-up: the classifier trains plainly and h does not step.
    var playing = false

    init(options: AdversarialRegularizationOptions, train: Dataset, reference: Dataset, classifier: Classifier) throws {
        self.options = options
        self.train = train
        self.reference = reference
        self.classifier = classifier
        h = try InferenceModel(classes: max(train.classes, reference.classes), width: options.attackWidth,
                               initialisation: options.attackInitialisation, seed: mix64(options.seed ^ 0x4845))
        labelOf = Dictionary(uniqueKeysWithValues: zip(train.ids, train.labels))
        rng = RNG.stream(seed: options.seed, index: 7)
    }

    /// h steps in one pass over the smaller of the two sets (the code's `train_attack` epoch).
    var stepsPerPass: Int { max(1, min(train.size, reference.size) / options.attackBatch) }

    /// What h reads for logits `z`: the logits themselves or their softmax.
    private func input(_ z: Matrix) -> Matrix {
        options.attackInput == .logits ? z : Softmax.probabilities(z)
    }

    /// The classifier's extra term: λ · h(member | f(x), y) summed over the batch, and its gradient
    /// in the logits divided by the normaliser (the batch size: λ times the batch mean, as the
    /// code's `alpha * torch.mean(inference_output)`). Zero during the warm-up.
    func classifierTerm(ids: [Int], logits z: Matrix, normalizer: Int) throws -> (loss: Double, gradient: Matrix) {
        var dz = Matrix(rows: z.rows, cols: z.cols)
        guard playing else { return (0, dz) }
        let v = input(z)
        let q = Softmax.probabilities(try h.forward(v, labels: ids.map { labelOf[$0]! }))
        var loss = 0.0
        // ∂q₁/∂o = q₁(e₁ − q) = (−q₀q₁, q₀q₁).
        var g = Matrix(rows: q.rows, cols: 2)
        for r in 0..<q.rows {
            loss += Double(q[r, 1])
            let w = q[r, 0] * q[r, 1]
            g.data[r * 2] = -w
            g.data[r * 2 + 1] = w
        }
        let dv = try h.backward(g)
        let scale = Float(options.lambda) / Float(normalizer)
        for r in 0..<z.rows {
            switch options.attackInput {
            case .logits:
                for j in 0..<z.cols { dz.data[r * z.cols + j] = scale * dv[r, j] }
            case .probabilities:
                // Through the softmax: ∂/∂z = p ⊙ (g − ⟨g, p⟩).
                var dot: Float = 0
                for j in 0..<z.cols { dot += dv[r, j] * v[r, j] }
                for j in 0..<z.cols { dz.data[r * z.cols + j] = scale * v[r, j] * (dv[r, j] - dot) }
            }
        }
        return (options.lambda * loss, dz)
    }

    /// h against the classifier as it stands, on the first `limit` private and reference records
    /// (the same records every time): the gain G (mean log h on the members + mean log(1 − h) on
    /// the reference records; 2·ln ½ for an h that answers ½ to every record), h's balanced
    /// accuracy at ½, and the largest |o₁ − o₀| — the logit of h's membership probability, the
    /// authors' sigmoid input. Computed in Double from the logits: near ½ a Float probability
    /// cannot show h's moves.
    func measure(limit: Int = 1024) throws -> InferenceMeasurement {
        var sums = (gain: 0.0, correct: 0.0, logit: 0.0)
        for (set, member) in [(train, true), (reference, false)] {
            let rows = set.rows(Array(0..<min(limit, set.size)))
            let o = try h.forward(input(try classifier.logits(rows.features)), labels: rows.labels)
            var logLikelihood = 0.0, correct = 0
            for r in 0..<o.rows {
                let d = Double(o[r, 1]) - Double(o[r, 0])
                // log σ(±d) = −log(1 + e^(∓d)), stable either side.
                let s = member ? d : -d
                logLikelihood += -(max(-s, 0) + log1p(exp(-abs(s))))
                if s > 0 { correct += 1 }
                sums.logit = max(sums.logit, abs(d))
            }
            sums.gain += logLikelihood / Double(o.rows)
            sums.correct += Double(correct) / Double(o.rows) / 2
        }
        return InferenceMeasurement(gain: sums.gain, accuracy: sums.correct, largestLogit: sums.logit)
    }

    /// One step of the inner maximisation on a random private batch (members) and a random
    /// reference batch; returns the gain G on them (each side's mean log-likelihood).
    func inferenceStep() throws -> Double {
        let mi = (0..<min(options.attackBatch, train.size)).map { _ in rng.int(below: train.size) }
        let ri = (0..<min(options.attackBatch, reference.size)).map { _ in rng.int(below: reference.size) }
        let members = train.rows(mi), others = reference.rows(ri)
        let zm = try classifier.logits(members.features), zr = try classifier.logits(others.features)
        let v = try Matrix(rows: mi.count + ri.count, cols: zm.cols, data: input(zm).data + input(zr).data)
        return try inferenceStep(v, labels: members.labels + others.labels, members: mi.count)
    }

    /// One Adam step of h on output vectors `v` whose first `members` rows are members, on
    /// `attackLoss`: the squared error of h's membership probability, averaged over all rows (the
    /// code's `nn.MSELoss`), or the cross-entropy of each side averaged (the paper's −G). Returns G.
    func inferenceStep(_ v: Matrix, labels: [Int], members: Int) throws -> Double {
        let q = Softmax.probabilities(try h.forward(v, labels: labels))
        var g = Matrix(rows: q.rows, cols: 2)
        var gain = 0.0
        for r in 0..<q.rows {
            let isMember = r < members
            let w = Float(1) / Float(isMember ? members : q.rows - members)
            let target: Float = isMember ? 1 : 0
            switch options.attackLoss {
            case .crossEntropy:
                g.data[r * 2] = w * (q[r, 0] - (1 - target))
                g.data[r * 2 + 1] = w * (q[r, 1] - target)
            case .squaredError:
                // ∂(q₁ − t)²/∂o = 2(q₁ − t) · q₀q₁ · (−1, 1), over all rows.
                let d = 2 * (q[r, 1] - target) * q[r, 0] * q[r, 1] / Float(q.rows)
                g.data[r * 2] = -d
                g.data[r * 2 + 1] = d
            }
            gain += Double(w) * log(max(Double(q[r, isMember ? 1 : 0]), 1e-12))
        }
        try h.backward(g)
        adam.update(h.parameters, lr: options.attackLearningRate)
        return gain
    }
}
