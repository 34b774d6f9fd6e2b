import Foundation
import PrivLab

/// Grades a submission question by question, each in its own `privlab grade-worker` process with a
/// hard timeout: an infinite loop inside the engine, a crash or a runaway allocation costs that
/// question only, and the grade report is always written.
public struct Autograder {
    /// The `privlab` executable that runs the workers.
    public var executable: String
    public init(executable: String) { self.executable = executable }

    /// The seed hidden checks see: derived from the instructor's file (stable across runs, never
    /// the students' local seed 1) unless given.
    public static func gradingSeed(for a: AssignmentSource) -> UInt64 {
        var h = ContentHash()
        h.add(a.lines.joined(separator: "\n"))
        let s = h.value % 1_000_000_007
        return s <= 1 ? s + 2 : s
    }

    public func grade(assignment: String, submission: String, seed: UInt64?, includeHidden: Bool = true) throws -> GradeResult {
        let a = try AssignmentSource(path: assignment)
        let seed = seed ?? (includeHidden ? Autograder.gradingSeed(for: a) : 1)
        var results = [QuestionResult]()
        // A submission that does not even parse (a broken marker) is graded as one program.
        let parsed: Bool
        do { _ = try AssignmentSource(path: submission); parsed = true } catch { parsed = false }
        // Set once a worker reports that the code before the first question hit a limit: that
        // code runs first in every question's worker, so each would pay the limit again (a
        // top-level infinite loop cost 4 × 30 s on a four-question assignment); every later question
        // fails at once with the same reason instead.
        var preambleStopped: (reason: String, status: QuestionStatus)? = nil
        for q in a.questions {
            let checks = a.checks(of: q.id).filter { includeHidden || !$0.hidden }
            // The worker enforces the limits itself; this hard stop only catches what it cannot (a hang inside the engine).
            let limit = q.seconds * Double(checks.count + 1) + 5
            let failed = { (why: String) -> QuestionResult in
                QuestionResult(id: q.id, title: q.title, points: 0, maxPoints: q.points,
                               checks: checks.map { CheckResult(description: $0.description, hidden: $0.hidden, points: 0, maxPoints: $0.points,
                                                                passed: false, message: why) },
                               status: .failed(why), notes: [], output: "")
            }
            if let stop = preambleStopped {
                var r = failed(stop.reason)
                r.status = stop.status
                r.checks = r.checks.map { var c = $0; c.message = "not run: \(stop.reason)"; return c }
                results.append(r)
                continue
            }
            if !parsed {
                let why: String
                do { _ = try AssignmentSource(path: submission); why = "" } catch { why = "the submission could not be read: \(error)" }
                results.append(failed(why))
                continue
            }
            var args = ["grade-worker", "--assignment", assignment, "--submission", submission, "--question", q.id, "--seed", String(seed)]
            if !includeHidden { args.append("--public-only") }
            let run = try Subprocess.run(executable, args, timeout: limit)
            if run.timedOut {
                results.append(failed("time limit: grading this question took longer than \(Int(limit)) s and was stopped"))
            } else if run.status != 0 {
                let what = run.signaled ? "crashed (\(Subprocess.signalName(run.status)))" : "failed (exit \(run.status))"
                let reason = Subprocess.reason(stderr: run.stderr)
                results.append(failed("the grader's worker for this question \(what)" + (reason.isEmpty ? "" : ": \(reason)")))
            } else if let d = run.stdout.data(using: .utf8), let r = try? JSONDecoder().decode(QuestionResult.self, from: d) {
                results.append(r)
                if let why = r.preambleStopped { preambleStopped = (why, r.status) }
            } else {
                results.append(failed("the grader's worker for this question returned no result"))
            }
        }
        return GradeResult(assignment: Runtime.displayPath(assignment), submission: Runtime.displayPath(submission), seed: seed,
                           score: results.reduce(0) { $0 + $1.points }, maxScore: results.reduce(0) { $0 + $1.maxPoints },
                           questions: results)
    }
}

/// Runs a program with a wall-clock limit, capturing its output (capped).
enum Subprocess {
    struct Outcome { var status: Int32; var signaled: Bool; var timedOut: Bool; var stdout: String; var stderr: String }

    static func run(_ exe: String, _ args: [String], timeout: Double, cap: Int = 4 << 20) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        // A crashing Swift worker would otherwise symbolicate its backtrace first (tens of seconds
        // on a large binary) — time the student's question pays for a report nobody reads.
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        p.environment = env
        try p.run()
        // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
        final class Captured: @unchecked Sendable { var data = [Bool: Data]() ; let lock = NSLock() }
        let captured = Captured()
        let group = DispatchGroup()
        for (h, isOut) in [(out.fileHandleForReading, true), (err.fileHandleForReading, false)] {
            group.enter()
            DispatchQueue.global().async {
                var buf = Data()
                while true {
                    let chunk = h.availableData
                    if chunk.isEmpty { break }
                    if buf.count < cap { buf.append(chunk.prefix(cap - buf.count)) }
                }
                captured.lock.lock()
                captured.data[isOut] = buf
                captured.lock.unlock()
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while p.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(p.processIdentifier, SIGKILL)
                break
            }
            usleep(20_000)
        }
        p.waitUntilExit()
        group.wait()
        let o = captured.data[true] ?? Data(), e = captured.data[false] ?? Data()
        return Outcome(status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal, timedOut: timedOut,
                       stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// What a student can read in a dead worker's error output: its last lines that are not
    /// backtrace frames or crash-handler banners (addresses, "#3 0x…", "at /path:line"), at most two.
    static func reason(stderr: String) -> String {
        let frame = try! NSRegularExpression(pattern: #"0x[0-9a-fA-F]{6,}|^\s*#?\d+\s|\bat /|^\s*\*\*\*|(?i:backtrace|stack trace|crash)|^Thread \d"#)
        let lines = stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { line in
            !line.isEmpty && frame.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) == nil
        }
        return lines.suffix(2).joined(separator: " ")
    }

    /// The usual name of a signal number (as `kill -l` prints it).
    static func signalName(_ n: Int32) -> String {
        let names: [Int32: String] = [SIGILL: "SIGILL", SIGABRT: "SIGABRT", SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
                                      SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGTRAP: "SIGTRAP"]
        return names[n] ?? "signal \(n)"
    }
}
