import CLua

/// A reference to a Lua value kept alive in the registry until this object is released.
public final class LuaRef {
    let ref: Int32
    weak var state: LuaState?
    init(state: LuaState, l: OpaquePointer, index: Int32) {
        self.state = state
        lua_pushvalue(l, index)
        ref = luaL_ref(l, pl_registryindex())
    }
    func push(_ l: OpaquePointer) { lua_rawgeti(l, pl_registryindex(), lua_Integer(ref)) }
    deinit {
        if let s = state { luaL_unref(s.L, pl_registryindex(), ref) }
    }
}

/// A Lua table copied into Swift: the array part 1…n and the other keys (strings or numbers).
public struct LuaTable {
    public var array: [LuaValue] = []
    public var fields: [String: LuaValue] = [:]
    /// Keys that are neither array indices nor strings (rendered as text), for error messages.
    public var otherKeys: [String] = []
    /// Values under integer keys outside 1…n (also listed in `otherKeys`), for id-keyed maps.
    public var sparse: [Int64: LuaValue] = [:]
    /// Values under float keys, pushed only (results such as `tpr_at_fpr[0.001]`).
    public var numberKeyed: [Double: LuaValue] = [:]
    public init(array: [LuaValue] = [], fields: [String: LuaValue] = [:]) {
        self.array = array
        self.fields = fields
    }
    public var isEmpty: Bool { array.isEmpty && fields.isEmpty && otherKeys.isEmpty }
}

/// A boxed engine object living in a Lua userdata.
public final class LuaObjectBox {
    public let value: AnyObject
    public let typeName: String
    init(_ value: AnyObject, typeName: String) {
        self.value = value
        self.typeName = typeName
    }
}

/// A Lua value converted to Swift (deeply, for tables).
public indirect enum LuaValue {
    case `nil`
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case table(LuaTable)
    case function(LuaRef)
    case object(LuaObjectBox)
    /// Threads, light userdata, foreign userdata: only their type name.
    case other(String)

    /// The Lua type name as `type()` would give it (userdata objects give their class name).
    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .bool: return "boolean"
        case .int, .number: return "number"
        case .string: return "string"
        case .table: return "table"
        case .function: return "function"
        case .object(let o): return o.typeName
        case .other(let t): return t
        }
    }

    public var isNil: Bool { if case .nil = self { return true }; return false }

    /// Numeric value of an int or float.
    public var double: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    static let maxDepth = 64

    /// Reads the value at `index` (tables deeply, with a depth limit against cycles).
    static func read(_ l: OpaquePointer, _ index: Int32, depth: Int = 0) -> LuaValue {
        let idx = lua_absindex(l, index)
        switch lua_type(l, idx) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .bool(lua_toboolean(l, idx) != 0)
        case LUA_TNUMBER:
            if pl_isinteger(l, idx) != 0 { return .int(pl_tointeger(l, idx, nil)) }
            return .number(pl_tonumber(l, idx, nil))
        case LUA_TSTRING:
            var len = 0
            let p = pl_tostring(l, idx, &len)!
            return .string(String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self))
        case LUA_TTABLE:
            if depth >= maxDepth { return .other("table (nested too deeply)") }
            var t = LuaTable()
            let n = lua_rawlen(l, idx)
            if n > 0 {
                t.array.reserveCapacity(Int(n))
                for i in 1...n {
                    lua_rawgeti(l, idx, lua_Integer(i))
                    t.array.append(read(l, -1, depth: depth + 1))
                    pl_pop(l, 1)
                }
            }
            lua_pushnil(l)
            while lua_next(l, idx) != 0 {
                // key at -2, value at -1
                let kt = lua_type(l, -2)
                if kt == LUA_TSTRING {
                    var len = 0
                    let p = pl_tostring(l, -2, &len)!
                    let k = String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
                    t.fields[k] = read(l, -1, depth: depth + 1)
                } else if kt == LUA_TNUMBER, pl_isinteger(l, -2) != 0 {
                    let k = pl_tointeger(l, -2, nil)
                    if k < 1 || k > lua_Integer(n) {
                        t.otherKeys.append(String(k))
                        t.sparse[k] = read(l, -1, depth: depth + 1)
                    }
                } else {
                    t.otherKeys.append("[\(String(cString: lua_typename(l, kt)))]")
                }
                pl_pop(l, 1)
            }
            return .table(t)
        case LUA_TFUNCTION:
            return .function(LuaRef(state: LuaState.from(l), l: l, index: idx))
        case LUA_TUSERDATA:
            if let box = LuaObjects.box(l, idx) { return .object(box) }
            return .other("userdata")
        default:
            return .other(String(cString: lua_typename(l, lua_type(l, idx))))
        }
    }

    /// Pushes this value onto the stack of `l`.
    func push(_ l: OpaquePointer, state: LuaState) {
        switch self {
        case .nil, .other: lua_pushnil(l)
        case .bool(let b): lua_pushboolean(l, b ? 1 : 0)
        case .int(let i): lua_pushinteger(l, i)
        case .number(let d): lua_pushnumber(l, d)
        case .string(let s):
            var s = s
            s.withUTF8 { p in _ = p.withMemoryRebound(to: CChar.self) { lua_pushlstring(l, $0.baseAddress, $0.count) } }
        case .table(let t):
            lua_createtable(l, Int32(min(t.array.count, 1 << 20)), Int32(min(t.fields.count, 1 << 20)))
            for (i, v) in t.array.enumerated() {
                v.push(l, state: state)
                lua_rawseti(l, -2, lua_Integer(i + 1))
            }
            // Sorted keys: the insertion order is deterministic, whatever Lua's hash seed.
            for k in t.fields.keys.sorted() {
                lua_pushstring(l, k)
                t.fields[k]!.push(l, state: state)
                lua_rawset(l, -3)
            }
            for k in t.numberKeyed.keys.sorted() {
                lua_pushnumber(l, k)
                t.numberKeyed[k]!.push(l, state: state)
                lua_rawset(l, -3)
            }
        case .function(let r): r.push(l)
        case .object(let box): LuaObjects.push(l, box)
        }
    }
}

// Literal conveniences for building results in Swift.
extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(Int64(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: LuaValue...) { self = .table(LuaTable(array: elements)) }
    public init(dictionaryLiteral elements: (String, LuaValue)...) {
        self = .table(LuaTable(fields: Dictionary(elements, uniquingKeysWith: { $1 })))
    }
    public static func list(_ a: [LuaValue]) -> LuaValue { .table(LuaTable(array: a)) }
    public static func record(_ d: [String: LuaValue]) -> LuaValue { .table(LuaTable(fields: d)) }
    public static func numbers(_ a: [Double]) -> LuaValue { .list(a.map { .number($0) }) }
    public static func ints(_ a: [Int]) -> LuaValue { .list(a.map { .int(Int64($0)) }) }
    /// A number that prints as an integer when it is one.
    public static func num(_ d: Double) -> LuaValue { .number(d) }
}
