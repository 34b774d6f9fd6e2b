/// What early stopping and best-epoch selection watch on the validation set.
public enum StoppingMetric: String, Codable, Sendable, CaseIterable {
    /// The validation loss (lower is better): Prechelt's criterion, the default.
    case loss
    /// The validation accuracy (higher is better): the checkpoint a paper reports when it keeps
    /// "the best epoch" (e.g. Nasr et al. 2018's released code keeps the best test-accuracy epoch;
    /// selecting on a validation set disjoint from the test set is the honest form of that).
    case accuracy
}

/// Early stopping on the validation loss or accuracy (Prechelt 1998): stop after `patience` epochs
/// without an improvement larger than `minDelta`, and optionally restore the best epoch's parameters.
/// Epochs before `firstEligible` (a defense's warm-up of plain training, `TrainingHooks`) are
/// neither candidates for the best epoch nor counted against the patience.
struct EarlyStopping {
    let patience: Int?
    let minDelta: Double
    let restoreBest: Bool
    let metric: StoppingMetric
    let firstEligible: Int
    private(set) var bestEpoch: Int? = nil
    private var best = Double.infinity
    private var wait = 0
    private var bestParams: [[Float]]? = nil

    init(patience: Int?, minDelta: Double, restoreBest: Bool, metric: StoppingMetric = .loss, firstEligible: Int = 1) {
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBest = restoreBest
        self.metric = metric
        self.firstEligible = firstEligible
    }

    /// Records an epoch (`runEpoch`: its number in this fit, for eligibility; `epoch`: its number
    /// in the history); true when training should stop.
    mutating func record(epoch: Int, runEpoch: Int, validationLoss: Double?, validationAccuracy: Double?,
                         parameters: () -> [[Float]]) -> Bool {
        guard let patience, runEpoch >= firstEligible else { return false }
        // Lower is better for the score: the loss, or the accuracy negated.
        let score: Double
        switch metric {
        case .loss: guard let v = validationLoss else { return false }; score = v
        case .accuracy: guard let v = validationAccuracy else { return false }; score = -v
        }
        if score < best - minDelta {
            best = score
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
