import Foundation
import XCTest
import PrivLab

/// Privacy events and accountants: the event API gives today's phase API's ε bit for bit, new event
/// kinds agree with dp-accounting (Fixtures/make_event_reference.py), accountants refuse what they
/// cannot account by name, and shards compose in parallel (the worst, not the sum).
final class PrivacyEventTests: XCTestCase {
    struct LaplaceCase: Decodable { var laplace_scale: Double; var count: Int; var delta: Double; var epsilon: Double }
    struct MixedCase: Decodable { var phase: [Double]; var laplace_scale: Double; var laplace_count: Int; var delta: Double; var epsilon: Double }
    struct PureCase: Decodable { var phase: [Double]; var pure_epsilon: Double; var pure_count: Int; var delta: Double; var epsilon: Double }
    struct Reference: Decodable { var rdp_laplace: [LaplaceCase]; var rdp_mixed: [MixedCase]; var pld_pure: [PureCase] }
    static let loaded = Result { try Fixture.decode(Reference.self, "event_reference.json") }
    static var reference: Reference { get throws { try loaded.get() } }

    /// Old API value == new event value, to the bit, over a grid of (q, σ, steps, δ), for RDP (both
    /// conversions) and PLD, ε and δ, one phase and two. Catches an event path that sums in another
    /// order, converts differently or drops a phase.
    func testEventsGiveThePhaseAPIsEpsilonBitForBit() throws {
        let rdps = [try RDPAccountant(), try RDPAccountant(conversion: .classic)]
        for q in [0.001, 256.0 / 60000, 0.01, 0.1, 1] {
            for sigma in [0.7, 1.1, 2, 5] {
                for steps in [1, 100, 2344] {
                    let phases = [PrivacyPhase(sampleRate: q, noise: sigma, steps: steps)]
                    for sampling in DPSampling.allCases {
                        let event = PrivacyEvent.dpSGD(phases, clip: 1.5, sampling: sampling)
                        for acc in rdps {
                            for delta in [1e-5, 1e-3] {
                                XCTAssertEqual(try acc.epsilon(event, delta: delta).bitPattern, try acc.epsilon(phases, delta: delta).bitPattern,
                                               "q=\(q) σ=\(sigma) T=\(steps) δ=\(delta) \(acc.conversion)")
                            }
                            XCTAssertEqual(try acc.delta(event, epsilon: 2).bitPattern, try acc.delta(phases, epsilon: 2).bitPattern)
                        }
                    }
                }
            }
        }
        let pld = try PLDAccountant()
        for (q, sigma, steps) in [(0.01, 1.1, 100), (0.01, 0.8, 300), (1.0, 2.0, 10), (0.1, 2.0, 50)] {
            let phases = [PrivacyPhase(sampleRate: q, noise: sigma, steps: steps), PrivacyPhase(sampleRate: q, noise: 2 * sigma, steps: steps / 2)]
            let event = PrivacyEvent.dpSGD(phases, clip: 1)
            XCTAssertEqual(try pld.epsilon(event, delta: 1e-5).bitPattern, try pld.epsilon(phases, delta: 1e-5).bitPattern, "q=\(q) σ=\(sigma)")
            XCTAssertEqual(try pld.delta(event, epsilon: 1).bitPattern, try pld.delta(phases, epsilon: 1).bitPattern)
        }
        // A DP-SGD run's statement: the accountant's ε for its phase, and the phase in plain words.
        var dp = DPOptions()
        dp.noise = 1.1
        let s = try dp.statement(sampleRate: 0.01, noise: 1.1, steps: 300, accountant: try RDPAccountant(), prior: nil)
        XCTAssertEqual(s.epsilon.bitPattern, try RDPAccountant().epsilon([PrivacyPhase(sampleRate: 0.01, noise: 1.1, steps: 300)], delta: 1e-5).bitPattern)
        XCTAssertEqual(s.events, ["300 × Gaussian mechanism (noise multiplier σ = 1.1, sensitivity 1) on a Poisson sample (rate q = 0.01)"])
    }

    /// The Laplace mechanism under RDP (Mironov 2017, Prop. 6), alone and composed with DP-SGD,
    /// against dp-accounting's RDP accountant at the same orders. Catches ε₀ taken as scale rather
    /// than 1/scale, a wrong Prop. 6 term, or the two events not adding.
    func testLaplaceUnderRDPAgreesWithDPAccounting() throws {
        let acc = try RDPAccountant()
        for c in try Self.reference.rdp_laplace {
            let e = try acc.epsilon(.selfComposed(event: .laplace(scale: c.laplace_scale, sensitivity: 1), count: c.count), delta: c.delta)
            XCTAssertEqual(e, c.epsilon, accuracy: 1e-9 * c.epsilon, "λ=\(c.laplace_scale) ×\(c.count) δ=\(c.delta)")
            // Scale and sensitivity enter only as their ratio.
            let scaled = try acc.epsilon(.selfComposed(event: .laplace(scale: 3 * c.laplace_scale, sensitivity: 3), count: c.count), delta: c.delta)
            XCTAssertEqual(scaled, e, accuracy: 1e-12 * e)
        }
        for c in try Self.reference.rdp_mixed {
            let event = PrivacyEvent.composed([.dpSGD([PrivacyPhase(sampleRate: c.phase[0], noise: c.phase[1], steps: Int(c.phase[2]))], clip: 1),
                                               .selfComposed(event: .laplace(scale: c.laplace_scale, sensitivity: 1), count: c.laplace_count)])
            // The subsampled Gaussian's part differs by ~1e-8 relative (the two fractional-order
            // series stop at different terms); the Laplace part alone agrees to 1e-9 above.
            XCTAssertEqual(try acc.epsilon(event, delta: c.delta), c.epsilon, accuracy: 1e-6 * c.epsilon)
        }
    }

    /// A pure ε-DP release composed with DP-SGD under PLD, against dp-accounting's distributions
    /// (the two-point ±ε loss). Catches a pure event composed as a Gaussian, or its losses rounded
    /// down (optimistic).
    func testPureEpsilonUnderPLDAgreesWithDPAccounting() throws {
        let acc = try PLDAccountant()
        for c in try Self.reference.pld_pure {
            let event = PrivacyEvent.composed([
                .dpSGD([PrivacyPhase(sampleRate: c.phase[0], noise: c.phase[1], steps: Int(c.phase[2]))], clip: 1),
                .selfComposed(event: .pure(epsilon: c.pure_epsilon, mechanism: .exponential(sensitivity: 1)), count: c.pure_count)])
            XCTAssertEqual(try acc.epsilon(event, delta: c.delta), c.epsilon, accuracy: 1e-4 * c.epsilon, "ε₀=\(c.pure_epsilon) ×\(c.pure_count) δ=\(c.delta)")
        }
    }

    /// An accountant that cannot account an event says which accountant and which event.
    func testAccountantsRefuseWhatTheyCannotAccountByName() throws {
        let pld = try PLDAccountant()
        XCTAssertThrowsError(try pld.epsilon(.selfComposed(event: .laplace(scale: 1, sensitivity: 1), count: 3), delta: 1e-5)) {
            XCTAssertTrue("\($0)".contains("the pld accountant cannot account a Laplace mechanism"), "\($0)")
        }
        let curve = PrivacyEvent.rdpCurve(RDPCurve(orders: PATEAnalysis.orders, values: PATEAnalysis.orders.map { $0 / 100 }, label: "PATE"))
        XCTAssertThrowsError(try pld.epsilon(curve, delta: 1e-5)) {
            XCTAssertTrue("\($0)".contains("the pld accountant cannot account a Rényi-DP curve (PATE)"), "\($0)")
        }
        XCTAssertThrowsError(try RDPAccountant().epsilon(curve, delta: 1e-5)) {
            XCTAssertTrue("\($0)".contains("the rdp accountant cannot account a Rényi-DP curve (PATE)"), "\($0)")
        }
        XCTAssertNoThrow(try PATEAnalysis.accountant().epsilon(curve, delta: 1e-5), "at the curve's own orders it can")
        XCTAssertThrowsError(try RDPAccountant().epsilon(.poissonSampled(rate: 0.1, event: .laplace(scale: 1, sensitivity: 1)), delta: 1e-5)) {
            XCTAssertTrue("\($0)".contains("cannot account a Poisson-sampled Laplace mechanism"), "\($0)")
        }
        XCTAssertEqual(try RDPAccountant().epsilon(.composed([.nonPrivate("raw release"), .gaussian(noise: 1, sensitivity: 1)]), delta: 1e-5), .infinity)
    }

    /// Shards compose in parallel: the worst shard's ε, under both accountants, strictly less than
    /// composing them; a statement over shards lists them with the worst first.
    func testShardsCostTheWorstShardNotTheSum() throws {
        let a = PrivacyEvent.dpSGD([PrivacyPhase(sampleRate: 0.02, noise: 1.1, steps: 200)], clip: 1)
        let b = PrivacyEvent.dpSGD([PrivacyPhase(sampleRate: 0.02, noise: 0.9, steps: 300)], clip: 1)
        for acc in [try RDPAccountant() as any PrivacyAccountant, try PLDAccountant()] {
            let ea = try acc.epsilon(a, delta: 1e-5), eb = try acc.epsilon(b, delta: 1e-5)
            XCTAssertEqual(try acc.epsilon(.parallel([a, b]), delta: 1e-5), max(ea, eb))
            XCTAssertLessThan(max(ea, eb), try acc.epsilon(.composed([a, b]), delta: 1e-5))
            let statements = [try PrivacyStatement(accounting: a, delta: 1e-5, accountant: acc), try PrivacyStatement(accounting: b, delta: 1e-5, accountant: acc)]
            let s = try XCTUnwrap(PrivacyStatement.parallel(statements, note: "shards"))
            XCTAssertEqual(s.epsilon, max(ea, eb))
            XCTAssertEqual(s.worstPart, b)
            XCTAssertEqual(s.notes, ["shards"])
            XCTAssertEqual(PrivacyStatement.parallel([statements[0], nil], note: "shards")?.epsilon, .infinity, "a shard trained without privacy")
        }
        XCTAssertNil(PrivacyStatement.parallel([nil, nil], note: "shards"))
    }

    /// Statements survive a model file: the new shape round-trips, and a record written before
    /// statements existed still opens as the events it describes.
    func testStatementsRoundTripAndOldRecordsStillOpen() throws {
        var dp = DPOptions()
        dp.noise = 1.1
        dp.sampling = .shuffle
        let s = try dp.statement(sampleRate: 0.01, noise: 1.1, steps: 30, accountant: try RDPAccountant(), prior: nil)
        XCTAssertEqual(try JSONDecoder().decode(PrivacyStatement.self, from: try JSONEncoder().encode(s)), s)
        XCTAssertEqual(s.notes.count, 1, "the shuffle caveat")
        let old = #"{"epsilon":2.5,"delta":1e-05,"noise":1.1,"clip":1,"sampleRate":0.01,"steps":30,"sampling":"shuffle","accountant":"rdp","note":"caveat"}"#
        let read = try JSONDecoder().decode(PrivacyStatement.self, from: Data(old.utf8))
        XCTAssertEqual(read.epsilon, 2.5)
        XCTAssertEqual(read.event, .dpSGD([PrivacyPhase(sampleRate: 0.01, noise: 1.1, steps: 30)], clip: 1, sampling: .shuffle))
        XCTAssertEqual(read.notes, ["caveat"])
        let oldPure = #"{"epsilon":2,"delta":0,"noise":0.4,"clip":1,"sampleRate":1,"steps":1,"sampling":"poisson","accountant":"rdp","mechanism":"output_perturbation"}"#
        let pure = try JSONDecoder().decode(PrivacyStatement.self, from: Data(oldPure.utf8))
        XCTAssertNil(pure.accountant)
        XCTAssertEqual(pure.event.pureEpsilon, 2)
    }
}
