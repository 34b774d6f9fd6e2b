import Foundation
import PrivLab
import XCTest

/// Every paper reproduction (`notebooks/reproductions/*.lua`) runs at a small scale and produces
/// its verdict table. A reproduction says how to run it small in one line of its own,
/// `-- test run: -P name=value ...`, so adding a paper needs no change here; the kept reports at
/// default scale come from `make reproduce` (results/reproductions/).
final class ReproductionTests: XCTestCase {
    static let folder = CLITests.root + "/notebooks/reproductions"

    /// The `-P` arguments of a notebook's `-- test run:` line (nil when it has none).
    static func smallRunArguments(_ source: String) -> [String]? {
        guard let line = source.split(separator: "\n").first(where: { $0.hasPrefix("-- test run:") }) else { return nil }
        return line.dropFirst("-- test run:".count).split(whereSeparator: \.isWhitespace).map(String.init)
    }

    func testEveryReproductionRunsSmallAndStatesItsVerdicts() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { $0.hasSuffix(".lua") }.sorted()
        XCTAssertFalse(names.isEmpty, "no reproduction notebooks in \(Self.folder)")
        try CLITests.requireFashionMNIST()
        let dir = try temporaryDirectory()
        for name in names {
            let source = try String(contentsOfFile: Self.folder + "/" + name, encoding: .utf8)
            guard let args = Self.smallRunArguments(source) else {
                XCTFail("\(name): no '-- test run: -P …' line saying how to run it at a small scale"); continue
            }
            let report = "\(dir)/\(name.dropLast(4)).md"
            let r = try runPrivlab(["run", "notebooks/reproductions/\(name)", "-o", report] + args)
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
            let md = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
            // The paper's number beside ours, with a verdict, in a table.
            XCTAssertNotNil(md.range(of: #"\|[^\n]*paper[^\n]*\|[^\n]*verdict[^\n]*\|"#, options: [.regularExpression, .caseInsensitive]),
                            "\(name): no 'paper | … | verdict' table in the report")
            XCTAssertFalse(md.contains("> **Error:**"), "\(name): the report carries an error")
        }
    }
}
