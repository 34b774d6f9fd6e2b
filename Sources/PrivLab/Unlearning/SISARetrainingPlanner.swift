import Foundation

/// Which stages of which shards must be (re)trained for the live records, and training them:
/// every stage's checkpoint is keyed by the content it depends on (options, template, the stage's
/// cumulative record ids), so a request retrains exactly the stages whose key changed and reuses
/// the rest (Bourtoule et al. 2021, §IV-B; the reference code keys slices the same way).
extension SISAEnsemble {
    /// Hash of the options (worker count aside), the template model and the whole dataset.
    func configurationKey(_ d: Dataset) throws -> UInt64 {
        var o = options
        o.workers = 1
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        var h = ContentHash()
        h.add(String(decoding: try enc.encode(o), as: UTF8.self))
        h.add(factory.identity)
        h.add(d.ids)
        h.add(d.labels)
        h.add(d.classes)
        h.add(d.features.data)
        h.add(d.imageShape ?? [])
        return h.value
    }

    /// The key of stage `r` of shard `s` given its cumulative record ids: everything that stage's
    /// checkpoint depends on.
    func stageKey(shard s: Int, stage r: Int, cumulative: [Int]) -> UInt64 {
        var h = ContentHash()
        h.add(configKey)
        h.add(s)
        h.add(r)
        h.add(cumulative)
        return h.value
    }

    /// Places the live records and brings every constituent up to date, training only the stages
    /// whose checkpoint key is missing (in parallel over shards). Returns what was trained.
    func reconcile() throws -> SISAWork {
        let start = Date()
        guard let d = data else { throw PrivLabError.invalidArgument("sisa: no data") }
        let plan = planStages(placeRecords(d))
        var work = try trainStages(plan, data: d)
        try materialiseConstituents(plan)
        if options.aggregation == .stack {
            let t0 = Date()
            try trainMetaLearner()
            work.metaSeconds = Date().timeIntervalSince(t0)
        } else {
            metaLearner = nil
        }
        work.seconds = Date().timeIntervalSince(start)
        return work
    }

    /// The live records' places: each shard's slices (sorted record ids), and the holdout, which
    /// become `sliceIds` and `holdoutIds`. Placed over every fitted record, removed ones included,
    /// so that removals move no one.
    @discardableResult
    func placeRecords(_ d: Dataset) -> [[[Int]]] {
        let S = options.shards, R = options.slices
        var slices = [[[Int]]](repeating: [[Int]](repeating: [], count: R), count: S)
        var holdout = [Int]()
        let placed = options.placements(ids: d.ids, labels: d.labels)
        for (i, id) in d.ids.enumerated() where !removedIds.contains(id) {
            switch placed[i] {
            case .holdout: holdout.append(id)
            case .shard(let s, let r): slices[s][r].append(id)
            }
        }
        for s in 0..<S { for r in 0..<R { slices[s][r].sort() } }
        holdout.sort()
        sliceIds = slices
        holdoutIds = holdout
        return slices
    }

    /// Which stages to train: every stage's key and cumulative record ids, and per shard the
    /// first stage whose checkpoint is missing (the job retrains it and every later one).
    private struct StagePlan {
        struct Job { let shard: Int; let from: Int; let cost: Double }
        var keys: [[UInt64?]]
        var cumulativeIds: [[[Int]]]
        var jobs = [Job]()
    }

    private func planStages(_ slices: [[[Int]]]) -> StagePlan {
        let S = options.shards, R = options.slices
        var plan = StagePlan(keys: [[UInt64?]](repeating: [UInt64?](repeating: nil, count: R), count: S),
                             cumulativeIds: [[[Int]]](repeating: [], count: S))
        for s in 0..<S {
            var cum = [Int]()
            var firstMissing: Int? = nil
            for r in 0..<R {
                cum = (cum + slices[s][r]).sorted()
                plan.cumulativeIds[s].append(cum)
                guard !cum.isEmpty else { continue }
                let k = stageKey(shard: s, stage: r, cumulative: cum)
                plan.keys[s][r] = k
                if firstMissing == nil && !store.contains(k, factory: factory) { firstMissing = r }
            }
            if let f = firstMissing {
                let cost = (f..<R).reduce(0.0) { $0 + Double(plan.cumulativeIds[s][$1].count) }
                plan.jobs.append(StagePlan.Job(shard: s, from: f, cost: cost))
            }
        }
        // Longest jobs first.
        plan.jobs.sort { ($0.cost, -$0.shard) > ($1.cost, -$1.shard) }
        return plan
    }

    /// Trains the planned stages, one BLAS thread per worker when parallel, saving each checkpoint.
    private func trainStages(_ plan: StagePlan, data d: Dataset) throws -> SISAWork {
        let R = options.slices
        let jobs = plan.jobs, keys = plan.keys, cumulativeIds = plan.cumulativeIds
        let epochsPerStage = stageEpochs
        let seed = options.seed
        let lock = NSLock()
        let totalStages = jobs.reduce(0) { $0 + (R - $1.from) }
        var stagesDone = 0
        let outcomes = try ParallelWork.run(jobs.count, workers: factory.template.parallelWorkers(options.workers)) { [self] j -> (stages: Int, samples: Double, records: Int) in
            let job = jobs[j]
            var from: SISACheckpoint? = nil
            if job.from > 0, let k = keys[job.shard][job.from - 1] {
                guard let c = store.load(k, factory: factory) else {
                    throw PrivLabError.message("sisa: checkpoint \(hex(k)) vanished while retraining")
                }
                from = c
            }
            var stages = 0, samples = 0.0
            for r in job.from..<R {
                let ids = cumulativeIds[job.shard][r]
                guard let k = keys[job.shard][r] else { continue }
                let part = d.rows(ids.map { positions[$0]! })
                let stageSeed = mix64(seed ^ mix64(UInt64(job.shard) << 20 | UInt64(r)))
                let c = try factory.trainStage(data: part, from: from, seed: seed, shard: job.shard,
                                               stage: TrainingStage(epochs: epochsPerStage, seed: stageSeed, warmStart: from != nil))
                try store.save(k, c)
                lock.lock()
                let f: Result<Void, Error> = Result { try fault("stage-trained") }
                stagesDone += 1
                progress?(stagesDone, totalStages)
                lock.unlock()
                try f.get()
                from = c
                stages += 1
                samples += Double(ids.count) * epochsPerStage
            }
            return (stages, samples, cumulativeIds[job.shard][R - 1].count)
        }
        var work = SISAWork()
        for (j, v) in outcomes.enumerated() {
            work.shardsTouched.append(jobs[j].shard)
            work.stagesRetrained += v.stages
            work.samples += v.samples
            work.records += v.records
        }
        work.shardsTouched.sort()
        return work
    }

    /// Materialises the constituents from their final checkpoints (an unchanged one is kept).
    private func materialiseConstituents(_ plan: StagePlan) throws {
        var models = [Classifier?](), finals = [SISACheckpoint?](), finalKeys = [UInt64?]()
        for s in 0..<options.shards {
            guard let k = plan.keys[s].last ?? nil else { models.append(nil); finals.append(nil); finalKeys.append(nil); continue }
            finalKeys.append(k)
            if s < constituentKeys.count, constituentKeys[s] == k, let m = constituents[s] {
                models.append(m)
                finals.append(finalCheckpoints[s])
                continue
            }
            guard let c = store.load(k, factory: factory) else { throw PrivLabError.message("sisa: checkpoint \(hex(k)) is missing") }
            finals.append(c)
            models.append(try factory.model(restoring: c))
        }
        guard models.contains(where: { $0 != nil }) else { throw PrivLabError.invalidArgument("sisa: no records are left to train on") }
        constituents = models
        finalCheckpoints = finals
        constituentKeys = finalKeys
        stageKeysInUse = Set(plan.keys.flatMap { $0.compactMap { $0 } })
    }

    func collectGarbage() { store.collectGarbage(keep: stageKeysInUse) }
}
