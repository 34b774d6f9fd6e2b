import Foundation

extension ShadowModelAttack.Options: AttackConfiguration {
    /// Trains the shadow models on the attacker's data (`inputs.data`, required), copying the
    /// attacker's guess of the architecture (`inputs.shadowModel`) or the target's own, and the
    /// attack model on their releases.
    public func fit(target: Predictor, inputs: AttackInputs) throws -> ShadowModelAttack {
        try inputs.only([.data, .shadowModel, .targetTrainingSize], attack: "shadow attack")
        return try ShadowModelAttack.fit(target: target, data: try inputs.requireData("shadow attack"), shadowModel: inputs.shadowModel,
                                         targetTrainingSize: inputs.targetTrainingSize, options: self, progress: inputs.progress)
    }
}

// Fitting: the shadows, their releases, and the attack model chosen and trained on them.
extension ShadowModelAttack {
    /// Trains the shadow models (in parallel) and the attack models. `shadowModel` is the attacker's
    /// guess of the architecture (nil: the target's own, i.e. architecture known).
    static func fit(target: Predictor, data: Dataset, shadowModel: Classifier?, targetTrainingSize: Int?, options: Options,
                    progress: ((Int, Int) -> Void)?) throws -> ShadowModelAttack {
        guard options.shadows >= 1 else { throw PrivLabError.invalidArgument("shadow attack: shadows must be at least 1") }
        guard data.size >= 4 else { throw PrivLabError.invalidArgument("shadow attack: the attacker's data set is too small") }
        if case .auto(let search) = options.attackModel { try search.validate() }
        let (pool, synthQueries, perRecord) = try ShadowDataGenerator.make(options.source, data: data,
                                                                             count: options.syntheticCount ?? data.size,
                                                                             target: target, seed: options.seed)
        // Each shadow: in and out sets of equal size drawn from the pool (disjoint within a shadow).
        let size = min(options.shadowSize ?? targetTrainingSize ?? pool.size / 2, pool.size / 2)
        guard size >= 2 else { throw PrivLabError.invalidArgument("shadow attack: the shadow data has too few records (\(pool.size))") }
        let template: ModelArchitecture
        if let shadowModel { template = shadowModel } else { template = try target.requireArchitecture("shadow attack") }
        let outputs = try Self.trainShadows(template: template, pool: pool, size: size, options: options, progress: progress)
        let (models, report) = try Self.fitAttackModels(outputs, options: options)
        let figures = ShadowFigures(trainAccuracy: outputs.map(\.trainAcc).reduce(0, +) / Double(outputs.count),
                                    testAccuracy: outputs.map(\.testAcc).reduce(0, +) / Double(outputs.count),
                                    queriesPerRecord: perRecord, attackTrainingRecords: outputs.reduce(0) { $0 + $1.labels.count },
                                    synthesisQueries: synthQueries)
        let c = models.configuration
        let threat = [
            "access": "black-box: the target's " + (c.features == .logits ? "logits" : "probability vector") + " per query",
            "architecture": shadowModel == nil ? "known (shadows copy the target's hyper-parameters)" : "guessed (\(shadowModel!.summary))",
            "data": describe(options.source),
            "shadows": "\(options.shadows) × \(size) in + \(size) out records",
            "attack model": (c.perClass ? "one per class" : "one global") + ", " + describe(c.model) + " on "
                + (c.sorted ? "sorted " : "") + describe(c.features)
                + (report.automatic ? " (chosen by AUC on held-out shadows: \(report.validation); the target is not queried to choose)" : ""),
        ]
        return ShadowModelAttack(target: target, options: options, attackModels: models, report: report, figures: figures, threatModel: threat)
    }

    /// Trains the shadows and reads their releases: the forms every attack-model configuration
    /// that may be fitted needs (one form for a fixed choice; the searched forms for `.auto`).
    fileprivate static func trainShadows(template: ModelArchitecture, pool: Dataset, size: Int, options: Options,
                                     progress: ((Int, Int) -> Void)?) throws -> [ShadowRelease] {
        let forms: [AttackFeatures]
        switch options.attackModel {
        case .fixed: forms = [options.features]
        case .auto(let s): forms = s.features
        }
        var shadowModels = ShadowModels(template: template, seed: options.seed, stream: 100, salt: 0x9E37, workers: options.workers)
        shadowModels.progress = progress
        return try shadowModels.train(options.shadows, draw: { rng in
            let pick = try rng.sample(pool.size, 2 * size)
            return (pool.rows(Array(pick[0..<size]).sorted()), pool.rows(Array(pick[size...]).sorted()))
        }) { m, inSet, outSet -> ShadowRelease in
            var released = [AttackFeatures: Matrix]()
            for f in forms {
                let fin = try Self.released(m, inSet.features, f), fout = try Self.released(m, outSet.features, f)
                var probs = Matrix(rows: 2 * size, cols: fin.cols)
                probs.data = fin.data + fout.data
                released[f] = probs
            }
            // The arg max of any form is the released label.
            let any = released[forms[0]]!
            let predicted = any.argmaxRows()
            return ShadowRelease(released: released, labels: inSet.labels + outSet.labels,
                                 member: [Bool](repeating: true, count: size) + [Bool](repeating: false, count: size),
                                 trainAcc: try Metrics.accuracy(inSet.labels, Array(predicted[0..<size])),
                                 testAcc: try Metrics.accuracy(outSet.labels, Array(predicted[size...])))
        }
    }

    /// The attack examples of `rows` (shadow, record) pairs for a configuration.
    fileprivate static func examples(_ outputs: [ShadowRelease], _ c: AttackModelConfiguration, _ rows: [(Int, Int)]) -> AttackExamples {
        var x = [[Float]](), labels = [Int](), member = [Int]()
        x.reserveCapacity(rows.count)
        for (s, r) in rows {
            let o = outputs[s]
            x.append(c.vector(o.released[c.features]!.row(r), label: o.labels[r]))
            labels.append(o.labels[r])
            member.append(o.member[r] ? 1 : 0)
        }
        return (x, labels, member)
    }

    /// Fits the attack model: the fixed configuration on every shadow record, or the winner of the
    /// search (refitted on every shadow record unless the search says not to).
    fileprivate static func fitAttackModels(_ outputs: [ShadowRelease], options: Options) throws -> (AttackModelSet, AttackModelReport) {
        let all = outputs.indices.flatMap { s in outputs[s].labels.indices.map { (s, $0) } }
        let seed = options.seed
        guard case .auto(let search) = options.attackModel else {
            let c = options.fixedConfiguration!
            let e = examples(outputs, c, all)
            let set = try AttackModelSet(c, x: e.x, labels: e.labels, member: e.member, seed: seed)
            return (set, AttackModelReport(chosen: c, automatic: false, candidates: [], validation: "none (fixed)", refitted: false,
                                           trainingAUC: try trainingAUC(set, e)))
        }
        let (train, valid, validation) = split(outputs, search: search)
        let candidates = search.candidates(sorted: options.sorted)
        let results = try search.compare(candidates, seed: seed, workers: options.workers,
                                         train: { examples(outputs, $0, train) }, validation: { examples(outputs, $0, valid) })
        let chosen = candidates[AttackModelSearch.best(results)]
        let rows = search.refit ? all : train
        let e = examples(outputs, chosen, rows)
        let set = try AttackModelSet(chosen, x: e.x, labels: e.labels, member: e.member, seed: seed)
        return (set, AttackModelReport(chosen: chosen, automatic: true, candidates: results, validation: validation,
                                       refitted: search.refit, trainingAUC: try trainingAUC(set, e)))
    }

    /// Training and held-out (shadow, record) pairs: the last shadows held out, or with a single
    /// shadow the second half of its ins and of its outs.
    fileprivate static func split(_ outputs: [ShadowRelease], search: AttackModelSearch) -> (train: [(Int, Int)], valid: [(Int, Int)], String) {
        let h = search.heldOutShadows(of: outputs.count)
        if h > 0 {
            let k = outputs.count - h
            let pairs = { (r: Range<Int>) in r.flatMap { s in outputs[s].labels.indices.map { (s, $0) } } }
            return (pairs(0..<k), pairs(k..<outputs.count), "\(h) of \(outputs.count) shadows held out")
        }
        let n = outputs[0].labels.count, half = n / 2   // ins are the first half, outs the second
        let isTrain = { (r: Int) in (r < half ? r : r - half) < half / 2 }
        return ((0..<n).filter(isTrain).map { (0, $0) }, (0..<n).filter { !isTrain($0) }.map { (0, $0) },
                "half of the single shadow's ins and outs held out")
    }

    fileprivate static func trainingAUC(_ set: AttackModelSet, _ e: AttackExamples) throws -> Double {
        let s = try set.scores(e.x, labels: e.labels)
        return try MembershipMetrics(memberScores: zip(s, e.member).filter { $0.1 == 1 }.map(\.0),
                                     nonMemberScores: zip(s, e.member).filter { $0.1 == 0 }.map(\.0)).auc
    }

    static func describe(_ s: ShadowDataSource) -> String {
        switch s {
        case .real: return "real records from the population, disjoint from the target's training set"
        case .marginals: return "synthetic: features drawn independently from per-class marginals"
        case .noisy(let f): return "real records with \(formatCompact(f * 100))% of features perturbed"
        case .synthesis: return "synthetic: hill-climbing on the target's confidence"
        }
    }

    static func describe(_ m: AttackModelKind) -> String {
        switch m {
        case .mlp(let h, let e): return h > 0 ? "MLP(\(h)), \(e) epochs" : "softmax regression, \(e) epochs"
        case .logistic(let l2): return "logistic regression (Newton, L2 \(formatCompact(l2)))"
        case .boostedTrees(let m, let d): return "gradient-boosted trees (\(m) stages of depth \(d))"
        }
    }

    static func describe(_ f: AttackFeatures) -> String {
        switch f {
        case .probabilities: return "prediction vectors"
        case .logProbabilities: return "log-probability vectors (standardised)"
        case .logits: return "logit vectors (standardised)"
        }
    }
}
