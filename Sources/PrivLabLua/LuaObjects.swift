import CLua

/// Engine objects as Lua userdata: a userdata block holding a retained pointer to a `LuaObjectBox`,
/// with a metatable per class (`__name`, `__index` methods, `__tostring`, `__gc`).
enum LuaObjects {
    static let boxTag = "privlab.object"

    /// Returns the box of the userdata at `idx` if it is one of ours.
    static func box(_ l: OpaquePointer, _ idx: Int32) -> LuaObjectBox? {
        guard lua_type(l, idx) == LUA_TUSERDATA, lua_getmetatable(l, idx) != 0 else { return nil }
        lua_pushstring(l, boxTag)
        lua_rawget(l, -2)
        let ours = lua_toboolean(l, -1) != 0
        pl_pop(l, 2)
        guard ours, let p = lua_touserdata(l, idx) else { return nil }
        guard let raw = p.load(as: UnsafeMutableRawPointer?.self) else { return nil }
        return Unmanaged<LuaObjectBox>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Pushes a new userdata for `box` with its class metatable (which must be registered).
    static func push(_ l: OpaquePointer, _ box: LuaObjectBox) {
        let p = pl_newuserdata(l, MemoryLayout<UnsafeMutableRawPointer?>.size)!
        p.storeBytes(of: Unmanaged.passRetained(box).toOpaque(), as: UnsafeMutableRawPointer?.self)
        lua_getfield(l, pl_registryindex(), box.typeName)  // registry has no metatable: no metamethods run
        lua_setmetatable(l, -2)
    }
}

/// A Lua-visible class: its name and methods. Methods receive the object as argument 1.
public struct LuaClass {
    public var name: String
    public var methods: [String: HostFunction]
    /// Text for `tostring(obj)`.
    public var describe: (AnyObject) -> String

    public init(name: String, methods: [String: HostFunction], describe: @escaping (AnyObject) -> String) {
        self.name = name
        self.methods = methods
        self.describe = describe
    }
}

extension LuaState {
    /// Creates the metatable of `cls` in the registry.
    public func register(_ cls: LuaClass) {
        registeredClasses[cls.name] = cls.methods.keys.sorted()
        let l = L
        luaL_newmetatable(l, cls.name)  // also sets __name, used by error messages
        lua_pushboolean(l, 1)
        lua_setfield(l, -2, LuaObjects.boxTag)
        lua_createtable(l, 0, Int32(cls.methods.count))
        for name in cls.methods.keys.sorted() {
            pushFunction(cls.methods[name]!)
            lua_setfield(l, -2, name)
        }
        lua_setfield(l, -2, "__index")
        let describe = cls.describe
        pushFunction { call in
            guard let b = LuaObjects.box(call.L, 1) else { call.push("?"); return 1 }
            call.push(.string(describe(b.value)))
            return 1
        }
        lua_setfield(l, -2, "__tostring")
        pushFunction { call in
            if let p = lua_touserdata(call.L, 1), let raw = p.load(as: UnsafeMutableRawPointer?.self) {
                p.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
                Unmanaged<LuaObjectBox>.fromOpaque(raw).release()
            }
            return 0
        }
        lua_setfield(l, -2, "__gc")
        lua_pushstring(l, "locked")
        lua_setfield(l, -2, "__metatable")
        pl_pop(l, 1)
    }
}
