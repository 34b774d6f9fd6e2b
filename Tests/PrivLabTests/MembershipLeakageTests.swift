import Foundation
import XCTest
import PrivLab

/// KL membership leakage (Farokhi & Kaafar): the paper's qualitative claims as tests — leakage
/// falls with n and with λ, and under (ε, δ)-calibrated noise it is bounded by ε²/(4 ln(1.25/δ))
/// (which also checks the learners' sensitivity bounds) — the attacker bound against the exact
/// optimal attack, and the Monte-Carlo estimator against a known KL.
final class MembershipLeakageTests: XCTestCase {
    /// Two noisy classes in 5 features, rows scaled to norm ≤ 1.
    func data(_ n: Int, seed: UInt64) throws -> Dataset {
        var d = try Synthetic.blobs(n: n, features: 5, classes: 2, std: 2, box: 2, seed: seed)
        var x = d.features
        let big = (0..<n).map { r in d.features.row(r).reduce(Float(0)) { $0 + $1 * $1 }.squareRoot() }.max()!
        x.data = x.data.map { $0 / big }
        d.features = x
        return d
    }

    func testLeakageFallsWithDataAndRegularisationAndIsBoundedUnderDP() throws {
        for learner in [LeakageLearner.ridge(lambda: 0.01), .logistic(lambda: 0.01)] {
            let small = try MembershipLeakage.outputPerturbation(learner, data: try data(50, seed: 1), sigma: 0.05)
            let large = try MembershipLeakage.outputPerturbation(learner, data: try data(400, seed: 1), sigma: 0.05)
            XCTAssertLessThan(large.meanKL, small.meanKL / 3, "\(learner): more data, less leakage")
            let strong: LeakageLearner
            switch learner { case .ridge: strong = .ridge(lambda: 1); case .logistic: strong = .logistic(lambda: 1) }
            let regularised = try MembershipLeakage.outputPerturbation(strong, data: try data(50, seed: 1), sigma: 0.05)
            XCTAssertLessThan(regularised.meanKL, small.meanKL / 3, "\(learner): more regularisation, less leakage")
            // The exact optimum never exceeds the information bound, which never exceeds 1.
            for r in [small, large, regularised] {
                XCTAssertLessThanOrEqual(r.optimalSuccess, r.successBound + 1e-12)
                XCTAssertLessThanOrEqual(r.successBound, 1)
                XCTAssertGreaterThanOrEqual(r.optimalSuccess, 0.5)
            }
            // (ε, δ)-calibrated: no record moves θ̂ by more than the stated sensitivity (so every
            // KL ≤ Δ²/2σ²), and less ε, less leakage.
            var last = Double.infinity
            for eps in [4.0, 1.0, 0.25] {
                let dp = try MembershipLeakage.outputPerturbation(learner, data: try data(50, seed: 2), epsilon: eps, delta: 1e-5)
                XCTAssertLessThanOrEqual(dp.shifts.max()!, dp.sensitivity, "\(learner): a record moved θ̂ by more than its sensitivity")
                XCTAssertLessThanOrEqual(dp.maxKL, dp.sensitivity * dp.sensitivity / (2 * dp.sigma * dp.sigma) * (1 + 1e-9))
                XCTAssertLessThan(dp.meanKL, last)
                last = dp.meanKL
            }
        }
        XCTAssertThrowsError(try MembershipLeakage.outputPerturbation(.ridge(lambda: 1), data: try Synthetic.blobs(n: 20, features: 3, classes: 2, box: 10, seed: 1), sigma: 1)) { e in
            XCTAssertTrue("\(e)".contains("norm > 1"), "\(e)")
        }
        XCTAssertThrowsError(try MembershipLeakage.outputPerturbation(.ridge(lambda: 0), data: try data(20, seed: 1), sigma: 1))
    }

    /// The likelihood-ratio attack on one record reaches the exact optimum Φ(‖Δθ‖/2σ) that the
    /// report states: releases simulated along the record's shift (the isotropic noise off that
    /// line carries no information), 40 000 of them.
    func testTheOptimalAttackReachesTheStatedSuccess() throws {
        let sigma = 0.05
        let r = try MembershipLeakage.outputPerturbation(.logistic(lambda: 0.01), data: try data(30, seed: 3), sigma: sigma)
        let phi = { (s: Double) in 0.5 * erfc(-(s / (2 * sigma)) / 2.squareRoot()) }
        XCTAssertEqual(r.optimalSuccess, r.shifts.map(phi).reduce(0, +) / 30, accuracy: 1e-12)
        let shift = r.shifts.max()!
        XCTAssertGreaterThan(phi(shift), 0.6, "a record the attack can find")
        var rng = RNG(seed: 9)
        var correct = 0
        for i in 0..<40_000 {
            let member = i % 2 == 0
            let x = (member ? shift : 0) + sigma * rng.normal()
            if (x > shift / 2) == member { correct += 1 }
        }
        XCTAssertEqual(Double(correct) / 40_000, phi(shift), accuracy: 0.01)
        XCTAssertLessThanOrEqual(phi(shift), 0.5 + min(sqrt(shift * shift / (2 * sigma * sigma) / 8), 0.5) + 1e-12)
    }

    /// The Gaussian KL of fitted samples converges to the analytic value: N(0, 1) against
    /// N(0.5, 4) in one dimension has KL = ½(1/4 + 0.25/4 − 1 + ln 4) ≈ 0.5369.
    func testGaussianKLOfSamples() throws {
        var rng = RNG(seed: 1)
        let a = (0..<20_000).map { _ in [rng.normal()] }
        let b = (0..<20_000).map { _ in [0.5 + 2 * rng.normal()] }
        XCTAssertEqual(try MembershipLeakage.gaussianKL(a, b), 0.5 * (0.25 + 0.0625 - 1 + log(4.0)), accuracy: 0.02)
    }
}
