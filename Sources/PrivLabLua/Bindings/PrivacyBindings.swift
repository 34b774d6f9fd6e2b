import Foundation
import PrivLab

extension Runtime {
    /// The phases of a `pl.privacy.*` call: either sample_rate/noise/steps, or phases = {{…}, …}
    /// (each entry read through `PrivacyDeclarations.phase`).
    static func privacyPhases(_ o: LuaOptions, needNoise: Bool) throws -> [PrivacyPhase] {
        func phase(_ p: LuaOptions) throws -> PrivacyPhase {
            func given<T>(_ key: String, _ v: T?) throws -> T {
                guard let v else { throw LuaError("\(p.fn): option '\(key)' is required") }
                return v
            }
            // Each value is checked against its bounds before any is missed.
            let q = try p.optionalNumber("sample_rate"), s = needNoise ? try p.optionalNumber("noise") : 1, t = try p.optionalInteger("steps")
            return PrivacyPhase(sampleRate: try given("sample_rate", q), noise: try given("noise", s), steps: try given("steps", t))
        }
        guard o.has("phases") else { return [try phase(o)] }
        guard case .table(let t) = try o.value("phases"), t.fields.isEmpty, !t.array.isEmpty else {
            throw LuaError("\(o.fn): option 'phases' must be a non-empty list of {sample_rate=, noise=, steps=}")
        }
        for k in ["sample_rate", "noise", "steps"] where o.declaration?.option(k) != nil && o.has(k) {
            throw LuaError("\(o.fn): give either 'phases' or '\(k)', not both")
        }
        let declaration = PrivacyDeclarations.phase(noise: needNoise)
        return try t.array.enumerated().map { i, v in
            guard case .table(let pt) = v else { throw LuaError("\(o.fn): phases[\(i + 1)] must be a table") }
            let po = try LuaOptions(pt, fn: "\(o.fn) phases[\(i + 1)]", declaration: declaration)
            let p = try phase(po)
            try po.finish()
            return p
        }
    }

    /// The accountant the options ask for (`accountant`, default "rdp") with its own settings, read
    /// through the settings it declares (`AccountantKind.options`); a setting of another accountant
    /// is an error naming it. The RDP accountant also comes typed, for what only it has (the best
    /// order, the curve).
    static func accountant(_ o: LuaOptions) throws -> (any PrivacyAccountant, rdp: RDPAccountant?) {
        let kind: AccountantKind = try o.choice("accountant")
        let settings = try accountantSettings(o, for: kind)
        do {
            switch kind {
            case .rdp:
                let rdp = try RDPAccountant(settings: settings)
                return (rdp, rdp)
            case .pld: return (try kind.make(settings: settings), nil)
            }
        } catch let e as PrivLabError { throw LuaError("\(o.fn): \(e.description)") }
    }

    /// The settings `kind` declares, as given in the options table, each read through its
    /// declaration (`AccountantDeclarations`: kind, default, bounds); absent ones are left to the
    /// accountant's defaults. A setting of another accountant is refused by its declared condition
    /// (checked again here for tables opened without it). A function may declare some settings
    /// only (privacy.rdp: the orders); the others it refuses.
    static func accountantSettings(_ o: LuaOptions, for kind: AccountantKind) throws -> AccountantSettings {
        guard let declaration = o.declaration else { throw LuaError("\(o.fn): internal error: accountant settings read without a declaration") }
        try LuaOptions.checkConditions(o.table, declaration, fn: o.fn, prefix: o.prefix)
        var s = AccountantSettings()
        for opt in kind.options where declaration.option(opt.name) != nil && o.has(opt.name) {
            switch declaration.option(opt.name)!.kind {
            case .number: s.values[opt.name] = .number(try o.number(opt.name))
            case .numbers: s.values[opt.name] = try o.optionalNumbers(opt.name).map { .numbers($0) }
            case .choice: s.values[opt.name] = try o.optionalChoiceName(opt.name).map { .choice($0) }
            default: throw LuaError("\(o.fn): internal error: accountant setting '\(o.label(opt.name))' has no reader")
            }
        }
        return s
    }

    func installPrivacy() {
        // pl.privacy.epsilon{sample_rate=, noise=, steps= | phases=, delta=, accountant=} → ε, best order
        define(PrivacyDeclarations.epsilon) { call in
            let o = try call.options(1, PrivacyDeclarations.epsilon, optional: false)
            let (acc, rdp) = try Runtime.accountant(o)
            let phases = try Runtime.privacyPhases(o, needNoise: true)
            let delta = try o.number("delta")
            try o.finish()
            // RDP also says which order gave the bound.
            if let rdp {
                let r = try rdp.epsilonAndOrder(phases, delta: delta)
                return call.results(.number(r.epsilon), .number(r.order))
            }
            return call.results(.number(try acc.epsilon(phases, delta: delta)))
        }
        // pl.privacy.delta{sample_rate=, noise=, steps= | phases=, epsilon=, accountant=} → δ
        define(PrivacyDeclarations.delta) { call in
            let o = try call.options(1, PrivacyDeclarations.delta, optional: false)
            let (acc, _) = try Runtime.accountant(o)
            let phases = try Runtime.privacyPhases(o, needNoise: true)
            let eps = try o.number("epsilon")
            try o.finish()
            return call.results(.number(try acc.delta(phases, epsilon: eps)))
        }
        // pl.privacy.noise_for{epsilon=, sample_rate=, steps=, delta=, accountant=} → σ
        define(PrivacyDeclarations.noiseFor) { call in
            let o = try call.options(1, PrivacyDeclarations.noiseFor, optional: false)
            let (acc, _) = try Runtime.accountant(o)
            let phases = try Runtime.privacyPhases(o, needNoise: false)
            let delta = try o.number("delta")
            let target = try o.number("epsilon")
            try o.finish()
            return call.results(.number(try acc.noise(forEpsilon: target, phases: phases, delta: delta)))
        }
        // pl.privacy.rdp{sample_rate=, noise=, steps= | phases=, orders=} → list of RDP values (one per order), orders
        define(PrivacyDeclarations.rdp) { call in
            let o = try call.options(1, PrivacyDeclarations.rdp, optional: false)
            let phases = try Runtime.privacyPhases(o, needNoise: true)
            let settings = try Runtime.accountantSettings(o, for: .rdp)
            try o.finish()
            let acc: RDPAccountant
            do { acc = try RDPAccountant(settings: settings) } catch let e as PrivLabError { throw LuaError("\(o.fn): \(e.description)") }
            return call.results(.numbers(try acc.curve(phases)), .numbers(acc.orders))
        }
    }
}

extension Runtime {
    /// `values` (a list) or `value` (one number) of a mechanism call, and whether one was given.
    static func mechanismValues(_ o: LuaOptions) throws -> ([Double], Bool) {
        if o.has("value") {
            if o.has("values") { throw LuaError("\(o.fn): give 'value' or 'values', not both") }
            return ([try o.optionalNumber("value")!], true)
        }
        guard o.has("values") else { throw LuaError("\(o.fn): option 'value' or 'values' is required") }
        return (try LuaConvert.numbers(o.value("values"), fn: o.fn, arg: "option 'values'"), false)
    }

    func installMechanisms() {
        // pl.privacy.laplace{value= | values=, sensitivity=, epsilon=, seed=} → noisy value(s), scale
        define(PrivacyDeclarations.laplace) { call in
            let o = try call.options(1, PrivacyDeclarations.laplace, optional: false)
            let sens = try o.number("sensitivity"), eps = try o.number("epsilon")
            let (v, single) = try Runtime.mechanismValues(o)
            var rng = RNG(seed: try o.seed())
            try o.finish()
            let out = try Mechanisms.laplace(v, sensitivity: sens, epsilon: eps, rng: &rng)
            return call.results(single ? .number(out[0]) : .numbers(out), .number(try Mechanisms.laplaceScale(sensitivity: sens, epsilon: eps)))
        }
        // pl.privacy.gaussian_sigma{sensitivity=, epsilon=, delta=, calibration="analytic"|"classic"} → σ
        define(PrivacyDeclarations.gaussianSigma) { call in
            let o = try call.options(1, PrivacyDeclarations.gaussianSigma, optional: false)
            let sigma = try Runtime.gaussianSigma(o)
            try o.finish()
            return call.results(.number(sigma))
        }
        // pl.privacy.gaussian{value= | values=, sensitivity=, epsilon=, delta=, calibration=, seed=} → noisy value(s), σ
        define(PrivacyDeclarations.gaussian) { call in
            let o = try call.options(1, PrivacyDeclarations.gaussian, optional: false)
            let sigma = try Runtime.gaussianSigma(o)
            let (v, single) = try Runtime.mechanismValues(o)
            var rng = RNG(seed: try o.seed())
            try o.finish()
            let out = try Mechanisms.gaussian(v, sigma: sigma, rng: &rng)
            return call.results(single ? .number(out[0]) : .numbers(out), .number(sigma))
        }
        // pl.privacy.gaussian_delta{sigma=, sensitivity=, epsilon=} → the exact δ(ε)
        define(PrivacyDeclarations.gaussianDelta) { call in
            let o = try call.options(1, PrivacyDeclarations.gaussianDelta, optional: false)
            let s = try o.number("sigma"), sens = try o.number("sensitivity"), eps = try o.number("epsilon")
            try o.finish()
            return call.results(.number(Mechanisms.gaussianDelta(sigma: s, sensitivity: sens, epsilon: eps)))
        }
        // pl.privacy.randomized_response{values=, categories=, epsilon=, seed=} → reports
        define(PrivacyDeclarations.randomizedResponse) { call in
            let o = try call.options(1, PrivacyDeclarations.randomizedResponse, optional: false)
            let values = try o.integers("values")
            let k = try o.integer("categories"), eps = try o.number("epsilon")
            var rng = RNG(seed: try o.seed())
            try o.finish()
            return call.results(.ints(try Mechanisms.randomizedResponse(values, categories: k, epsilon: eps, rng: &rng)))
        }
        // pl.privacy.rr_estimate{reports=, categories=, epsilon=} → unbiased frequency estimates
        define(PrivacyDeclarations.rrEstimate) { call in
            let o = try call.options(1, PrivacyDeclarations.rrEstimate, optional: false)
            let reports = try o.integers("reports")
            let k = try o.integer("categories"), eps = try o.number("epsilon")
            try o.finish()
            return call.results(.numbers(try Mechanisms.estimateFrequencies(reports, categories: k, epsilon: eps)))
        }
    }

    static func gaussianSigma(_ o: LuaOptions) throws -> Double {
        let sens = try o.number("sensitivity"), eps = try o.number("epsilon"), delta = try o.number("delta")
        switch try o.choice("calibration", GaussianCalibration.self) {
        case .classic: return try Mechanisms.gaussianSigmaClassic(sensitivity: sens, epsilon: eps, delta: delta)
        case .analytic: return try Mechanisms.gaussianSigmaAnalytic(sensitivity: sens, epsilon: eps, delta: delta)
        }
    }
}

extension Runtime {
    /// The release's statement (as `model:privacy()` gives one), plus the noise drawn and the
    /// per-vector ε and δ asked for.
    static func guaranteeTable(_ g: Perturbation.Guarantee) -> LuaValue {
        g.privacy.lua(adding: ["noise": .number(g.noise), "epsilon_per_vector": .number(g.epsilonPerVector),
                               "delta_per_vector": .number(g.deltaPerVector)])
    }

    /// Input perturbation's statement as Lua sees it, with the noise, the sensitivity and the unit.
    static func releaseTable(_ r: InputPerturbation.Release) -> LuaValue {
        r.privacy.lua(adding: ["noise": .number(r.noise), "sensitivity": .number(r.sensitivity),
                               "label_flip_probability": .number(r.labelFlipProbability), "unit": .string(r.unit.rawValue)])
    }

    func installPerturbation() {
        define(PerturbationDeclarations.perturbFeatures) { call in
            let ds = try call.dataset(1, fn: "privacy.perturb_features", arg: "argument 1 (data)")
            let o = try call.options(2, PerturbationDeclarations.perturbFeatures)
            var opts = InputPerturbation.Options()
            opts.mechanism = try o.choice("mechanism")
            opts.epsilon = try o.number("epsilon")
            opts.delta = try o.number("delta")
            opts.clip = try o.number("clip")
            opts.labelEpsilon = try o.optionalNumber("label_epsilon")
            opts.seed = try o.seed()
            try o.finish()
            let r = try InputPerturbation(opts).perturb(ds)
            call.pushDataset(r.data)
            call.push(Runtime.releaseTable(r))
            return 2
        }
        // pl.privacy.release_predictions(model, data, {mechanism=, epsilon=, delta=, seed=}) → noisy probabilities, labels, guarantee
        define(PrivacyDeclarations.releasePredictions) { call in
            let mo = try call.model(1, fn: "privacy.release_predictions", arg: "argument 1 (model)")
            let x = try call.features(2, fn: "privacy.release_predictions")
            let o = try call.options(3, PrivacyDeclarations.releasePredictions, optional: false)
            let mech: Perturbation.Mechanism = try o.choice("mechanism")
            let eps = try o.number("epsilon"), delta = try o.number("delta")
            let seed = try o.seed()
            try o.finish()
            let (p, g) = try Perturbation.perturbPredictions(try mo.model.releasedProbabilities(x), mechanism: mech,
                                                             epsilon: eps, delta: delta, seed: seed)
            return call.results(.list((0..<p.rows).map { .numbers(p.row($0).map(Double.init)) }), .ints(p.argmaxRows()),
                                Runtime.guaranteeTable(g))
        }
    }
}
