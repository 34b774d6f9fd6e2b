import Foundation
import XCTest
import PrivLab

/// Each training-time defense against the attack it claims to stop, on a target known to leak:
/// 200 members of a noisy 4-class problem, an MLP trained to memorise them (the loss attack's AUC
/// is above 0.7 undefended, see MembershipInferenceTests). A defense must bring the AUC near 0.5
/// (200 + 200 records: one null standard deviation is ≈ 0.029) while keeping accuracy, and its
/// mechanics are checked exactly (who answers which query, what the analysis charged).
final class DefenseTests: XCTestCase {
    struct Population { var members: Dataset; var reference: Dataset; var nonMembers: Dataset }

    func population() throws -> Population {
        let p = try LeakyPopulation.split()
        return Population(members: p.members, reference: p.others, nonMembers: p.nonMembers)
    }

    func model(epochs: Int = 150, seed: UInt64 = 1) throws -> NeuralNetwork { try LeakyPopulation.mlp(epochs: epochs, seed: seed) }

    func lossAUC(_ target: Classifier, _ p: Population) throws -> Double {
        try MetricAttack.Options().fit(target: target).evaluate(members: p.members, nonMembers: p.nonMembers).metrics.auc
    }

    /// The undefended baseline every defense is compared with.
    func baseline(_ p: Population) throws -> (auc: Double, accuracy: Double) {
        let m = try model()
        try m.fit(p.members)
        return (try lossAUC(m, p), try m.accuracy(p.nonMembers))
    }

    /// DMP leaves the released model only what the teacher's soft labels on other records carry.
    /// What the student is trained on, recorded as it arrives: exactly the kept reference records
    /// (the 300 whose softmax(z/T) has the lowest entropy, ties by row, recomputed here in Double
    /// from the teacher's logits) with the teacher's softmax(z/T) as their targets, to Float
    /// rounding — and no private record. Catches soft labels at temperature 1 instead of T, the
    /// highest-entropy half kept, targets attached to the wrong record, and private records in
    /// the transfer set. The AUC falls well below the undefended target's at the same accuracy
    /// (measured ≈ 0.75 → ≈ 0.58; not 0.5, since reference records near a member inherit its label),
    /// and a control pins where the rest comes from: with a teacher trained on other records the
    /// same pipeline's AUC is 0.5 within four null standard deviations.
    func testDMPStopsTheLossAttackAtLittleCostInAccuracy() throws {
        let p = try population()
        let base = try baseline(p)
        XCTAssertGreaterThan(base.auc, 0.7, "the undefended target leaks")
        var o = DMPOptions()
        o.temperature = 2
        o.keep = 0.5
        let seen = StudentRecorder()
        let dmp = try DMP(teacher: try model(), student: RecordingStudent(try model(epochs: 40), seen), reference: p.reference, options: o)
        try dmp.fit(p.members)

        let z = try XCTUnwrap(dmp.teacher).logits(p.reference.features)
        let soft: [[Double]] = (0..<z.rows).map { r in
            let row = z.row(r).map { Double($0) / 2 }
            let m = row.max()!, e = row.map { exp($0 - m) }, s = e.reduce(0, +)
            return e.map { $0 / s }
        }
        let entropy = soft.map { row in -row.reduce(0.0) { $0 + ($1 > 0 ? $1 * log($1) : 0) } }
        let kept = (0..<soft.count).sorted { entropy[$0] != entropy[$1] ? entropy[$0] < entropy[$1] : $0 < $1 }.prefix(300).sorted()
        XCTAssertEqual(seen.trainIds, kept.map { p.reference.ids[$0] }, "the student trains on the kept reference records, in order")
        XCTAssertEqual(seen.targets?.count, 300)
        for r in kept {
            let got = try XCTUnwrap(seen.targets?[p.reference.ids[r]], "reference row \(r)")
            for (a, b) in zip(got, soft[r]) { XCTAssertEqual(Double(a), b, accuracy: 1e-6, "reference row \(r)") }
        }
        XCTAssertTrue(Set(seen.trainIds).isDisjoint(with: p.members.ids), "no private record reaches the student")

        let auc = try lossAUC(dmp, p)
        let acc = try dmp.accuracy(p.nonMembers)
        XCTAssertLessThan(auc, base.auc - 0.12)
        XCTAssertGreaterThan(acc, base.accuracy - 0.05)
        XCTAssertEqual(dmp.defenseReport?["kept"], .integer(300), "the lower-entropy half of 600 reference records")
        XCTAssertTrue(dmp.isWhiteBox, "the distilled model is released")

        let (reference, others) = try p.reference.split(.count(300), stratified: false, seed: 9)
        let control = try DMP(teacher: try model(), student: try model(epochs: 40), reference: reference, options: o)
        try control.fit(others)
        XCTAssertEqual(try lossAUC(control, p), 0.5, accuracy: 4 * (401.0 / (12 * 200 * 200)).squareRoot())
    }

    /// Bad input: a reference set holding private records, a student that cannot learn soft labels,
    /// options out of range — each an error naming what is wrong.
    func testDMPRejectsWhatItCannotDefend() throws {
        let p = try population()
        // The reference set plus one private record (private row 6).
        let leaky = try Dataset(features: try Matrix(rows: 601, cols: 30, data: p.reference.features.data + p.members.features.row(5)),
                                labels: p.reference.labels + [0], classes: 4)
        let dmp = try DMP(teacher: try model(epochs: 5), student: try model(epochs: 5), reference: leaky, options: DMPOptions())
        XCTAssertThrowsError(try dmp.fit(p.members)) { e in
            XCTAssertTrue("\(e)".contains("reference") && "\(e)".contains("private row 6"), "\(e)")
        }
        let noSoft = try DMP(teacher: try model(epochs: 5), student: try PASE(model: try model(epochs: 5), options: PASEOptions()),
                             reference: p.reference, options: DMPOptions())
        XCTAssertThrowsError(try noSoft.fit(p.members)) { e in XCTAssertTrue("\(e)".contains("soft labels"), "\(e)") }
        var bad = DMPOptions()
        bad.keep = 0
        XCTAssertThrowsError(try DMP(teacher: try model(), student: try model(), reference: p.reference, options: bad))
        bad = DMPOptions()
        bad.temperature = -1
        XCTAssertThrowsError(try DMP(teacher: try model(), student: try model(), reference: p.reference, options: bad))
    }

    /// PATE: the run's privacy is exactly `PATEAnalysis` of the votes it recorded; the votes are the
    /// teachers' real predictions; the student (which never saw a private record) does not leak them
    /// to the loss attack; a budget the queries cannot pay for is refused before any training.
    func testPATELabelsPubliclyAndAccountsForItsQueries() throws {
        let p = try population()
        var o = PATEOptions()
        o.teachers = 5
        o.aggregator = .confident(threshold: 3, thresholdSigma: 1, sigma: 0.5)
        o.queries = 400
        let pate = try PATE(teacher: try model(epochs: 60), student: try model(epochs: 40), publicData: p.reference, options: o)
        try pate.fit(p.members)
        XCTAssertEqual(pate.teachers.count, 5)
        XCTAssertEqual(pate.queries.count, 400)
        // Votes are the teachers' predictions.
        let asked = p.reference.rows(Array(0..<400))
        var votes = [[Double]](repeating: [0, 0, 0, 0], count: 400)
        for t in pate.teachers { for (r, c) in try t.predict(asked.features).enumerated() { votes[r][c] += 1 } }
        XCTAssertEqual(pate.queries.map(\.votes), votes)
        // Unanswered queries are the ones without a label, and the analysis is the run's.
        XCTAssertEqual(pate.queries.map(\.answered), pate.labels.map { $0 != nil })
        let expected = try PATEAnalysis.privacy(pate.queries, aggregator: o.aggregator, delta: o.delta)
        XCTAssertEqual(pate.analysis, expected)
        let answered = pate.queries.filter(\.answered).count
        XCTAssertGreaterThan(answered, 50)
        XCTAssertLessThan(answered, 400, "the threshold turns some queries away")
        guard case .number(let labelAccuracy)? = pate.defenseReport?["label_accuracy"] else { return XCTFail("no label accuracy") }
        XCTAssertGreaterThan(labelAccuracy, 0.5, "confident answers are mostly right (chance: 0.25)")
        XCTAssertEqual(try lossAUC(pate, p), 0.5, accuracy: 4 * (401.0 / (12 * 200 * 200)).squareRoot())
        XCTAssertGreaterThan(try pate.accuracy(p.nonMembers), 0.4)

        // A budget 400 queries cannot pay for: refused up front, naming how many fit.
        o.epsilonBudget = 1
        XCTAssertThrowsError(try PATE(teacher: try model(), student: try model(), publicData: p.reference, options: o)) { e in
            XCTAssertTrue("\(e)".contains("at most") && "\(e)".contains("epsilon = 1"), "\(e)")
        }
        // Public records that are private ones.
        o.epsilonBudget = nil
        o.queries = nil
        let overlapping = try PATE(teacher: try model(epochs: 5), student: try model(epochs: 5), publicData: p.members, options: o)
        XCTAssertThrowsError(try overlapping.fit(p.members)) { e in XCTAssertTrue("\(e)".contains("public set shares 200 records"), "\(e)") }
    }

    /// SELENA: each record is left out of exactly L sub-models and the others train on it; the soft
    /// label of a member is the mean of its L left-out models (recomputed here); Split-AI answers a
    /// member from models that never saw it; the distilled model resists the loss attack; and the
    /// result is the same with one worker or two.
    func testSELENASplitAIAndSelfDistillation() throws {
        let p = try population()
        let base = try baseline(p)
        var o = SELENAOptions()
        o.models = 6
        o.excluded = 3
        let selena = try SELENA(model: try model(), options: o)
        try selena.fit(p.members)
        XCTAssertTrue(selena.leftOut.allSatisfy { $0.count == 3 && Set($0).count == 3 && $0.allSatisfy { (0..<6).contains($0) } })
        // Split-AI on members: the mean of the left-out models, by hand.
        let split = try selena.splitAI(p.members.features)
        let each = try selena.members.map { try $0.releasedProbabilities(p.members.features) }
        for r in [0, 17, 199] {
            for j in 0..<4 {
                let mean = selena.leftOut[r].reduce(Float(0)) { $0 + each[$1][r, j] / 3 }
                XCTAssertEqual(split[r, j], mean, accuracy: 1e-6)
            }
        }
        // Split-AI answers members like non-members: the loss attack on it is near chance.
        let splitLoss = { (d: Dataset) throws -> [Double] in
            let q = try selena.splitAI(d.features)
            return d.labels.enumerated().map { -log(max(Double(q[$0, $1]), 1e-12)) }
        }
        let splitAUC = try MembershipMetrics(memberScores: try splitLoss(p.members).map { -$0 }, nonMemberScores: try splitLoss(p.nonMembers).map { -$0 }).auc
        XCTAssertLessThan(splitAUC, 0.6)
        let auc = try lossAUC(selena, p)
        XCTAssertLessThan(auc, 0.62)
        XCTAssertLessThan(auc, base.auc - 0.1)
        XCTAssertGreaterThan(try selena.accuracy(p.nonMembers), base.accuracy - 0.08)

        o.workers = 1
        let serial = try SELENA(model: try model(), options: o)
        try serial.fit(p.members)
        XCTAssertEqual(try serial.predictProba(p.nonMembers.features, temperature: 1), try selena.predictProba(p.nonMembers.features, temperature: 1))
        o.excluded = 6
        XCTAssertThrowsError(try SELENA(model: try model(), options: o))
    }

    /// PASE: a member is answered by the k − 1 models that did not train on it (recomputed here), a
    /// non-member by k − 1 models chosen by its content (the same answer when asked twice); the loss
    /// attack falls to chance; no parameters are released.
    func testPASESwitchesAwayFromTheModelThatSawTheRecord() throws {
        let p = try population()
        let base = try baseline(p)
        var o = PASEOptions()
        o.models = 5
        let pase = try PASE(model: try model(), options: o)
        try pase.fit(p.members)
        let answer = try pase.releasedProbabilities(p.members.features)
        let each = try pase.members.map { try $0.releasedProbabilities(p.members.features) }
        for r in [0, 50, 199] {
            for j in 0..<4 {
                let mean = (0..<5).filter { $0 != pase.part[r] }.reduce(Float(0)) { $0 + each[$1][r, j] / 4 }
                XCTAssertEqual(answer[r, j], mean, accuracy: 1e-6)
            }
        }
        // Each model trained on a fifth of the members and would know it: its own part's loss is lower.
        XCTAssertEqual(pase.part.filter { $0 == 2 }.count, 40)
        XCTAssertEqual(try pase.releasedProbabilities(p.nonMembers.features), try pase.releasedProbabilities(p.nonMembers.features))
        let auc = try lossAUC(pase, p)
        XCTAssertEqual(auc, 0.5, accuracy: 4 * (401.0 / (12 * 200 * 200)).squareRoot())
        XCTAssertGreaterThan(try pase.accuracy(p.nonMembers), base.accuracy - 0.1)
        XCTAssertFalse(pase.isWhiteBox)
        XCTAssertNil(pase.whiteBox, "no white-box view of a switching ensemble")
    }

    /// Adversarial regularisation: with λ = 0 the classifier is bit-identical to plain training
    /// (the hooks add nothing, the inference model trains on the side); at λ = 1 the loss attack
    /// weakens by more than 0.07 AUC at a bounded cost in accuracy. Not asserted, because it does
    /// not hold: that a larger λ protects more — at λ = 3 this small game destabilises (accuracy
    /// 0.55 against 0.675, AUC back to the undefended 0.75), the instability the reproduction
    /// notebook (notebooks/reproductions/nasr2018.lua) documents at scale. The reference set must be
    /// non-members.
    func testAdversarialRegularisationTradesAccuracyForPrivacy() throws {
        let p = try population()
        let plain = try model()
        try plain.fit(p.members)
        let baseAUC = try lossAUC(plain, p), baseAcc = try plain.accuracy(p.nonMembers)
        var o = AdversarialRegularizationOptions()
        // The authors' inference model at 1/4 of its widths (narrower, its N(0, 0.01²) start leaves
        // an output too small for Adam to move), a few steps, a faster h: seconds, not minutes.
        o.attackWidth = 0.25
        o.innerSteps = 2
        o.attackBatch = 32
        o.attackLearningRate = 1e-3
        o.lambda = 0
        let zero = try AdversarialRegularization(model: try model(), reference: p.reference, options: o)
        try zero.fit(p.members)
        XCTAssertEqual(try zero.logits(p.nonMembers.features), try plain.logits(p.nonMembers.features))
        o.lambda = 1
        let adv = try AdversarialRegularization(model: try model(), reference: p.reference, options: o)
        try adv.fit(p.members)
        XCTAssertLessThan(try lossAUC(adv, p), baseAUC - 0.07)
        XCTAssertGreaterThan(try adv.accuracy(p.nonMembers), baseAcc - 0.05)
        XCTAssertGreaterThan(adv.lastGain!, 2 * log(0.5) - 0.05)
        let leaky = try AdversarialRegularization(model: try model(epochs: 2), reference: p.members, options: o)
        XCTAssertThrowsError(try leaky.fit(p.members)) { e in XCTAssertTrue("\(e)".contains("option 'reference' shares 200 records"), "\(e)") }
    }

    /// MemGuard: the released label is always the model's; the released vectors fool the shadow
    /// attack (an attacker's own classifier of the kind the defense anticipates) down towards 0.5;
    /// the expected distortion stays within the budget.
    func testMemGuardFoolsTheShadowAttackWithoutChangingLabels() throws {
        let p = try population()
        let plain = try model()
        try plain.fit(p.members)
        var o = MemGuardOptions()
        o.budget = 1
        let guarded = try MemGuard(model: try model(), reference: p.reference, options: o)
        try guarded.fit(p.members)
        let all = p.members.features
        let released = try guarded.releasedProbabilities(all)
        XCTAssertEqual(released.argmaxRows(), try plain.predict(all), "labels unchanged")
        XCTAssertGreaterThan(guarded.lastPerturbed, 100, "most members' vectors are perturbed")
        XCTAssertLessThanOrEqual(guarded.lastDistortion, 1, "mean L1 distortion within the budget")
        // The attacker's shadows are defended the same way (the attacker knows the defense).
        let (attackerData, _) = try p.reference.split(.count(300), stratified: false, seed: 5)
        func shadowAUC(_ target: Classifier) throws -> Double {
            var so = ShadowModelAttack.Options()
            so.shadows = 4
            return try so.fit(target: target, inputs: AttackInputs(data: attackerData, shadowModel: try model(), targetTrainingSize: 200))
                .evaluate(members: p.members, nonMembers: p.nonMembers).metrics.auc
        }
        let before = try shadowAUC(plain), after = try shadowAUC(guarded)
        XCTAssertLessThan(after, before - 0.1, "shadow attack AUC \(before) → \(after)")
        // Phase II: with a budget far below what Phase I needs, most vectors go out unperturbed.
        o.budget = 1e-4
        let tight = try MemGuard(model: try model(), reference: p.reference, options: o)
        try tight.fit(p.members)
        _ = try tight.releasedProbabilities(all)
        XCTAssertLessThan(tight.lastPerturbed, guarded.lastPerturbed / 4)
    }
}

/// What a `RecordingStudent` (and every clone of it) was trained on: the last fit's records and
/// soft targets, and every fit's training set (clones may train in parallel, hence the lock).
final class StudentRecorder: @unchecked Sendable {
    var trainIds = [Int]()
    var targets: [Int: [Float]]?
    private(set) var fits = [Dataset]()
    private let lock = NSLock()

    func record(_ train: Dataset, _ hooks: TrainingHooks) {
        lock.lock()
        defer { lock.unlock() }
        trainIds = train.ids
        targets = hooks.softTargets
        fits.append(train)
    }
}

/// A network that records the records and soft targets it is trained on, then trains as the
/// network it wraps: where a test sees what a defense hands its released model.
final class RecordingStudent: Classifier, HookTrainable {
    let inner: Classifier
    let recorder: StudentRecorder
    init(_ inner: Classifier, _ recorder: StudentRecorder) {
        self.inner = inner
        self.recorder = recorder
    }

    var summary: String { inner.summary }
    var isFitted: Bool { inner.isFitted }
    var parameterCount: Int { inner.parameterCount }
    var history: [EpochRecord] { inner.history }
    var releaseTemperature: Double { inner.releaseTemperature }
    var whiteBox: WhiteBoxModel? { inner.whiteBox }
    func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        try fit(train, validation: validation, hooks: TrainingHooks(), observer: observer)
    }
    func fit(_ train: Dataset, validation: Dataset?, hooks: TrainingHooks, observer: TrainingObserver) throws -> [EpochRecord] {
        recorder.record(train, hooks)
        return try inner.requireHooks().fit(train, validation: validation, hooks: hooks, observer: observer)
    }
    func logits(_ x: Matrix) throws -> Matrix { try inner.logits(x) }
    func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix { try inner.predictProba(x, temperature: temperature) }
    func predict(_ x: Matrix) throws -> [Int] { try inner.predict(x) }
    func accuracy(_ ds: Dataset) throws -> Double { try inner.accuracy(ds) }
    func perRecordLoss(_ ds: Dataset) throws -> [Double] { try inner.perRecordLoss(ds) }
    func cloneUntrained() throws -> Classifier { RecordingStudent(try inner.cloneUntrained(), recorder) }
    func reseededClone(seed: UInt64) throws -> Classifier { RecordingStudent(try inner.reseededClone(seed: seed), recorder) }
    func releasedProbabilities(_ x: Matrix) throws -> Matrix { try inner.releasedProbabilities(x) }
    func releasedLogits(_ x: Matrix) throws -> Matrix { try inner.releasedLogits(x) }
}
