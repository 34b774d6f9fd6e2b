import Foundation
import XCTest
import PrivLab

/// DP auditing: the one-run ε lower bound against the paper's Appendix D algorithm
/// (Fixtures/make_one_run_reference.py), and an end-to-end audit that passes an honest DP-SGD run
/// and fails a broken one.
final class DPAuditTests: XCTestCase {
    struct Case: Decodable { var m: Int; var r: Int; var v: Int; var delta: Double; var p: Double; var p_value_at_1: Double; var epsilon: Double }
    struct Reference: Decodable { var cases: [Case] }

    /// Catches a wrong binomial tail (≥ v versus > v), a missing or mis-scaled δ term, and a
    /// search that stops early.
    func testOneRunBoundMatchesThePapersAlgorithm() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/one_run_reference.json")
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        for c in ref.cases {
            XCTAssertEqual(OneRunAudit.pValue(canaries: c.m, guesses: c.r, correct: c.v, epsilon: 1, delta: c.delta), c.p_value_at_1,
                           accuracy: 1e-10 + 1e-9 * c.p_value_at_1, "m \(c.m) r \(c.r) v \(c.v)")
            XCTAssertEqual(try OneRunAudit.epsilonLowerBound(canaries: c.m, guesses: c.r, correct: c.v, delta: c.delta, p: c.p), c.epsilon,
                           accuracy: 1e-7, "m \(c.m) r \(c.r) v \(c.v) δ \(c.delta)")
        }
        XCTAssertThrowsError(try OneRunAudit.epsilonLowerBound(canaries: 10, guesses: 11, correct: 1, delta: 0))
        XCTAssertThrowsError(try OneRunAudit.audit(scores: [1, 2], included: [true], kPlus: 1, kMinus: 0, delta: 0))
    }

    /// 20 informative features and 100 that no record uses (as border pixels of an image).
    func data() throws -> Dataset {
        let b = try Synthetic.blobs(n: 1000, features: 20, classes: 4, std: 3, seed: 4)
        var x = [Float]()
        for r in 0..<b.size { x += b.features.row(r) + [Float](repeating: 0, count: 100) }
        return try Dataset(features: try Matrix(rows: b.size, cols: 120, data: x), labels: b.labels, classes: 4)
    }

    /// DP-SGD on softmax regression: full batches (q = 1), C = 1, 100 steps.
    func model(noise: Double) throws -> NeuralNetwork {
        var o = TrainingOptions()
        o.epochs = 100
        o.batchSize = 2000
        o.learningRate = 0.1
        var dp = DPOptions()
        dp.clip = 1
        dp.noise = noise
        o.dp = dp
        return try NeuralNetwork.softmaxRegression(options: o)
    }

    /// An audit must be able to fail: σ = 31.6 claims ε = 1.31 (δ = 1e-5) over these 100
    /// full-batch steps; an honest run's audited lower bound stays below it (0.22: 34 of 50 guesses
    /// right), while a run whose noise is 10× smaller — a broken DP-SGD still claiming σ = 31.6 —
    /// is audited above the claim (2.78: 50 of 50). Its own ε (19.1) is larger still: one run with
    /// 100 canaries cannot certify more than about 3.
    func testTheAuditPassesHonestDPSGDAndFailsABrokenOne() throws {
        let d = try data()
        var o = DPSGDAuditOptions()
        o.kind = .dirac(norm: nil)
        o.canaries = 100
        o.kPlus = 25
        o.kMinus = 25
        let honest = try DPSGDAudit.run(model: try model(noise: 31.6), data: d, options: o)
        let claimed = honest.claimedEpsilon
        XCTAssertLessThan(honest.epsilonLowerBound, claimed, "an honest run passes")
        let broken = try DPSGDAudit.run(model: try model(noise: 3.16), data: d, options: o)
        XCTAssertGreaterThan(broken.epsilonLowerBound, claimed, "the broken run is caught")
        XCTAssertLessThan(broken.epsilonLowerBound, broken.claimedEpsilon)
        XCTAssertEqual(honest.canaries, 100)
        XCTAssertGreaterThan(honest.included, 35)
        XCTAssertLessThan(honest.included, 65)
        // Other canaries, same claim: still an honest pass.
        o.kind = .random(norm: nil)
        XCTAssertLessThan(try DPSGDAudit.run(model: try model(noise: 31.6), data: d, options: o).epsilonLowerBound, claimed)
        o.kind = .dirac(norm: nil)
        o.canaries = 101
        XCTAssertThrowsError(try DPSGDAudit.run(model: try model(noise: 31.6), data: d, options: o)) { e in XCTAssertTrue("\(e)".contains("100 unused features for 101 canaries"), "\(e)") }
        // Without DP there is no ε to audit.
        o.canaries = 100
        var plain = TrainingOptions()
        plain.epochs = 2
        XCTAssertThrowsError(try DPSGDAudit.run(model: try NeuralNetwork.mlp(hidden: [8], options: plain), data: d, options: o)) { e in
            XCTAssertTrue("\(e)".contains("not trained with DP"), "\(e)")
        }
    }

    /// The many-run audit (Jagielski et al. 2020) on the same pair of runs: 100 trainings each,
    /// one Dirac canary in about half of them. The honest run stays below its claim of 1.31 (0.04),
    /// the broken one is caught (2.52).
    func testTheManyRunAuditCatchesTheBrokenRunToo() throws {
        let d = try data()
        let honest = try DPSGDAudit.manyRuns(model: try model(noise: 31.6), data: d, runs: 100, seed: 3)
        XCTAssertLessThan(honest.bound.epsilon, honest.claimedEpsilon)
        let broken = try DPSGDAudit.manyRuns(model: try model(noise: 3.16), data: d, runs: 100, seed: 3)
        XCTAssertGreaterThan(broken.bound.epsilon, honest.claimedEpsilon, "the broken run is caught")
        XCTAssertGreaterThan(broken.bound.thresholdsTried, 50)
    }
}
