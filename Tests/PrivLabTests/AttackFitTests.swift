import Foundation
@testable import PrivLab
import XCTest

/// Counts the models trained from one architecture: every re-seeded copy shares the counter, so a
/// test sees how many shadow (or reference) models an attack trained and when.
final class TrainingCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    var fits: Int { lock.lock(); defer { lock.unlock() }; return n }
    func add() { lock.lock(); n += 1; lock.unlock() }
}

/// A model that counts its `fit` calls (and its copies') in a shared counter.
final class CountingModel: Classifier {
    let inner: Classifier
    let counter: TrainingCounter
    init(_ inner: Classifier, _ counter: TrainingCounter) {
        self.inner = inner
        self.counter = counter
    }
    var summary: String { inner.summary }
    var isFitted: Bool { inner.isFitted }
    var parameterCount: Int { inner.parameterCount }
    var history: [EpochRecord] { inner.history }
    var releaseTemperature: Double { inner.releaseTemperature }
    func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        counter.add()
        return try inner.fit(train, validation: validation, observer: observer)
    }
    func logits(_ x: Matrix) throws -> Matrix { try inner.logits(x) }
    func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix { try inner.predictProba(x, temperature: temperature) }
    func predict(_ x: Matrix) throws -> [Int] { try inner.predict(x) }
    func accuracy(_ ds: Dataset) throws -> Double { try inner.accuracy(ds) }
    func perRecordLoss(_ ds: Dataset) throws -> [Double] { try inner.perRecordLoss(ds) }
    func cloneUntrained() throws -> Classifier { CountingModel(try inner.cloneUntrained(), counter) }
    func reseededClone(seed: UInt64) throws -> Classifier { CountingModel(try inner.reseededClone(seed: seed), counter) }
}

/// A target that only predicts: no training, no architecture, no weights (a remote API).
final class PredictOnly: Predictor {
    let inner: Predictor
    init(_ inner: Predictor) { self.inner = inner }
    var summary: String { "remote \(inner.summary)" }
    var isFitted: Bool { inner.isFitted }
    var parameterCount: Int { inner.parameterCount }
    var releaseTemperature: Double { inner.releaseTemperature }
    func logits(_ x: Matrix) throws -> Matrix { try inner.logits(x) }
    func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix { try inner.predictProba(x, temperature: temperature) }
    func predict(_ x: Matrix) throws -> [Int] { try inner.predict(x) }
    func accuracy(_ ds: Dataset) throws -> Double { try inner.accuracy(ds) }
    func perRecordLoss(_ ds: Dataset) throws -> [Double] { try inner.perRecordLoss(ds) }
}

/// Configuration separate from fitting (issue 27): an attack's options fit against any number of
/// targets, each fit trains what the attack needs and returns an independent fitted attack, and a
/// fitted attack trains nothing more when it scores (offline) — its initialiser only stores.
final class AttackFitTests: XCTestCase {
    func shadowModel(_ counter: TrainingCounter, epochs: Int = 30) throws -> CountingModel {
        CountingModel(try LeakyPopulation.mlp(epochs: epochs, seed: 9), counter)
    }

    func targets() throws -> (t1: NeuralNetwork, t2: NeuralNetwork, p: (members: Dataset, others: Dataset, nonMembers: Dataset)) {
        let p = try LeakyPopulation.split()
        let t1 = try LeakyPopulation.mlp(epochs: 60, seed: 1), t2 = try LeakyPopulation.mlp(epochs: 60, seed: 2)
        try t1.fit(p.members)
        try t2.fit(p.members.rows(Array(0..<100)))
        return (t1, t2, p)
    }

    /// One configuration, two targets: two fitted attacks, each bound to its target and scoring
    /// as a fit against that target alone would — fitting against the second target changes
    /// nothing of the first fitted attack (the configuration holds no fitted state).
    func testOneConfigurationFitsTwoTargetsIndependently() throws {
        let (t1, t2, p) = try targets()
        var metric = MetricAttack.Options()
        metric.classWise = true
        var lira = LiRA.Options()
        (lira.shadows, lira.online) = (2, false)
        let data = p.others.rows(Array(0..<120))
        let m1 = try metric.fit(target: t1, data: data)
        let m1Scores = try m1.scores(p.nonMembers)
        let m2 = try metric.fit(target: t2, data: data)
        XCTAssertTrue(m1.target === t1)
        XCTAssertTrue(m2.target === t2)
        XCTAssertNotEqual(try m2.scores(p.nonMembers), m1Scores, "the second fit attacks the second target")
        XCTAssertEqual(try m1.scores(p.nonMembers), m1Scores, "the first fitted attack is unchanged by the second fit")
        XCTAssertEqual(try metric.fit(target: t1, data: data).scores(p.nonMembers), m1Scores, "a refit reproduces it")
        let l1 = try lira.fit(target: t1, data: data), l2 = try lira.fit(target: t2, data: data)
        XCTAssertNotEqual(try l1.scores(p.nonMembers), try l2.scores(p.nonMembers))
        XCTAssertEqual(l1.queries, p.nonMembers.size, "each fitted attack counts its own queries")
    }

    /// The training happens in `fit`: offline LiRA and RMIA, the shadow attack and the calibrated
    /// metric attack have trained all their shadow models when `fit` returns and train none when
    /// scoring; online LiRA trains nothing in `fit` (its shadows need the candidates) and its
    /// shadows when it scores.
    func testFitTrainsAndScoringOfflineTrainsNothing() throws {
        let (t1, _, p) = try targets()
        let data = p.others.rows(Array(0..<120)), candidates = p.nonMembers.rows(Array(0..<40))
        func check<C: AttackConfiguration>(_ name: String, _ config: C, shadows: Int, online: Bool = false) throws {
            let counter = TrainingCounter()
            let a = try config.fit(target: t1, inputs: AttackInputs(data: data, shadowModel: try shadowModel(counter, epochs: 5)))
            XCTAssertEqual(counter.fits, online ? 0 : shadows, "\(name): shadows trained by fit")
            _ = try a.scores(candidates)
            XCTAssertEqual(counter.fits, shadows, "\(name): after scoring")
            _ = try a.scores(candidates)
            XCTAssertEqual(counter.fits, online ? 2 * shadows : shadows, "\(name): online shadows retrain per scoring, offline ones never")
        }
        var lira = LiRA.Options()
        (lira.shadows, lira.online) = (3, false)
        try check("offline LiRA", lira, shadows: 3)
        lira.online = true
        try check("online LiRA", lira, shadows: 3, online: true)
        var rmia = RMIA.Options()
        rmia.references = 2
        try check("offline RMIA", rmia, shadows: 2)
        var shadow = ShadowModelAttack.Options()
        (shadow.shadows, shadow.attackModel) = (2, .fixed(.logistic(l2: 1e-4)))
        try check("shadow", shadow, shadows: 2)
        var metric = MetricAttack.Options()
        metric.shadows = 2
        try check("metric", metric, shadows: 2)
    }

    /// A query-budgeted target only predicts: attacks that train shadows copy its architecture
    /// (untrained copies, no budget spent) and score as against the bare target, spending the
    /// budget on the candidates only; attacks needing weights refuse it.
    func testBudgetedTargetRevealsItsArchitectureButNoWeights() throws {
        let (t1, _, p) = try targets()
        let data = p.others.rows(Array(0..<120))
        let budgeted = try QueryBudgetedClassifier(t1, budget: 100)
        XCTAssertFalse((budgeted as Predictor) is Classifier, "an attacker cannot retrain the target")
        var metric = MetricAttack.Options()
        metric.shadows = 2
        let a = try metric.fit(target: budgeted, data: data)
        XCTAssertEqual(budgeted.used, 0, "shadow models are the attacker's own: no query")
        XCTAssertEqual(try a.scores(p.nonMembers.rows(Array(0..<60))), try metric.fit(target: t1, data: data).scores(p.nonMembers.rows(Array(0..<60))))
        XCTAssertEqual(budgeted.used, 60)
        XCTAssertEqual(a.statedThreatModel["query budget"], "60 of 100 records queried")
        XCTAssertThrowsError(try a.scores(p.nonMembers.rows(Array(0..<60)))) { XCTAssertTrue("\($0)".contains("query budget exhausted"), "\($0)") }
        XCTAssertThrowsError(try ReleasedLayersAttack.Options().fit(target: budgeted, data: data)) {
            XCTAssertTrue("\($0)".contains("must be a network"), "\($0)")
        }
        XCTAssertThrowsError(try GradientAttack.Options().fit(target: budgeted, inputs: AttackInputs()))
    }

    /// A target that reveals no architecture needs the attacker's guess; inputs an attack does
    /// not use are refused by name rather than ignored.
    func testArchitectureAndInputsAreExplicit() throws {
        let (t1, _, p) = try targets()
        let data = p.others.rows(Array(0..<120))
        let remote = PredictOnly(t1)
        var shadow = ShadowModelAttack.Options()
        (shadow.shadows, shadow.attackModel) = (2, .fixed(.logistic(l2: 1e-4)))
        XCTAssertThrowsError(try shadow.fit(target: remote, data: data)) {
            XCTAssertTrue("\($0)".contains("does not reveal its architecture"), "\($0)")
        }
        let counter = TrainingCounter()
        let guessed = try shadow.fit(target: remote, inputs: AttackInputs(data: data, shadowModel: try shadowModel(counter, epochs: 5)))
        XCTAssertEqual(counter.fits, 2)
        XCTAssertTrue(guessed.threatModel["architecture"]!.hasPrefix("guessed"))
        let signal = MetricAttack.CustomSignal(name: "one") { _, y in y.map { _ in 1 } }
        XCTAssertThrowsError(try LiRA.Options().fit(target: t1, inputs: AttackInputs(data: data, signal: signal))) {
            XCTAssertTrue("\($0)".contains("custom signal does not apply"), "\($0)")
        }
        XCTAssertThrowsError(try ReleasedLayersAttack.Options().fit(target: t1, inputs: AttackInputs(data: data, shadowModel: t1))) {
            XCTAssertTrue("\($0)".contains("shadow model does not apply"), "\($0)")
        }
        XCTAssertEqual(try MetricAttack.Options().fit(target: t1, inputs: AttackInputs(signal: signal)).name, "metric (one)")
    }
}
