import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// Every method of every Lua class and every `pl` function is declared (the method-docs audit:
/// 95 of 125 class methods printed only `Class:method(…)`, the Lua-side library's functions only
/// their names, and 107 stubs said `---@return any`): `privlab doc` has a page for each, result
/// tables list their fields, and the stubs type what each returns.
final class MethodDocCoverageTests: XCTestCase {
    func testNoClassMethodOrFunctionIsUndocumented() throws {
        let doc = try OptionDocumentation.collect()
        var undocumented = [String]()
        for (cls, methods) in doc.classes {
            for m in methods where !m.hasPrefix("__") {
                let bare = try doc.text(for: "\(cls).\(m)").hasSuffix("(…)\n")
                if doc.methods["\(cls).\(m)"]?.summary.isEmpty ?? true || bare { undocumented.append("\(cls).\(m)") }
            }
        }
        for f in doc.functions where !f.declared || f.declaration.summary.isEmpty { undocumented.append("pl.\(f.path)") }
        XCTAssertEqual(undocumented.count, 0, "undocumented: \(undocumented.sorted().joined(separator: ", "))")
        // A method returning a table says what the table holds (SISA:history's list is always empty).
        for d in doc.methods.values where d.returns?.hasPrefix("table") ?? false && d.path != "SISA.history" {
            XCTAssertFalse(d.resultFields.isEmpty, "\(d.path) returns a table but lists no fields")
        }
        // Every argument says what it is.
        for d in doc.methods.values.map({ $0 }) + doc.functions.map(\.declaration) {
            for a in d.arguments { XCTAssertFalse(a.type.isEmpty || a.meaning.isEmpty, "\(d.path): argument \(a.name)") }
        }
    }

    /// Each stub's `---@return` is its declaration's type, and a declared function that returns
    /// nothing has none: no stub says `---@return any`.
    func testStubsTypeWhatEachFunctionAndMethodReturns() throws {
        let doc = try OptionDocumentation.collect()
        let lines = doc.luaStubs().components(separatedBy: "\n")
        XCTAssertEqual(lines.filter { $0 == "---@return any" }.count, 0, "stubs returning any")
        var stubbed: [(name: String, declaration: FunctionDeclaration)] = doc.functions.map { ("pl.\($0.path)", $0.declaration) }
        for (cls, methods) in doc.classes {
            for m in methods where !m.hasPrefix("__") {
                if let d = doc.methods["\(cls).\(m)"] { stubbed.append(("\(cls):\(m)", d)) }
            }
        }
        for (name, d) in stubbed {
            guard let i = lines.firstIndex(where: { $0.hasPrefix("function \(name)(") }), i > 0 else {
                XCTFail("\(name) has no stub")
                continue
            }
            if let r = d.returns {
                XCTAssertEqual(lines[i - 1], "---@return \(r)", name)
            } else {
                XCTAssertFalse(lines[i - 1].hasPrefix("---@return"), "\(name) returns nothing: \(lines[i - 1])")
            }
        }
        // A method SISA shares with Model reads the same.
        let privacy = try doc.text(for: "SISA.privacy")
        XCTAssertEqual(privacy, try doc.text(for: "Model.privacy").replacingOccurrences(of: "Model:privacy", with: "SISA:privacy"))
        XCTAssertTrue(try doc.text(for: "pl.defense.accuracy_at").contains("returns: number|nil"))
    }
}
