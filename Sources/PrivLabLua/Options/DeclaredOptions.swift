import PrivLab

extension LuaCall {
    /// The options table at argument `i`, read through `declaration` (nil or absent gives an empty
    /// one when `optional`): its function name, accepted keys, defaults and bounds.
    /// A key the declaration does not know is an error here, before any option is read, so a typo
    /// is reported first; `strict: false` leaves that to `finish()` (a chart plugin's own options).
    public func options(_ i: Int32, _ declaration: FunctionDeclaration, optional: Bool = true, strict: Bool = true) throws -> LuaOptions {
        let fn = declaration.path
        switch value(i) {
        case .table(let t):
            if strict {
                try LuaOptions.rejectUnknown(t, fn: fn, accepted: Set(declaration.options.map(\.key)), refused: declaration.refused)
            }
            try LuaOptions.checkConditions(t, declaration)
            return try LuaOptions(t, fn: fn, declaration: declaration)
        case .nil where optional: return try LuaOptions(LuaTable(), fn: fn, declaration: declaration)
        default: throw LuaError("\(fn): expected an options table, got \(luaTypeName(i))")
        }
    }
}

extension LuaOptions {
    /// Rejects options given where they do not apply (their condition names another option's value
    /// or presence), before any is read. `prefix` places a nested table's keys ("dp.") in messages.
    static func checkConditions(_ t: LuaTable, _ d: FunctionDeclaration, fn: String? = nil, prefix: String = "") throws {
        let fn = fn ?? d.path
        for o in d.options where t.fields[o.key] != nil && !(t.fields[o.key]!.isNil) {
            switch o.only {
            case .equals(let other, let values)?:
                var current: String? = nil
                switch t.fields[other] {
                case .string(let s)?: current = s
                case .bool(let b)?: current = String(b)
                case nil:
                    switch d.option(other)?.defaultValue {
                    case .string(let s)?: current = s
                    case .boolean(let b)?: current = String(b)
                    default: break
                    }
                default: break
                }
                if let c = current, values.contains(c) { continue }
                if current == nil, t.fields[other] != nil { continue }   // not a name (a function, …): the binding decides
                throw LuaError("\(fn): option '\(prefix)\(o.key)' needs \(prefix)\(other) = \(OptionCondition.values(values))")
            case .given(let other, let why)?:
                if let v = t.fields[other], !v.isNil { continue }
                throw LuaError("\(fn): option '\(prefix)\(o.key)' needs \(prefix)\(other)\(why.map { " (\($0))" } ?? "")")
            case nil: continue
            }
        }
    }
}

/// Reading options through the function's declaration: the accessor names only the key; the
/// kind, default, whether it is required, and the bounds (fixed, or "≤ another option") are the
/// declaration's, so what is documented is what is checked.
extension LuaOptions {
    /// The declared option `key` and its given value (nil when absent); absent and required is an error.
    func declared(_ key: String) throws -> (spec: OptionSpec, value: LuaValue) {
        let v = raw(key)
        guard let spec = declaration?.option(key) else {
            throw LuaError("\(fn): internal error: option '\(label(key))' is read but not declared")
        }
        if v.isNil && spec.isRequired { throw LuaError("\(fn): option '\(label(key))' is required") }
        return (spec, v)
    }

    /// Checks a number against the option's bounds; bounds naming another option use its value.
    func check(_ x: Double, _ spec: OptionSpec, entries: Bool = false) throws {
        let key = label(spec.key) + (entries ? "' entries" : "'")
        // An open interval reads as one ("must be in (0, 1)").
        if case .above(let a)? = spec.bounds.first, spec.bounds.count == 2, case .below(let b) = spec.bounds[1], !(x > a && x < b) {
            throw LuaError("\(fn): option '\(key) must be in (\(formatCompact(a)), \(formatCompact(b))), got \(formatCompact(x))")
        }
        for b in spec.bounds {
            switch b {
            case .atLeast(let lo) where x < lo:
                throw LuaError("\(fn): option '\(key) must be at least \(formatCompact(lo)), got \(formatCompact(x))")
            case .above(let a) where x <= a:
                throw LuaError("\(fn): option '\(key) must be greater than \(formatCompact(a)), got \(formatCompact(x))")
            case .atMost(let hi) where x > hi:
                throw LuaError("\(fn): option '\(key) must be at most \(formatCompact(hi)), got \(formatCompact(x))")
            case .below(let hi) where x >= hi:
                throw LuaError("\(fn): option '\(key) must be less than \(formatCompact(hi)), got \(formatCompact(x))")
            case .atMostOption(let other, let less):
                guard let o = try numberIfGiven(other) else { continue }
                if x > o - less {
                    let limit = less == 0 ? other : "\(other) − \(formatCompact(less))"
                    throw LuaError("\(fn): option '\(key) must be at most \(formatCompact(o - less)) (\(limit)), got \(formatCompact(x))")
                }
            case .odd where x.truncatingRemainder(dividingBy: 2) == 0:
                throw LuaError("\(fn): option '\(key) must be odd, got \(formatCompact(x))")
            default: continue
            }
        }
    }

    /// The value another option has in this call (given, or its numeric default), for rules.
    private func numberIfGiven(_ key: String) throws -> Double? {
        let (spec, v) = try declared(key)
        if let x = v.double { return x }
        switch spec.defaultValue {
        case .number(let x)?: return x
        case .integer(let i)?: return Double(i)
        default: return nil
        }
    }

    /// A number option that has a default or is required.
    public func number(_ key: String) throws -> Double {
        guard let x = try optionalNumber(key) else { throw LuaError("\(fn): internal error: option '\(label(key))' has no default") }
        return x
    }

    /// A number option; nil when absent and it has no default.
    public func optionalNumber(_ key: String) throws -> Double? {
        let (spec, v) = try declared(key)
        if v.isNil {
            switch spec.defaultValue {
            case .number(let x)?: return x
            case .integer(let i)?: return Double(i)
            default: return nil
            }
        }
        let x = try LuaConvert.number(v, fn: fn, arg: "option '\(label(key))'")
        try check(x, spec)
        return x
    }

    /// An integer option that has a default or is required.
    public func integer(_ key: String) throws -> Int {
        guard let x = try optionalInteger(key) else { throw LuaError("\(fn): internal error: option '\(label(key))' has no default") }
        return x
    }

    /// An integer option; nil when absent and it has no default.
    public func optionalInteger(_ key: String) throws -> Int? {
        let (spec, v) = try declared(key)
        if v.isNil {
            if case .integer(let i)? = spec.defaultValue { return i }
            return nil
        }
        let x = try LuaConvert.integer(v, fn: fn, arg: "option '\(label(key))'")
        try check(Double(x), spec)
        return x
    }

    /// A boolean option with a default.
    public func flag(_ key: String) throws -> Bool {
        let (spec, v) = try declared(key)
        switch v {
        case .nil:
            guard case .boolean(let b)? = spec.defaultValue else { throw LuaError("\(fn): internal error: option '\(label(key))' has no default") }
            return b
        case .bool(let b): return b
        default: throw LuaError("\(fn): option '\(label(key))' must be a boolean, got \(v.typeName)")
        }
    }

    /// A string option (free text); nil when absent without a default.
    public func optionalText(_ key: String) throws -> String? {
        let (spec, v) = try declared(key)
        if v.isNil {
            if case .string(let s)? = spec.defaultValue { return s }
            return nil
        }
        return try LuaConvert.string(v, fn: fn, arg: "option '\(label(key))'")
    }

    /// A string option with a default or required.
    public func text(_ key: String) throws -> String {
        guard let s = try optionalText(key) else { throw LuaError("\(fn): internal error: option '\(label(key))' has no default") }
        return s
    }

    /// A choice option as its enum; nil when absent without a default.
    public func optionalChoice<E: RawRepresentable>(_ key: String, _ type: E.Type = E.self) throws -> E? where E.RawValue == String {
        guard let name = try optionalChoiceName(key) else { return nil }
        guard let e = E(rawValue: name) else { throw LuaError("\(fn): internal error: option '\(label(key))' declares \"\(name)\", which \(E.self) lacks") }
        return e
    }

    /// A choice option that has a default or is required.
    public func choice<E: RawRepresentable>(_ key: String, _ type: E.Type = E.self) throws -> E where E.RawValue == String {
        guard let e: E = try optionalChoice(key) else { throw LuaError("\(fn): internal error: option '\(label(key))' has no default") }
        return e
    }

    /// A list-of-integers option (one integer is a one-element list), each checked against the bounds.
    public func optionalIntegers(_ key: String) throws -> [Int]? {
        let (spec, v) = try declared(key)
        if v.isNil {
            if case .integers(let xs)? = spec.defaultValue { return xs }
            return nil
        }
        let xs = try LuaConvert.integers(v, fn: fn, arg: "option '\(label(key))'")
        for x in xs { try check(Double(x), spec, entries: true) }
        return xs
    }

    /// A list-of-integers option with a default or required.
    public func integers(_ key: String) throws -> [Int] {
        guard let xs = try optionalIntegers(key) else { throw LuaError("\(fn): internal error: option '\(label(key))' has no default") }
        return xs
    }

    /// A list-of-numbers option (one number is a one-element list), each checked against the
    /// bounds; nil when absent.
    public func optionalNumbers(_ key: String) throws -> [Double]? {
        let (spec, v) = try declared(key)
        switch v {
        case .nil: return nil
        case .number, .int:
            let x = try LuaConvert.number(v, fn: fn, arg: "option '\(label(key))'")
            try check(x, spec, entries: true)
            return [x]
        default:
            let xs = try LuaConvert.numbers(v, fn: fn, arg: "option '\(label(key))'")
            for x in xs { try check(x, spec, entries: true) }
            return xs
        }
    }

    /// An object option of the declared class (`.object(name)`); nil when absent.
    public func optionalObject<T: AnyObject>(_ key: String, _ type: T.Type) throws -> T? {
        let (spec, v) = try declared(key)
        guard case .object(let name) = spec.kind else { throw LuaError("\(fn): internal error: option '\(label(key))' is not declared as an object") }
        switch v {
        case .nil: return nil
        case .object(let b):
            if let o = b.value as? T { return o }
            fallthrough
        default: throw LuaError("\(fn): option '\(label(key))' must be a \(name), got \(v.typeName)")
        }
    }

    /// A required object option of the declared class.
    public func requiredObject<T: AnyObject>(_ key: String, _ type: T.Type) throws -> T {
        guard let o = try optionalObject(key, type) else { throw LuaError("\(fn): option '\(label(key))' is required") }
        return o
    }

    /// A function option; nil when absent.
    public func optionalFunction(_ key: String) throws -> LuaRef? {
        let (_, v) = try declared(key)
        switch v {
        case .nil: return nil
        case .function(let r): return r
        default: throw LuaError("\(fn): option '\(label(key))' must be a function, got \(v.typeName)")
        }
    }

    /// A nested options table with declared fields (`dp = {epsilon=, clip=}`), read through them
    /// as the top-level options are: its keys are checked against the fields (did-you-mean and the
    /// fields' conditions first, before any is read) and named `<key>.<field>` in messages under
    /// the function's name (`mlp: option 'dp.clip' must be greater than 0`); nil when absent.
    public func nested(_ key: String) throws -> LuaOptions? {
        let (spec, v) = try declared(key)
        let names = spec.fields.map(\.key).joined(separator: "=, ") + "="
        switch v {
        case .nil: return nil
        case .table(let t) where t.array.isEmpty && t.otherKeys.isEmpty:
            let d = FunctionDeclaration("\(fn).\(label(key))", spec.meaning, options: spec.fields)
            let inner = label(key) + "."
            try LuaOptions.rejectUnknown(t, fn: fn, accepted: Set(spec.fields.map(\.key)), refused: [:], prefix: inner)
            try LuaOptions.checkConditions(t, d, fn: fn, prefix: inner)
            return try LuaOptions(t, fn: fn, declaration: d, prefix: inner)
        default:
            throw LuaError("\(fn): option '\(label(key))' must be a table {\(names)}")
        }
    }

    /// A choice whose names are data rather than a Swift enum (an accountant's declared setting,
    /// `conversion`): the given name, checked against the declared ones; nil when absent without a default.
    public func optionalChoiceName(_ key: String) throws -> String? {
        let (spec, v) = try declared(key)
        guard case .choice(let names) = spec.kind else { throw LuaError("\(fn): internal error: option '\(label(key))' is not declared as a choice") }
        let name: String
        if v.isNil {
            guard case .string(let s)? = spec.defaultValue else { return nil }
            name = s
        } else {
            name = try LuaConvert.string(v, fn: fn, arg: "option '\(label(key))'")
        }
        guard names.contains(name) else {
            throw LuaError("\(fn): option '\(label(key))' must be one of \(names.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(name)\"")
        }
        return name
    }

    /// The raw value of a declared option (tables, "a name or a function", …), nil when absent.
    public func value(_ key: String) throws -> LuaValue {
        try declared(key).value
    }
}
