import Foundation
import PrivLab

/// `privlab assign build`: from an instructor's assignment directory, the student version (solutions
/// replaced by `todo()`, hidden checks removed) and the instructor bundle. Pure text transformations
/// with sorted, fixed output: building twice gives byte-identical files.
public enum AssignmentBuilder {
    /// The student version of an instructor's file.
    public static func studentVersion(_ a: AssignmentSource) throws -> String {
        var out = [String]()
        var skipping = false, inSolution = false
        for (i, line) in a.lines.enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if skipping {
                if t == "--@ end" || t == "--@end" { skipping = false }
                continue
            }
            if let g = AssignmentSource.groups(AssignmentSource.checkPattern, t), g[1] == "hidden" {
                skipping = true
                continue
            }
            // One-line hidden answer checks, and the rubrics of free-text questions, are the instructor's.
            let answerCheck = AssignmentSource.groups(AssignmentSource.numericPattern, t) ?? AssignmentSource.groups(AssignmentSource.choicePattern, t)
            if answerCheck?[1] == "hidden" || AssignmentSource.groups(AssignmentSource.rubricPattern, t) != nil { continue }
            if t == "-- BEGIN SOLUTION" {
                inSolution = true
                let indent = String(line.prefix { $0 == " " || $0 == "\t" })
                out.append("\(indent)todo()  -- your code here (replace this line)")
                continue
            }
            if inSolution {
                if t == "-- END SOLUTION" { inSolution = false }
                continue
            }
            if t.hasSuffix("-- SOLUTION") && !t.hasPrefix("--") {
                out.append(try oneLine(line, line: i + 1, path: a.path))
                continue
            }
            out.append(line)
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `name = expr -- SOLUTION` → `name = todo() -- TODO`; `return expr -- SOLUTION` → `return todo() -- TODO`.
    static func oneLine(_ line: String, line n: Int, path: String) throws -> String {
        let body = String(line[..<line.range(of: "-- SOLUTION", options: .backwards)!.lowerBound])
        let indent = String(line.prefix { $0 == " " || $0 == "\t" })
        let code = body.trimmingCharacters(in: .whitespaces)
        if code.hasPrefix("return ") { return "\(indent)return todo()  -- TODO" }
        if let eq = code.range(of: "="), !code[..<eq.lowerBound].contains("("),
           !code[eq.upperBound...].hasPrefix("=") {
            return "\(indent)\(code[..<eq.lowerBound].trimmingCharacters(in: .whitespaces)) = todo()  -- TODO"
        }
        throw LuaError("\(Runtime.displayPath(path)):\(n): a one-line '-- SOLUTION' needs the form 'name = expression' or 'return expression'")
    }

    /// What the instructor bundle describes: questions, points and checks (counts and visibility).
    public static func manifest(_ a: AssignmentSource, name: String) throws -> String {
        let qs: [[String: Any]] = a.questions.map { q in
            let cs = a.checks(of: q.id)
            return ["id": q.id, "title": q.title, "points": q.points, "kind": q.kind.rawValue, "all_or_nothing": q.allOrNothing, "seconds": q.seconds,
                    "instructions": q.instructions, "memory_mib": q.memoryMiB,
                    "public_checks": cs.filter { !$0.hidden }.count, "hidden_checks": cs.filter(\.hidden).count]
        }
        let obj: [String: Any] = ["assignment": name, "max_score": a.maxPoints, "questions": qs, "format": 1]
        let d = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: d, as: UTF8.self) + "\n"
    }

    /// Builds `<out>/student/<name>.lua` (+ README.md) and `<out>/instructor/` (the assignment, its
    /// README and manifest.json). Returns the files written.
    public static func build(directory dir: String, output out: String) throws -> [String] {
        let name = URL(fileURLWithPath: dir).standardizedFileURL.lastPathComponent
        let source = try AssignmentSource(path: "\(dir)/assignment.lua")
        try validate(source)
        let student = try studentVersion(source)
        // The student version must itself parse, and keep no hidden check or solution.
        let check = try AssignmentSource(text: student, path: "\(name).lua")
        guard check.checks.allSatisfy({ !$0.hidden }), check.solutionBlocks == 0, check.rubrics.isEmpty else {
            throw LuaError("assign build: the student version still holds hidden checks or solutions")
        }
        var written = [String]()
        func write(_ text: String, _ rel: String) throws {
            let p = "\(out)/\(rel)"
            try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(text, to: p)
            written.append(p)
        }
        func read(_ file: String) throws -> String {
            guard let d = FileManager.default.contents(atPath: "\(dir)/\(file)") else {
                throw LuaError("assign build: \(dir)/\(file) is missing (every assignment has README.md for instructors and README.student.md)")
            }
            return String(decoding: d, as: UTF8.self)
        }
        try write(student, "student/\(name).lua")
        try write(try read("README.student.md"), "student/README.md")
        try write(source.lines.joined(separator: "\n") + "\n", "instructor/assignment.lua")
        try write(try read("README.md"), "instructor/README.md")
        try write(try manifest(source, name: name), "instructor/manifest.json")
        return written
    }

    /// Every question needs a check; a check's points must be positive.
    static func validate(_ a: AssignmentSource) throws {
        guard !a.questions.isEmpty else { throw LuaError("\(a.path): no '--@ question' markers") }
        for q in a.questions where q.kind == .code && a.checks(of: q.id).isEmpty {
            throw LuaError("\(Runtime.displayPath(a.path)):\(q.line): question '\(q.id)' has no check")
        }
        for q in a.questions where q.kind == .freeText {
            if let c = a.checks(of: q.id).first {
                throw LuaError("\(Runtime.displayPath(a.path)):\(c.line): question '\(q.id)' is free-text (graded by hand): it takes '--@ rubric' lines, not checks")
            }
            if a.rubrics.contains(where: { $0.question == q.id }) == false {
                throw LuaError("\(Runtime.displayPath(a.path)):\(q.line): free-text question '\(q.id)' needs a rubric ('--@ rubric \(q.id) <points> -- criterion')")
            }
        }
        for c in a.checks where c.points <= 0 {
            throw LuaError("\(Runtime.displayPath(a.path)):\(c.line): a check needs positive points")
        }
    }
}
