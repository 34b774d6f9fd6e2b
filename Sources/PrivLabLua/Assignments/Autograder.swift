import Foundation
import PrivLab

/// Grades a submission in `privlab grade-worker` processes with a hard timeout: one worker runs the
/// submission's program once and grades every question, reporting each result as it finishes (JSON
/// lines). A worker that crashes or hangs (an infinite loop inside the engine, a runaway allocation)
/// costs the question it was working on: the results it finished are kept, that question fails with
/// the reason, and a new worker grades the questions left — without that question's code, when its
/// code was what stopped the worker. The grade report is always written.
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
        var results = [String: QuestionResult]()
        var program: ProgramOutcome? = nil
        var notes = [String]()
        func checks(_ q: AssignmentSource.Question) -> [AssignmentSource.Check] { a.checks(of: q.id).filter { includeHidden || !$0.hidden } }
        func failed(_ q: AssignmentSource.Question, _ why: String) -> QuestionResult {
            QuestionResult(id: q.id, title: q.title, points: 0, maxPoints: q.points,
                           checks: checks(q).map { CheckResult(description: $0.description, hidden: $0.hidden, points: 0, maxPoints: $0.points,
                                                               passed: false, message: why) },
                           status: .failed(why), notes: [], output: "")
        }
        // A submission that does not even parse (a broken marker) is graded as nothing.
        do { _ = try AssignmentSource(path: submission) } catch {
            let why = "the submission could not be read: \(error)"
            return assemble(a, assignment, submission, seed, a.questions.map { failed($0, why) }, nil, [])
        }
        var pending = a.questions
        var skip = Set<String>()
        while !pending.isEmpty {
            let run = try runWorker(assignment, submission, pending.map(\.id), skip: skip, seed: seed, includeHidden: includeHidden,
                                    limit: pending.reduce(5) { $0 + $1.seconds * Double(checks($1).count + 1) })
            var doing: (section: Bool, id: String)? = nil
            for line in run.stdout.split(separator: "\n") {
                guard let w = try? JSONDecoder().decode(WorkerLine.self, from: Data(line.utf8)) else { continue }
                if let id = w.section { doing = (true, id) }
                if let id = w.checks { doing = (false, id) }
                if let p = w.program { program = p }
                if let r = w.result { results[r.id] = r }
            }
            pending.removeAll { results[$0.id] != nil }
            if pending.isEmpty { break }
            let why: String
            if run.timedOut {
                why = "time limit: grading this question took longer than \(Int(run.limit)) s and was stopped"
            } else if run.status != 0 {
                let what = run.signaled ? "crashed (\(Subprocess.signalName(run.status)))" : "failed (exit \(run.status))"
                let reason = Subprocess.reason(stderr: run.stderr)
                why = "the grader's worker for this question \(what)" + (reason.isEmpty ? "" : ": \(reason)")
            } else {
                why = "the grader's worker for this question returned no result"
            }
            if let d = doing, d.section, d.id.isEmpty {
                // The code before the first question took the worker down: nothing can run after it.
                notes.append("the code before the first question stopped the grader's worker: \(why)")
                for q in pending { results[q.id] = failed(q, "not run: the code before the first question stopped the grader's worker") }
                break
            }
            // The question being worked on fails; with its code left out if that is what stopped the worker.
            let culprit = doing.flatMap { d in pending.first { $0.id == d.id } } ?? pending[0]
            if let d = doing, d.section { skip.insert(d.id) }
            results[culprit.id] = failed(culprit, why)
            pending.removeAll { $0.id == culprit.id }
            if !pending.isEmpty { notes.append("question \(culprit.id) stopped the grader's worker; the questions after it were graded by a new one") }
        }
        return assemble(a, assignment, submission, seed, a.questions.compactMap { results[$0.id] }, program, notes)
    }

    private func assemble(_ a: AssignmentSource, _ assignment: String, _ submission: String, _ seed: UInt64,
                          _ results: [QuestionResult], _ program: ProgramOutcome?, _ notes: [String]) -> GradeResult {
        let allNotes = (program?.notes ?? []) + notes
        return GradeResult(assignment: Runtime.displayPath(assignment), submission: Runtime.displayPath(submission), seed: seed,
                           score: results.reduce(0) { $0 + $1.points }, maxScore: results.reduce(0) { $0 + $1.maxPoints },
                           questions: results, output: (program?.output).flatMap { $0.isEmpty ? nil : $0 },
                           notes: allNotes.isEmpty ? nil : allNotes)
    }

    private func runWorker(_ assignment: String, _ submission: String, _ ids: [String], skip: Set<String>, seed: UInt64,
                           includeHidden: Bool, limit: Double) throws -> Subprocess.Outcome {
        var args = ["grade-worker", "--assignment", assignment, "--submission", submission,
                    "--questions", ids.joined(separator: ","), "--seed", String(seed)]
        if !skip.isEmpty { args += ["--skip", skip.sorted().joined(separator: ",")] }
        if !includeHidden { args.append("--public-only") }
        // The worker enforces the limits itself; this hard stop only catches what it cannot (a hang inside the engine).
        return try Subprocess.run(executable, args, timeout: limit)
    }
}

/// Runs a program with a wall-clock limit, capturing its output (capped).
enum Subprocess {
    struct Outcome { var status: Int32; var signaled: Bool; var timedOut: Bool; var stdout: String; var stderr: String; var limit: Double }

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
                       stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self), limit: timeout)
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
