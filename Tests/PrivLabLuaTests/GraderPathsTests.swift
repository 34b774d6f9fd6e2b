import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// The grader's paths nobody exercises by accident: a worker that crashes, exits non-zero, hangs or
/// returns no JSON (stand-in workers, so each failure is certain and fast), and the assignment
/// markers `--@ forbid` and `all-or-nothing` with real workers.
final class GraderPathsTests: XCTestCase {
    /// `time` is the question's limit: the grader kills a worker still running at its hard limit,
    /// time × (checks + 1) + 5 s (here 2 checks).
    static func assignment(time: Double) -> String { """
        --@ question a 2 time=\(time) -- double
        function double(x)
          return 2 * x -- SOLUTION
        end
        --@ check a public 1 -- doubles 2
        expect.equal(double(2), 4)
        --@ end
        --@ check a public 1 -- doubles 3
        expect.equal(double(3), 6)
        --@ end
        """
    }

    /// The hard limit of `assignment(time:)`.
    static func hardLimit(time: Double) -> Double { time * 3 + 5 }

    /// Grades the assignment above with `worker` (a shell script) standing in for `privlab grade-worker`.
    func gradeWith(time: Double, worker: String) throws -> (result: GradeResult, seconds: Double) {
        let dir = try temporaryDirectory()
        try Self.assignment(time: time).write(toFile: "\(dir)/a.lua", atomically: true, encoding: .utf8)
        let script = "\(dir)/worker.sh"
        try ("#!/bin/sh\n" + worker + "\n").write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let start = Date()
        let r = try Autograder(executable: script).grade(assignment: "\(dir)/a.lua", submission: "\(dir)/a.lua", seed: 3)
        return (r, Date().timeIntervalSince(start))
    }

    func message(_ r: GradeResult) -> String {
        guard case .failed(let why) = r.questions[0].status else { return "not failed: \(r.questions[0].status)" }
        return why
    }

    /// A crash (here SIGABRT after a Swift "Fatal error" and backtrace frames): the student reads the
    /// signal's name and the error line — not the frames — and grading goes on at once. Catches a
    /// crash reported as a pass, a raw backtrace in the report, and a crash that waits out the limit.
    func testACrashingWorkerIsReportedByItsReason() throws {
        // A long question limit (hard limit 95 s), so "did not wait it out" has a margin no load
        // can use up: the crash itself takes milliseconds, even on a busy machine.
        let time = 30.0
        let (r, seconds) = try gradeWith(time: time, worker: """
            echo 'Fatal error: failed to allocate 80000000032 bytes' >&2
            echo 'Current stack trace:' >&2
            echo '💣 Program crashed: Aborted at 0x0000000000001234' >&2
            echo '0x00007f3a9c2b1234 abort + 123 in libc.so.6' >&2
            echo '#3 0x0000555555 in PrivLab.NeuralNetwork.build at /src/NeuralNetwork.swift:152' >&2
            kill -ABRT $$
            """)
        XCTAssertEqual(r.score, 0)
        let why = message(r)
        XCTAssertTrue(why.contains("crashed (SIGABRT)"), why)
        XCTAssertTrue(why.contains("Fatal error: failed to allocate 80000000032 bytes"), why)
        XCTAssertFalse(why.contains("0x0000") || why.contains("stack trace") || why.contains("Program crashed"), "no backtrace: \(why)")
        XCTAssertFalse(why.contains("time limit"), "reported as the crash it was, not as a hang: \(why)")
        XCTAssertLessThan(seconds, Self.hardLimit(time: time) / 2, "a crash costs the time it ran, not the \(Self.hardLimit(time: time)) s hard limit")
        XCTAssertEqual(r.questions[0].checks.count, 2, "every check reported")
    }

    /// A non-zero exit, and an exit 0 with something other than a result on stdout.
    func testAFailedWorkerAndAMissingResultAreReported() throws {
        let failed = try gradeWith(time: 0.1, worker: "echo 'cannot open the assignment' >&2\nexit 3")
        XCTAssertTrue(message(failed.result).contains("failed (exit 3): cannot open the assignment"), message(failed.result))
        let silent = try gradeWith(time: 0.1, worker: "echo 'hello'")
        XCTAssertTrue(message(silent.result).contains("returned no result"), message(silent.result))
        XCTAssertEqual(silent.result.score, 0)
    }

    /// A worker that never returns is killed at the hard limit (time × (checks + 1) + 5 s) and the
    /// question fails with the time limit as its reason. Not before the hard limit (a wall-clock
    /// deadline cannot pass early, however busy the machine), and long before the worker would
    /// have ended by itself (5 minutes): a margin of minutes, not seconds a loaded machine can use up.
    func testAHangingWorkerIsKilledAtTheHardLimit() throws {
        let time = 0.1
        let (r, seconds) = try gradeWith(time: time, worker: "exec sleep 300")
        XCTAssertTrue(message(r).contains("time limit: grading this question took longer than") && message(r).contains("and was stopped"), message(r))
        XCTAssertGreaterThanOrEqual(seconds, Self.hardLimit(time: time) - 0.5, "killed at the hard limit, not before")
        XCTAssertLessThan(seconds, 200, "killed at the hard limit, not left to run its 5 minutes")
    }

    /// `--@ forbid privacy.epsilon` withholds the function from the student's code — calling it is
    /// an error naming it — while the instructor's checks still use it; `all-or-nothing` gives no
    /// points for a question unless every check passes, where the same checks without the flag give
    /// the passing ones. Real workers.
    func testForbidAndAllOrNothing() throws {
        let dir = try temporaryDirectory()
        let assignment = """
            --@ forbid privacy.epsilon
            --@ question a 2 all-or-nothing -- double, all or nothing
            function double(x) return 2 * x end -- SOLUTION
            --@ check a public 1 -- doubles 2
            expect.equal(double(2), 4)
            --@ end
            --@ check a public 1 -- doubles 3
            expect.equal(double(3), 6)
            --@ end
            --@ question b 2 -- triple, partial credit
            function triple(x) return 3 * x end -- SOLUTION
            --@ check b public 1 -- triples 2
            expect.equal(triple(2), 6)
            --@ end
            --@ check b public 1 -- triples 3
            expect.equal(triple(3), 9)
            --@ end
            --@ question c 1 -- an accountant
            function eps() return 1.0 end -- SOLUTION
            --@ check c public 1 -- matches pl.privacy.epsilon
            expect.near(eps(), pl.privacy.epsilon { sample_rate = 0.01, noise = 1.1, steps = 1000, delta = 1e-5 }, 1e-6)
            --@ end
            """
        try assignment.write(toFile: "\(dir)/a.lua", atomically: true, encoding: .utf8)
        let submission = """
            --@ question a 2 all-or-nothing -- double, all or nothing
            function double(x) if x == 2 then return 4 end return 0 end
            --@ question b 2 -- triple, partial credit
            function triple(x) if x == 2 then return 6 end return 0 end
            --@ question c 1 -- an accountant
            function eps() return pl.privacy.epsilon { sample_rate = 0.01, noise = 1.1, steps = 1000, delta = 1e-5 } end
            """
        try submission.write(toFile: "\(dir)/s.lua", atomically: true, encoding: .utf8)
        let r = try Autograder(executable: CLITests.binary).grade(assignment: "\(dir)/a.lua", submission: "\(dir)/s.lua", seed: 3)
        let points = Dictionary(uniqueKeysWithValues: r.questions.map { ($0.id, $0.points) })
        XCTAssertEqual(points["a"], 0, "all-or-nothing: one of two checks is no points")
        XCTAssertEqual(points["b"], 1, "without the flag: the passing check's point")
        XCTAssertEqual(points["c"], 0, "the forbidden function is withheld from the student")
        let c = r.questions.first { $0.id == "c" }!
        XCTAssertTrue(c.checks[0].message.contains("pl.privacy.epsilon is not available in this assignment"), c.checks[0].message)
        // The reference solution: the instructor's check itself still calls pl.privacy.epsilon.
        let reference = try Autograder(executable: CLITests.binary).grade(assignment: "\(dir)/a.lua", submission: "\(dir)/a.lua", seed: 3)
        XCTAssertEqual(reference.questions.map(\.points), [2, 2, 0], "eps() = 1.0 is not the accountant's value, but the check ran")
        XCTAssertFalse(reference.questions[2].checks[0].message.contains("not available"), reference.questions[2].checks[0].message)
    }

    /// A student's training that would run for hours is stopped by the question's time limit inside
    /// the engine, between steps: the worker itself stops it and reports the question stopped by
    /// the time limit (status `.stopped(.time)`, a result the worker wrote) — not the grader's hard
    /// kill of a worker still running at time × (checks + 1) + 5 s (status `.failed`, "took longer
    /// than 21 s"); the next question is graded.
    /// Asserted by who stopped it rather than by seconds: the worker's 1 s is wall-clock, so load
    /// does not stretch it; what load stretches is the worker's start and its result (milliseconds
    /// of CPU time, but seconds of wall-clock time on a busy two-core machine — once more than the
    /// 6 s a single check would leave). So question a has 14 more checks that pass at once: the
    /// hard limit grows to 1 × (15 + 1) + 5 = 21 s and the worker has 20 s beyond its 1 s, while
    /// the test takes no longer; all-or-nothing keeps the question at 0 points.
    func testEngineWorkStopsAtTheQuestionsTimeLimit() throws {
        let dir = try temporaryDirectory()
        let padding = (1...14).map { "--@ check a public 1 -- passes at once \($0)\nexpect.equal(1, 1)\n--@ end\n" }.joined()
        let assignment = """
            --@ question a 1 time=1 all-or-nothing -- train
            function train() return 1 end -- SOLUTION
            --@ check a public 1 -- trains
            expect.equal(train(), 1)
            --@ end
            \(padding)--@ question b 1 time=5 -- something else
            function two() return 2 end -- SOLUTION
            --@ check b public 1 -- two
            expect.equal(two(), 2)
            --@ end
            """
        try assignment.write(toFile: "\(dir)/a.lua", atomically: true, encoding: .utf8)
        try """
            --@ question a 1 time=1 -- train
            function train() pl.mlp{hidden = {64}, epochs = 100000, batch = 16}:fit(pl.data.blobs{n = 2000, features = 20, seed = 1}) return 1 end
            --@ question b 1 time=5 -- something else
            function two() return 2 end
            """.write(toFile: "\(dir)/s.lua", atomically: true, encoding: .utf8)
        let r = try Autograder(executable: CLITests.binary).grade(assignment: "\(dir)/a.lua", submission: "\(dir)/s.lua", seed: 3)
        XCTAssertEqual(r.questions[0].status, .stopped(.time), "stopped by the worker at the 1 s limit, not killed at the 21 s hard limit")
        XCTAssertEqual(r.questions.map(\.points), [0, 1])
        let message = r.questions[0].checks[0].message
        XCTAssertTrue(message.contains("time limit exceeded") && !message.contains("took longer than"), message)
        XCTAssertEqual(r.questions[1].status, .graded)
    }
}
