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

    /// DP-SGD on softmax regression: full batches (q = 1) unless `batch` is given (then Poisson
    /// sampling at batch/n and epochs × n/batch steps), C = 1, 100 steps.
    func model(noise: Double, momentum: Double = 0, batch: Int? = nil) throws -> NeuralNetwork {
        var o = TrainingOptions()
        o.epochs = batch == nil ? 100 : 10
        o.batchSize = batch ?? 2000
        o.learningRate = 0.1
        o.momentum = momentum
        var dp = DPOptions()
        dp.clip = 1
        dp.noise = noise
        if batch != nil { dp.sampling = .poisson }
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

    /// Gradient canaries go into the clipped sum exactly: with no noise, full batches (q = 1) and
    /// plain SGD, a canary in training moves its own weight by lr·C/n per step — 100 steps of
    /// 0.1 · 1 / 1000 = 0.01 — and one left out does not move at all (its weight reads an unused
    /// feature). With momentum 0.5 (the unfused path through the gradient buffers) the steps add
    /// up as heavy-ball momentum does: lr·C/n · Σₜ (1 − 0.5ᵗ)/(1 − 0.5). Catches the canary added
    /// with the wrong sign or scale, at the wrong parameter (offsets), only on one of the step
    /// paths, or scored from the wrong θ₀.
    func testGradientCanariesEnterTheClippedSumExactly() throws {
        let d = try data()
        for momentum in [0.0, 0.5] {
            let m = try model(noise: 0, momentum: momentum)
            let t = try GradientCanaries.train(m, seed: 1, data: d, included: [true, false, true], samplingSeed: 2, choiceSeed: 3)
            XCTAssertEqual(t.placement, .unusedFeatures)
            let perStep = 0.1 * 1 / 1000.0
            let expected = momentum == 0 ? 100 * perStep : perStep * (1...100).reduce(0.0) { $0 + (1 - pow(0.5, Double($1))) / 0.5 }
            XCTAssertEqual(t.scores[0], expected, accuracy: 1e-4 * expected, "momentum \(momentum)")
            XCTAssertEqual(t.scores[2], expected, accuracy: 1e-4 * expected, "momentum \(momentum)")
            XCTAssertEqual(t.scores[1], 0, "momentum \(momentum): a canary left out moved its weight")
        }
    }

    /// The white-box audit (Steinke et al. 2023, §7) with 200 gradient canaries on weights of unused
    /// features: the honest run (σ = 31.6, claimed ε = 1.31) passes (0.17: 63 of 100 guesses
    /// right); the run with a tenth of the noise is caught — 3.49, every guess right, more
    /// decisively than with input canaries (2.78), since nothing but the noise stands between a
    /// gradient canary and its weight. The many-run audit (60 runs, one canary) gives 1.99 and 0. A model with no
    /// unused features gets its rarest features' weights; one without a dense first layer, random
    /// coordinates. Catches canaries scored with the wrong sign (the broken run would audit at 0)
    /// and canaries inserted at every step instead of at the sampling rate (honest runs fail).
    func testGradientCanaryAuditPassesHonestDPSGDAndCatchesABrokenOne() throws {
        let d = try data()
        var o = DPSGDAuditOptions()
        o.kind = .gradient
        o.canaries = 200
        o.kPlus = 50
        o.kMinus = 50
        let honest = try DPSGDAudit.run(model: try model(noise: 31.6), data: d, options: o)
        XCTAssertEqual(honest.placement, .unusedFeatures)
        XCTAssertLessThan(honest.epsilonLowerBound, honest.claimedEpsilon, "an honest run passes")
        let broken = try DPSGDAudit.run(model: try model(noise: 3.16), data: d, options: o)
        XCTAssertGreaterThan(broken.epsilonLowerBound, honest.claimedEpsilon, "the broken run is caught")
        XCTAssertEqual(broken.correct, broken.guesses, "a tenth of the noise: every guess right")
        XCTAssertGreaterThan(broken.epsilonLowerBound, 2.78, "gradient canaries audit more tightly than input canaries")
        // Through a hidden layer (a 120-32-4 MLP): gradient canaries still catch the broken run,
        // and audit it far above what the Dirac inputs reach through that layer.
        var mo = TrainingOptions()
        mo.epochs = 100
        mo.batchSize = 2000
        mo.learningRate = 0.1
        var mdp = DPOptions()
        mdp.clip = 1
        mdp.noise = 3.16
        mo.dp = mdp
        let deep = try DPSGDAudit.run(model: try NeuralNetwork.mlp(hidden: [32], options: mo), data: d, options: o)
        XCTAssertGreaterThan(deep.epsilonLowerBound, honest.claimedEpsilon, "gradient canaries through a hidden layer")
        var inputs = o
        inputs.kind = .dirac(norm: nil)
        inputs.canaries = 100
        inputs.kPlus = 25
        inputs.kMinus = 25
        let deepInputs = try DPSGDAudit.run(model: try NeuralNetwork.mlp(hidden: [32], options: mo), data: d, options: inputs)
        XCTAssertLessThan(deepInputs.epsilonLowerBound + 1, deep.epsilonLowerBound, "input canaries see less through the hidden layer")
        // Sampling at q < 1: Poisson batches of about 100 of the 1,000 records, the canaries at the same rate.
        let s = try DPSGDAudit.run(model: try model(noise: 3.16, batch: 100), data: d, options: o)
        XCTAssertLessThan(s.epsilonLowerBound, s.claimedEpsilon, "q = 0.1: the canaries are sampled like records")
        // Where the data uses every feature (the blobs alone), the rarest features' weights serve.
        var few = o
        few.canaries = 40
        few.kPlus = 10
        few.kMinus = 10
        let b = try Synthetic.blobs(n: 1000, features: 20, classes: 4, std: 3, seed: 4)
        XCTAssertEqual(try DPSGDAudit.run(model: try model(noise: 3.16), data: b, options: few).placement, .rarestFeatures)
        XCTAssertThrowsError(try DPSGDAudit.run(model: try model(noise: 3.16), data: b, options: o)) { e in
            XCTAssertTrue("\(e)".contains("200 gradient canaries need as many parameters; the model has 84"), "\(e)")
        }
        // The many-run audit with one gradient canary.
        let many = try DPSGDAudit.manyRuns(model: try model(noise: 3.16), data: d, runs: 60, kind: .gradient, seed: 5)
        XCTAssertGreaterThan(many.bound.epsilon, honest.claimedEpsilon, "the many-run audit catches the broken run too")
        let manyHonest = try DPSGDAudit.manyRuns(model: try model(noise: 31.6), data: d, runs: 60, kind: .gradient, seed: 5)
        XCTAssertLessThan(manyHonest.bound.epsilon, manyHonest.claimedEpsilon)
        // Without DP there is nothing to insert the canaries into.
        var plain = TrainingOptions()
        plain.epochs = 2
        XCTAssertThrowsError(try DPSGDAudit.run(model: try NeuralNetwork.mlp(hidden: [8], options: plain), data: d, options: o)) { e in
            XCTAssertTrue("\(e)".contains("need DP-SGD"), "\(e)")
        }
    }
}
