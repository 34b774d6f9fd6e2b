import Foundation
import PrivLab

extension Runtime {
    /// The phases of a `pl.privacy.*` call: either sample_rate/noise/steps, or phases = {{…}, …}.
    static func privacyPhases(_ o: LuaOptions, needNoise: Bool) throws -> [PrivacyPhase] {
        func phase(_ p: LuaOptions) throws -> PrivacyPhase {
            guard let q = try p.double("sample_rate") else { throw LuaError("\(p.fn): option 'sample_rate' is required") }
            let s: Double
            if needNoise {
                guard let v = try p.double("noise") else { throw LuaError("\(p.fn): option 'noise' is required") }
                s = v
            } else { s = 1 }
            guard let t = try p.int("steps", min: 0) else { throw LuaError("\(p.fn): option 'steps' is required") }
            let ph = PrivacyPhase(sampleRate: q, noise: s, steps: t)
            guard q > 0, q <= 1 else { throw LuaError("\(p.fn): option 'sample_rate' must be in (0, 1], got \(formatCompact(q))") }
            guard s > 0 else { throw LuaError("\(p.fn): option 'noise' must be positive, got \(formatCompact(s))") }
            return ph
        }
        if o.has("phases") {
            guard case .table(let t) = o.raw("phases"), t.fields.isEmpty, !t.array.isEmpty else {
                throw LuaError("\(o.fn): option 'phases' must be a non-empty list of {sample_rate=, noise=, steps=}")
            }
            for k in ["sample_rate", "noise", "steps"] where o.has(k) {
                throw LuaError("\(o.fn): give either 'phases' or '\(k)', not both")
            }
            return try t.array.enumerated().map { i, v in
                guard case .table(let pt) = v else { throw LuaError("\(o.fn): phases[\(i + 1)] must be a table") }
                let po = try LuaOptions(pt, fn: "\(o.fn) phases[\(i + 1)]")
                let p = try phase(po)
                try po.finish()
                return p
            }
        }
        return [try phase(o)]
    }

    /// The accountant the options ask for (`accountant`, default "rdp") with its own settings, read
    /// through the settings it declares (`AccountantKind.options`); a setting of another accountant
    /// is an error naming it. The RDP accountant also comes typed, for what only it has (the best
    /// order, the curve).
    static func accountant(_ o: LuaOptions) throws -> (any PrivacyAccountant, rdp: RDPAccountant?) {
        let kind = AccountantKind(rawValue: try o.string("accountant", AccountantKind.rdp.rawValue, oneOf: AccountantKind.names))!
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

    /// The settings `kind` declares, as given in the options table (each read with its declared
    /// default and bounds; absent ones are left to the accountant's defaults). A setting that only
    /// another accountant declares is an error naming it.
    static func accountantSettings(_ o: LuaOptions, for kind: AccountantKind) throws -> AccountantSettings {
        var s = AccountantSettings()
        for opt in kind.options {
            let given = o.has(opt.name)
            let value: AccountantSettings.Value?
            switch (opt.domain, opt.defaultValue) {
            case (.number(let lo, let hi), .number(let d)):
                value = .number(try o.double(opt.name, d, max: hi, above: lo))
            case (.numbers, _):
                value = given ? .numbers(try LuaConvert.numbers(o.raw(opt.name), fn: o.fn, arg: "option '\(opt.name)'")) : nil
            case (.choice(let names), .choice(let d)):
                value = .choice(try o.string(opt.name, d, oneOf: names))
            default: value = nil
            }
            if given, let v = value { s.values[opt.name] = v }
        }
        for other in AccountantKind.allCases where other != kind {
            for opt in other.options where !kind.options.contains(where: { $0.name == opt.name }) && o.has(opt.name) {
                throw LuaError("\(o.fn): option '\(opt.name)' does not apply to the \(kind.rawValue) accountant")
            }
        }
        return s
    }

    func installPrivacy() {
        // pl.privacy.epsilon{sample_rate=, noise=, steps=, delta=} → ε, best order
        define("privacy.epsilon") { call in
            let o = try call.options(1, fn: "privacy.epsilon", optional: false)
            let phases = try Runtime.privacyPhases(o, needNoise: true)
            guard let delta = try o.double("delta") else { throw LuaError("privacy.epsilon: option 'delta' is required") }
            let (acc, rdp) = try Runtime.accountant(o)
            try o.finish()
            // RDP also says which order gave the bound.
            if let rdp {
                let r = try rdp.epsilonAndOrder(phases, delta: delta)
                return call.results(.number(r.epsilon), .number(r.order))
            }
            return call.results(.number(try acc.epsilon(phases, delta: delta)))
        }
        // pl.privacy.delta{sample_rate=, noise=, steps= | phases=, epsilon=, accountant=} → δ
        define("privacy.delta") { call in
            let o = try call.options(1, fn: "privacy.delta", optional: false)
            let phases = try Runtime.privacyPhases(o, needNoise: true)
            guard let eps = try o.double("epsilon") else { throw LuaError("privacy.delta: option 'epsilon' is required") }
            let (acc, _) = try Runtime.accountant(o)
            try o.finish()
            return call.results(.number(try acc.delta(phases, epsilon: eps)))
        }
        // pl.privacy.noise_for{epsilon=, sample_rate=, steps=, delta=, accountant=} → σ
        define("privacy.noise_for") { call in
            let o = try call.options(1, fn: "privacy.noise_for", optional: false)
            let phases = try Runtime.privacyPhases(o, needNoise: false)
            guard let delta = try o.double("delta") else { throw LuaError("privacy.noise_for: option 'delta' is required") }
            guard let target = try o.double("epsilon") else { throw LuaError("privacy.noise_for: option 'epsilon' is required") }
            let (acc, _) = try Runtime.accountant(o)
            try o.finish()
            return call.results(.number(try acc.noise(forEpsilon: target, phases: phases, delta: delta)))
        }
        // pl.privacy.rdp{sample_rate=, noise=, steps=, orders=} → list of RDP values (one per order), orders
        define("privacy.rdp") { call in
            let o = try call.options(1, fn: "privacy.rdp", optional: false)
            let phases = try Runtime.privacyPhases(o, needNoise: true)
            guard let acc = try Runtime.accountant(o).rdp else {
                throw LuaError("privacy.rdp: the RDP curve needs accountant = \"rdp\"")
            }
            try o.finish()
            return call.results(.numbers(try acc.curve(phases)), .numbers(acc.orders))
        }
    }
}

extension Runtime {
    /// `values` (a list) or `value` (one number) of a mechanism call, and whether one was given.
    static func mechanismValues(_ o: LuaOptions) throws -> ([Double], Bool) {
        if o.has("value") {
            if o.has("values") { throw LuaError("\(o.fn): give 'value' or 'values', not both") }
            return ([try o.double("value")!], true)
        }
        _ = o.raw("value")
        guard o.has("values") else { throw LuaError("\(o.fn): option 'value' or 'values' is required") }
        return (try LuaConvert.numbers(o.raw("values"), fn: o.fn, arg: "option 'values'"), false)
    }

    func installMechanisms() {
        // pl.privacy.laplace{value= | values=, sensitivity=, epsilon=, seed=} → noisy value(s), scale
        define("privacy.laplace") { call in
            let o = try call.options(1, fn: "privacy.laplace", optional: false)
            let (v, single) = try Runtime.mechanismValues(o)
            let sens = try o.double("sensitivity", 1, above: 0), eps = try o.double("epsilon", 1, above: 0)
            var rng = RNG(seed: try o.seed())
            try o.finish()
            let out = try Mechanisms.laplace(v, sensitivity: sens, epsilon: eps, rng: &rng)
            return call.results(single ? .number(out[0]) : .numbers(out), .number(try Mechanisms.laplaceScale(sensitivity: sens, epsilon: eps)))
        }
        // pl.privacy.gaussian_sigma{sensitivity=, epsilon=, delta=, calibration="analytic"|"classic"} → σ
        define("privacy.gaussian_sigma") { call in
            let o = try call.options(1, fn: "privacy.gaussian_sigma", optional: false)
            let sigma = try Runtime.gaussianSigma(o)
            try o.finish()
            return call.results(.number(sigma))
        }
        // pl.privacy.gaussian{value= | values=, sensitivity=, epsilon=, delta=, calibration=, seed=} → noisy value(s), σ
        define("privacy.gaussian") { call in
            let o = try call.options(1, fn: "privacy.gaussian", optional: false)
            let (v, single) = try Runtime.mechanismValues(o)
            let sigma = try Runtime.gaussianSigma(o)
            var rng = RNG(seed: try o.seed())
            try o.finish()
            let out = try Mechanisms.gaussian(v, sigma: sigma, rng: &rng)
            return call.results(single ? .number(out[0]) : .numbers(out), .number(sigma))
        }
        // pl.privacy.gaussian_delta{sigma=, sensitivity=, epsilon=} → the exact δ(ε)
        define("privacy.gaussian_delta") { call in
            let o = try call.options(1, fn: "privacy.gaussian_delta", optional: false)
            let s = try o.double("sigma", 1, above: 0), sens = try o.double("sensitivity", 1, above: 0), eps = try o.double("epsilon", 1, min: 0)
            try o.finish()
            return call.results(.number(Mechanisms.gaussianDelta(sigma: s, sensitivity: sens, epsilon: eps)))
        }
        // pl.privacy.randomized_response{values=, categories=, epsilon=, seed=} → reports
        define("privacy.randomized_response") { call in
            let o = try call.options(1, fn: "privacy.randomized_response", optional: false)
            let values = try LuaConvert.integers(o.raw("values"), fn: o.fn, arg: "option 'values'")
            let k = try o.int("categories", 2, min: 2, max: 1_000_000), eps = try o.double("epsilon", 1, above: 0)
            var rng = RNG(seed: try o.seed())
            try o.finish()
            return call.results(.ints(try Mechanisms.randomizedResponse(values, categories: k, epsilon: eps, rng: &rng)))
        }
        // pl.privacy.rr_estimate{reports=, categories=, epsilon=} → unbiased frequency estimates
        define("privacy.rr_estimate") { call in
            let o = try call.options(1, fn: "privacy.rr_estimate", optional: false)
            let reports = try LuaConvert.integers(o.raw("reports"), fn: o.fn, arg: "option 'reports'")
            let k = try o.int("categories", 2, min: 2, max: 1_000_000), eps = try o.double("epsilon", 1, above: 0)
            try o.finish()
            return call.results(.numbers(try Mechanisms.estimateFrequencies(reports, categories: k, epsilon: eps)))
        }
    }

    static func gaussianSigma(_ o: LuaOptions) throws -> Double {
        let sens = try o.double("sensitivity", 1, above: 0), eps = try o.double("epsilon", 1, above: 0)
        let delta = try o.double("delta", 1e-5, max: 0.999999, above: 0)
        let cal = try o.string("calibration", "analytic", oneOf: ["analytic", "classic"])
        return cal == "classic" ? try Mechanisms.gaussianSigmaClassic(sensitivity: sens, epsilon: eps, delta: delta)
                                : try Mechanisms.gaussianSigmaAnalytic(sensitivity: sens, epsilon: eps, delta: delta)
    }
}

extension Runtime {
    static func guaranteeTable(_ g: Perturbation.Guarantee) -> LuaValue {
        .record(["epsilon": .number(g.epsilon), "delta": .number(g.delta), "noise": .number(g.noise), "guarantee": .string(g.statement)])
    }

    /// Input perturbation's statement as Lua sees it, with the noise, the sensitivity and the unit.
    static func releaseTable(_ r: InputPerturbation.Release) -> LuaValue {
        guard case .table(let t) = r.privacy.lua else { return r.privacy.lua }
        var d = t.fields
        d["noise"] = .number(r.noise)
        d["sensitivity"] = .number(r.sensitivity)
        d["label_flip_probability"] = .number(r.labelFlipProbability)
        d["unit"] = .string(r.unit.rawValue)
        d["guarantee"] = .string(r.privacy.note ?? "")
        return .record(d)
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
        define("privacy.release_predictions") { call in
            let mo = try call.model(1, fn: "privacy.release_predictions", arg: "argument 1 (model)")
            let x = try call.features(2, fn: "privacy.release_predictions")
            let o = try call.options(3, fn: "privacy.release_predictions", optional: false)
            let mech = Perturbation.Mechanism(rawValue: try o.string("mechanism", "laplace", oneOf: Perturbation.Mechanism.allCases.map(\.rawValue)))!
            let eps = try o.double("epsilon", 1, above: 0), delta = try o.double("delta", 1e-5, max: 0.999999, above: 0)
            let seed = try o.seed()
            try o.finish()
            let (p, g) = try Perturbation.perturbPredictions(try mo.model.releasedProbabilities(x), mechanism: mech,
                                                             epsilon: eps, delta: delta, seed: seed)
            return call.results(.list((0..<p.rows).map { .numbers(p.row($0).map(Double.init)) }), .ints(p.argmaxRows()),
                                Runtime.guaranteeTable(g))
        }
    }
}
