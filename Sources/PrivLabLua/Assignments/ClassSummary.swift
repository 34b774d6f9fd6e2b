import Foundation
import PrivLab

/// What a class's grading says as a whole: score distribution per question (an SVG chart), each
/// question's mean and each check's pass rate, the submissions with problems and why, the files
/// that were not graded, and the free-text answers collected for grading by hand.
public struct ClassSummary {
    public let assignment: AssignmentSource
    public let entries: [BatchGrader.Entry]
    public let skipped: [String]

    public init(assignment: AssignmentSource, entries: [BatchGrader.Entry], skipped: [String]) {
        (self.assignment, self.entries, self.skipped) = (assignment, entries, skipped)
    }

    var graded: [GradeResult] { entries.compactMap(\.result) }

    /// Why a submission needs a look: it was not graded, a question did not finish, the program
    /// failed before the first question, a worker was restarted, it is identical to another.
    public static func problems(_ e: BatchGrader.Entry) -> [String] {
        var out = [String]()
        if let err = e.error { out.append("not graded: \(err)") }
        if let g = e.result {
            for q in g.questions where q.status != .graded { out.append("\(q.id): \(q.status)") }
            for n in g.notes ?? [] { out.append(String(n.prefix(160))) }
            for q in g.questions {
                for n in q.notes where n.contains("syntax error") || n.contains("was dropped") { out.append("\(q.id): \(String(n.prefix(160)))") }
            }
        }
        return out + e.notes
    }

    /// Submissions per score band, per question: no points, some, full marks.
    func bands(_ id: String) -> (zero: Int, partial: Int, full: Int) {
        var z = 0, p = 0, f = 0
        for g in graded {
            guard let q = g.questions.first(where: { $0.id == id }) else { continue }
            if q.points <= 0 { z += 1 } else if q.points >= q.maxPoints - 1e-9 { f += 1 } else { p += 1 }
        }
        return (z, p, f)
    }

    var autoQuestions: [AssignmentSource.Question] { assignment.questions.filter { $0.kind == .code } }

    /// A grouped bar chart: per question, how many submissions scored nothing, part, or full marks.
    public func svg() throws -> String {
        let qs = autoQuestions.isEmpty ? assignment.questions : autoQuestions
        let b = qs.map { bands($0.id) }
        let x = qs.indices.map { Double($0 + 1) }
        var chart = try Chart(kind: .bar, title: "Score distribution per question (\(graded.count) submissions)", xLabel: "question",
                              yLabel: "submissions",
                              series: [Chart.Series(name: "no points", x: x, y: b.map { Double($0.zero) }),
                                       Chart.Series(name: "partial", x: x, y: b.map { Double($0.partial) }),
                                       Chart.Series(name: "full marks", x: x, y: b.map { Double($0.full) })],
                              categories: qs.map(\.id))
        chart.width = max(640, 90 * qs.count + 200)
        return try chart.svg()
    }

    public func markdown(chart: String, gradebook: String) -> String {
        let pts = GradeReport.pts
        var out = "# Class summary: \(assignment.questions.count) questions, \(entries.count) submissions\n\n"
        let fresh = entries.filter { $0.seconds != nil }.count
        out += "- graded now: \(fresh); unchanged since the last grading (not graded again): \(entries.count - fresh)\n"
        out += "- grade book: `\(gradebook)`\n"
        let scores = graded.map(\.score).sorted()
        if let maxScore = graded.first?.maxScore, !scores.isEmpty {
            let mean = scores.reduce(0, +) / Double(scores.count)
            out += "- score (of \(pts(maxScore))): mean \(pts(mean)), median \(pts(scores[scores.count / 2])), "
                + "min \(pts(scores[0])), max \(pts(scores[scores.count - 1]))\n"
        }
        out += "\n![Score distribution per question](\(chart))\n\n## Questions\n\n"
        out += "| question | points | mean | full marks | no points |\n| :--- | ---: | ---: | ---: | ---: |\n"
        for q in autoQuestions {
            let got = graded.compactMap { $0.questions.first { $0.id == q.id }?.points }
            let mean = got.isEmpty ? 0 : got.reduce(0, +) / Double(got.count)
            let b = bands(q.id)
            out += "| \(q.id) · \(GradeReport.escape(q.title)) | \(pts(q.points)) | \(pts(mean)) | \(b.full) | \(b.zero) |\n"
        }
        out += "\n## Checks: pass rates\n\n| question | check | visibility | points | passed |\n| :--- | :--- | :--- | ---: | ---: |\n"
        for q in autoQuestions {
            for (k, c) in assignment.checks(of: q.id).enumerated() {
                let passed = graded.filter { g in g.questions.first { $0.id == q.id }.map { k < $0.checks.count && $0.checks[k].passed } ?? false }.count
                let rate = graded.isEmpty ? 0 : 100 * Double(passed) / Double(graded.count)
                out += "| \(q.id)/\(k + 1) | \(GradeReport.escape(c.description)) | \(c.hidden ? "hidden" : "public") | \(pts(c.points)) | "
                    + "\(passed) (\(formatNumber(rate, digits: 3)) %) |\n"
            }
        }
        let manual = assignment.questions.filter { $0.kind == .freeText }
        if !manual.isEmpty {
            out += "\n## Graded by hand\n\n"
            for q in manual {
                let answered = graded.filter { $0.questions.first { $0.id == q.id }?.answer?.isEmpty == false }.count
                out += "- \(q.id) · \(q.title) (\(pts(q.points)) points): \(answered) answers in `free-text.md`; "
                    + "points go into the grade book's `manual:\(q.id)` column\n"
            }
        }
        let troubled = entries.map { ($0.student, ClassSummary.problems($0)) }.filter { !$0.1.isEmpty }
        out += "\n## Submissions with problems (\(troubled.count))\n\n"
        if troubled.isEmpty { out += "None.\n" } else {
            out += "| submission | why |\n| :--- | :--- |\n"
            for (s, p) in troubled { out += "| \(GradeReport.escape(s)) | \(GradeReport.escape(p.joined(separator: "; "))) |\n" }
        }
        if !skipped.isEmpty {
            out += "\n## Files not graded (\(skipped.count))\n\n" + skipped.map { "- \($0)\n" }.joined()
        }
        return out
    }

    /// Free-text answers, question by question, with the rubric to grade them by.
    public func freeText() -> String? {
        let manual = assignment.questions.filter { $0.kind == .freeText }
        guard !manual.isEmpty else { return nil }
        var out = "# Answers to grade by hand\n\nEnter the points in the grade book's `manual:<question>` column; "
            + "they are kept when the class is graded again.\n"
        for q in manual {
            out += "\n## \(q.id) · \(q.title) (\(GradeReport.pts(q.points)) points)\n\nRubric:\n\n"
            for r in assignment.rubrics where r.question == q.id { out += "- [ ] \(GradeReport.pts(r.points)) — \(r.criterion)\n" }
            for e in entries {
                let a = e.result?.questions.first { $0.id == q.id }?.answer
                out += "\n### \(e.student)\n\n"
                out += a.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map { "> \($0)" }.joined(separator: "\n") + "\n" }
                    ?? "(no answer)\n"
            }
        }
        return out
    }

    /// Machine-readable: per submission its score, the seconds grading took (null when reused) and
    /// its problems.
    public func json() throws -> String {
        let subs: [[String: Any]] = entries.map { e in
            ["student": e.student, "score": e.result?.score ?? 0, "max_score": e.result?.maxScore ?? 0,
             "seconds": e.seconds.map { $0 as Any } ?? NSNull(), "reused": e.seconds == nil, "problems": ClassSummary.problems(e)]
        }
        let obj: [String: Any] = ["submissions": subs, "skipped": skipped]
        return String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self) + "\n"
    }
}

/// A submission rendered for reading by hand: its scores, then its prose as Markdown and its code
/// in numbered blocks (the line numbers the grade report's messages cite).
public enum SubmissionRendering {
    public static func markdown(_ path: String, result g: GradeResult) -> String {
        let text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var out = "# \(URL(fileURLWithPath: path).lastPathComponent) — \(GradeReport.pts(g.score)) / \(GradeReport.pts(g.maxScore))\n\n"
        out += "| question | score | max |\n| :--- | ---: | ---: |\n"
        for q in g.questions {
            out += "| \(q.id) · \(GradeReport.escape(q.title)) | \(q.manualPoints != nil ? "by hand" : GradeReport.pts(q.points)) | "
                + "\(GradeReport.pts(q.manualPoints ?? q.maxPoints)) |\n"
        }
        out += "\n"
        guard let nb = try? NotebookSource(text: text, name: path) else {
            return out + numbered(text.components(separatedBy: "\n"), from: 1)
        }
        for seg in nb.segments {
            switch seg {
            case .prose(let md): out += md + "\n\n"
            case .code(_, let code, let first, _) where !code.isEmpty:
                out += numbered(code.components(separatedBy: "\n"), from: first)
            default: break
            }
        }
        return out
    }

    static func numbered(_ lines: [String], from first: Int) -> String {
        let width = String(first + lines.count).count
        let body = lines.enumerated().map { i, l in
            let n = String(first + i)
            return String(repeating: " ", count: width - n.count) + n + "  " + l.replacingOccurrences(of: "```", with: "'''")
        }
        return "```lua\n" + body.joined(separator: "\n") + "\n```\n\n"
    }

    public static func write(_ path: String, result: GradeResult, to out: String) throws {
        try FileManager.default.createDirectory(atPath: (out as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(markdown(path, result: result), to: out)
    }
}
