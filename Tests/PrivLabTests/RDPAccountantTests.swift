import Foundation
import XCTest
import PrivLab

/// The RDP accountant against values computed with Opacus 1.6 and dp-accounting 0.6 and against
/// numerical integration (Fixtures/make_rdp_reference.py made Fixtures/rdp_reference.json).
final class RDPAccountantTests: XCTestCase {
    struct Case: Decodable {
        var phases: [[Double]]
        var delta: Double
        var opacus: Double
        var google: Double
        var classic: Double
        var curve: [Double?]?
    }
    struct Truth: Decodable { var q: Double; var sigma: Double; var order: Double; var rdp: Double }
    struct Reference: Decodable { var orders: [Double]; var truth: [Truth]; var cases: [Case] }

    static let loaded = Result { try Fixture.decode(Reference.self, "rdp_reference.json") }
    /// The fixture, or the error that loading it raised: a missing or unreadable file fails the
    /// tests that read it instead of crashing the whole bundle.
    static var reference: Reference { get throws { try loaded.get() } }

    func phases(_ c: Case) -> [PrivacyPhase] { c.phases.map { PrivacyPhase(sampleRate: $0[0], noise: $0[1], steps: Int($0[2])) } }

    func rel(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-9) }

    func testOrdersAreOpacusDefaults() {
        XCTAssertEqual(RDPAccountant.defaultOrders, try Self.reference.orders)
    }

    func testRDPMatchesNumericalIntegration() throws {
        for t in try Self.reference.truth {
            let r = RDPAccountant.rdp(sampleRate: t.q, noise: t.sigma, order: t.order)
            XCTAssertLessThan(rel(r, t.rdp), 1e-6, "q=\(t.q) σ=\(t.sigma) α=\(t.order): \(r) vs \(t.rdp)")
        }
    }

    func testEpsilonAgreesWithOpacusAndDPAccountingOnTheGrid() throws {
        let acc = try RDPAccountant()
        var checked = 0, googleConservative = 0
        for c in try Self.reference.cases {
            let eps = try acc.epsilon(phases(c), delta: c.delta)
            let classic = try RDPAccountant(conversion: .classic).epsilon(phases(c), delta: c.delta)
            XCTAssertLessThan(rel(classic, c.classic), 1e-3, "classic \(c.phases) δ=\(c.delta)")
            if rel(c.opacus, c.google) < 1e-3 {
                // Both libraries agree: so must we.
                XCTAssertLessThan(rel(eps, c.google), 1e-3, "\(c.phases) δ=\(c.delta): \(eps) vs \(c.google)")
                checked += 1
            } else if c.google == 0 {
                // dp-accounting's (0, δ) rule, which Opacus lacks.
                XCTAssertEqual(eps, 0, "\(c.phases) δ=\(c.delta)")
                XCTAssertLessThan(c.opacus, 0.3)
            } else {
                // dp-accounting gives up on slowly converging fractional orders (treats them as ∞),
                // so its ε is larger; Opacus sums those series and agrees with us.
                XCTAssertLessThan(rel(eps, c.opacus), 1e-3, "\(c.phases) δ=\(c.delta): \(eps) vs opacus \(c.opacus)")
                XCTAssertGreaterThan(c.google, eps)
                googleConservative += 1
            }
            if let curve = c.curve {
                let ours = try acc.curve(phases(c))
                for (o, r) in zip(ours, curve) where r != nil && r!.isFinite { XCTAssertLessThan(rel(o, r!), 1e-6) }
            }
        }
        XCTAssertGreaterThan(checked, 150)
        XCTAssertLessThan(googleConservative, 50)
    }

    func testFullBatchIsTheGaussianMechanismAndCompositionAdds() throws {
        // q = 1: RDP of the Gaussian mechanism, α/(2σ²), exactly.
        XCTAssertEqual(RDPAccountant.rdp(sampleRate: 1, noise: 2, order: 3), 3.0 / 8)
        let acc = try RDPAccountant()
        let a = try acc.curve([PrivacyPhase(sampleRate: 0.01, noise: 1.1, steps: 300)])
        let b = try acc.curve([PrivacyPhase(sampleRate: 0.01, noise: 1.1, steps: 100), PrivacyPhase(sampleRate: 0.01, noise: 1.1, steps: 200)])
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-12 * max(1, x)) }
        // More noise, fewer steps or a smaller sampling rate never cost more privacy.
        let base = try acc.epsilon([PrivacyPhase(sampleRate: 0.01, noise: 1.1, steps: 1000)], delta: 1e-5)
        XCTAssertLessThan(try acc.epsilon([PrivacyPhase(sampleRate: 0.01, noise: 1.5, steps: 1000)], delta: 1e-5), base)
        XCTAssertLessThan(try acc.epsilon([PrivacyPhase(sampleRate: 0.005, noise: 1.1, steps: 1000)], delta: 1e-5), base)
        XCTAssertLessThan(try acc.epsilon([PrivacyPhase(sampleRate: 0.01, noise: 1.1, steps: 500)], delta: 1e-5), base)
    }

    func testNoiseCalibrationHitsTheTarget() throws {
        let acc = try RDPAccountant()
        for target in [0.5, 1.0, 3.0, 8.0] {
            let phase = [PrivacyPhase(sampleRate: 256.0 / 60000, noise: 1, steps: 2344)]
            let sigma = try acc.noise(forEpsilon: target, phases: phase, delta: 1e-5)
            let eps = try acc.epsilon([PrivacyPhase(sampleRate: 256.0 / 60000, noise: sigma, steps: 2344)], delta: 1e-5)
            XCTAssertLessThanOrEqual(eps, target)
            XCTAssertGreaterThan(eps, target * 0.999)
        }
    }

    func testBadInputIsAnError() throws {
        let acc = try RDPAccountant()
        XCTAssertThrowsError(try acc.epsilon([PrivacyPhase(sampleRate: 1.5, noise: 1, steps: 1)], delta: 1e-5)) { XCTAssertTrue("\($0)".contains("sample_rate")) }
        XCTAssertThrowsError(try acc.epsilon([PrivacyPhase(sampleRate: 0, noise: 1, steps: 1)], delta: 1e-5))
        XCTAssertThrowsError(try acc.epsilon([PrivacyPhase(sampleRate: 0.1, noise: 0, steps: 1)], delta: 1e-5)) { XCTAssertTrue("\($0)".contains("noise")) }
        XCTAssertThrowsError(try acc.epsilon([PrivacyPhase(sampleRate: 0.1, noise: .nan, steps: 1)], delta: 1e-5))
        XCTAssertThrowsError(try acc.epsilon([PrivacyPhase(sampleRate: 0.1, noise: 1, steps: 1)], delta: 1)) { XCTAssertTrue("\($0)".contains("delta")) }
        XCTAssertThrowsError(try acc.noise(forEpsilon: 1e-9, phases: [PrivacyPhase(sampleRate: 1, noise: 1, steps: 1_000_000)], delta: 1e-10)) {
            XCTAssertTrue("\($0)".contains("unreachable"))
        }
        XCTAssertThrowsError(try RDPAccountant(orders: [0.5]))
    }
}
