import Foundation
import XCTest
import PrivLab

/// Precision and recall of an evaluation are read at the attack's own threshold when it has one —
/// the attack model's 0.5 for the shadow-model attack, as Shokri et al. (S&P 2017, §V) report them —
/// and at the oracle best threshold only when it has none. Recounted here from the per-record scores
/// the evaluation returns: catches the oracle figures reported in place of the attack's own.
final class AttackPrecisionTests: XCTestCase {
    func counts(_ r: MembershipEvaluation, threshold t: Double) -> (precision: Double, recall: Double) {
        let calledIn = r.scores.indices.filter { r.scores[$0] >= t }
        let tp = calledIn.filter { r.isMember[$0] }.count
        return (calledIn.isEmpty ? 0 : Double(tp) / Double(calledIn.count), Double(tp) / Double(r.isMember.filter { $0 }.count))
    }

    func testShadowAttackPrecisionIsAtItsOwnThreshold() throws {
        let p = try LeakyPopulation.split()
        let target = try LeakyPopulation.mlp(seed: 1)
        try target.fit(p.members)
        var o = ShadowModelAttack.Options()
        o.shadows = 2
        let a = try o.fit(target: target, inputs: AttackInputs(data: p.others, shadowModel: try LeakyPopulation.mlp(seed: 1), targetTrainingSize: p.members.size))
        let t = try XCTUnwrap(a.threshold)
        let r = try a.evaluate(members: p.members, nonMembers: p.nonMembers)
        XCTAssertFalse(r.accuracyIsOracle)
        let own = counts(r, threshold: t)
        XCTAssertEqual(r.precision, own.precision, accuracy: 1e-12)
        XCTAssertEqual(r.recall, own.recall, accuracy: 1e-12)
        // The oracle figures differ here (else the test could not tell them apart).
        let oracle = counts(r, threshold: r.metrics.bestThreshold)
        XCTAssertNotEqual(t, r.metrics.bestThreshold)
        XCTAssertEqual(r.metrics.precision, oracle.precision, accuracy: 1e-12)
        XCTAssertTrue(abs(r.precision - r.metrics.precision) > 1e-9 || abs(r.recall - r.metrics.recall) > 1e-9,
                      "own threshold \(t) and best \(r.metrics.bestThreshold) gave the same precision and recall")
    }

    func testWithoutAThresholdPrecisionIsTheOracles() throws {
        let p = try LeakyPopulation.split()
        let target = try LeakyPopulation.mlp(seed: 1)
        try target.fit(p.members)
        let a = try MetricAttack.Options().fit(target: target)
        XCTAssertNil(a.threshold)
        let r = try a.evaluate(members: p.members, nonMembers: p.nonMembers)
        XCTAssertTrue(r.accuracyIsOracle)
        XCTAssertEqual(r.precision, r.metrics.precision)
        XCTAssertEqual(r.recall, r.metrics.recall)
    }
}
