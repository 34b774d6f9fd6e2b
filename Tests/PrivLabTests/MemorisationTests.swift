import Foundation
import XCTest
import PrivLab

/// Unique-feature memorisation (Hartley & Tsaftaris 2022): the score's statistics against SciPy,
/// and the score against a model known to have seen the feature once and one that never saw it.
final class MemorisationTests: XCTestCase {
    struct Case: Decodable { var a: [Double]; var b: [Double]; var statistic: Double; var pvalue: Double }
    struct Reference: Decodable { var cases: [Case] }

    /// Catches a two-sided p-value, a population variance, and a wrong tail.
    func testPairedTTestMatchesSciPy() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ttest_reference.json")
        for c in try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url)).cases {
            let (t, p) = FeatureMemorisation.pairedTTestGreater(c.a, c.b)
            XCTAssertEqual(t, c.statistic, accuracy: 1e-10 * max(1, abs(c.statistic)))
            XCTAssertEqual(p, c.pvalue, accuracy: 1e-9 * max(1e-3, c.pvalue) + 1e-14)
        }
    }

    struct MeasureCase: Decodable {
        var clean: [[Double]], feature: [[Double]], random: [[Double]]
        var label: Int
        var m2: Double, m2_p: Double, m2_t: Double, m2_mw_p: Double, m3: Double, m3_p: Double, m3_t: Double, m3_mw_p: Double
    }

    /// M2 and M3 with both tests against the authors' computation (Keras KL, SciPy's `ttest_rel`
    /// and `mannwhitneyu`; Fixtures/make_memorisation_reference.py) on four probe sets, one with
    /// tied values. Catches an unclipped KL, a swapped KL direction, a two-sided or wrong-tailed
    /// test, a Mann–Whitney without the tie or continuity correction.
    func testMeasuresMatchTheAuthorsComputation() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/memorisation_reference.json")
        struct File: Decodable { var cases: [MeasureCase] }
        func matrix(_ rows: [[Double]]) throws -> Matrix {
            try Matrix(rows: rows.count, cols: rows[0].count, data: rows.flatMap { $0.map(Float.init) })
        }
        for c in try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases {
            let s = try FeatureMemorisation.measures(clean: matrix(c.clean), feature: matrix(c.feature), random: matrix(c.random), label: c.label)
            XCTAssertEqual(s.m2, c.m2, accuracy: 1e-6 * max(1, abs(c.m2)))
            XCTAssertEqual(s.m2Statistic, c.m2_t, accuracy: 1e-5 * max(1, abs(c.m2_t)))
            XCTAssertEqual(s.m2PValue, c.m2_p, accuracy: 1e-5 * max(1e-3, c.m2_p))
            XCTAssertEqual(s.m2MannWhitneyPValue, c.m2_mw_p, accuracy: 1e-9 * max(1e-3, c.m2_mw_p) + 1e-14)
            XCTAssertEqual(s.m3!, c.m3, accuracy: 1e-6 * max(1, abs(c.m3)))
            XCTAssertEqual(s.m3Statistic!, c.m3_t, accuracy: 1e-5 * max(1, abs(c.m3_t)))
            XCTAssertEqual(s.m3PValue!, c.m3_p, accuracy: 1e-5 * max(1e-3, c.m3_p))
            XCTAssertEqual(s.m3MannWhitneyPValue!, c.m3_mw_p, accuracy: 1e-9 * max(1e-3, c.m3_mw_p) + 1e-14)
            let free = try FeatureMemorisation.measures(clean: matrix(c.clean), feature: matrix(c.feature), random: matrix(c.random), label: nil)
            XCTAssertNil(free.m3)
            XCTAssertEqual(free.m2, s.m2)
        }
    }

    /// 8 × 8 "images" of four noisy classes whose top-left 3 × 3 corner is always 0 (as the
    /// border of a digit or a chest X-ray is): a feature drawn there is unique to its record.
    func images(_ n: Int, seed: UInt64) throws -> Dataset {
        var d = try Synthetic.blobs(n: n, features: 64, classes: 4, std: 3, box: 3, seed: seed)
        d.imageShape = [1, 8, 8]
        var x = d.features
        for r in 0..<n { for i in 0..<3 { for j in 0..<3 { x[r, i * 8 + j] = 0 } } }
        d.features = x
        return d
    }

    func model(seed: UInt64) throws -> NeuralNetwork {
        var o = TrainingOptions()
        o.optimizer = .adam
        o.learningRate = 3e-3
        o.epochs = 100
        o.batchSize = 32
        o.seed = seed
        return try NeuralNetwork.mlp(hidden: [128], options: o)
    }

    /// A 3 × 3 binary patch (0 or 5) drawn into the empty corner of one of 400 training images:
    /// the model that saw it is pulled towards that image's label by the patch on probe images (M3
    /// significantly negative, M2 positive); the same model trained without the planted record is
    /// moved only by its untrained initial weights, several times less.
    func testAModelThatSawTheFeatureOnceIsCaughtAndOneThatDidNotIsNot() throws {
        let train = try images(400, seed: 1)
        let probes = try images(300, seed: 2)
        let feature = try UniqueFeature.random(size: 3, row: 0, column: 0, low: 0, high: 5, seed: 5)
        let planted = try FeatureMemorisation.plant(feature, in: train, row: 7)
        XCTAssertEqual(planted.features[7, 0], feature.pixels[0])
        XCTAssertEqual(planted.features[7, 10], feature.pixels[5], "row 1, column 2 of the patch in an 8-wide image")
        XCTAssertEqual(planted.features[6, 0], train.features[6, 0], "other records untouched")
        let label = train.labels[7]
        let saw = try model(seed: 1)
        try saw.fit(planted)
        let sawScore = try FeatureMemorisation.score(model: saw, probes: probes, feature: feature, label: label)
        let never = try model(seed: 1)
        try never.fit(train)
        let neverScore = try FeatureMemorisation.score(model: never, probes: probes, feature: feature, label: label)
        // Recomputed from the probe probabilities: the same probes with the feature drawn in and
        // with a control patch (each pixel low or high with probability ½ from stream 17 of the
        // seed), and the clipped KL divergences the paper's M2 and M3 average.
        for (model, score) in [(saw, sawScore), (never, neverScore)] {
            let expected = try recomputedScore(model: model, probes: probes, feature: feature, label: label)
            XCTAssertEqual(score.m2, expected.m2, accuracy: 1e-9)
            XCTAssertEqual(score.m3!, expected.m3, accuracy: 1e-9)
            XCTAssertEqual(score.m3Statistic!, expected.t, accuracy: 1e-9 * max(1, abs(expected.t)))
            XCTAssertEqual(score.m3PValue!, expected.p, accuracy: 1e-12)
            XCTAssertEqual(score.probes, 300)
        }
        XCTAssertLessThan(sawScore.m3PValue!, 0.01)
        XCTAssertLessThan(sawScore.m3!, 0)
        XCTAssertGreaterThan(sawScore.m2, 0)
        XCTAssertLessThan(abs(neverScore.m3!), abs(sawScore.m3!) / 3)
        // Label-free (M2 only), the same M2.
        let free = try FeatureMemorisation.score(model: saw, probes: probes, feature: feature, label: nil)
        XCTAssertNil(free.m3)
        XCTAssertEqual(free.m2, sawScore.m2)
        XCTAssertThrowsError(try FeatureMemorisation.plant(try UniqueFeature.random(size: 3, row: 6, column: 0, seed: 1), in: train, row: 0))
        XCTAssertThrowsError(try FeatureMemorisation.score(model: saw, probes: probes, feature: feature, label: 4))
    }

    /// M2, M3 and the paired t-test of Hartley & Tsaftaris (§3), by hand: KL(p ‖ q) =
    /// Σ p·log(p/q) with both clipped to [1e-7, 1] (Keras, as the authors' code); M2 compares the
    /// clean outputs with the outputs on probes carrying the feature and a random patch, M3 the
    /// one-hot label; the t statistic is the mean paired difference KL(e_y ‖ p_random) −
    /// KL(e_y ‖ p_feature) over its standard error, its one-sided p-value from Student's t
    /// (`pairedTTestGreater`, checked against SciPy above).
    func recomputedScore(model: Classifier, probes: Dataset, feature: UniqueFeature, label: Int) throws -> (m2: Double, m3: Double, t: Double, p: Double) {
        var withFeature = probes.features, withRandom = probes.features
        var rng = RNG.stream(seed: 1, index: 17)
        let lo = feature.pixels.min()!, hi = feature.pixels.max()!
        for r in 0..<probes.size {
            let control = feature.pixels.map { _ in rng.bernoulli(0.5) ? hi : lo }
            for i in 0..<feature.height {
                for j in 0..<feature.width {
                    // Single-channel 8-wide images: pixel (row, column) is feature row·8 + column.
                    let at = (feature.row + i) * 8 + feature.column + j
                    withFeature[r, at] = feature.pixels[i * feature.width + j]
                    withRandom[r, at] = control[i * feature.width + j]
                }
            }
        }
        let clean = try model.releasedProbabilities(probes.features)
        let pf = try model.releasedProbabilities(withFeature), pr = try model.releasedProbabilities(withRandom)
        func kl(_ p: [Double], _ q: [Float]) -> Double {
            zip(p, q).reduce(0.0) { acc, pq in
                let a = min(max(pq.0, 1e-7), 1), b = min(max(Double(pq.1), 1e-7), 1)
                return acc + a * log(a / b)
            }
        }
        let onehot = (0..<clean.cols).map { $0 == label ? 1.0 : 0 }
        var m2 = 0.0, m3 = 0.0, diffs = [Double]()
        for r in 0..<probes.size {
            let c = clean.row(r).map(Double.init)
            m2 += kl(c, pf.row(r)) - kl(c, pr.row(r))
            let f = kl(onehot, pf.row(r)), g = kl(onehot, pr.row(r))
            m3 += f - g
            diffs.append(g - f)
        }
        let n = Double(probes.size)
        let mean = diffs.reduce(0, +) / n
        let sd = (diffs.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        let t = mean / (sd / n.squareRoot())
        let (_, p) = FeatureMemorisation.pairedTTestGreater(diffs, [Double](repeating: 0, count: diffs.count))
        return (m2 / n, m3 / n, t, p)
    }

    /// The white-box variant, TracIn self-influence: a record given a wrong label is among the
    /// most self-influential of 400 (Pruthi et al. 2020's mislabelled-data check), the same record
    /// correctly labelled is not; with the fitted model alone the score is its squared gradient
    /// norm and the rank counts the records above it. Catches gradients taken at the predicted
    /// instead of the given label (a mislabelled record would look ordinary), norms not squared
    /// or checkpoints not summed (the rank check against the recomputation), and a reversed rank.
    func testSelfInfluenceFindsAMislabelledRecord() throws {
        let train = try images(400, seed: 1)
        var wrong = train
        wrong.labels[7] = (train.labels[7] + 1) % 4
        let traced = try FeatureMemorisation.selfInfluence(model: try model(seed: 1), data: wrong, id: wrong.ids[7], trainAndTrace: true)
        XCTAssertLessThanOrEqual(traced.rank, 4, "a mislabelled record is among the most self-influential (1%)")
        XCTAssertGreaterThan(traced.score, 10 * traced.median)
        let fitted = try model(seed: 1)
        try fitted.fit(train)
        let plain = try FeatureMemorisation.selfInfluence(model: fitted, data: train, id: train.ids[7], trainAndTrace: false)
        let norms = try fitted.perRecordGradientNorms(train).map { $0 * $0 }
        XCTAssertEqual(plain.score, norms[7], accuracy: 1e-12 * max(1, norms[7]))
        XCTAssertEqual(plain.rank, norms.filter { $0 > norms[7] }.count + 1)
        XCTAssertGreaterThan(plain.rank, 40, "correctly labelled, the same record is not among the top 10%")
        XCTAssertEqual(plain.median, norms.sorted()[200])
        XCTAssertThrowsError(try FeatureMemorisation.selfInfluence(model: fitted, data: train, id: -5, trainAndTrace: false))
    }
}
