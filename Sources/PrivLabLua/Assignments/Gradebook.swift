import Foundation
import PrivLab

/// The class's grade book as CSV (RFC 4180): `student, score, max_score`, one column per question,
/// `status` (the columns of the first format, unchanged), then one column per check (`q/1`, `q/2`,
/// … its points), one `manual:<q>` column per free-response question for the points the instructor
/// gives by hand, `total` (score plus the manual points) and `problems`. Manual points typed into an
/// existing gradebook.csv are carried into the new one; an existing grade book that differs is
/// never overwritten silently.
public struct Gradebook {
    public let assignment: AssignmentSource
    public let entries: [BatchGrader.Entry]

    public init(assignment: AssignmentSource, entries: [BatchGrader.Entry]) { (self.assignment, self.entries) = (assignment, entries) }

    var checkColumns: [(question: String, index: Int)] {
        assignment.questions.flatMap { q in assignment.checks(of: q.id).indices.map { (q.id, $0 + 1) } }
    }

    var manualQuestions: [AssignmentSource.Question] { assignment.questions.filter { $0.kind == .freeText } }

    /// The CSV text; `manual` holds the manual points already given ([student: [column: value]]).
    public func csv(manual: [String: [String: String]] = [:]) -> String {
        let header = ["student", "score", "max_score"] + assignment.questions.map(\.id) + ["status"]
            + checkColumns.map { "\($0.question)/\($0.index)" } + manualQuestions.map { "manual:\($0.id)" } + ["total", "problems"]
        var out = header.map(Gradebook.quote).joined(separator: ",") + "\n"
        for e in entries {
            let given = manualQuestions.map { manual[e.student]?["manual:\($0.id)"] ?? "" }
            let manualSum = given.compactMap { Double($0) }.reduce(0, +)
            var row: [String]
            if let g = e.result {
                let per = assignment.questions.map { id in g.questions.first { $0.id == id.id }.map { GradeReport.pts($0.points) } ?? "0" }
                let status = g.questions.contains { $0.status != .graded } ? "graded with problems" : "graded"
                let checks = checkColumns.map { c -> String in
                    guard let q = g.questions.first(where: { $0.id == c.question }), c.index <= q.checks.count else { return "" }
                    return GradeReport.pts(q.checks[c.index - 1].points)
                }
                row = [e.student, GradeReport.pts(g.score), GradeReport.pts(g.maxScore)] + per + [status] + checks + given
                    + [GradeReport.pts(g.score + manualSum), ClassSummary.problems(e).joined(separator: "; ")]
            } else {
                row = [e.student, "0", ""] + assignment.questions.map { _ in "0" } + ["error: \(e.error ?? "unknown")"]
                    + checkColumns.map { _ in "" } + given + [GradeReport.pts(manualSum), ClassSummary.problems(e).joined(separator: "; ")]
            }
            out += row.map(Gradebook.quote).joined(separator: ",") + "\n"
        }
        return out
    }

    /// Writes the grade book to `path`, carrying the manual points of the file already there. When
    /// that file exists and differs, it is kept and the new grade book goes to `gradebook-N.csv`
    /// (the first free N, or the version that already holds exactly this text) unless `replace`.
    /// Returns the path written.
    public func write(to path: String, replace: Bool) throws -> String {
        let old = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
        let text = csv(manual: old.map(Gradebook.manualPoints) ?? [:])
        // Manual points typed in are carried, so a grade book that differs only there (and in the
        // total they change) is rewritten in place: nothing in it is lost.
        guard let existing = old, Gradebook.automaticPart(existing) != Gradebook.automaticPart(text), !replace else {
            if old != text { try AtomicFile.write(text, to: path) }
            return path
        }
        _ = existing
        let base = (path as NSString).deletingPathExtension
        var n = 2
        while true {
            let candidate = "\(base)-\(n).csv"
            guard let d = FileManager.default.contents(atPath: candidate) else { break }
            if String(decoding: d, as: UTF8.self) == text { return candidate }
            n += 1
        }
        let versioned = "\(base)-\(n).csv"
        try AtomicFile.write(text, to: versioned)
        return versioned
    }

    /// The rows without the columns that hand grading changes (`manual:…`, `total`).
    static func automaticPart(_ csv: String) -> [[String]] {
        let rows = parse(csv)
        guard let header = rows.first else { return [] }
        let keep = header.indices.filter { !header[$0].hasPrefix("manual:") && header[$0] != "total" }
        return rows.map { r in keep.map { $0 < r.count ? r[$0] : "" } }
    }

    /// The `manual:` columns of an existing grade book, by student.
    static func manualPoints(_ csv: String) -> [String: [String: String]] {
        let rows = parse(csv)
        guard let header = rows.first, let studentColumn = header.firstIndex(of: "student") else { return [:] }
        var out = [String: [String: String]]()
        for row in rows.dropFirst() where row.count == header.count {
            for (i, name) in header.enumerated() where name.hasPrefix("manual:") && !row[i].isEmpty {
                out[row[studentColumn], default: [:]][name] = row[i]
            }
        }
        return out
    }

    static func quote(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// RFC 4180 rows (quoted fields may hold commas, quotes and newlines).
    static func parse(_ text: String) -> [[String]] {
        var rows = [[String]](), row = [String](), field = "", quoted = false
        var it = Array(text).makeIterator()
        var pending: Character? = nil
        while let ch = pending ?? it.next() {
            pending = nil
            if quoted {
                if ch == "\"" {
                    if let n = it.next() { if n == "\"" { field.append("\"") } else { quoted = false; pending = n } } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" { quoted = true }
            else if ch == "," { row.append(field); field = "" }
            else if ch == "\n" || ch == "\r\n" { row.append(field); rows.append(row); row = []; field = "" }
            else if ch != "\r" { field.append(ch) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
