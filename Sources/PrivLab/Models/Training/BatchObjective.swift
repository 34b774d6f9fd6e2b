/// What one batch is trained against: the softmax cross-entropy on the records' labels (or their
/// soft targets, `TrainingHooks.softTargets`), plus the hooks' extra term on the logits.
struct BatchObjective {
    let loss: SoftmaxCrossEntropy
    let labels: [Int]
    let ids: [Int]
    let softTargets: [Int: [Float]]?
    let labelWeights: [Int: Float]?
    let logitTerm: ((_ ids: [Int], _ logits: Matrix, _ normalizer: Int) throws -> (loss: Double, gradient: Matrix))?

    /// Checks up front that every training record has a soft target over `classes` when hooks give them.
    init(options o: TrainingOptions, train: Dataset, classes: Int, hooks: TrainingHooks) throws {
        loss = SoftmaxCrossEntropy(temperature: hooks.temperature ?? o.temperature, labelSmoothing: o.labelSmoothing)
        labels = train.labels
        ids = train.ids
        softTargets = hooks.softTargets
        labelWeights = hooks.labelWeights
        logitTerm = hooks.logitTerm
        guard let st = softTargets else { return }
        for id in train.ids {
            guard let v = st[id] else { throw PrivLabError.invalidArgument("fit: soft targets have no vector for record \(id)") }
            guard v.count == classes, v.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw PrivLabError.invalidArgument("fit: the soft target of record \(id) must be \(classes) non-negative numbers")
            }
        }
    }

    /// The batch's summed loss against its targets plus any extra term, ∂/∂logits divided by
    /// `normalizer` (the batch size when nil), and how many records the logits classify correctly.
    func evaluate(_ z: Matrix, _ positions: [Int], normalizer: Int?) throws -> (loss: Double, grad: Matrix, correct: Int) {
        let labels = positions.map { self.labels[$0] }
        let soft = softTargets.map { st in positions.map { st[ids[$0]]! } }
        var (losses, g, c) = loss.lossAndGradient(z, labels, soft: soft, normalizer: normalizer)
        if let w = labelWeights { weigh(&losses, &g, positions.map { w[ids[$0]] ?? 1 }) }
        var total = losses.reduce(0, +)
        if let term = logitTerm {
            let (l, extra) = try term(positions.map { ids[$0] }, z, normalizer ?? positions.count)
            guard extra.rows == g.rows, extra.cols == g.cols else {
                throw PrivLabError.shape("fit: the extra loss term's gradient is \(extra.rows)×\(extra.cols), the logits \(g.rows)×\(g.cols)")
            }
            try g.addScaled(extra, 1)
            total += l
        }
        return (total, g, c)
    }
}

extension BatchObjective {
    /// Scales row r's loss and its gradient by `weights[r]` (`TrainingHooks.labelWeights`).
    private func weigh(_ losses: inout [Double], _ g: inout Matrix, _ weights: [Float]) {
        let k = g.cols
        g.data.withUnsafeMutableBufferPointer { p in
            for (r, w) in weights.enumerated() where w != 1 {
                losses[r] *= Double(w)
                for j in 0..<k { p[r * k + j] *= w }
            }
        }
    }
}

/// What an epoch's batches measured so far: summed loss, correct predictions and records seen.
struct EpochMeter {
    var lossSum = 0.0
    var correct = 0
    var seen = 0

    mutating func add(loss: Double, correct c: Int, records: Int) {
        lossSum += loss
        correct += c
        seen += records
    }

    var meanLoss: Double { lossSum / Double(max(seen, 1)) }
    var accuracy: Double { Double(correct) / Double(max(seen, 1)) }
}
