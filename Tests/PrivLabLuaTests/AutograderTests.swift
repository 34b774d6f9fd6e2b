import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// The grader is an attack surface: every hostile submission below must be contained, reported,
/// and must cost only the question it attacks.
final class AutograderTests: XCTestCase {
    func privlab(_ args: [String]) throws -> CLITests.Output { try runPrivlab(args) }

    static let assignment = """
        --[[md
        # A tiny assignment
        ]]
        --@ question a 2 time=2 -- double
        function double(x)
          return 2 * x -- SOLUTION
        end

        --@ check a public 1 -- doubles 2
        expect.equal(double(2), 4)
        --@ end

        --@ check a hidden 1 -- doubles the grader's seed
        expect.equal(double(grader.seed), 2 * grader.seed)
        --@ end

        --@ question b 1 time=2 -- the engine
        function eps()
          -- BEGIN SOLUTION
          return pl.privacy.epsilon { sample_rate = 0.01, noise = 1.1, steps = 1000, delta = 1e-5 }
          -- END SOLUTION
        end

        --@ check b hidden 1 -- matches the accountant
        expect.near(eps(), pl.privacy.epsilon { sample_rate = 0.01, noise = 1.1, steps = 1000, delta = 1e-5 }, 1e-9)
        --@ end

        """

    /// A submission: the given code for question a (and a correct b unless replaced).
    static func submission(a: String, b: String = "function eps() return pl.privacy.epsilon { sample_rate = 0.01, noise = 1.1, steps = 1000, delta = 1e-5 } end",
                           preamble: String = "") -> String {
        "\(preamble)\n--@ question a 2 time=2 -- double\n\(a)\n--@ question b 1 time=2 -- the engine\n\(b)\n"
    }

    struct Graded { var score: Double; var a: Double; var b: Double; var json: [String: Any]; var report: String }

    func grade(_ text: String, dir: String? = nil, file: String = "sub.lua") throws -> Graded {
        let d = try dir ?? temporaryDirectory()
        try Self.assignment.write(toFile: "\(d)/assignment.lua", atomically: true, encoding: .utf8)
        try text.write(toFile: "\(d)/\(file)", atomically: true, encoding: .utf8)
        let r = try privlab(["grade", "\(d)/assignment.lua", "\(d)/\(file)", "--json", "\(d)/r.json", "-o", "\(d)/r.md"])
        XCTAssertEqual(r.status, 0, "grading completes whatever the submission does: \(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(d)/r.json"))) as! [String: Any]
        let tests = json["tests"] as! [[String: Any]]
        func q(_ p: String) -> Double { tests.filter { ($0["name"] as! String).hasPrefix(p) }.reduce(0) { $0 + ($1["score"] as! Double) } }
        return Graded(score: json["score"] as! Double, a: q("a ·"), b: q("b ·"), json: json,
                      report: try String(contentsOfFile: "\(d)/r.md", encoding: .utf8))
    }

    func testReferenceScoresFullMarksAndStudentVersionZero() throws {
        let dir = try temporaryDirectory()
        try Self.assignment.write(toFile: "\(dir)/assignment.lua", atomically: true, encoding: .utf8)
        try "instructors".write(toFile: "\(dir)/README.md", atomically: true, encoding: .utf8)
        try "students".write(toFile: "\(dir)/README.student.md", atomically: true, encoding: .utf8)
        let full = try grade(Self.assignment)
        XCTAssertEqual(full.score, 3)
        XCTAssertEqual(full.json["max_score"] as? Double, 3)
        // Build twice: identical output; the student version has no solution and no hidden check.
        XCTAssertEqual(try privlab(["assign", "build", dir, "-o", "\(dir)/out1"]).status, 0)
        XCTAssertEqual(try privlab(["assign", "build", dir, "-o", "\(dir)/out2"]).status, 0)
        let name = URL(fileURLWithPath: dir).lastPathComponent
        for f in ["student/\(name).lua", "student/README.md", "instructor/assignment.lua", "instructor/manifest.json", "instructor/README.md"] {
            XCTAssertEqual(FileManager.default.contents(atPath: "\(dir)/out1/\(f)"), FileManager.default.contents(atPath: "\(dir)/out2/\(f)"), f)
        }
        let student = try String(contentsOfFile: "\(dir)/out1/student/\(name).lua", encoding: .utf8)
        XCTAssertFalse(student.contains("hidden"))
        XCTAssertFalse(student.contains("2 * x"))
        XCTAssertFalse(student.contains("pl.privacy.epsilon { sample_rate = 0.01, noise = 1.1, steps = 1000, delta = 1e-5 }\n  -- END"))
        XCTAssertTrue(student.contains("return todo()"))
        let zero = try grade(student)
        XCTAssertEqual(zero.score, 0)
        XCTAssertTrue(zero.report.contains("not implemented"))
        // The student's own check runs the public check only, and fails it (exit 1).
        let c = try privlab(["check", "\(dir)/out1/student/\(name).lua"])
        XCTAssertEqual(c.status, 1)
        XCTAssertTrue(c.stdout.contains("✗ doubles 2"), c.stdout)
        XCTAssertFalse(c.stdout.contains("grader's seed"), "hidden checks never reach the student")
    }

    /// `privlab check` on a hand-out (issue 32): a question graded by hidden checks alone reads
    /// "hidden checks only", and "not implemented" while its todo() is in place, so the run does not
    /// report success (exit 1) even when every public check passes; so does code that raises. What
    /// the program printed is announced, and shown with --verbose. Implemented, the question is done.
    func testCheckSaysNotImplementedForHiddenOnlyQuestions() throws {
        let dir = try temporaryDirectory()
        let handout = """
            print("hello from the preamble")
            --@ question a 2 time=2 -- double
            function double(x)
              return 2 * x
            end

            --@ check a public 1 -- doubles 2
            expect.equal(double(2), 4)
            --@ end

            --@ question b 1 time=2 -- the engine
            --[[md
            Replace `todo()` below.
            ]]
            function eps()
              todo()  -- your code here (replace this line)
            end

            """
        func check(_ text: String, _ args: [String] = []) throws -> CLITests.Output {
            try text.write(toFile: "\(dir)/hw.lua", atomically: true, encoding: .utf8)
            return try privlab(["check"] + args + ["\(dir)/hw.lua"])
        }
        let c = try check(handout)
        XCTAssertEqual(c.status, 1, c.stdout)
        XCTAssertTrue(c.stdout.contains("b · the engine: hidden checks only — not implemented (todo() at line 16)\n"), c.stdout)
        XCTAssertTrue(c.stdout.contains("a · double: 2 / 2\n  ✓ doubles 2"), c.stdout)
        XCTAssertTrue(c.stdout.contains("public checks: 2 / 2 (hidden checks are graded separately); not done: b"), c.stdout)
        XCTAssertTrue(c.stdout.contains("(your program printed 1 line: privlab check --verbose shows them)"), c.stdout)
        XCTAssertFalse(c.stdout.contains("hello from the preamble"), c.stdout)
        let v = try check(handout, ["--verbose"])
        XCTAssertTrue(v.stdout.contains("output of your program:\n  | hello from the preamble\n"), v.stdout)
        XCTAssertEqual(v.stdout.components(separatedBy: "hello from the preamble").count, 2, "shown once, not once per question")
        let todoLine = "  todo()  -- your code here (replace this line)"
        let raises = try check(handout.replacingOccurrences(of: todoLine, with: "  return 1\nend\nerror('oops')\ndo"))
        XCTAssertEqual(raises.status, 1, raises.stdout)
        XCTAssertTrue(raises.stdout.contains("b · the engine: hidden checks only — your code raised an error"), raises.stdout)
        XCTAssertTrue(raises.stdout.contains("hw.lua:18: oops"), raises.stdout)
        let done = try check(handout.replacingOccurrences(of: todoLine, with: "  return 1"))
        XCTAssertEqual(done.status, 0, done.stdout)
        XCTAssertTrue(done.stdout.contains("b · the engine: hidden checks only (your code ran without error)"), done.stdout)
        XCTAssertFalse(done.stdout.contains("not done"), done.stdout)
    }

    /// The grader's copy of pl answers an unknown name as the engine's does (issue 32): the
    /// student's line and the nearest name, not "attempt to call a nil value".
    func testUnknownPlNamesInTheSandboxSuggestTheNearest() throws {
        let g = try grade(Self.submission(a: "function double(x) return 2 * x end\nlocal m = pl.mpl{}"))
        XCTAssertTrue(g.report.contains("sub.lua:4: pl.mpl: no such function (did you mean pl.mlp?)"), g.report)
    }

    /// The course assignments: the reference solution scores full marks, the student
    /// version builds, passes no check and scores 0 without crashing.
    /// Every folder of assignments/ (sorted), so that a new assignment is covered as soon as it is
    /// added: the reference solution earns full marks, the hand-out nothing.
    static func courseAssignments() throws -> [String] {
        let dir = "\(CLITests.root)/assignments"
        return try FileManager.default.contentsOfDirectory(atPath: dir).filter { name in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(dir)/\(name)", isDirectory: &isDir) && isDir.boolValue
        }.sorted()
    }

    func testEveryAssignmentFolderIsCovered() throws {
        let names = try Self.courseAssignments()
        for name in ["anonymity", "defenses", "dp-sgd", "federated", "pipelines", "privacy-measures", "shadow-models",
                     "sisa-aggregation", "synthetic-data"] {
            XCTAssertTrue(names.contains(name), name)
        }
        for name in names {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(CLITests.root)/assignments/\(name)/assignment.lua"),
                          "assignments/\(name) has no assignment.lua")
        }
    }

    func testCourseAssignmentsGradeTheirReferenceAndStudentVersions() throws {
        for name in try Self.courseAssignments() {
            let dir = try temporaryDirectory()
            let src = "\(CLITests.root)/assignments/\(name)"
            let text = try String(contentsOfFile: "\(src)/assignment.lua", encoding: .utf8)
            XCTAssertTrue(text.contains("--@ check") && text.contains(" hidden ") && text.contains("grader.seed"),
                          "\(name): hidden checks drawing their inputs from the grader's seed")
            XCTAssertEqual(try privlab(["assign", "build", src, "-o", dir]).status, 0, name)
            let full = try privlab(["grade", "\(dir)/instructor", "\(src)/assignment.lua", "--json", "\(dir)/full.json", "-o", "\(dir)/full.md"])
            XCTAssertEqual(full.status, 0, full.stderr)
            let fj = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/full.json"))) as! [String: Any]
            let fullReport = try String(contentsOfFile: "\(dir)/full.md", encoding: .utf8)
            XCTAssertEqual(fj["score"] as? Double, fj["max_score"] as? Double, "\(name): reference solution\n" + fullReport)
            XCTAssertGreaterThan(fj["max_score"] as? Double ?? 0, 10)
            let zero = try privlab(["grade", "\(dir)/instructor", "\(dir)/student/\(name).lua", "--json", "\(dir)/zero.json", "-o", "\(dir)/zero.md"])
            XCTAssertEqual(zero.status, 0, zero.stderr)
            let zj = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/zero.json"))) as! [String: Any]
            XCTAssertEqual(zj["score"] as? Double, 0, name)
            let md = try String(contentsOfFile: "\(dir)/zero.md", encoding: .utf8)
            XCTAssertFalse(md.contains("crashed") || md.contains("time limit"), md)
            XCTAssertEqual(try privlab(["check", "\(dir)/student/\(name).lua"]).status, 1, "public checks fail on the hand-out")
        }
    }

    func testHardCodedAnswersFailTheHiddenSeed() throws {
        let g = try grade(Self.submission(a: "function double(x) if x == 2 then return 4 end return 0 end"))
        XCTAssertEqual(g.a, 1, "public check passes, hidden one fails")
        XCTAssertEqual(g.b, 1)
    }

    func testInfiniteLoopsCostOnlyTheirQuestion() throws {
        let inFunction = try grade(Self.submission(a: "function double(x) while true do end end"))
        XCTAssertEqual(inFunction.a, 0)
        XCTAssertEqual(inFunction.b, 1)
        XCTAssertTrue(inFunction.report.contains("time limit"), inFunction.report)
        let atTopLevel = try grade(Self.submission(a: "function double(x) return 2 * x end\nwhile true do end"))
        XCTAssertEqual(atTopLevel.b, 1, "question b is graded although question a's code never ends")
        XCTAssertEqual(atTopLevel.a, 0)
    }

    /// A top-level infinite loop before the first question stops the whole program: every question
    /// fails at once with that reason (issue 18) instead of each worker paying the time limit again.
    func testAStoppedPreambleFailsEveryQuestionAtOnce() throws {
        let g = try grade(Self.submission(a: "function double(x) return 2 * x end", preamble: "while true do end"))
        XCTAssertEqual(g.score, 0)
        let tests = g.json["tests"] as! [[String: Any]]
        XCTAssertEqual(tests.count, 3, "every check of both questions is reported")
        for t in tests {
            XCTAssertTrue((t["output"] as? String ?? "").contains("the code before the first question was stopped (time limit"), "\(t)")
        }
        // Question b's worker never ran: its checks carry the reason and none of a worker's notes.
        let b = tests.filter { ($0["name"] as! String).hasPrefix("b ·") }
        XCTAssertEqual(b.count, 1)
        XCTAssertFalse((b[0]["output"] as! String).contains("\n"), "\(b[0])")
    }

    func testInstructionLimitPerQuestion() throws {
        let dir = try temporaryDirectory()
        let assignment = """
            --@ question a 1 instructions=2000000 -- count
            function count() local s = 0 for i = 1, 1e9 do s = s + i end return s end -- SOLUTION
            --@ check a public 1 -- counts
            expect.number(count())
            --@ end
            """
        try assignment.write(toFile: "\(dir)/assignment.lua", atomically: true, encoding: .utf8)
        let r = try privlab(["grade", "\(dir)/assignment.lua", "\(dir)/assignment.lua", "-o", "\(dir)/r.md"])
        XCTAssertEqual(r.status, 0)
        let md = try String(contentsOfFile: "\(dir)/r.md", encoding: .utf8)
        XCTAssertTrue(md.contains("instruction limit"), md)
        XCTAssertTrue(md.contains("score: 0 / 1"), md)
    }

    /// An oversized model is refused before it is allocated (issue 19): the student reads how much
    /// memory it needs against the question's limit, and the question is graded — no crash, no
    /// backtrace, no lost time.
    func testOversizedModelsMeetTheQuestionsMemoryLimit() throws {
        let dir = try temporaryDirectory()
        let assignment = """
            --@ question a 1 memory=256 -- a model
            function train()
              local m = pl.mlp{hidden = {64}, epochs = 1} -- SOLUTION
              m:fit(pl.data.blobs{n = 100, features = 20, classes = 2, seed = 1})
              return m
            end
            --@ check a public 1 -- it trains
            expect.truthy(train())
            --@ end
            """
        try assignment.write(toFile: "\(dir)/assignment.lua", atomically: true, encoding: .utf8)
        try assignment.replacingOccurrences(of: "hidden = {64}", with: "hidden = {20000000}")
            .write(toFile: "\(dir)/student.lua", atomically: true, encoding: .utf8)
        let start = Date()
        let r = try privlab(["grade", "\(dir)/assignment.lua", "\(dir)/student.lua", "-o", "\(dir)/r.md"])
        XCTAssertEqual(r.status, 0)
        let md = try String(contentsOfFile: "\(dir)/r.md", encoding: .utf8)
        XCTAssertTrue(md.contains("memory limit: this mlp") && md.contains("the question's memory limit"), md)
        XCTAssertTrue(md.contains("score: 0 / 1"), md)
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
        let ref = try privlab(["grade", "\(dir)/assignment.lua", "\(dir)/assignment.lua", "-o", "\(dir)/ok.md"])
        XCTAssertEqual(ref.status, 0)
        XCTAssertTrue(try String(contentsOfFile: "\(dir)/ok.md", encoding: .utf8).contains("score: 1 / 1"))
    }

    /// Each escape fails for the reason that proves the sandbox — the library is absent, or file
    /// access is refused — at the student's line; a probe failing for any other reason (a typo, a
    /// missing file) would prove nothing, so the reason is asserted, not just the failure.
    func testSandboxRefusesTheOutsideWorld() throws {
        let absent = "attempt to %@ a nil value (global '%@')"
        for (code, why) in [("os.exit(3)", String(format: absent, "index", "os")), ("io.open('/etc/passwd')", String(format: absent, "index", "io")),
                            ("load('return 1')", String(format: absent, "call", "load")), ("require('os')", String(format: absent, "call", "require")),
                            ("dofile('/etc/passwd')", String(format: absent, "call", "dofile")), ("debug.sethook()", String(format: absent, "index", "debug")),
                            ("collectgarbage()", String(format: absent, "call", "collectgarbage")),
                            ("pl.data.csv('/etc/passwd')", "data.csv: file access is not available in the grader's sandbox"),
                            ("pl.load('/etc/passwd')", "load: file access is not available in the grader's sandbox")] {
            let g = try grade(Self.submission(a: "function double(x) return 2 * x end\n" + code))
            XCTAssertEqual(g.b, 1, code)
            XCTAssertTrue(g.report.contains("sub.lua:4: \(why)"), "\(code): \(g.report)")
        }
        // A model file cannot be written either.
        let w = try grade(Self.submission(a: "local m = pl.softmax{}\nm:fit(pl.data.blobs{n = 20})\nm:save('/tmp/x.plm')\nfunction double(x) return 2 * x end"))
        XCTAssertTrue(w.report.contains("file access is not available in the grader's sandbox"), w.report)
    }

    func testRedefiningHelpersAndLibrariesDoesNotFoolTheChecks() throws {
        let g = try grade(Self.submission(
            a: """
                expect = { equal = function() end, near = function() end }
                grader = { seed = 2 }
                string.format = function() return "" end
                local ok = pcall(function() getmetatable("").__index.rep = nil end)
                function double(x) return 4 end
                """,
            b: """
                pl.privacy.epsilon = function() return 0 end
                function eps() return pl.privacy.epsilon{} end
                """))
        XCTAssertEqual(g.a, 1, "only the public example passes")
        XCTAssertEqual(g.b, 0, "the student's pl is a copy; the check's pl is the engine's")
    }

    func testHostileValuesAreReportedNotTrusted() throws {
        let nan = try grade(Self.submission(a: "function double(x) return 0/0 end"))
        XCTAssertEqual(nan.a, 0)
        XCTAssertTrue(nan.report.contains("NaN"), nan.report)
        let tableError = try grade(Self.submission(a: "function double(x) error(setmetatable({}, {__tostring = function() while true do end end})) end"))
        XCTAssertEqual(tableError.a, 0)
        XCTAssertTrue(tableError.report.contains("error object of type table"), tableError.report)
        let fakePass = try grade(Self.submission(a: "function double(x) return setmetatable({}, {__eq = function() return true end}) end"))
        XCTAssertEqual(fakePass.a, 0, "a table with __eq is not a number")
        let memory = try grade(Self.submission(a: "function double(x) local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end end"))
        XCTAssertEqual(memory.a, 0)
        XCTAssertEqual(memory.b, 1)
        let flood = try grade(Self.submission(a: "for i = 1, 200000 do print(('x'):rep(100)) end\nfunction double(x) return 2 * x end"))
        XCTAssertEqual(flood.score, 3)
        XCTAssertTrue(flood.report.contains("was dropped"), flood.report)
        XCTAssertLessThan(flood.report.utf8.count, 100_000)
    }

    func testGradingIsDeterministicAndBatchModeKeepsEveryStudent() throws {
        let dir = try temporaryDirectory()
        let subs = "\(dir)/subs"
        try FileManager.default.createDirectory(atPath: subs, withIntermediateDirectories: true)
        try Self.assignment.write(toFile: "\(dir)/assignment.lua", atomically: true, encoding: .utf8)
        try Self.assignment.write(toFile: "\(subs)/alice.lua", atomically: true, encoding: .utf8)
        try Self.submission(a: "function double(x) return x + x end").write(toFile: "\(subs)/bob.lua", atomically: true, encoding: .utf8)
        try "--@ question a nonsense".write(toFile: "\(subs)/carol.lua", atomically: true, encoding: .utf8)
        try "function double(x) return 2 * x end end end".write(toFile: "\(subs)/dave.lua", atomically: true, encoding: .utf8)
        let r = try privlab(["grade", "\(dir)/assignment.lua", subs, "-o", "\(dir)/graded"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let book = try String(contentsOfFile: "\(dir)/graded/gradebook.csv", encoding: .utf8)
        let rows = book.split(separator: "\n").map(String.init)
        // The first format's columns come first, unchanged; per-check columns, the total and the problems follow.
        XCTAssertEqual(rows[0], "student,score,max_score,a,b,status,a/1,a/2,b/1,total,problems")
        XCTAssertEqual(rows[1], "alice,3,3,2,1,graded,1,1,1,3,")
        XCTAssertEqual(rows[2], "bob,3,3,2,1,graded,1,1,1,3,")
        XCTAssertTrue(rows[3].hasPrefix("carol,0,3,0,0,"), rows[3])
        XCTAssertTrue(rows[4].hasPrefix("dave,0,3,0,0,"), rows[4])
        for s in ["alice", "bob", "carol", "dave"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/graded/\(s).md"), s)
        }
        // Same submission, same grade, byte for byte.
        let again = try privlab(["grade", "\(dir)/assignment.lua", subs, "-o", "\(dir)/graded2"])
        XCTAssertEqual(again.status, 0)
        for f in ["gradebook.csv", "bob.json", "carol.md"] {
            XCTAssertEqual(FileManager.default.contents(atPath: "\(dir)/graded/\(f)"), FileManager.default.contents(atPath: "\(dir)/graded2/\(f)"), f)
        }
    }
}

extension AutograderTests {
    /// The check helpers: tolerances (absolute and relative), tables, raised errors, lists.
    func testExpectHelpers() throws {
        let dir = try temporaryDirectory()
        try """
            --@ question h 5 -- helpers
            function f(x) if x < 0 then error("negative input") end return x / 3 end
            --@ check h public 1 -- absolute tolerance
            expect.near(f(1), 0.3333, 1e-4)
            --@ end
            --@ check h public 1 -- relative tolerance
            expect.near(f(3e9), 1e9, 1e-12, "big", {relative = true})
            --@ end
            --@ check h public 1 -- an error is raised
            expect.error(f, "negative", -1)
            --@ end
            --@ check h public 1 -- tables compare deeply with a tolerance
            expect.equal({a = {f(3), 2}}, {a = {1 + 1e-12, 2}}, "t", 1e-9)
            --@ end
            --@ check h public 1 -- this one fails on purpose: wrong length
            expect.list_of_numbers({1, 2}, 3, "xs")
            --@ end
            """.write(toFile: "\(dir)/assignment.lua", atomically: true, encoding: .utf8)
        XCTAssertEqual(try privlab(["grade", "\(dir)/assignment.lua", "\(dir)/assignment.lua", "-o", "\(dir)/r.md"]).status, 0)
        let md = try String(contentsOfFile: "\(dir)/r.md", encoding: .utf8)
        XCTAssertTrue(md.contains("score: 4 / 5"), md)
        XCTAssertTrue(md.contains("xs: expected 3 values, got 2"), md)
    }

    /// Question statuses travel between the grading worker and its parent as JSON text: each case
    /// survives the trip, and a limit is named as the report names it. Catches a status decoded
    /// from the report's wording into the wrong case (the grader used to search error text).
    func testQuestionStatusRoundTripsThroughJSON() throws {
        let all: [QuestionStatus] = [.graded, .failed("the grader's worker for this question crashed (signal 11)")]
            + LuaLimit.allCases.map { .stopped($0) }
        for status in all {
            let data = try JSONEncoder().encode([status])
            XCTAssertEqual(try JSONDecoder().decode([QuestionStatus].self, from: data), [status], "\(status)")
        }
        XCTAssertEqual(QuestionStatus.stopped(.memory).description, "memory limit")
        XCTAssertEqual(String(decoding: try JSONEncoder().encode([QuestionStatus.stopped(.time)]), as: UTF8.self), "[\"time limit\"]")
    }
}
