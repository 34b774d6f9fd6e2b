import Foundation
import XCTest
import PrivLab

final class MechanismTests: XCTestCase {
    struct DeltaCase: Decodable { var sigma: Double; var sensitivity: Double; var epsilon: Double; var delta: Double }
    struct SigmaCase: Decodable { var epsilon: Double; var delta: Double; var sigma: Double }
    struct LargeCase: Decodable { var epsilon, delta, sigma, sigma_scipy: Double }
    struct Reference: Decodable { var delta_cases: [DeltaCase]; var sigma_cases: [SigmaCase]; var large_epsilon_cases: [LargeCase] }
    static let loaded = Result { try Fixture.decode(Reference.self, "mechanism_reference.json") }
    /// The fixture, or the error that loading it raised: a missing or unreadable file fails the
    /// tests that read it instead of crashing the whole bundle.
    static var reference: Reference { get throws { try loaded.get() } }

    /// The exact δ(ε) of the Gaussian mechanism and the analytic calibration agree with dp-accounting.
    func testAnalyticGaussianAgreesWithDPAccounting() throws {
        for c in try Self.reference.delta_cases {
            let d = Mechanisms.gaussianDelta(sigma: c.sigma, sensitivity: c.sensitivity, epsilon: c.epsilon)
            XCTAssertEqual(d, c.delta, accuracy: 1e-9 * max(1, c.delta) + 1e-12)
        }
        for c in try Self.reference.sigma_cases {
            let s = try Mechanisms.gaussianSigmaAnalytic(sensitivity: 1, epsilon: c.epsilon, delta: c.delta)
            XCTAssertEqual(s, c.sigma, accuracy: 1e-4 * c.sigma)
            XCTAssertLessThanOrEqual(Mechanisms.gaussianDelta(sigma: s, sensitivity: 1, epsilon: c.epsilon), c.delta)
        }
        // Past ε ≈ 709.8, e^ε overflows: the old δ(ε) became NaN, read as "small enough", and the
        // calibrated σ collapsed towards 0 (an under-noised release). Against dp-accounting (whose
        // own search stops at ~1.5e-4 relative here) and a log-space SciPy recomputation.
        for c in try Self.reference.large_epsilon_cases {
            let s = try Mechanisms.gaussianSigmaAnalytic(sensitivity: 1, epsilon: c.epsilon, delta: c.delta)
            XCTAssertEqual(s, c.sigma_scipy, accuracy: 1e-6 * c.sigma_scipy, "ε = \(c.epsilon)")
            XCTAssertEqual(s, c.sigma, accuracy: 3e-4 * c.sigma, "ε = \(c.epsilon)")
        }
        // The analytic σ never exceeds the classic one, and the classic one refuses ε ≥ 1.
        for eps in [0.1, 0.5, 0.9] {
            XCTAssertLessThan(try Mechanisms.gaussianSigmaAnalytic(sensitivity: 1, epsilon: eps, delta: 1e-5),
                              try Mechanisms.gaussianSigmaClassic(sensitivity: 1, epsilon: eps, delta: 1e-5))
        }
        XCTAssertThrowsError(try Mechanisms.gaussianSigmaClassic(sensitivity: 1, epsilon: 2, delta: 1e-5)) {
            XCTAssertTrue("\($0)".contains("0 < ε < 1"))
        }
        // Full-batch DP-SGD (q = 1) is the Gaussian mechanism: the RDP bound is valid, so never below the exact ε.
        let sigma = try Mechanisms.gaussianSigmaAnalytic(sensitivity: 1, epsilon: 1, delta: 1e-5)
        let rdpEps = try RDPAccountant().epsilon([PrivacyPhase(sampleRate: 1, noise: sigma, steps: 1)], delta: 1e-5)
        XCTAssertGreaterThan(rdpEps, 1)
        XCTAssertLessThan(rdpEps, 1.5)
    }

    func testLaplaceNoiseHasScaleSensitivityOverEpsilon() throws {
        var rng = RNG(seed: 1)
        let out = try Mechanisms.laplace([Double](repeating: 10, count: 200_000), sensitivity: 2, epsilon: 0.5, rng: &rng)
        let dev = out.map { $0 - 10 }
        XCTAssertEqual(dev.reduce(0, +) / 200_000, 0, accuracy: 0.05)
        // E|X| = b = 4 and P(|X| > b·ln 20) = 1/20 for Laplace(0, b).
        XCTAssertEqual(dev.map(abs).reduce(0, +) / 200_000, 4, accuracy: 0.05)
        XCTAssertEqual(Double(dev.filter { abs($0) > 4 * log(20) }.count) / 200_000, 0.05, accuracy: 0.003)
        XCTAssertThrowsError(try Mechanisms.laplace([1], sensitivity: 1, epsilon: 0, rng: &rng))
        XCTAssertThrowsError(try Mechanisms.laplace([1], sensitivity: -1, epsilon: 1, rng: &rng))
    }

    func testRandomizedResponseIsCalibratedAndItsEstimatorUnbiased() throws {
        var rng = RNG(seed: 2)
        let truth = (0..<100_000).map { $0 % 10 < 6 ? 0 : ($0 % 10 < 9 ? 1 : 2) }  // 60% / 30% / 10%
        let reports = try Mechanisms.randomizedResponse(truth, categories: 3, epsilon: 1, rng: &rng)
        let kept = Double(zip(truth, reports).filter { $0 == $1 }.count) / 100_000
        XCTAssertEqual(kept, exp(1) / (exp(1) + 2), accuracy: 0.005)
        let f = try Mechanisms.estimateFrequencies(reports, categories: 3, epsilon: 1)
        XCTAssertEqual(f[0], 0.6, accuracy: 0.015)
        XCTAssertEqual(f[1], 0.3, accuracy: 0.015)
        XCTAssertEqual(f[2], 0.1, accuracy: 0.015)
        XCTAssertThrowsError(try Mechanisms.randomizedResponse([3], categories: 3, epsilon: 1, rng: &rng))
        XCTAssertThrowsError(try Mechanisms.randomizedResponse([0], categories: 1, epsilon: 1, rng: &rng))
    }
}

final class PerturbationTests: XCTestCase {
    /// σ of the Gaussian mechanism at ε = 10⁷, δ = 1e-5, sensitivity 1 (SciPy, Fixtures/make_mechanism_reference.py).
    static var largeEpsilonSigma: Double {
        get throws { try XCTUnwrap(try MechanismTests.reference.large_epsilon_cases.first { $0.epsilon == 1e7 }).sigma_scipy }
    }

    /// Input perturbation with labels left alone: the released data and what was stated.
    static func perturbFeatures(_ ds: Dataset, mechanism: InputPerturbation.Mechanism, epsilon: Double, delta: Double, clip: Double,
                                seed: UInt64) throws -> (Dataset, InputPerturbation.Release) {
        var o = InputPerturbation.Options()
        (o.mechanism, o.epsilon, o.delta, o.clip, o.seed) = (mechanism, epsilon, delta, clip, seed)
        let r = try InputPerturbation(o).perturb(ds)
        return (r.data, r)
    }

    func testInputPerturbationClipsThenAddsCalibratedNoise() throws {
        let ds = try Synthetic.blobs(n: 2000, features: 5, classes: 2, box: 20, seed: 3)
        // With a huge ε the noise is small (σ = 8.95e-4 at ε = 10⁷: it shrinks like 1/√ε, it does not
        // vanish) and what remains is the clipping: every row has norm ≤ C, up to six σ of noise.
        let (clipped, tiny) = try Self.perturbFeatures(ds, mechanism: .gaussian, epsilon: 1e7, delta: 1e-5, clip: 2, seed: 1)
        XCTAssertEqual(tiny.noise, 4 * (try Self.largeEpsilonSigma), accuracy: 1e-9)
        for i in 0..<clipped.size {
            XCTAssertLessThanOrEqual(clipped.features.row(i).reduce(0) { $0 + Double($1 * $1) }.squareRoot(), 2 + 6 * tiny.noise * 5.squareRoot())
        }
        let (noisy, g) = try Self.perturbFeatures(ds, mechanism: .gaussian, epsilon: 1, delta: 1e-5, clip: 2, seed: 1)
        XCTAssertEqual(g.noise, try Mechanisms.gaussianSigmaAnalytic(sensitivity: 4, epsilon: 1, delta: 1e-5))
        let diffs = (0..<ds.size).flatMap { i in zip(noisy.features.row(i), clipped.features.row(i)).map { Double($0 - $1) } }
        let sd = (diffs.map { $0 * $0 }.reduce(0, +) / Double(diffs.count)).squareRoot()
        XCTAssertEqual(sd / g.noise, 1, accuracy: 0.03)
        XCTAssertEqual(noisy.labels, ds.labels)
        XCTAssertEqual(noisy.ids, ds.ids)
        XCTAssertTrue(g.privacy.note?.contains("labels released unchanged") ?? false)
        let (lap, lg) = try Self.perturbFeatures(ds, mechanism: .laplace, epsilon: 2, delta: 0, clip: 1, seed: 2)
        XCTAssertEqual(lg.noise, 1)
        XCTAssertEqual(lg.privacy.delta, 0)
        XCTAssertFalse(lap.features.hasNonFinite)
        XCTAssertThrowsError(try Self.perturbFeatures(ds, mechanism: .laplace, epsilon: 1, delta: 0, clip: 0, seed: 1))
    }

    func testOutputPerturbationStaysOnTheSimplex() throws {
        let p = try Matrix([[0.7, 0.2, 0.1], [0.05, 0.9, 0.05]])
        let (q, g) = try Perturbation.perturbPredictions(p, mechanism: .laplace, epsilon: 0.5, delta: 0, seed: 4)
        for r in q.rowSums() { XCTAssertEqual(r, 1, accuracy: 1e-5) }
        XCTAssertTrue(q.data.allSatisfy { $0 >= 0 })
        XCTAssertEqual(g.noise, 4)
        XCTAssertEqual(g.privacy.epsilon, 1, "two vectors at ε = 0.5 each")
        XCTAssertEqual(g.privacy.delta, 0)
        XCTAssertEqual(g.epsilonPerVector, 0.5)
        XCTAssertTrue(g.privacy.events[0].hasPrefix("2 × "), "\(g.privacy.events)")
        let (exact, _) = try Perturbation.perturbPredictions(p, mechanism: .gaussian, epsilon: 1e6, delta: 1e-5, seed: 4)
        XCTAssertEqual(exact.argmaxRows(), [0, 1])
    }

    /// The noise really has the stated scale and shape, not merely the stated number. Features:
    /// records whose L1 norm is below the clip (so nothing is clipped) get Laplace noise of scale b
    /// = 2C/ε — variance 2b² and mean absolute value b (a Gaussian of that variance would give
    /// 1.13·b). Predictions: at the centre of the simplex, where clipping at 0 never happens, the
    /// renormalised vector's coordinates vary as (K − 1)/K of the noise variance (the sum's share
    /// is taken out): (2/3)·σ² for the Gaussian, (2/3)·2b² for Laplace, to first order — at ε
    /// large enough (σ = 0.015, b = 0.01) that renormalisation's higher-order terms stay under
    /// 0.5% (at σ = 0.07 they add 5%, measured). 30,000 draws each: the
    /// variance estimate's relative error is under 1% (3% allowed, a false alarm beyond 3.5 standard
    /// errors). Catches noise not added, added at the wrong scale (sensitivity 1 instead of 2), or
    /// of the wrong distribution.
    func testPerturbationNoiseHasTheStatedScale() throws {
        var rng = RNG(seed: 9)
        let n = 6000, d = 5
        let x = (0..<(n * d)).map { _ in Float(rng.uniform() * 0.2 - 0.1) }
        let ds = try Dataset(features: try Matrix(rows: n, cols: d, data: x), labels: [Int](repeating: 0, count: n), classes: 2)
        let (lap, g) = try Self.perturbFeatures(ds, mechanism: .laplace, epsilon: 2, delta: 0, clip: 1, seed: 5)
        XCTAssertEqual(g.noise, 1, "b = 2C/ε")
        let e = zip(lap.features.data, ds.features.data).map { Double($0) - Double($1) }
        let variance = e.reduce(0) { $0 + $1 * $1 } / Double(e.count)
        let meanAbs = e.reduce(0) { $0 + abs($1) } / Double(e.count)
        XCTAssertEqual(variance / (2 * g.noise * g.noise), 1, accuracy: 0.03)
        XCTAssertEqual(meanAbs / g.noise, 1, accuracy: 0.03, "Laplace, not Gaussian (1.13)")
        XCTAssertEqual(e.reduce(0, +) / Double(e.count), 0, accuracy: 0.03)

        let rows = 10_000, k = 3
        let centre = try Matrix(rows: rows, cols: k, data: [Float](repeating: 1 / Float(k), count: rows * k))
        for (mechanism, epsilon) in [(Perturbation.Mechanism.gaussian, 5000.0), (.laplace, 200.0)] {
            let (q, pg) = try Perturbation.perturbPredictions(centre, mechanism: mechanism, epsilon: epsilon, delta: 1e-5, seed: 6)
            let noiseVariance = mechanism == .gaussian ? pg.noise * pg.noise : 2 * pg.noise * pg.noise
            let dev = q.data.map { Double($0) - 1.0 / Double(k) }
            let v = dev.reduce(0) { $0 + $1 * $1 } / Double(dev.count)
            XCTAssertEqual(v / (Double(k - 1) / Double(k) * noiseVariance), 1, accuracy: 0.03, "\(mechanism)")
            XCTAssertTrue(q.data.allSatisfy { $0 > 0 }, "\(mechanism): no clipping at this scale")
        }
    }
}
