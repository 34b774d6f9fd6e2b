import XCTest
import PrivLab

/// A release whose membership signal has a known shape, so which attack model is best is known:
/// `band` — members' true-class probability lies in one of two bands (0.45–0.55, 0.8–0.9),
/// non-members' between or around them (a linear function of the log-probabilities, a log p +
/// b log(1 − p) + …, has at most one bump: it cannot take two bands; thresholds can); `shift` —
/// the true-class log-probability is above −0.5 for members and below −0.6 for non-members, the
/// other entries noise (one threshold on one feature separates them: a linear model does as well
/// as any). The label is the arg max of the first `classes` features, which
/// the release always predicts, so only membership moves the vector. Every value is a function of
/// the record (its bits hashed), so shadows, target and evaluation agree.
final class MembershipShapeRelease: Classifier {
    enum Shape { case band, shift }
    let shape: Shape
    let classes: Int
    private var seen = Set<[Float]>()
    init(_ shape: Shape) {
        self.shape = shape
        classes = shape == .band ? 4 : 8   // shift: more uninformative features for a flexible model to over-fit
    }

    var summary: String { "membership-shape release (\(shape))" }
    var isFitted: Bool { true }
    var parameterCount: Int { 0 }
    var history: [EpochRecord] { [] }
    var releaseTemperature: Double { 1 }
    func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        seen = Set((0..<train.size).map { train.features.row($0) })
        return []
    }
    func fit(_ train: Dataset, validation: Dataset?, hooks: TrainingHooks, observer: TrainingObserver) throws -> [EpochRecord] {
        try fit(train, validation: validation, observer: observer)
    }
    static func label(_ row: [Float], classes: Int) -> Int { (0..<classes).max { row[$0] < row[$1] }! }

    func probabilities(_ row: [Float]) -> [Double] {
        var rng = RNG(seed: row.reduce(UInt64(17)) { ($0 ^ UInt64($1.bitPattern)) &* 0x9E3779B97F4A7C15 })
        let member = seen.contains(row), u = rng.uniform()
        let top: Double
        switch shape {
        case .band:
            top = member ? (u < 0.5 ? 0.45 + 0.2 * u : 0.7 + 0.2 * u)
                         : (u < 1.0 / 3 ? 0.3 + 0.36 * u : u < 2.0 / 3 ? 0.58 + 0.51 * (u - 1.0 / 3) : 0.93 + 0.18 * (u - 2.0 / 3))
        case .shift: top = exp(member ? -0.5 + 0.4 * u : -2.6 + 2 * u)
        }
        let c = Self.label(row, classes: classes)
        let w = (0..<classes).map { _ in 0.5 + rng.uniform() }   // the rest of the mass, spread at random
        let rest = w.enumerated().filter { $0.offset != c }.reduce(0) { $0 + $1.element }
        return (0..<classes).map { $0 == c ? top : (1 - top) * w[$0] / rest }
    }
    func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix {
        try Matrix((0..<x.rows).map { probabilities(x.row($0)).map(Float.init) })
    }
    func logits(_ x: Matrix) throws -> Matrix {
        try Matrix((0..<x.rows).map { probabilities(x.row($0)).map { Float(log($0)) } })
    }
    func predict(_ x: Matrix) throws -> [Int] { (0..<x.rows).map { Self.label(x.row($0), classes: classes) } }
    func accuracy(_ ds: Dataset) throws -> Double { try Metrics.accuracy(ds.labels, predict(ds.features)) }
    func perRecordLoss(_ ds: Dataset) throws -> [Double] { (0..<ds.size).map { -log(probabilities(ds.features.row($0))[ds.labels[$0]]) } }
    func cloneUntrained() throws -> Classifier { MembershipShapeRelease(shape) }
    func reseededClone(seed: UInt64) throws -> Classifier { MembershipShapeRelease(shape) }
}

/// A target that counts every query made to it; its copies (the shadows) are not counted.
final class CountingTarget: Classifier, WhiteBoxModel {
    let inner: Classifier
    private(set) var calls = 0
    init(_ inner: Classifier) { self.inner = inner }
    var summary: String { inner.summary }
    var isFitted: Bool { inner.isFitted }
    var parameterCount: Int { inner.parameterCount }
    var history: [EpochRecord] { inner.history }
    var releaseTemperature: Double { inner.releaseTemperature }
    var whiteBox: WhiteBoxModel? { inner.whiteBox == nil ? nil : self }
    func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        try inner.fit(train, validation: validation, observer: observer)
    }
    func fit(_ train: Dataset, validation: Dataset?, hooks: TrainingHooks, observer: TrainingObserver) throws -> [EpochRecord] {
        try inner.requireHooks().fit(train, validation: validation, hooks: hooks, observer: observer)
    }
    func logits(_ x: Matrix) throws -> Matrix { calls += x.rows; return try inner.logits(x) }
    func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix { calls += x.rows; return try inner.predictProba(x, temperature: temperature) }
    func predict(_ x: Matrix) throws -> [Int] { calls += x.rows; return try inner.predict(x) }
    func accuracy(_ ds: Dataset) throws -> Double { calls += ds.size; return try inner.accuracy(ds) }
    func perRecordLoss(_ ds: Dataset) throws -> [Double] { calls += ds.size; return try inner.perRecordLoss(ds) }
    func releasedProbabilities(_ x: Matrix) throws -> Matrix { calls += x.rows; return try inner.releasedProbabilities(x) }
    func releasedLogits(_ x: Matrix) throws -> Matrix { calls += x.rows; return try inner.releasedLogits(x) }
    func cloneUntrained() throws -> Classifier { try inner.cloneUntrained() }
    func reseededClone(seed: UInt64) throws -> Classifier { try inner.reseededClone(seed: seed) }
    func perRecordGradientNorms(_ ds: Dataset) throws -> [Double] { calls += ds.size; return try inner.requireWhiteBox("test").perRecordGradientNorms(ds) }
    func parameterVector() throws -> [Float] { try inner.requireParameters().parameterVector() }
    func inputWeightPositions(feature: Int) -> [Int]? { inner.whiteBox?.inputWeightPositions(feature: feature) }
}

final class AttackModelSelectionTests: XCTestCase {
    /// Records with labels by the arg max of their first features (as many as the shape's classes): members, attacker data, non-members.
    func population(_ shape: MembershipShapeRelease.Shape, seed: UInt64 = 5) throws -> (members: Dataset, attacker: Dataset, nonMembers: Dataset) {
        var rng = RNG(seed: seed)
        let rows = (0..<2400).map { _ in (0..<10).map { _ in Float(rng.normal()) } }
        let k = MembershipShapeRelease(shape).classes
        let ds = try Dataset(features: try Matrix(rows), labels: rows.map { MembershipShapeRelease.label($0, classes: k) }, classes: k, name: "shape")
        let (rest, members) = try ds.split(.count(200), stratified: false, seed: 1)
        let (attacker, nonMembers) = try rest.split(.count(200), stratified: false, seed: 2)
        return (members, attacker, nonMembers)
    }

    func attack(_ shape: MembershipShapeRelease.Shape, _ selection: AttackModelSelection, workers: Int = 2, shadows: Int = 4,
                shadowSize: Int? = nil, target: Classifier? = nil) throws -> (ShadowModelAttack, Double) {
        let p = try population(shape)
        let t = target ?? MembershipShapeRelease(shape)
        if target == nil { try t.fit(p.members) }
        var o = ShadowModelAttack.Options()
        o.shadows = shadows
        o.attackModel = selection
        o.workers = workers
        o.shadowSize = shadowSize
        let a = try o.fit(target: t, inputs: AttackInputs(data: p.attacker, targetTrainingSize: 200))
        return (a, try a.evaluate(members: p.members, nonMembers: p.nonMembers).metrics.auc)
    }

    /// A non-monotone signal: boosting beats logistic clearly on the target, and auto, which sees
    /// only shadows, picks boosting and reaches its AUC.
    func testAutoPicksBoostingWhereThresholdsWin() throws {
        let (_, logistic) = try attack(.band, .logistic(l2: 1e-4))
        let (_, boosting) = try attack(.band, .boostedTrees(stages: 100, depth: 3))
        XCTAssertGreaterThan(boosting, logistic + 0.1, "the bands need thresholds (boosting \(boosting), logistic \(logistic))")
        let (a, auto) = try attack(.band, .auto(AttackModelSearch()))
        let r = try XCTUnwrap(a.attackModelReport)
        XCTAssertTrue(r.automatic)
        XCTAssertEqual(r.candidates.count, 12, "3 models × per class or global × 2 feature forms")
        XCTAssertEqual(r.chosen.model, .boostedTrees(stages: 100, depth: 3), "chosen: \(r.chosen.name)")
        XCTAssertEqual(r.chosen, r.candidates.max { $0.heldOutAUC < $1.heldOutAUC }!.configuration)
        XCTAssertGreaterThan(auto, logistic + 0.1)
        XCTAssertEqual(r.validation, "1 of 4 shadows held out")
    }

    /// Members and non-members apart on one feature: logistic regression separates them as well
    /// as any candidate, and ties go to the simplest model, so auto picks logistic regression
    /// (with few shadow records — 8 shadows of 30 in + 30 out — the others have only noise to add).
    func testAutoPicksLogisticWhereItIsAsGoodAsAny() throws {
        let (a, auto) = try attack(.shift, .auto(AttackModelSearch()), shadows: 8, shadowSize: 30)
        let r = try XCTUnwrap(a.attackModelReport)
        XCTAssertEqual(r.chosen.model, .logistic(l2: 1e-4), "chosen: \(r.chosen.name), \(r.candidates.map { "\($0.configuration.name) \($0.heldOutAUC)" })")
        XCTAssertEqual(r.validation, "2 of 8 shadows held out")
        XCTAssertEqual(r.candidates[0].heldOutAUC, r.candidates.map(\.heldOutAUC).max()!, "logistic is among the best on held-out shadows")
        let (_, boosting) = try attack(.shift, .boostedTrees(stages: 100, depth: 3), shadows: 8, shadowSize: 30)
        XCTAssertGreaterThanOrEqual(auto, boosting)
        XCTAssertGreaterThan(auto, 0.99)
    }

    /// The choice is made on shadows only: the target answers no query until records are scored,
    /// and then one per record, in the chosen form only.
    func testTheTargetIsNotQueriedToChoose() throws {
        let p = try population(.band)
        let inner = MembershipShapeRelease(.band)
        try inner.fit(p.members)
        let counted = CountingTarget(inner)
        let (a, _) = try attack(.band, .auto(AttackModelSearch()), target: counted)
        XCTAssertEqual(counted.calls, 400, "only the evaluation's 200 + 200 records are queried")
        XCTAssertEqual(a.queries, 400)
        let b = try ShadowModelAttack.Options().fit(target: counted, inputs: AttackInputs(data: p.attacker, targetTrainingSize: 200))
        XCTAssertEqual(counted.calls, 400, "fitting the default (auto) attack queries nothing")
        _ = try b.scores(p.members)
        XCTAssertEqual(counted.calls, 600)
    }

    /// The same choice, candidates' AUCs and scores for one worker or two; a single shadow holds
    /// out half its records; without refit the report says so.
    func testDeterministicAndTheSingleShadowAndRefitSettings() throws {
        let (a1, auc1) = try attack(.band, .auto(AttackModelSearch()), workers: 1)
        let (a2, auc2) = try attack(.band, .auto(AttackModelSearch()), workers: 2)
        XCTAssertEqual(auc1, auc2)
        XCTAssertEqual(a1.attackModelReport!.candidates.map(\.heldOutAUC), a2.attackModelReport!.candidates.map(\.heldOutAUC))
        let (single, _) = try attack(.band, .auto(AttackModelSearch()), shadows: 1)
        XCTAssertEqual(single.attackModelReport!.validation, "half of the single shadow's ins and outs held out")
        var s = AttackModelSearch()
        s.refit = false
        s.models = [.logistic(l2: 1e-4)]
        s.perClass = [false]
        let (kept, _) = try attack(.band, .auto(s))
        XCTAssertFalse(kept.attackModelReport!.refitted)
        XCTAssertEqual(kept.attackModelReport!.candidates.count, 2)
        s.holdout = 1
        XCTAssertThrowsError(try attack(.band, .auto(s)))
    }
}
