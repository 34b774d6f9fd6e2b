import Foundation
import XCTest
import PrivLab

/// SISA: exact unlearning is checked the only convincing way — against a fresh ensemble trained
/// without the records, bit for bit (Bourtoule et al. 2021).
final class SISATests: XCTestCase {
    /// 480 records of 4 overlapping classes, 16 features (also viewable as 1×4×4 images).
    func data() throws -> Dataset {
        var d = try Synthetic.blobs(n: 480, features: 16, classes: 4, std: 2.5, box: 4, seed: 11)
        d.imageShape = [1, 4, 4]
        return d
    }

    func trainingOptions(epochs: Int = 4) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 32
        o.learningRate = 0.05
        o.seed = 5
        return o
    }

    /// Networks, and classical models (refitted on slices 1…r at each stage, no warm start), one
    /// inside a pipeline of transformers fitted per stage.
    enum Kind: CaseIterable { case softmax, mlp, pipeline, cnn, classicalPipeline, lda }

    func model(_ k: Kind) throws -> Classifier {
        switch k {
        case .softmax: return try NeuralNetwork.softmaxRegression(options: trainingOptions())
        case .mlp:
            var o = trainingOptions()
            o.optimizer = .adam
            o.learningRate = 0.01
            return try NeuralNetwork.mlp(hidden: [12], dropout: 0.1, options: o)
        case .pipeline: return Pipeline(scalers: [Scaler(kind: .zscore)], model: try NeuralNetwork.mlp(hidden: [8], options: trainingOptions()))
        case .cnn:
            var o = trainingOptions(epochs: 3)
            o.optimizer = .adam
            o.learningRate = 0.02
            return try NeuralNetwork.cnn(channels: [4], hidden: [8], options: o)
        case .classicalPipeline:
            return Pipeline(steps: [Scaler(kind: .zscore), try PCA(components: 6)], model: try LogisticRegression(options: .init()))
        case .lda: return try LinearDiscriminantAnalysis(options: .init())
        }
    }

    func ensemble(_ k: Kind, aggregation: String = "vote", shards: Int = 3, slices: Int = 3, workers: Int = 2,
                  dir: String? = nil) throws -> SISAEnsemble {
        var o = SISAOptions()
        o.shards = shards
        o.slices = slices
        o.aggregation = SISAAggregationRule(rawValue: aggregation)
        o.seed = 9
        o.workers = workers
        o.stackHoldout = 0.2
        return try SISAEnsemble(options: o, model: try model(k), directory: dir)
    }

    /// The fingerprint of a fresh ensemble trained on `ds` without `ids`.
    func retrained(_ k: Kind, _ ds: Dataset, without ids: [Int], aggregation: String = "vote") throws -> String {
        let e = try ensemble(k, aggregation: aggregation)
        try e.fit(try ds.without(ids: ids))
        return try e.fingerprint()
    }

    func testUnlearningEqualsRetrainingForEveryModelAndAggregation() throws {
        let ds = try data()
        for k in Kind.allCases {
            for agg in ["vote", "mean", "stack"] where k == .mlp || agg == "vote" {
                let e = try ensemble(k, aggregation: agg)
                try e.fit(ds)
                let before = try e.fingerprint()
                // A single request, then a batched one, then another single one (repeated requests).
                _ = try e.unlearn([17])
                XCTAssertEqual(try e.fingerprint(), try retrained(k, ds, without: [17], aggregation: agg), "\(k) \(agg) single")
                XCTAssertNotEqual(try e.fingerprint(), before)
                _ = try e.unlearn([3, 250, 401])
                _ = try e.unlearn([99])
                XCTAssertEqual(try e.fingerprint(), try retrained(k, ds, without: [17, 3, 250, 401, 99], aggregation: agg), "\(k) \(agg) repeated")
                // The unlearned ensemble still predicts sensibly.
                XCTAssertGreaterThan(try e.accuracy(ds), 0.4, "\(k) \(agg)")
            }
        }
    }

    /// Progress (issue 18): one report per slice stage trained, ending at (total, total) — for the
    /// first fit every stage, for an unlearning request only the stages it retrains.
    func testProgressCountsTheStagesTrained() throws {
        let ds = try data()
        let e = try ensemble(.softmax, shards: 3, slices: 3)
        var heard = [(Int, Int)]()
        e.progress = { heard.append(($0, $1)) }
        try e.fit(ds)
        XCTAssertEqual(heard.map(\.0), Array(1...9))
        XCTAssertTrue(heard.allSatisfy { $0.1 == 9 })
        heard = []
        let r = try e.unlearn([17])
        XCTAssertEqual(heard.count, r.work.stagesRetrained)
        XCTAssertEqual(heard.last?.0, heard.last?.1)
        XCTAssertGreaterThan(heard.count, 0)
    }

    func testHoldoutRecordsUnlearnExactlyUnderStacking() throws {
        let ds = try data()
        let e = try ensemble(.softmax, aggregation: "stack")
        try e.fit(ds)
        let held = e.holdoutIds[0]
        let r = try e.unlearn([held])
        XCTAssertEqual(r.work.stagesRetrained, 0, "a held-out record touches no constituent")
        XCTAssertFalse(e.holdoutIds.contains(held))
        XCTAssertEqual(try e.fingerprint(), try retrained(.softmax, ds, without: [held], aggregation: "stack"))
    }

    func testOnlyTheAffectedShardAndLaterSlicesRetrain() throws {
        let ds = try data()
        let e = try ensemble(.softmax, shards: 4, slices: 4)
        try e.fit(ds)
        XCTAssertEqual(e.lastFitWork?.stagesRetrained, 16)
        // A record in the last slice of its shard: one stage of one shard.
        let s = 2
        let last = e.sliceIds[s][3][0]
        let r1 = try e.unlearn([last])
        XCTAssertEqual(r1.work.shardsTouched, [s])
        XCTAssertEqual(r1.work.stagesRetrained, 1)
        // A record in the first slice: all four stages of that shard.
        let first = e.sliceIds[1][0][0]
        let r2 = try e.unlearn([first])
        XCTAssertEqual(r2.work.shardsTouched, [1])
        XCTAssertEqual(r2.work.stagesRetrained, 4)
        let live = Double(e.sliceIds[1].reduce(0) { $0 + $1.count })
        XCTAssertEqual(r2.work.samples, (1...4).reduce(0.0) { acc, r in
            acc + Double(e.sliceIds[1][0..<r].reduce(0) { $0 + $1.count }) * e.stageEpochs })
        XCTAssertEqual(Double(r2.work.records), live)
        XCTAssertEqual(r2.monolithicSamples, Double(ds.size - 2) * 4)
        XCTAssertLessThan(r2.work.samples, r2.fullEnsembleSamples)
    }

    func testBadRequestsAreErrorsAndChangeNothing() throws {
        let ds = try data()
        let e = try ensemble(.softmax)
        try e.fit(ds)
        _ = try e.unlearn([5])
        let fp = try e.fingerprint()
        assertThrows(["no record with id 100000"]) { _ = try e.unlearn([1, 100000]) }
        assertThrows(["already removed"]) { _ = try e.unlearn([5]) }
        assertThrows(["listed twice"]) { _ = try e.unlearn([7, 7]) }
        assertThrows(["no record ids"]) { _ = try e.unlearn([]) }
        XCTAssertEqual(try e.fingerprint(), fp)
        XCTAssertEqual(e.removedIds, [5])
    }

    func testParallelAndSequentialTrainingAgreeBitForBit() throws {
        let ds = try data()
        let a = try ensemble(.mlp, workers: 1), b = try ensemble(.mlp, workers: 2)
        try a.fit(ds)
        try b.fit(ds)
        XCTAssertEqual(try a.fingerprint(), try b.fingerprint())
        // One shard retrained alone (BLAS may use every core) equals its parallel training.
        _ = try b.unlearn([42])
        XCTAssertEqual(try b.fingerprint(), try retrained(.mlp, ds, without: [42]))
    }

    func testPersistentEnsembleReopensWithoutTraining() throws {
        let ds = try data()
        let dir = try temporaryDirectory()
        let e = try ensemble(.pipeline, dir: dir)
        try e.fit(ds)
        _ = try e.unlearn([8, 9])
        let fp = try e.fingerprint()
        let reopened = try ensemble(.pipeline, dir: dir)
        try reopened.fit(ds)
        XCTAssertEqual(reopened.lastFitWork?.stagesRetrained, 0)
        XCTAssertEqual(reopened.removedIds, [8, 9])
        XCTAssertEqual(try reopened.fingerprint(), fp)
        // Other options or data in the same directory are refused.
        let other = try ensemble(.pipeline, shards: 2, dir: dir)
        assertThrows(["holds an ensemble with other options"]) { try other.fit(ds) }
    }

    /// Crash an unlearning request at every step; reopening must give either the state before
    /// the request (crash before it was logged) or exactly the state after it.
    func testInterruptedRequestsReopenConsistently() throws {
        let ds = try data()
        let target = try retrained(.mlp, ds, without: [30, 31, 200])
        struct Crash: Error {}
        var step = 0
        while true {
            let dir = try temporaryDirectory()
            let e = try ensemble(.mlp, dir: dir)
            try e.fit(ds)
            var calls = 0
            e.faultInjector = { _ in
                if calls == step { throw Crash() }
                calls += 1
            }
            var crashed = false
            do { _ = try e.unlearn([30, 31, 200]) } catch is Crash { crashed = true }
            let reopened = try ensemble(.mlp, dir: dir)
            try reopened.fit(ds)
            let fp = try reopened.fingerprint()
            XCTAssertEqual(fp, target, "step \(step)")
            // A second reopen trains nothing.
            let again = try ensemble(.mlp, dir: dir)
            try again.fit(ds)
            XCTAssertEqual(again.lastFitWork?.stagesRetrained, 0, "step \(step)")
            if !crashed { break }
            step += 1
        }
        XCTAssertGreaterThanOrEqual(step, 4, "every step was interrupted once")
    }

    func testCorruptCheckpointIsRetrainedNotTrusted() throws {
        let ds = try data()
        let dir = try temporaryDirectory()
        let e = try ensemble(.softmax, dir: dir)
        try e.fit(ds)
        let fp = try e.fingerprint()
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/checkpoints").sorted()
        XCTAssertEqual(files.count, 9)
        // Each checkpoint in turn (intermediate or final) is damaged; reopening retrains from the
        // last good one and reaches the same ensemble.
        for f in files {
            let path = "\(dir)/checkpoints/\(f)"
            var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
            bytes[bytes.count / 2] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let reopened = try ensemble(.softmax, dir: dir)
            try reopened.fit(ds)
            XCTAssertEqual(try reopened.fingerprint(), fp, f)
            XCTAssertGreaterThan(reopened.lastFitWork?.stagesRetrained ?? 0, 0, f)
        }
    }

    func testPlacementIsPerRecordAndAwareShardingGroupsRiskyRecords() throws {
        var o = SISAOptions()
        o.shards = 5
        o.slices = 4
        var weights = [Int: Double]()
        for id in 1...1000 { weights[id] = id % 10 == 0 ? 0.9 : 0.01 }
        o.deletionWeights = weights
        o.sharding = .aware
        o.riskShards = 1
        for id in 1...1000 {
            guard case .shard(let s, let r) = o.placement(id: id, label: id % 3) else { return XCTFail("no hold-out without stacking") }
            if id % 10 == 0 {
                XCTAssertEqual(s, 0)
                XCTAssertGreaterThanOrEqual(r, 2, "risky records go to the later slices")
            } else {
                XCTAssertGreaterThan(s, 0)
            }
        }
        // Uniform placement spreads evenly (chi-square, 4 d.o.f., 0.1% critical value 18.5).
        o.sharding = .uniform
        var counts = [Int](repeating: 0, count: 5)
        for id in 1...5000 { if case .shard(let s, _) = o.placement(id: id, label: 0) { counts[s] += 1 } }
        let chi = counts.reduce(0.0) { $0 + pow(Double($1) - 1000, 2) / 1000 }
        XCTAssertLessThan(chi, 18.5, "\(counts)")
    }

    /// Stratified sharding splits every class evenly: each of 4 shards holds n_c/4 records of
    /// class c to within one (50 of each of four classes of 200 here; and slices, within a shard,
    /// to within one of their share), and unlearning moves no remaining record. Catches stratified
    /// sharding that is per-record hashing (shard counts spread like Binomial(200, ¼), ± 6) and a
    /// deal over the live records only (a removal would shift the rest).
    func testStratifiedShardsHoldEveryClass() throws {
        var o = SISAOptions()
        o.shards = 4
        o.slices = 3
        o.sharding = .stratified
        let ds = try Synthetic.blobs(n: 800, features: 4, classes: 4, seed: 2)
        let perClass = (0..<4).map { c in ds.labels.filter { $0 == c }.count }
        let e = try SISAEnsemble(options: o, model: try NeuralNetwork.softmaxRegression(options: trainingOptions(epochs: 1)))
        try e.fit(ds)
        XCTAssertEqual(e.shardClassCounts.count, 4)
        for row in e.shardClassCounts {
            for (c, count) in row.enumerated() { XCTAssertEqual(Double(count), Double(perClass[c]) / 4, accuracy: 1, "\(e.shardClassCounts)") }
        }
        let labelOf = Dictionary(uniqueKeysWithValues: zip(ds.ids, ds.labels))
        for shard in e.sliceIds {
            let inShard = shard.flatMap { $0 }
            for c in 0..<4 {
                let n = inShard.filter { labelOf[$0] == c }.count
                for slice in shard {
                    XCTAssertEqual(Double(slice.filter { labelOf[$0] == c }.count), Double(n) / 3, accuracy: 1, "class \(c) over a shard's slices")
                }
            }
        }
        let before = e.sliceIds
        let gone = Set(ds.ids.prefix(40))
        _ = try e.unlearn(Array(gone))
        XCTAssertEqual(e.sliceIds, before.map { $0.map { $0.filter { !gone.contains($0) } } }, "unlearning moves no remaining record")
    }

    func testCostModelMatchesTheoryAndSimulation() {
        let m = SISACostModel(records: 60_000, shards: 10, slices: 5, epochs: 10)
        XCTAssertEqual(m.singleRequest, 10 * 60_000 * 11 / 150, accuracy: 1e-6)
        XCTAssertEqual(m.batched(1), m.singleRequest, accuracy: 1e-6)
        XCTAssertEqual(m.sequential(3), 3 * m.singleRequest, accuracy: 1e-6)
        XCTAssertLessThan(m.batched(20), m.sequential(20))
        // Batched cost approaches a full retrain as requests grow.
        XCTAssertEqual(m.batched(100_000), m.fullRetrain, accuracy: m.fullRetrain * 1e-6)
        // Monte Carlo over uniform placements.
        var rng = RNG(seed: 3)
        var total = 0.0
        let trials = 20_000, k = 7
        for _ in 0..<trials {
            var earliest = [Int](repeating: 6, count: 10)
            for _ in 0..<k { let s = rng.int(below: 10), r = rng.int(below: 5) + 1; earliest[s] = min(earliest[s], r) }
            for e in earliest where e <= 5 { total += Double((e...5).reduce(0, +)) }
        }
        let unit = 2.0 * 10 / 6 * 60_000 / 50
        XCTAssertEqual(total / Double(trials) * unit, m.batched(k), accuracy: m.batched(k) * 0.02)
    }

    /// A stage of 1.5 epochs runs one whole epoch and then half the next one's batches, counted
    /// update by update: 480 records in batches of 32 are 15 steps an epoch, so 15 + round(7.5) =
    /// 23 updates; 0.25 of an epoch is round(3.75) = 4, and a sliver is at least one. Catches a
    /// fraction ignored (whole epochs), applied to every epoch, or rounded down to nothing.
    func testFractionalStageEpochsRunThatShareOfBatches() throws {
        let ds = try data()
        let net = try NeuralNetwork.softmaxRegression(options: trainingOptions())
        var seen = 0, steps = 0
        let count = TrainingHooks(afterStep: { n in steps += 1; XCTAssertEqual(n, steps) })
        let h = try net.fit(ds, stage: TrainingStage(epochs: 1.5, seed: 3, warmStart: false), hooks: count,
                            observer: TrainingObserver(onEpoch: { _ in seen += 1; return true }))
        XCTAssertEqual(h.count, 2)
        XCTAssertEqual(seen, 2)
        XCTAssertEqual(steps, 15 + 8, "one epoch of 15 batches, then half of the next 15 (7.5 rounds to 8)")
        for (epochs, expected) in [(0.25, 4), (0.01, 1), (2.0, 30)] {
            steps = 0
            try NeuralNetwork.softmaxRegression(options: trainingOptions()).fit(ds, stage: TrainingStage(epochs: epochs, seed: 3, warmStart: false), hooks: count)
            XCTAssertEqual(steps, expected, "\(epochs) epochs")
        }
        // Warm start continues from the current parameters.
        let before = net.parameterValues()
        try net.fit(ds, stage: TrainingStage(epochs: 0.25, seed: 4, warmStart: true))
        XCTAssertNotEqual(net.parameterValues(), before)
        let fresh = try NeuralNetwork.softmaxRegression(options: trainingOptions())
        try fresh.fit(ds, stage: TrainingStage(epochs: 0.25, seed: 4, warmStart: true))
        XCTAssertNotEqual(fresh.parameterValues(), net.parameterValues(), "warm start from nothing is a fresh start")
    }

    /// DP constituents: each record lives in one shard, so the ensemble's ε is the *largest*
    /// constituent ε (parallel composition), not their sum — each constituent accounted with its
    /// own sampling rate batch/shard size, recomputed here with the RDP accountant from the shard
    /// sizes. After unlearning a record the retrained shard's ε is re-accounted the same way.
    /// Catches ε summed over shards (sequential composition: 3× too large), one rate for all
    /// shards, and a stale ε after retraining.
    func testDPConstituentsAccountByParallelComposition() throws {
        var t = trainingOptions(epochs: 3)
        var dp = DPOptions()
        dp.clip = 1
        dp.noise = 1.2
        t.dp = dp
        var o = SISAOptions()
        o.shards = 3
        o.slices = 1
        o.seed = 4
        let e = try SISAEnsemble(options: o, model: try NeuralNetwork.mlp(hidden: [8], options: t))
        let ds = try data()
        try e.fit(ds)
        func expected() throws -> Double {
            try e.shardSizes.map { size -> Double in
                let q = Double(t.batchSize) / Double(size)
                let steps = 3 * Int((Double(size) / Double(t.batchSize)).rounded(.up))
                return try RDPAccountant().epsilon([PrivacyPhase(sampleRate: q, noise: 1.2, steps: steps)], delta: dp.delta)
            }.max()!
        }
        let report = try XCTUnwrap(e.privacy)
        XCTAssertEqual(report.epsilon, try expected(), accuracy: 1e-9)
        XCTAssertTrue(report.note?.contains("parallel composition") == true)
        // A record of the smallest shard, whose ε is the ensemble's: unlearning it changes that ε.
        let smallest = e.shardSizes.indices.min { e.shardSizes[$0] < e.shardSizes[$1] }!
        let victim = try XCTUnwrap((0..<ds.size).first { o.placement(id: ds.ids[$0], label: ds.labels[$0]) == .shard(smallest, slice: 0) })
        _ = try e.unlearn([ds.ids[victim]])
        XCTAssertEqual(try XCTUnwrap(e.privacy).epsilon, try expected(), accuracy: 1e-9, "the retrained shard re-accounted")
    }
}
