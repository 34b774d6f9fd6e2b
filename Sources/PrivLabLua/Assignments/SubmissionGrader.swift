import Foundation
import PrivLab

/// One line of a grading worker's output (JSON lines, one object each, exactly one field set), so
/// that the parent keeps every result the worker finished and knows what it was doing if it dies.
public struct WorkerLine: Codable {
    /// The worker starts running a question's code ("" for the code before the first question).
    public var section: String? = nil
    /// The worker starts a question's checks.
    public var checks: String? = nil
    /// The whole program ran (what the code before the first question printed and raised).
    public var program: ProgramOutcome? = nil
    /// A question's result.
    public var result: QuestionResult? = nil

    public init(section: String? = nil, checks: String? = nil, program: ProgramOutcome? = nil, result: QuestionResult? = nil) {
        (self.section, self.checks, self.program, self.result) = (section, checks, program, result)
    }
}

/// What the code before the first question did, said once for the submission.
public struct ProgramOutcome: Codable, Equatable {
    public var output: String
    public var notes: [String]
    public init(output: String, notes: [String]) { (self.output, self.notes) = (output, notes) }
}

/// Grades some questions of a submission in this process: one sandboxed runtime runs the
/// submission's program once — the code before the first question, then each question's section in
/// file order, each under its own question's limits and each as its own chunk (an error costs only
/// that question; locals carry from section to section as in a notebook) — then each question's
/// checks, each under the question's budget. A runaway loop at the top of question 1 is therefore
/// run once, not once per question, and what the program prints is kept once, by section.
public enum SubmissionGrader {
    /// Bytes of student output kept for the whole submission.
    public static let outputCap = 16_384

    /// `skip`: questions whose code is not run (it crashed an earlier worker). `emit` receives the
    /// progress and every result as soon as it is known.
    public static func grade(assignment a: AssignmentSource, submission s: AssignmentSource, questions ids: [String],
                             skip: Set<String> = [], seed: UInt64, includeHidden: Bool, emit: (WorkerLine) -> Void) throws {
        let questions = try ids.map { id in
            guard let q = a.questions.first(where: { $0.id == id }) else { throw LuaError("grade: no question '\(id)' in \(a.path)") }
            return q
        }
        guard let first = a.questions.first else { return }
        let session = try GradingSession(assignment: a, seed: seed)
        let (savedLimit, savedSource) = (MemoryBudget.limit, MemoryBudget.source)
        defer { (MemoryBudget.limit, MemoryBudget.source) = (savedLimit, savedSource) }
        let program = try runProgram(session, a, s, first: first, skip: skip, emit: emit)
        for q in questions {
            emit(WorkerLine(checks: q.id))
            var r = try gradeChecks(session, a, s, question: q, program: program[q.id] ?? SectionOutcome(),
                                    seed: seed, includeHidden: includeHidden)
            if !s.questions.contains(where: { $0.id == q.id }) {
                r.notes.insert("the submission has no '--@ question \(q.id)' marker: its checks ran on the rest of the program", at: 0)
            }
            emit(WorkerLine(result: r))
        }
    }

    /// How one question's section ran.
    struct SectionOutcome {
        var notes = [String]()
        var status = QuestionStatus.graded
        var codeError: String? = nil
        var preambleStopped: String? = nil
        var output = ""
    }

    /// Runs the preamble and every section; returns each question's outcome (the preamble's error,
    /// which every question depends on, goes to each as its `codeError`, its note once to `emit`).
    static func runProgram(_ session: GradingSession, _ a: AssignmentSource, _ s: AssignmentSource, first: AssignmentSource.Question,
                           skip: Set<String>, emit: (WorkerLine) -> Void) throws -> [String: SectionOutcome] {
        var out = [String: SectionOutcome]()
        var parts: [(id: String, range: Range<Int>)] = [("", s.preamble)]
        for sq in s.questions { if let r = s.sections[sq.id] { parts.append((sq.id, r)) } }
        var shared = SectionOutcome()
        var programNotes = [String]()
        var preambleOutput = ""
        for (id, range) in parts {
            let q = a.questions.first { $0.id == id } ?? first
            if skip.contains(id) {
                out[id, default: SectionOutcome()].notes.append("the code of question \(id) was not run again: it stopped the grader's worker")
                continue
            }
            guard !range.isEmpty else { continue }
            emit(WorkerLine(section: id))
            session.limit(to: q)
            var o = out[id] ?? SectionOutcome()
            let what = id.isEmpty ? "the code before the first question" : "question \(id)"
            do {
                let r = try session.runStudent(s.code(range), chunk: "@" + Runtime.displayPath(s.path), question: id)
                if let msg = r {
                    if id.isEmpty { programNotes.append("\(what) failed: \(msg)"); shared.codeError = msg } else {
                        o.notes.append("\(what) failed: \(msg)")
                        o.codeError = msg
                    }
                }
            } catch let e as LuaError {
                let limit = session.rt.lua.stopReason
                if id.isEmpty {
                    programNotes.append("\(what) was stopped: \(CheckLocation.withoutGraderLines(e.message))")
                    if let limit {
                        // Nothing after it can be trusted to run: every question fails now.
                        shared.status = .stopped(limit)
                        shared.preambleStopped = "the code before the first question was stopped (\(limit))"
                    }
                } else {
                    o.notes.append("\(what) was stopped: \(CheckLocation.withoutGraderLines(e.message))")
                    o.status = QuestionStatus(stoppedBy: limit)
                }
                session.rt.lua.resetBudget()
            }
            let (text, dropped) = session.takeOutput()
            if id.isEmpty { preambleOutput = text } else { o.output += text }
            if dropped > 0 { (id.isEmpty ? { programNotes.append($0) } : { o.notes.append($0) })(droppedNote(dropped)) }
            if !id.isEmpty { out[id] = o }
            if shared.preambleStopped != nil { break }
        }
        emit(WorkerLine(program: ProgramOutcome(output: preambleOutput, notes: programNotes)))
        for q in a.questions {
            var o = out[q.id] ?? SectionOutcome()
            if let e = shared.codeError, o.codeError == nil { o.codeError = e }
            if let stopped = shared.preambleStopped { o.preambleStopped = stopped; o.status = shared.status }
            out[q.id] = o
        }
        return out
    }

    static func droppedNote(_ bytes: Int) -> String { "printed output beyond \(outputCap / 1024) KiB was dropped (\(bytes) bytes)" }

    /// Runs a question's checks after its code; scores them.
    static func gradeChecks(_ session: GradingSession, _ a: AssignmentSource, _ s: AssignmentSource, question q: AssignmentSource.Question,
                            program o: SectionOutcome, seed: UInt64, includeHidden: Bool) throws -> QuestionResult {
        let checks = a.checks(of: q.id).filter { includeHidden || !$0.hidden }
        var status = o.status, notes = o.notes, output = o.output
        var results = [CheckResult]()
        let ownStopped = o.status != .graded
        for c in checks {
            if ownStopped {
                // This question's own code never finished: its checks would run on a half-defined program.
                results.append(CheckResult(description: c.description, hidden: c.hidden, points: 0, maxPoints: c.points, passed: false,
                                           message: "not run: " + (o.preambleStopped ?? "the code of question \(q.id) was stopped (\(status))")))
                continue
            }
            session.limit(to: q)
            var passed = false, message = ""
            do {
                if let failure = try session.runCheck(c.code, chunk: "@" + Runtime.displayPath(a.path), seed: seed, question: q.id) {
                    message = failure
                } else { passed = true }
            } catch let e as LuaError {
                message = "stopped: " + CheckLocation.withoutGraderLines(e.message)
                status = QuestionStatus(stoppedBy: session.rt.lua.stopReason)
                session.rt.lua.resetBudget()
            }
            message = CheckLocation.relocate(message, check: c, assignment: a, submission: s)
            results.append(CheckResult(description: c.description, hidden: c.hidden, points: passed ? c.points : 0, maxPoints: c.points,
                                       passed: passed, message: passed ? "" : String(message.prefix(2000))))
        }
        let (text, dropped) = session.takeOutput()
        output += text
        if dropped > 0 { notes.append(droppedNote(dropped)) }
        var answer: String? = nil
        if q.kind == .freeText {
            // Graded by hand: the answer is collected for the instructor; its points are manual.
            session.limit(to: q)
            let (text, why) = (try? session.answer(q.answer, seed: seed, question: q.id)) ?? (nil, "the answer could not be read")
            answer = text
            if text == nil, o.codeError == nil { notes.append("free-text answer: \(why ?? "missing")") }
        }
        let earned = results.reduce(0) { $0 + $1.points }
        // All the question's check points, hidden included: the share a check is worth.
        let allPoints = a.checks(of: q.id).reduce(0) { $0 + $1.points }
        var points = allPoints > 0 ? q.points * earned / allPoints : 0
        if q.allOrNothing && results.contains(where: { !$0.passed }) {
            points = 0
            notes.append("all-or-nothing: every check must pass")
        }
        // Without the hidden checks, the question is worth the public checks' share of its points.
        let total = checks.reduce(0) { $0 + $1.points }
        let maxPoints = allPoints > 0 ? q.points * total / allPoints : 0
        return QuestionResult(id: q.id, title: q.title, points: points, maxPoints: maxPoints, checks: results, status: status,
                              notes: notes, output: output, preambleStopped: o.preambleStopped, codeError: o.codeError,
                              answer: answer, manualPoints: q.kind == .freeText ? q.points : nil)
    }
}

/// A check's error names the line it failed at. The instructor's file is not the student's: a
/// hidden check's line would point into a file the student never sees, and a public check's line
/// is another number in the student's copy (the hidden blocks above it are gone). Messages are
/// rewritten to the student's line of the same public check, or to "a hidden check".
enum CheckLocation {
    /// A limit can trip inside the grader's own Lua (an `expect` helper): its file and line mean
    /// nothing to the student, so they go.
    static func withoutGraderLines(_ message: String) -> String {
        message.replacingOccurrences(of: #"\S*(grader|expect)\.lua:[0-9]+: "#, with: "", options: .regularExpression)
    }

    static func relocate(_ message: String, check c: AssignmentSource.Check, assignment a: AssignmentSource,
                         submission s: AssignmentSource) -> String {
        // Lua shortens a long chunk name to "..." and its last characters: match any tail of the path.
        let full = Runtime.displayPath(a.path)
        let name = NSRegularExpression.escapedPattern(for: URL(fileURLWithPath: a.path).lastPathComponent)
        guard a.path != s.path, let re = try? NSRegularExpression(pattern: #"(\S*)"# + name + #":([0-9]+):"#) else { return message }
        let twin = c.hidden ? nil : s.checks.first { $0.question == c.question && $0.description == c.description && !$0.hidden }
        let ns = message as NSString
        var out = "", last = 0
        for m in re.matches(in: message, range: NSRange(location: 0, length: ns.length)) {
            let prefix = ns.substring(with: m.range(at: 1))
            let named = ns.substring(with: m.range).components(separatedBy: ":").first ?? ""
            let tail = named.hasPrefix("...") ? String(named.dropFirst(3)) : named
            guard prefix.isEmpty || full.hasSuffix(tail) else { continue }
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            let line = Int(ns.substring(with: m.range(at: 2))) ?? 0
            if let t = twin {
                out += "\(Runtime.displayPath(s.path)):\(line - c.line + t.line):"
            } else {
                out += c.hidden ? "(in a hidden check):" : "(in the check):"
            }
            last = m.range.location + m.range.length
        }
        return out + ns.substring(from: last)
    }
}

/// The grader's Lua side (lua/privlab/grader.lua) in one sandboxed runtime.
final class GradingSession {
    let rt: Runtime
    private let runStudentFn: LuaRef, runCheckFn: LuaRef, outputFn: LuaRef, answerFn: LuaRef
    private let baseMemoryLimit = MemoryBudget.limit

    init(assignment a: AssignmentSource, seed: UInt64) throws {
        var ro = RuntimeOptions()
        ro.sandbox = true
        ro.pluginPath = []
        ro.progress = false
        ro.mathSeed = Int64(bitPattern: seed)
        rt = try Runtime(options: ro, sink: DiscardingSink())
        guard let root = ro.luaRoot else { throw LuaError("grade: the Lua library (lua/privlab/grader.lua) was not found") }
        let lib = try rt.lua.runFile("\(root)/privlab/grader.lua", chunkName: "@grader.lua")
        guard case .table(let g)? = lib.first, case .function(let start)? = g.fields["start"],
              case .function(let runStudent)? = g.fields["run_student"], case .function(let runCheck)? = g.fields["run_check"],
              case .function(let output)? = g.fields["student_output"], case .function(let answer)? = g.fields["answer"] else {
            throw LuaError("grade: grader.lua did not return the grader table")
        }
        (runStudentFn, runCheckFn, outputFn, answerFn) = (runStudent, runCheck, output, answer)
        _ = try rt.lua.call(start, [.int(Int64(bitPattern: seed)), .int(Int64(SubmissionGrader.outputCap)), .list(ForbiddenEquivalents.expand(a.forbidden).all.map { .string($0) })])
    }

    /// The question's limits for the Lua code, and its memory limit for what the engine allocates
    /// for the student (models, data).
    func limit(to q: AssignmentSource.Question) {
        rt.lua.setLimits(LuaLimits(instructions: q.instructions, memoryBytes: q.memoryMiB << 20, wallSeconds: q.seconds))
        MemoryBudget.limit = min(baseMemoryLimit, Double(q.memoryMiB << 20))
        MemoryBudget.source = "the question's memory limit"
    }

    /// Runs a section of the student's program; nil when it ran through, else its error.
    func runStudent(_ code: String, chunk: String, question: String) throws -> String? {
        let r = try rt.lua.call(runStudentFn, [.string(code), .string(chunk), .string(question)])
        if case .bool(false)? = r.first { return r.count > 1 ? (r[1].string ?? "error") : "error" }
        return nil
    }

    /// Runs a check; nil when it passed, else why not.
    func runCheck(_ code: String, chunk: String, seed: UInt64, question: String) throws -> String? {
        let r = try rt.lua.call(runCheckFn, [.string(code), .string(chunk), .int(Int64(bitPattern: seed)), .string(question)])
        if case .bool(true)? = r.first { return nil }
        return r.count > 1 ? (r[1].string ?? "failed") : "failed"
    }

    /// A free-text answer: the text, or nil and why there is none.
    func answer(_ expr: String, seed: UInt64, question: String) throws -> (String?, String?) {
        let r = try rt.lua.call(answerFn, [.string(expr), .int(Int64(bitPattern: seed)), .string(question)])
        if let text = r.first?.string { return (text, nil) }
        return (nil, r.count > 1 ? r[1].string : "no answer")
    }

    /// What the program printed since the last call, and the bytes dropped beyond the cap.
    func takeOutput() -> (String, Int) {
        rt.lua.resetBudget()
        guard let o = try? rt.lua.call(outputFn, []) else { return ("", 0) }
        return (o.first?.string ?? "", Int(o.count > 1 ? (o[1].double ?? 0) : 0))
    }
}
