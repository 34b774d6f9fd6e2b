import Foundation
@testable import PrivLab
import XCTest

/// Split-AI and SELENA's distillation step against the authors' released code
/// (Fixtures/make_selena_reference.py, written from inspire-group/MIAdefenseSELENA: `splitai_test`
/// modes 1 and 2, `distill_train`'s loss), and Split-AI's mechanics on a trained ensemble: who answers
/// which query.
///
/// Tolerance: float32 on both sides, summed in different orders: 1e-6 absolute plus 1e-5 relative.
/// Averaging over the wrong models (one off, all K, the models that *did* train a record) moves the
/// answers by ≥ 1e-2; a loss summed instead of averaged over the batch moves it ×6.
final class SplitAITests: XCTestCase {
    struct Reference: Decodable {
        var models: Int, excluded: Int, records: Int, classes: Int, queries: Int, batch: Int
        var train_outputs: [[Float]], query_outputs: [[Float]]
        var non_models: [[Int]]
        var split_ai_members: [Float]
        var chosen: [Int]
        var split_ai_queries: [Float]
        var logits: [Float]
        var distill_loss: Double
        var distill_gradient: [Float]
    }

    func assertClose(_ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        for (i, (x, y)) in zip(a, b).enumerated() where abs(x - y) > 1e-6 + 1e-5 * abs(y) {
            XCTFail("\(what)[\(i)]: \(x) vs the reference's \(y)", file: file, line: line)
            return
        }
    }

    func testAdaptiveInferenceAndDistillationLossMatchTheAuthorsCode() throws {
        let ref = try Fixture.decode(Reference.self, "selena_reference.json")
        let train = try ref.train_outputs.map { try Matrix(rows: ref.records, cols: ref.classes, data: $0) }
        let members = EnsembleMembers.mean(of: train, rows: ref.records) { ref.non_models[$0] }
        assertClose(members.data, ref.split_ai_members, "members' answers (mode 1)")
        let queries = try ref.query_outputs.map { try Matrix(rows: ref.queries, cols: ref.classes, data: $0) }
        let others = EnsembleMembers.mean(of: queries, rows: ref.queries) { ref.non_models[ref.chosen[$0]] }
        assertClose(others.data, ref.split_ai_queries, "other queries' answers (mode 2)")

        // distill_train: −Σ t·log softmax(z) / B with t = the members' answers, no hard labels.
        let soft = (0..<ref.batch).map { members.row($0) }
        let z = try Matrix(rows: ref.batch, cols: ref.classes, data: ref.logits)
        let labels = soft.map { t in t.indices.max { t[$0] < t[$1] }! }
        let (losses, grad, _) = SoftmaxCrossEntropy().lossAndGradient(z, labels, soft: soft)
        XCTAssertEqual(losses.reduce(0, +) / Double(ref.batch), ref.distill_loss, accuracy: 1e-5 * ref.distill_loss)
        assertClose(grad.data, ref.distill_gradient, "∂loss/∂logits")
    }

    func mlp() throws -> NeuralNetwork { try LeakyPopulation.mlp(epochs: 15) }

    /// The private set with two exact copies of row 3 (rows 7 and 150 get its features).
    func withCopies() throws -> Dataset {
        var d = try LeakyPopulation.split().members
        for c in [7, 150] { for j in 0..<d.featureCount { d.features[c, j] = d.features[3, j] } }
        return d
    }

    /// Each record is left out of exactly L distinct sub-models and trains every other; a training
    /// record is answered by exactly its left-out models (recomputed here), exact copies share one
    /// set so no answering model saw any copy; any other query gets the L of one training record,
    /// the same when asked again in another batch.
    func testEachRecordIsAnsweredOnlyByModelsThatNeverSawIt() throws {
        let d = try withCopies()
        let nonMembers = try LeakyPopulation.split().nonMembers
        var o = SplitAIOptions()
        (o.models, o.excluded) = (6, 3)
        let s = try SplitAI(model: try mlp(), options: o)
        try s.fit(d)
        for r in 0..<d.size {
            XCTAssertEqual(Set(s.leftOut[r]).count, 3)
            for m in 0..<6 { XCTAssertNotEqual(s.leftOut[r].contains(m), s.trainedOn[m].contains(r), "record \(r), model \(m)") }
            XCTAssertEqual(s.answering(d.features, r), s.leftOut[r])
        }
        XCTAssertEqual(s.leftOut[7], s.leftOut[3])
        XCTAssertEqual(s.leftOut[150], s.leftOut[3])
        for m in s.leftOut[3] { XCTAssertTrue(Set(s.trainedOn[m]).isDisjoint(with: [3, 7, 150]), "model \(m) saw a copy of record 3") }

        let each = try s.members.map { try $0.releasedProbabilities(d.features) }
        let answers = try s.releasedProbabilities(d.features)
        for r in [0, 3, 7, 99] {
            for j in 0..<d.classes {
                XCTAssertEqual(answers[r, j], s.leftOut[r].reduce(Float(0)) { $0 + each[$1][r, j] / 3 }, accuracy: 1e-6)
            }
        }
        let sets = Set(s.leftOut)
        let q = try s.releasedProbabilities(nonMembers.features)
        let again = try s.releasedProbabilities(nonMembers.rows([11, 5]).features)
        for r in 0..<nonMembers.size { XCTAssertTrue(sets.contains(s.answering(nonMembers.features, r))) }
        // The same models answer; the values agree to float rounding (BLAS sums a batch of 2 and
        // one of 200 in different orders).
        let pair = nonMembers.rows([11, 5]).features
        XCTAssertEqual(s.answering(pair, 0), s.answering(nonMembers.features, 11))
        XCTAssertEqual(s.answering(pair, 1), s.answering(nonMembers.features, 5))
        for j in 0..<d.classes {
            XCTAssertEqual(again[0, j], q[11, j], accuracy: 1e-6)
            XCTAssertEqual(again[1, j], q[5, j], accuracy: 1e-6)
        }
        XCTAssertFalse(s.isWhiteBox)
        XCTAssertEqual(s.defenseReport?.entries.first { $0.key == "records_per_model" }?.value, .number(100))
    }

    /// SELENA distils from the Split-AI that `SplitAI` alone trains with the same options and seed,
    /// and rejects an impossible L.
    func testSELENAsEnsembleIsSplitAI() throws {
        let d = try LeakyPopulation.split()
        var o = SELENAOptions()
        (o.models, o.excluded, o.seed) = (5, 2, 7)
        let selena = try SELENA(model: try mlp(), options: o)
        try selena.fit(d.members)
        var so = SplitAIOptions()
        (so.models, so.excluded, so.seed) = (5, 2, 7)
        let alone = try SplitAI(model: try mlp(), options: so)
        try alone.fit(d.members)
        XCTAssertEqual(selena.leftOut, alone.leftOut)
        XCTAssertEqual(try selena.splitAI(d.nonMembers.features), try alone.releasedProbabilities(d.nonMembers.features))
        XCTAssertEqual(try selena.splitAI(d.members.features), try alone.releasedProbabilities(d.members.features))
        so.excluded = 5
        assertThrows(["split_ai", "excluded (L) must be in 1…4"]) { _ = try SplitAI(model: try mlp(), options: so) }

        // Given the fitted Split-AI, SELENA only distils — and releases the same student, bit for bit.
        let reused = try SELENA(fitted: alone)
        try reused.fit(d.members)
        XCTAssertEqual(reused.leftOut, selena.leftOut)
        XCTAssertEqual(try reused.releasedProbabilities(d.nonMembers.features), try selena.releasedProbabilities(d.nonMembers.features))
        XCTAssertEqual(try reused.releasedProbabilities(d.members.features), try selena.releasedProbabilities(d.members.features))
        // Distilling on records the Split-AI never trained on would give members' answers that are not.
        assertThrows(["selena: record 1 of the training set is not one the given split_ai was fitted on"]) { try SELENA(fitted: alone).fit(d.nonMembers) }
        so.excluded = 2
        assertThrows(["selena: the split_ai given must be fitted first"]) { _ = try SELENA(fitted: try SplitAI(model: try mlp(), options: so)) }
    }
}
