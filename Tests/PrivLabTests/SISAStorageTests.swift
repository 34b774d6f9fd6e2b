import Foundation
import XCTest
@testable import PrivLab

/// Training-time defenses as SISA constituents, and SISA ensembles in one model file (issue 27,
/// items 3–4): unlearning is a fresh fit on the remaining records, bit for bit, for DMP and SELENA
/// constituents; a saved ensemble predicts identically after loading and still unlearns exactly
/// from the checkpoints the file holds.
final class SISAStorageTests: XCTestCase {
    func data() throws -> Dataset { try Synthetic.blobs(n: 240, features: 5, classes: 3, std: 2, box: 4, seed: 41) }

    func network(seed: UInt64 = 3, epochs: Int = 3) throws -> NeuralNetwork {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 32
        o.learningRate = 0.05
        o.seed = seed
        return try NeuralNetwork.mlp(hidden: [8], options: o)
    }

    func sisa(_ model: Classifier, slices: Int = 1, aggregation: SISAAggregationRule = .vote) throws -> SISAEnsemble {
        var o = SISAOptions()
        o.shards = 3
        o.slices = slices
        o.seed = 4
        o.workers = 2
        o.aggregation = aggregation
        return try SISAEnsemble(options: o, model: model)
    }

    func roundTrip(_ e: SISAEnsemble) throws -> SISAEnsemble {
        let path = NSTemporaryDirectory() + "/sisa-store-\(UUID().uuidString).plm"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(.classifier(e), to: path)
        guard case .classifier(let loaded) = try ModelFile.load(path: path) else { throw PrivLabError.message("not a classifier") }
        return try XCTUnwrap(loaded as? SISAEnsemble)
    }

    /// Unlearning two records equals a fresh ensemble fitted without them, bit for bit.
    func assertUnlearningIsExact(_ template: () throws -> Classifier, slices: Int, _ what: String) throws {
        let ds = try data()
        let gone = [ds.ids[7], ds.ids[150]]
        let e = try sisa(try template(), slices: slices)
        try e.fit(ds)
        let before = try e.fingerprint()
        _ = try e.unlearn(gone)
        let fresh = try sisa(try template(), slices: slices)
        try fresh.fit(try ds.without(ids: gone))
        XCTAssertEqual(try e.fingerprint(), try fresh.fingerprint(), "\(what): unlearning equals retraining on the rest, bit for bit")
        XCTAssertNotEqual(try e.fingerprint(), before, "\(what): unlearning changed the ensemble")
        XCTAssertEqual(try e.releasedProbabilities(ds.features), try fresh.releasedProbabilities(ds.features), "\(what): identical outputs")
        XCTAssertGreaterThan(try e.accuracy(ds), 0.4, "\(what): the ensemble learned (3 classes: chance is 1/3)")
    }

    /// DMP as a constituent: each shard's teacher trains on the shard, labels the (shared, public)
    /// reference set, and the shard's student distils from it — a deterministic function of the
    /// shard's records and the seeds. With two slices the second stage refits from the
    /// restored first-stage DMP, which must therefore train as a fresh one does.
    func testDMPIsAnExactSISAConstituent() throws {
        let reference = try Synthetic.blobs(n: 80, features: 5, classes: 3, std: 2, box: 4, seed: 42)
        try assertUnlearningIsExact({
            var o = DMPOptions()
            o.temperature = 2
            return try DMP(teacher: try self.network(seed: 5), student: try self.network(seed: 6), reference: reference, options: o)
        }, slices: 2, "DMP")
    }

    func testSELENAIsAnExactSISAConstituent() throws {
        try assertUnlearningIsExact({
            var o = SELENAOptions()
            (o.models, o.excluded, o.workers) = (3, 1, 1)
            return try SELENA(model: try self.network(seed: 7), options: o)
        }, slices: 1, "SELENA")
    }

    /// PATE as a constituent: each shard's teachers split the shard, their noisy votes (drawn from
    /// the seed) label the public records and the student learns from them. PATE trains
    /// privately, so one slice per shard.
    func testPATEIsAnExactSISAConstituent() throws {
        let publicData = try Synthetic.blobs(n: 60, features: 5, classes: 3, std: 2, box: 4, seed: 43)
        try assertUnlearningIsExact({
            var o = PATEOptions()
            o.teachers = 3
            o.aggregator = .confident(threshold: 1, thresholdSigma: 0.5, sigma: 0.5)
            o.workers = 1
            return try PATE(teacher: try self.network(seed: 8, epochs: 20), student: try self.network(seed: 9, epochs: 20), publicData: publicData, options: o)
        }, slices: 1, "PATE")
    }

    /// Adversarial regularisation as a constituent: each shard's classifier plays the min-max game
    /// against its own inference model on the shard's records and the shared reference records;
    /// with two slices the second stage replays the game from the first-stage checkpoint.
    func testAdversarialRegularisationIsAnExactSISAConstituent() throws {
        let reference = try Synthetic.blobs(n: 60, features: 5, classes: 3, std: 2, box: 4, seed: 44)
        try assertUnlearningIsExact({
            var o = AdversarialRegularizationOptions()
            (o.innerSteps, o.attackBatch, o.attackWarmupEpochs, o.attackWidth) = (1, 16, 1, 0.05)
            return try AdversarialRegularization(model: try self.network(seed: 10), reference: reference, options: o)
        }, slices: 2, "adversarial regularisation")
    }

    /// Two DMPs that differ only in their seed or reference set are different configurations
    /// (SISA keys its checkpoints by the configuration).
    func testDefenseConfigurationsNameSeedAndReference() throws {
        let r1 = try Synthetic.blobs(n: 40, features: 5, classes: 3, seed: 1), r2 = try Synthetic.blobs(n: 40, features: 5, classes: 3, seed: 2)
        var o = DMPOptions()
        let a = try DMP(teacher: try network(), student: try network(), reference: r1, options: o)
        o.seed = 2
        let b = try DMP(teacher: try network(), student: try network(), reference: r1, options: o)
        let c = try DMP(teacher: try network(), student: try network(), reference: r2, options: o)
        let d = try DMP(teacher: try network(seed: 99), student: try network(seed: 98), reference: r2, options: o)
        XCTAssertNotEqual(a.configurationIdentity, b.configurationIdentity)
        XCTAssertNotEqual(b.configurationIdentity, c.configurationIdentity)
        XCTAssertEqual(c.configurationIdentity, d.configurationIdentity, "templates' own seeds are never used")
    }

    /// A saved ensemble answers identically after loading; unlearning after loading gives the
    /// ensemble the original gives by unlearning, which is a fresh fit on the rest. The file keeps
    /// no features of records removed before saving.
    func testSavedEnsemblesPredictAndUnlearnAsTheOriginal() throws {
        let ds = try data()
        for (slices, agg) in [(2, SISAAggregationRule.vote), (1, .stack)] {
            let what = "\(slices) slices, \(agg)"
            let e = try sisa(try network(), slices: slices, aggregation: agg)
            try e.fit(ds)
            _ = try e.unlearn([ds.ids[3]])
            let loaded = try roundTrip(e)
            XCTAssertEqual(try loaded.fingerprint(), try e.fingerprint(), what)
            XCTAssertEqual(try loaded.releasedProbabilities(ds.features), try e.releasedProbabilities(ds.features), what)
            XCTAssertEqual(loaded.removedIds, [ds.ids[3]], what)
            XCTAssertEqual(loaded.sliceIds, e.sliceIds, what)
            XCTAssertNil(loaded.directory)
            let row = try XCTUnwrap(loaded.data).positionsById()[ds.ids[3]]!
            XCTAssertEqual(loaded.data!.features.row(row), [Float](repeating: 0, count: 5), "\(what): a removed record's features are not in the file")
            XCTAssertNotEqual(ds.features.row(row), [Float](repeating: 0, count: 5))

            let more = [ds.ids[10], ds.ids[200]]
            let r = try loaded.unlearn(more)
            _ = try e.unlearn(more)
            XCTAssertEqual(try loaded.fingerprint(), try e.fingerprint(), "\(what): unlearning after loading")
            XCTAssertLessThan(r.work.samples, loaded.fullEnsembleSamples() + 1, "\(what): reused checkpoints")
            let fresh = try sisa(try network(), slices: slices, aggregation: agg)
            try fresh.fit(try ds.without(ids: [ds.ids[3]] + more))
            XCTAssertEqual(try loaded.fingerprint(), try fresh.fingerprint(), "\(what): exact")
        }
    }

    func testDefendedConstituentsSaveInsideTheEnsemble() throws {
        let ds = try data()
        var o = SELENAOptions()
        (o.models, o.excluded, o.workers) = (3, 1, 1)
        let e = try sisa(try SELENA(model: try network(seed: 7), options: o))
        try e.fit(ds)
        let loaded = try roundTrip(e)
        XCTAssertEqual(try loaded.releasedProbabilities(ds.features), try e.releasedProbabilities(ds.features))
        // The template comes back as an untrained copy of a constituent: the same configuration
        // once re-seeded (every shard re-seeds it, so its own seed never mattered).
        XCTAssertEqual(try loaded.templateModel.reseededClone(seed: 1).configurationIdentity,
                       try e.templateModel.reseededClone(seed: 1).configurationIdentity)
        _ = try loaded.unlearn([ds.ids[5]])
        _ = try e.unlearn([ds.ids[5]])
        XCTAssertEqual(try loaded.fingerprint(), try e.fingerprint())
        XCTAssertEqual(loaded.summary, e.summary, "the template shows the ensemble's seed, before and after a reload")
    }

    func testUnsavableEnsemblesAreClearErrors() throws {
        let ds = try data()
        let e = try sisa(try network(), aggregation: .custom("mine"))
        e.customAggregator = { probs, _ in probs.compactMap { $0 }.first! }
        let path = NSTemporaryDirectory() + "/sisa-store-\(UUID().uuidString).plm"
        XCTAssertThrowsError(try ModelFile.save(.classifier(e), to: path)) { XCTAssertTrue("\($0)".contains("not fitted"), "\($0)") }
        try e.fit(ds)
        XCTAssertThrowsError(try ModelFile.save(.classifier(e), to: path)) { XCTAssertTrue("\($0)".contains("aggregated by 'mine'"), "\($0)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}
