import Foundation
import PrivLab

/// A membership-inference attack as a Lua object.
final class AttackObject {
    let attack: MembershipAttack
    init(_ a: MembershipAttack) { attack = a }
}

extension MembershipEvaluation {
    /// The Lua result table of `attack:evaluate{…}`.
    var lua: LuaValue {
        let m = metrics
        // The ROC thinned for charts: every point below 1% FPR, then steps of ≥ 0.001 in FPR or TPR.
        var fpr = [Double](), tpr = [Double]()
        for p in m.roc {
            if let lf = fpr.last, let lt = tpr.last, p.fpr >= 0.01, p.fpr - lf < 0.001, p.tpr - lt < 0.001, p.fpr < 1 { continue }
            fpr.append(p.fpr)
            tpr.append(p.tpr)
        }
        var tprTable = LuaTable()
        for (f, t) in tprAtFPR { tprTable.numberKeyed[f] = .number(t) }
        var perClass = [LuaValue]()
        for c in perClassCount.keys.sorted() {
            var d: [String: LuaValue] = ["class": .int(Int64(c)), "n": .int(Int64(perClassCount[c]!))]
            if let a = perClassAUC[c] { d["auc"] = .number(a) }
            perClass.append(.record(d))
        }
        return .record([
            "auc": .number(m.auc), "accuracy": .number(accuracy), "accuracy_is_oracle": .bool(accuracyIsOracle),
            "best_accuracy": .number(m.balancedAccuracy), "advantage": .number(m.advantage),
            "precision": .number(m.precision), "recall": .number(m.recall),
            "tpr_at_fpr": .table(tprTable),
            "roc": .list(zip(fpr, tpr).map { .record(["fpr": .number($0), "tpr": .number($1)]) }),
            "roc_fpr": .numbers(fpr), "roc_tpr": .numbers(tpr),
            "scores": .numbers(scores), "ids": .ints(ids), "member": .list(isMember.map { .bool($0) }),
            "per_class": .list(perClass), "notes": .list(notes.map { .string($0) }),
            "members": .int(Int64(m.members)), "nonmembers": .int(Int64(m.nonMembers)),
        ])
    }
}

extension Runtime {
    /// The options every attack shares: target, attacker data, shadow model, seed, workers.
    struct AttackCommon {
        var target: Classifier
        var data: Dataset?
        var shadowModel: Classifier?
        var trainSize: Int?
        var seed: UInt64
        var workers: Int
    }

    static func attackCommon(_ o: LuaOptions, needsData: Bool) throws -> AttackCommon {
        guard case .object(let b) = o.raw("target"), let mo = b.value as? ModelObject else {
            throw LuaError("\(o.fn): option 'target' must be a fitted Model, got \(o.raw("target").typeName)")
        }
        guard mo.model.isFitted else { throw LuaError("\(o.fn): the target model is not fitted") }
        var data: Dataset? = nil
        if o.has("data") {
            guard case .object(let d) = o.raw("data"), let ds = d.value as? DatasetObject else {
                throw LuaError("\(o.fn): option 'data' must be a Dataset (the attacker's records)")
            }
            data = ds.ds
        } else {
            _ = o.raw("data")
            if needsData { throw LuaError("\(o.fn): option 'data' (the attacker's Dataset) is required") }
        }
        var shadow: Classifier? = nil
        if o.has("shadow_model") {
            guard case .object(let s) = o.raw("shadow_model"), let sm = s.value as? ModelObject else {
                throw LuaError("\(o.fn): option 'shadow_model' must be a Model (the attacker's guess of the architecture)")
            }
            shadow = sm.model
        } else { _ = o.raw("shadow_model") }
        // A query budget makes the black-box attacker's access explicit: the target refuses records beyond it.
        var target = mo.model
        if let b = try o.int("budget", min: 1) { target = try QueryBudgetedClassifier(target, budget: b) }
        return AttackCommon(target: target, data: data, shadowModel: shadow, trainSize: try o.int("train_size", min: 2),
                            seed: try o.seed(), workers: try o.int("workers", max(1, ProcessInfo.processInfo.activeProcessorCount), min: 1, max: 256))
    }

    func installAttacks() {
        // pl.attack.shadow{target=, data=, shadows=, source=, …} (Shokri et al. 2017)
        define("attack.shadow") { call in
            let o = try call.options(1, fn: "attack.shadow", optional: false)
            let c = try Runtime.attackCommon(o, needsData: true)
            var s = ShadowModelAttack.Options()
            s.shadows = try o.int("shadows", 4, min: 1, max: 1000)
            s.shadowSize = try o.int("shadow_size", min: 2)
            s.syntheticCount = try o.int("synthetic", min: 1)
            s.perClass = try o.bool("per_class", false)
            s.sorted = o.has("sorted") ? try o.bool("sorted", true) : nil
            s.features = AttackFeatures(rawValue: try o.string("features", "log", oneOf: AttackFeatures.allCases.map(\.rawValue)))!
            switch try o.string("attack_model", "logistic", oneOf: ["logistic", "boosting", "mlp"]) {
            case "boosting":
                for key in ["attack_hidden", "attack_epochs", "attack_l2"] where o.has(key) {
                    throw LuaError("attack.shadow: option '\(key)' does not apply to attack_model = \"boosting\"")
                }
                s.attackModel = .boostedTrees(stages: try o.int("attack_stages", 100, min: 1, max: 10_000), depth: try o.int("attack_depth", 3, min: 1, max: 12))
            case "mlp":
                for key in ["attack_stages", "attack_depth", "attack_l2"] where o.has(key) {
                    throw LuaError("attack.shadow: option '\(key)' does not apply to attack_model = \"mlp\"")
                }
                s.attackModel = .mlp(hidden: try o.int("attack_hidden", 64, min: 0, max: 4096), epochs: try o.int("attack_epochs", 30, min: 1, max: 10_000))
            default:
                for key in ["attack_hidden", "attack_epochs", "attack_stages", "attack_depth"] where o.has(key) {
                    throw LuaError("attack.shadow: option '\(key)' does not apply to attack_model = \"logistic\"")
                }
                s.attackModel = .logistic(l2: try o.double("attack_l2", 1e-4, min: 0))
            }
            s.seed = c.seed
            s.workers = c.workers
            let source = try o.string("source", "real", oneOf: ["real", "marginals", "noisy", "synthesis"])
            let noise = try o.double("noise", min: 0, max: 1)
            if noise != nil && source != "noisy" { throw LuaError("attack.shadow: option 'noise' needs source = \"noisy\"") }
            var synth = ShadowSynthesis.Options()
            let synthKeys = ["k_max", "k_min", "conf_min", "rej_max", "iter_max"]
            if source != "synthesis", let k = synthKeys.first(where: { o.has($0) }) {
                throw LuaError("attack.shadow: option '\(k)' needs source = \"synthesis\"")
            }
            synth.kMax = try o.int("k_max", synth.kMax, min: 1)
            synth.kMin = try o.int("k_min", synth.kMin, min: 1)
            synth.confMin = try o.double("conf_min", synth.confMin, max: 0.999999, above: 0)
            synth.rejMax = try o.int("rej_max", synth.rejMax, min: 1)
            synth.iterMax = try o.int("iter_max", synth.iterMax, min: 1)
            if synth.kMin > synth.kMax { throw LuaError("attack.shadow: k_min must not exceed k_max") }
            switch source {
            case "marginals": s.source = .marginals
            case "noisy": s.source = .noisy(fraction: noise ?? 0.1)
            case "synthesis": s.source = .synthesis(synth)
            default: s.source = .real
            }
            try o.finish()
            let a = try s.fit(target: c.target, data: c.data, shadowModel: c.shadowModel, targetTrainingSize: c.trainSize,
                              progress: Runtime.from(call).progressObserver(label: "shadow models"))
            call.pushObject(AttackObject(a), "Attack")
            return 1
        }

        // pl.attack.metric{target=, score=, data=, class_wise=, shadows=} (Yeom et al.; Song & Mittal)
        define("attack.metric") { call in
            let rt = Runtime.from(call)
            let o = try call.options(1, fn: "attack.metric", optional: false)
            let c = try Runtime.attackCommon(o, needsData: false)
            var m = MetricAttack.Options()
            var custom: (name: String, function: MetricAttack.SignalFunction)? = nil
            switch o.raw("score") {
            case .nil: m.signal = .loss
            case .string(let name) where MembershipSignal(rawValue: name) != nil: m.signal = MembershipSignal(rawValue: name)!
            case .string(let name):
                let comp = try rt.components.lookup(kind: .attack_score, name: name, runtime: rt, on: call.L)
                custom = (name, rt.attackScoreFunction(comp, L: call.L))
            case .function(let f):
                custom = ("custom", rt.attackScoreFunction(Component(kind: .attack_score, name: "(function)", function: f, source: "inline"), L: call.L))
            case let v: throw LuaError("attack.metric: option 'score' must be one of loss, confidence, entropy, mentropy, correctness, an attack_score name or a function, got \(v.typeName)")
            }
            m.classWise = try o.bool("class_wise", false)
            m.shadows = try o.int("shadows", 1, min: 1, max: 1000)
            m.shadowSize = try o.int("shadow_size", min: 2)
            m.riskBins = try o.int("risk_bins", 20, min: 2, max: 1000)
            m.seed = c.seed
            m.workers = c.workers
            if c.data == nil, o.has("class_wise") || o.has("shadows") {
                throw LuaError("attack.metric: thresholds (class_wise, shadows) are calibrated on shadow models: give the attacker's data = …")
            }
            try o.finish()
            let a = try MetricAttack(target: c.target, data: c.data, shadowModel: c.shadowModel, targetTrainingSize: c.trainSize,
                                     options: m, custom: custom, progress: Runtime.from(call).progressObserver(label: "shadow models"))
            call.pushObject(AttackObject(a), "Attack")
            return 1
        }

        // pl.attack.lira{target=, data=, shadows=16, online=true, global_variance=false} (Carlini et al. 2022)
        define("attack.lira") { call in
            let o = try call.options(1, fn: "attack.lira", optional: false)
            let c = try Runtime.attackCommon(o, needsData: true)
            var l = LiRA.Options()
            l.shadows = try o.int("shadows", 16, min: 2, max: 1000)
            l.online = try o.bool("online", true)
            l.globalVariance = try o.bool("global_variance", false)
            l.seed = c.seed
            l.workers = c.workers
            if c.trainSize != nil { throw LuaError("attack.lira: option 'train_size' does not apply (each shadow trains on half of its pool)") }
            try o.finish()
            call.pushObject(AttackObject(try l.fit(target: c.target, data: c.data, shadowModel: c.shadowModel, targetTrainingSize: nil,
                                                   progress: Runtime.from(call).progressObserver(label: "LiRA shadows"))), "Attack")
            return 1
        }

        // pl.attack.gradient{target=, score="gradnorm"|"loss"} (white-box)
        define("attack.gradient") { call in
            let o = try call.options(1, fn: "attack.gradient", optional: false)
            guard case .object(let b) = o.raw("target"), let mo = b.value as? ModelObject, mo.model.isFitted else {
                throw LuaError("attack.gradient: option 'target' must be a fitted Model")
            }
            let s = GradientAttack.Signal(rawValue: try o.string("score", "gradnorm", oneOf: GradientAttack.Signal.allCases.map(\.rawValue)))!
            try o.finish()
            call.pushObject(AttackObject(try GradientAttack(target: mo.model, signal: s)), "Attack")
            return 1
        }
        // pl.attack.label_only{target=, noise=0.5 | translate=, queries=20, budget=, seed=} (Choquette-Choo et al. 2021)
        define("attack.label_only") { call in
            let o = try call.options(1, fn: "attack.label_only", optional: false)
            let c = try Runtime.attackCommon(o, needsData: false)
            var l = LabelOnlyAttack.Options()
            if let d = try o.int("translate", min: 1, max: 8) {
                if o.has("noise") { throw LuaError("attack.label_only: give noise or translate, not both") }
                l.perturbation = .translation(pixels: d)
            } else {
                l.perturbation = .gaussian(sigma: try o.double("noise", 0.5, above: 0))
            }
            l.queries = try o.int("queries", 20, min: 1, max: 10_000)
            l.seed = c.seed
            for (key, given) in [("data", c.data != nil), ("shadow_model", c.shadowModel != nil), ("train_size", c.trainSize != nil)] where given {
                throw LuaError("attack.label_only: option '\(key)' does not apply (the attack needs no shadow models)")
            }
            try o.finish()
            call.pushObject(AttackObject(try LabelOnlyAttack(target: c.target, options: l)), "Attack")
            return 1
        }
        installAttackClass()
    }

    /// A Lua attack score: called per record as fn(probabilities, label) → number (higher = member).
    func attackScoreFunction(_ comp: Component, L: OpaquePointer) -> MetricAttack.SignalFunction {
        { [weak self] probs, labels in
            guard let self = self else { return [] }
            return try labels.enumerated().map { i, y in
                let r = try self.callComponent(comp, [.numbers(probs.row(i).map(Double.init)), .int(Int64(y))], on: L)
                guard let v = r.first?.double, !v.isNaN else {
                    throw LuaError("attack_score '\(comp.name)' (\(comp.source)) must return a number for every record, returned \(r.first?.typeName ?? "nothing")")
                }
                return v
            }
        }
    }

    private func installAttackClass() {
        var m = [String: HostFunction]()
        func this(_ call: LuaCall, _ method: String) throws -> MembershipAttack {
            try call.this(AttackObject.self, "Attack", method: method).attack
        }
        func dataset(_ o: LuaOptions, _ key: String) throws -> Dataset {
            guard case .object(let b) = o.raw(key), let d = b.value as? DatasetObject else {
                throw LuaError("\(o.fn): option '\(key)' must be a Dataset, got \(o.raw(key).typeName)")
            }
            return d.ds
        }
        // attack:evaluate{members=, nonmembers=, balanced=true, seed=}
        m["evaluate"] = { call in
            let a = try this(call, "evaluate")
            let o = try call.options(2, fn: "Attack.evaluate", optional: false)
            let mem = try dataset(o, "members"), non = try dataset(o, "nonmembers")
            let balanced = try o.bool("balanced", true)
            let seed = try o.seed()
            try o.finish()
            return call.results(try a.evaluate(members: mem, nonMembers: non, balanced: balanced, seed: seed).lua)
        }
        m["scores"] = { call in
            let a = try this(call, "scores")
            return call.results(.numbers(try a.scores(try call.dataset(2, fn: "Attack.scores", arg: "argument 1"))))
        }
        // attack:risk(ds) → Song & Mittal's privacy risk score per record (metric attacks with data).
        m["risk"] = { call in
            guard let a = try this(call, "risk") as? MetricAttack else {
                throw LuaError("Attack.risk: privacy risk scores come from metric attacks (pl.attack.metric{…, data = …})")
            }
            return call.results(.numbers(try a.riskScores(try call.dataset(2, fn: "Attack.risk", arg: "argument 1"))))
        }
        m["threat"] = { call in
            let a = try this(call, "threat")
            var d = a.threatModel
            let t = (a as? ShadowModelAttack)?.target ?? (a as? MetricAttack)?.target ?? (a as? LiRA)?.target
            if let b = t as? QueryBudgetedClassifier { d["query budget"] = "\(b.used) of \(b.budget) records queried" }
            return call.results(.record(d.mapValues { .string($0) }))
        }
        m["queries"] = { call in call.results(.int(Int64(try this(call, "queries").queries))) }
        m["name"] = { call in call.results(.string(try this(call, "name").name)) }
        // attack:info() → what the attack learned on its own data (shadow accuracies, thresholds).
        m["info"] = { call in
            let a = try this(call, "info")
            var d: [String: LuaValue] = ["name": .string(a.name), "queries": .int(Int64(a.queries))]
            if let s = a as? ShadowModelAttack {
                d["shadow_train_accuracy"] = .number(s.shadowTrainAccuracy)
                d["shadow_test_accuracy"] = .number(s.shadowTestAccuracy)
                d["attack_training_records"] = .int(Int64(s.attackTrainingRecords))
                if let q = s.shadowQueriesPerRecord { d["synthesis_queries_per_record"] = .number(q) }
            }
            if let t = a.threshold { d["threshold"] = .number(t) }
            if let mt = a as? MetricAttack {
                if let g = mt.globalThreshold { d["global_threshold"] = .number(g) }
                if !mt.classThresholds.isEmpty {
                    d["class_thresholds"] = .list(mt.classThresholds.keys.sorted().map { .record(["class": .int(Int64($0)), "threshold": .number(mt.classThresholds[$0]!)]) })
                }
            }
            return call.results(.record(d))
        }
        lua.register(LuaClass(name: "Attack", methods: m) { "Attack(\(($0 as! AttackObject).attack.name))" })
    }
}
