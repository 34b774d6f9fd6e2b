import Foundation

/// Mini-batch training of a `NeuralNetwork`, composed of parts with one job each: the checked data
/// (`TrainingData`), the batch schedule (`BatchSchedule`, fed by `BatchFeeder`), one kind of step
/// chosen once from the options (`UpdatePath` → `PlainStep` or `DPStep`, which use
/// `BatchObjective`, `PerExampleClipping`, `InsertedGradients`, `NoiseAddition` and
/// `OptimizerUpdate`), the learning-rate schedule, the hooks, and the end of each epoch
/// (`EpochLog`: history, validation, early stopping; `DPAccounting`: the privacy report).
///
/// Random streams, all from the run's seed (the options' seed, or the stage's): 1 orders batches,
/// 2 draws dropout, 3 splits off the validation set, 4 draws the DP noise, 5 samples Poisson batches.
struct NetworkTrainer {
    let network: NeuralNetwork
    /// Incremental training (SISA slices): continue from the current parameters, for a possibly
    /// fractional number of epochs, with random streams from another seed. nil is a plain `fit`.
    var stage: TrainingStage? = nil
    /// Soft targets, extra loss terms and per-step callbacks (see `TrainingHooks`).
    var hooks = TrainingHooks()

    func fit(_ trainIn: Dataset, validation valIn: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        let net = network, o = net.options
        let streamSeed = stage?.seed ?? o.seed
        let epochBudget = stage?.epochs ?? Double(o.epochs)
        guard epochBudget.isFinite, epochBudget > 0 else { throw PrivLabError.invalidArgument("fit: the epoch budget must be positive") }
        let epochCount = Int(epochBudget.rounded(.up))
        let data = try TrainingData(network: net, train: trainIn, validation: valIn, seed: streamSeed)
        try data.prepare(net, warmStart: stage?.warmStart == true)
        let objective = try BatchObjective(options: o, train: data.train, classes: data.classes, hooks: hooks)
        if hooks.insertedGradients != nil && net.frozen.count > 0 {
            throw PrivLabError.invalidArgument("fit: inserted gradients (gradient canaries) need every layer trained: the model has frozen = \(net.frozen.count)")
        }
        if hooks.insertedGradients != nil && o.dp == nil {
            throw PrivLabError.invalidArgument("fit: inserted gradients (gradient canaries) need DP-SGD: give the model dp = {…}")
        }
        if hooks.privateStep != nil {
            guard let dp = o.dp else { throw PrivLabError.invalidArgument("fit: a private step (private_step) replaces DP-SGD's clipping and noise: give the model dp = {…}") }
            if dp.perLayer == true || hooks.insertedGradients != nil || dp.physicalBatch != nil {
                throw PrivLabError.invalidArgument("fit: a private step is compared with DP-SGD's flat clipping of whole batches: per_layer, physical_batch and gradient canaries do not combine with it")
            }
        }
        var schedule = BatchSchedule(records: data.train.size, batchSize: o.batchSize, poisson: o.dp?.sampling == .poisson,
                                     epochBudget: epochBudget, orderRNG: RNG.stream(seed: streamSeed, index: 1),
                                     sampleRNG: RNG.stream(seed: streamSeed, index: 5))
        // The next batch's rows and the next step's noise are prepared by an idle-priority thread
        // while this step computes (see `IdleWorker`); with one BLAS thread (parallel SISA shards,
        // shadow models) everything stays on this thread. The bits are the same either way.
        let worker: IdleWorker? = BLASThreads.count > 1 ? IdleWorker() : nil
        defer { worker?.stop() }
        // Continuing a privately trained model: its phases compose with this run's. Continuing one
        // trained without DP: those epochs are not in the statement, which then holds only if
        // their records were public (pre-training) — the statement says so.
        let continued = stage?.warmStart == true && net.isFitted
        let prior = continued ? net.privacy : nil
        var accounting = try o.dp.map { try DPAccounting($0, sampleRate: schedule.sampleRate, plannedSteps: epochCount * schedule.stepsPerEpoch, prior: prior) }
        if continued, prior == nil, net.epochsTrained > 0 {
            accounting?.notes.append("continues \(net.epochsTrained) epoch\(net.epochsTrained == 1 ? "" : "s") of training without DP, not counted here: the guarantee holds only if those records were public")
        }
        var step = makeStep(objective: objective, accounting: accounting, expectedBatch: schedule.batchSize, worker: worker,
                            context: ForwardContext(training: true, rng: RNG.stream(seed: streamSeed, index: 2)))
        // After `prepare`: a fresh build has emptied the history, a warm start kept it.
        var log = EpochLog(network: net, validation: data.validation, observer: observer, epochCount: epochCount,
                           firstEligible: hooks.firstSelectableEpoch ?? 1)
        try hooks.beforeFirstStep?()
        // A frozen, deterministic lower part (transfer learning) is computed once per fit (after
        // the hook, which may set parameters): the batches then enter at the first trained layer,
        // and backpropagation stops there.
        let cached = net.frozen.cacheable && net.frozen.firstTrained > 0
        let features = cached ? try net.frozenOutput(data.train.features) : data.train.features
        step.from = cached ? net.frozen.firstTrained : 0
        let feeder = BatchFeeder(features: features, worker: worker)
        var updates = 0
        for epoch in 1...epochCount {
            let lr = o.schedule.rate(base: o.learningRate, epoch: epoch, epochs: epochCount)
            var meter = EpochMeter()
            try feeder.run(schedule.batches(epoch: epoch)) { batch, positions in
                try step.update(batch, positions: positions, number: updates + 1, lr: lr, meter: &meter)
                updates += 1
                try hooks.afterStep?(updates)
            }
            // Every step of a DP run is a private step: the report covers `updates` of them.
            if try log.close(epoch: epoch, meter: meter, lr: lr, privacy: { try privacyReport(accounting, steps: updates, step: step) }) { break }
        }
        return try log.finish()
    }

    /// The statement after `steps` private steps; unaccounted (ε = ∞, with the reason) once a
    /// user's private step has differed from the built-in.
    private func privacyReport(_ accounting: DPAccounting?, steps: Int, step: any TrainingStep) throws -> PrivacyStatement? {
        guard let accounting else { return nil }
        if let why = step.unaccounted {
            return PrivacyStatement(epsilon: .infinity, delta: accounting.dp.delta, accountant: nil,
                                    event: .nonPrivate("unaccounted private step"), notes: ["unaccounted: " + why])
        }
        return try accounting.report(steps: steps)
    }

    /// The run's kind of step, from `UpdatePath.choose` — the one place the path is decided.
    private func makeStep(objective: BatchObjective, accounting: DPAccounting?, expectedBatch: Int, worker: IdleWorker?,
                          context: ForwardContext) -> any TrainingStep {
        let net = network, o = net.options
        let separate = OptimizerUpdate(parameters: net.trainedParameters, options: o, shared: hooks.optimizer)
        // A shared optimizer keeps its state outside the fused backward pass: never fuse then.
        let path = UpdatePath.choose(o, sharedOptimizer: hooks.optimizer != nil)
        guard let accounting else {
            return PlainStep(network: net, objective: objective, separate: path == .sgdInBackward ? nil : separate, context: context)
        }
        let dp = accounting.dp
        if let custom = hooks.privateStep {
            return CustomDPStep(network: net, objective: objective, dp: dp, sigma: accounting.sigma, expectedBatch: expectedBatch,
                                separate: separate, custom: custom, noiseRNG: RNG.stream(seed: stage?.seed ?? o.seed, index: 4), context: context)
        }
        let canaries = hooks.insertedGradients.map {
            InsertedGradients(hook: $0, network: net, dp: dp, sampleRate: accounting.sampleRate, expectedBatch: expectedBatch)
        }
        let noise = accounting.sigma > 0
            ? NoiseAddition(sizes: separate.parameters.map { $0.value.count }, std: accounting.sigma * dp.clip / Double(expectedBatch),
                            rng: RNG.stream(seed: stage?.seed ?? o.seed, index: 4), worker: worker)
            : nil
        return DPStep(network: net, objective: objective, dp: dp, expectedBatch: expectedBatch, fused: path == .privateInBackward,
                      separate: separate, canaries: canaries, noise: noise, context: context)
    }
}

/// One stage of incremental training: start from the model's current parameters (if it has any),
/// train `epochs` epochs (the last one possibly partial), drawing batch order, dropout and noise from
/// `seed`'s streams. SISA trains each slice this way (Bourtoule et al. 2021, §IV-B).
public struct TrainingStage: Sendable {
    public var epochs: Double
    public var seed: UInt64
    public var warmStart: Bool
    public init(epochs: Double, seed: UInt64, warmStart: Bool) {
        self.epochs = epochs
        self.seed = seed
        self.warmStart = warmStart
    }
}

extension RNG {
    /// A 64-bit value drawn from this stream, for seeding another component.
    var seedValue: UInt64 {
        var c = self
        return c.next()
    }
}
