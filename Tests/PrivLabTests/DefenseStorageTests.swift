import Foundation
import XCTest
@testable import PrivLab

/// Training-time defenses in model files (issue 27, item 3): a reloaded DMP, SELENA, Split-AI,
/// PATE or adversarially regularised model answers bit for bit as the original, reports the same
/// defense report and privacy statement, trains its copies as the original does, and files the
/// registry does not know, or whose state is damaged, are clear errors.
final class DefenseStorageTests: XCTestCase {
    struct Split {
        let train: Dataset
        let reference: Dataset
        let probe: Dataset
    }

    func data() throws -> Split {
        let d = try Synthetic.blobs(n: 300, features: 5, classes: 3, std: 2, box: 4, seed: 31)
        let (train, rest) = try d.split(.count(180), stratified: false, seed: 1)
        let (reference, probe) = try rest.split(.count(80), stratified: false, seed: 2)
        return Split(train: train, reference: reference, probe: probe)
    }

    func network(seed: UInt64 = 3, epochs: Int = 3) throws -> NeuralNetwork {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 32
        o.learningRate = 0.05
        o.seed = seed
        return try NeuralNetwork.mlp(hidden: [8], options: o)
    }

    func roundTrip(_ m: Classifier) throws -> Classifier {
        let path = NSTemporaryDirectory() + "/defense-store-\(UUID().uuidString).plm"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(.classifier(m), to: path)
        guard case .classifier(let loaded) = try ModelFile.load(path: path) else { throw PrivLabError.message("not a classifier") }
        return loaded
    }

    /// The training defenses, small and seeded.
    func defenses(_ s: Split) throws -> [(String, TrainingDefense)] {
        var dmp = DMPOptions()
        dmp.temperature = 2
        dmp.keep = 0.8
        var sel = SELENAOptions()
        (sel.models, sel.excluded, sel.workers) = (4, 2, 2)
        var pate = PATEOptions()
        pate.teachers = 4
        pate.aggregator = .confident(threshold: 2, thresholdSigma: 1, sigma: 0.5)
        pate.queries = 80
        pate.workers = 2
        var adv = AdversarialRegularizationOptions()
        (adv.innerSteps, adv.attackBatch, adv.attackWarmupEpochs, adv.attackWidth) = (2, 16, 1, 0.05)
        return [
            ("dmp", try DMP(teacher: try network(seed: 5), student: try network(seed: 6, epochs: 4), reference: s.reference, options: dmp)),
            ("selena", try SELENA(model: try network(seed: 7), options: sel)),
            ("pate", try PATE(teacher: try network(seed: 8), student: try network(seed: 9), publicData: s.reference, options: pate)),
            ("advreg", try AdversarialRegularization(model: try network(seed: 10), reference: s.reference, options: adv)),
        ]
    }

    func assertSameRelease(_ a: Classifier, _ b: Classifier, _ x: Matrix, _ what: String) throws {
        XCTAssertEqual(try b.releasedProbabilities(x), try a.releasedProbabilities(x), "\(what): released probabilities")
        XCTAssertEqual(try b.logits(x), try a.logits(x), "\(what): logits")
        XCTAssertEqual(try b.predict(x), try a.predict(x), "\(what): predictions")
        XCTAssertEqual(try b.predictProba(x, temperature: 2), try a.predictProba(x, temperature: 2), "\(what): probabilities at T = 2")
    }

    func testTrainingDefensesRoundTripWithIdenticalReleasesReportsAndPrivacy() throws {
        let s = try data()
        let x = try Matrix((0..<30).map { s.train.features.row($0) } + (0..<s.probe.size).map { s.probe.features.row($0) })
        for (name, d) in try defenses(s) {
            try d.fit(s.train)
            let loaded = try roundTrip(d)
            try assertSameRelease(d, loaded, x, name)
            let l = try XCTUnwrap(loaded as? DefendedClassifier, name)
            XCTAssertNotNil(d.defenseReport, name)
            XCTAssertEqual(l.defenseReport, d.defenseReport, "\(name): defense report")
            XCTAssertEqual(loaded.privacy, d.privacy, "\(name): privacy statement")
            XCTAssertEqual(loaded.history, d.history, "\(name): history")
            XCTAssertEqual(loaded.configurationIdentity, d.configurationIdentity, "\(name): a reloaded defense trains as the original")
            XCTAssertEqual(loaded.isWhiteBox, d.isWhiteBox, name)
            // Templates whose seeds a defense replaces show its seed, before and after a reload
            // (the reloaded templates are copies of stored, re-seeded models).
            XCTAssertEqual(loaded.summary, d.summary, "\(name): summary")
        }
    }

    /// The inference model h the defender trained against is in the file: a reloaded model holds
    /// the same h, parameter for parameter.
    func testAdversarialRegularisationKeepsItsInferenceModel() throws {
        let s = try data()
        let (_, d) = try defenses(s)[3]
        try d.fit(s.train)
        let adv = try XCTUnwrap(d as? AdversarialRegularization)
        let h = try XCTUnwrap(adv.inferenceParameters)
        let back = try XCTUnwrap(try roundTrip(adv) as? AdversarialRegularization)
        XCTAssertEqual(back.inferenceParameters, h)
        XCTAssertEqual(back.lastGain, adv.lastGain)
        XCTAssertFalse(h.joined().allSatisfy { $0 == 0 })
    }

    /// PATE's two ε survive the file (they are recomputed from the stored votes by the same
    /// analysis), and Split-AI alone answers members by their left-out sub-models after a reload.
    func testPATEEpsilonsAndSplitAIAnswersSurvive() throws {
        let s = try data()
        let (_, pate) = try defenses(s)[2]
        try pate.fit(s.train)
        let p = try XCTUnwrap(try roundTrip(pate) as? PATE)
        let e = try XCTUnwrap(pate.privacy)
        XCTAssertGreaterThan(e.epsilon, 0)
        XCTAssertEqual(p.privacy?.epsilon, e.epsilon)
        XCTAssertEqual(p.privacy?.dataDependentEpsilon, e.dataDependentEpsilon)
        XCTAssertEqual(p.analysis, (pate as! PATE).analysis)
        XCTAssertEqual(p.teachers.count, 4)

        var o = SplitAIOptions()
        (o.models, o.excluded, o.workers) = (4, 2, 2)
        let split = try SplitAI(model: try network(), options: o)
        try split.fit(s.train)
        let back = try XCTUnwrap(try roundTrip(split) as? SplitAI)
        XCTAssertEqual(back.leftOut, split.leftOut)
        XCTAssertEqual(back.trainedOn, split.trainedOn)
        try assertSameRelease(split, back, s.train.features, "split_ai on its members")
        try assertSameRelease(split, back, s.probe.features, "split_ai on non-members")
        XCTAssertEqual(back.defenseReport, split.defenseReport)
    }

    /// A reloaded defense's templates are untrained copies of its stored models: its re-seeded
    /// copies (shadow models) train bit for bit as the original's.
    func testReloadedDefensesTrainCopiesAsTheOriginal() throws {
        let s = try data()
        for (name, d) in try defenses(s) where name == "dmp" || name == "selena" {
            try d.fit(s.train)
            let loaded = try roundTrip(d)
            let a = try d.reseededClone(seed: 77), b = try loaded.reseededClone(seed: 77)
            try a.fit(s.probe)
            try b.fit(s.probe)
            try assertSameRelease(a, b, s.train.features, "\(name): re-seeded copies")
        }
    }

    func testUnknownKindsWrongShapesAndGarbledStatesAreClearErrors() throws {
        let s = try data()
        let dir = try temporaryDirectory()
        var floats = [Float]()
        let unknown = try StoredComponent(kind: StoredComponentKind("nosuch"), state: ["a": 1], parts: [], floats: &floats)
        try ModelFile.save(stored: .component(unknown), floats: floats, to: "\(dir)/unknown.plm")
        XCTAssertThrowsError(try ModelFile.load(path: "\(dir)/unknown.plm")) {
            XCTAssertTrue("\($0)".contains("unknown component 'nosuch'"), "\($0)")
            XCTAssertTrue("\($0)".contains("dmp"), "the error lists the kinds known: \($0)")
        }
        let (_, dmp) = try defenses(s)[0]
        try dmp.fit(s.train)
        var f = [Float]()
        guard case .component(var c) = try dmp.requirePersistable("test").storedModel(&f) else { return XCTFail("DMP is stored as a component") }
        let good = c
        c.state = "{\"kept\": 3}"
        try ModelFile.save(stored: .component(c), floats: f, to: "\(dir)/garbled.plm")
        XCTAssertThrowsError(try ModelFile.load(path: "\(dir)/garbled.plm")) { XCTAssertTrue("\($0)".contains("unreadable dmp state"), "\($0)") }
        c = good
        c.parts.removeLast()
        try ModelFile.save(stored: .component(c), floats: f, to: "\(dir)/parts.plm")
        XCTAssertThrowsError(try ModelFile.load(path: "\(dir)/parts.plm")) {
            XCTAssertTrue("\($0)".contains("dmp wraps 2 models, the file holds 1"), "\($0)")
        }
        c = good
        c.ownFloats += 7
        try ModelFile.save(stored: .component(c), floats: f, to: "\(dir)/floats.plm")
        XCTAssertThrowsError(try ModelFile.load(path: "\(dir)/floats.plm")) { XCTAssertTrue("\($0)".contains("too few parameters"), "\($0)") }
        try ModelFile.save(.classifier(dmp), to: "\(dir)/dmp.plm")
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: "\(dir)/dmp.plm"))
        FileManager.default.createFile(atPath: "\(dir)/cut.plm", contents: bytes.prefix(bytes.count - 9))
        XCTAssertThrowsError(try ModelFile.load(path: "\(dir)/cut.plm")) { XCTAssertTrue("\($0)".contains("cut.plm@"), "\($0)") }
        // Every kind the registry names restores its own type (no two types share a name).
        XCTAssertEqual(ComponentRegistry.standard.names, ["adversarial_regularization", "dmp", "memguard", "output_defense", "pase",
                                                          "pate", "query_budget", "selena", "sisa", "split_ai"])
    }
}
