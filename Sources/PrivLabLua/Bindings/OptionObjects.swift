import PrivLab

extension LuaOptions {
    /// Option `key` as a Model (nil when absent and not required); `what` says what it is for.
    func model(_ key: String, required: Bool = true, what: String = "") throws -> ModelObject? {
        let required = declaration?.option(key).map(\.isRequired) ?? required
        let v = raw(key)
        if case .nil = v, !required { return nil }
        if case .nil = v, declaration != nil { throw LuaError("\(fn): option '\(key)' is required") }
        guard case .object(let b) = v, let mo = b.value as? ModelObject else {
            throw LuaError("\(fn): option '\(key)' must be a Model\(what.isEmpty ? "" : " (\(what))"), got \(v.typeName)")
        }
        return mo
    }

    /// Option `key` as a Dataset (nil when absent and not required).
    func dataset(_ key: String, required: Bool = true, what: String = "") throws -> Dataset? {
        let required = declaration?.option(key).map(\.isRequired) ?? required
        let v = raw(key)
        if case .nil = v, !required { return nil }
        if case .nil = v, declaration != nil { throw LuaError("\(fn): option '\(key)' is required") }
        guard case .object(let b) = v, let d = b.value as? DatasetObject else {
            throw LuaError("\(fn): option '\(key)' must be a Dataset\(what.isEmpty ? "" : " (\(what))"), got \(v.typeName)")
        }
        return d.ds
    }
}

extension DefenseReport {
    /// The report as a Lua table: {defense = name, key = value, …}.
    var lua: LuaValue {
        var d: [String: LuaValue] = ["defense": .string(defense)]
        for e in entries {
            switch e.value {
            case .number(let x): d[e.key] = .number(x)
            case .integer(let i): d[e.key] = .int(Int64(i))
            case .text(let s): d[e.key] = .string(s)
            case .flag(let b): d[e.key] = .bool(b)
            }
        }
        return .record(d)
    }
}

extension LuaOptions {
    /// Option `key` as one of an enum's string values (the accepted values listed on error).
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ d: E) throws -> E where E.RawValue == String {
        let s = try string(key, d.rawValue, oneOf: E.allCases.map(\.rawValue))
        return E(rawValue: s)!
    }
}
