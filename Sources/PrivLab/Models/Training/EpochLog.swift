/// The end of each epoch: the divergence check, the epoch's record (training loss and accuracy,
/// ε spent, validation loss and accuracy), the network's history, progress, early stopping and
/// the observer's say on stopping; and, when training ends, the best epoch put back.
///
/// A run that continues a fitted network (fine-tuning, a warm-started SISA stage) continues its
/// history too: the network keeps the earlier runs' records and this run's are numbered on from
/// them, so the model says what it went through (`NeuralNetwork.epochsTrained`).
struct EpochLog {
    let network: NeuralNetwork
    let validation: Dataset?
    let observer: TrainingObserver
    /// Epochs in this run (the learning-rate schedule and progress count these).
    let epochCount: Int
    /// The records of the runs this one continues (empty for a fresh fit).
    let earlier: [EpochRecord]
    /// This run's records.
    private(set) var history = [EpochRecord]()
    private var stopping: EarlyStopping

    /// `firstEligible`: the first epoch of this run early stopping may select (`TrainingHooks.firstSelectableEpoch`).
    init(network: NeuralNetwork, validation: Dataset?, observer: TrainingObserver, epochCount: Int, firstEligible: Int = 1) {
        self.network = network
        self.validation = validation
        self.observer = observer
        self.epochCount = epochCount
        earlier = network.history
        let o = network.options
        stopping = EarlyStopping(patience: o.patience, minDelta: o.minDelta, restoreBest: o.restoreBest, metric: o.monitor ?? .loss,
                                 firstEligible: firstEligible)
    }

    /// Records this run's epoch `epoch`; true when training should stop. `privacy` is the run's DP report so
    /// far (nil without DP).
    mutating func close(epoch: Int, meter: EpochMeter, lr: Double, privacy: () throws -> PrivacyStatement?) throws -> Bool {
        let net = network
        let trainLoss = meter.meanLoss
        if !trainLoss.isFinite || net.parameters.contains(where: { $0.value.hasNonFinite }) {
            throw PrivLabError.message("fit: training diverged in epoch \(epoch) (loss is not finite); lower lr")
        }
        var rec = EpochRecord(epoch: (earlier.last?.epoch ?? 0) + epoch, trainLoss: trainLoss, trainAccuracy: meter.accuracy, learningRate: lr)
        if let report = try privacy() {
            rec.epsilon = report.epsilon
            net.setPrivacy(report)
        }
        if let v = validation {
            rec.validationLoss = try net.meanLoss(v)
            rec.validationAccuracy = try net.accuracy(v)
        }
        if !observer.tracked.isEmpty {
            var t = [String: Double]()
            for (name, data) in observer.tracked { t[name] = try net.accuracy(data) }
            rec.tracked = t
        }
        history.append(rec)
        net.setHistory(earlier + history, bestEpoch: stopping.bestEpoch)
        observer.progress?(epoch, epochCount)
        var stop = stopping.record(epoch: rec.epoch, runEpoch: epoch, validationLoss: rec.validationLoss, validationAccuracy: rec.validationAccuracy,
                                   parameters: { net.parameterValues() })
        if let cb = observer.onEpoch, try !cb(rec) { stop = true }
        return stop
    }

    /// Puts the best epoch's parameters back (early stopping), leaves the whole history on the
    /// network and returns this run's records.
    func finish() throws -> [EpochRecord] {
        try stopping.restore(network, lastEpoch: history.last?.epoch)
        network.setHistory(earlier + history, bestEpoch: network.options.patience != nil ? stopping.bestEpoch : nil)
        return history
    }
}
