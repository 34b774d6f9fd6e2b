import XCTest
@testable import PrivLab

/// What input perturbation states, checked against the mechanisms' own formulas: the Gaussian's
/// exact δ(ε) (Balle & Wang 2018, Thm 8) at the stated σ and sensitivity 2·clip, and dp-accounting's
/// calibrated σ (Fixtures/make_mechanism_reference.py); Laplace's ε = Δ₁/b; randomised response's
/// ε = ln(p(k − 1)/(1 − p)); and their basic composition when labels are perturbed too.
final class InputPerturbationTests: XCTestCase {
    static func options(_ m: InputPerturbation.Mechanism, epsilon: Double, delta: Double = 1e-5, clip: Double,
                        label: Double? = nil, seed: UInt64 = 1) -> InputPerturbation.Options {
        var o = InputPerturbation.Options()
        (o.mechanism, o.epsilon, o.delta, o.clip, o.labelEpsilon, o.seed) = (m, epsilon, delta, clip, label, seed)
        return o
    }

    func testGaussianStatementMatchesTheMechanismsFormula() throws {
        let ds = try Synthetic.blobs(n: 50, features: 4, classes: 3, seed: 2)
        for c in try MechanismTests.reference.sigma_cases {
            // clip ½: sensitivity 1, so σ is dp-accounting's σ for (ε, δ) at sensitivity 1.
            let r = try InputPerturbation(Self.options(.gaussian, epsilon: c.epsilon, delta: c.delta, clip: 0.5)).perturb(ds)
            XCTAssertEqual(r.noise, c.sigma, accuracy: 1e-4 * c.sigma)
            XCTAssertEqual(r.sensitivity, 1)
            XCTAssertEqual(r.privacy.epsilon, c.epsilon)
            XCTAssertEqual(r.privacy.delta, c.delta)
            XCTAssertNil(r.privacy.accountant)
            // The stated (ε, δ) is what the Gaussian mechanism with this σ and sensitivity gives.
            let delta = Mechanisms.gaussianDelta(sigma: r.noise, sensitivity: r.sensitivity, epsilon: r.privacy.epsilon)
            XCTAssertLessThanOrEqual(delta, c.delta * (1 + 1e-9))
            XCTAssertGreaterThan(delta, c.delta * 0.99, "calibrated tightly, not over-noised")
            XCTAssertEqual(r.privacy.event, .gaussian(noise: r.noise / 1, sensitivity: 1))
            XCTAssertEqual(r.unit, .features)
        }
        // Sensitivity is 2·clip: clip 3 needs six times clip ½'s noise.
        let half = try InputPerturbation(Self.options(.gaussian, epsilon: 1, clip: 0.5)).noiseScale()
        XCTAssertEqual(try InputPerturbation(Self.options(.gaussian, epsilon: 1, clip: 3)).noiseScale(), 6 * half, accuracy: 1e-9 * half)
    }

    func testLaplaceStatementIsPureWithScaleTwoClipOverEpsilon() throws {
        let ds = try Synthetic.blobs(n: 30, features: 3, classes: 2, seed: 4)
        let r = try InputPerturbation(Self.options(.laplace, epsilon: 0.5, clip: 2)).perturb(ds)
        XCTAssertEqual(r.noise, 8)   // 2·2 / 0.5
        XCTAssertEqual(r.privacy.delta, 0)
        XCTAssertEqual(r.privacy.epsilon, 0.5)
        XCTAssertEqual(r.privacy.event.pureEpsilon, 0.5, "the event's own ε (Δ₁/b) agrees with the statement")
        XCTAssertEqual(r.privacy.event, .laplace(scale: 8, sensitivity: 4))
    }

    /// With label_epsilon the unit is the whole record: the labels go through k-ary randomised
    /// response (flip rate (k − 1)/(e^ε + k − 1), measured), ε adds, δ stays the features'.
    func testLabelRandomisedResponseComposesIntoTheRecordsEpsilon() throws {
        let k = 4, n = 20_000
        let ds = try Synthetic.blobs(n: n, features: 2, classes: k, seed: 5)
        let r = try InputPerturbation(Self.options(.gaussian, epsilon: 1, delta: 1e-6, clip: 1, label: 1.5)).perturb(ds)
        XCTAssertEqual(r.unit, .record)
        XCTAssertEqual(r.privacy.epsilon, 2.5)
        XCTAssertEqual(r.privacy.delta, 1e-6)
        let p = exp(1.5) / (exp(1.5) + Double(k - 1))
        XCTAssertEqual(r.labelFlipProbability, 1 - p, accuracy: 1e-12)
        XCTAssertEqual(log(p * Double(k - 1) / (1 - p)), 1.5, accuracy: 1e-12, "randomised response's ε from its probabilities")
        let flipped = Double(zip(r.data.labels, ds.labels).filter { $0 != $1 }.count) / Double(n)
        XCTAssertEqual(flipped, 1 - p, accuracy: 4 * ((1 - p) * p / Double(n)).squareRoot())
        guard case .composed(let parts) = r.privacy.event, parts.count == 2 else { return XCTFail("features then labels") }
        XCTAssertEqual(parts[1], .pure(epsilon: 1.5, mechanism: .randomizedResponse(categories: k)))
        // The features' noise does not depend on whether labels are perturbed (separate streams).
        let plain = try InputPerturbation(Self.options(.gaussian, epsilon: 1, delta: 1e-6, clip: 1)).perturb(ds)
        XCTAssertEqual(plain.data.features, r.data.features)
        XCTAssertEqual(plain.data.labels, ds.labels)
        XCTAssertTrue(plain.privacy.note?.contains("not its label") ?? false)
        XCTAssertEqual(r.data.ids, ds.ids)
    }

    func testBadOptionsAreErrors() throws {
        assertThrows(["perturb_features", "epsilon must be a positive number"]) { _ = try InputPerturbation(Self.options(.gaussian, epsilon: 0, clip: 1)) }
        assertThrows(["perturb_features", "clip must be a positive number"]) { _ = try InputPerturbation(Self.options(.laplace, epsilon: 1, clip: -1)) }
        assertThrows(["perturb_features", "delta must be in (0, 1)"]) { _ = try InputPerturbation(Self.options(.gaussian, epsilon: 1, delta: 0, clip: 1)) }
        assertThrows(["perturb_features", "label_epsilon"]) { _ = try InputPerturbation(Self.options(.gaussian, epsilon: 1, clip: 1, label: .infinity)) }
        let ds = try Synthetic.blobs(n: 5, features: 2, classes: 2, seed: 1)
        assertThrows(["perturb_features", "overflows", "lower clip"]) { _ = try InputPerturbation(Self.options(.laplace, epsilon: 1, clip: 1e300)).perturb(ds) }
        var bad = try Synthetic.blobs(n: 5, features: 2, classes: 2, seed: 1)
        bad.features[0, 0] = .nan
        XCTAssertThrowsError(try InputPerturbation(Self.options(.gaussian, epsilon: 1, clip: 1)).perturb(bad))
    }
}
