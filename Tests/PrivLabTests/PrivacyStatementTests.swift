import Foundation
import XCTest
import PrivLab

/// Every private thing answers `privacy` with one statement: its events listed in plain words and
/// ε composed as the mechanism requires (DP-SGD phases in turn, DP-PCA then DP-SGD in a pipeline,
/// SISA shards in parallel, PATE's two bounds, a pure-ε regression), and accountant settings reach
/// the accountant.
final class PrivacyStatementTests: XCTestCase {
    func data() throws -> Dataset { try Synthetic.blobs(n: 240, features: 5, classes: 3, std: 2, seed: 6) }

    func privateMLP(noise: Double = 1.1, epochs: Int = 2, accountant: AccountantKind = .rdp,
                    settings: AccountantSettings? = nil) throws -> NeuralNetwork {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 40
        var dp = DPOptions()
        dp.noise = noise
        dp.accountant = accountant
        dp.accountantSettings = settings
        o.dp = dp
        return try NeuralNetwork.mlp(hidden: [8], options: o)
    }

    /// DP-SGD: one run states its phase; continuing a private model privately composes both runs
    /// (ε of the two phases together, more than either alone).
    func testDPSGDPhasesCompose() throws {
        let ds = try data()
        let net = try privateMLP()
        try net.fit(ds)
        let first = try XCTUnwrap(net.privacy)
        let q = 40.0 / 240, steps = 2 * 6
        XCTAssertEqual(first.epsilon, try RDPAccountant().epsilon([PrivacyPhase(sampleRate: q, noise: 1.1, steps: steps)], delta: 1e-5))
        XCTAssertEqual(first.events.count, 1)
        var more = DPOptions()
        more.noise = 2
        let (tuned, _) = try net.fineTune(ds, dp: more, observer: TrainingObserver())
        let both = try XCTUnwrap(tuned.privacy)
        let expected = try RDPAccountant().epsilon([PrivacyPhase(sampleRate: q, noise: 1.1, steps: steps),
                                                    PrivacyPhase(sampleRate: q, noise: 2, steps: steps)], delta: 1e-5)
        XCTAssertEqual(both.epsilon, expected, accuracy: 1e-12)
        XCTAssertGreaterThan(both.epsilon, first.epsilon)
        XCTAssertEqual(both.events.count, 2, "\(both.events)")
        XCTAssertTrue(both.events[1].contains("σ = 2"), "\(both.events)")
        XCTAssertNil(both.note, "private runs only: nothing to caveat")

        // Private fine-tuning after training without DP: the earlier epochs are not counted, and
        // the statement says so (it holds only if they were public records).
        var plain = TrainingOptions()
        (plain.epochs, plain.batchSize, plain.seed) = (2, 40, 3)
        let pretrained = try NeuralNetwork.mlp(hidden: [8], options: plain)
        try pretrained.fit(ds)
        let (privatelyTuned, _) = try pretrained.fineTune(ds, dp: more, observer: TrainingObserver())
        let caveated = try XCTUnwrap(privatelyTuned.privacy)
        XCTAssertEqual(caveated.events.count, 1)
        XCTAssertTrue(caveated.note?.contains("continues 2 epochs of training without DP") == true, "\(caveated.notes)")
    }

    /// A pipeline with DP-PCA and a DP-SGD model states their composition (the PCA's Gaussian
    /// mechanism, then the training), accounted by the model's accountant — more than the model
    /// alone; a pipeline without private steps states the model's statement unchanged.
    func testPipelineComposesDPPCAWithDPSGD() throws {
        let ds = try data()
        let pca = try PCA(components: 3, dp: .init(epsilon: 0.5, delta: 1e-5, clip: 4, seed: 1))
        let pipe = Pipeline(steps: [pca], model: try privateMLP())
        try pipe.fit(ds)
        let s = try XCTUnwrap(pipe.privacy)
        let model = try XCTUnwrap(pipe.model.privacy)
        XCTAssertEqual(s.events.count, 2, "\(s.events)")
        XCTAssertTrue(s.events[0].hasPrefix("Gaussian mechanism"), "\(s.events)")
        let multiplier = (2 * log(1.25 / 1e-5)).squareRoot() / 0.5
        let event = PrivacyEvent.composed([.gaussian(noise: multiplier, sensitivity: 16), model.event])
        XCTAssertEqual(s.epsilon, try RDPAccountant().epsilon(event, delta: 1e-5))
        XCTAssertGreaterThan(s.epsilon, model.epsilon)
        XCTAssertEqual(s.accountant, .rdp)
        let rounded = Pipeline(steps: [try Rounding(step: 0.5)], model: try privateMLP())
        try rounded.fit(ds)
        XCTAssertEqual(rounded.privacy, rounded.model.privacy, "a step that learns none of the records' values costs nothing")
    }

    /// A part that learnt from the training data without noise — a plain PCA's directions, a
    /// z-score scaler's means, a model trained without DP — releases those data through every
    /// prediction: the pipeline states ε = ∞ and says which part, with the private parts' own ε in
    /// the note. Nothing private at all: no statement.
    func testNonPrivateFitsLeaveThePipelineWithoutAGuarantee() throws {
        let ds = try data()
        let dpPCA = { try PCA(components: 3, dp: .init(epsilon: 0.5, delta: 1e-5, clip: 4, seed: 1)) }
        for (steps, what) in [([try PCA(components: 3)] as [any Transformer], "PCA"),
                              ([Scaler(kind: .zscore), try dpPCA()], "zscore"),
                              ([FeatureUnion(parts: [try dpPCA(), try SelectKBest(k: 2)])], "SelectKBest")] {
            let pipe = Pipeline(steps: steps, model: try privateMLP())
            try pipe.fit(ds)
            let s = try XCTUnwrap(pipe.privacy, what)
            XCTAssertEqual(s.epsilon, .infinity, what)
            XCTAssertTrue(s.note?.contains("no guarantee") == true && s.note?.contains(what) == true, "\(s.notes)")
            XCTAssertEqual(s.events.last, try XCTUnwrap(pipe.model.privacy).events.last, "\(what): the private parts' events are listed")
        }
        let nonPrivateModel = Pipeline(steps: [try dpPCA()], model: try NeuralNetwork.mlp(hidden: [8], options: TrainingOptions()))
        try nonPrivateModel.fit(ds)
        let s = try XCTUnwrap(nonPrivateModel.privacy)
        XCTAssertEqual(s.epsilon, .infinity, "the model saw the data without privacy")
        XCTAssertTrue(s.events[0].hasPrefix("Gaussian mechanism"), "\(s.events)")
        XCTAssertTrue(s.note?.contains("ε = 0.5") == true, "\(s.notes)")
        let nothing = Pipeline(steps: [Scaler(kind: .zscore)], model: try NeuralNetwork.mlp(hidden: [8], options: TrainingOptions()))
        try nothing.fit(ds)
        XCTAssertNil(nothing.privacy)
    }

    /// Parallel composition bounds each ε shard by shard: the data-dependent ε is the largest
    /// shard's, not that of the shard with the largest data-independent ε.
    func testParallelCompositionTakesEachBoundsMaximum() throws {
        let a = PrivacyStatement(epsilon: 5, delta: 1e-5, accountant: .rdp, event: .gaussian(noise: 1, sensitivity: 1), dataDependentEpsilon: 1)
        let b = PrivacyStatement(epsilon: 4, delta: 1e-5, accountant: .rdp, event: .gaussian(noise: 1.2, sensitivity: 1), dataDependentEpsilon: 3)
        let s = try XCTUnwrap(PrivacyStatement.parallel([a, b], note: "shards"))
        XCTAssertEqual(s.epsilon, 5)
        XCTAssertEqual(s.dataDependentEpsilon, 3)
        XCTAssertNil(PrivacyStatement.parallel([a, nil], note: "shards")?.dataDependentEpsilon, "a shard without privacy: no bound")
    }

    /// SISA: shards are disjoint, so the ensemble costs its worst shard's ε — the maximum, not the
    /// sum — and lists every shard.
    func testSISAIsTheMaximumOverShardsNotTheSum() throws {
        var o = SISAOptions()
        o.shards = 3
        o.slices = 1
        o.seed = 4
        let e = try SISAEnsemble(options: o, model: try privateMLP())
        let ds = try data()
        try e.fit(ds)
        let s = try XCTUnwrap(e.privacy)
        let shards = try e.shardSizes.map { size in
            try RDPAccountant().epsilon([PrivacyPhase(sampleRate: 40 / Double(size), noise: 1.1, steps: 2 * Int((Double(size) / 40).rounded(.up)))], delta: 1e-5)
        }
        XCTAssertEqual(s.epsilon, shards.max()!, accuracy: 1e-12)
        XCTAssertLessThan(s.epsilon, shards.reduce(0, +))
        guard case .parallel(let parts) = s.event else { return XCTFail("not parallel: \(s.event)") }
        XCTAssertEqual(parts.count, 3)
    }

    /// PATE: the statement's ε is the data-independent bound, its data-dependent ε rides along,
    /// both equal to `PATEAnalysis`'s and — at this δ — to the paper's classic conversion
    /// ε = min over α of RDP(α) − log δ/(α − 1) computed directly, bit for bit.
    func testPATEStatesBothEpsilons() throws {
        let queries = (0..<30).map { (i: Int) -> PATEQuery in
            let top = Double(7 + i % 4)
            return PATEQuery(votes: [top, 10 - top, 0], answered: i % 5 != 0)
        }
        let aggregator = PATEAggregator.confident(threshold: 6, thresholdSigma: 2, sigma: 1)
        let s = try PATEAnalysis.statement(queries, aggregator: aggregator, delta: 1e-5)
        let a = try PATEAnalysis.privacy(queries, aggregator: aggregator, delta: 1e-5)
        XCTAssertEqual(s.epsilon, a.dataIndependentEpsilon)
        XCTAssertEqual(s.dataDependentEpsilon, a.dataDependentEpsilon)
        XCTAssertLessThan(a.dataDependentEpsilon, a.dataIndependentEpsilon)
        func classic(_ curve: [Double]) -> Double {
            zip(PATEAnalysis.orders, curve).map { $1 - log(1e-5) / ($0 - 1) }.min()!
        }
        let independent = PATEAnalysis.dataIndependentCurve(queries: 30, answered: 24, aggregator: aggregator, orders: PATEAnalysis.orders)
        XCTAssertEqual(s.epsilon.bitPattern, classic(independent).bitPattern)
        XCTAssertEqual(s.accountant, .rdp)
        XCTAssertTrue(s.events[0].contains("30 queries (24 answered)"), "\(s.events)")
    }

    /// Output-perturbed logistic regression: a pure ε release, δ = 0, no accountant, no sampling.
    func testOutputPerturbationIsAPureRelease() throws {
        var o = LogisticRegression.Options()
        o.dp = .init(epsilon: 1.5, clip: 1, seed: 3)
        let m = try LogisticRegression(options: o)
        try m.fit(try data())
        let s = try XCTUnwrap(m.privacy)
        XCTAssertEqual(s.epsilon, 1.5)
        XCTAssertEqual(s.delta, 0)
        XCTAssertNil(s.accountant)
        XCTAssertNil(s.event.lastDPSGDPhase)
        XCTAssertTrue(s.events[0].hasPrefix("output perturbation"), "\(s.events)")
    }

    /// Accountant settings reach the accountant: a PLD discretization given in the DP options
    /// changes ε exactly as the accountant built with it; settings it does not declare are refused.
    func testAccountantSettingsReachTheAccountant() throws {
        let ds = try data()
        let coarse = AccountantSettings(["discretization": .number(0.02)])
        let net = try privateMLP(accountant: .pld, settings: coarse)
        try net.fit(ds)
        let phases = [PrivacyPhase(sampleRate: 40.0 / 240, noise: 1.1, steps: 12)]
        XCTAssertEqual(net.privacy?.epsilon, try PLDAccountant(discretization: 0.02).epsilon(phases, delta: 1e-5))
        XCTAssertNotEqual(net.privacy?.epsilon, try PLDAccountant().epsilon(phases, delta: 1e-5))
        XCTAssertEqual(AccountantKind.pld.options.map(\.name), ["discretization"])
        XCTAssertEqual(AccountantKind.rdp.options.map(\.name), ["orders", "conversion"])
        XCTAssertThrowsError(try AccountantKind.pld.make(settings: AccountantSettings(["orders": .numbers([2, 3])]))) {
            XCTAssertTrue("\($0)".contains("the pld accountant has no setting 'orders'"), "\($0)")
        }
        XCTAssertThrowsError(try AccountantKind.pld.make(settings: AccountantSettings(["discretization": .number(0.5)]))) {
            XCTAssertTrue("\($0)".contains("'discretization' must be in (0, 0.1]"), "\($0)")
        }
        let classic = try AccountantKind.rdp.make(settings: AccountantSettings(["conversion": .choice("classic")]))
        XCTAssertEqual(try classic.epsilon(phases, delta: 1e-5), try RDPAccountant(conversion: .classic).epsilon(phases, delta: 1e-5))
    }
}
