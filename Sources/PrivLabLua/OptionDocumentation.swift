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
        /// What the function is and accepts: its own declaration, or one assembled from recording.
        public var declaration: FunctionDeclaration
        public var path: String { declaration.path }
        public var options: [OptionSpec] { declaration.options }
        /// Read through a declaration (true), or still learnt by recording (false).
        public var declared: Bool
        /// Why recording stopped before `finish()` (nil: every option was declared).
        public var stoppedBy: String? = nil
        /// Options a real call must give: the required ones, and for recorded functions those it
        /// checks itself (a fitted model, a list).
        public var needs: [String] = []
    }
    public var functions: [Function]
    /// Lua classes (objects the functions return) and their methods.
    public var classes: [String: [String]]
    /// Declarations of methods by "Class.method".
    public var methods: [String: FunctionDeclaration] = [:]

    /// Every function of a fresh runtime: declared ones as declared; the others (not yet migrated
    /// to declarations) recorded by running them with stand-ins.
    public static func collect() throws -> OptionDocumentation {
        let rt = try Runtime(options: RuntimeOptions(), sink: ConsoleSink(figureDirectory: NSTemporaryDirectory(), out: { _ in }))
        var out = [Function]()
        for path in rt.modulePaths.sorted() where !path.hasPrefix("_") {
            if let d = rt.declarations[path] {
                out.append(Function(declaration: d, declared: true, needs: d.options.filter(\.isRequired).map(\.key)))
            } else {
                out.append(try record(path, in: rt))
            }
        }
        // Functions of the Lua-side library (lua/privlab/*.lua) take positional arguments.
        let walked = try rt.run(OptionDocumentation.walk, chunkName: "=doc")
        if case .string(let names)? = walked.first {
            let known = Set(out.map(\.path))
            for n in names.split(separator: " ").map(String.init) where !known.contains(n) && !n.hasPrefix("_") {
                out.append(Function(declaration: FunctionDeclaration(n, ""), declared: false))
            }
        }
        out.sort { $0.path < $1.path }
        let methods = rt.declarations.filter { $0.value.isMethod }
        return OptionDocumentation(functions: out, classes: rt.lua.registeredClasses, methods: methods)
    }

    /// A function without a declaration, recorded: run until it reaches finish(); each "option 'k'
    /// is required" gives k a stand-in value and runs it again. (Goes when every binding declares.)
    static func record(_ path: String, in rt: Runtime) throws -> Function {
        let standIns = try OptionDocumentation.standIns(rt)
        let recorder = OptionRecorder()
        var last: String? = nil
        for _ in 0..<12 {
            LuaOptions.recorder = recorder
            let r = try? rt.run("local ok, e = pcall(pl.\(path), {}); return tostring(e)", chunkName: "=doc")
            LuaOptions.recorder = nil
            guard case .string(let message)? = r?.first else { last = nil; break }
            last = message
            var progressed = false
            if let k = requiredKey(message), !recorder.required.contains(k) { recorder.required.insert(k); progressed = true }
            for (needle, values) in standIns where message.contains(needle) {
                for (k, v) in values where recorder.standIns[k] == nil { recorder.standIns[k] = v; progressed = true }
            }
            if !progressed { break }
        }
        let stopped = last.flatMap { $0.contains(OptionRecorder.stop) ? nil : $0 }
        let recorded = recorder.declarations.filter { $0.function == path || $0.function.hasPrefix(path + ".") }
        let specs = recorded.map { o -> OptionSpec in
            let kind: OptionKind
            switch o.type {
            case "number": kind = .number
            case "integer": kind = .integer
            case "boolean": kind = .boolean
            case "string": kind = .string
            case "choice": kind = .choice(o.choices ?? [])
            case "function": kind = .function
            case "Dataset": kind = .dataset
            case "Model": kind = .model
            default: kind = .any
            }
            let presence: OptionPresence = o.defaultValue.map { .defaulted(.described($0)) }
                ?? (recorder.required.contains(o.key) ? .required : .optional(nil))
            let meaning = OptionMeanings.meaning(function: path, key: o.key) ?? ""
            return OptionSpec(o.key, kind, meaning, presence, o.range.map { [.rule($0)] } ?? [])
        }
        return Function(declaration: FunctionDeclaration(path, "", options: specs), declared: false, stoppedBy: stopped,
                        needs: recorder.required.union(recorder.standIns.keys).sorted())
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
