import Foundation
import XCTest
import PrivLab

/// A model says what it went through over all its fits (issue 27, item 6): a continued fit
/// (`fit(ds, {continue = true})`, `fineTune`) extends the history, numbered on; the model file keeps
/// it; a clone trains the configured epochs, and the attacker's re-seeded copy as many as the model
/// went through.
final class TrainingRunsTests: XCTestCase {
    func testContinuedTrainingExtendsTheHistoryAndTheFileKeepsIt() throws {
        let ds = try rings(n: 96, seed: 4)
        var o = TrainingOptions()
        o.epochs = 3
        o.batchSize = 16
        let m = try NeuralNetwork.mlp(hidden: [6], options: o)
        let first = try m.fit(ds)
        XCTAssertEqual(m.epochsTrained, 3)
        // Fine-tuning without and with DP: each run adds its 3 epochs, numbered on from the last.
        let (plain, second) = try m.fineTune(ds, dp: nil, observer: TrainingObserver())
        XCTAssertEqual(second.map(\.epoch), [4, 5, 6])
        var dp = DPOptions()
        dp.noise = 1
        let (tuned, third) = try XCTUnwrap(plain as? FineTunable).fineTune(ds, dp: dp, observer: TrainingObserver())
        let net = try XCTUnwrap(tuned as? NeuralNetwork)
        XCTAssertEqual(third.map(\.epoch), [7, 8, 9])
        XCTAssertEqual(net.epochsTrained, 9)
        XCTAssertEqual(net.history, first + second + third)
        XCTAssertNotNil(third.last?.epsilon)

        let path = NSTemporaryDirectory() + "privlab-training-runs-\(getpid()).plm"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(.classifier(net), to: path)
        guard case .classifier(let back) = try ModelFile.load(path: path), let loaded = back as? NeuralNetwork else { return XCTFail("not a network") }
        XCTAssertEqual(loaded.epochsTrained, 9)
        XCTAssertEqual(loaded.history, net.history)

        // A clone (what shadow models train) copies the configuration: it trains `epochs` per fit.
        let clone = try XCTUnwrap(try loaded.cloneUntrained() as? NeuralNetwork)
        XCTAssertFalse(clone.isFitted)
        try clone.fit(ds)
        XCTAssertEqual(clone.epochsTrained, 3)
        XCTAssertEqual(clone.history.map(\.epoch), [1, 2, 3])
        // The attacker's copy (shadow and reference models) goes through as many epochs as the
        // model did, and the summary says how many that was.
        XCTAssertTrue(loaded.summary.contains("epochs=3 (9 trained in all)"), loaded.summary)
        let shadow = try XCTUnwrap(try loaded.reseededClone(seed: 5) as? NeuralNetwork)
        try shadow.fit(ds)
        XCTAssertEqual(shadow.epochsTrained, 9)
        XCTAssertTrue(try XCTUnwrap(try clone.reseededClone(seed: 5) as? NeuralNetwork).summary.contains("epochs=3,"), "a model fitted once: its configuration")
        // A fresh fit starts the history over.
        try loaded.fit(ds)
        XCTAssertEqual(loaded.epochsTrained, 3)
    }
}
