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

    static func accountantChoice(_ o: LuaOptions) throws -> (RDPAccountant, RDPConversion) {
        _ = try o.string("accountant", "rdp", oneOf: ["rdp"])
        let conv = RDPConversion(rawValue: try o.string("conversion", "improved", oneOf: RDPConversion.allCases.map(\.rawValue)))!
        var acc = try RDPAccountant()
        if o.has("orders") {
            let orders = try LuaConvert.numbers(o.raw("orders"), fn: o.fn, arg: "option 'orders'")
            do { acc = try RDPAccountant(orders: orders) } catch let e as PrivLabError { throw LuaError("\(o.fn): \(e.description)") }
        }
        return (acc, conv)
    }

    func installPrivacy() {
        // pl.privacy.epsilon{sample_rate=, noise=, steps=, delta=} → ε, best order
        define("privacy.epsilon") { call in
            let o = try call.options(1, fn: "privacy.epsilon", optional: false)
            let phases = try Runtime.privacyPhases(o, needNoise: true)
            guard let delta = try o.double("delta") else { throw LuaError("privacy.epsilon: option 'delta' is required") }
            let (acc, conv) = try Runtime.accountantChoice(o)
            try o.finish()
            let r = try acc.epsilon(phases, delta: delta, conversion: conv)
            return call.results(.number(r.epsilon), .number(r.order))
        }
        // pl.privacy.noise_for{epsilon=, sample_rate=, steps=, delta=} → σ
        define("privacy.noise_for") { call in
            let o = try call.options(1, fn: "privacy.noise_for", optional: false)
            let phases = try Runtime.privacyPhases(o, needNoise: false)
            guard let delta = try o.double("delta") else { throw LuaError("privacy.noise_for: option 'delta' is required") }
            guard let target = try o.double("epsilon") else { throw LuaError("privacy.noise_for: option 'epsilon' is required") }
            let (acc, conv) = try Runtime.accountantChoice(o)
            try o.finish()
            return call.results(.number(try NoiseCalibration.noise(forEpsilon: target, phases: phases, delta: delta) {
                try acc.epsilon($0, delta: delta, conversion: conv).epsilon
            }))
        }
        // pl.privacy.rdp{sample_rate=, noise=, steps=, orders=} → list of RDP values (one per order), orders
        define("privacy.rdp") { call in
            let o = try call.options(1, fn: "privacy.rdp", optional: false)
            let phases = try Runtime.privacyPhases(o, needNoise: true)
            let (acc, _) = try Runtime.accountantChoice(o)
            try o.finish()
            return call.results(.numbers(try acc.curve(phases)), .numbers(acc.orders))
        }
    }
}
