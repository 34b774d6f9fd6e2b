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
        var record: [String: LuaValue] = [
            "auc": .number(m.auc), "accuracy": .number(accuracy), "accuracy_is_oracle": .bool(accuracyIsOracle),
            "best_accuracy": .number(m.balancedAccuracy), "advantage": .number(m.advantage),
            "precision": .number(precision), "recall": .number(recall),
            "tpr_at_fpr": .table(tprTable),
            "roc": .list(zip(fpr, tpr).map { .record(["fpr": .number($0), "tpr": .number($1)]) }),
            "roc_fpr": .numbers(fpr), "roc_tpr": .numbers(tpr),
            "scores": .numbers(scores), "ids": .ints(ids), "member": .list(isMember.map { .bool($0) }),
            "per_class": .list(perClass), "notes": .list(notes.map { .string($0) }),
            "members": .int(Int64(m.members)), "nonmembers": .int(Int64(m.nonMembers)),
        ]
        if let a = attackModel { a.lua.forEach { record[$0.key] = $0.value } }
        if let ci = intervals {
            func pair(_ r: ClosedRange<Double>) -> LuaValue { .numbers([r.lowerBound, r.upperBound]) }
            var t = LuaTable()
            for (f, r) in ci.tprAtFPR { t.numberKeyed[f] = pair(r) }
            record["auc_ci"] = pair(ci.auc)
            record["tpr_at_fpr_ci"] = .table(t)
            record["confidence"] = .number(ci.level)
        }
        return .record(record)
    }
}

extension AttackModelReport {
    /// The fields a learned attack adds to its evaluation and its info(): the attack model used,
    /// how it was chosen, and each candidate's held-out AUC.
    var lua: [String: LuaValue] {
        func row(_ c: AttackModelConfiguration) -> [String: LuaValue] {
            ["candidate": .string(c.name), "model": .string(c.name.components(separatedBy: ", ")[0]), "per_class": .bool(c.perClass),
             "features": .string(c.features.rawValue), "sorted": .bool(c.sorted)]
        }
        return [
            "attack_model": .string(chosen.name), "attack_model_chosen_by": .string(automatic ? "validation: " + validation : "fixed"),
            "attack_model_refit": .bool(refitted), "attack_training_auc": .number(trainingAUC),
            "attack_model_candidates": .list(candidates.map { c in
                var r = row(c.configuration)
                r["held_out_auc"] = .number(c.heldOutAUC)
                r["chosen"] = .bool(c.configuration == chosen)
                return .record(r)
            }),
        ]
    }
}

extension Runtime {
    /// The options every attack shares: the target (behind its query budget, if any), what the
    /// attack is given (attacker data, shadow model, training size), seed and workers.
    struct AttackCommon {
        var target: Predictor
        var inputs: AttackInputs
        var seed: UInt64
        var workers: Int
    }

    /// The common options the attack's declaration has (label-only has no data, shadow model or
    /// training size; LiRA no training size).
    static func attackCommon(_ o: LuaOptions) throws -> AttackCommon {
        let given = try o.value("target")   // absent: "option 'target' is required"
        guard case .object(let b) = given, let mo = b.value as? ModelObject else {
            throw LuaError("\(o.fn): option 'target' must be a fitted Model, got \(given.typeName)")
        }
        guard mo.model.isFitted else { throw LuaError("\(o.fn): the target model is not fitted") }
        let declares = { (key: String) in o.declaration?.option(key) != nil }
        var inputs = AttackInputs()
        inputs.data = declares("data") ? try o.dataset("data", what: "the attacker's records") : nil
        inputs.shadowModel = declares("shadow_model") ? try o.model("shadow_model", what: "the attacker's guess of the architecture")?.model : nil
        // A query budget makes the black-box attacker's access explicit: the target refuses records beyond it.
        var target: Predictor = mo.model
        if let b = try o.optionalInteger("budget") { target = try QueryBudgetedClassifier(mo.model, budget: b) }
        inputs.targetTrainingSize = declares("train_size") ? try o.optionalInteger("train_size") : nil
        return AttackCommon(target: target, inputs: inputs, seed: try o.seed(),
                            workers: declares("workers") ? try o.optionalInteger("workers") ?? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1)
    }

    func installAttacks() {
        define(AttackDeclarations.shadow) { call in try Runtime.shadowAttack(call) }
        define(AttackDeclarations.metric) { call in try Runtime.metricAttack(call) }
        define(AttackDeclarations.releasedLayers) { call in try Runtime.releasedLayersAttack(call) }
        define(AttackDeclarations.referenceModels) { call in try Runtime.referenceModels(call) }
        define(AttackDeclarations.rmia) { call in try Runtime.rmiaAttack(call) }
        // pl.attack.lira{target=, data=, shadows=16, online=true, global_variance=false} (Carlini et al. 2022)
        define(AttackDeclarations.lira) { call in
            let o = try call.options(1, AttackDeclarations.lira, optional: false)
            var c = try Runtime.attackCommon(o)
            let shared = try Runtime.sharedReferences(o, &c)
            var l = LiRA.Options()
            l.shadows = try Runtime.sharedCount(o, "shadows", shared, default: l.shadows)
            l.online = try o.flag("online")
            l.globalVariance = try o.flag("global_variance")
            l.seed = c.seed
            l.workers = c.workers
            try o.finish()
            guard c.inputs.data != nil else { throw LuaError("attack.lira: option 'data' is required (or reference_models)") }
            c.inputs.progress = Runtime.from(call).progressObserver(label: "LiRA shadows")
            call.pushObject(AttackObject(try l.fit(target: c.target, inputs: c.inputs)), "Attack")
            return 1
        }
        define(AttackDeclarations.gradient) { call in
            let o = try call.options(1, AttackDeclarations.gradient, optional: false)
            guard case .object(let b) = try o.value("target"), let mo = b.value as? ModelObject, mo.model.isFitted else {
                throw LuaError("attack.gradient: option 'target' must be a fitted Model")
            }
            let g = GradientAttack.Options(signal: try o.choice("score"))
            try o.finish()
            call.pushObject(AttackObject(try g.fit(target: mo.model, inputs: AttackInputs())), "Attack")
            return 1
        }
        define(AttackDeclarations.labelOnly) { call in
            let o = try call.options(1, AttackDeclarations.labelOnly, optional: false)
            let c = try Runtime.attackCommon(o)
            var l = LabelOnlyAttack.Options()
            if let d = try o.optionalInteger("translate") {
                if o.has("noise") { throw LuaError("attack.label_only: give noise or translate, not both") }
                l.perturbation = .translation(pixels: d)
            } else {
                l.perturbation = .gaussian(sigma: try o.number("noise"))
            }
            l.queries = try o.integer("queries")
            l.seed = c.seed
            try o.finish()
            call.pushObject(AttackObject(try l.fit(target: c.target, inputs: c.inputs)), "Attack")
            return 1
        }
        installAttackClass()
        installReferenceModelClass()
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
            let o = try call.options(2, AttackDeclarations.evaluate, optional: false)
            let mem = try dataset(o, "members"), non = try dataset(o, "nonmembers")
            var e = EvaluationOptions()
            e.balanced = try o.flag("balanced")
            e.seed = try o.seed()
            e.fprs = try o.optionalNumbers("fpr") ?? e.fprs
            e.bootstrap = try o.integer("bootstrap")
            e.level = try o.number("confidence")
            try o.finish()
            return call.results(try a.evaluate(members: mem, nonMembers: non, options: e).lua)
        }
        m["scores"] = { call in
            let a = try this(call, "scores")
            return call.results(.numbers(try a.scores(try call.dataset(2, fn: "Attack.scores", arg: "argument 1"))))
        }
        // attack:risk(ds) → Song & Mittal's privacy risk score per record (metric attacks with data).
        m["risk"] = { call in
            let a = try this(call, "risk")
            let ds = try call.dataset(2, fn: "Attack.risk", arg: "argument 1")
            guard let risk = try a.privacyRiskScores(ds) else {
                throw LuaError("Attack.risk: privacy risk scores come from metric attacks (pl.attack.metric{…, data = …})")
            }
            return call.results(.numbers(risk))
        }
        m["threat"] = { call in call.results(.record(try this(call, "threat").statedThreatModel.mapValues { .string($0) })) }
        m["queries"] = { call in call.results(.int(Int64(try this(call, "queries").queries))) }
        m["name"] = { call in call.results(.string(try this(call, "name").name)) }
        // attack:info() → what the attack learned on its own data (shadow accuracies, thresholds).
        m["info"] = { call in
            let a = try this(call, "info")
            var d: [String: LuaValue] = ["name": .string(a.name), "queries": .int(Int64(a.queries))]
            for (k, v) in a.learned { d[k] = v.lua }
            if let r = a.attackModelReport { r.lua.forEach { d[$0.key] = $0.value } }
            if let t = a.threshold { d["threshold"] = .number(t) }
            return call.results(.record(d))
        }
        declare(AttackDeclarations.evaluate)
        for d in AttackDeclarations.methods { declare(d) }
        lua.register(LuaClass(name: "Attack", methods: m) { "Attack(\(($0 as! AttackObject).attack.name))" })
    }
}

extension AttackFact {
    /// The fact as Lua sees it: a number, an integer, or {{class=, threshold=}, …} by class.
    var lua: LuaValue {
        switch self {
        case .number(let x): return .number(x)
        case .integer(let i): return .int(Int64(i))
        case .classThresholds(let t):
            return .list(t.keys.sorted().map { .record(["class": .int(Int64($0)), "threshold": .number(t[$0]!)]) })
        }
    }
}
