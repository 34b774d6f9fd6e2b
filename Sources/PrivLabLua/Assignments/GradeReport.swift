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
        for q in g.questions {
            out += "\n## \(q.id) · \(q.title) — \(pts(q.points)) / \(pts(q.maxPoints))\n\n"
            for c in q.checks {
                let mark = c.passed ? "✓" : "✗"
                let vis = c.hidden ? "hidden" : "public"
                out += "- \(mark) (\(vis), \(pts(c.points))/\(pts(c.maxPoints))) \(c.description.isEmpty ? "check" : c.description)"
                if !c.passed && (!c.hidden || hiddenDetails) { out += " — \(c.message.replacingOccurrences(of: "\n", with: " "))" }
                out += "\n"
            }
            for n in q.notes { out += "- note: \(n.replacingOccurrences(of: "\n", with: " "))\n" }
            if !q.output.isEmpty {
                let shown = q.output.count > 2000 ? String(q.output.prefix(2000)) + "\n…" : q.output
                out += "\nOutput of the submission:\n\n```text\n\(shown.replacingOccurrences(of: "```", with: "'''"))\n```\n"
            }
        }
        return out
    }

    static func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }

    /// Gradescope's results.json: score, max_score, one test per check (hidden checks visible only
    /// after grades are published).
    public static func gradescope(_ g: GradeResult) throws -> String {
        var tests = [[String: Any]]()
        for q in g.questions {
            let totalCheckPoints = q.checks.reduce(0) { $0 + $1.maxPoints }
            for c in q.checks {
                // A check's share of the question's points (all-or-nothing questions score as a whole).
                let share = totalCheckPoints > 0 ? q.maxPoints * c.maxPoints / totalCheckPoints : 0
                let earned = q.points == 0 ? 0 : (totalCheckPoints > 0 ? q.maxPoints * c.points / totalCheckPoints : 0)
                var output = c.passed ? "passed" : c.message
                if !q.notes.isEmpty { output += "\n" + q.notes.joined(separator: "\n") }
                tests.append(["name": "\(q.id) · \(q.title) · \(c.description.isEmpty ? "check" : c.description)",
                              "score": earned, "max_score": share, "status": c.passed ? "passed" : "failed",
                              "output": output, "visibility": c.hidden ? "after_published" : "visible"])
            }
        }
        let obj: [String: Any] = ["score": g.score, "max_score": g.maxScore, "tests": tests, "visibility": "visible",
                                  "output": "Graded with seed \(g.seed): \(pts(g.score)) / \(pts(g.maxScore))"]
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
