import CLua
import Foundation
import PrivLab

/// How a runtime is set up.
public struct RuntimeOptions {
    /// Resource limits of the Lua state.
    public var limits: LuaLimits = .none
    /// `-P name=value` overrides for `pl.params{…}`.
    public var parameters: [String: String] = [:]
    /// Seed for Lua's `math.random` (Lua 5.4 seeds it randomly otherwise).
    public var mathSeed: Int64 = 0
    /// Plugin folders searched by `pl.use` and for unknown component names.
    public var pluginPath: [String] = LibraryLocation.pluginPath()
    /// The `lua/` folder; nil disables the Lua-side library (tests of the bare bridge).
    public var luaRoot: String? = LibraryLocation.luaRoot()
    /// Draw progress bars for long operations (only ever on a terminal).
    public var progress = true
    /// The autograder's sandbox: functions that read or write files (CSV, model files, plugins,
    /// SISA directories) refuse to run.
    public var sandbox = false
    /// A folder for fitted models (`privlab run --cache`): `Model.fit` reuses a stored fit with the
    /// same key. Ignored in the sandbox — grading never reads or writes a cache.
    public var cacheDirectory: String?
    public init() {}
}

/// A parameter a notebook declared with `pl.params`, with the value used.
public struct DeclaredParameter: Equatable {
    public var name: String
    public var value: String
    public var overridden: Bool
}

/// A Lua state with the whole `pl` module installed: the bridge between scripts and the engine.
public final class Runtime {
    public let lua: LuaState
    public var sink: ReportSink
    public let options: RuntimeOptions
    public internal(set) var declaredParameters: [DeclaredParameter] = []
    /// Overrides that `pl.params` consumed (the rest are reported as unknown after the run).
    var usedOverrides = Set<String>()
    /// The message of the last `-P` value `pl.params` could not convert to its default's type
    /// (a mistake on the command line rather than in the script), nil when there was none.
    public internal(set) var parameterError: String?
    let components = ComponentRegistry()
    /// The fitted-model cache, when the options name a folder and the runtime is not sandboxed.
    public let modelCache: ModelCache?
    var builtinLoaders: [String: HostFunction] = [:]

    public init(options: RuntimeOptions = RuntimeOptions(), sink: ReportSink) throws {
        self.options = options
        self.sink = sink
        modelCache = try options.sandbox ? nil : options.cacheDirectory.map { try ModelCache(directory: $0) }
        // Limits go on only after the module is installed, so setup never fails on them.
        lua = try LuaState(limits: .none)
        lua.extensions["runtime"] = self
        try install()
        lua.setLimits(options.limits)
    }

    static func from(_ call: LuaCall) -> Runtime { call.state.extensions["runtime"] as! Runtime }

    /// Throws in the grader's sandbox: `fn` would touch the file system.
    static func checkFileAccess(_ call: LuaCall, _ fn: String) throws {
        if from(call).options.sandbox { throw LuaError("\(fn): file access is not available in the grader's sandbox") }
    }

    /// Host functions by dotted name under `pl` ("data.csv" is `pl.data.csv`).
    private var module: [(String, HostFunction)] = []

    /// Adds `pl.<path>`.
    func define(_ path: String, _ fn: @escaping HostFunction) {
        // A function of positional arguments has its declaration there (what `privlab doc` shows).
        if declarations[path] == nil, let d = CoreDeclarations.positional[path] { declarations[path] = d }
        module.append((path, fn))
    }
    /// Adds `pl.<path>` with its declaration (what `privlab doc` and the stubs show, and what its
    /// options are read through).
    func define(_ declaration: FunctionDeclaration, _ fn: @escaping HostFunction) {
        declarations[declaration.path] = declaration
        define(declaration.path, fn)
    }
    /// The declarations of functions and methods by path ("mlp", "Dataset.split").
    public private(set) var declarations: [String: FunctionDeclaration] = [:]
    /// Records a method's declaration ("Dataset.split"), or a Lua-side function's ("spairs").
    func declare(_ declaration: FunctionDeclaration) { declarations[declaration.path] = declaration }
    /// Every `pl` function's path ("mlp", "synth.clustmix").
    public var modulePaths: [String] { module.map(\.0) }

    private func install() throws {
        let L = lua.L
        installCore()
        installRNG()
        installData()
        installModels()
        installClustering()
        installPrivacy()
        installSISA()
        installUnlearning()
        installFederated()
        installAttacks()
        installDefenses()
        installClassical()
        installSynthesis()
        installTransformers()
        installLuaTransformers()
        installAudit()
        installMemorisation()
        installLeakage()
        installAnonymization()
        installMechanisms()
        installPerturbation()
        installReport()
        installPlugins()
        lua_createtable(L, 0, 16)
        let plIndex = lua_gettop(L)
        for (path, fn) in module {
            let parts = path.split(separator: ".").map(String.init)
            lua_pushvalue(L, plIndex)
            for p in parts.dropLast() {
                lua_getfield(L, -1, p)
                if lua_type(L, -1) != LUA_TTABLE {
                    pl_pop(L, 1)
                    lua_createtable(L, 0, 8)
                    lua_pushvalue(L, -1)
                    lua_setfield(L, -3, p)
                }
                pl_remove(L, -2)
            }
            lua.pushFunction(fn)
            lua_setfield(L, -2, parts.last!)
            pl_pop(L, 1)
        }
        lua_pushstring(L, privlabVersion)
        lua_setfield(L, plIndex, "version")
        installMissingNameErrors(plIndex)
        lua_setglobal(L, "pl")
        // require "privlab" gives the same table.
        lua_getglobal(L, "package")
        lua_getfield(L, -1, "loaded")
        lua_getglobal(L, "pl")
        lua_setfield(L, -2, "privlab")
        pl_pop(L, 2)
        try lua.run("math.randomseed(\(options.mathSeed))", chunkName: "=setup")
        if let root = options.luaRoot {
            let L = lua.L
            lua_getglobal(L, "package")
            lua_pushstring(L, "\(root)/?.lua;\(root)/?/init.lua;" + (lua_getfield(L, -1, "path") == LUA_TSTRING ? String(cString: lua_tolstring(L, -1, nil)) : ""))
            pl_remove(L, -2)
            lua_setfield(L, -2, "path")
            pl_pop(L, 1)
            try lua.runFile("\(root)/privlab/init.lua", chunkName: "@\(Runtime.displayPath(root + "/privlab/init.lua"))")
        }
    }

    /// Gives `pl` and each of its tables (`pl.attack`, `pl.data`, …) an `__index` that raises
    /// "pl.mpl: no such function (did you mean pl.mlp?)" at the script's line, instead of Lua's
    /// "attempt to call a nil value" one step later. It runs only for absent keys, so functions added
    /// later (the Lua-side library, a script's own `pl.x = …`) are unaffected and suggested too; code
    /// that means to probe for a name uses `rawget`. The grader's copies of `pl` get the same
    /// metamethod (lua/privlab/grader.lua).
    private func installMissingNameErrors(_ plIndex: Int32) {
        let L = lua.L
        var tables: Set<String> = [""]
        for (path, _) in module {
            let parts = path.split(separator: ".").map(String.init).dropLast()
            for n in parts.indices { tables.insert(parts[...n].joined(separator: ".")) }
        }
        for table in tables.sorted() {
            lua_pushvalue(L, plIndex)
            for p in table.split(separator: ".") {
                lua_pushstring(L, String(p))
                lua_rawget(L, -2)
                pl_remove(L, -2)
            }
            lua_createtable(L, 0, 1)
            lua.pushFunction { call in try Runtime.missingName(call, in: table) }
            lua_setfield(L, -2, "__index")
            lua_setmetatable(L, -2)
            pl_pop(L, 1)
        }
    }

    /// The `__index` of `pl.<table>` (argument 1: the table, 2: the absent key): always an error,
    /// suggesting the nearest name in that table (as unknown options do), or else the function of
    /// that name in another table (`pl.fashion_mnist` → `pl.data.fashion_mnist`).
    static func missingName(_ call: LuaCall, in table: String) throws -> Int32 {
        let prefix = table.isEmpty ? "pl" : "pl.\(table)"
        guard case .string(let key) = call.value(2) else {
            throw LuaError("\(prefix)[\(call.luaTypeName(2))]: \(prefix) has only named functions and tables")
        }
        var names = [String]()
        let L = call.L
        lua_pushnil(L)
        while lua_next(L, 1) != 0 {
            if lua_type(L, -2) == LUA_TSTRING, let k = lua_tolstring(L, -2, nil) { names.append(String(cString: k)) }
            pl_pop(L, 1)
        }
        var hint = LuaOptions.nearest(key, in: names.filter { !$0.hasPrefix("_") }.sorted()).map { "\(prefix).\($0)" }
        if hint == nil, let other = from(call).modulePaths.sorted().first(where: { $0.split(separator: ".").last.map(String.init) == key }) {
            hint = "pl.\(other)"
        }
        throw LuaError("\(prefix).\(key): no such function" + (hint.map { " (did you mean \($0)?)" } ?? ""))
    }

    /// A path relative to the current directory when it is below it (stable names in messages).
    static func displayPath(_ p: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let std = URL(fileURLWithPath: p).standardizedFileURL.path
        if std.hasPrefix(cwd + "/") { return String(std.dropFirst(cwd.count + 1)) }
        return std
    }

    /// Runs a script file; its errors come back as `LuaError` with file and line.
    @discardableResult
    public func runFile(_ path: String) throws -> [LuaValue] {
        try lua.runFile(path, chunkName: "@\(path)")
    }

    /// Runs source text under a chunk name ("@file" style names give file:line in errors).
    @discardableResult
    public func run(_ source: String, chunkName: String) throws -> [LuaValue] {
        try lua.run(source, chunkName: chunkName)
    }

    /// `-P` names no `pl.params` call declared (checked after a run).
    public var unusedOverrides: [String] { options.parameters.keys.filter { !usedOverrides.contains($0) }.sorted() }

    /// Reports progress of a long operation on stderr (terminals only).
    func progressObserver(label: String) -> ((Int, Int) -> Void)? {
        guard options.progress, ProgressBar.isActive else { return nil }
        var bar: ProgressBar?
        return { done, total in
            if bar == nil { bar = ProgressBar(label: label, total: total) }
            bar?.update(done)
        }
    }
}
