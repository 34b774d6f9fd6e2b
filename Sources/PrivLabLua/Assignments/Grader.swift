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
    /// A free-text question's answer, collected for grading by hand.
    public var answer: String? = nil
    /// A free-text question's points, given by hand (nil for a question graded by its checks).
    public var manualPoints: Double? = nil

    public init(id: String, title: String, points: Double, maxPoints: Double, checks: [CheckResult], status: QuestionStatus,
                notes: [String], output: String, preambleStopped: String? = nil, codeError: String? = nil,
                answer: String? = nil, manualPoints: Double? = nil) {
        (self.id, self.title, self.points, self.maxPoints, self.checks, self.status) = (id, title, points, maxPoints, checks, status)
        (self.notes, self.output, self.preambleStopped, self.codeError) = (notes, output, preambleStopped, codeError)
        (self.answer, self.manualPoints) = (answer, manualPoints)
    }
}

/// A whole submission's grade.
public struct GradeResult: Codable, Equatable {
    public var assignment: String
    public var submission: String
    public var seed: UInt64
    public var score: Double
    public var maxScore: Double
    public var questions: [QuestionResult]
    /// What the code before the first question printed (once for the whole submission).
    public var output: String? = nil
    /// Problems of the whole submission, said once (the code before the first question failed, a
    /// worker had to be restarted).
    public var notes: [String]? = nil
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
