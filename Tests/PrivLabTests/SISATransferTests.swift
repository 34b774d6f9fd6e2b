import Foundation
import PrivLab
import XCTest

/// SISA with a shared feature extractor (Bourtoule et al. 2021, §VII: transfer learning keeps
/// accuracy with few records per shard). Exactness is checked as SISATests does, bit for bit
/// against a fresh ensemble without the records; and its limit: an extractor trained on the
/// private records is outside every shard, so unlearning cannot take a record out of it.
final class SISATransferTests: XCTestCase {
    /// Held-out classes as the public task (0, 1) and the private task (2, 3, relabelled 0, 1).
    func tasks() throws -> (public: Dataset, private: Dataset) {
        let all = try Synthetic.blobs(n: 600, features: 12, classes: 4, std: 2.5, box: 4, seed: 21)
        return (try all.filter(classes: [0, 1]), try all.filter(classes: [2, 3], relabel: true))
    }

    func extractor(on d: Dataset) throws -> NeuralNetwork {
        var o = TrainingOptions()
        o.epochs = 3
        o.batchSize = 32
        o.seed = 4
        let b = try NeuralNetwork.mlp(hidden: [16, 8], options: o)
        try b.fit(d)
        return b
    }

    func ensemble(_ base: NeuralNetwork, frozen: Int) throws -> SISAEnsemble {
        var t = TrainingOptions()
        t.epochs = 3
        t.batchSize = 16
        t.frozenLayers = frozen
        var o = SISAOptions()
        o.shards = 3
        o.slices = 3
        o.seed = 7
        return try SISAEnsemble(options: o, model: try NeuralNetwork.transfer(base: base, layers: 2, head: [6], options: t))
    }

    /// Frozen (2 layers) and fine-tuned (0) public extractors: unlearning equals retraining.
    func testPublicExtractorUnlearningIsExact() throws {
        let (pub, priv) = try tasks()
        let base = try extractor(on: pub)
        let forget = [priv.ids[5], priv.ids[100]]
        for frozen in [2, 0] {
            let e = try ensemble(base, frozen: frozen)
            try e.fit(priv)
            let before = try e.fingerprint()
            _ = try e.unlearn([forget[0]])
            _ = try e.unlearn([forget[1]])
            let fresh = try ensemble(base, frozen: frozen)
            try fresh.fit(try priv.without(ids: forget))
            XCTAssertEqual(try e.fingerprint(), try fresh.fingerprint(), "frozen = \(frozen)")
            XCTAssertNotEqual(try e.fingerprint(), before)
            XCTAssertGreaterThan(try e.accuracy(priv), 0.7, "frozen = \(frozen)")
            // Every constituent starts from the same public extractor: frozen, it is still there.
            let c = e.constituent(0) as! NeuralNetwork
            XCTAssertEqual(c.parameters[0].value.data == base.parameters[0].value.data, frozen > 0)
        }
    }

    /// An extractor pre-trained on the private data itself: SISA's unlearning retrains shards but
    /// keeps the extractor, which saw the forgotten records; retraining without them from scratch
    /// (extractor included) gives another model. The residue is measurable in the parameters.
    func testPrivateExtractorIsNotUnlearned() throws {
        let (_, priv) = try tasks()
        let forget = Array(priv.ids.prefix(30))
        let base = try extractor(on: priv)
        let e = try ensemble(base, frozen: 2)
        try e.fit(priv)
        _ = try e.unlearn(forget)
        let retain = try priv.without(ids: forget)
        let cleanBase = try extractor(on: retain)
        let clean = try ensemble(cleanBase, frozen: 2)
        try clean.fit(retain)
        XCTAssertNotEqual(try e.fingerprint(), try clean.fingerprint())
        // The unlearned ensemble's extractor is the one that saw the records…
        let kept = (e.constituent(0) as! NeuralNetwork).parameters[0].value.data
        XCTAssertEqual(kept, base.parameters[0].value.data)
        // … and differs from the one trained without them.
        XCTAssertNotEqual(kept, cleanBase.parameters[0].value.data)
        // Same extractor, shards retrained: SISA's own part is exact (the shared part is the residue).
        let sameBase = try ensemble(base, frozen: 2)
        try sameBase.fit(retain)
        XCTAssertEqual(try e.fingerprint(), try sameBase.fingerprint())
    }

    /// A frozen extractor trains only the head: the stages' samples are the same, the parameters
    /// trained per constituent fewer.
    func testFrozenExtractorTrainsOnlyTheHead() throws {
        let (pub, priv) = try tasks()
        let base = try extractor(on: pub)
        let frozen = try ensemble(base, frozen: 2), tuned = try ensemble(base, frozen: 0)
        try frozen.fit(priv)
        try tuned.fit(priv)
        let f = frozen.constituent(1) as! NeuralNetwork, t = tuned.constituent(1) as! NeuralNetwork
        XCTAssertEqual(f.trainedParameters.map(\.value.count).reduce(0, +), 8 * 6 + 6 + 6 * 2 + 2)
        XCTAssertEqual(t.trainedParameters.map(\.value.count).reduce(0, +), t.parameterCount)
    }

    /// Recurrent constituents fed records of the wrong width: the error names sisa and its model.
    func testRecurrentConstituentsOnFlatRecordsOfTheWrongWidth() throws {
        var t = TrainingOptions()
        t.epochs = 1
        var o = SISAOptions()
        o.shards = 2
        let e = try SISAEnsemble(options: o, model: try NeuralNetwork.rnn(cell: .gru, hidden: 4, steps: 5, options: t))
        let (_, priv) = try tasks()   // 12 values per record: not 5 steps × features
        XCTAssertThrowsError(try e.fit(priv)) { error in
            let m = "\(error)"
            XCTAssertTrue(m.contains("sisa") && m.contains("'model'") && m.contains("12 values") && m.contains("steps = 5"), m)
        }
        // A transfer constituent whose extractor reads another width.
        let wrong = try SISAEnsemble(options: o, model: try NeuralNetwork.transfer(base: try extractor(on: priv), layers: 1, head: [], options: t))
        let narrow = try Synthetic.blobs(n: 60, features: 7, classes: 2, seed: 1)
        XCTAssertThrowsError(try wrong.fit(narrow)) { error in
            let m = "\(error)"
            XCTAssertTrue(m.contains("sisa") && m.contains("'model'") && m.contains("12 values") && m.contains("7 features"), m)
        }
    }
}
