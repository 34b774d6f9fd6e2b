/// A DP-SGD step (Abadi et al., CCS 2016, Algorithm 1, with Opacus's semantics): every example's
/// gradient clipped and the clipped gradients summed (by book-keeping, `PerExampleClipping`), in
/// physical chunks when the sampled batch is larger than `physicalBatch` (virtual batches); the
/// hooks' gradient canaries and the Gaussian noise added to the sum; then the update. The loss and
/// the sum are divided by the *expected* batch size B, not the sampled one.
struct DPStep: TrainingStep {
    let network: NeuralNetwork
    let objective: BatchObjective
    let dp: DPOptions
    /// B, the expected batch size every gradient and the noise are divided by.
    let expectedBatch: Int
    /// Whether a whole batch's clipped sum is applied inside the backward pass (`UpdatePath.privateInBackward`).
    let fused: Bool
    /// The separate update (virtual batches take it on the fused path too).
    let separate: OptimizerUpdate
    let canaries: InsertedGradients?
    /// nil when σ = 0.
    let noise: NoiseAddition?
    var context: ForwardContext
    /// The first layer the batches enter (past a frozen part whose output the trainer cached).
    var from = 0

    mutating func update(_ batch: PendingBatch, positions: [Int], number: Int, lr: Double, meter: inout EpochMeter) throws {
        let inWeights = try clippedSum(batch, positions: positions, lr: lr, meter: &meter)
        // Fused, the canaries and the noise go into the weights scaled by −lr, like the sum did.
        let fusedRate = inWeights ? lr : nil
        try canaries?.insert(step: number, into: separate.parameters, fusedLearningRate: fusedRate)
        noise?.add(to: separate.parameters, fusedLearningRate: fusedRate)
        if !inWeights { separate.apply(lr: lr) }
    }

    /// Puts the batch's clipped, summed gradients (over B) into the gradient buffers, or applies
    /// them as an SGD step on the fused path; true when they went into the weights.
    private mutating func clippedSum(_ batch: PendingBatch, positions: [Int], lr: Double, meter: inout EpochMeter) throws -> Bool {
        if positions.isEmpty {
            // An empty Poisson batch: the update is noise only.
            if fused { return true }
            for p in separate.parameters { p.grad = Matrix(rows: p.value.rows, cols: p.value.cols) }
            return false
        }
        if let physical = dp.physicalBatch, positions.count > physical {
            try virtualBatch(batch.take(), positions: positions, physical: physical, meter: &meter)
            return false
        }
        let x = batch.take()
        context.training = true
        let z = try network.forward(x, &context, from: from)
        let (l, g, c) = try objective.evaluate(z, positions, normalizer: expectedBatch)
        meter.add(loss: l, correct: c, records: positions.count)
        try PerExampleClipping.clippedGradients(network, outputGradient: g, clip: dp.clip, normalizer: expectedBatch,
                                                perLayer: dp.perLayer ?? false, sgdStep: fused ? Float(lr) : nil)
        return fused
    }

    /// Virtual batch: the logical (sampled) batch goes through in physical chunks whose clipped
    /// gradients are summed into the buffers; noise and the update happen once, as for the whole.
    private mutating func virtualBatch(_ xAll: Matrix, positions: [Int], physical: Int, meter: inout EpochMeter) throws {
        let params = separate.parameters
        var acc = params.map { [Float](repeating: 0, count: $0.value.count) }
        for start in stride(from: 0, to: positions.count, by: physical) {
            let range = start..<min(start + physical, positions.count)
            let part = Array(positions[range])
            context.training = true
            let z = try network.forward(xAll.rows(Array(range)), &context, from: from)
            let (l, g, c) = try objective.evaluate(z, part, normalizer: expectedBatch)
            meter.add(loss: l, correct: c, records: part.count)
            try PerExampleClipping.clippedGradients(network, outputGradient: g, clip: dp.clip, normalizer: expectedBatch,
                                                    perLayer: dp.perLayer ?? false)
            for (a, p) in zip(acc.indices, params) {
                p.grad.data.withUnsafeBufferPointer { gd in for j in 0..<gd.count { acc[a][j] += gd[j] } }
            }
        }
        for (a, p) in zip(acc, params) { p.grad.data = a }
    }
}
