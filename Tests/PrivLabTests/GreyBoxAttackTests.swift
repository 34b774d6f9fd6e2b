import XCTest
import PrivLab

/// The grey-box attacks: the released lower layers (`ReleasedLayersAttack`) and the shadow attack
/// reading released logits.
final class GreyBoxAttackTests: XCTestCase {
    /// The released layers compute what the network computes below its head: the output layer
    /// applied to them gives the logits back, bit for bit.
    func testActivationsAreTheNetworkBelowItsHead() throws {
        let p = try LeakyPopulation.split()
        let net = try LeakyPopulation.mlp(epochs: 5)
        try net.fit(p.members)
        XCTAssertEqual(net.layersBelowOutput, 2, "dense, activation | output dense")
        var a = try net.activations(p.nonMembers.features, throughLayers: net.layersBelowOutput)
        XCTAssertEqual(a.cols, 64)
        var ctx = ForwardContext(training: false, rng: RNG(seed: 0))
        try net.layers.last!.forward(&a, &ctx)
        XCTAssertEqual(a.data, try net.logits(p.nonMembers.features).data)
        let hidden = try net.activations(p.nonMembers.features, throughLayers: 1)
        XCTAssertTrue(hidden.data.contains { $0 < 0 }, "before the ReLU")
        XCTAssertFalse(a.data.isEmpty)
        XCTAssertThrowsError(try net.activations(p.nonMembers.features, throughLayers: 3), "the output layer is the head")
        XCTAssertThrowsError(try net.activations(p.nonMembers.features, throughLayers: 0))
    }

    /// Against an over-fitted MLP, the attacker's head on the released layers separates members
    /// (AUC well above chance) without a single query; a head trained on the members themselves —
    /// what the attack must not have — would be stronger still, and a network never trained on
    /// the members gives chance. Non-networks are refused.
    func testReleasedLayersLeakMembershipWithoutQueries() throws {
        let p = try LeakyPopulation.split()
        let target = try LeakyPopulation.mlp()
        try target.fit(p.members)
        let a = try ReleasedLayersAttack.Options().fit(target: target, data: p.others)
        let auc = try a.evaluate(members: p.members, nonMembers: p.nonMembers).metrics.auc
        XCTAssertGreaterThan(auc, 0.55, "the lower layers memorised the members")
        XCTAssertEqual(a.queries, 0)
        XCTAssertEqual(a.releasedLayers, 2)
        let fresh = try LeakyPopulation.mlp()
        try fresh.fit(p.others)   // trained on the attacker's records, not on the members
        let control = try ReleasedLayersAttack.Options().fit(target: fresh, data: p.others)
        XCTAssertLessThan(abs(try control.evaluate(members: p.members, nonMembers: p.nonMembers).metrics.auc - 0.5), 0.08,
                          "no member in the released layers: chance")
        var first = ReleasedLayersAttack.Options()
        first.layers = 1
        XCTAssertNoThrow(try first.fit(target: target, data: p.others))
        first.layers = 3
        XCTAssertThrowsError(try first.fit(target: target, data: p.others))
        let knn = try NearestNeighbors(options: NearestNeighbors.Options())
        try knn.fit(p.members)
        XCTAssertThrowsError(try ReleasedLayersAttack.Options().fit(target: knn, data: p.others))
    }

    /// features = .logits reads the released logits as they are: the attack model's input for a
    /// record is the sorted logit vector and the true class's logit.
    func testTheShadowAttackReadsLogits() throws {
        let p = try LeakyPopulation.split()
        let target = try LeakyPopulation.mlp(epochs: 30)
        try target.fit(p.members)
        var o = ShadowModelAttack.Options()
        o.shadows = 2
        o.features = .logits
        o.attackModel = .logistic(l2: 1e-4)
        let a = try o.fit(target: target, inputs: AttackInputs(data: p.others, targetTrainingSize: 200))
        XCTAssertEqual(a.attackModelReport?.chosen.features, .logits)
        XCTAssertTrue(a.threatModel["access"]!.contains("logits"))
        let z = try target.logits(p.members.features).row(0)
        let c = AttackModelConfiguration(model: .logistic(l2: 1e-4), perClass: false, features: .logits, sorted: true)
        XCTAssertEqual(c.name, "logistic, global, logits")
        XCTAssertGreaterThan(try a.evaluate(members: p.members, nonMembers: p.nonMembers).metrics.auc, 0.6)
        XCTAssertEqual(z.count, 4)
    }
}
