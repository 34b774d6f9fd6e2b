import Foundation
import XCTest
import PrivLab

/// The PLD accountant against dp-accounting's PLD accountant (Fixtures/make_pld_reference.py) and
/// against the analytic Gaussian mechanism.
final class PLDAccountantTests: XCTestCase {
    struct Case: Decodable { var phases: [[Double]]; var delta: Double; var epsilon: Double }
    struct Reference: Decodable { var cases: [Case] }
    static let reference: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pld_reference.json")
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    func testAgreesWithDPAccountingWithinOnePercent() throws {
        let acc = try PLDAccountant()
        let rdp = try RDPAccountant()
        for c in Self.reference.cases {
            let phases = c.phases.map { PrivacyPhase(sampleRate: $0[0], noise: $0[1], steps: Int($0[2])) }
            let eps = try acc.epsilon(phases, delta: c.delta)
            XCTAssertEqual(eps, c.epsilon, accuracy: 0.01 * c.epsilon + 1e-6, "\(c.phases) δ=\(c.delta)")
            // PLD accounting is tighter than RDP.
            XCTAssertLessThanOrEqual(eps, try rdp.epsilon(phases, delta: c.delta) + 1e-9)
        }
    }

    /// q = 1: T compositions of the Gaussian mechanism are one Gaussian mechanism with σ/√T, and the
    /// PLD accountant returns its exact ε.
    func testFullBatchIsTheAnalyticGaussianExactly() throws {
        let acc = try PLDAccountant()
        for (sigma, steps) in [(1.0, 1), (2.0, 4), (5.0, 100)] {
            let eps = try acc.epsilon([PrivacyPhase(sampleRate: 1, noise: sigma, steps: steps)], delta: 1e-5)
            let effective = sigma / Double(steps).squareRoot()
            XCTAssertEqual(Mechanisms.gaussianDelta(sigma: effective, sensitivity: 1, epsilon: eps), 1e-5, accuracy: 1e-12)
        }
    }

    func testBadInput() throws {
        let acc = try PLDAccountant()
        XCTAssertThrowsError(try acc.epsilon([PrivacyPhase(sampleRate: 0.1, noise: 1, steps: 1)], delta: 0))
        XCTAssertThrowsError(try acc.epsilon([PrivacyPhase(sampleRate: 2, noise: 1, steps: 1)], delta: 1e-5))
        XCTAssertThrowsError(try PLDAccountant(discretization: 0))
        XCTAssertEqual(try acc.epsilon([PrivacyPhase(sampleRate: 0.1, noise: 1, steps: 0)], delta: 1e-5), 0)
    }
}
