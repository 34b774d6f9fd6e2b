import Foundation
import PrivLab

/// `pl.attack.shadow` and `pl.attack.metric`: options read through `AttackDeclarations`.
extension Runtime {
    static func shadowAttack(_ call: LuaCall) throws -> Int32 {
        let o = try call.options(1, AttackDeclarations.shadow, optional: false)
        let c = try Runtime.attackCommon(o)
        var s = ShadowModelAttack.Options()
        s.shadows = try o.integer("shadows")
        s.shadowSize = try o.optionalInteger("shadow_size")
        s.syntheticCount = try o.optionalInteger("synthetic")
        s.perClass = try o.flag("per_class")
        s.sorted = try o.value("sorted").isNil ? nil : try o.flag("sorted")
        s.features = try o.choice("features")
        s.attackModel = try attackModel(o, s)
        s.seed = c.seed
        s.workers = c.workers
        s.source = try shadowSource(o)
        try o.finish()
        var inputs = c.inputs
        inputs.progress = Runtime.from(call).progressObserver(label: "shadow models")
        let a = try s.fit(target: c.target, inputs: inputs)
        call.pushObject(AttackObject(a), "Attack")
        return 1
    }

    /// attack_model with its own options (the declaration refuses the other models'). With auto,
    /// a per_class or features the caller gave fixes that axis of the search.
    private static func attackModel(_ o: LuaOptions, _ s: ShadowModelAttack.Options) throws -> AttackModelSelection {
        switch try o.choice("attack_model") as AttackModelChoice {
        case .boosting: return .boostedTrees(stages: try o.integer("attack_stages"), depth: try o.integer("attack_depth"))
        case .mlp: return .mlp(hidden: try o.integer("attack_hidden"), epochs: try o.integer("attack_epochs"))
        case .logistic: return .logistic(l2: try o.number("attack_l2"))
        case .auto:
            var search = AttackModelSearch()
            if o.has("per_class") { search.perClass = [s.perClass] }
            if o.has("features") { search.features = [s.features] }
            search.holdout = try o.number("attack_holdout")
            search.refit = try o.flag("attack_refit")
            return .auto(search)
        }
    }

    /// source with noise (noisy) or the synthesis settings (synthesis); the declaration refuses
    /// them with other sources.
    private static func shadowSource(_ o: LuaOptions) throws -> ShadowDataSource {
        let source: ShadowSourceChoice = try o.choice("source")
        let noise = try o.number("noise")
        var synth = ShadowSynthesis.Options()
        synth.kMax = try o.integer("k_max")
        synth.kMin = try o.integer("k_min")
        synth.confMin = try o.number("conf_min")
        synth.rejMax = try o.integer("rej_max")
        synth.iterMax = try o.integer("iter_max")
        switch source {
        case .marginals: return .marginals
        case .noisy: return .noisy(fraction: noise)
        case .synthesis: return .synthesis(synth)
        case .real: return .real
        }
    }

    /// `pl.attack.released_layers{target=, data=, layers=, head_hidden=, head_epochs=, head_lr=, seed=}`.
    static func releasedLayersAttack(_ call: LuaCall) throws -> Int32 {
        let o = try call.options(1, AttackDeclarations.releasedLayers, optional: false)
        guard case .object(let b) = try o.value("target"), let target = (b.value as? ModelObject)?.model, target.isFitted else {
            throw LuaError("attack.released_layers: option 'target' must be a fitted Model")
        }
        let data = try o.dataset("data", what: "the attacker's records")
        var r = ReleasedLayersAttack.Options()
        r.layers = try o.optionalInteger("layers")
        r.headHidden = try o.integers("head_hidden")
        r.headEpochs = try o.integer("head_epochs")
        r.headLearningRate = try o.number("head_lr")
        r.seed = try o.seed()
        try o.finish()
        guard let data else { throw LuaError("attack.released_layers: option 'data' is required") }
        call.pushObject(AttackObject(try r.fit(target: target, inputs: AttackInputs(data: data))), "Attack")
        return 1
    }

    static func metricAttack(_ call: LuaCall) throws -> Int32 {
        let rt = Runtime.from(call)
        let o = try call.options(1, AttackDeclarations.metric, optional: false)
        let c = try Runtime.attackCommon(o)
        let shared = try o.optionalObject("reference_models", ReferenceModelsObject.self)
        var m = MetricAttack.Options()
        var custom: MetricAttack.CustomSignal? = nil
        switch try o.value("score") {
        case .nil: m.signal = .loss
        case .string(let name) where MembershipSignal(rawValue: name) != nil: m.signal = MembershipSignal(rawValue: name)!
        case .string(let name):
            let comp = try rt.components.lookup(kind: .attack_score, name: name, runtime: rt, on: call.L)
            custom = MetricAttack.CustomSignal(name: name, function: rt.attackScoreFunction(comp, L: call.L))
        case .function(let f):
            custom = MetricAttack.CustomSignal(name: "custom", function: rt.attackScoreFunction(Component(kind: .attack_score, name: "(function)", function: f, source: "inline"), L: call.L))
        case let v:
            let names = MembershipSignal.allCases.map(\.rawValue).joined(separator: ", ")
            throw LuaError("attack.metric: option 'score' must be one of \(names), an attack_score name or a function, got \(v.typeName)")
        }
        m.classWise = try o.flag("class_wise")
        m.shadows = try Runtime.sharedCount(o, "shadows", shared, default: m.shadows)
        m.shadowSize = try o.optionalInteger("shadow_size")
        m.riskBins = try o.integer("risk_bins")
        m.seed = c.seed
        m.workers = c.workers
        try o.finish()
        // Checked once every option has been read, so a bad or unknown option is reported first.
        if shared == nil, c.inputs.data == nil, o.has("class_wise") || o.has("shadows") {
            throw LuaError("attack.metric: options 'class_wise' and 'shadows' need data or reference_models (thresholds are calibrated on shadow models)")
        }
        if shared != nil, o.has("shadow_model") || o.has("shadow_size") {
            throw LuaError("attack.metric: shadow_model and shadow_size do not apply with reference_models (they are trained already)")
        }
        var inputs = c.inputs
        (inputs.references, inputs.signal, inputs.progress) = (shared?.references, custom, rt.progressObserver(label: "shadow models"))
        call.pushObject(AttackObject(try m.fit(target: c.target, inputs: inputs)), "Attack")
        return 1
    }
}
