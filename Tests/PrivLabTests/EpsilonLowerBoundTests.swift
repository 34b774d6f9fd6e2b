import Foundation
import XCTest
import PrivLab

/// The empirical ε lower bound (Jagielski et al. 2020) against TF Privacy's `EpsilonLowerBound`
/// with Clopper–Pearson intervals (Fixtures/make_audit_reference.py made
/// Fixtures/audit_reference.json); PrivLab reports a bound below zero as 0.
final class EpsilonLowerBoundTests: XCTestCase {
    struct Count: Decodable { var tp: Int; var fp: Int; var positives: Int; var negatives: Int; var alpha: Double; var epsilon: Double }
    struct Scores: Decodable { var members: [Double]; var nonmembers: [Double]; var alpha: Double; var epsilon: Double }
    struct Reference: Decodable { var counts: [Count]; var scores: [Scores] }

    static let loaded = Result { try Fixture.decode(Reference.self, "audit_reference.json") }
    /// The fixture, or the error that loading it raised: a missing or unreadable file fails the
    /// tests that read it instead of crashing the whole bundle.
    static var reference: Reference { get throws { try loaded.get() } }

    /// Catches a one-sided interval (α instead of α/2), a wrong Beta quantile, a missing
    /// TNR/FNR direction, and mishandled zero or full counts.
    func testCountsMatchTFPrivacy() throws {
        for c in try Self.reference.counts {
            let r = try EpsilonLowerBound.fromCounts(tp: c.tp, fp: c.fp, positives: c.positives, negatives: c.negatives, alpha: c.alpha)
            XCTAssertEqual(r.epsilon, max(0, c.epsilon), accuracy: 1e-9, "tp \(c.tp) fp \(c.fp) of \(c.positives)/\(c.negatives)")
        }
    }

    /// The best threshold over all distinct scores, both ways round; catches thresholds placed
    /// inside a run of tied scores.
    func testScoresMatchTFPrivacy() throws {
        for s in try Self.reference.scores {
            let r = try EpsilonLowerBound.fromScores(members: s.members, nonMembers: s.nonmembers, alpha: s.alpha)
            XCTAssertEqual(r.epsilon, max(0, s.epsilon), accuracy: 1e-9)
            XCTAssertGreaterThan(r.thresholdsTried, 100)
        }
    }

    func testBetaQuantilesAndBadInput() throws {
        // Clopper–Pearson for 0 of n: [0, 1 − (α/2)^{1/n}]; for n of n: [(α/2)^{1/n}, 1].
        let zero = BetaDistribution.clopperPearson(successes: 0, trials: 20, alpha: 0.05)
        XCTAssertEqual(zero.lower, 0)
        XCTAssertEqual(zero.upper, 1 - pow(0.025, 1.0 / 20), accuracy: 1e-12)
        let all = BetaDistribution.clopperPearson(successes: 20, trials: 20, alpha: 0.05)
        XCTAssertEqual(all.lower, pow(0.025, 1.0 / 20), accuracy: 1e-12)
        XCTAssertThrowsError(try EpsilonLowerBound.fromCounts(tp: 11, fp: 0, positives: 10, negatives: 10))
        XCTAssertThrowsError(try EpsilonLowerBound.fromCounts(tp: 1, fp: 0, positives: 10, negatives: 10, alpha: 0.5))
        XCTAssertThrowsError(try EpsilonLowerBound.fromCounts(tp: 1, fp: 0, positives: 10, negatives: 10, delta: 1))
        XCTAssertThrowsError(try EpsilonLowerBound.fromScores(members: [.nan], nonMembers: [1]))
    }
}
