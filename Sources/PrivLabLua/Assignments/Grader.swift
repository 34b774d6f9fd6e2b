import Foundation
import PrivLab

/// One check's outcome.
public struct CheckResult: Codable, Equatable {
    public var description: String
    public var hidden: Bool
    public var points: Double
    public var maxPoints: Double
    public var passed: Bool
    /// Why it failed (empty when it passed).
    public var message: String
}

/// How a question's grading ended. Written to the results JSON (between the grading worker and
/// its parent, and for Gradescope) as its description, so the format is plain text.
public enum QuestionStatus: Codable, Equatable, Sendable, CustomStringConvertible {
    /// Every check ran.
    case graded
    /// A limit stopped the question's code or one of its checks.
    case stopped(LuaLimit)
    /// Grading itself failed (the worker crashed, the submission could not be read, …): why.
    case failed(String)

    /// The status after a script stopped for `reason` (graded when no limit was involved).
    init(stoppedBy reason: LuaLimit?) { self = reason.map { .stopped($0) } ?? .graded }

    public var description: String {
        switch self {
        case .graded: return "graded"
        case .stopped(let limit): return limit.description
        case .failed(let why): return why
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if text == "graded" { self = .graded; return }
        self = LuaLimit.allCases.first { $0.description == text }.map { .stopped($0) } ?? .failed(text)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One question's outcome.
public struct QuestionResult: Codable, Equatable {
    public var id: String
    public var title: String
    public var points: Double
    public var maxPoints: Double
    public var checks: [CheckResult]
    /// Graded, or what stopped grading.
    public var status: QuestionStatus
    /// Problems outside the checks (a section that failed to run, output dropped).
    public var notes: [String]
    /// What the student's code printed (capped).
    public var output: String
    /// Set when the code before the first question was stopped by a limit: the whole submission's
    /// program cannot run, so the autograder fails every question with this reason at once.
    public var preambleStopped: String? = nil
    /// The error this question's code raised ("…: not implemented" while `todo()` is in place), or
    /// that of the code before the first question, which every question depends on; nil when both
    /// ran through. A question graded only by hidden checks has no other sign of it in `privlab check`.
    public var codeError: String? = nil
}

/// A whole submission's grade.
public struct GradeResult: Codable, Equatable {
    public var assignment: String
    public var submission: String
    public var seed: UInt64
    public var score: Double
    public var maxScore: Double
    public var questions: [QuestionResult]
}

/// Grades one question of a submission inside this process: a fresh sandboxed runtime, the
/// submission's program (check blocks ignored; the preamble and every question's section each run
/// under pcall, so another question's broken code costs only what depends on it), then the
/// instructor's checks for the question, each under its own time budget.
public enum QuestionGrader {
    /// Bytes of student output kept per question.
    public static let outputCap = 16_384

    public static func grade(assignment a: AssignmentSource, submission s: AssignmentSource, question id: String,
                             seed: UInt64, includeHidden: Bool) throws -> QuestionResult {
        guard let q = a.questions.first(where: { $0.id == id }) else { throw LuaError("grade: no question '\(id)' in \(a.path)") }
        let checks = a.checks(of: id).filter { includeHidden || !$0.hidden }
        let total = checks.reduce(0) { $0 + $1.points }
        var ro = RuntimeOptions()
        ro.sandbox = true
        ro.pluginPath = []
        ro.progress = false
        ro.mathSeed = Int64(bitPattern: seed)
        let rt = try Runtime(options: ro, sink: DiscardingSink())
        guard let root = ro.luaRoot else { throw LuaError("grade: the Lua library (lua/privlab/grader.lua) was not found") }
        let lib = try rt.lua.runFile("\(root)/privlab/grader.lua", chunkName: "@grader.lua")
        guard case .table(let g)? = lib.first, case .function(let start)? = g.fields["start"],
              case .function(let runStudent)? = g.fields["run_student"], case .function(let runCheck)? = g.fields["run_check"],
              case .function(let output)? = g.fields["student_output"] else {
            throw LuaError("grade: grader.lua did not return the grader table")
        }
        _ = try rt.lua.call(start, [.int(Int64(bitPattern: seed)), .int(Int64(outputCap)), .list(a.forbidden.map { .string($0) })])
        rt.lua.setLimits(LuaLimits(instructions: q.instructions, memoryBytes: q.memoryMiB << 20, wallSeconds: q.seconds))
        // What the engine allocates for the student (models, data) is held to the question's limit too.
        let (savedLimit, savedSource) = (MemoryBudget.limit, MemoryBudget.source)
        MemoryBudget.limit = min(savedLimit, Double(q.memoryMiB << 20))
        MemoryBudget.source = "the question's memory limit"
        defer { (MemoryBudget.limit, MemoryBudget.source) = (savedLimit, savedSource) }
        let chunk = "@" + Runtime.displayPath(s.path)
        var notes = [String]()
        var status = QuestionStatus.graded
        var preambleStopped: String? = nil
        var codeError: String? = nil
        // The submission's program: preamble, then every section in file order.
        var parts: [(String, Range<Int>)] = [("the code before the first question", s.preamble)]
        for sq in s.questions { if let r = s.sections[sq.id] { parts.append(("question \(sq.id)", r)) } }
        if !s.questions.contains(where: { $0.id == id }) {
            notes.append("the submission has no '--@ question \(id)' marker; its whole program was run")
        }
        for (what, range) in parts where !range.isEmpty {
            do {
                let r = try rt.lua.call(runStudent, [.string(s.code(range)), .string(chunk)])
                if case .bool(false)? = r.first {
                    let msg = r.count > 1 ? (r[1].string ?? "error") : "error"
                    if what == "question \(id)" || what.hasPrefix("the code before") {
                        notes.append("\(what) failed: \(msg)")
                        if codeError == nil { codeError = msg }
                    }
                }
            } catch let e as LuaError {
                notes.append("\(what) was stopped: \(e.message)")
                if what == "question \(id)" { status = QuestionStatus(stoppedBy: rt.lua.stopReason) }
                if what.hasPrefix("the code before"), let limit = rt.lua.stopReason {
                    // Nothing after it can be trusted to run: this question, and every other, fails now.
                    status = .stopped(limit)
                    preambleStopped = "the code before the first question was stopped (\(limit))"
                    break
                }
                rt.lua.resetBudget()
            }
        }
        var results = [CheckResult]()
        // This question's own code never finished: it earns nothing (its checks would run on a
        // half-defined program).
        let ownStopped = status != .graded
        for c in checks {
            if ownStopped {
                results.append(CheckResult(description: c.description, hidden: c.hidden, points: 0, maxPoints: c.points, passed: false,
                                           message: "not run: " + (preambleStopped ?? "the code of question \(id) was stopped (\(status))")))
                continue
            }
            rt.lua.resetBudget()
            var passed = false, message = ""
            do {
                let r = try rt.lua.call(runCheck, [.string(c.code), .string("@" + Runtime.displayPath(a.path)), .int(Int64(bitPattern: seed)), .string(id)])
                if case .bool(true)? = r.first { passed = true } else { message = r.count > 1 ? (r[1].string ?? "failed") : "failed" }
            } catch let e as LuaError {
                message = "stopped: \(e.message)"
                status = QuestionStatus(stoppedBy: rt.lua.stopReason)
            }
            results.append(CheckResult(description: c.description, hidden: c.hidden, points: passed ? c.points : 0, maxPoints: c.points,
                                       passed: passed, message: passed ? "" : String(message.prefix(2000))))
        }
        rt.lua.resetBudget()
        var text = ""
        if let o = try? rt.lua.call(output, []) {
            text = o.first?.string ?? ""
            if let dropped = o.count > 1 ? o[1].double : nil, dropped > 0 {
                notes.append("printed output beyond \(outputCap / 1024) KiB was dropped (\(Int(dropped)) bytes)")
            }
        }
        let earned = results.reduce(0) { $0 + $1.points }
        // All the question's check points, hidden included: the share a check is worth.
        let allPoints = a.checks(of: id).reduce(0) { $0 + $1.points }
        var points = allPoints > 0 ? q.points * earned / allPoints : 0
        if q.allOrNothing && results.contains(where: { !$0.passed }) {
            points = 0
            notes.append("all-or-nothing: every check must pass")
        }
        // Without the hidden checks, the question is worth the public checks' share of its points.
        let maxPoints = allPoints > 0 ? q.points * total / allPoints : 0
        return QuestionResult(id: id, title: q.title, points: points, maxPoints: maxPoints,
                              checks: results, status: status, notes: notes, output: text, preambleStopped: preambleStopped,
                              codeError: codeError)
    }

}

/// A sink that keeps nothing (the grader captures `print` itself).
final class DiscardingSink: ReportSink {
    func write(_ t: String) {}
    func table(_ t: ReportTable) {}
    func markdown(_ m: String) {}
    func figure(svg: String, title: String, name: String?) throws -> String { "figure.svg" }
    func timing(_ label: String, seconds: Double) {}
}

extension LuaValue {
    var string: String? { if case .string(let s) = self { return s }; return nil }
}
