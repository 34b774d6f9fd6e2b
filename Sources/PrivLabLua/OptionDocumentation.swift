import CLua
import Foundation
import PrivLab

/// What every `pl` function accepts, learnt from the bindings themselves: each function is called
/// once with an empty options table while `LuaOptions.recorder` is set, so its accessors declare
/// every option (type, default, bounds, choices) and `finish()` stops it before it does anything.
/// `privlab doc`, `pl.doc` and `privlab stubs` are written from these declarations, so they cannot
/// drift from what the bindings validate. Functions whose first argument is not an options table
/// (`pl.load(path)`, `pl.synth.mmd(a, b, …)`) declare nothing this way and are listed without options.
public struct OptionDocumentation {
    public struct Function {
        public var path: String
        public var options: [OptionDeclaration]
        /// Why recording stopped before `finish()` (nil: every option was declared).
        public var stoppedBy: String? = nil
        /// Options the function needed before it would go on: those it says are required, and
        /// those it checks itself (a fitted model, a list) — what a real call must give.
        public var needs: [String] = []
    }
    public var functions: [Function]
    /// Lua classes (objects the functions return) and their methods.
    public var classes: [String: [String]]

    /// Records every function of a fresh runtime.
    public static func collect() throws -> OptionDocumentation {
        let rt = try Runtime(options: RuntimeOptions(), sink: ConsoleSink(figureDirectory: NSTemporaryDirectory(), out: { _ in }))
        var out = [Function]()
        let standIns = try OptionDocumentation.standIns(rt)
        for path in rt.modulePaths.sorted() {
            let recorder = OptionRecorder()
            // Run until the function reaches finish(); each "option 'k' is required" gives k a
            // stand-in value and runs it again.
            var last: String? = nil
            for _ in 0..<12 {
                LuaOptions.recorder = recorder
                let r = try? rt.run("local ok, e = pcall(pl.\(path), {}); return tostring(e)", chunkName: "=doc")
                LuaOptions.recorder = nil
                guard case .string(let message)? = r?.first else { last = nil; break }
                last = message
                var progressed = false
                if let k = requiredKey(message), !recorder.required.contains(k) { recorder.required.insert(k); progressed = true }
                // A function that checks an object argument itself: hand it a stand-in of that kind.
                for (needle, values) in standIns where message.contains(needle) {
                    for (k, v) in values where recorder.standIns[k] == nil { recorder.standIns[k] = v; progressed = true }
                }
                if !progressed { break }
            }
            let stopped = last.flatMap { $0.contains(OptionRecorder.stop) ? nil : $0 }
            out.append(Function(path: path, options: recorder.declarations.filter { $0.function == path || $0.function.hasPrefix(path + ".") },
                                stoppedBy: stopped, needs: recorder.required.union(recorder.standIns.keys).sorted()))
        }
        // Functions of the Lua-side library (lua/privlab/*.lua) take positional arguments.
        let walked = try rt.run(OptionDocumentation.walk, chunkName: "=doc")
        if case .string(let names)? = walked.first {
            let known = Set(out.map(\.path))
            for n in names.split(separator: " ").map(String.init) where !known.contains(n) && !n.hasPrefix("_") {
                out.append(Function(path: n, options: []))
            }
        }
        out.sort { $0.path < $1.path }
        return OptionDocumentation(functions: out, classes: rt.lua.registeredClasses)
    }

    /// Stand-ins by the phrase of the check that asks for them: (message fragment → option values).
    static func standIns(_ rt: Runtime) throws -> [(String, [String: LuaValue])] {
        func value(_ code: String) throws -> LuaValue { try rt.run(code, chunkName: "=doc").first ?? .nil }
        let fitted = try value("local m = pl.softmax{epochs = 1}; m:fit(pl.data.blobs{n = 40, features = 3, classes = 2, seed = 1}); return m")
        let ints = LuaValue.list([.int(0), .int(1), .int(0), .int(1)])
        let numbers = LuaValue.list([.number(0.1), .number(0.9), .number(0.4), .number(0.6)])
        return [
            ("option 'target' must be a fitted Model", ["target": fitted]),
            ("option 'model' must be a Model", ["model": fitted]),
            ("option 'model' must be a model constructor", ["model": try value("return pl.softmax")]),
            ("option 'values' must be a list of integers", ["values": ints]),
            ("option 'reports' must be a list of integers", ["reports": ints]),
            ("option 'value' or 'values' is required", ["value": .number(1)]),
            ("option 'feature' must be a table from pl.memorisation.feature", ["feature": try value("return pl.memorisation.feature{}")]),
            ("option 'privacy' must be the release's privacy table",
             ["privacy": try value("local d = pl.data.blobs{n = 40, seed = 1}; local r, p = pl.synth.random_mixing{data = d, noise = 1}; return p"),
              "release": try value("return pl.data.blobs{n = 40, seed = 1}")]),
            ("give 'y' (and optionally 'x') or 'series'", ["y": numbers]),
            ("give tp, fp, positives and negatives", ["tp": .int(5), "fp": .int(1), "positives": .int(10), "negatives": .int(10)]),
            ("option 'data' (the attacker's Dataset) is required", ["data": try value("return pl.data.blobs{n = 40, features = 3, classes = 2, seed = 2}")]),
            ("option 'grid' must be a table", ["grid": .table(LuaTable(fields: ["C": .list([.int(1)])]))]),
            ("option 'x' must be a list of rows", ["x": .list([.list([.number(1), .number(2)]), .list([.number(3), .number(4)])]), "y": .list([.int(0), .int(1)])]),
            ("option 'fit' is required", ["fit": try value("return function(train) return function(ds) return ds end end")]),
        ]
    }

    /// Lua that lists every function under `pl` by dotted path.
    public static let walk = """
        local out = {}
        local function walk(t, prefix, seen)
          if seen[t] then return end
          seen[t] = true
          for k, v in pairs(t) do
            if type(k) == "string" then
              if type(v) == "function" then out[#out + 1] = prefix .. k elseif type(v) == "table" then walk(v, prefix .. k .. ".", seen) end
            end
          end
        end
        walk(pl, "", {})
        table.sort(out)
        return table.concat(out, " ")
        """

    /// The option a "… option 'k' is required …" message names.
    static func requiredKey(_ message: String) -> String? {
        guard let r = message.range(of: #"option '([A-Za-z_0-9]+)'( \([^)]*\))? is required"#, options: .regularExpression) else { return nil }
        let part = message[r]
        guard let open = part.firstIndex(of: "'") else { return nil }
        let rest = part[part.index(after: open)...]
        return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
    }

    /// The options of `pl.<path>` as text (for `privlab doc` and `pl.doc`).
    public func text(for name: String) throws -> String {
        let path = name.hasPrefix("pl.") ? String(name.dropFirst(3)) : name
        guard let f = functions.first(where: { $0.path == path }) else {
            let near = LuaOptions.nearest(path, in: functions.map(\.path)).map { " — did you mean pl.\($0)?" } ?? ""
            throw LuaError("doc: no function pl.\(path)\(near)")
        }
        var s = "pl.\(f.path)"
        if f.options.isEmpty { return s + "(…): takes positional arguments (see the README)\n" }
        s += "{…} options:\n"
        let width = f.options.map(\.key.count).max() ?? 0
        for o in f.options {
            var line = "  " + o.key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + typeText(o)
            if let d = o.defaultValue { line += ", default \(d)" } else if o.type != "value" { line += ", required or optional (no default)" }
            if let r = o.range { line += o.type == "Dataset" || o.type == "Model" ? " — \(r)" : ", \(r)" }
            if let m = OptionMeanings.meaning(function: f.path, key: o.key) { line += ": " + m }
            s += line + "\n"
        }
        return s
    }

    func typeText(_ o: OptionDeclaration) -> String {
        switch o.type {
        case "choice": return (o.choices ?? []).map { "\"\($0)\"" }.joined(separator: " | ")
        case "value": return "any"
        default: return o.type
        }
    }

    /// Lua Language Server annotations (`---@meta`): one class per options table with each field's
    /// type, default and range, the functions, and every object class with its methods.
    public func luaStubs() -> String {
        var s = "---@meta privlab\n-- Generated by `privlab stubs` (privlab \(privlabVersion)) from the options the bindings read; do not edit.\n\n"
        s += "---@class pl\npl = {}\n"
        let tables = Set(functions.flatMap { f -> [String] in
            let parts = f.path.split(separator: ".").map(String.init)
            return (1..<max(parts.count, 1)).map { parts[0..<$0].joined(separator: ".") }
        }).sorted()
        for t in tables { s += "pl.\(t) = {}\n" }
        s += "\n"
        for c in classes.keys.sorted() { s += "---@class \(c)\n\(c) = {}\n" }
        s += "\n"
        for f in functions {
            let cls = "pl.\(f.path).options"
            if !f.options.isEmpty {
                s += "---@class \(cls)\n"
                for o in f.options {
                    var doc = [String]()
                    if let m = OptionMeanings.meaning(function: f.path, key: o.key) { doc.append(m) }
                    if let d = o.defaultValue { doc.append("default \(d)") }
                    if let r = o.range { doc.append(r) }
                    let type: String
                    switch o.type {
                    case "choice": type = (o.choices ?? []).map { "\"\($0)\"" }.joined(separator: "|")
                    case "value": type = "any"
                    default: type = o.type
                    }
                    s += "---@field \(o.key)? \(type)\(doc.isEmpty ? "" : " " + doc.joined(separator: "; "))\n"
                }
                s += "---@param opts? \(cls)\n---@return any\nfunction pl.\(f.path)(opts) end\n\n"
            } else {
                s += "---@param ... any\n---@return any\nfunction pl.\(f.path)(...) end\n\n"
            }
        }
        for c in classes.keys.sorted() {
            for m in classes[c]! { s += "---@param ... any\n---@return any\nfunction \(c):\(m)(...) end\n" }
            s += "\n"
        }
        return s
    }

    /// `.luarc.json` pointing the Lua Language Server at the stubs.
    public static func luarc(stubDirectory: String) -> String {
        """
        {
          "runtime.version": "Lua 5.4",
          "workspace.library": ["\(stubDirectory)"],
          "diagnostics.globals": ["pl"]
        }

        """
    }
}
