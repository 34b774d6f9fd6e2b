import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// Collects everything a script outputs, for assertions.
final class RecordingSink: ReportSink {
    var text = ""
    var tables: [ReportTable] = []
    var markdownBlocks: [String] = []
    var figures: [(svg: String, title: String)] = []
    var timings: [String] = []
    func write(_ t: String) { text += t }
    func table(_ t: ReportTable) { tables.append(t) }
    func markdown(_ m: String) { markdownBlocks.append(m) }
    func figure(svg: String, title: String, name: String?) throws -> String {
        figures.append((svg, title))
        return "fig-\(figures.count).svg"
    }
    func timing(_ label: String, seconds: Double) { timings.append(label) }
}

func temporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "privlab-lua-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// A runtime with a recording sink; `plugins` replaces the plugin search path when given.
func makeRuntime(limits: LuaLimits = .none, parameters: [String: String] = [:], plugins: [String]? = nil) throws -> (Runtime, RecordingSink) {
    var o = RuntimeOptions()
    o.limits = limits
    o.parameters = parameters
    o.progress = false
    if let p = plugins { o.pluginPath = p }
    let sink = RecordingSink()
    return (try Runtime(options: o, sink: sink), sink)
}

extension Runtime {
    /// Runs a snippet as if it were the file `name` and returns what it printed.
    @discardableResult
    func exec(_ code: String, name: String = "script.lua") throws -> [LuaValue] {
        try run(code, chunkName: "@\(name)")
    }
}

/// Asserts that running `code` fails with a message containing every fragment.
func assertLuaError(_ rt: Runtime, _ code: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
    do {
        try rt.exec(code)
        XCTFail("expected a Lua error containing \(fragments)", file: file, line: line)
    } catch {
        let text = "\(error)"
        for f in fragments where !text.contains(f) {
            XCTFail("error '\(text)' does not contain '\(f)'", file: file, line: line)
        }
    }
}

extension LuaValue {
    var asString: String? { if case .string(let s) = self { return s }; return nil }
    var asInt: Int64? { if case .int(let i) = self { return i }; return nil }
    var asBool: Bool? { if case .bool(let b) = self { return b }; return nil }
}

extension LuaValue {
    /// Scalars as comparable values for assertions (nil for tables, functions and objects).
    var scalar: AnyHashable? {
        switch self {
        case .nil: return "nil"
        case .bool(let b): return b
        case .int(let i): return i
        case .number(let x): return x
        case .string(let s): return s
        default: return nil
        }
    }
}

/// Compares what a script printed with what it should print, fact by fact: `expected` is the
/// printed text (tab-separated fields, one `print` per line) and `facts` names each field in order,
/// so a failure says which fact broke ("same seed, same mean: printed false, expected true")
/// rather than showing two long strings.
func assertPrinted(_ text: String, _ expected: String, facts: [String], file: StaticString = #filePath, line: UInt = #line) {
    func fields(_ s: String) -> [String] {
        s.split(separator: "\n", omittingEmptySubsequences: false).dropLast(s.hasSuffix("\n") ? 1 : 0)
            .flatMap { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }
    let got = fields(text), want = fields(expected)
    XCTAssertEqual(want.count, facts.count, "the test names \(facts.count) facts for \(want.count) expected fields", file: file, line: line)
    XCTAssertEqual(got.count, want.count, "printed \(got.count) fields, expected \(want.count):\n\(text)", file: file, line: line)
    for (i, (g, w)) in zip(got, want).enumerated() where g != w {
        XCTFail("\(i < facts.count ? facts[i] : "field \(i + 1)"): printed \(g), expected \(w)", file: file, line: line)
    }
}

/// How long a test waits for something that should happen in well under a second before it calls
/// it a failure. Generous on purpose: a busy two-core machine can stretch a second into many, and a
/// wait that ends when the event happens costs nothing on an idle one. Only a hang reaches it.
let generousDeadline: TimeInterval = 120

/// Interrupts `lua` (as Ctrl-C would) if it is still running `seconds` from now, so a limit that
/// fails to stop a script ends the test with `.interrupted` as the tripped limit instead of
/// hanging it. Call `cancel()` when the run is over.
final class Watchdog: @unchecked Sendable {
    private let item: DispatchWorkItem
    init(_ lua: LuaState, seconds: TimeInterval = generousDeadline) {
        item = DispatchWorkItem { [weak lua] in lua?.interrupt() }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: item)
    }
    func cancel() { item.cancel() }
}

/// Counts the engine's steps around a stop: wraps `WorkBudget.stopReason` — which engine loops
/// consult once per step (`WorkBudget.checkpoint()`) — while installed, counting the checkpoints
/// that let work go on and the ones that stopped it. A test installs it from a Lua function called
/// just before the engine work (`LuaState` installs its own answer when a script starts) and
/// uninstalls it before the state goes away.
final class StepProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var inner: (@Sendable () -> String?)?
    private var installed = false
    private var _goOn = 0, _stop = 0
    /// Checkpoints that let work go on (steps begun before the stop).
    var goOn: Int { lock.withLock { _goOn } }
    /// Checkpoints that answered "stop". The first one ends the work; each further one is a step
    /// that went on after the stop (an engine that swallowed the error and carried on).
    var stops: Int { lock.withLock { _stop } }

    func install() {
        guard !installed, let inner = WorkBudget.stopReason else { return }
        installed = true
        self.inner = inner
        WorkBudget.stopReason = { [self] in
            let why = inner()
            lock.withLock { if why == nil { _goOn += 1 } else { _stop += 1 } }
            return why
        }
    }

    func uninstall() {
        if installed { WorkBudget.stopReason = inner }
        installed = false
    }
}
