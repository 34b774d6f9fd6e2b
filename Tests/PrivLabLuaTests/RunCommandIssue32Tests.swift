import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// Issue 32's run/CLI bugs checked through `privlab run` itself (the other ones have their tests
/// in CLITests and BridgeTests): an unknown `pl.*` name and a bad `pl.inspect` depth are errors at
/// the notebook's line, with the nearest name / the argument named, in the report and on stderr.
final class RunCommandIssue32Tests: XCTestCase {
    func testRunSaysDidYouMeanAndNamesInspectsArgumentAtTheNotebooksLine() throws {
        let dir = try temporaryDirectory()
        try "print('ok')\n--[[md\nA typo.\n]]\nlocal m = pl.mpl{hidden = {8}}\n".write(toFile: "\(dir)/typo.lua", atomically: true, encoding: .utf8)
        let r = try runPrivlab(["run", "typo.lua", "-o", "typo.md"], cwd: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("typo.lua:5: pl.mpl: no such function (did you mean pl.mlp?)"), r.stderr)
        XCTAssertTrue(try String(contentsOfFile: "\(dir)/typo.md", encoding: .utf8).contains("typo.lua:5: pl.mpl: no such function (did you mean pl.mlp?)"))
        try "local t = {a = {b = 1}}\nprint(pl.inspect(t, {depth = 1}))\nprint(pl.inspect(t, {depth = 'deep'}))\n"
            .write(toFile: "\(dir)/inspect.lua", atomically: true, encoding: .utf8)
        let i = try runPrivlab(["run", "inspect.lua", "-o", "inspect.md"], cwd: dir)
        XCTAssertEqual(i.status, 1, i.stderr)
        XCTAssertTrue(i.stderr.contains("inspect.lua:3:") && i.stderr.contains("inspect") && i.stderr.contains("depth"), i.stderr)
        XCTAssertFalse(i.stderr.contains("init.lua"), i.stderr)
        XCTAssertTrue(try String(contentsOfFile: "\(dir)/inspect.md", encoding: .utf8).contains("b"), "depth = 1 works")
    }
}
