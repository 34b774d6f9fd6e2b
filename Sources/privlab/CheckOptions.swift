import ArgumentParser
import Foundation
import PrivLab
import PrivLabLua

/// The bad-value check behind the test suite (issue 19): every numeric option of every `pl`
/// function — found in the option declarations the bindings record, so a new option is covered
/// without touching this file — is tried with 0, −1, 1e-300, 1e300, NaN, ±∞, 2^53, 1e-6 and 1e9
/// (list-valued options as one-element lists), each in a fresh runtime under a time limit, and
/// models the call returns are fitted too; every method of every Lua class likewise, with the value
/// in several argument shapes. A clear Lua error is a pass; the caller (the test)
/// runs each function-and-option in its own process and fails on a signal or a hang.
struct CheckOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-options", abstract: "Try options with extreme values (used by the test suite).", shouldDisplay: false)

    @Flag(help: "List the function-and-option cases, one per line.") var list = false
    @Option(help: "The function (under pl).") var function: String?
    @Option(help: "The option (dp.<key> for a key of dp = {…}).") var option: String?
    @Option(help: "Only this value (by its name in the list).") var value: String?
    @Option(help: "Seconds each value may run.") var timeLimit: Double = 2

    /// The values tried, by name, as Lua expressions.
    static let values: [(name: String, lua: String)] = [
        ("0", "0"), ("-1", "-1"), ("1e-300", "1e-300"), ("1e300", "1e300"), ("nan", "0/0"), ("inf", "math.huge"),
        ("-inf", "-math.huge"), ("2^53", "2^53"), ("1e-6", "1e-6"), ("1e9", "1e9"),
    ]
    /// Sizes each within its own bound whose product is not: the memory budget must refuse them.
    static let products: [String] = [
        "pl.data.blobs{n = 10000000, features = 100000}",
        "pl.data.purchase{n = 10000000, features = 100000}",
        "pl.mlp{hidden = {100000, 100000, 100000}}:fit(d)",
        "pl.cnn{channels = {100000}}:fit(img)",
        "pl.cnn{channels = {64, 64}, hidden = {100000000}}:fit(img)",
        "pl.mlp{hidden = {1000}, batch = 100000000}:fit(d)",
    ]

    /// What each case can use (globals of the runtime): small data, images, a fitted model, and good values for the options
    /// functions require (by name), so the bad value is what the call trips over.
    static let prelude = """
        d = pl.data.blobs{n = 60, features = 4, classes = 3, seed = 1}
        d2 = pl.data.blobs{n = 60, features = 4, classes = 3, seed = 2}
        local px = {}
        for i = 1, 30 do local r = {} for j = 1, 36 do r[j] = ((i * 7 + j * 3) % 10) / 10 end px[i] = r end
        img = pl.data.from_table{x = px, y = (function() local y = {} for i = 1, 30 do y[i] = i % 3 end return y end)(), classes = 3, image_shape = {1, 6, 6}}
        fitted = pl.softmax{epochs = 1}
        fitted:fit(d)
        good = {
          data = d, train = d, members = d, nonmembers = d2, attacker = d2, public = d2, release = d, probes = img, test = d2,
          model = fitted, target = fitted, sample_rate = 0.01, noise = 1, steps = 10, delta = 1e-5, epsilon = 1,
          values = {0, 1, 1, 0}, value = 1, reports = {0, 1, 1, 0}, categories = 2, y = {0.1, 0.9, 0.4},
          tp = 5, fp = 1, positives = 10, negatives = 10, grid = {C = {1}}, label = 0, id = 1,
          fit = function(train) return function(ds) return ds end end,
          feature = pl.memorisation.feature{size = 2}, teacher = fitted, components = 2, bins = 3, step = 1, drop = 1,
          clients = pl.data.clients{data = d, clients = 6}, runs = 4, rows = {{a = 1}},
          privacy = select(2, pl.synth.random_mixing{data = d, noise = 1}),
        }
        -- Where a function wants something else under the same name.
        special = {
          grid_search = {model = pl.logistic},
          sisa = {model = pl.softmax{epochs = 1}},
          transfer = {base = (function() local m = pl.mlp{hidden = {3}, epochs = 1}; m:fit(d); return m end)()},
          ["leakage.kl"] = {data = pl.data.blobs{n = 40, features = 2, classes = 2, std = 0.1, box = 0.5, seed = 3}},
          ["memorisation.plant"] = {data = img},
          ["memorisation.score"] = {model = (function() local m = pl.softmax{epochs = 1}; m:fit(img); return m end)()},
        }
        """

    /// An instance of every Lua class, for trying its methods (`method` cases). A class missing
    /// here makes `--list` fail, so a new class cannot go untried.
    static let instances: [String: String] = [
        "Dataset": "d",
        "Model": "(function() local m = pl.mlp{hidden = {4}, epochs = 1}; m:fit(d); return m end)()",
        "GMM": "pl.gmm{components = 2}:fit(d)",
        "KMeans": "pl.kmeans{k = 2}:fit(d)",
        "Transformer": "pl.pca{components = 2}:fit(d)",
        "Scaler": "pl.scaler{}:fit(d)",
        "SISA": "(function() local e = pl.sisa{shards = 2, slices = 2, model = pl.softmax{epochs = 1}}; e:fit(d); return e end)()",
        "Attack": "pl.attack.metric{target = fitted}",
        "ReferenceModels": "pl.attack.reference_models{model = fitted, data = d, count = 2}",
        "RNG": "pl.rng{seed = 1}",
        "Clients": "pl.data.clients{data = d, clients = 6}",
        "Microdata": "pl.data.census{n = 200, seed = 1}",
        "Release": "pl.anonymize.k_anonymity{data = pl.data.census{n = 200, seed = 1}, quasi = {'age', 'sex'}, sensitive = 'diagnosis', k = 5}",
        "DPRelease": "pl.anonymize.dp_release{data = pl.data.census{n = 200, seed = 1}, quasi = {'age', 'sex'}, sensitive = 'diagnosis', epsilon = 1}",
    ]
    /// Methods not tried: they write files (a number is a valid path).
    static let untried: Set<String> = ["save"]
    /// How a method (or a function taking positional arguments) is called with the value v.
    static let argumentShapes = ["v", "{v}", "{n = v}", "d, v", "d, {temperature = v, epochs = v}", "{{v, v, v, v}}", "v, v",
                                 "d, {epsilon = v, clip = v, bandwidth = v, n = v}", "fitted, d, {epsilon = v}", "d, d, {bandwidth = v}"]
    /// Functions with positional arguments that are not tried: they write files, or only report
    /// on the runtime.
    static let untriedFunctions: Set<String> = ["_write", "_params", "params", "doc", "system", "clock", "time", "spairs", "inspect", "use", "register"]

    func run() throws {
        let doc = try OptionDocumentation.collect()
        if list { return try Self.printList(doc) }
        guard let fn = function, let key = option else { throw ValidationError("give --list, or --function and --option") }
        var cases = [(name: String, code: String)]()
        if fn == "method" || fn == "call" {
            let parts = key.split(separator: ".").map(String.init)
            let target: String
            if fn == "call" {
                guard doc.functions.contains(where: { $0.path == key }), !Self.untriedFunctions.contains(key) else { throw ValidationError("no function pl.\(key)") }
                target = "pl.\(key)("
            } else {
                guard parts.count == 2, let make = Self.instances[parts[0]] else { throw ValidationError("no method case \(key)") }
                target = "(\(make)):\(parts[1])("
            }
            for v in Self.values where value == nil || value == v.name {
                let calls = Self.argumentShapes.map { "pcall(function() local v = \(v.lua); \(target)\($0)) end)" }
                cases.append((v.name, calls.joined(separator: "\n") + "\n" + "return"))
            }
        } else if fn == "product" {
            guard let i = Int(key), Self.products.indices.contains(i) else { throw ValidationError("no product case \(key)") }
            cases = [("product \(i)", Self.products[i])]
        } else {
            guard let f = doc.functions.first(where: { $0.path == fn }) else { throw ValidationError("no function pl.\(fn)") }
            // What the function needs, and every data set or model it takes (a recorded stand-in
            // hides whether those are required), from the good values; the case's key is set after.
            let objects = f.options.filter { $0.kind == .dataset || $0.kind == .model }.map(\.key)
            let base = Set(f.needs + objects).sorted().map { "\($0) = (special[\"\(fn)\"] or {}).\($0) or good.\($0)" }.joined(separator: ", ")
            let fitWith = fn.hasPrefix("cnn") ? "img" : "d"
            // Positional arguments before the options table (perturb_features' data), from the good values.
            let args = f.declaration.isMethod ? "" : f.declaration.arguments.map { "good.\($0.name), " }.joined()
            for v in Self.values where value == nil || value == v.name {
                var set: [String]
                if key.contains(".") {
                    set = [try Self.nestedAssignment(f.declaration, key, v.lua)]
                } else {
                    let declared = f.options.first { $0.key == key }
                    // A list-valued option (hidden = {…}, channels = {…}) gets the value as its element too.
                    // What the option needs beside it to apply (attack_stages: attack_model = "boosting").
                    var companion = ""
                    switch declared?.only {
                    case .equals(let k, let vs)?: companion = vs[0] == "true" || vs[0] == "false" ? "o.\(k) = \(vs[0]); " : "o.\(k) = \"\(vs[0])\"; "
                    case .given(let k, _)?: companion = "o.\(k) = o.\(k) or good.\(k) or 1; "
                    case nil: break
                    }
                    set = ["\(companion)o.\(key) = \(v.lua)"]
                    if let k = declared?.kind, [.any, .integers, .numbers, .table].contains(k) { set.append("\(companion)o.\(key) = {\(v.lua)}") }
                }
                for (i, s) in set.enumerated() {
                    let code = """
                        local o = {\(base)}
                        \(s)
                        local r = pl.\(fn)(\(args)o)
                        if type(r) == "userdata" and tostring(r):find("not fitted", 1, true) then r:fit(\(fitWith)) end
                        """
                    cases.append((v.name + (i == 0 ? "" : " (in a list)"), code))
                }
            }
        }
        try run(cases, name: "\(fn).\(key)")
    }

    /// `--list`: the function-and-option cases, one per line (a class without an instance is an error).
    static func printList(_ doc: OptionDocumentation) throws {
        for f in doc.functions {
            // Numbers, and what takes other values (tables, data sets, models) — a number there must be a clear error too.
            for o in f.options where o.kind.isNumeric || o.kind.takesAnObject { print("\(f.path)\t\(o.key)") }
        }
        for f in doc.functions where f.options.isEmpty && !Self.untriedFunctions.contains(f.path) { print("call\t\(f.path)") }
        for (cls, methods) in doc.classes.sorted(by: { $0.key < $1.key }) {
            guard Self.instances[cls] != nil else { throw ValidationError("no instance of class \(cls) to try its methods: add one to CheckOptions.instances") }
            for m in methods.sorted() where !Self.untried.contains(m) && !m.hasPrefix("__") { print("method\t\(cls).\(m)") }
        }
        // The fields of nested option tables (dp = {…}, dp.adaptive = {…}), from their declarations.
        for f in doc.functions {
            func walk(_ fields: [OptionSpec], _ path: String) {
                for o in fields {
                    if o.kind.isNumeric || o.kind.takesAnObject { print("\(f.path)\t\(path)\(o.key)") }
                    walk(o.fields, "\(path)\(o.key).")
                }
            }
            for o in f.options where !o.fields.isEmpty { walk(o.fields, "\(o.key).") }
        }
        for i in Self.products.indices { print("product\t\(i)") }
    }

    /// Lua setting `value` at a nested key (`dp.noise`, `dp.adaptive.lr`) of `o`: each table on
    /// the way gets its required fields from the good values (and `noise` where one of noise and
    /// epsilon is needed and none is required), what the key needs beside it to apply (its
    /// declared condition), and the value — with `noise` cleared when the key is `epsilon`.
    static func nestedAssignment(_ d: FunctionDeclaration, _ key: String, _ value: String) throws -> String {
        let parts = key.split(separator: ".").map(String.init)
        var fields = d.options, path = "o", lua = [String]()
        for (i, name) in parts.enumerated() {
            guard let spec = fields.first(where: { $0.key == name }) else { throw ValidationError("pl.\(d.path) has no option \(key)") }
            switch spec.only {
            case .equals(let k, let vs)?: lua.append("\(path).\(k) = " + (vs[0] == "true" || vs[0] == "false" ? vs[0] : "\"\(vs[0])\""))
            case .given(let k, _)?: lua.append("\(path).\(k) = \(path).\(k) or good.\(k) or 1")
            case nil: break
            }
            path += ".\(name)"
            if i == parts.count - 1 {
                if name == "epsilon", fields.contains(where: { $0.key == "noise" }) { lua.append("\(path.dropLast(name.count))noise = nil") }
                lua.append("\(path) = \(value)")
            } else {
                var base = spec.fields.filter(\.isRequired).map { "\($0.key) = good.\($0.key)" }
                if base.isEmpty, spec.fields.contains(where: { $0.key == "noise" }), spec.fields.contains(where: { $0.key == "epsilon" }) {
                    base = ["noise = good.noise"]
                }
                lua.append("\(path) = {\(base.joined(separator: ", "))}")
                fields = spec.fields
            }
        }
        return lua.joined(separator: "; ")
    }

    /// Runs each case in a fresh runtime under the time limit, printing "value<TAB>ok" or "value<TAB>error<TAB>message".
    func run(_ cases: [(name: String, code: String)], name: String) throws {
        for c in cases {
            let sink = ConsoleSink(figureDirectory: NSTemporaryDirectory() + "privlab-check-options", out: { _ in })
            var ro = RuntimeOptions()
            ro.progress = false
            let rt = try Runtime(options: ro, sink: sink)
            try rt.run(Self.prelude, chunkName: "=prelude")
            rt.lua.setLimits(LuaLimits(wallSeconds: timeLimit))
            var line = "\(c.name)\t"
            do {
                try rt.run(c.code, chunkName: "=\(name)")
                line += "ok"
            } catch {
                line += "error\t" + "\(error)".split(separator: "\n").first.map(String.init)!
            }
            print(line)
            fflush(stdout)
        }
    }
}
