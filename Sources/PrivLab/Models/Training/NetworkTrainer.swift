import Foundation

/// Mini-batch training of a `NeuralNetwork`: shuffling, penalties, optimizer steps, the learning
/// rate schedule, validation and early stopping.
struct NetworkTrainer {
    let network: NeuralNetwork

    func fit(_ trainIn: Dataset, validation valIn: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        let net = network, o = net.options
        guard trainIn.size > 0 else { throw PrivLabError.invalidArgument("fit: the training set is empty") }
        guard trainIn.classes >= 2 else { throw PrivLabError.invalidArgument("fit: need at least 2 classes, the data has \(trainIn.classes)") }
        try trainIn.checkFinite()
        var train = trainIn
        var val = valIn
        if val == nil, let f = o.validationSplit {
            let (rest, part) = try trainIn.split(.fraction(f), stratified: true, seed: RNG.stream(seed: o.seed, index: 3).seedValue)
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
        try net.build(inputShape: shape, classes: max(train.classes, val?.classes ?? 0))
        let params = net.parameters
        let opt = Optimizer(kind: o.optimizer, momentum: o.momentum, nesterov: o.nesterov,
                            beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon)
        let loss = SoftmaxCrossEntropy(temperature: o.temperature, labelSmoothing: o.labelSmoothing)
        var orderRNG = RNG.stream(seed: o.seed, index: 1)
        var ctx = ForwardContext(training: true, rng: RNG.stream(seed: o.seed, index: 2))
        let n = train.size, bsz = min(o.batchSize, n)
        var history = [EpochRecord]()
        var best = Double.infinity, bestEpoch: Int? = nil, bestParams: [[Float]]? = nil, wait = 0
        let l1 = Float(o.l1), l2 = Float(o.l2)
        for epoch in 1...o.epochs {
            let lr = o.schedule.rate(base: o.learningRate, epoch: epoch, epochs: o.epochs)
            let order = orderRNG.permutation(n)
            var lossSum = 0.0, correct = 0
            var start = 0
            while start < n {
                let idx = Array(order[start..<min(start + bsz, n)])
                start += bsz
                let xb = train.features.rows(idx)
                let yb = idx.map { train.labels[$0] }
                ctx.training = true
                let z = try net.forward(xb, &ctx)
                let (losses, g, c) = loss.lossAndGradient(z, yb)
                try net.backward(g)
                if l1 > 0 || l2 > 0 {
                    for p in params where p.penalized {
                        p.grad.data.withUnsafeMutableBufferPointer { gd in
                            p.value.data.withUnsafeBufferPointer { w in
                                for i in 0..<gd.count {
                                    let wi = w[i]
                                    gd[i] += l2 * wi + (wi > 0 ? l1 : (wi < 0 ? -l1 : 0))
                                }
                            }
                        }
                    }
                }
                opt.update(params, lr: lr)
                lossSum += losses.reduce(0, +)
                correct += c
            }
            let trainLoss = lossSum / Double(n)
            if !trainLoss.isFinite || params.contains(where: { $0.value.hasNonFinite }) {
                throw PrivLabError.message("fit: training diverged in epoch \(epoch) (loss is not finite); lower lr")
            }
            var rec = EpochRecord(epoch: epoch, trainLoss: trainLoss, trainAccuracy: Double(correct) / Double(n), learningRate: lr)
            if let v = val {
                rec.validationLoss = try net.meanLoss(v)
                rec.validationAccuracy = try net.accuracy(v)
            }
            history.append(rec)
            net.setHistory(history, bestEpoch: bestEpoch)
            observer.progress?(epoch, o.epochs)
            var stop = false
            if let patience = o.patience, let vl = rec.validationLoss {
                if vl < best - o.minDelta {
                    best = vl
                    bestEpoch = epoch
                    wait = 0
                    if o.restoreBest { bestParams = net.parameterValues() }
                } else {
                    wait += 1
                    if wait >= patience { stop = true }
                }
            }
            if let cb = observer.onEpoch, try !cb(rec) { stop = true }
            if stop { break }
        }
        if let bp = bestParams, bestEpoch != history.last?.epoch { try net.setParameterValues(bp) }
        net.setHistory(history, bestEpoch: o.patience != nil ? bestEpoch : nil)
        return history
    }
}

extension RNG {
    /// A 64-bit value drawn from this stream, for seeding another component.
    var seedValue: UInt64 {
        var c = self
        return c.next()
    }
}
