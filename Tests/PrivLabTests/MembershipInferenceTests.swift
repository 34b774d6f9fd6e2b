import Foundation
import XCTest
import PrivLab

/// Membership inference: metrics against a reference computation, attacks against targets known to
/// leak (over-fit on few records) and known not to (DP-SGD with overwhelming noise).
final class MembershipInferenceTests: XCTestCase {
    // MARK: metrics

    /// Reference AUC by counting all member/non-member pairs (ties count half).
    func referenceAUC(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for x in a { for y in b { s += x > y ? 1 : (x == y ? 0.5 : 0) } }
        return s / Double(a.count * b.count)
    }

    /// Reference TPR at FPR ≤ f and advantage: try every threshold "score ≥ t".
    func referenceCurve(_ a: [Double], _ b: [Double], fpr f: Double) -> (tpr: Double, advantage: Double) {
        var best = 0.0, adv = 0.0
        for t in Set(a + b + [Double.infinity]) {
            let tpr = Double(a.filter { $0 >= t }.count) / Double(a.count)
            let fpr = Double(b.filter { $0 >= t }.count) / Double(b.count)
            if fpr <= f { best = max(best, tpr) }
            adv = max(adv, tpr - fpr)
        }
        return (best, adv)
    }

    func testMetricsMatchReferenceOnRandomScoresWithTies() throws {
        var rng = RNG(seed: 5)
        for trial in 0..<20 {
            let p = 20 + rng.int(below: 200), n = 20 + rng.int(below: 200)
            // Coarse scores (many ties), members shifted up a little in half the trials.
            let shift = trial % 2 == 0 ? 0.0 : 1.0
            let a = (0..<p).map { _ in (rng.normal() + shift).rounded() / 2 }
            let b = (0..<n).map { _ in rng.normal().rounded() / 2 }
            let m = try MembershipMetrics(memberScores: a, nonMemberScores: b)
            XCTAssertEqual(m.auc, referenceAUC(a, b), accuracy: 1e-12)
            for f in [0.0, 0.01, 0.1, 0.5] {
                XCTAssertEqual(m.tpr(atFPR: f), referenceCurve(a, b, fpr: f).tpr, accuracy: 1e-12, "fpr \(f)")
            }
            XCTAssertEqual(m.advantage, referenceCurve(a, b, fpr: 1).advantage, accuracy: 1e-12)
            XCTAssertEqual(m.balancedAccuracy, (1 + m.advantage) / 2, accuracy: 1e-12)
            // Precision and recall of "member" at the best threshold, by counting (p ≠ n: unbalanced).
            let tp = Double(a.filter { $0 >= m.bestThreshold }.count), fp = Double(b.filter { $0 >= m.bestThreshold }.count)
            XCTAssertEqual(m.recall, tp / Double(p), accuracy: 1e-12)
            XCTAssertEqual(m.precision, tp + fp == 0 ? m.precision : tp / (tp + fp), accuracy: 1e-12)
            XCTAssertEqual(tp / Double(p) - fp / Double(n), m.advantage, accuracy: 1e-12, "the best threshold attains the advantage")
            XCTAssertEqual(m.roc.first, MembershipMetrics.Point(fpr: 0, tpr: 0, threshold: .infinity))
            XCTAssertEqual(m.roc.last?.fpr, 1)
            XCTAssertEqual(m.roc.last?.tpr, 1)
        }
        // Perfect separation and identical scores.
        XCTAssertEqual(try MembershipMetrics(memberScores: [2, 3], nonMemberScores: [0, 1]).auc, 1)
        XCTAssertEqual(try MembershipMetrics(memberScores: [1, 1], nonMemberScores: [1, 1, 1]).auc, 0.5)
        assertThrows(["NaN"]) { _ = try MembershipMetrics(memberScores: [.nan], nonMemberScores: [1]) }
        assertThrows(["at least one member"]) { _ = try MembershipMetrics(memberScores: [], nonMemberScores: [1]) }
    }

    func testSignalsOrientation() {
        let p = try! Matrix([[0.9, 0.05, 0.05], [0.2, 0.7, 0.1]])
        // Record 0 (label 0): confident and right; record 1 (label 0): confident and wrong.
        for s in MembershipSignal.allCases {
            let v = s.values(probs: p, labels: [0, 0])
            XCTAssertGreaterThan(v[0], v[1], "\(s)")
        }
        XCTAssertEqual(MembershipSignal.loss.values(probs: p, labels: [0, 0])[0], log(0.9), accuracy: 1e-6)
        // Entropy ignores the label; modified entropy does not.
        let e = MembershipSignal.entropy.values(probs: p, labels: [1, 1])
        XCTAssertEqual(e[0], 0.9 * log(0.9) + 0.1 * log(0.05), accuracy: 1e-6)
        let z = try! Matrix([[3, 1, 0]])
        let phi = logitScaledConfidence(logits: z, labels: [0])[0]
        let pr = exp(3.0) / (exp(3.0) + exp(1.0) + 1)
        XCTAssertEqual(phi, log(pr / (1 - pr)), accuracy: 1e-9)
    }

    // MARK: attacks on targets that leak and targets that do not

    /// 4 classes of 30 noisy features; 200 members, 600 records for the attacker, 200 non-members.
    func population() throws -> (members: Dataset, attacker: Dataset, nonMembers: Dataset) {
        let p = try LeakyPopulation.split()
        return (p.members, p.others, p.nonMembers)
    }

    func overfitModel(seed: UInt64 = 1) throws -> NeuralNetwork { try LeakyPopulation.mlp(seed: seed) }

    /// The loss attack scores each record by −loss, the target's own per-record loss (members
    /// first, then non-members, as the evaluation lists them), and its AUC is the pairwise count
    /// over those scores: catches the wrong class's probability, a flipped sign (members would
    /// rank low), scores misaligned with records, and an AUC that is not the Mann–Whitney count.
    func testLossAttackSeparatesAnOverfitTargetAndNotADPTarget() throws {
        let (members, _, nonMembers) = try population()
        let target = try overfitModel()
        try target.fit(members)
        XCTAssertGreaterThan(try target.accuracy(members) - target.accuracy(nonMembers), 0.2, "the target over-fits")
        let attack = try MetricAttack.Options().fit(target: target)
        let r = try attack.evaluate(members: members, nonMembers: nonMembers)
        let loss = try target.perRecordLoss(members) + target.perRecordLoss(nonMembers)
        XCTAssertEqual(r.scores.count, loss.count)
        XCTAssertEqual(r.ids, members.ids + nonMembers.ids)
        XCTAssertEqual(r.isMember, [Bool](repeating: true, count: 200) + [Bool](repeating: false, count: 200))
        // The signal reads log p_y from Float probabilities, the loss comes from the logits: they
        // agree to Float rounding (relative to the size of the loss).
        for (i, (s, l)) in zip(r.scores, loss).enumerated() { XCTAssertEqual(s, -l, accuracy: 1e-5 * max(1, l), "record \(i)") }
        XCTAssertEqual(r.metrics.auc, referenceAUC(Array(r.scores[..<200]), Array(r.scores[200...])), accuracy: 1e-12)
        XCTAssertEqual(r.metrics.auc, referenceAUC(loss[200...].map { $0 }, loss[..<200].map { $0 }), accuracy: 0.01,
                       "ranking by −loss gives the same AUC (up to near-ties rounded differently)")
        XCTAssertGreaterThan(r.metrics.auc, 0.7)  // the target leaks: seven null standard deviations above 0.5 (see below)
        XCTAssertTrue(r.accuracyIsOracle)
        XCTAssertTrue(r.notes.contains { $0.contains("zero false positives") }, "200 non-members cannot resolve 0.1% FPR")

        // DP-SGD with σ = 50 and C = 0.01: each step's noise dwarfs any single record's influence.
        // With no signal the AUC of 200 + 200 records has standard deviation √((P+N+1)/(12PN)) ≈ 0.029;
        // four of them bound it.
        var o = TrainingOptions()
        o.epochs = 20
        o.batchSize = 32
        o.learningRate = 0.05
        var dp = DPOptions()
        dp.clip = 0.01
        dp.noise = 50
        o.dp = dp
        let priv = try NeuralNetwork.mlp(hidden: [64], options: o)
        try priv.fit(members)
        let rp = try MetricAttack.Options().fit(target: priv).evaluate(members: members, nonMembers: nonMembers)
        XCTAssertEqual(rp.metrics.auc, 0.5, accuracy: 4 * (401.0 / (12 * 200 * 200)).squareRoot())
    }

    /// scikit-learn's side of the learned-attack comparison below
    /// (Fixtures/make_learned_attack_reference.py, on the same records): the population's record ids
    /// and, over eight seeds of its own target and shadows, the mean and standard deviation of each
    /// attack's AUC.
    struct LearnedAttackReference: Decodable {
        struct Figure: Decodable { var mean: Double; var sd: Double }
        var ids: [String: [Int]]
        var summary: [String: Figure]
    }

    /// The learned attack is not weaker than the loss threshold it could learn from the same
    /// outputs — pinned to scikit-learn's independent implementation of the same attacks on the
    /// same records (Fixtures/make_learned_attack_reference.py: its own over-fitting MLP(64)
    /// target and four shadows of 200 + 200 attacker records; gradient boosting and logistic
    /// regression, per class and global, on the same features). scikit-learn's figures are means
    /// over eight seeds (standard deviations 0.02–0.03); ours are means over target and shadow
    /// seeds 1–3. The loss threshold depends only on the target: ours is within 0.06 of
    /// scikit-learn's (measured 0.735 against 0.717). Each learned attack model is within 0.08 of
    /// scikit-learn's same model, its gain over the loss at least scikit-learn's gain less 0.08,
    /// and it beats the loss — so attack models fitted on flipped membership labels are caught
    /// (mutation-checked: AUCs fall to 0.12–0.14). Dropping the appended true-class
    /// log-probability is not (the global logistic regression falls from 0.870 to 0.832, still
    /// within 0.08 of scikit-learn's 0.857; per class the unsorted vector holds it anyway). Measured (seeds 1–6 of ours): boosting and the global
    /// logistic regression gain as much as scikit-learn's (0.11–0.17 against 0.10–0.17); the
    /// per-class logistic regression gains less and varies more (0.004–0.114, mean 0.052,
    /// against 0.076–0.109), with the same solver objective and comparable targets (log-probability
    /// scales checked) — left as measured.
    func testTheLearnedAttackIsNotWeakerThanTheLossThreshold() throws {
        let (members, attacker, nonMembers) = try population()
        let reference = try Fixture.decode(LearnedAttackReference.self, "learned_attack_reference.json")
        XCTAssertEqual(members.ids, reference.ids["members"], "the reference's members")
        XCTAssertEqual(attacker.ids, reference.ids["attacker"], "the reference's attacker records")
        XCTAssertEqual(nonMembers.ids, reference.ids["nonmembers"], "the reference's non-members")
        func sk(_ key: String) throws -> Double { try XCTUnwrap(reference.summary[key]?.mean, key) }
        let seeds: [UInt64] = [1, 2, 3]
        let kinds: [(String, AttackModelKind, Bool)] = [("boosting_per_class", .boostedTrees(stages: 100, depth: 3), true),
                                                        ("boosting_global", .boostedTrees(stages: 100, depth: 3), false),
                                                        ("logistic_per_class", .logistic(l2: 1e-4), true),
                                                        ("logistic_global", .logistic(l2: 1e-4), false)]
        var loss = 0.0, aucs = [String: Double]()
        for seed in seeds {
            let target = try overfitModel(seed: seed)
            try target.fit(members)
            XCTAssertEqual(try target.accuracy(members), 1, "the target over-fits, as scikit-learn's (train accuracy 1)")
            loss += try MetricAttack.Options().fit(target: target).evaluate(members: members, nonMembers: nonMembers).metrics.auc / 3
            for (name, model, perClass) in kinds {
                var o = ShadowModelAttack.Options()
                o.shadows = 4
                o.attackModel = .fixed(model)
                o.features = .logProbabilities
                o.perClass = perClass
                o.seed = seed
                let a = try o.fit(target: target, inputs: AttackInputs(data: attacker, targetTrainingSize: members.size))
                aucs[name, default: 0] += try a.evaluate(members: members, nonMembers: nonMembers).metrics.auc / 3
            }
        }
        XCTAssertEqual(loss, try sk("loss"), accuracy: 0.06, "the loss threshold")
        for (name, _, _) in kinds {
            let auc = try XCTUnwrap(aucs[name]), reference = try sk(name)
            print("\(name): AUC \(auc) (loss \(loss)); scikit-learn \(reference) (loss \(try sk("loss")))")
            XCTAssertEqual(auc, reference, accuracy: 0.08, name)
            XCTAssertGreaterThanOrEqual(auc - loss, reference - (try sk("loss")) - 0.08, "\(name): the gain over the loss")
            XCTAssertGreaterThan(auc, loss, name)
        }
    }

    /// scikit-learn's side of the digits comparison below (Fixtures/make_attack_strength_reference.py
    /// runs bench/attack_strength_reference.py on the test's own splits): per split, the record ids
    /// and the AUCs of its loss threshold, its per-class boosted shadow attack on probabilities and
    /// its one logistic regression on sorted log-probabilities plus the true class's.
    struct StrengthReference: Decodable {
        struct Split: Decodable {
            var split: Int
            var members: [Int], attacker: [Int], nonmembers: [Int]
            var loss: Double, shadow_gb_per_class: Double, shadow_logistic_global: Double
            var train_accuracy: Double
        }
        var splits: [Split]
    }

    /// Issue 14's case: a small tabular set (the bundled digits, 899 members), an MLP(256) at 100%
    /// training accuracy whose probabilities saturate, four member/non-member splits — pinned to
    /// scikit-learn's independent implementation on the same records (same splits, checked by id;
    /// its own target of the same shape, also at 100%). Averaged over the splits (one split's AUC
    /// has a standard deviation of ≈ 0.02): the loss threshold's AUC is scikit-learn's within 0.015
    /// (measured 0.545 against 0.543: the threshold-free attack depends only on the target); the
    /// default attack (one logistic regression on sorted log-probabilities plus the true class's)
    /// is at least as strong as scikit-learn's implementation of the same attack (0.592 against
    /// 0.572) and no more than 0.04 stronger, and its gain over the loss is at least scikit-learn's
    /// less 0.01 (0.046 against 0.028) and above 0.02; Shokri et al.'s per-class MLPs on raw
    /// probability vectors stay below it. Catches a default attack on unsorted vectors (0.575:
    /// below the paper's attack), attack models trained on the wrong membership labels (below
    /// scikit-learn's), and a target trained differently from scikit-learn's (the loss AUC moves).
    /// (Dropping the appended true-class log-probability is not caught: with sorted vectors of a
    /// saturated model it adds almost nothing, 0.591 without it.)
    func testTheShadowAttackBeatsTheLossOnSaturatedOutputs() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("data").path
        let digits = try BundledData.digits.load(directory: dir)
        let reference = try Fixture.decode(StrengthReference.self, "attack_strength_reference.json")
        XCTAssertEqual(reference.splits.map(\.split), [1, 2, 3, 4])
        var loss = 0.0, paper = 0.0, standard = 0.0
        for seed: UInt64 in 1...4 {
            let (rest, members) = try digits.split(.count(899), stratified: false, seed: seed)
            let (nonMembers, attacker) = try rest.split(.count(449), stratified: false, seed: seed + 10)
            let ref = reference.splits[Int(seed) - 1]
            XCTAssertEqual(members.ids, ref.members, "split \(seed): the reference's members")
            XCTAssertEqual(attacker.ids, ref.attacker, "split \(seed): the reference's attacker records")
            XCTAssertEqual(nonMembers.ids, ref.nonmembers, "split \(seed): the reference's non-members")
            XCTAssertEqual(ref.train_accuracy, 1, "scikit-learn's target saturates too")
            var o = TrainingOptions()
            o.optimizer = .adam
            o.learningRate = 1e-3
            o.epochs = 200
            o.batchSize = 200
            o.seed = seed
            let target = Pipeline(scalers: [Scaler(kind: .zscore)], model: try NeuralNetwork.mlp(hidden: [256], options: o))
            try target.fit(members)
            XCTAssertEqual(try target.accuracy(members), 1)
            func auc(_ a: MembershipAttack) throws -> Double { try a.evaluate(members: members, nonMembers: nonMembers).metrics.auc / 4 }
            loss += try auc(try MetricAttack.Options().fit(target: target))
            var p = ShadowModelAttack.Options()
            p.shadows = 8
            p.perClass = true
            p.features = .probabilities
            p.attackModel = .mlp(hidden: 64, epochs: 30)
            paper += try auc(try p.fit(target: target, inputs: AttackInputs(data: attacker, targetTrainingSize: members.size)))
            var d = ShadowModelAttack.Options()
            d.shadows = 8
            d.attackModel = .logistic(l2: 1e-4)   // the fixed default before auto: scikit-learn's logistic is the reference
            standard += try auc(try d.fit(target: target, inputs: AttackInputs(data: attacker, targetTrainingSize: members.size)))
        }
        func mean(_ key: KeyPath<StrengthReference.Split, Double>) -> Double { reference.splits.map { $0[keyPath: key] }.reduce(0, +) / 4 }
        let skLoss = mean(\.loss), skLogistic = mean(\.shadow_logistic_global)
        print("digits, mean AUC over four splits: loss \(loss), paper \(paper), default \(standard); scikit-learn: loss \(skLoss), logistic \(skLogistic), boosting per class \(mean(\.shadow_gb_per_class))")
        XCTAssertEqual(loss, skLoss, accuracy: 0.015, "the loss threshold on the same records")
        XCTAssertGreaterThanOrEqual(standard, skLogistic, "as strong as scikit-learn's implementation of the default attack")
        XCTAssertLessThanOrEqual(standard, skLogistic + 0.04)
        XCTAssertGreaterThanOrEqual(standard - loss, skLogistic - skLoss - 0.01, "the gain over the loss")
        XCTAssertGreaterThan(standard, loss + 0.02, "mean AUC over four splits")
        XCTAssertGreaterThan(standard, paper, "mean AUC over four splits")
    }

    /// Configure, then fit: one options value fitted against two targets gives each the same
    /// attack as the one-call form (scores bit for bit), and holds nothing of either target.
    /// Classical models are targets and shadow models like any other: a 1-nearest-neighbour model
    /// is its training set, so every member has loss 0, while a strongly regularised logistic
    /// regression leaks little; the shadow attack trains its shadows as copies of either and ranks
    /// them the same way.
    func testClassicalTargetsLeakAsTheirCapacitySays() throws {
        let (members, attacker, nonMembers) = try population()
        var k = NearestNeighbors.Options()
        k.k = 1
        let knn = try NearestNeighbors(options: k)
        try knn.fit(members)
        var l = LogisticRegression.Options()
        l.c = 0.01
        let logistic = Pipeline(steps: [Scaler(kind: .zscore)], model: try LogisticRegression(options: l))
        try logistic.fit(members)
        let knnAUC = try MetricAttack.Options().fit(target: knn).evaluate(members: members, nonMembers: nonMembers).metrics.auc
        let logisticAUC = try MetricAttack.Options().fit(target: logistic).evaluate(members: members, nonMembers: nonMembers).metrics.auc
        // Members always score loss 0; a non-member ties with them when its nearest neighbour has
        // its class and loses otherwise, so the AUC is ½ + ½·(the error on non-members), exactly.
        XCTAssertEqual(knnAUC, 0.5 + 0.5 * (1 - (try knn.accuracy(nonMembers))), accuracy: 1e-12)
        XCTAssertGreaterThan(knnAUC, logisticAUC + 0.1)
        XCTAssertLessThan(logisticAUC, 0.65)
        var shadow = ShadowModelAttack.Options()
        shadow.shadows = 2
        let knnShadow = try shadow.fit(target: knn, data: attacker).evaluate(members: members, nonMembers: nonMembers).metrics.auc
        let logisticShadow = try shadow.fit(target: logistic, data: attacker).evaluate(members: members, nonMembers: nonMembers).metrics.auc
        XCTAssertGreaterThan(knnShadow, logisticShadow + 0.1)
    }

    func testAttackConfigurationsRefuseMissingDataAndReportProgress() throws {
        let (members, attacker, _) = try population()
        let t1 = try overfitModel(seed: 1)
        try t1.fit(members)
        var shadow = ShadowModelAttack.Options()
        shadow.shadows = 2
        XCTAssertThrowsError(try shadow.fit(target: t1))
        XCTAssertThrowsError(try LabelOnlyAttack.Options().fit(target: t1, data: attacker))
        // Progress (issue 18): one report per shadow model, ending at (n, n).
        var heard = [(Int, Int)]()
        _ = try shadow.fit(target: t1, inputs: AttackInputs(data: attacker, progress: { heard.append(($0, $1)) }))
        XCTAssertEqual(heard.map(\.0), [1, 2])
        XCTAssertEqual(heard.map(\.1), [2, 2])
    }

    /// The shadow attack from every data source, its shadows' training sets checked as they
    /// arrive (a recording copy of the target's architecture is the shadow model): three shadows,
    /// each on min(200, pool/2) distinct records; real data is the attacker's records as they
    /// are (no member or non-member among them); noisy data is the attacker's records with at
    /// most 20% of the 30 features (6) redrawn from the feature's values in the attacker data;
    /// marginals are fresh records whose every value occurs in that feature among the attacker's
    /// records of the same class; synthesis gives fresh records the target assigns to their
    /// label with confidence at least conf_min (Shokri et al.'s Algorithm 1). On real data the
    /// attack is as strong as scikit-learn's implementation of it (the reference of the test
    /// above); every source still separates members (AUC > 0.6) and its shadows imitate the
    /// over-fitting.
    func testShadowModelAttackFromEveryDataSource() throws {
        let (members, attacker, nonMembers) = try population()
        let target = try overfitModel()
        try target.fit(members)
        let byId = Dictionary(uniqueKeysWithValues: attacker.ids.enumerated().map { ($1, $0) })
        let outsiders = Set(members.ids).union(nonMembers.ids)
        var synth = ShadowSynthesis.Options()
        synth.iterMax = 60
        synth.kMax = 10
        synth.confMin = 0.6
        for source in [ShadowDataSource.real, .marginals, .noisy(fraction: 0.2), .synthesis(synth)] {
            var o = ShadowModelAttack.Options()
            o.shadows = 3
            o.source = source
            o.syntheticCount = 200
            let seen = StudentRecorder()
            let a = try o.fit(target: target, inputs: AttackInputs(data: attacker, shadowModel: RecordingStudent(try overfitModel(), seen), targetTrainingSize: members.size))
            XCTAssertEqual(seen.fits.count, 3, "\(source): one training set per shadow")
            for set in seen.fits {
                XCTAssertEqual(Set(set.ids).count, set.size, "\(source): distinct records")
                switch source {
                case .real, .noisy: XCTAssertTrue(Set(set.ids).isDisjoint(with: outsiders), "\(source): no member or non-member trains a shadow")
                default: XCTAssertGreaterThan(set.ids.min() ?? 0, attacker.ids.max()!, "\(source): synthetic records get ids above the attacker data's")
                }
                for r in 0..<set.size {
                    let row = set.features.row(r)
                    switch source {
                    case .real, .noisy:
                        let original = try XCTUnwrap(byId[set.ids[r]], "\(source): an attacker record")
                        XCTAssertEqual(set.labels[r], attacker.labels[original])
                        let changed = (0..<30).filter { row[$0] != attacker.features[original, $0] }
                        if case .real = source { XCTAssertTrue(changed.isEmpty, "real records are the attacker's") }
                        XCTAssertLessThanOrEqual(changed.count, 6, "\(source): at most 20% of the features redrawn")
                        for j in changed { XCTAssertTrue((0..<attacker.size).contains { attacker.features[$0, j] == row[j] }, "a redrawn value is one of the feature's") }
                    case .marginals:
                        XCTAssertNil(byId[set.ids[r]], "synthetic records get fresh ids")
                        for j in 0..<30 {
                            XCTAssertTrue((0..<attacker.size).contains { attacker.labels[$0] == set.labels[r] && attacker.features[$0, j] == row[j] },
                                          "marginals: feature \(j) drawn from the class's values")
                        }
                    case .synthesis:
                        XCTAssertNil(byId[set.ids[r]], "synthetic records get fresh ids")
                    }
                }
                if case .synthesis = source {
                    let p = try target.releasedProbabilities(set.features)
                    for r in 0..<set.size {
                        XCTAssertEqual(p.row(r).firstMaxIndex, set.labels[r], "synthesis: the target assigns the record its label")
                        XCTAssertGreaterThanOrEqual(Double(p[r, set.labels[r]]), 0.6 - 1e-6, "synthesis: with confidence ≥ conf_min")
                    }
                }
            }
            // min(target training size 200, half the pool): 600 attacker records, or 200 synthetic
            // ones (synthesis keeps at most that many: some searches fail within iter_max).
            let sizes = Set(seen.fits.map(\.size))
            switch source {
            case .real, .noisy: XCTAssertEqual(sizes, [200], "\(source): shadow training-set size")
            case .marginals: XCTAssertEqual(sizes, [100], "\(source): shadow training-set size")
            case .synthesis: XCTAssertEqual(sizes.count, 1); XCTAssertLessThanOrEqual(sizes.first ?? 0, 100)
            }
            let r = try a.evaluate(members: members, nonMembers: nonMembers)
            if case .real = source {
                // The default attack on real shadow data is the one scikit-learn's reference runs
                // (four shadows there, three here): measured 0.862 against 0.857.
                let reference = try Fixture.decode(LearnedAttackReference.self, "learned_attack_reference.json")
                XCTAssertEqual(r.metrics.auc, try XCTUnwrap(reference.summary["logistic_global"]?.mean), accuracy: 0.08, "real data: scikit-learn's attack")
            }
            // Synthetic shadow data has no independent reference (scikit-learn has no Shokri et al.
            // synthesis); measured 0.77–0.85.
            XCTAssertGreaterThan(r.metrics.auc, 0.6, "\(source)")
            XCTAssertFalse(r.accuracyIsOracle)
            XCTAssertGreaterThan(a.shadowTrainAccuracy, a.shadowTestAccuracy, "shadows imitate the over-fitting")
            if case .synthesis = source {
                XCTAssertNotNil(a.shadowQueriesPerRecord)
                XCTAssertGreaterThan(a.queries, 400)
            }
        }
    }

    func testShadowDataStaysInTheDomainAndIsReproducible() throws {
        let (_, attacker, _) = try population()
        let lo = attacker.features.data.min()!, hi = attacker.features.data.max()!
        let target = try overfitModel()
        try target.fit(attacker)
        var synth = ShadowSynthesis.Options()
        synth.iterMax = 40
        synth.confMin = 0.5
        for source in [ShadowDataSource.marginals, .noisy(fraction: 0.1), .synthesis(synth)] {
            let (a, _, _) = try ShadowDataGenerator.make(source, data: attacker, count: 80, target: target, seed: 4)
            let (b, _, _) = try ShadowDataGenerator.make(source, data: attacker, count: 80, target: target, seed: 4)
            let (c, _, _) = try ShadowDataGenerator.make(source, data: attacker, count: 80, target: target, seed: 5)
            XCTAssertEqual(a.features, b.features, "\(source)")
            XCTAssertEqual(a.labels, b.labels)
            XCTAssertNotEqual(a.features, c.features)
            XCTAssertTrue(a.features.data.allSatisfy { $0 >= lo && $0 <= hi }, "\(source)")
            XCTAssertTrue(a.labels.allSatisfy { $0 >= 0 && $0 < 4 })
        }
        // Binary features stay binary under noise.
        let bin = try Synthetic.purchase(n: 100, features: 40, classes: 5, seed: 1)
        let (nb, _, _) = try ShadowDataGenerator.make(.noisy(fraction: 0.2), data: bin, count: 100, target: nil, seed: 1)
        XCTAssertTrue(nb.features.data.allSatisfy { $0 == 0 || $0 == 1 })
        XCTAssertNotEqual(nb.features, bin.features)
    }

    /// LiRA's scores recomputed from scratch: the shadows rebuilt as the attack documents them
    /// (shadow i trains a re-seeded copy of the target on a random half of its pool, drawn from
    /// stream 300 + i), their logit-scaled confidences split into IN and OUT observations by
    /// whether the shadow trained on the record, and `LiRA.likelihoodRatio` applied — equal to
    /// 1e-9, online (pool = attacker data ∪ candidates) and offline (attacker data only, so no
    /// candidate is ever IN). Catches IN and OUT swapped, a pool without the candidates,
    /// observations matched to the wrong record, and the offline test run online.
    func testLiRAAndCalibratedMetricAttacksAndRiskScores() throws {
        let (members, attacker, nonMembers) = try population()
        let target = try overfitModel()
        try target.fit(members)
        let candidates = try members.concatenated(nonMembers)
        func shadows(_ pool: Dataset, count: Int) throws -> [(phi: [Double], ids: Set<Int>)] {
            try (0..<count).map { i in
                var rng = RNG.stream(seed: 1, index: 300 + UInt64(i))
                let part = pool.rows(try rng.sample(pool.size, pool.size / 2).sorted())
                let m = try target.reseededClone(seed: splitMix64(1 &+ UInt64(i) &* 0x11AA))
                try m.fit(part)
                return (logitScaledConfidence(logits: try m.releasedLogits(candidates.features), labels: candidates.labels), Set(part.ids))
            }
        }
        let phi = logitScaledConfidence(logits: try target.releasedLogits(candidates.features), labels: candidates.labels)
        for online in [true, false] {
            var lo = LiRA.Options()
            lo.shadows = 4
            lo.online = online
            lo.globalVariance = !online  // offline with one global variance, as few shadows call for (§VI-B)
            let scores = try lo.fit(target: target, data: attacker).scores(candidates)
            let rebuilt = try shadows(online ? try attacker.concatenated(candidates) : attacker, count: 4)
            var inObs = [[Double]](repeating: [], count: candidates.size), outObs = inObs
            for s in rebuilt {
                for (i, id) in candidates.ids.enumerated() {
                    if s.ids.contains(id) { inObs[i].append(s.phi[i]) } else { outObs[i].append(s.phi[i]) }
                }
            }
            let inShare = Double(inObs.map(\.count).reduce(0, +)) / Double(4 * candidates.size)
            if online { XCTAssertEqual(inShare, 0.5, accuracy: 0.05, "online: each shadow trains on half its pool") } else { XCTAssertEqual(inShare, 0, "offline: never IN") }
            let expected = LiRA.likelihoodRatio(target: phi, inObservations: inObs, outObservations: outObs, online: online, globalVariance: !online)
            XCTAssertEqual(scores.count, expected.count)
            for (i, (a, b)) in zip(scores, expected).enumerated() {
                XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b)), "online \(online), record \(i)")
            }
        }

        var mo = MetricAttack.Options()
        mo.signal = .mentropy
        mo.classWise = true
        mo.shadows = 2
        let m = try mo.fit(target: target, inputs: AttackInputs(data: attacker, targetTrainingSize: members.size))
        let r = try m.evaluate(members: members, nonMembers: nonMembers)
        XCTAssertFalse(r.accuracyIsOracle)
        XCTAssertGreaterThan(r.accuracy, 0.6)
        let rm = try m.riskScores(members), rn = try m.riskScores(nonMembers)
        XCTAssertTrue((rm + rn).allSatisfy { $0 > 0 && $0 < 1 })
        XCTAssertGreaterThan(rm.reduce(0, +) / Double(rm.count), rn.reduce(0, +) / Double(rn.count) + 0.05)

        let g = try GradientAttack(target: target, signal: .gradnorm).evaluate(members: members, nonMembers: nonMembers)
        XCTAssertGreaterThan(g.metrics.auc, 0.7)
    }

    func testGradientNormsMatchFiniteDifferences() throws {
        let ds = try Synthetic.blobs(n: 5, features: 3, classes: 3, seed: 1)
        var o = TrainingOptions()
        o.epochs = 3
        let net = try NeuralNetwork.mlp(hidden: [4], activation: .tanh, options: o)
        try net.fit(ds)
        let norms = try net.perRecordGradientNorms(ds)
        for i in 0..<ds.size {
            let one = ds.rows([i])
            var sq = 0.0
            for p in net.parameters {
                for j in 0..<p.value.data.count {
                    let v = p.value.data[j]
                    let h: Float = 1e-2
                    p.value.data[j] = v + h
                    let up = try net.perRecordLoss(one)[0]
                    p.value.data[j] = v - h
                    let down = try net.perRecordLoss(one)[0]
                    p.value.data[j] = v
                    let d = (up - down) / (2 * Double(h))
                    sq += d * d
                }
            }
            XCTAssertEqual(norms[i], sq.squareRoot(), accuracy: 2e-2 * max(1, sq.squareRoot()))
        }
    }

    func testEvaluationBalancesAndRejectsOverlaps() throws {
        let (members, _, nonMembers) = try population()
        let target = try overfitModel()
        try target.fit(members)
        let a = try MetricAttack.Options().fit(target: target)
        let r = try a.evaluate(members: members, nonMembers: nonMembers.rows(Array(0..<50)))
        XCTAssertEqual(r.scores.count, 100)
        XCTAssertTrue(r.notes[0].contains("balanced: 50 members and 50 non-members"), r.notes[0])
        assertThrows(["both a member and a non-member"]) { _ = try a.evaluate(members: members, nonMembers: members) }
    }

    /// An evaluation's per-class AUCs, accuracy at the attack's own threshold, and the unbalanced
    /// case, recomputed from the per-record scores it returns: catches per-class AUCs computed over
    /// the wrong records (labels misaligned with scores), the calibrated accuracy silently replaced
    /// by the oracle one, and `balanced: false` subsampling anyway.
    func testEvaluationPerClassAndUnbalancedMatchTheScores() throws {
        let (members, attacker, nonMembers) = try population()
        let target = try overfitModel()
        try target.fit(members)
        var o = MetricAttack.Options()
        o.shadows = 2
        let a = try o.fit(target: target, data: attacker)
        let few = nonMembers.rows(Array(0..<60))
        let r = try a.evaluate(members: members, nonMembers: few, balanced: false)
        XCTAssertEqual(r.isMember.filter { $0 }.count, members.size, "nothing subsampled")
        XCTAssertEqual(r.isMember.filter { !$0 }.count, 60)
        XCTAssertTrue(r.notes[0].contains("not balanced"), r.notes[0])
        for (c, auc) in r.perClassAUC {
            let mine = r.scores.indices.filter { r.labels[$0] == c }
            let inC = mine.filter { r.isMember[$0] }.map { r.scores[$0] }, outC = mine.filter { !r.isMember[$0] }.map { r.scores[$0] }
            XCTAssertEqual(auc, referenceAUC(inC, outC), accuracy: 1e-12, "class \(c)")
            XCTAssertEqual(r.perClassCount[c], mine.count)
        }
        XCTAssertGreaterThan(r.perClassAUC.count, 1)
        let t = try XCTUnwrap(a.threshold, "a calibrated metric attack has its own threshold")
        XCTAssertFalse(r.accuracyIsOracle)
        let sm = r.scores.indices.filter { r.isMember[$0] }.map { r.scores[$0] }, sn = r.scores.indices.filter { !r.isMember[$0] }.map { r.scores[$0] }
        let tpr = Double(sm.filter { $0 >= t }.count) / Double(sm.count), tnr = Double(sn.filter { $0 < t }.count) / Double(sn.count)
        XCTAssertEqual(r.accuracy, (tpr + tnr) / 2, accuracy: 1e-12)
    }
}
