/// One parameter update from one sampled batch. A run uses one kind of step, chosen once from the
/// options (`UpdatePath`): `PlainStep` without DP, `PrivateStep`… with it — the split Opacus makes
/// between the per-sample gradients and the DP optimizer (clip, add noise, step).
protocol TrainingStep {
    /// The first layer batches enter (0, or past a cached frozen part).
    var from: Int { get set }
    /// Trains on the records at `positions` (their rows gathered in `batch`) at learning rate `lr`,
    /// as update number `number` (1, 2, … in this fit), adding what the batch measured to `meter`.
    mutating func update(_ batch: PendingBatch, positions: [Int], number: Int, lr: Double, meter: inout EpochMeter) throws
    /// Why the run so far cannot be accounted as DP-SGD (a user's private step that differed from
    /// the built-in); nil when it can.
    var unaccounted: String? { get }
}

extension TrainingStep {
    var unaccounted: String? { nil }
}

/// The separate update: the weight penalty's gradient added to the buffers, then the optimizer.
struct OptimizerUpdate {
    let parameters: [Parameter]
    let penalty: WeightPenalty
    let optimizer: Optimizer

    /// With `shared`, that optimizer (and its state) instead of a fresh one from the options.
    init(parameters: [Parameter], options o: TrainingOptions, shared: Optimizer? = nil) {
        self.parameters = parameters
        penalty = WeightPenalty(l1: Float(o.l1), l2: Float(o.l2))
        optimizer = shared ?? Optimizer(kind: o.optimizer, momentum: o.momentum, nesterov: o.nesterov,
                                        beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon)
    }

    func apply(lr: Double) {
        penalty.addGradients(parameters)
        optimizer.update(parameters, lr: lr)
    }
}

/// A non-private step: forward, the batch's loss (divided by the actual batch size), backward,
/// then the update — inside the backward pass (`UpdatePath.sgdInBackward`) or by the optimizer.
struct PlainStep: TrainingStep {
    let network: NeuralNetwork
    let objective: BatchObjective
    /// nil: plain SGD applied inside the backward pass.
    let separate: OptimizerUpdate?
    var context: ForwardContext
    /// The first layer the batches enter (past a frozen part whose output the trainer cached).
    var from = 0

    mutating func update(_ batch: PendingBatch, positions: [Int], number: Int, lr: Double, meter: inout EpochMeter) throws {
        let x = batch.take()
        context.training = true
        let z = try network.forward(x, &context, from: from)
        let (l, g, c) = try objective.evaluate(z, positions, normalizer: nil)
        meter.add(loss: l, correct: c, records: positions.count)
        if let separate {
            try network.backward(g)
            separate.apply(lr: lr)
        } else {
            try network.backwardApplyingSGD(g, learningRate: Float(lr))
        }
    }
}
