/// Early stopping on the validation loss (Prechelt 1998): stop after `patience` epochs without an
/// improvement larger than `minDelta`, and optionally restore the best epoch's parameters.
struct EarlyStopping {
    let patience: Int?
    let minDelta: Double
    let restoreBest: Bool
    private(set) var bestEpoch: Int? = nil
    private var best = Double.infinity
    private var wait = 0
    private var bestParams: [[Float]]? = nil

    init(patience: Int?, minDelta: Double, restoreBest: Bool) {
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBest = restoreBest
    }

    /// Records an epoch; true when training should stop.
    mutating func record(epoch: Int, validationLoss: Double?, parameters: () -> [[Float]]) -> Bool {
        guard let patience, let vl = validationLoss else { return false }
        if vl < best - minDelta {
            best = vl
            bestEpoch = epoch
            wait = 0
            if restoreBest { bestParams = parameters() }
            return false
        }
        wait += 1
        return wait >= patience
    }

    /// Puts the best epoch's parameters back when training ended after it.
    func restore(_ net: NeuralNetwork, lastEpoch: Int?) throws {
        if let bp = bestParams, bestEpoch != lastEpoch { try net.setParameterValues(bp) }
    }
}
