import PrivLab
import XCTest

/// Best-epoch selection (`TrainingOptions.monitor`, `restoreBest`), epochs it may not select
/// (`TrainingHooks.firstSelectableEpoch`), and data sets tracked per epoch (`TrainingObserver.tracked`).
final class BestEpochSelectionTests: XCTestCase {
    /// Noisy blobs and a large step: validation accuracy goes up and down from epoch to epoch.
    func data() throws -> (train: Dataset, validation: Dataset, test: Dataset) {
        let all = try Synthetic.blobs(n: 600, features: 10, classes: 4, std: 6, seed: 5)
        let (rest, train) = try all.split(.count(200), seed: 1)
        let (test, validation) = try rest.split(.count(200), seed: 2)
        return (train, validation, test)
    }

    func options(_ monitor: StoppingMetric?) -> TrainingOptions {
        var o = TrainingOptions()
        o.optimizer = .adam
        o.learningRate = 0.05
        o.epochs = 12
        o.batchSize = 16
        o.patience = 12
        o.restoreBest = true
        o.monitor = monitor
        o.seed = 3
        return o
    }

    /// monitor = accuracy keeps the epoch of highest validation accuracy (the first of ties), and
    /// the model answers with that epoch's parameters; monitor = nil keeps the lowest loss. From
    /// epoch 4 on, this run's most accurate epoch is not its lowest-loss one, so a monitor that
    /// were ignored would show.
    func testAccuracyMonitorKeepsTheMostAccurateEpoch() throws {
        let (train, val, _) = try data()
        let net = try NeuralNetwork.mlp(hidden: [32], options: options(.accuracy))
        let h = try net.fit(train, validation: val)
        let accs = h.map { $0.validationAccuracy! }
        let best = accs.firstIndex(of: accs.max()!)! + 1
        XCTAssertNotEqual(best, h.count, "the test needs a run whose last epoch is not the best: \(accs)")
        XCTAssertEqual(net.bestEpoch, best)
        XCTAssertEqual(try net.accuracy(val), accs.max()!, accuracy: 1e-12)

        var hooks = TrainingHooks()
        hooks.firstSelectableEpoch = 4
        let byAccuracy = try NeuralNetwork.mlp(hidden: [32], options: options(.accuracy))
        let byLoss = try NeuralNetwork.mlp(hidden: [32], options: options(nil))
        try byAccuracy.fit(train, validation: val, hooks: hooks)
        let hl = try byLoss.fit(train, validation: val, hooks: hooks)
        let laterLoss = hl[3...].map { $0.validationLoss! }, laterAcc = hl[3...].map { $0.validationAccuracy! }
        let lossEpoch = 4 + laterLoss.firstIndex(of: laterLoss.min()!)!, accEpoch = 4 + laterAcc.firstIndex(of: laterAcc.max()!)!
        XCTAssertNotEqual(lossEpoch, accEpoch, "loss and accuracy must pick different epochs here: \(laterLoss) \(laterAcc)")
        XCTAssertEqual(byLoss.bestEpoch, lossEpoch)
        XCTAssertEqual(byAccuracy.bestEpoch, accEpoch)
        XCTAssertEqual(try byAccuracy.accuracy(val), laterAcc.max()!, accuracy: 1e-12)
    }

    /// Epochs before `firstSelectableEpoch` are never kept, even when they were the best.
    func testEarlyEpochsAreNotSelectable() throws {
        let (train, val, _) = try data()
        let free = try NeuralNetwork.mlp(hidden: [32], options: options(.accuracy))
        let h = try free.fit(train, validation: val)
        let first = free.bestEpoch! + 1
        var hooks = TrainingHooks()
        hooks.firstSelectableEpoch = first
        let held = try NeuralNetwork.mlp(hidden: [32], options: options(.accuracy))
        let h2 = try held.fit(train, validation: val, hooks: hooks)
        XCTAssertEqual(h2, h, "the hook changes selection, not training")
        let later = h[(first - 1)...].map { $0.validationAccuracy! }
        XCTAssertEqual(held.bestEpoch, first + later.firstIndex(of: later.max()!)!)
        XCTAssertEqual(try held.accuracy(val), later.max()!, accuracy: 1e-12)
    }

    /// Tracked sets: each record carries their accuracy at the end of the epoch, and training is
    /// unchanged by them.
    func testTrackedAccuracyPerEpoch() throws {
        let (train, val, test) = try data()
        var o = options(nil)
        o.patience = nil
        o.epochs = 3
        var observer = TrainingObserver()
        observer.tracked = [("test", test)]
        var seen = [Double]()
        let probe = try NeuralNetwork.mlp(hidden: [32], options: o)
        // The accuracy on the test set after each epoch, measured independently: one epoch at a time.
        for e in 1...3 {
            o.epochs = e
            let n = try NeuralNetwork.mlp(hidden: [32], options: o)
            try n.fit(train, validation: val)
            seen.append(try n.accuracy(test))
        }
        o.epochs = 3
        let net = try NeuralNetwork.mlp(hidden: [32], options: o)
        let h = try net.fit(train, validation: val, observer: observer)
        let plain = try probe.fit(train, validation: val)
        XCTAssertEqual(h.map { $0.trainLoss }, plain.map { $0.trainLoss })
        XCTAssertNil(plain[0].tracked)
        XCTAssertEqual(h.last!.tracked!["test"]!, try net.accuracy(test), accuracy: 1e-12)
        for (e, acc) in seen.enumerated() { XCTAssertEqual(h[e].tracked!["test"]!, acc, accuracy: 1e-12, "epoch \(e + 1)") }
    }
}
