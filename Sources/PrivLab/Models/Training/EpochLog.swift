/// The end of each epoch: the divergence check, the epoch's record (training loss and accuracy,
/// ε spent, validation loss and accuracy), the network's history, progress, early stopping and
/// the observer's say on stopping; and, when training ends, the best epoch put back.
struct EpochLog {
    let network: NeuralNetwork
    let validation: Dataset?
    let observer: TrainingObserver
    let epochCount: Int
    private(set) var history = [EpochRecord]()
    private var stopping: EarlyStopping

    init(network: NeuralNetwork, validation: Dataset?, observer: TrainingObserver, epochCount: Int) {
        self.network = network
        self.validation = validation
        self.observer = observer
        self.epochCount = epochCount
        let o = network.options
        stopping = EarlyStopping(patience: o.patience, minDelta: o.minDelta, restoreBest: o.restoreBest)
    }

    /// Records epoch `epoch`; true when training should stop. `privacy` is the run's DP report so
    /// far (nil without DP).
    mutating func close(epoch: Int, meter: EpochMeter, lr: Double, privacy: () throws -> PrivacyReport?) throws -> Bool {
        let net = network
        let trainLoss = meter.meanLoss
        if !trainLoss.isFinite || net.parameters.contains(where: { $0.value.hasNonFinite }) {
            throw PrivLabError.message("fit: training diverged in epoch \(epoch) (loss is not finite); lower lr")
        }
        var rec = EpochRecord(epoch: epoch, trainLoss: trainLoss, trainAccuracy: meter.accuracy, learningRate: lr)
        if let report = try privacy() {
            rec.epsilon = report.epsilon
            net.setPrivacy(report)
        }
        if let v = validation {
            rec.validationLoss = try net.meanLoss(v)
            rec.validationAccuracy = try net.accuracy(v)
        }
        history.append(rec)
        net.setHistory(history, bestEpoch: stopping.bestEpoch)
        observer.progress?(epoch, epochCount)
        var stop = stopping.record(epoch: epoch, validationLoss: rec.validationLoss, parameters: { net.parameterValues() })
        if let cb = observer.onEpoch, try !cb(rec) { stop = true }
        return stop
    }

    /// Puts the best epoch's parameters back (early stopping) and leaves the history on the network.
    func finish() throws -> [EpochRecord] {
        try stopping.restore(network, lastEpoch: history.last?.epoch)
        network.setHistory(history, bestEpoch: network.options.patience != nil ? stopping.bestEpoch : nil)
        return history
    }
}
