import Foundation
import PrivLab

extension Runtime {
    /// The schedule options of a method, read over its defaults.
    static func unlearningSchedule(_ o: LuaOptions, _ d: UnlearningSchedule) throws -> UnlearningSchedule {
        var s = d
        s.epochs = try o.integer("epochs")
        s.learningRate = try o.number("lr")
        s.optimizer = try o.choice("optimizer")
        s.batchSize = try o.optionalInteger("batch")
        s.momentum = try o.number("momentum")
        s.weightDecay = try o.number("weight_decay")
        return s
    }

    /// The method `c` configured from `o` (which holds the options `UnlearningDeclarations.options(c)`).
    static func unlearningMethod(_ c: UnlearningChoice, _ o: LuaOptions) throws -> UnlearningMethod {
        switch c {
        case .original: return NoUnlearning()
        case .retrain: return Retraining()
        case .finetune: return try scheduled(FineTuning(), o)
        case .gradientAscent: return try scheduled(GradientAscent(), o)
        case .randomLabels: return try scheduled(RandomLabels(), o)
        case .negGradPlus:
            var m = try scheduled(NegGradPlus(), o)
            m.beta = try o.number("beta")
            return m
        case .scrub: return try scrub(o)
        case .salun:
            var m = try scheduled(SalUn(), o)
            m.maskRatio = try o.number("mask_ratio")
            return m
        }
    }

    /// `m` with its schedule read from `o` over its defaults.
    private static func scheduled<M: ScheduledUnlearning>(_ m: M, _ o: LuaOptions) throws -> M {
        var m = m
        m.schedule = try unlearningSchedule(o, m.schedule)
        return m
    }

    private static func scrub(_ o: LuaOptions) throws -> SCRUB {
        var m = try scheduled(SCRUB(), o)
        m.alpha = try o.number("alpha")
        m.gamma = try o.number("gamma")
        m.temperature = try o.number("temperature")
        m.maxSteps = try o.integer("msteps")
        m.decayEpochs = try o.optionalIntegers("decay_epochs") ?? m.decayEpochs
        m.decayRate = try o.number("decay_rate")
        return m
    }

    /// One entry of evaluate's `methods`: a name, or a table {method = name, option = …}.
    static func unlearningEntry(_ v: LuaValue, index: Int) throws -> UnlearningMethod {
        let names = UnlearningChoice.allCases.map(\.rawValue).joined(separator: ", ")
        switch v {
        case .string(let s):
            guard let c = UnlearningChoice(rawValue: s) else { throw LuaError("unlearn.evaluate: methods[\(index)] '\(s)' is not one of \(names)") }
            return try unlearningMethod(c, try LuaOptions(LuaTable(), fn: "unlearn.evaluate methods[\(index)]", declaration: UnlearningDeclarations.entry(c)))
        case .table(let t):
            guard case .string(let s)? = t.fields["method"], let c = UnlearningChoice(rawValue: s) else {
                throw LuaError("unlearn.evaluate: methods[\(index)] needs method = one of \(names)")
            }
            let o = try LuaOptions(t, fn: "unlearn.evaluate methods[\(index)]", declaration: UnlearningDeclarations.entry(c))
            let m = try unlearningMethod(c, o)
            try o.finish()
            return m
        default:
            throw LuaError("unlearn.evaluate: methods[\(index)] must be a method name or a table {method = …}, got \(v.typeName)")
        }
    }

    func installUnlearning() {
        for c in UnlearningChoice.allCases where c != .original && c != .retrain {
            // pl.unlearn.<method>{model =, forget =, retain =, epochs =, lr =, …, seed =} → a new Model.
            define(UnlearningDeclarations.method(c)) { call in
                let o = try call.options(1, UnlearningDeclarations.method(c), optional: false)
                let model = try o.model("model")!.model
                let forget = try o.dataset("forget")!
                let retain = try o.dataset("retain", required: c != .gradientAscent)
                let method = try Runtime.unlearningMethod(c, o)
                let seed = try o.seed()
                try o.finish()
                let out = try method.unlearn(model, forget: forget, retain: retain ?? forget.rows([]), seed: seed)
                call.pushObject(ModelObject(out, onEpoch: nil), "Model")
                return 1
            }
        }
        define(UnlearningDeclarations.evaluate) { call in try Runtime.evaluateUnlearning(call) }
    }

    /// pl.unlearn.evaluate{model =, forget =, retain =, test =, methods =, sisa =, shadows =, …}
    static func evaluateUnlearning(_ call: LuaCall) throws -> Int32 {
        let rt = Runtime.from(call)
        let o = try call.options(1, UnlearningDeclarations.evaluate, optional: false)
        let model = try o.model("model")!.model
        let forget = try o.dataset("forget")!, retain = try o.dataset("retain")!, test = try o.dataset("test")!
        var entries = [UnlearningEvaluation.Entry]()
        switch try o.value("methods") {
        case .nil:
            entries = try UnlearningChoice.allCases.map { UnlearningEvaluation.Entry(method: try unlearningEntry(.string($0.rawValue), index: 1), original: model) }
        case .table(let t):
            for (i, v) in t.array.enumerated() { entries.append(.init(method: try unlearningEntry(v, index: i + 1), original: model)) }
            if !t.fields.isEmpty { throw LuaError("unlearn.evaluate: option 'methods' must be a list, got key '\(t.fields.keys.sorted()[0])'") }
        case let v: throw LuaError("unlearn.evaluate: option 'methods' must be a list of method names or tables, got \(v.typeName)")
        }
        if let sisa = try o.model("sisa", required: false) { entries.append(.init(method: SISAUnlearning(), original: sisa.model)) }
        var opts = UnlearningEvaluation.Options()
        opts.shadows = try o.integer("shadows")
        opts.globalVariance = try o.flag("global_variance")
        opts.population = try o.dataset("population", required: false)
        opts.seed = try o.seed()
        opts.workers = try o.optionalInteger("workers") ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        opts.evaluation.fprs = try o.optionalNumbers("fpr") ?? opts.evaluation.fprs
        opts.evaluation.seed = opts.seed
        try o.finish()
        var bars = [String: (Int, Int) -> Void]()
        opts.progress = { label, done, total in
            if bars[label] == nil { bars[label] = rt.progressObserver(label: label) ?? { _, _ in } }
            bars[label]!(done, total)
        }
        let e = try UnlearningEvaluation(entries: entries, forget: forget, retain: retain, test: test, options: opts)
        let rows: [LuaValue] = e.rows.map { r in
            var d: [String: LuaValue] = [
                "method": .string(r.method), "forget_accuracy": .number(r.forgetAccuracy), "retain_accuracy": .number(r.retainAccuracy),
                "test_accuracy": .number(r.testAccuracy), "seconds": .number(r.seconds), "mia_efficacy": .number(r.miaEfficacy),
                "model": .object(LuaObjectBox(ModelObject(r.model, onEpoch: nil), typeName: "Model")),
            ]
            if let u = r.ulira {
                d["ulira"] = u.lua
                d["ulira_auc"] = .number(u.metrics.auc)
                d["ulira_accuracy"] = .number(u.metrics.balancedAccuracy)
            }
            return .record(d)
        }
        return call.results(.record(["rows": .list(rows), "never_seen": .ints(e.neverSeenIds), "clock": .string("wall-clock")]))
    }
}
