import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// Question types (issue 32, item 2): a numeric answer within a tolerance (`--@ numeric`),
/// multiple choice with one or several right answers (`--@ choice`), a table and a chart the
/// student's code produces, checked by their values (`grader.table`, `grader.chart`), and a
/// free-text answer collected for grading by hand (`free-text`, `--@ rubric`).
final class QuestionTypesTests: XCTestCase {
    func privlab(_ args: [String]) throws -> CLITests.Output { try runPrivlab(args) }

    /// A small assignment using every type; its reference scores full marks.
    static let assignment = """
        --[[md
        # Question types
        ]]
        answers = {}
        --@ question eps 2 -- A number
        answers.eps = 0.5 * 3 -- SOLUTION
        --@ numeric eps public 1 answers.eps 1.5 tol=1e-6 -- the example's value
        --@ numeric eps hidden 1 answers.eps 1.5 tol=0.01 relative -- within 1 %

        --@ question pick 1 -- One right choice
        answers.pick = "b" -- SOLUTION
        --@ choice pick hidden 1 answers.pick b options=a,b,c -- the attack that needs shadow models

        --@ question several 1 -- Several right choices
        answers.several = { "c", "a" } -- SOLUTION
        --@ choice several hidden 1 answers.several a,c options=a,b,c,d -- both defenses

        --@ question tab 2 -- A table
        function make_table()
          -- BEGIN SOLUTION
          local rows = {}
          for k = 1, 3 do rows[k] = { k = k, square = k * k } end
          pl.report.table(rows, { columns = { "k", "square" } })
          -- END SOLUTION
        end
        make_table()
        --@ check tab hidden 2 -- the squares of 1, 2, 3
        expect.table(grader.table(), { columns = { "k", "square" }, rows = { { 1, 1 }, { 2, 4 }, { 3, 9 } } })
        --@ end

        --@ question fig 1 -- A chart
        function draw()
          pl.report.line { x = { 1, 2, 3 }, y = { 2, 4, 6 }, title = "doubling" } -- SOLUTION
        end
        draw()
        --@ check fig hidden 1 -- y = 2x
        expect.series(grader.chart(), 1, { x = { 1, 2, 3 }, y = { 2, 4, 6 } }, "chart", 1e-9)
        --@ end

        --@ question why 3 free-text -- Explain
        answers.why = "The noise hides any one record." -- SOLUTION
        --@ rubric why 2 -- names the noise
        --@ rubric why 1 -- says it is about one record

        """

    func setUpAssignment() throws -> String {
        let d = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: "\(d)/types", withIntermediateDirectories: true)
        try Self.assignment.write(toFile: "\(d)/types/assignment.lua", atomically: true, encoding: .utf8)
        try "instructors".write(toFile: "\(d)/types/README.md", atomically: true, encoding: .utf8)
        try "students".write(toFile: "\(d)/types/README.student.md", atomically: true, encoding: .utf8)
        return d
    }

    func grade(_ d: String, _ text: String) throws -> GradeResult {
        try text.write(toFile: "\(d)/sub.lua", atomically: true, encoding: .utf8)
        return try Autograder(executable: CLITests.binary).grade(assignment: "\(d)/types/assignment.lua", submission: "\(d)/sub.lua", seed: nil)
    }

    func message(_ g: GradeResult, _ q: String) -> String {
        g.questions.first { $0.id == q }!.checks.filter { !$0.passed }.map(\.message).joined(separator: " | ")
    }

    func testTheReferenceScoresFullMarksAndTheHandOutNothing() throws {
        let d = try setUpAssignment()
        let full = try grade(d, Self.assignment)
        XCTAssertEqual(full.score, 7, "\(full.questions.map { ($0.id, $0.points, $0.checks.map(\.message), $0.notes) })")
        XCTAssertEqual(full.maxScore, 7, "the free-text question's 3 points are given by hand, outside the automatic score")
        let why = try XCTUnwrap(full.questions.first { $0.id == "why" })
        XCTAssertEqual(why.answer, "The noise hides any one record.")
        XCTAssertEqual(why.manualPoints, 3)
        // assign build checks the reference (full marks) and writes a hand-out without the hidden
        // answers and the rubric; the hand-out scores nothing.
        let b = try privlab(["assign", "build", "\(d)/types", "-o", "\(d)/out"])
        XCTAssertEqual(b.status, 0, b.stderr)
        let handout = try String(contentsOfFile: "\(d)/out/student/types.lua", encoding: .utf8)
        for secret in ["options=a,b,c", "--@ rubric", "0.5 * 3", "\"b\"", "tol=0.01"] { XCTAssertFalse(handout.contains(secret), secret) }
        XCTAssertTrue(handout.contains("--@ numeric eps public 1 answers.eps 1.5 tol=1e-6"), "a public answer check stays")
        let zero = try grade(d, handout)
        XCTAssertEqual(zero.score, 0)
        XCTAssertNil(zero.questions.first { $0.id == "why" }?.answer)
        let manifest = try String(contentsOfFile: "\(d)/out/instructor/manifest.json", encoding: .utf8)
        XCTAssertTrue(manifest.contains("\"kind\" : \"free-text\""), manifest)
    }

    /// Wrong answers fail with messages a student can act on.
    func testWrongAnswersAreExplained() throws {
        let d = try setUpAssignment()
        let g = try grade(d, Self.assignment
            .replacingOccurrences(of: "answers.eps = 0.5 * 3", with: "answers.eps = 1.51")
            .replacingOccurrences(of: "answers.pick = \"b\"", with: "answers.pick = \"d\"")
            .replacingOccurrences(of: "answers.several = { \"c\", \"a\" }", with: "answers.several = { \"a\" }")
            .replacingOccurrences(of: "square = k * k", with: "square = k < 3 and k * k or 6")
            .replacingOccurrences(of: "y = { 2, 4, 6 }, title", with: "y = { 2, 4, 7 }, title"))
        let points = Dictionary(uniqueKeysWithValues: g.questions.map { ($0.id, $0.points) })
        XCTAssertEqual(points, ["eps": 1, "pick": 0, "several": 0, "tab": 0, "fig": 0, "why": 0])
        XCTAssertTrue(message(g, "eps").contains("answers.eps: expected 1.5 (± 1e-06), got 1.51"), message(g, "eps"))
        XCTAssertTrue(message(g, "pick").contains("answers.pick: expected one of a, b, c, got \"d\""), message(g, "pick"))
        XCTAssertTrue(message(g, "several").contains("2 of the choices are right"), message(g, "several"))
        XCTAssertTrue(message(g, "tab").contains("table: row 3, column 'square': expected 9, got 6"), message(g, "tab"))
        XCTAssertTrue(message(g, "fig").contains("chart: series 1, y[3]: expected 6, got 7"), message(g, "fig"))
        // No table at all: said so.
        let none = try grade(d, Self.assignment.replacingOccurrences(of: "pl.report.table(rows, { columns = { \"k\", \"square\" } })", with: ""))
        XCTAssertTrue(message(none, "tab").contains("no table was produced"), message(none, "tab"))
        // A free-text answer that is not text.
        let number = try grade(d, Self.assignment.replacingOccurrences(of: "answers.why = \"The noise hides any one record.\"", with: "answers.why = 42"))
        XCTAssertTrue(number.questions.first { $0.id == "why" }!.notes.contains { $0.contains("answers.why must be text (a string), got 42") })
    }

    /// Marker mistakes are named at their line; a free-text question takes a rubric, not checks.
    func testMalformedMarkersAreNamed() throws {
        XCTAssertThrowsError(try AssignmentSource(text: "--@ question a 1 -- a\n--@ choice a hidden 1 answers.a b\n", path: "x.lua")) { e in
            XCTAssertTrue("\(e)".contains("x.lua:2: unknown or malformed marker"), "\(e)")
        }
        XCTAssertThrowsError(try AssignmentSource(text: "--@ question a 1 -- a\n--@ rubric a 1 -- x\n", path: "x.lua")) { e in
            XCTAssertTrue("\(e)".contains("a rubric belongs to a free-text question"), "\(e)")
        }
        let d = try setUpAssignment()
        try (Self.assignment + "--@ check why hidden 1 -- no\nexpect.truthy(true)\n--@ end\n")
            .write(toFile: "\(d)/types/assignment.lua", atomically: true, encoding: .utf8)
        let r = try privlab(["assign", "build", "\(d)/types", "-o", "\(d)/out"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("question 'why' is free-text (graded by hand): it takes '--@ rubric' lines, not checks"), r.stderr)
    }
}
