import CLua
import Foundation
import PrivLab

/// An error raised into Lua (or out of a Lua call) with a message. Host functions throw these (or
/// any `PrivLabError`); the dispatcher turns them into Lua errors prefixed with the script's file and
/// line, *after* the Swift frames have returned.
public struct LuaError: Error, CustomStringConvertible {
    public var message: String
    /// When true the message already carries a location and is raised as it is.
    public var located: Bool
    public init(_ message: String, located: Bool = false) {
        self.message = message
        self.located = located
    }
    public var description: String { message }
}

/// Resource limits of a state. The instruction count is checked every 1,000 VM instructions; the
/// memory limit refuses allocations made by Lua code (never those made by the engine on its
/// behalf, so a Swift frame never sees a Lua memory error).
public struct LuaLimits: Sendable, Equatable {
    public var instructions: Int64?
    public var memoryBytes: Int?
    public var wallSeconds: Double?
    public init(instructions: Int64? = nil, memoryBytes: Int? = nil, wallSeconds: Double? = nil) {
        self.instructions = instructions
        self.memoryBytes = memoryBytes
        self.wallSeconds = wallSeconds
    }
    public static let none = LuaLimits()
}

/// A host function: reads its arguments from `call`, pushes results and returns how many.
public typealias HostFunction = (LuaCall) throws -> Int32

/// One Lua 5.4 state with PrivLab's allocator, hooks and host-function dispatch.
///
/// Not thread-safe: use a state from one thread at a time.
public final class LuaState {
    /// Every class registered, with its method names (the editor stubs list them).
    public internal(set) var registeredClasses: [String: [String]] = [:]

    /// The main thread.
    public let L: OpaquePointer
    private let limitsPtr: UnsafeMutablePointer<pl_limits>
    var hostFunctions: [HostFunction] = []
    /// Swift objects tied to this state (sinks, registries) by key.
    public var extensions: [String: AnyObject] = [:]
    public private(set) var limits: LuaLimits

    public init(limits: LuaLimits = .none) throws {
        limitsPtr = .allocate(capacity: 1)
        limitsPtr.initialize(to: pl_limits())
        guard let l = pl_newstate(limitsPtr) else {
            limitsPtr.deallocate()
            throw LuaError("cannot create a Lua state")
        }
        L = l
        self.limits = .none
        pl_extraspace(L).storeBytes(of: Unmanaged.passUnretained(self).toOpaque(), as: UnsafeMutableRawPointer.self)
        luaL_openlibs(L)
        setLimits(limits)
    }

    deinit {
        if LuaState.budgetOwner == UInt(bitPattern: limitsPtr) {
            WorkBudget.stopReason = nil
            LuaState.budgetOwner = 0
        }
        lua_close(L)
        limitsPtr.deallocate()
    }

    /// The limits whose state answers `WorkBudget.stopReason` (the state that last ran code).
    nonisolated(unsafe) static var budgetOwner: UInt = 0

    /// Makes engine work started from this state stop between steps when this state's time limit
    /// passes, it is interrupted, or a limit has tripped (`WorkBudget`).
    func installWorkBudget() {
        let address = UInt(bitPattern: limitsPtr)
        guard LuaState.budgetOwner != address else { return }
        LuaState.budgetOwner = address
        WorkBudget.stopReason = { () -> String? in
            switch pl_limits_check(UnsafeMutablePointer<pl_limits>(bitPattern: address)!) {
            case 1: return "instruction limit exceeded"
            case 2: return "time limit exceeded"
            case 4: return "interrupted"
            default: return nil
            }
        }
    }

    /// Replaces the limits; the instruction counter and wall-clock deadline restart now.
    public func setLimits(_ l: LuaLimits) {
        limits = l
        limitsPtr.pointee.mem_limit = l.memoryBytes.map { max(0, $0) } ?? 0
        limitsPtr.pointee.instr_limit = l.instructions ?? 0
        limitsPtr.pointee.instr_count = 0
        limitsPtr.pointee.deadline = l.wallSeconds.map { pl_monotonic() + $0 } ?? 0
        limitsPtr.pointee.tripped = 0
        limitsPtr.pointee.refused = 0
        limitsPtr.pointee.interrupt = 0
        pl_resethook(L)
    }

    /// Restarts the instruction counter and the wall-clock deadline (e.g. before each graded question).
    public func resetBudget() { setLimits(limits) }

    /// The high-water mark of the bytes Lua held.
    public var memoryPeak: Int { limitsPtr.pointee.peak }
    /// True when the memory limit refused an allocation since the budget was last reset.
    public var memoryLimitHit: Bool { limitsPtr.pointee.refused > 0 }
    /// Which limit stopped the script, if any. Such a limit stays in force until `resetBudget()`.
    public var trippedLimit: LuaLimit? {
        switch limitsPtr.pointee.tripped {
        case 1: return .instructions
        case 2: return .time
        case 4: return .interrupted
        default: return nil
        }
    }

    /// What stopped the last script, read from the limits themselves (never from error text):
    /// a tripped instruction or time limit, an interrupt, or a refused allocation.
    public var stopReason: LuaLimit? { trippedLimit ?? (memoryLimitHit ? .memory : nil) }

    /// Asks the running script to stop at its next hook (safe from another thread or a signal).
    public func interrupt() { limitsPtr.pointee.interrupt = 1 }

    /// The flag `interrupt()` sets, for a signal handler to set instead (`privlab run` and `exec`
    /// hand it to their Ctrl-C handler). Valid while this state lives.
    public var interruptFlag: UnsafeMutablePointer<Int32> { limitsPtr.pointer(to: \.interrupt)! }

    static func from(_ L: OpaquePointer) -> LuaState {
        let raw = pl_extraspace(L).load(as: UnsafeMutableRawPointer.self)
        return Unmanaged<LuaState>.fromOpaque(raw).takeUnretainedValue()
    }

    var hostDepth: Int32 {
        get { limitsPtr.pointee.host_depth }
        set { limitsPtr.pointee.host_depth = newValue }
    }

    // MARK: registering functions

    /// Pushes a Lua function that calls `fn`.
    public func pushFunction(_ fn: @escaping HostFunction) { pushFunction(on: L, fn) }

    func pushFunction(on l: OpaquePointer, _ fn: @escaping HostFunction) {
        hostFunctions.append(fn)
        pl_pushhost(l, plHostDispatch, lua_Integer(hostFunctions.count - 1))
    }

    /// Sets global `name` to a host function.
    public func setGlobal(_ name: String, _ fn: @escaping HostFunction) {
        pushFunction(fn)
        lua_setglobal(L, name)
    }

    // MARK: running code

    /// Loads and runs `source` as a chunk named `chunkName` ("@path" for files), in protected mode.
    /// Returns the chunk's results; Lua errors come back as `LuaError` (message with file:line).
    @discardableResult
    public func run(_ source: String, chunkName: String) throws -> [LuaValue] {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        let status = source.withCString { pl_loadbuffer(L, $0, strlen($0), chunkName) }
        if status != LUA_OK {
            throw LuaError(popErrorMessage(L), located: true)
        }
        return try pcallTop(on: L, nargs: 0, base: top)
    }

    /// Runs a file.
    @discardableResult
    public func runFile(_ path: String, chunkName: String? = nil) throws -> [LuaValue] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LuaError("cannot read \(path)")
        }
        return try run(text, chunkName: chunkName ?? "@\(path)")
    }

    /// Calls the function at the top of the stack (below its `nargs` arguments) with a message handler;
    /// converts results; leaves the stack at `base`. Lua code inside runs under the memory limit
    /// even when we are inside a host function.
    func pcallTop(on l: OpaquePointer, nargs: Int32, base: Int32) throws -> [LuaValue] {
        let fnIndex = try pcallTopKeepingResults(on: l, nargs: nargs, base: base)
        var results = [LuaValue]()
        let top = lua_gettop(l)
        if top > fnIndex {
            for i in (fnIndex + 1)...top { results.append(LuaValue.read(l, i)) }
        }
        lua_settop(l, base)
        return results
    }

    /// `pcallTop` leaving the results on the stack above the message handler's slot (returned).
    func pcallTopKeepingResults(on l: OpaquePointer, nargs: Int32, base: Int32) throws -> Int32 {
        // A tripped limit stays in force until resetBudget(): nothing more runs.
        if let t = trippedLimit {
            lua_settop(l, base)
            switch t {
            case .instructions: throw LuaError("instruction limit exceeded (\(limits.instructions ?? 0) instructions)", located: true)
            case .time: throw LuaError("time limit exceeded", located: true)
            case .memory, .interrupted: throw LuaError("interrupted", located: true)
            }
        }
        let fnIndex = lua_gettop(l) - nargs
        lua_pushcclosure(l, plMessageHandler, 0)
        pl_insert(l, fnIndex)
        let savedDepth = hostDepth
        hostDepth = 0
        installWorkBudget()
        let status = pl_pcall(l, nargs, LUA_MULTRET, fnIndex)
        hostDepth = savedDepth
        if status != LUA_OK {
            let msg = popErrorMessage(l)
            lua_settop(l, base)
            throw LuaError(msg, located: true)
        }
        return fnIndex
    }

    /// Calls the function at stack index `fn` once per row of `rows` (cols values each) as
    /// `fn(row, label)` — the row a fresh Lua array — and reads back `new_row[, new_label]`
    /// straight from the stack: no `LuaValue` per number, so a 70,000 × 784 data set maps in
    /// seconds (`Dataset:map`). Every call is protected and under the limits, as `call` is.
    /// `what` names the caller in errors. Returns the new rows (all of one width) and labels.
    func mapRows(fn: Int32, on l: OpaquePointer, rows: Int, cols: Int, values: [Float], labels: [Int], what: String) throws -> (values: [Float], width: Int, labels: [Int]) {
        var out = [Float](), newLabels = labels, width = -1
        out.reserveCapacity(values.count)
        for i in 0..<rows {
            let base = lua_gettop(l)
            lua_pushvalue(l, fn)
            lua_createtable(l, Int32(min(cols, 1 << 24)), 0)
            for j in 0..<cols {
                lua_pushnumber(l, Double(values[i * cols + j]))
                lua_rawseti(l, -2, lua_Integer(j + 1))
            }
            lua_pushinteger(l, lua_Integer(labels[i]))
            _ = try pcallTopKeepingResults(on: l, nargs: 2, base: base)
            // Stack: base, handler, results…
            let first = base + 2, top = lua_gettop(l)
            defer { lua_settop(l, base) }
            guard top >= first, lua_type(l, first) == LUA_TTABLE else {
                throw LuaError("\(what): the function must return the record's new features as a list of numbers (record \(i + 1) got \(top >= first ? String(cString: lua_typename(l, lua_type(l, first))) : "nothing"))")
            }
            let n = Int(lua_rawlen(l, first))
            if width < 0 { width = n } else if n != width {
                throw LuaError("\(what): record \(i + 1) returned \(n) features, the records before it \(width)")
            }
            for j in 0..<n {
                lua_rawgeti(l, first, lua_Integer(j + 1))
                var isNum: Int32 = 0
                let v = pl_tonumber(l, -1, &isNum)
                pl_pop(l, 1)
                guard isNum != 0, v.isFinite else { throw LuaError("\(what): record \(i + 1)'s feature \(j + 1) is not a finite number") }
                out.append(Float(v))
            }
            if top > first, lua_type(l, first + 1) != LUA_TNIL {
                var isNum: Int32 = 0
                let v = pl_tonumber(l, first + 1, &isNum)
                guard isNum != 0, v == v.rounded(), abs(v) < 1e15 else { throw LuaError("\(what): record \(i + 1)'s new label is not an integer") }
                newLabels[i] = Int(v)
            }
        }
        return (out, max(width, 0), newLabels)
    }

    /// Calls a referenced Lua function with arguments, in protected mode.
    public func call(_ fn: LuaRef, _ args: [LuaValue], on thread: OpaquePointer? = nil) throws -> [LuaValue] {
        let l = thread ?? L
        let base = lua_gettop(l)
        fn.push(l)
        for a in args { a.push(l, state: self) }
        return try pcallTop(on: l, nargs: Int32(args.count), base: base)
    }

    private func popErrorMessage(_ l: OpaquePointer) -> String {
        var len = 0
        let msg: String
        if lua_type(l, -1) == LUA_TSTRING, let p = pl_tostring(l, -1, &len) {
            msg = String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
        } else {
            msg = "(error object is a \(String(cString: lua_typename(l, lua_type(l, -1)))) value)"
        }
        pl_pop(l, 1)
        return msg
    }
}

/// Message handler for protected calls: keeps string messages, renders other error objects.
/// Runs in C/Lua context only (no Swift frames to unwind through); never raises.
private func plMessageHandlerImpl(_ L: OpaquePointer?) -> Int32 {
    guard let L = L else { return 0 }
    let t = lua_type(L, 1)
    if t == LUA_TSTRING { return 1 }
    if t == LUA_TNUMBER {
        var len = 0
        _ = pl_tostring(L, 1, &len)
        return 1
    }
    if t == LUA_TTABLE {
        // Common convention: error{msg=...} or error{message=...}.
        for key in ["message", "msg"] {
            lua_pushstring(L, key)
            lua_rawget(L, 1)
            if lua_type(L, -1) == LUA_TSTRING { return 1 }
            pl_pop(L, 1)
        }
    }
    lua_pushstring(L, "(error object is a \(String(cString: lua_typename(L, t))) value)")
    return 1
}
let plMessageHandler: @convention(c) (OpaquePointer?) -> Int32 = plMessageHandlerImpl

/// The single C entry point for every host function: finds the Swift closure by id, runs it, and
/// turns thrown errors into the trampoline's error protocol (-1: message to locate, -2: raise as is).
private func plHostDispatchImpl(_ L: OpaquePointer?) -> Int32 {
    guard let L = L else { return 0 }
    let state = LuaState.from(L)
    let id = Int(pl_hostid(L))
    guard id >= 0, id < state.hostFunctions.count else {
        lua_pushstring(L, "privlab: invalid host function id \(id)")
        return -1
    }
    // Engine work may have tripped a limit (`WorkBudget`): the script stops at its next instruction.
    defer { pl_arm_if_tripped(L) }
    do {
        return try state.hostFunctions[id](LuaCall(L: L, state: state))
    } catch let e as LuaError {
        lua_pushstring(L, e.message)
        return e.located ? -2 : -1
    } catch {
        lua_pushstring(L, "\(error)")
        return -1
    }
}
let plHostDispatch: @convention(c) (OpaquePointer?) -> Int32 = plHostDispatchImpl

/// A limit that can stop a script.
public enum LuaLimit: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case instructions, time, memory, interrupted
    /// How a grade report names it.
    public var description: String {
        switch self {
        case .instructions: return "instruction limit"
        case .time: return "time limit"
        case .memory: return "memory limit"
        case .interrupted: return "interrupted"
        }
    }
}
