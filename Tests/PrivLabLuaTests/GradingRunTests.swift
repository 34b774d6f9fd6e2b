import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// The grading bugs of issue 32 found by trying the tools as a new instructor and student would:
/// the program runs once per submission (locals carry, a runaway loop is paid once, output and
/// notes are said once), messages point where the student can look, the Gradescope summary keeps
/// the hidden checks hidden, `assign build` refuses a reference that does not score full marks,
/// `--@ forbid` covers equivalent functions, and a hand-out runs as a notebook.
final class GradingRunTests: XCTestCase {
    func privlab(_ args: [String]) throws -> CLITests.Output { try runPrivlab(args) }

    static let assignment = """
        --@ question a 2 time=3 -- square
        function square(x)
          return x * x -- SOLUTION
        end
        --@ check a public 1 -- squares 3
        expect.equal(square(3), 9)
        --@ end
        --@ check a hidden 1 -- squares the seed
        local r = square(grader.seed)
        expect.equal(r + 0, grader.seed * grader.seed)
        --@ end
        --@ question b 1 time=3 -- fourth power
        function fourth(x)
          return square(x) * square(x) -- SOLUTION
        end
        --@ check b public 1 -- fourth power of 2
        expect.equal(fourth(2), 16)
        --@ end

        """

    struct Graded { var json: [String: Any]; var report: String; var result: GradeResult }

    func grade(_ submission: String, assignment: String = GradingRunTests.assignment) throws -> Graded {
        let d = try temporaryDirectory()
        try assignment.write(toFile: "\(d)/assignment.lua", atomically: true, encoding: .utf8)
        try submission.write(toFile: "\(d)/sub.lua", atomically: true, encoding: .utf8)
        let r = try privlab(["grade", "\(d)/assignment.lua", "\(d)/sub.lua", "--json", "\(d)/r.json", "-o", "\(d)/r.md"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(d)/r.json"))) as! [String: Any]
        let result = try Autograder(executable: CLITests.binary).grade(assignment: "\(d)/assignment.lua", submission: "\(d)/sub.lua", seed: nil)
        return Graded(json: json, report: try String(contentsOfFile: "\(d)/r.md", encoding: .utf8), result: result)
    }

    func points(_ g: Graded) -> [String: Double] { Dictionary(uniqueKeysWithValues: g.result.questions.map { ($0.id, $0.points) }) }

    /// A reference written as a notebook — a `local function` in question a used by question b —
    /// scores full marks: locals carry from one question's code to the next. A local declared
    /// before an error in its section still carries; a failing section costs only its question.
    func testLocalsCarryBetweenQuestionsAsInANotebook() throws {
        let notebook = """
            local offset = 0
            --@ question a 2 time=3 -- square
            local function sq(x) return x * x + offset end
            function square(x) return sq(x) end
            --@ question b 1 time=3 -- fourth power
            function fourth(x) return sq(x) * sq(x) end
            """
        let g = try grade(notebook)
        XCTAssertEqual(points(g), ["a": 2, "b": 1], g.report)
        let broken = """
            --@ question a 2 time=3 -- square
            local function sq(x) return x * x end
            function square(x) return sq(x) end
            error("a mistake after the definitions")
            --@ question b 1 time=3 -- fourth power
            function fourth(x) return sq(x) * sq(x) end
            """
        let h = try grade(broken)
        XCTAssertEqual(points(h)["b"], 1, "sq, declared before question a's error, reaches question b: \(h.report)")
        XCTAssertTrue(h.report.contains("sub.lua:4: a mistake after the definitions"), h.report)
        // Without carrying, `sq` is a nil global in b (the bug): b would fail with "attempt to call a nil value".
        XCTAssertFalse(h.report.contains("global 'sq'"), h.report)
    }

    /// A runaway loop at the top of question a's code is run once (the program runs once per
    /// submission), its note is said once, question b is graded, and what the program printed is
    /// in the report once — not once per question.
    func testARunawayLoopIsRunOnceAndOutputIsNotRepeated() throws {
        let sub = """
            print("hello once")
            --@ question a 2 time=3 -- square
            function square(x) return x * x end
            print("from a")
            while true do end
            --@ question b 1 time=3 -- fourth power
            function fourth(x) return x ^ 4 end
            """
        let start = Date()
        let g = try grade(sub)
        XCTAssertLessThan(Date().timeIntervalSince(start), 60)
        XCTAssertEqual(points(g)["b"], 1, g.report)
        XCTAssertEqual(points(g)["a"], 0, g.report)
        XCTAssertEqual(g.report.components(separatedBy: "time limit exceeded").count - 1, 1, "one note: \(g.report)")
        XCTAssertFalse(g.report.contains("grader.lua"), "the grader's own file means nothing to the student: \(g.report)")
        XCTAssertEqual(g.report.components(separatedBy: "hello once").count - 1, 1, g.report)
        XCTAssertEqual(g.report.components(separatedBy: "from a").count - 1, 1, g.report)
        XCTAssertEqual(g.result.output, "hello once\n")
        XCTAssertEqual(g.result.questions.first { $0.id == "a" }?.output, "from a\n")
    }

    /// A syntax error's note comes before the checks it made fail.
    func testTheSyntaxErrorNoteComesBeforeTheChecks() throws {
        let g = try grade("--@ question a 2 -- square\nfunction square(x) return x * end\n--@ question b 1 -- fourth power\nfunction fourth(x) return 16 end\n")
        let note = try XCTUnwrap(g.report.range(of: "syntax error"), g.report)
        let check = try XCTUnwrap(g.report.range(of: "✗"), g.report)
        XCTAssertLessThan(note.lowerBound, check.lowerBound, g.report)
    }

    /// A hidden check's error never cites the instructor's file (the student cannot see it); the
    /// Gradescope summary shows neither the seed nor points of the hidden checks.
    func testHiddenChecksStayHidden() throws {
        let g = try grade("--@ question a 2 -- square\nfunction square(x) return {value = x} end\n--@ question b 1 -- fourth power\nfunction fourth(x) return 16 end\n")
        XCTAssertFalse(g.report.contains("assignment.lua:"), g.report)
        XCTAssertTrue(g.report.contains("(in a hidden check)"), g.report)
        let output = g.json["output"] as? String ?? ""
        XCTAssertFalse(output.contains(String(g.result.seed)), output)
        XCTAssertTrue(output.hasPrefix("Public checks: 1 / 2 check points"), output)
        XCTAssertTrue(output.contains("hidden checks are shown when grades are published"), output)
        // A public check's error cites the student's own copy of the check, at its line there.
        let withArithmetic = """
            --@ question a 1 -- square
            function square(x) return x * x end -- SOLUTION
            --@ check a hidden 1 -- squares 2
            expect.equal(square(2), 4)
            --@ end
            --@ check a public 1 -- squares 3
            expect.equal(square(3) + 0, 9)
            --@ end
            """
        let twin = """
            --@ question a 1 -- square
            function square(x) return nil end
            --@ check a public 1 -- squares 3
            expect.equal(square(3) + 0, 9)
            --@ end
            """
        let t = try grade(twin, assignment: withArithmetic)
        XCTAssertTrue(t.report.contains("sub.lua:4: attempt to perform arithmetic on a nil value"), t.report)
    }

    /// A worker that dies keeps what it finished: here question b's checks crash the worker (a
    /// stand-in worker that prints a's result and then aborts); a's result stands, b fails with
    /// the reason, and the grade is complete.
    func testAWorkerThatDiesKeepsWhatItFinished() throws {
        let d = try temporaryDirectory()
        try Self.assignment.write(toFile: "\(d)/a.lua", atomically: true, encoding: .utf8)
        let a = QuestionResult(id: "a", title: "square", points: 2, maxPoints: 2, checks: [], status: .graded, notes: [], output: "")
        let enc = JSONEncoder()
        let lines = [WorkerLine(section: "a"), WorkerLine(section: "b"), WorkerLine(checks: "a"), WorkerLine(result: a), WorkerLine(checks: "b")]
        let text = try lines.map { String(decoding: try enc.encode($0), as: UTF8.self) }.joined(separator: "\n")
        try text.write(toFile: "\(d)/lines.txt", atomically: true, encoding: .utf8)
        try "#!/bin/sh\ncat \(d)/lines.txt\necho 'Fatal error: boom' >&2\nkill -ABRT $$\n".write(toFile: "\(d)/w.sh", atomically: true, encoding: .utf8)
        chmod("\(d)/w.sh", 0o755)
        let r = try Autograder(executable: "\(d)/w.sh").grade(assignment: "\(d)/a.lua", submission: "\(d)/a.lua", seed: 3)
        XCTAssertEqual(r.questions.map(\.points), [2, 0])
        guard case .failed(let why) = r.questions[1].status else { return XCTFail("\(r.questions[1].status)") }
        XCTAssertTrue(why.contains("crashed (SIGABRT): Fatal error: boom"), why)
    }

    /// `assign build` grades the reference solution first and refuses to build unless it scores
    /// full marks, saying which checks failed; nothing is written.
    func testAssignBuildRefusesAReferenceWithoutFullMarks() throws {
        let d = try temporaryDirectory()
        try "i".write(toFile: "\(d)/README.md", atomically: true, encoding: .utf8)
        try "s".write(toFile: "\(d)/README.student.md", atomically: true, encoding: .utf8)
        let wrong = Self.assignment.replacingOccurrences(of: "return x * x -- SOLUTION", with: "return x + x -- SOLUTION")
        try wrong.write(toFile: "\(d)/assignment.lua", atomically: true, encoding: .utf8)
        let r = try privlab(["assign", "build", d, "-o", "\(d)/out"])
        XCTAssertEqual(r.status, 2, r.stdout)
        XCTAssertTrue(r.stderr.contains("the reference solution scores 1 / 3, not full marks: nothing was built"), r.stderr)
        XCTAssertTrue(r.stderr.contains("squares 3: value: expected 9, got 6"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(d)/out"))
        try Self.assignment.write(toFile: "\(d)/assignment.lua", atomically: true, encoding: .utf8)
        XCTAssertEqual(try privlab(["assign", "build", d, "-o", "\(d)/out"]).status, 0)
    }

    /// `--@ forbid privacy.epsilon` withholds the functions that compute the same thing:
    /// `pl.privacy.delta` bisected to the answer earns nothing; `assign build` says what it added.
    func testForbidCoversEquivalentFunctions() throws {
        let assignment = """
            --@ forbid privacy.epsilon
            --@ question e 1 -- epsilon
            function eps()
              -- BEGIN SOLUTION
              return 1.0
              -- END SOLUTION
            end
            --@ check e hidden 1 -- the accountant's ε
            expect.near(eps(), pl.privacy.epsilon { sample_rate = 0.01, noise = 1.1, steps = 1000, delta = 1e-5 }, 1e-3)
            --@ end
            """
        let bisect = """
            --@ question e 1 -- epsilon
            function eps()
              local lo, hi = 0.01, 50
              for _ = 1, 60 do
                local mid = (lo + hi) / 2
                if pl.privacy.delta { sample_rate = 0.01, noise = 1.1, steps = 1000, epsilon = mid } > 1e-5 then lo = mid else hi = mid end
              end
              return hi
            end
            """
        let g = try grade(bisect, assignment: assignment)
        XCTAssertEqual(g.result.score, 0, g.report)
        XCTAssertTrue(g.report.contains("pl.privacy.delta is not available in this assignment"), g.report)
        XCTAssertEqual(ForbiddenEquivalents.expand(["privacy.epsilon"]).added, ["privacy.rdp", "privacy.delta", "privacy.noise_for"])
        XCTAssertEqual(ForbiddenEquivalents.expand(["attack.shadow"]).added, [])
    }

    /// A student can run the hand-out as a notebook: its public checks find `expect`, and an
    /// unfinished answer stops the run at its todo() with the line, not at "attempt to index a nil value".
    func testTheHandOutRunsAsANotebook() throws {
        let d = try temporaryDirectory()
        let done = """
            --@ question a 2 -- square
            function square(x) return x * x end
            --@ check a public 1 -- squares 3
            expect.equal(square(3), 9)
            --@ end
            print("checked")
            """
        try done.write(toFile: "\(d)/hw.lua", atomically: true, encoding: .utf8)
        let r = try privlab(["run", "\(d)/hw.lua", "-o", "\(d)/hw.md"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try String(contentsOfFile: "\(d)/hw.md", encoding: .utf8).contains("checked"))
        try done.replacingOccurrences(of: "return x * x", with: "todo()").write(toFile: "\(d)/hw.lua", atomically: true, encoding: .utf8)
        let t = try privlab(["run", "\(d)/hw.lua", "-o", "\(d)/hw.md"])
        XCTAssertNotEqual(t.status, 0)
        let all = t.stderr + (try String(contentsOfFile: "\(d)/hw.md", encoding: .utf8))
        XCTAssertTrue(all.contains("hw.lua:2: not implemented"), all)
        try done.replacingOccurrences(of: "return x * x", with: "return x + x").write(toFile: "\(d)/hw.lua", atomically: true, encoding: .utf8)
        let w = try privlab(["run", "\(d)/hw.lua", "-o", "\(d)/hw.md"])
        let wrong = w.stderr + (try String(contentsOfFile: "\(d)/hw.md", encoding: .utf8))
        XCTAssertTrue(wrong.contains("hw.lua:4: value: expected 9, got 6"), wrong)
    }
}
