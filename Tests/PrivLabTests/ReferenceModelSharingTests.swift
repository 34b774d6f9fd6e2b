import XCTest
import PrivLab

/// One set of reference models shared by LiRA, RMIA and a calibrated metric attack: sharing
/// changes who trains the models, never the scores.
final class ReferenceModelSharingTests: XCTestCase {
    /// Reference models trained once on the attacker's data give LiRA and RMIA (offline) exactly
    /// the scores each gets by training its own with the same seed; the first k of a larger set
    /// are the models a run with k trains (so one set serves a sweep over k).
    func testSharedModelsGiveTheScoresOfModelsTrainedByTheAttack() throws {
        let p = try LeakyPopulation.split()
        let target = try LeakyPopulation.mlp(epochs: 40)
        try target.fit(p.members)
        let candidates = try p.members.concatenated(p.nonMembers)
        let shared = try ReferenceModels(template: target, pool: p.others, count: 4, seed: 7, workers: 2)

        var lira = LiRA.Options()
        (lira.shadows, lira.online, lira.seed) = (3, false, 7)
        let own = try lira.fit(target: target, data: p.others).scores(candidates)
        let viaShared = try lira.fit(target: target, inputs: AttackInputs(data: p.others, references: shared)).scores(candidates)
        XCTAssertEqual(own, viaShared, "LiRA: the first 3 of 4 shared models are the 3 it trains itself")

        var rmia = RMIA.Options()
        (rmia.references, rmia.seed) = (2, 7)
        let ownR = try rmia.fit(target: target, data: p.others).scores(candidates)
        let sharedR = try rmia.fit(target: target, inputs: AttackInputs(data: p.others, references: shared)).scores(candidates)
        XCTAssertEqual(ownR, sharedR, "RMIA: the first 2 of 4 shared models")
        XCTAssertThrowsError(try ({ var o = rmia; o.references = 5; return o }()).fit(target: target, inputs: AttackInputs(data: p.others, references: shared)),
                             "more models asked for than were trained")
    }

    /// Online attacks need every candidate in the pool: refused when it is not, and with the
    /// candidates in the pool each is IN some models and OUT of others.
    func testOnlineAttacksNeedTheCandidatesInThePool() throws {
        let p = try LeakyPopulation.split()
        let target = try LeakyPopulation.mlp(epochs: 20)
        try target.fit(p.members)
        let candidates = try p.members.concatenated(p.nonMembers)
        var lira = LiRA.Options()
        lira.shadows = 4
        let offlineOnly = try ReferenceModels(template: target, pool: p.others, count: 4, seed: 1, workers: 2)
        XCTAssertThrowsError(try lira.fit(target: target, inputs: AttackInputs(data: p.others, references: offlineOnly)).scores(candidates)) { e in
            XCTAssertTrue("\(e)".contains("pool"), "\(e)")
        }
        let pool = try ReferenceModels.onlinePool(p.others, candidates: candidates)
        let online = try ReferenceModels(template: target, pool: pool, count: 4, seed: 1, workers: 2)
        let obs = try online.observations(candidates) { _ in [Double](repeating: 0, count: candidates.size) }
        XCTAssertTrue(obs.in.contains { !$0.isEmpty } && obs.out.contains { !$0.isEmpty })
        XCTAssertEqual(zip(obs.in, obs.out).map { $0.count + $1.count }, [Int](repeating: 4, count: candidates.size))
        XCTAssertNoThrow(try lira.fit(target: target, inputs: AttackInputs(data: p.others, references: online)).scores(candidates))
    }

    /// A metric attack calibrated on shared models takes its threshold from their IN and OUT
    /// halves: the best balanced-accuracy threshold of the negated losses, computed here by hand.
    func testMetricAttackCalibratesOnTheSharedModelsHalves() throws {
        let p = try LeakyPopulation.split()
        let target = try LeakyPopulation.mlp(epochs: 20)
        try target.fit(p.members)
        let refs = try ReferenceModels(template: target, pool: p.others, count: 2, seed: 3, workers: 2)
        var o = MetricAttack.Options()
        o.shadows = 2
        let attack = try o.fit(target: target, inputs: AttackInputs(references: refs))
        var inS = [Double](), outS = [Double]()
        for m in refs.models {
            let s = MembershipSignal.loss.values(probs: try m.classifier.releasedProbabilities(p.others.features), labels: p.others.labels)
            for (i, id) in p.others.ids.enumerated() { if m.trainedOn.contains(id) { inS.append(s[i]) } else { outS.append(s[i]) } }
        }
        let want = try MembershipMetrics(memberScores: inS, nonMemberScores: outS).bestThreshold
        XCTAssertEqual(attack.threshold, want)
        XCTAssertTrue(attack.threatModel["threshold"]!.contains("shared"))
    }
}

/// Bootstrap intervals of an attack's AUC and TPR at a chosen FPR.
final class MembershipIntervalsTests: XCTestCase {
    /// NumPy's linear quantile on hand cases.
    func testQuantileIsNumPysLinear() {
        XCTAssertEqual(MembershipIntervals.quantile([1, 2, 3, 4], 0.5), 2.5)
        XCTAssertEqual(MembershipIntervals.quantile([1, 2, 3, 4], 0.025), 1.075, accuracy: 1e-12)
        XCTAssertEqual(MembershipIntervals.quantile([5], 0.9), 5)
    }

    /// Scores drawn from N(d, 1) for members and N(0, 1) for non-members have AUC Φ(d/√2): the
    /// 90% interval of 120 independent samples of 150 + 150 covers it in 80–99% of them (a
    /// percentile bootstrap's coverage, seeded so the count is fixed). Intervals do not depend on
    /// the number of threads, and perfectly separated scores give [1, 1].
    func testIntervalsCoverTheTrueAUC() throws {
        let d = 0.8
        let trueAUC = 0.5 * erfc(-(d / 2.0.squareRoot()) / 2.0.squareRoot())
        var covered = 0
        for trial in 0..<120 {
            var rng = RNG.stream(seed: 99, index: UInt64(trial))
            let m = (0..<150).map { _ in rng.normal() + d }, n = (0..<150).map { _ in rng.normal() }
            let ci = try MembershipIntervals(memberScores: m, nonMemberScores: n, fprs: [0.1], replicates: 200, level: 0.9, seed: UInt64(trial))
            if ci.auc.contains(trueAUC) { covered += 1 }
            if trial == 0 {
                let one = try MembershipIntervals(memberScores: m, nonMemberScores: n, fprs: [0.1], replicates: 200, level: 0.9, seed: 0, workers: 1)
                XCTAssertEqual(one.auc, ci.auc)
                XCTAssertEqual(one.tprAtFPR[0.1], ci.tprAtFPR[0.1])
                XCTAssertLessThan(ci.auc.upperBound - ci.auc.lowerBound, 0.2)
            }
        }
        XCTAssertGreaterThanOrEqual(covered, 96, "coverage \(covered)/120")
        XCTAssertLessThanOrEqual(covered, 119, "coverage \(covered)/120")
        let perfect = try MembershipIntervals(memberScores: [3, 4, 5], nonMemberScores: [0, 1, 2], fprs: [0.01], replicates: 50, level: 0.95, seed: 1)
        XCTAssertEqual(perfect.auc, 1...1)
        XCTAssertThrowsError(try MembershipIntervals(memberScores: [1], nonMemberScores: [0], fprs: [], replicates: 5, level: 0.95, seed: 1))
        XCTAssertThrowsError(try MembershipIntervals(memberScores: [1], nonMemberScores: [0], fprs: [], replicates: 50, level: 1, seed: 1))
    }

    /// evaluate reads TPR at any FPR asked and refuses FPRs outside (0, 1).
    func testEvaluateReportsTheAskedFPRsAndIntervals() throws {
        let p = try LeakyPopulation.split()
        let target = try LeakyPopulation.mlp(epochs: 40)
        try target.fit(p.members)
        let attack = try MetricAttack.Options().fit(target: target)
        var o = EvaluationOptions()
        (o.fprs, o.bootstrap) = ([0.05, 0.2], 100)
        let e = try attack.evaluate(members: p.members, nonMembers: p.nonMembers, options: o)
        XCTAssertEqual(Set(e.tprAtFPR.keys), [0.05, 0.2])
        XCTAssertEqual(e.tprAtFPR[0.2], e.metrics.tpr(atFPR: 0.2))
        let ci = try XCTUnwrap(e.intervals)
        XCTAssertTrue(ci.auc.lowerBound <= e.metrics.auc && e.metrics.auc <= ci.auc.upperBound)
        o.fprs = [0]
        XCTAssertThrowsError(try attack.evaluate(members: p.members, nonMembers: p.nonMembers, options: o))
    }

    /// The estimate of the time left is the mean time per unit so far times the units left.
    func testProgressEstimate() {
        XCTAssertEqual(ProgressBar.estimate(done: 4, total: 16, seconds: 20), ", ≈ 1 min 00 s left")
        XCTAssertEqual(ProgressBar.estimate(done: 1, total: 3, seconds: 4.2), ", ≈ 9 s left")
        XCTAssertEqual(ProgressBar.estimate(done: 0, total: 3, seconds: 4), "")
        XCTAssertEqual(ProgressBar.estimate(done: 3, total: 3, seconds: 4), "")
    }
}
