import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `privlab doc`, `pl.doc` and `privlab stubs` come from the options the bindings read (issue 18):
/// every function, option and method has its stub, the stubs parse as Lua, and a misspelt name
/// gets a suggestion.
final class OptionDocumentationTests: XCTestCase {
    func testStubsCoverEveryFunctionOptionAndMethodAndParse() throws {
        let doc = try OptionDocumentation.collect()
        let stubs = doc.luaStubs()
        let (rt, _) = try makeRuntime()
        XCTAssertGreaterThan(doc.functions.count, 60)
        for f in doc.functions {
            XCTAssertTrue(stubs.contains("function pl.\(f.path)("), "pl.\(f.path) has no stub")
            for o in f.options { XCTAssertTrue(stubs.contains("---@class pl.\(f.path).options\n") && stubs.contains("---@field \(o.key)? "), "\(f.path).\(o.key)") }
        }
        // Every pl function the runtime defines is there (walked from Lua, so nothing is missed).
        guard case .string(let names)? = try rt.exec(OptionDocumentation.walk).first else { return XCTFail() }
        for n in names.split(separator: " ") where !n.hasPrefix("_") {
            XCTAssertTrue(stubs.contains("function pl.\(n)("), "pl.\(n) has no stub")
        }
        // Recording reached finish() in every function that takes options (none stopped at a check).
        for f in doc.functions where !f.options.isEmpty { XCTAssertNil(f.stoppedBy, "pl.\(f.path) stopped before declaring every option: \(f.stoppedBy ?? "")") }
        XCTAssertTrue(try doc.text(for: "attack.shadow").contains("shadows "), "options after the target check are declared too")
        // Every option says what it means.
        for f in doc.functions { for o in f.options { XCTAssertTrue(try doc.text(for: f.path).contains("\(o.key) ") && (try doc.text(for: f.path)).components(separatedBy: "\n").contains { $0.hasPrefix("  \(o.key) ") && $0.contains(": ") }, "pl.\(f.path): option '\(o.key)' has no meaning in OptionMeanings") } }
        for (cls, methods) in doc.classes { for m in methods { XCTAssertTrue(stubs.contains("function \(cls):\(m)("), "\(cls):\(m)") } }
        // The stubs are valid Lua.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("privlab-stubs-\(getpid()).lua").path
        try stubs.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        guard case .string(let parsed)? = try rt.exec("local f, err = loadfile('\(file)'); return f and 'ok' or err").first else { return XCTFail() }
        XCTAssertEqual(parsed, "ok")
        // Declarations carry types, defaults and bounds as the bindings check them.
        let mlp = doc.functions.first { $0.path == "mlp" }!.options
        let lr = mlp.first { $0.key == "lr" }!
        XCTAssertEqual(lr.type, "number")
        XCTAssertEqual(lr.defaultValue, "0.05")
        XCTAssertEqual(lr.range, "> 0")
        XCTAssertEqual(mlp.first { $0.key == "optimizer" }!.choices, ["sgd", "adam"])
        XCTAssertTrue(try doc.text(for: "pl.logistic").contains("solver     \"lbfgs\" | \"newton\", default \"lbfgs\""))
        XCTAssertThrowsError(try doc.text(for: "pl.mpl")) { XCTAssertTrue("\($0)".contains("did you mean pl.mlp?")) }
    }

    func testDocFromLua() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("local t = pl.doc('select_k_best'); assert(t:find('score', 1, true))")
        XCTAssertTrue(sink.text.contains("pl.select_k_best{…} options:"))
        XCTAssertTrue(sink.text.contains("\"f_classif\" | \"chi2\" | \"mutual_info\""))
        assertLuaError(rt, "pl.doc('lgistic')", ["did you mean pl.logistic?"])
    }
}
