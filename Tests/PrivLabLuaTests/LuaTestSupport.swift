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

func temporaryDirectory() -> String {
    let dir = NSTemporaryDirectory() + "privlab-lua-tests-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
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
