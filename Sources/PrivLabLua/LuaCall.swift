import CLua
import PrivLab

/// The view a host function has of its call: the arguments on the stack of the calling thread, and
/// helpers that validate them with errors naming the function and the argument.
public struct LuaCall {
    public let L: OpaquePointer
    public let state: LuaState

    public var argCount: Int32 { lua_gettop(L) }

    /// The argument at 1-based position `i` as a Swift value.
    public func value(_ i: Int32) -> LuaValue { i <= argCount ? LuaValue.read(L, i) : .nil }

    public func push(_ v: LuaValue) { v.push(L, state: state) }

    /// Pushes every value and returns their count (the usual `return call.results(...)`).
    public func results(_ vs: LuaValue...) -> Int32 {
        for v in vs { push(v) }
        return Int32(vs.count)
    }

    /// Pushes argument 1 again (methods that return their receiver, for chaining).
    public func pushReceiver() { lua_pushvalue(L, 1) }

    /// Pushes an engine object as userdata of class `typeName`.
    public func pushObject(_ obj: AnyObject, _ typeName: String) {
        LuaObjects.push(L, LuaObjectBox(obj, typeName: typeName))
    }

    /// The engine object of class `typeName` at argument `i`, or an error naming `fn` and the argument.
    public func object<T: AnyObject>(_ i: Int32, _ type: T.Type, _ typeName: String, fn: String, arg: String? = nil) throws -> T {
        let what = arg ?? "argument \(i)"
        guard let box = LuaObjects.box(L, i), box.typeName == typeName, let v = box.value as? T else {
            throw LuaError("\(fn): \(what) must be a \(typeName), got \(luaTypeName(i))")
        }
        return v
    }

    /// The receiver of a method call (argument 1), with a hint when `obj.m()` was used instead of `obj:m()`.
    public func this<T: AnyObject>(_ type: T.Type, _ typeName: String, method: String) throws -> T {
        guard let box = LuaObjects.box(L, 1), box.typeName == typeName, let v = box.value as? T else {
            throw LuaError("\(typeName).\(method): call it as a method (obj:\(method)(...)), not obj.\(method)(...)")
        }
        return v
    }

    /// The type of argument `i` as a user would name it.
    public func luaTypeName(_ i: Int32) -> String {
        if let b = LuaObjects.box(L, i) { return b.typeName }
        return String(cString: lua_typename(L, lua_type(L, i)))
    }

    public func string(_ i: Int32, fn: String, arg: String) throws -> String {
        guard case .string(let s) = value(i) else { throw LuaError("\(fn): \(arg) must be a string, got \(luaTypeName(i))") }
        return s
    }

    public func number(_ i: Int32, fn: String, arg: String) throws -> Double {
        guard let d = value(i).double else { throw LuaError("\(fn): \(arg) must be a number, got \(luaTypeName(i))") }
        guard d.isFinite else { throw LuaError("\(fn): \(arg) must be a finite number, got \(d)") }
        return d
    }

    public func integer(_ i: Int32, fn: String, arg: String) throws -> Int {
        try LuaConvert.integer(value(i), fn: fn, arg: arg)
    }
}

/// Conversions from `LuaValue` with errors that name the function and argument.
public enum LuaConvert {
    public static func integer(_ v: LuaValue, fn: String, arg: String) throws -> Int {
        switch v {
        case .int(let i): return Int(i)
        case .number(let d) where d.isFinite && d == d.rounded() && abs(d) < 9e15: return Int(d)
        case .number(let d): throw LuaError("\(fn): \(arg) must be an integer, got \(formatCompact(d))")
        default: throw LuaError("\(fn): \(arg) must be an integer, got \(v.typeName)")
        }
    }

    public static func number(_ v: LuaValue, fn: String, arg: String) throws -> Double {
        guard let d = v.double else { throw LuaError("\(fn): \(arg) must be a number, got \(v.typeName)") }
        guard d.isFinite else { throw LuaError("\(fn): \(arg) must be a finite number, got \(formatCompact(d))") }
        return d
    }

    public static func string(_ v: LuaValue, fn: String, arg: String) throws -> String {
        guard case .string(let s) = v else { throw LuaError("\(fn): \(arg) must be a string, got \(v.typeName)") }
        return s
    }

    /// A Lua sequence (array table) of integers.
    public static func integers(_ v: LuaValue, fn: String, arg: String) throws -> [Int] {
        if case .int(let i) = v { return [Int(i)] }
        guard case .table(let t) = v, t.fields.isEmpty, t.otherKeys.isEmpty else {
            throw LuaError("\(fn): \(arg) must be a list of integers, got \(v.typeName == "table" ? "a table with non-list keys" : v.typeName)")
        }
        return try t.array.enumerated().map { try integer($0.element, fn: fn, arg: "\(arg)[\($0.offset + 1)]") }
    }

    /// A Lua sequence of numbers.
    public static func numbers(_ v: LuaValue, fn: String, arg: String) throws -> [Double] {
        guard case .table(let t) = v, t.fields.isEmpty, t.otherKeys.isEmpty else {
            throw LuaError("\(fn): \(arg) must be a list of numbers, got \(v.typeName == "table" ? "a table with non-list keys" : v.typeName)")
        }
        return try t.array.enumerated().map { try number($0.element, fn: fn, arg: "\(arg)[\($0.offset + 1)]") }
    }

    /// A Lua sequence of strings.
    public static func strings(_ v: LuaValue, fn: String, arg: String) throws -> [String] {
        guard case .table(let t) = v, t.fields.isEmpty, t.otherKeys.isEmpty else {
            throw LuaError("\(fn): \(arg) must be a list of strings, got \(v.typeName)")
        }
        return try t.array.enumerated().map { try string($0.element, fn: fn, arg: "\(arg)[\($0.offset + 1)]") }
    }
}

/// An options table being read. Each accessor marks its key as known; `finish()` rejects the rest,
/// so a typo (`lerning_rate`) is an error naming the function, the key and the keys it accepts.
public final class LuaOptions {
    public let fn: String
    public let table: LuaTable
    private var known: [String] = []
    /// The function's declaration, when it reads its options through one: then every key it
    /// declares is accepted, defaults and bounds come from it, and reading an undeclared key is a
    /// bug `finish()` reports.
    public let declaration: FunctionDeclaration?
    /// Keys read that the declaration does not list (a binding bug, reported by `finish()`).
    private var undeclared: [String] = []
    /// Where a nested table sits in the function's options ("dp.", "dp.adaptive."; "" at the top):
    /// messages name its keys as the user writes them (`mlp: option 'dp.clip' …`).
    public let prefix: String

    public init(_ table: LuaTable, fn: String, declaration: FunctionDeclaration? = nil, prefix: String = "") throws {
        self.fn = fn
        self.table = table
        self.declaration = declaration
        self.prefix = prefix
        let within = prefix.isEmpty ? "the options table" : "option '\(prefix.dropLast())'"
        if let k = table.otherKeys.first { throw LuaError("\(fn): unexpected key \(k) in \(within)") }
        if !table.array.isEmpty {
            throw LuaError("\(fn): unexpected positional value in \(within) (options are name = value)")
        }
    }

    /// An option's name as the user writes it: `clip` inside `dp = {…}` is `dp.clip`.
    public func label(_ key: String) -> String { prefix + key }

    /// Raw value of `key` (nil when absent), marking it known.
    public func raw(_ key: String) -> LuaValue {
        known.append(key)
        if let d = declaration, d.option(key) == nil { undeclared.append(key) }
        return table.fields[key] ?? .nil
    }

    /// Whether `key` is given (not nil); asking marks it known, like every accessor — a binding that
    /// only reads an option when present still accepts it, and names it among the accepted ones.
    public func has(_ key: String) -> Bool {
        known.append(key)
        if let d = declaration, d.option(key) == nil { undeclared.append(key) }
        return !(table.fields[key]?.isNil ?? true)
    }

    public func double(_ key: String, default d: Double? = nil, min lo: Double? = nil, max hi: Double? = nil,
                       above: Double? = nil) throws -> Double? {
        let v = raw(key)
        if v.isNil { return d }
        let x = try LuaConvert.number(v, fn: fn, arg: "option '\(label(key))'")
        if let lo = lo, x < lo { throw LuaError("\(fn): option '\(label(key))' must be at least \(formatCompact(lo)), got \(formatCompact(x))") }
        if let a = above, x <= a { throw LuaError("\(fn): option '\(label(key))' must be greater than \(formatCompact(a)), got \(formatCompact(x))") }
        if let hi = hi, x > hi { throw LuaError("\(fn): option '\(label(key))' must be at most \(formatCompact(hi)), got \(formatCompact(x))") }
        return x
    }

    public func double(_ key: String, _ d: Double, min lo: Double? = nil, max hi: Double? = nil, above: Double? = nil) throws -> Double {
        try double(key, default: d, min: lo, max: hi, above: above)!
    }

    public func int(_ key: String, default d: Int? = nil, min lo: Int? = nil, max hi: Int? = nil) throws -> Int? {
        let v = raw(key)
        if v.isNil { return d }
        let x = try LuaConvert.integer(v, fn: fn, arg: "option '\(label(key))'")
        if let lo = lo, x < lo { throw LuaError("\(fn): option '\(label(key))' must be at least \(lo), got \(x)") }
        if let hi = hi, x > hi { throw LuaError("\(fn): option '\(label(key))' must be at most \(hi), got \(x)") }
        return x
    }

    public func int(_ key: String, _ d: Int, min lo: Int? = nil, max hi: Int? = nil) throws -> Int {
        try int(key, default: d, min: lo, max: hi)!
    }

    /// A seed: any integer (negative ones are taken as their 64-bit pattern).
    public func seed(_ key: String = "seed", _ d: UInt64 = 1) throws -> UInt64 {
        if declaration != nil { return UInt64(bitPattern: Int64(try integer(key))) }
        let given = try int(key)
        guard let s = given else { return d }
        return UInt64(bitPattern: Int64(s))
    }

    public func bool(_ key: String, _ d: Bool) throws -> Bool {
        let v = raw(key)
        switch v {
        case .nil: return d
        case .bool(let b): return b
        default: throw LuaError("\(fn): option '\(label(key))' must be a boolean, got \(v.typeName)")
        }
    }

    public func string(_ key: String, default d: String? = nil, oneOf choices: [String]? = nil) throws -> String? {
        let v = raw(key)
        if v.isNil { return d }
        let s = try LuaConvert.string(v, fn: fn, arg: "option '\(label(key))'")
        if let c = choices, !c.contains(s) {
            throw LuaError("\(fn): option '\(label(key))' must be one of \(c.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(s)\"")
        }
        return s
    }

    public func string(_ key: String, _ d: String, oneOf choices: [String]? = nil) throws -> String {
        try string(key, default: d, oneOf: choices)!
    }

    public func function(_ key: String) throws -> LuaRef? {
        let v = raw(key)
        switch v {
        case .nil: return nil
        case .function(let r): return r
        default: throw LuaError("\(fn): option '\(label(key))' must be a function, got \(v.typeName)")
        }
    }

    /// The accepted name closest to a misspelt one: the smallest Damerau–Levenshtein distance
    /// (a swap of neighbours counts once), at most 1 for names of up to 4 letters and 2 beyond,
    /// or a name that one is a prefix of the other ("epoch" → "epochs"); nil when nothing is close.
    static func nearest(_ word: String, in names: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            if a.isEmpty { return b.count }
            if b.isEmpty { return a.count }
            var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in 0...a.count { d[i][0] = i }
            for j in 0...b.count { d[0][j] = j }
            for i in 1...a.count {
                for j in 1...b.count {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
                }
            }
            return d[a.count][b.count]
        }
        let w = Array(word.lowercased())
        var best: (name: String, score: Int)? = nil
        for n in names {
            let lower = n.lowercased()
            var score = distance(w, Array(lower))
            if lower.count >= 3, w.count >= 3, lower.hasPrefix(String(w)) || String(w).hasPrefix(lower) { score = min(score, 1) }
            let limit = max(w.count, lower.count) <= 4 ? 1 : 2
            if score <= limit, best == nil || score < best!.score { best = (n, score) }
        }
        return best?.name
    }

    /// Rejects keys no accessor asked for.
    public func finish() throws {
        if let k = undeclared.first { throw LuaError("\(fn): internal error: option '\(label(k))' is read but not declared") }
        try Self.rejectUnknown(table, fn: fn, accepted: declaration.map { Set($0.options.map(\.key)) } ?? Set(known),
                               refused: declaration?.refused ?? [:], prefix: prefix)
    }

    /// Rejects keys not in `accepted`: a refused one with its reason, another with the nearest
    /// accepted name when one is close. Inside a nested table (`prefix` "dp.") every name is
    /// written with its path: "mlp: unknown option 'dp.clp' — did you mean 'dp.clip'?".
    static func rejectUnknown(_ table: LuaTable, fn: String, accepted: Set<String>, refused: [String: String], prefix: String = "") throws {
        let unknown = table.fields.keys.filter { !accepted.contains($0) }.sorted()
        if let k = unknown.first, let why = refused[k] { throw LuaError("\(fn): option '\(prefix)\(k)' \(why)") }
        if let k = unknown.first {
            let names = Array(accepted).sorted()
            let accepted = names.map { prefix + $0 }.joined(separator: ", ")
            if let near = Self.nearest(k, in: names) {
                throw LuaError("\(fn): unknown option '\(prefix)\(k)' — did you mean '\(prefix)\(near)'? (accepted: \(accepted))")
            }
            throw LuaError("\(fn): unknown option '\(prefix)\(k)' (accepted: \(accepted))")
        }
    }
}
