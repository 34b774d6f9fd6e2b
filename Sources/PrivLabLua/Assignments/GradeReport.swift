import Foundation
import PrivLab

/// The grade as a Markdown report, as Gradescope's `results.json`, and as gradebook rows.
public enum GradeReport {
    public static func pts(_ x: Double) -> String { formatNumber(x, digits: 4) }

    public static func markdown(_ g: GradeResult, hiddenDetails: Bool = true) -> String {
        var out = "# Grade report\n\n"
        out += "- assignment: `\(g.assignment)`\n- submission: `\(g.submission)`\n- seed: \(g.seed)\n"
        out += "- **score: \(pts(g.score)) / \(pts(g.maxScore))**\n\n"
        out += "| question | score | max | status |\n| :--- | ---: | ---: | :--- |\n"
        for q in g.questions { out += "| \(q.id) · \(escape(q.title)) | \(pts(q.points)) | \(pts(q.maxPoints)) | \(escape(q.status.description)) |\n" }
        // What concerns the whole submission is said once, before the questions it affects.
        if let notes = g.notes, !notes.isEmpty {
            out += "\n"
            for n in notes { out += "- note: \(n.replacingOccurrences(of: "\n", with: " "))\n" }
        }
        if let o = g.output, !o.isEmpty { out += "\n" + outputBlock(o, "Output of the code before the first question") }
        for q in g.questions {
            out += "\n## \(q.id) · \(q.title) — \(pts(q.points)) / \(pts(q.maxPoints))\n\n"
            // Notes first: a syntax error or a stopped section explains the failed checks below it.
            for n in q.notes { out += "- note: \(n.replacingOccurrences(of: "\n", with: " "))\n" }
            if let m = q.manualPoints {
                out += "- graded by hand (\(pts(m)) points)" + (q.answer == nil ? ": no answer\n" : "; the answer:\n\n")
                if let a = q.answer { out += a.split(separator: "\n", omittingEmptySubsequences: false).map { "> \($0)" }.joined(separator: "\n") + "\n" }
            }
            for c in q.checks {
                let mark = c.passed ? "✓" : "✗"
                let vis = c.hidden ? "hidden" : "public"
                out += "- \(mark) (\(vis), \(pts(c.points))/\(pts(c.maxPoints))) \(c.description.isEmpty ? "check" : c.description)"
                if !c.passed && (!c.hidden || hiddenDetails) { out += " — \(c.message.replacingOccurrences(of: "\n", with: " "))" }
                out += "\n"
            }
            if !q.output.isEmpty { out += "\n" + outputBlock(q.output, "Output of the submission") }
        }
        return out
    }

    static func outputBlock(_ text: String, _ title: String) -> String {
        let shown = text.count > 2000 ? String(text.prefix(2000)) + "\n…" : text
        return "\(title):\n\n```text\n\(shown.replacingOccurrences(of: "```", with: "'''"))\n```\n"
    }

    static func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }

    /// Gradescope's results.json: score, max_score, one test per check (hidden checks visible only
    /// after grades are published).
    public static func gradescope(_ g: GradeResult) throws -> String {
        var tests = [[String: Any]]()
        for q in g.questions {
            let totalCheckPoints = q.checks.reduce(0) { $0 + $1.maxPoints }
            let notesAt = q.checks.firstIndex { !$0.hidden } ?? 0
            for (k, c) in q.checks.enumerated() {
                // A check's share of the question's points (all-or-nothing questions score as a whole).
                let share = totalCheckPoints > 0 ? q.maxPoints * c.maxPoints / totalCheckPoints : 0
                let earned = q.points == 0 ? 0 : (totalCheckPoints > 0 ? q.maxPoints * c.points / totalCheckPoints : 0)
                var output = c.passed ? "passed" : c.message
                // The question's notes once, with its first visible check, not repeated on every check.
                if k == notesAt && !q.notes.isEmpty { output += "\n" + q.notes.joined(separator: "\n") }
                tests.append(["name": "\(q.id) · \(q.title) · \(c.description.isEmpty ? "check" : c.description)",
                              "score": earned, "max_score": share, "status": c.passed ? "passed" : "failed",
                              "output": output, "visibility": c.hidden ? "after_published" : "visible"])
            }
        }
        // The visible summary: the public checks' score only. The seed of the hidden checks and their
        // points would tell a student what to hard-code before grades are published.
        let visible = g.questions.flatMap(\.checks).filter { !$0.hidden }
        var summary = "Public checks: \(pts(visible.reduce(0) { $0 + $1.points })) / \(pts(visible.reduce(0) { $0 + $1.maxPoints })) check points"
        if g.questions.contains(where: { $0.checks.contains(where: \.hidden) }) { summary += "; the hidden checks are shown when grades are published" }
        if let notes = g.notes, !notes.isEmpty { summary += "\n" + notes.joined(separator: "\n") }
        let obj: [String: Any] = ["score": g.score, "max_score": g.maxScore, "tests": tests, "visibility": "visible", "output": summary]
        return String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self) + "\n"
    }

    /// A CSV gradebook (RFC 4180 quoting): student, score, max_score, one column per question, status.
    public static func gradebook(_ rows: [(student: String, result: GradeResult?, error: String?)], questions: [String]) -> String {
        func q(_ s: String) -> String { s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        var out = (["student", "score", "max_score"] + questions + ["status"]).map(q).joined(separator: ",") + "\n"
        for r in rows {
            if let g = r.result {
                let per = questions.map { id in g.questions.first { $0.id == id }.map { pts($0.points) } ?? "0" }
                let status = g.questions.contains { $0.status != .graded } ? "graded with problems" : "graded"
                out += ([r.student, pts(g.score), pts(g.maxScore)] + per + [status]).map(q).joined(separator: ",") + "\n"
            } else {
                out += ([r.student, "0", ""] + questions.map { _ in "0" } + ["error: \(r.error ?? "unknown")"]).map(q).joined(separator: ",") + "\n"
            }
        }
        return out
    }
}
