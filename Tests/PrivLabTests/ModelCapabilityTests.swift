import Foundation
import XCTest
import PrivLab

/// Capabilities instead of one large protocol (issue 27, item 3): everything that predicts can be
/// saved and reloaded with identical released outputs, and everything that trains can be a SISA
/// constituent that unlearns exactly.
final class ModelCapabilityTests: XCTestCase {
    func data() throws -> Dataset { try Synthetic.blobs(n: 360, features: 6, classes: 3, std: 2, box: 4, seed: 21) }

    func network(seed: UInt64 = 3, dp: Bool = false) throws -> NeuralNetwork {
        var o = TrainingOptions()
        o.epochs = 3
        o.batchSize = 32
        o.learningRate = 0.05
        o.seed = seed
        if dp {
            var d = DPOptions()
            d.noise = 1
            d.clip = 1
            o.dp = d
        }
        return try NeuralNetwork.mlp(hidden: [8], options: o)
    }

    func roundTrip(_ m: Classifier) throws -> Classifier {
        let path = NSTemporaryDirectory() + "/caps-\(UUID().uuidString).plm"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(.classifier(m), to: path)
        guard case .classifier(let loaded) = try ModelFile.load(path: path) else { throw PrivLabError.message("not a classifier") }
        return loaded
    }

    func assertSameOutputs(_ a: Classifier, _ b: Classifier, _ x: Matrix, _ what: String, sameSummary: Bool = true) throws {
        XCTAssertEqual(try b.releasedProbabilities(x), try a.releasedProbabilities(x), "\(what): released probabilities")
        XCTAssertEqual(try b.predict(x), try a.predict(x), "\(what): predictions")
        XCTAssertEqual(try b.predictProba(x, temperature: 2), try a.predictProba(x, temperature: 2), "\(what): probabilities at T = 2")
        if sameSummary { XCTAssertEqual(b.summary, a.summary, "\(what): summary") }
    }

    func testDefensesAndQueryBudgetsSaveAndLoadWithIdenticalReleases() throws {
        let (train, rest) = try data().split(.count(200), stratified: false, seed: 1)
        let (reference, probe) = try rest.split(.count(100), stratified: false, seed: 2)
        let x = try Matrix((0..<40).map { train.features.row($0) } + (0..<probe.size).map { probe.features.row($0) })   // members and non-members
        var mg = MemGuardOptions()
        mg.iterations = 60
        let memguard = try MemGuard(model: try network(), reference: reference, options: mg)
        let topK = try OutputDefense(try network(), policy: .topK(1))
        let rounding = try OutputDefense(Pipeline(scalers: [Scaler(kind: .zscore)], model: try LogisticRegression(options: .init())), policy: .rounding(decimals: 2))
        var po = PASEOptions()
        po.models = 3
        po.workers = 2
        let pase = try PASE(model: try network(), options: po)
        for m in [memguard, topK, rounding, pase] as [Classifier] { try m.fit(train) }
        for (name, m) in [("memguard", memguard), ("top-1", topK), ("rounding", rounding), ("pase", pase)] as [(String, Classifier)] {
            let loaded = try roundTrip(m)
            // (A reloaded PASE names its template by a member, whose seed its summary shows.)
            try assertSameOutputs(m, loaded, x, name, sameSummary: name != "pase")
            XCTAssertEqual(loaded.configurationIdentity, m.configurationIdentity, "\(name): a reloaded model trains as the original")
        }
        // MemGuard's output depends on its defense classifier: it perturbed something, and the
        // reloaded one perturbs the same rows the same way (checked above); its clones defend alike.
        _ = try memguard.releasedProbabilities(x)
        XCTAssertGreaterThan(memguard.lastPerturbed, 0, "memguard perturbed some released vectors")
        // A query-budgeted target keeps its budget and what was spent of it.
        let target = try QueryBudgetedClassifier(topK, budget: 100)
        _ = try target.predict(probe.features.rows(Array(0..<30)))
        // It only predicts (an attacker cannot retrain the target), so it loads as a predictor.
        let path = NSTemporaryDirectory() + "/caps-\(UUID().uuidString).plm"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(.predictor(target), to: path)
        guard case .predictor(let loaded) = try ModelFile.load(path: path) else { return XCTFail("a budgeted target loads as a predictor") }
        let reloaded = try XCTUnwrap(loaded as? QueryBudgetedClassifier)
        XCTAssertEqual(reloaded.used, 30)
        XCTAssertEqual(try reloaded.releasedProbabilities(probe.features.rows(Array(0..<70))), try topK.releasedProbabilities(probe.features.rows(Array(0..<70))))
        XCTAssertThrowsError(try reloaded.predict(probe.features.rows([0]))) { XCTAssertTrue("\($0)".contains("query budget exhausted")) }
    }

    func testUnfittedAndUnsavableModelsAreClearErrors() throws {
        let path = NSTemporaryDirectory() + "/caps-\(UUID().uuidString).plm"
        XCTAssertThrowsError(try ModelFile.save(.classifier(try OutputDefense(try network(), policy: .labelOnly)), to: path)) {
            XCTAssertTrue("\($0)".contains("not fitted"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    // MARK: SISA constituents

    func sisa(_ model: Classifier, slices: Int) throws -> SISAEnsemble {
        var o = SISAOptions()
        o.shards = 3
        o.slices = slices
        o.seed = 4
        o.workers = 2
        return try SISAEnsemble(options: o, model: model)
    }

    func assertUnlearningIsExact(_ template: () throws -> Classifier, slices: Int, _ what: String) throws {
        let ds = try data()
        let e = try sisa(try template(), slices: slices)
        try e.fit(ds)
        let before = try e.fingerprint()
        _ = try e.unlearn([ds.ids[7], ds.ids[200]])
        let fresh = try sisa(try template(), slices: slices)
        try fresh.fit(try ds.without(ids: [ds.ids[7], ds.ids[200]]))
        XCTAssertEqual(try e.fingerprint(), try fresh.fingerprint(), "\(what): unlearning equals retraining on the rest, bit for bit")
        XCTAssertNotEqual(try e.fingerprint(), before, "\(what): unlearning changed the ensemble")
        XCTAssertEqual(try e.releasedProbabilities(ds.features), try fresh.releasedProbabilities(ds.features), "\(what): identical outputs")
        XCTAssertGreaterThan(try e.accuracy(ds), 0.4, "\(what): the ensemble learned (3 classes: chance is 1/3)")
    }

    /// A pipeline whose PCA is differentially private (Analyze-Gauss): each shard's pipeline fits
    /// its PCA on its first slice and keeps it, so a deletion retrains from the first checkpoint
    /// that never saw the record, PCA noise included (drawn from the step's seed).
    func testPipelineWithDPPCAIsAnExactSISAConstituent() throws {
        try assertUnlearningIsExact({
            Pipeline(steps: [Scaler(kind: .zscore), try PCA(components: 4, dp: .init(epsilon: 2, delta: 1e-5, clip: 4, seed: 8))],
                     model: try network())
        }, slices: 2, "pipeline with DP-PCA")
    }

    /// PASE as a constituent: its training is a deterministic function of the shard's records and
    /// seeds (a seeded partition, members trained from seeded initialisations, no sampling noise),
    /// so a SISA ensemble of switching ensembles unlearns exactly.
    func testDefendedModelsAreExactSISAConstituents() throws {
        try assertUnlearningIsExact({
            var po = PASEOptions()
            po.models = 2
            po.workers = 1
            return try PASE(model: try self.network(), options: po)
        }, slices: 2, "PASE")
        try assertUnlearningIsExact({ try OutputDefense(try self.network(dp: true), policy: .topK(2)) }, slices: 1, "DP-SGD network released top-2")
    }
}
