import PrivLab
import XCTest

/// Every accountant behind the one interface: calibration meets its target, ε and δ are inverse
/// to each other, and training reports the ε of the accountant it was asked for.
final class PrivacyAccountantTests: XCTestCase {
    /// Catches: calibration done with one accountant and reporting with another (the PLD bug:
    /// σ calibrated by RDP, ε reported by PLD, 1.72 reported for a target of 2), a bisection that
    /// returns the bracket's wrong end (ε above the target), or stops early (ε far below it).
    func testCalibrationMeetsTheTargetUnderEveryAccountant() throws {
        let phases = [PrivacyPhase(sampleRate: 0.05, noise: 1, steps: 30)]
        for kind in AccountantKind.allCases {
            let acc = try kind.make()
            XCTAssertEqual(acc.kind, kind)
            for target in [1.0, 3.0] {
                let sigma = try acc.noise(forEpsilon: target, phases: phases, delta: 1e-5)
                let eps = try acc.epsilon([PrivacyPhase(sampleRate: 0.05, noise: sigma, steps: 30)], delta: 1e-5)
                XCTAssertLessThanOrEqual(eps, target, "\(kind) target \(target)")
                XCTAssertGreaterThan(eps, target * (1 - 1e-4), "\(kind) target \(target): σ = \(sigma) is more noise than needed")
            }
        }
    }

    /// δ(ε) is the inverse of ε(δ) for each accountant: δ at the reported ε is the asked δ (to the
    /// PLD's bisection tolerance; for RDP at most δ, since its ε is the best order's). Catches a
    /// δ formula that does not match the ε conversion (classic vs improved, a sign in the log).
    func testDeltaInvertsEpsilon() throws {
        let cases = [[PrivacyPhase(sampleRate: 0.01, noise: 1.1, steps: 1000)],
                     [PrivacyPhase(sampleRate: 0.1, noise: 2, steps: 50), PrivacyPhase(sampleRate: 0.02, noise: 0.9, steps: 200)],
                     [PrivacyPhase(sampleRate: 1, noise: 5, steps: 4)]]
        let accountants: [any PrivacyAccountant] = [try RDPAccountant(), try RDPAccountant(conversion: .classic), try PLDAccountant()]
        for acc in accountants {
            for phases in cases {
                for delta in [1e-5, 1e-3] {
                    let eps = try acc.epsilon(phases, delta: delta)
                    let back = try acc.delta(phases, epsilon: eps)
                    XCTAssertLessThanOrEqual(back, delta * (1 + 1e-6), "\(acc.kind) \(phases)")
                    if acc.kind == .pld {
                        XCTAssertGreaterThan(back, delta * 0.99, "\(phases)")
                    }
                    // A smaller ε needs a larger δ.
                    XCTAssertGreaterThan(try acc.delta(phases, epsilon: eps * 0.8), back)
                }
            }
        }
    }

    /// The measured bug: a target ε under PLD on 2,000 records, batch 100, 3 epochs. The
    /// trainer must calibrate with PLD (σ ≈ 1.1888, not RDP's 1.2856) and report that ε.
    func testTrainingCalibratesWithTheAccountantItReportsWith() throws {
        let ds = try Synthetic.blobs(n: 2000, features: 5, classes: 3, seed: 4)
        var o = TrainingOptions()
        o.epochs = 3
        o.batchSize = 100
        var dp = DPOptions()
        dp.clip = 1
        dp.noise = nil
        dp.targetEpsilon = 2
        dp.delta = 1e-5
        for kind in AccountantKind.allCases {
            dp.accountant = kind
            o.dp = dp
            let m = try NeuralNetwork.mlp(hidden: [8], options: o)
            try m.fit(ds)
            let report = try XCTUnwrap(m.privacy)
            XCTAssertEqual(report.accountant, kind)
            XCTAssertLessThanOrEqual(report.epsilon, 2, "\(kind)")
            XCTAssertGreaterThan(report.epsilon, 2 * (1 - 1e-4), "\(kind): the report must meet the request")
            let expected = try kind.make().noise(forEpsilon: 2, phases: [PrivacyPhase(sampleRate: 0.05, noise: 1, steps: 60)], delta: 1e-5)
            XCTAssertEqual(report.noise, expected, "\(kind)")
            if kind == .pld { XCTAssertEqual(report.noise, 1.1888, accuracy: 5e-4, "the issue's dp-accounting-calibrated σ") }
            if kind == .rdp { XCTAssertEqual(report.noise, 1.2856, accuracy: 5e-4) }
        }
    }
}
