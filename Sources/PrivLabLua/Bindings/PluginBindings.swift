import CLua
import Foundation
import PrivLab

/// The kinds of component a plugin can register; the engine accepts a registered name (or a Lua
/// function) wherever it accepts a built-in of that kind.
public enum ComponentKind: String, CaseIterable {
    case aggregator, attack_score, metric, dataset, chart, transformer
}

/// A component a plugin registered: its Lua function and where it was defined.
public final class Component {
    public let kind: ComponentKind
    public let name: String
    let function: LuaRef
    /// "file:line" of the function's definition.
    public let source: String
    init(kind: ComponentKind, name: String, function: LuaRef, source: String) {
        self.kind = kind
        self.name = name
        self.function = function
        self.source = source
    }
}

/// Registered components by kind and name, plus the plugin files already loaded.
final class ComponentRegistry {
    var byKind: [ComponentKind: [String: Component]] = [:]
    var loadedFiles: [String] = []
    /// Built-in names per kind (a plugin may not shadow them).
    var builtins: [ComponentKind: Set<String>] = [
        .metric: ["accuracy", "error_rate", "log_loss"],
        .dataset: ["fashion_mnist", "blobs", "purchase", "csv", "from_table"],
        .chart: Set(Chart.Kind.allCases.map(\.rawValue)),
        .aggregator: Set(SISAAggregationRule.builtIn.map(\.rawValue)),
        .attack_score: ["loss", "confidence", "entropy", "mentropy", "correctness"],
    ]

    func add(_ c: Component) throws {
        if builtins[c.kind]?.contains(c.name) == true {
            throw LuaError("register: '\(c.name)' is a built-in \(c.kind.rawValue); choose another name")
        }
        if let old = byKind[c.kind]?[c.name], old.source != c.source {
            throw LuaError("register: \(c.kind.rawValue) '\(c.name)' is already registered by \(old.source)")
        }
        byKind[c.kind, default: [:]][c.name] = c
    }

    /// The component `name` of `kind`; if unknown, loads the plugin file `<name>.lua` from the search
    /// path and looks again. Errors list what is available.
    func lookup(kind: ComponentKind, name: String, runtime: Runtime, on l: OpaquePointer) throws -> Component {
        if let c = byKind[kind]?[name] { return c }
        if let file = runtime.findPlugin(name) {
            try runtime.loadPlugin(file, on: l)
            if let c = byKind[kind]?[name] { return c }
        }
        let known = (Array(builtins[kind] ?? []) + Array(byKind[kind]?.keys ?? [:].keys)).sorted()
        throw LuaError("unknown \(kind.rawValue) '\(name)' (available: \(known.joined(separator: ", ")); plugins are searched in \(runtime.options.pluginPath.joined(separator: ":")))")
    }
}

extension Runtime {
    /// The plugin file for `name` on the search path, if any.
    func findPlugin(_ name: String) -> String? {
        guard name.range(of: "^[A-Za-z_][A-Za-z0-9_-]*$", options: .regularExpression) != nil else { return nil }
        for dir in options.pluginPath {
            let f = "\(dir)/\(name).lua"
            if FileManager.default.fileExists(atPath: f) { return f }
        }
        return nil
    }

    /// Runs a plugin file once; its errors name the plugin.
    func loadPlugin(_ path: String, on l: OpaquePointer? = nil) throws {
        let shown = Runtime.displayPath(path)
        if components.loadedFiles.contains(shown) { return }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LuaError("plugin \(shown): cannot read the file")
        }
        let L = l ?? lua.L
        let base = lua_gettop(L)
        let status = text.withCString { pl_loadbuffer(L, $0, strlen($0), "@\(shown)") }
        if status != LUA_OK {
            var len = 0
            let msg = pl_tostring(L, -1, &len).map { String(cString: $0) } ?? "syntax error"
            lua_settop(L, base)
            throw LuaError("plugin \(shown) failed to load: \(msg)", located: true)
        }
        components.loadedFiles.append(shown)
        do {
            _ = try lua.pcallTop(on: L, nargs: 0, base: base)
        } catch let e as LuaError {
            components.loadedFiles.removeAll { $0 == shown }
            throw LuaError("plugin \(shown) failed to load: \(e.message)", located: true)
        }
    }

    /// Calls a component's function; an error names the component and its plugin file.
    func callComponent(_ c: Component, _ args: [LuaValue], on l: OpaquePointer) throws -> [LuaValue] {
        do {
            return try lua.call(c.function, args, on: l)
        } catch let e as LuaError {
            throw LuaError("\(c.kind.rawValue) '\(c.name)' (plugin \(c.source)) failed: \(e.message)")
        }
    }

    /// Every plugin file on the search path (first occurrence of each name wins).
    public func pluginFiles() -> [String] {
        var seen = Set<String>()
        var out = [String]()
        for dir in options.pluginPath {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".lua") }.sorted()
            for f in files where seen.insert(f).inserted { out.append("\(dir)/\(f)") }
        }
        return out
    }

    /// Loads one plugin file and lists what it registered (kind, name, source).
    public func inspectPlugin(_ path: String) throws -> [(kind: String, name: String, source: String)] {
        let before = Set(components.byKind.flatMap { k, v in v.keys.map { "\(k.rawValue)/\($0)" } })
        try loadPlugin(path)
        var out = [(String, String, String)]()
        for (k, v) in components.byKind {
            for (n, c) in v where !before.contains("\(k.rawValue)/\(n)") { out.append((k.rawValue, n, c.source)) }
        }
        return out.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    func installPlugins() {
        // pl.register(kind, name, fn)
        define("register") { call in
            let rt = Runtime.from(call)
            let kindName = try call.string(1, fn: "register", arg: "argument 1 (kind)")
            guard let kind = ComponentKind(rawValue: kindName) else {
                throw LuaError("register: unknown kind '\(kindName)' (kinds: \(ComponentKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let name = try call.string(2, fn: "register", arg: "argument 2 (name)")
            guard name.range(of: "^[A-Za-z_][A-Za-z0-9_-]*$", options: .regularExpression) != nil else {
                throw LuaError("register: name '\(name)' must be letters, digits, '_' or '-', starting with a letter")
            }
            guard case .function(let ref) = call.value(3) else {
                throw LuaError("register: argument 3 must be a function, got \(call.luaTypeName(3))")
            }
            // Where the function was defined, for error messages.
            var ar = lua_Debug()
            lua_pushvalue(call.L, 3)
            var source = "?"
            if lua_getinfo(call.L, ">S", &ar) != 0 {
                let src = withUnsafeBytes(of: &ar.short_src) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                source = "\(src):\(ar.linedefined)"
            }
            try rt.components.add(Component(kind: kind, name: name, function: ref, source: source))
            return 0
        }

        // pl.use(name): loads plugin <name>.lua from the search path (once).
        define("use") { call in
            try Runtime.checkFileAccess(call, "use")
            let rt = Runtime.from(call)
            let name = try call.string(1, fn: "use", arg: "argument 1 (plugin name)")
            guard let file = rt.findPlugin(name) else {
                throw LuaError("use: no plugin '\(name)' (searched \(rt.options.pluginPath.joined(separator: ":")))")
            }
            try rt.loadPlugin(file, on: call.L)
            return 0
        }

        // pl.components(kind) → sorted list of available names (built-in and registered).
        define("components") { call in
            let rt = Runtime.from(call)
            let kindName = try call.string(1, fn: "components", arg: "argument 1 (kind)")
            guard let kind = ComponentKind(rawValue: kindName) else { throw LuaError("components: unknown kind '\(kindName)'") }
            let names = (Array(rt.components.builtins[kind] ?? []) + Array(rt.components.byKind[kind]?.keys ?? [:].keys)).sorted()
            return call.results(.list(names.map { .string($0) }))
        }
    }
}
