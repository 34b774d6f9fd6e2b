import Foundation
import PrivLab

extension Runtime {
    func installCore() {
        // The functions lua/privlab/*.lua defines are declared here (what privlab doc and the stubs say).
        for d in LuaLibraryDeclarations.all { declare(d) }
        // Output plumbing used by the Lua-side `print` and `io.write` (lua/privlab/init.lua): the
        // formatting (tostring, __tostring) happens in Lua, only finished text crosses the bridge.
        define("_write") { call in
            let rt = Runtime.from(call)
            for i in 1...max(1, call.argCount) where i <= call.argCount {
                guard case .string(let s) = call.value(i) else {
                    throw LuaError("write: argument \(i) must be a string, got \(call.luaTypeName(i))")
                }
                rt.sink.write(s)
            }
            return 0
        }

        // pl.params{name = default, …}: declares the notebook's parameters; `-P name=value` overrides
        // them, converted to the default's type. The values used are listed in the report.
        // Bad input answers nil and the message instead of raising: the Lua-side pl.params
        // (lua/privlab/init.lua) raises it at level 2, so the error names the notebook's line of
        // the pl.params call rather than init.lua's.
        define("_params") { call in
            do { return try Runtime.declareParameters(call) } catch let e as LuaError {
                return call.results(.nil, .string(e.message))
            }
        }

        // pl.system(): what the numbers were computed with — results are bit-for-bit reproducible on
        // the same machine; another CPU may pick other BLAS kernels and round differently.
        define("system") { call in
            guard call.argCount == 0 else { throw LuaError("system: takes no arguments, got \(call.argCount)") }
            return call.results(.record([
                "version": .string(privlabVersion),
                "blas_kernels": .string(BLASKernel.name),
                // "openblas", "features" (PrivLab's start-up check restarted with a better set) or "user".
                "blas_choice": .string(BLASKernel.choice.rawValue),
                "threads": .int(Int64(BLASThreads.count)),
                "cpu": .string(CPUInfo.model),
                "noise_kernel": .string(GaussianNoise.kernelName),
            ]))
        }

        // pl.doc("mlp") → prints (and returns) every option of pl.mlp with type, default and range.
        define("doc") { call in
            let name = call.argCount == 0 ? "" : try call.string(1, fn: "doc", arg: "argument 1 (a function name such as \"mlp\")")
            let text = try OptionDocumentation.collect().text(for: name)
            Runtime.from(call).sink.write(text)
            call.push(.string(text))
            return 1
        }

        // Wall-clock seconds since an arbitrary origin: for timings only (never deterministic).
        define("clock") { call in
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return call.results(.number(Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9))
        }
    }

    /// `pl._params`: records the declared parameters with the values used (defaults, or `-P`
    /// overrides converted to the default's type) and pushes the table of values. A `-P` value
    /// that does not convert is also kept in `parameterError`: the notebook runner treats it as a
    /// mistake on the command line, not in the notebook.
    static func declareParameters(_ call: LuaCall) throws -> Int32 {
        let rt = Runtime.from(call)
        guard case .table(let t) = call.value(1), t.array.isEmpty, t.otherKeys.isEmpty else {
            throw LuaError("params: expected a table of name = default value, got \(call.luaTypeName(1))")
        }
        var out = [String: LuaValue]()
        for name in t.fields.keys.sorted() {
            let def = t.fields[name]!
            var v = def
            let over = rt.options.parameters[name]
            if let text = over {
                do { v = try Runtime.coerceParameter(text, like: def, name: name) } catch let e as LuaError {
                    rt.parameterError = e.message
                    throw e
                }
                rt.usedOverrides.insert(name)
            }
            out[name] = v
            let shown: String
            switch v {
            case .string(let s): shown = s
            case .int(let i): shown = String(i)
            case .number(let d): shown = formatCompact(d)
            case .bool(let b): shown = b ? "true" : "false"
            default: throw LuaError("params: parameter '\(name)' must default to a number, string or boolean, got \(def.typeName)")
            }
            rt.declaredParameters.removeAll { $0.name == name }
            rt.declaredParameters.append(DeclaredParameter(name: name, value: shown, overridden: over != nil))
        }
        rt.declaredParameters.sort { $0.name < $1.name }
        call.push(.record(out))
        return 1
    }

    static func coerceParameter(_ text: String, like def: LuaValue, name: String) throws -> LuaValue {
        func bad(_ expected: String, _ shown: String) -> LuaError {
            LuaError("params: -P \(name)=\(text): expected \(expected) (the notebook's default is \(name) = \(shown))")
        }
        switch def {
        case .int(let d):
            guard let i = Int64(text) else { throw bad("an integer", String(d)) }
            return .int(i)
        case .number(let d):
            guard let x = Double(text), x.isFinite else { throw bad("a number", formatCompact(d)) }
            return .number(x)
        case .bool(let b):
            switch text.lowercased() {
            case "true", "1", "yes": return .bool(true)
            case "false", "0", "no": return .bool(false)
            default: throw bad("true or false", b ? "true" : "false")
            }
        default:
            return .string(text)
        }
    }
}

/// A seeded random stream as a Lua object (`pl.rng{seed=…}`), for scripts and plugins that need
/// randomness independent of math.random.
final class RNGObject {
    var rng: RNG
    init(_ r: RNG) { rng = r }
}

extension Runtime {
    func installRNG() {
        define(CoreDeclarations.rng) { call in
            let o = try call.options(1, CoreDeclarations.rng)
            let seed = try o.seed()
            try o.finish()
            call.pushObject(RNGObject(RNG(seed: seed)), "RNG")
            return 1
        }
        var m = [String: HostFunction]()
        m["uniform"] = { call in
            let r = try call.this(RNGObject.self, "RNG", method: "uniform")
            if call.argCount >= 3 {
                let lo = try call.number(2, fn: "RNG.uniform", arg: "argument 1 (low)")
                let hi = try call.number(3, fn: "RNG.uniform", arg: "argument 2 (high)")
                return call.results(.number(r.rng.uniform(lo, hi)))
            }
            return call.results(.number(r.rng.uniform()))
        }
        m["normal"] = { call in
            let r = try call.this(RNGObject.self, "RNG", method: "normal")
            let mean = call.argCount >= 2 ? try call.number(2, fn: "RNG.normal", arg: "argument 1 (mean)") : 0
            let sd = call.argCount >= 3 ? try call.number(3, fn: "RNG.normal", arg: "argument 2 (std)") : 1
            return call.results(.number(r.rng.normal(mean: mean, std: sd)))
        }
        m["int"] = { call in
            let r = try call.this(RNGObject.self, "RNG", method: "int")
            let n = try call.integer(2, fn: "RNG.int", arg: "argument 1 (n)")
            guard n >= 1 else { throw LuaError("RNG.int: n must be at least 1, got \(n)") }
            return call.results(.int(Int64(r.rng.int(below: n) + 1)))
        }
        m["bernoulli"] = { call in
            let r = try call.this(RNGObject.self, "RNG", method: "bernoulli")
            let p = try call.number(2, fn: "RNG.bernoulli", arg: "argument 1 (p)")
            guard p >= 0, p <= 1 else { throw LuaError("RNG.bernoulli: p must be in [0, 1], got \(formatCompact(p))") }
            return call.results(.bool(r.rng.bernoulli(p)))
        }
        m["permutation"] = { call in
            let r = try call.this(RNGObject.self, "RNG", method: "permutation")
            let n = try call.integer(2, fn: "RNG.permutation", arg: "argument 1 (n)")
            // The result is a Lua table of n integers: ten million is already 160 MB of them.
            guard n >= 0, n <= 10_000_000 else { throw LuaError("RNG.permutation: n must be in 0…1e7, got \(n)") }
            return call.results(.ints(r.rng.permutation(n).map { $0 + 1 }))
        }
        m["sample"] = { call in
            let r = try call.this(RNGObject.self, "RNG", method: "sample")
            let n = try call.integer(2, fn: "RNG.sample", arg: "argument 1 (n)")
            let k = try call.integer(3, fn: "RNG.sample", arg: "argument 2 (k)")
            guard k >= 0, k <= 10_000_000 else { throw LuaError("RNG.sample: k must be in 0…1e7 (the result is a Lua table), got \(k)") }
            return call.results(.ints(try r.rng.sample(n, k).map { $0 + 1 }))
        }
        m["split"] = { call in
            let r = try call.this(RNGObject.self, "RNG", method: "split")
            call.pushObject(RNGObject(r.rng.split()), "RNG")
            return 1
        }
        for d in CoreDeclarations.rngMethods { declare(d) }
        lua.register(LuaClass(name: "RNG", methods: m) { _ in "RNG(xoshiro256**)" })
    }
}
