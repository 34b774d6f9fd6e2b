import PrivLab
import XCTest

/// Output defenses: what each policy does to a probability vector, and that attacks query the
/// released (defended) outputs rather than the model's own.
final class OutputDefenseTests: XCTestCase {
    /// Catches: top-k keeping the wrong entries or not renormalising, ties broken by the sort's
    /// whim, rounding renormalised, label-only picking a later maximum.
    func testPoliciesOnProbabilityVectors() throws {
        var v: [Float] = [0.1, 0.4, 0.2, 0.2, 0.1]
        OutputPolicy.topK(2).apply(&v)
        XCTAssertEqual(v[0], 0); XCTAssertEqual(v[3], 0); XCTAssertEqual(v[4], 0)
        XCTAssertEqual(v[1], 0.4 / 0.6, accuracy: 1e-6)
        XCTAssertEqual(v[2], 0.2 / 0.6, accuracy: 1e-6, "a tie at the k-th value keeps the lower class")
        var r: [Float] = [0.123456, 0.876544]
        OutputPolicy.rounding(decimals: 2).apply(&r)
        XCTAssertEqual(r, [0.12, 0.88])
        var l: [Float] = [0.3, 0.35, 0.35]
        OutputPolicy.labelOnly.apply(&l)
        XCTAssertEqual(l, [0, 1, 0])
        // Temperature: softmax(log p / T), here T = 2: ∝ √p; zeros stay zero.
        var t: [Float] = [0.64, 0.36, 0]
        OutputPolicy.temperature(2).apply(&t)
        XCTAssertEqual(t[0], 0.8 / 1.4, accuracy: 1e-6)
        XCTAssertEqual(t[1], 0.6 / 1.4, accuracy: 1e-6)
        XCTAssertEqual(t[2], 0)
        XCTAssertThrowsError(try OutputDefense(try NeuralNetwork.mlp(hidden: [4], options: TrainingOptions()), policy: .temperature(0)))
    }

    /// An attack on the confidence p_y sees only 0/1 from a label-only release: its AUC is exactly
    /// the correctness attack's on the undefended model. Top-k with k = #classes changes
    /// nothing. Catches an attack that reads the model's own probabilities around the defense.
    func testAttacksSeeTheReleasedOutputs() throws {
        let all = try Synthetic.blobs(n: 400, features: 20, classes: 4, std: 15, seed: 3)
        let (train, test) = try all.split(.fraction(0.5), stratified: true, seed: 2)
        var o = TrainingOptions()
        o.epochs = 60
        o.learningRate = 0.1
        let m = try NeuralNetwork.mlp(hidden: [64], options: o)
        try m.fit(train)
        func auc(_ target: Classifier, _ signal: MembershipSignal) throws -> Double {
            var opts = MetricAttack.Options()
            opts.signal = signal
            return try opts.fit(target: target).evaluate(members: train, nonMembers: test).metrics.auc
        }
        let open = try auc(m, .confidence)
        XCTAssertGreaterThan(open, 0.6, "the target must leak for the test to mean anything")
        let labelOnly = try OutputDefense(m, policy: .labelOnly)
        XCTAssertEqual(try auc(labelOnly, .confidence), try auc(m, .correctness), accuracy: 1e-12)
        // Not asserted smaller than `open`: on this over-fitted target (train 1.0, test ≈ 0.62) the
        // correctness signal a label-only release leaves is as strong as the confidence (≈ 0.69 vs
        // 0.68) — the point of Choquette-Choo et al.'s label-only attacks.
        XCTAssertEqual(try auc(try OutputDefense(m, policy: .topK(4)), .confidence), open, accuracy: 0.005, "renormalising moves only the last bits")
        XCTAssertEqual(try labelOnly.predict(test.features), try m.predict(test.features), "predictions are the model's")
        XCTAssertThrowsError(try OutputDefense(m, policy: .topK(5)).releasedProbabilities(test.features)) {
            XCTAssertTrue("\($0)".contains("4 classes"))
        }
    }

    /// White-box access goes through the interface: a defended release exposes the wrapped
    /// network's gradients (an output defense does not hide parameters), a query-budgeted target is
    /// a black box and is refused. Catches a downcast that misses wrappers, or lets a budgeted
    /// target through.
    func testTheGradientAttackSeesThroughOutputDefensesButNotBudgets() throws {
        let ds = try Synthetic.blobs(n: 120, features: 5, classes: 3, std: 3, seed: 4)
        let m = try NeuralNetwork.mlp(hidden: [8], options: TrainingOptions())
        try m.fit(ds)
        let defended = try OutputDefense(m, policy: .labelOnly)
        XCTAssertEqual(try GradientAttack(target: defended, signal: .gradnorm).scores(ds),
                       try GradientAttack(target: m, signal: .gradnorm).scores(ds))
        XCTAssertThrowsError(try GradientAttack(target: try QueryBudgetedClassifier(m, budget: 10), signal: .gradnorm)) {
            XCTAssertTrue("\($0)".contains("gradient attack: the target must be"))
        }
    }
}
