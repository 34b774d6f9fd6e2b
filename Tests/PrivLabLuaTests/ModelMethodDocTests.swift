import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// Every Model method is declared (issue 27, item 5): `privlab doc Model.<method>` says what it
/// takes and returns, result tables list their fields, and the stubs type what methods return.
final class ModelMethodDocTests: XCTestCase {
    func testEveryModelMethodIsDeclared() throws {
        let doc = try OptionDocumentation.collect()
        let methods = try XCTUnwrap(doc.classes["Model"])
        for m in methods where !m.hasPrefix("__") {
            XCTAssertNotNil(doc.methods["Model.\(m)"], "Model.\(m) has a declaration")
            XCTAssertFalse(try doc.text(for: "Model.\(m)").hasSuffix("(…)\n"), "Model.\(m) has more than a bare signature")
        }
        let privacy = try doc.text(for: "Model.privacy")
        for field in ["epsilon", "delta", "accountant", "events", "sample_rate", "sampling"] {
            XCTAssertTrue(privacy.contains("\n  \(field) "), "Model.privacy documents \(field)")
        }
        XCTAssertTrue(privacy.contains("returns: table|nil"))
        XCTAssertTrue(try doc.text(for: "Model.history").contains("train_loss"))
        XCTAssertTrue(try doc.text(for: "Model.score").contains("Model:score(data, metric)"))
        let stubs = doc.luaStubs()
        XCTAssertTrue(stubs.contains("---@return Model\nfunction Model:clone() end"))
        XCTAssertTrue(stubs.contains("---@return integer[]\nfunction Model:predict(x) end"))
    }
}
