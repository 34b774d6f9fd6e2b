import Foundation

/// NegGrad+ (Kurmanji et al., "Towards Unbounded Machine Unlearning", NeurIPS 2023, §5 baselines;
/// meghdadk/SCRUB `run_neggrad_epoch`): each step pairs a retain batch with a forget batch and
/// descends β·CE(retain batch) − (1 − β)·CE(forget batch), both batch means. An epoch runs over the
/// retain set; the forget batches cycle (itertools.cycle over one shuffled pass per epoch). The
/// retain/forget pairing does not fit the trainer's one-data-set batch schedule, so this is its own
/// small loop; both batches go through one forward and backward pass as one stacked batch with
/// weighted rows (records are independent in a forward pass, dropout aside), and the update is the
/// trainer's `OptimizerUpdate`. Defaults from SCRUB's notebook: β = 0.95 (`ng_alpha`), 10 epochs,
/// SGD lr 0.01. Where we chose: the notebook's extra pull towards the original weights
/// (`l2_penalty` with `args.weight_decay`) is left out; `weight_decay` here is ordinary decay.
public struct NegGradPlus: ScheduledUnlearning {
    public var schedule = UnlearningSchedule(epochs: 10, learningRate: 0.01)
    /// β, the retain loss's weight; the forget loss weighs 1 − β.
    public var beta = 0.95
    public var name: String { "NegGrad+" }
    public init() {}

    public func unlearn(_ model: Classifier, forget: Dataset, retain: Dataset, seed: UInt64) throws -> Classifier {
        let net = try UnlearningInputs.network("unlearn.neggrad_plus", model, forget: forget, retain: retain)
        try schedule.validate("unlearn.neggrad_plus")
        guard beta >= 0, beta <= 1 else { throw PrivLabError.invalidArgument("unlearn.neggrad_plus: beta must be in [0, 1]") }
        let copy = try schedule.copy(of: net)
        let update = OptimizerUpdate(parameters: copy.parameters, options: copy.options)
        let loss = SoftmaxCrossEntropy(temperature: copy.options.temperature)
        var ctx = ForwardContext(training: true, rng: RNG.stream(seed: seed, index: 2))
        var retainRNG = RNG.stream(seed: seed, index: 1), forgetRNG = RNG.stream(seed: seed, index: 6)
        let b = copy.options.batchSize
        for _ in 0..<schedule.epochs {
            let rOrder = retainRNG.permutation(retain.size), fOrder = forgetRNG.permutation(forget.size)
            let fBatches = stride(from: 0, to: forget.size, by: b).map { Array(fOrder[$0..<min($0 + b, forget.size)]) }
            for (j, start) in stride(from: 0, to: retain.size, by: b).enumerated() {
                let r = Array(rOrder[start..<min(start + b, retain.size)]), f = fBatches[j % fBatches.count]
                try step(copy, retain.rows(r), forget.rows(f), loss: loss, update: update, context: &ctx)
            }
        }
        return copy
    }

    /// One update on a retain batch and a forget batch.
    func step(_ net: NeuralNetwork, _ r: Dataset, _ f: Dataset, loss: SoftmaxCrossEntropy, update: OptimizerUpdate,
              context: inout ForwardContext) throws {
        let both = try r.concatenated(f)
        let z = try net.forward(both.features, &context)
        let (_, g0, _) = loss.lossAndGradient(z, both.labels, normalizer: 1)
        var g = g0
        let wr = Float(beta / Double(r.size)), wf = Float(-(1 - beta) / Double(f.size)), k = g.cols
        g.data.withUnsafeMutableBufferPointer { p in
            for row in 0..<both.size {
                let w = row < r.size ? wr : wf
                for j in 0..<k { p[row * k + j] *= w }
            }
        }
        try net.backward(g)
        update.apply(lr: schedule.learningRate)
    }
}
