import Foundation

/// Mini-batch training of a `NeuralNetwork`: shuffling, penalties, optimizer steps, the learning
/// rate schedule, validation and early stopping.
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
        guard trainIn.size > 0 else { throw PrivLabError.invalidArgument("fit: the training set is empty") }
        guard trainIn.classes >= 2 else { throw PrivLabError.invalidArgument("fit: need at least 2 classes, the data has \(trainIn.classes)") }
        try trainIn.checkFinite()
        var train = trainIn
        var val = valIn
        if val == nil, let f = o.validationSplit {
            let (rest, part) = try trainIn.split(.fraction(f), stratified: true, seed: RNG.stream(seed: streamSeed, index: 3).seedValue)
            train = rest
            val = part
        }
        if o.patience != nil && val == nil {
            throw PrivLabError.invalidArgument("fit: early stopping (patience) needs a validation set: pass validation = … or set validation_split")
        }
        if let v = val {
            guard v.featureCount == train.featureCount else {
                throw PrivLabError.shape("validation set has \(v.featureCount) features, training set \(train.featureCount)")
            }
            try v.checkFinite()
        }
        let shape = try net.exampleShape(for: train)
        let classes = max(train.classes, val?.classes ?? 0)
        if stage?.warmStart == true && net.isFitted {
            guard net.inputShape == shape, net.classes == classes else {
                throw PrivLabError.shape("fit: cannot continue training a model built for \(net.inputShape) inputs and \(net.classes) classes on data with \(shape) and \(classes)")
            }
        } else {
            try net.build(inputShape: shape, classes: classes)
        }
        if let st = hooks.softTargets {
            // Every training record needs a probability vector over the classes, checked up front.
            for id in train.ids {
                guard let v = st[id] else { throw PrivLabError.invalidArgument("fit: soft targets have no vector for record \(id)") }
                guard v.count == classes, v.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                    throw PrivLabError.invalidArgument("fit: the soft target of record \(id) must be \(classes) non-negative numbers")
                }
            }
        }
        let params = net.parameters
        let opt = Optimizer(kind: o.optimizer, momentum: o.momentum, nesterov: o.nesterov,
                            beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon)
        let loss = SoftmaxCrossEntropy(temperature: o.temperature, labelSmoothing: o.labelSmoothing)
        var ctx = ForwardContext(training: true, rng: RNG.stream(seed: streamSeed, index: 2))
        let dp = o.dp
        var schedule = BatchSchedule(records: train.size, batchSize: o.batchSize, poisson: dp?.sampling == .poisson,
                                     epochBudget: epochBudget, orderRNG: RNG.stream(seed: streamSeed, index: 1),
                                     sampleRNG: RNG.stream(seed: streamSeed, index: 5))
        let bsz = schedule.batchSize
        // DP-SGD: sampling rate, steps and the noise multiplier (calibrated to a target ε if asked).
        let q = schedule.sampleRate
        let stepsPerEpoch = schedule.stepsPerEpoch
        // One accountant calibrates σ and reports ε, so the report meets the request.
        let accountant = try dp?.makeAccountant() ?? AccountantKind.rdp.make()
        // Continuing a privately trained model: its phases compose with this run's.
        let priorPrivacy = stage?.warmStart == true && net.isFitted ? net.privacy : nil
        var sigma = dp?.noise ?? 0
        if let d = dp, d.noise == nil, let target = d.targetEpsilon {
            let total = [PrivacyPhase(sampleRate: q, noise: 1, steps: epochCount * stepsPerEpoch)]
            sigma = try accountant.noise(forEpsilon: target, phases: total, delta: d.delta)
        }
        var noiseRNG = RNG.stream(seed: streamSeed, index: 4)
        var dpSteps = 0
        var history = [EpochRecord]()
        var stopping = EarlyStopping(patience: o.patience, minDelta: o.minDelta, restoreBest: o.restoreBest)
        let penalty = WeightPenalty(l1: Float(o.l1), l2: Float(o.l2))
        // Plain SGD without momentum or penalties is fused into the backward pass.
        let fusedSGD = dp == nil && o.optimizer == .sgd && o.momentum == 0 && penalty.isZero
        // So is DP-SGD's: the clipped sum goes straight into the weights (one GEMM per layer with
        // beta = 1) and the noise is added to the weights, scaled by −lr — no gradient buffers, no
        // separate update pass. Virtual batches accumulate into the gradients and stay unfused.
        let fusedDP = dp != nil && o.optimizer == .sgd && o.momentum == 0 && penalty.isZero
        // The next batch's rows and the next step's noise are prepared by an idle-priority thread
        // while this step computes (see `IdleWorker`); with one BLAS thread (parallel SISA shards,
        // shadow models) everything stays on this thread. The bits are the same either way.
        let worker: IdleWorker? = BLASThreads.count > 1 ? IdleWorker() : nil
        defer { worker?.stop() }
        let noiseStd = sigma * (dp?.clip ?? 0) / Double(bsz)
        let noise: PendingNoise? = dp != nil && sigma > 0 ? PendingNoise(sizes: params.map { $0.value.count }) : nil
        var noiseJob: ChunkedJob? = nil
        // The batch's loss against its targets (labels or soft targets) plus any extra term, and
        // ∂/∂logits divided by `normalizer` (the batch size when nil).
        func batchLoss(_ z: Matrix, _ positions: [Int], normalizer: Int?) throws -> (loss: Double, grad: Matrix, correct: Int) {
            let labels = positions.map { train.labels[$0] }
            let soft = hooks.softTargets.map { st in positions.map { st[train.ids[$0]]! } }
            var (losses, g, c) = loss.lossAndGradient(z, labels, soft: soft, normalizer: normalizer)
            var total = losses.reduce(0, +)
            if let term = hooks.logitTerm {
                let (l, extra) = try term(positions.map { train.ids[$0] }, z, normalizer ?? positions.count)
                guard extra.rows == g.rows, extra.cols == g.cols else {
                    throw PrivLabError.shape("fit: the extra loss term's gradient is \(extra.rows)×\(extra.cols), the logits \(g.rows)×\(g.cols)")
                }
                try g.addScaled(extra, 1)
                total += l
            }
            return (total, g, c)
        }
        if hooks.insertedGradients != nil && dp == nil {
            throw PrivLabError.invalidArgument("fit: inserted gradients (gradient canaries) need DP-SGD: give the model dp = {…}")
        }
        // Where each parameter starts in the flat parameter vector, for inserted gradients.
        let offsets = params.reduce(into: [0]) { $0.append($0.last! + $1.value.count) }
        let coordinateBound = dp.map { $0.perLayer == true ? PerExampleClipping.layerBound(net, clip: $0.clip) : $0.clip } ?? 0
        /// Adds the hook's gradients to the step's clipped sum (or, fused, applies them as SGD).
        func insertGradients(step: Int, fused: Bool, lr: Double) throws {
            guard let insert = hooks.insertedGradients else { return }
            for (position, value) in try insert(PrivateStep(number: step, sampleRate: q, coordinateBound: coordinateBound)) {
                guard position >= 0, position < offsets.last!, value.isFinite, abs(Double(value)) <= coordinateBound * (1 + 1e-6) else {
                    throw PrivLabError.invalidArgument("fit: an inserted gradient must be at a parameter position (0…\(offsets.last! - 1)) and within the clipping bound \(coordinateBound), got \(value) at \(position)")
                }
                var k = 0
                while offsets[k + 1] <= position { k += 1 }
                let g = value / Float(bsz)
                if fused { params[k].value.data[position - offsets[k]] -= Float(lr) * g } else { params[k].grad.data[position - offsets[k]] += g }
            }
        }
        try hooks.beforeFirstStep?()
        var updates = 0
        func stepped() throws {
            updates += 1
            try hooks.afterStep?(updates)
        }
        for epoch in 1...epochCount {
            let lr = o.schedule.rate(base: o.learningRate, epoch: epoch, epochs: epochCount)
            let batches = schedule.batches(epoch: epoch)
            var lossSum = 0.0, correct = 0, seen = 0
            // Batches gathered ahead by the worker, two steps ahead (it only gets the moments
            // when a core would be idle, so it needs more than one step's worth of them).
            var ahead = [Int: PendingBatch]()
            for (t, idx) in batches.enumerated() {
                // A time limit or Ctrl-C stops training here, between steps (the model keeps
                // what it had; the caller sees the reason).
                try WorkBudget.checkpoint()
                let batch = ahead.removeValue(forKey: t) ?? PendingBatch(train.features, idx)
                if let w = worker {
                    for u in (t + 1)...(t + 2) where u < batches.count && ahead[u] == nil {
                        let b = PendingBatch(train.features, batches[u])
                        w.submit(b.job)
                        ahead[u] = b
                    }
                }
                var fusedStep = false
                if dp != nil && idx.isEmpty {
                    // An empty Poisson batch: the update is noise only.
                    if fusedDP {
                        fusedStep = true
                    } else {
                        for p in params { p.grad = Matrix(rows: p.value.rows, cols: p.value.cols) }
                    }
                } else if let d = dp, let physical = d.physicalBatch, idx.count > physical {
                    // Virtual batch: the logical (sampled) batch goes through in physical chunks whose
                    // clipped gradients are summed; noise and the update happen once, as for the whole.
                    var acc = params.map { [Float](repeating: 0, count: $0.value.count) }
                    let xAll = batch.take()
                    for start in stride(from: 0, to: idx.count, by: physical) {
                        let range = start..<min(start + physical, idx.count)
                        let part = Array(idx[range])
                        ctx.training = true
                        let z = try net.forward(xAll.rows(Array(range)), &ctx)
                        let (l, g, c) = try batchLoss(z, part, normalizer: bsz)
                        lossSum += l
                        correct += c
                        seen += part.count
                        try PerExampleClipping.clippedGradients(net, outputGradient: g, clip: d.clip, normalizer: bsz, perLayer: d.perLayer ?? false)
                        for (a, p) in zip(acc.indices, params) {
                            p.grad.data.withUnsafeBufferPointer { gd in for j in 0..<gd.count { acc[a][j] += gd[j] } }
                        }
                    }
                    for (a, p) in zip(acc, params) { p.grad.data = a }
                } else {
                    let xb = batch.take()
                    ctx.training = true
                    let z = try net.forward(xb, &ctx)
                    // DP divides by the expected batch size (Opacus semantics), plain SGD by the actual one.
                    let (l, g, c) = try batchLoss(z, idx, normalizer: dp == nil ? nil : bsz)
                    lossSum += l
                    correct += c
                    seen += idx.count
                    if let d = dp {
                        fusedStep = fusedDP
                        try PerExampleClipping.clippedGradients(net, outputGradient: g, clip: d.clip, normalizer: bsz, perLayer: d.perLayer ?? false,
                                                                sgdStep: fusedDP ? Float(lr) : nil)
                    } else if fusedSGD {
                        try net.backwardApplyingSGD(g, learningRate: Float(lr))
                        try stepped()
                        continue
                    } else {
                        try net.backward(g)
                    }
                }
                if dp != nil {
                    try insertGradients(step: updates + 1, fused: fusedStep, lr: lr)
                    if let pn = noise {
                        // Gaussian noise of std σ·C on the clipped sum, divided (like the sum) by
                        // the expected batch size; usually generated already by the worker.
                        let stepSeed = noiseRNG.next()
                        if noiseJob == nil || pn.seed != stepSeed { noiseJob = pn.job(std: noiseStd, seed: stepSeed) }
                        noiseJob!.complete()
                        for (p, z) in zip(params, pn.buffers) {
                            if fusedStep {
                                // w ← w − lr·noise (the clipped sum was applied already).
                                let a = Float(-lr)
                                p.value.data.withUnsafeMutableBufferPointer { w in for i in 0..<w.count { w[i] += a * z[i] } }
                            } else {
                                p.grad.data.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] += z[i] } }
                            }
                        }
                        noiseJob = nil
                        if let w = worker {
                            // The next step's seed is the stream's next value whatever happens in between.
                            var peek = noiseRNG
                            let j = pn.job(std: noiseStd, seed: peek.next())
                            w.submit(j)
                            noiseJob = j
                        }
                    }
                    dpSteps += 1
                    if fusedStep {
                        try stepped()
                        continue
                    }
                }
                penalty.addGradients(params)
                opt.update(params, lr: lr)
                try stepped()
            }
            let trainLoss = lossSum / Double(max(seen, 1))
            if !trainLoss.isFinite || params.contains(where: { $0.value.hasNonFinite }) {
                throw PrivLabError.message("fit: training diverged in epoch \(epoch) (loss is not finite); lower lr")
            }
            var rec = EpochRecord(epoch: epoch, trainLoss: trainLoss, trainAccuracy: Double(correct) / Double(max(seen, 1)), learningRate: lr)
            if let d = dp {
                let statement = try d.statement(sampleRate: q, noise: sigma, steps: dpSteps, accountant: accountant, prior: priorPrivacy)
                rec.epsilon = statement.epsilon
                net.setPrivacy(statement)
            }
            if let v = val {
                rec.validationLoss = try net.meanLoss(v)
                rec.validationAccuracy = try net.accuracy(v)
            }
            history.append(rec)
            net.setHistory(history, bestEpoch: stopping.bestEpoch)
            observer.progress?(epoch, epochCount)
            var stop = stopping.record(epoch: epoch, validationLoss: rec.validationLoss, parameters: { net.parameterValues() })
            if let cb = observer.onEpoch, try !cb(rec) { stop = true }
            if stop { break }
        }
        try stopping.restore(net, lastEpoch: history.last?.epoch)
        net.setHistory(history, bestEpoch: o.patience != nil ? stopping.bestEpoch : nil)
        return history
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
