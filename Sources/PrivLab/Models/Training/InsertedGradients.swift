/// Gradients inserted into DP-SGD's clipped sum before the noise (`TrainingHooks.insertedGradients`),
/// as if from extra, already clipped records: where white-box auditing puts its gradient canaries
/// (Nasr et al. 2021; Steinke, Nasr & Jagielski 2023, §7).
struct InsertedGradients {
    let hook: (_ step: PrivateStep) throws -> [(position: Int, value: Float)]
    /// Where each parameter starts in the flat parameter vector (and, last, its length).
    let offsets: [Int]
    /// The most one record's clipped gradient can put on one coordinate (C, or C/√L per layer).
    let coordinateBound: Double
    let sampleRate: Double
    /// B, the expected batch size the sum is divided by.
    let expectedBatch: Int

    init(hook: @escaping (_ step: PrivateStep) throws -> [(position: Int, value: Float)], network: NeuralNetwork,
         dp: DPOptions, sampleRate: Double, expectedBatch: Int) {
        self.hook = hook
        offsets = network.parameters.reduce(into: [0]) { $0.append($0.last! + $1.value.count) }
        coordinateBound = dp.perLayer == true ? PerExampleClipping.layerBound(network, clip: dp.clip) : dp.clip
        self.sampleRate = sampleRate
        self.expectedBatch = expectedBatch
    }

    /// Adds the hook's entries for update `step` to the gradients, or — fused — applies them as SGD.
    func insert(step: Int, into params: [Parameter], fusedLearningRate lr: Double?) throws {
        let total = offsets.last!
        for (position, value) in try hook(PrivateStep(number: step, sampleRate: sampleRate, coordinateBound: coordinateBound)) {
            guard position >= 0, position < total, value.isFinite, abs(Double(value)) <= coordinateBound * (1 + 1e-6) else {
                throw PrivLabError.invalidArgument("fit: an inserted gradient must be at a parameter position (0…\(total - 1)) and within the clipping bound \(coordinateBound), got \(value) at \(position)")
            }
            var k = 0
            while offsets[k + 1] <= position { k += 1 }
            let g = value / Float(expectedBatch)
            if let lr { params[k].value.data[position - offsets[k]] -= Float(lr) * g } else { params[k].grad.data[position - offsets[k]] += g }
        }
    }
}
