import Foundation
import PrivLab

/// Reference models trained once (`pl.attack.reference_models`) and shared by LiRA, RMIA and a
/// calibrated metric attack, with the architecture they copied and the attacker data they drew on.
final class ReferenceModelsObject {
    let references: ReferenceModels
    let template: Classifier
    let data: Dataset
    let candidates: Int
    init(_ references: ReferenceModels, template: Classifier, data: Dataset, candidates: Int) {
        self.references = references
        self.template = template
        self.data = data
        self.candidates = candidates
    }
}

extension Runtime {
    /// pl.attack.reference_models{model=, data=, candidates=, count=16, seed=, workers=}
    static func referenceModels(_ call: LuaCall) throws -> Int32 {
        let o = try call.options(1, AttackDeclarations.referenceModels, optional: false)
        guard let template = try o.model("model", what: "the architecture to copy")?.model,
              let data = try o.dataset("data", what: "the attacker's records") else { throw LuaError("attack.reference_models: model and data are required") }
        let candidates = try o.dataset("candidates", required: false)
        let count = try o.integer("count"), seed = try o.seed()
        let workers = try o.optionalInteger("workers") ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        try o.finish()
        let pool = try candidates.map { try ReferenceModels.onlinePool(data, candidates: $0) } ?? data
        let refs = try ReferenceModels(template: template, pool: pool, count: count, seed: seed, workers: workers,
                                       progress: Runtime.from(call).progressObserver(label: "reference models"))
        call.pushObject(ReferenceModelsObject(refs, template: template, data: data, candidates: candidates?.size ?? 0), "ReferenceModels")
        return 1
    }

    /// The shared reference models an attack was given, with the data and architecture they imply:
    /// `data` defaults to theirs, and a `shadow_model` beside them is refused (theirs is fixed).
    /// Without them `data` is required — checked after every other option, so a bad value of
    /// another option is reported first.
    static func sharedReferences(_ o: LuaOptions, _ c: inout AttackCommon) throws -> ReferenceModelsObject? {
        guard let r = try o.optionalObject("reference_models", ReferenceModelsObject.self) else { return nil }
        if o.has("shadow_model") { throw LuaError("\(o.fn): shadow_model does not apply with reference_models (they copied their own model)") }
        c.inputs.data = c.inputs.data ?? r.data
        c.inputs.shadowModel = r.template
        c.inputs.references = r.references
        return r
    }

    /// The models an attack uses of `given` shared ones: `option` when set, else all of them.
    static func sharedCount(_ o: LuaOptions, _ option: String, _ given: ReferenceModelsObject?, default d: Int) throws -> Int {
        let n = try o.optionalInteger(option)
        guard let given else { return n ?? d }
        let available = given.references.models.count
        if let n, n > available { throw LuaError("\(o.fn): \(option) = \(n), but the reference models given are \(available)") }
        return n ?? available
    }

    /// pl.attack.rmia{target=, data=, references=4, online=false, preset="library", …}
    static func rmiaAttack(_ call: LuaCall) throws -> Int32 {
        let o = try call.options(1, AttackDeclarations.rmia, optional: false)
        var c = try Runtime.attackCommon(o)
        let shared = try sharedReferences(o, &c)
        var r = try o.choice("preset") as RMIAPreset == .paper ? RMIA.Options.paper : RMIA.Options()
        r.references = try sharedCount(o, "references", shared, default: r.references)
        r.online = try o.flag("online")
        r.gamma = try o.optionalNumber("gamma") ?? r.gamma
        r.temperature = try o.optionalNumber("temperature") ?? r.temperature
        r.signal = try rmiaSignal(o, preset: r.signal)
        r.averaging = try rmiaAveraging(o, preset: r.averaging)
        switch try o.value("a") {
        case .nil: break
        case _ where r.online: throw LuaError("attack.rmia: option 'a' applies offline only (online has IN models)")
        case .string("tuned"): r.offlineA = .tuned
        case .number(let x): r.offlineA = .fixed(x)
        case .int(let i): r.offlineA = .fixed(Double(i))
        case let v: throw LuaError("attack.rmia: option 'a' must be a number in [0, 1] or \"tuned\", got \(v.typeName)")
        }
        r.population = try o.optionalInteger("population")
        r.seed = c.seed
        r.workers = c.workers
        try o.finish()
        guard c.inputs.data != nil else { throw LuaError("attack.rmia: option 'data' is required (or reference_models)") }
        c.inputs.progress = Runtime.from(call).progressObserver(label: "RMIA reference models")
        call.pushObject(AttackObject(try r.fit(target: c.target, inputs: c.inputs)), "Attack")
        return 1
    }

    /// signal, with margin and order only for the Taylor signal (defaults: the preset's).
    private static func rmiaSignal(_ o: LuaOptions, preset: RMIA.Signal) throws -> RMIA.Signal {
        var (margin, order) = (0.6, 4)
        if case .taylorSoftMargin(let m, let n) = preset { (margin, order) = (m, n) }
        let isTaylor: Bool
        if let s = try o.optionalChoice("signal", RMIASignalChoice.self) { isTaylor = s == .taylor } else { isTaylor = preset != .softmax }
        // Read (and bound-checked) before the check that they apply.
        let (m, n) = (try o.optionalNumber("margin"), try o.optionalInteger("order"))
        guard isTaylor else {
            if m != nil || n != nil { throw LuaError("attack.rmia: options 'margin' and 'order' need signal = \"taylor\"") }
            return .softmax
        }
        return .taylorSoftMargin(margin: m ?? margin, order: n ?? order)
    }

    /// averaging, with trim only for the trimmed mean (default: the preset's fraction, else 0.2).
    private static func rmiaAveraging(_ o: LuaOptions, preset: RMIA.Averaging) throws -> RMIA.Averaging {
        var trim = 0.2
        if case .trimmed(let f) = preset { trim = f }
        let isTrimmed: Bool
        if let a = try o.optionalChoice("averaging", RMIAAveragingChoice.self) { isTrimmed = a == .trimmed } else { isTrimmed = preset != .mean }
        let given = try o.optionalNumber("trim")
        guard isTrimmed else {
            if given != nil { throw LuaError("attack.rmia: option 'trim' needs averaging = \"trimmed\"") }
            return .mean
        }
        return .trimmed(fraction: given ?? trim)
    }

    func installReferenceModelClass() {
        var m = [String: HostFunction]()
        func this(_ call: LuaCall, _ method: String) throws -> ReferenceModelsObject {
            try call.this(ReferenceModelsObject.self, "ReferenceModels", method: method)
        }
        m["count"] = { call in call.results(.int(Int64(try this(call, "count").references.models.count))) }
        m["pool_size"] = { call in call.results(.int(Int64(try this(call, "pool_size").references.pool?.size ?? 0))) }
        for d in AttackDeclarations.referenceModelMethods { declare(d) }
        lua.register(LuaClass(name: "ReferenceModels", methods: m) {
            let r = $0 as! ReferenceModelsObject
            return "ReferenceModels(\(r.references.models.count) × \(r.template.summary), pool \(r.references.pool?.size ?? 0)"
                + (r.candidates > 0 ? " incl. \(r.candidates) candidates)" : ")")
        })
    }
}
