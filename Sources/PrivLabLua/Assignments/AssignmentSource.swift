import Foundation
import PrivLab

/// A graded assignment (or a student's submission of one) as written: a literate Lua file whose
/// comment markers declare questions, checks and solutions.
///
///     --@ question q1 4 [all-or-nothing] [time=20] -- Majority vote
///     ...code the student writes (answers are globals, usually functions)...
///     -- BEGIN SOLUTION
///     ...the reference solution, replaced by `todo()` in the student version...
///     -- END SOLUTION
///     local sigma = 1.1 -- SOLUTION          (one-line form: the value becomes `todo()`)
///     --@ check q1 public 2 -- ties go to the lowest class
///     expect.equal(vote({{0.5, 0.5}}, {1}), {0})
///     --@ end
///
/// Check blocks are removed from the code that runs as the student's program (their lines are
/// blanked, so line numbers in errors stay the file's own); hidden checks exist only in the
/// instructor's file.
public struct AssignmentSource {
    public struct Question: Equatable {
        /// How a question is graded.
        public enum Kind: String, Equatable, CaseIterable, Codable {
            /// By its checks (code the instructor writes, `--@ numeric`, `--@ choice`).
            case code
            /// By hand: the answer (a string) is collected for the instructor with the rubric, and
            /// its points go to the grade book's manual column.
            case freeText = "free-text"
        }
        public var id: String
        public var points: Double
        public var kind: Kind = .code
        /// A free-text question's answer: a Lua expression read after the program ran (`answer=`,
        /// default `answers.<id>`).
        public var answer: String = ""
        public var allOrNothing: Bool
        /// Wall-clock seconds for this question's code, and again for each of its checks.
        public var seconds: Double
        /// Lua VM instructions for the code, and again for each check (`instructions=`).
        public var instructions: Int64
        /// Lua memory in MiB (`memory=`).
        public var memoryMiB: Int
        public var title: String
        /// 1-based line of the marker.
        public var line: Int
    }

    /// One criterion of a free-text question's rubric (`--@ rubric <question> <points> -- criterion`).
    public struct Rubric: Equatable {
        public var question: String
        public var points: Double
        public var criterion: String
    }

    public struct Check: Equatable {
        public var question: String
        public var hidden: Bool
        public var points: Double
        public var description: String
        /// The check's code, with blank lines above it so its line numbers are the file's.
        public var code: String
        public var line: Int
    }

    public let path: String
    public let lines: [String]
    public private(set) var questions: [Question] = []
    public private(set) var checks: [Check] = []
    public private(set) var rubrics: [Rubric] = []
    /// The program: the file with check blocks blanked.
    public private(set) var program: [String] = []
    /// Line ranges (0-based, half-open) of the preamble and of each question's section.
    public private(set) var preamble: Range<Int> = 0..<0
    public private(set) var sections: [String: Range<Int>] = [:]
    public private(set) var solutionBlocks = 0
    /// `--@ forbid privacy.rdp privacy.epsilon`: engine functions (under pl) withheld from the student.
    public private(set) var forbidden: [String] = []

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw LuaError("cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw LuaError("\(path): not UTF-8 text") }
        try self.init(text: text, path: path)
    }

    public init(text: String, path: String) throws {
        self.path = path
        var ls = text.components(separatedBy: "\n")
        if ls.last == "" { ls.removeLast() }
        lines = ls
        try parse()
    }

    static let questionPattern = try! NSRegularExpression(pattern: #"^--@\s*question\s+([A-Za-z_][A-Za-z0-9_]*)\s+([0-9]+(?:\.[0-9]+)?)((?:\s+(?:all-or-nothing|free-text|answer=[A-Za-z_][A-Za-z0-9_.]*|time=[0-9]+(?:\.[0-9]+)?|instructions=[0-9]+(?:e[0-9]+)?|memory=[0-9]+))*)\s*(?:--\s*(.*))?$"#)
    /// `--@ numeric <question> public|hidden <points> <expression> <expected> [tol=<t>] [relative] -- description`
    static let numericPattern = try! NSRegularExpression(pattern: #"^--@\s*numeric\s+([A-Za-z_][A-Za-z0-9_]*)\s+(public|hidden)\s+([0-9]+(?:\.[0-9]+)?)\s+(\S+)\s+([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)((?:\s+(?:tol=[0-9.]+(?:[eE][-+]?[0-9]+)?|relative))*)\s*(?:--\s*(.*))?$"#)
    /// `--@ choice <question> public|hidden <points> <expression> <right>[,<right>…] options=<a>,<b>,… -- description`
    static let choicePattern = try! NSRegularExpression(pattern: #"^--@\s*choice\s+([A-Za-z_][A-Za-z0-9_]*)\s+(public|hidden)\s+([0-9]+(?:\.[0-9]+)?)\s+(\S+)\s+([^\s,]+(?:,[^\s,]+)*)\s+options=([^\s,]+(?:,[^\s,]+)*)\s*(?:--\s*(.*))?$"#)
    /// `--@ rubric <question> <points> -- criterion`
    static let rubricPattern = try! NSRegularExpression(pattern: #"^--@\s*rubric\s+([A-Za-z_][A-Za-z0-9_]*)\s+([0-9]+(?:\.[0-9]+)?)\s*(?:--\s*(.*))?$"#)
    static let checkPattern = try! NSRegularExpression(pattern: #"^--@\s*check\s+([A-Za-z_][A-Za-z0-9_]*)\s+(public|hidden)\s+([0-9]+(?:\.[0-9]+)?)\s*(?:--\s*(.*))?$"#)

    static func groups(_ re: NSRegularExpression, _ s: String) -> [String?]? {
        guard let m = re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) else { return nil }
        return (1..<m.numberOfRanges).map { i in Range(m.range(at: i), in: s).map { String(s[$0]) } }
    }

    private mutating func parse() throws {
        func fail(_ i: Int, _ why: String) -> LuaError { LuaError("\(Runtime.displayPath(path)):\(i + 1): \(why)") }
        program = lines
        var openCheck: (Int, Check)? = nil
        var inSolution: Int? = nil
        var currentQuestion: String? = nil
        var sectionStart = 0
        for (i, raw) in lines.enumerated() {
            let t = raw.trimmingCharacters(in: .whitespaces)
            if case (let start, var c)? = openCheck {
                if t == "--@ end" || t == "--@end" {
                    c.code = String(repeating: "\n", count: start + 1) + lines[(start + 1)..<i].joined(separator: "\n")
                    checks.append(c)
                    openCheck = nil
                    for j in start...i { program[j] = "" }
                } else if t.hasPrefix("--@") {
                    throw fail(i, "a check block (line \(start + 1)) must end with '--@ end' before another marker")
                } else {
                    openCheck = (start, c)
                }
                continue
            }
            if t.hasPrefix("--@") {
                if let g = AssignmentSource.groups(AssignmentSource.questionPattern, t) {
                    if inSolution != nil { throw fail(i, "a question marker inside a solution block") }
                    let id = g[0]!
                    if questions.contains(where: { $0.id == id }) { throw fail(i, "question '\(id)' is declared twice") }
                    let flags = (g[2] ?? "").split(separator: " ").map(String.init)
                    let seconds = flags.first { $0.hasPrefix("time=") }.flatMap { Double($0.dropFirst(5)) } ?? 30
                    let instructions = flags.first { $0.hasPrefix("instructions=") }.flatMap { Double($0.dropFirst(13)) }.map { Int64($0) } ?? 10_000_000_000
                    let memory = flags.first { $0.hasPrefix("memory=") }.flatMap { Int($0.dropFirst(7)) } ?? 512
                    if let q = currentQuestion { sections[q] = sectionStart..<i } else { preamble = 0..<i }
                    currentQuestion = id
                    sectionStart = i
                    let answer = flags.first { $0.hasPrefix("answer=") }.map { String($0.dropFirst(7)) } ?? "answers.\(id)"
                    questions.append(Question(id: id, points: Double(g[1]!)!, kind: flags.contains("free-text") ? .freeText : .code, answer: answer,
                                              allOrNothing: flags.contains("all-or-nothing"),
                                              seconds: seconds, instructions: instructions, memoryMiB: memory, title: g[3] ?? id, line: i + 1))
                } else if let c = try AssignmentSource.answerCheck(t, line: i) {
                    checks.append(c)
                    program[i] = ""
                } else if let g = AssignmentSource.groups(AssignmentSource.rubricPattern, t) {
                    rubrics.append(Rubric(question: g[0]!, points: Double(g[1]!)!, criterion: g[2] ?? ""))
                    program[i] = ""
                } else if t.hasPrefix("--@ forbid ") {
                    forbidden += t.dropFirst("--@ forbid ".count).split(separator: " ").map(String.init)
                } else if let g = AssignmentSource.groups(AssignmentSource.checkPattern, t) {
                    openCheck = (i, Check(question: g[0]!, hidden: g[1] == "hidden", points: Double(g[2]!)!,
                                          description: g[3] ?? "", code: "", line: i + 1))
                } else {
                    throw fail(i, "unknown or malformed marker '\(t)' (markers: '--@ forbid <pl names>', '--@ question <id> <points> [all-or-nothing] [free-text [answer=<name>]] [time=s] [instructions=n] [memory=MiB] -- title', '--@ check <question> public|hidden <points> -- description', '--@ end', '--@ numeric <question> public|hidden <points> <expression> <expected> [tol=<t>] [relative] -- description', '--@ choice <question> public|hidden <points> <expression> <right>[,<right>] options=<a>,<b>,… -- description', '--@ rubric <question> <points> -- criterion'; see assignments/README.md)")
                }
                continue
            }
            if t == "-- BEGIN SOLUTION" {
                if inSolution != nil { throw fail(i, "nested '-- BEGIN SOLUTION'") }
                inSolution = i
                solutionBlocks += 1
            } else if t == "-- END SOLUTION" {
                if inSolution == nil { throw fail(i, "'-- END SOLUTION' without '-- BEGIN SOLUTION'") }
                inSolution = nil
            } else if t.hasSuffix("-- SOLUTION") && !t.hasPrefix("--") {
                solutionBlocks += 1
            }
        }
        if let (start, _) = openCheck { throw fail(start, "check block without '--@ end'") }
        if let s = inSolution { throw fail(s, "'-- BEGIN SOLUTION' without '-- END SOLUTION'") }
        if let q = currentQuestion { sections[q] = sectionStart..<lines.count } else { preamble = 0..<lines.count }
        for c in checks where !questions.contains(where: { $0.id == c.question }) {
            throw fail(c.line - 1, "check for undeclared question '\(c.question)'")
        }
        for r in rubrics where !questions.contains(where: { $0.id == r.question && $0.kind == .freeText }) {
            throw fail(lines.firstIndex { $0.contains("rubric") && $0.contains(r.question) } ?? 0,
                       "a rubric belongs to a free-text question, and '\(r.question)' is not one")
        }
    }

    /// A one-line answer check (`--@ numeric`, `--@ choice`) as the check code it stands for, on the
    /// marker's line; nil for any other line.
    static func answerCheck(_ t: String, line i: Int) throws -> Check? {
        let pad = String(repeating: "\n", count: i)
        if let g = groups(numericPattern, t) {
            let flags = (g[5] ?? "").split(separator: " ").map(String.init)
            let tol = flags.first { $0.hasPrefix("tol=") }.map { String($0.dropFirst(4)) } ?? "1e-9"
            let expr = g[3]!
            let code = pad + "expect.near(\(expr), \(g[4]!), \(tol), \(luaString(expr)), { relative = \(flags.contains("relative")) })"
            return Check(question: g[0]!, hidden: g[1] == "hidden", points: Double(g[2]!)!, description: g[6] ?? "\(expr) ≈ \(g[4]!)",
                         code: code, line: i + 1)
        }
        if let g = groups(choicePattern, t) {
            let list = { (s: String) in "{" + s.split(separator: ",").map { luaString(String($0)) }.joined(separator: ", ") + "}" }
            let expr = g[3]!
            let code = pad + "expect.choice(\(expr), \(list(g[4]!)), \(list(g[5]!)), \(luaString(expr)))"
            return Check(question: g[0]!, hidden: g[1] == "hidden", points: Double(g[2]!)!, description: g[6] ?? "\(expr)",
                         code: code, line: i + 1)
        }
        return nil
    }

    static func luaString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The code of one range of the program, padded with blank lines so its line numbers are the file's.
    public func code(_ r: Range<Int>) -> String {
        String(repeating: "\n", count: r.lowerBound) + program[r].joined(separator: "\n")
    }

    /// 1-based lines of a question's code that still call `todo()` outside comments — what the
    /// student version has where the solution was. A function whose body is `todo()` raises only
    /// when called, which nothing does in `privlab check` when the question has hidden checks only.
    public func todoLines(in question: String) -> [Int] {
        guard let r = sections[question] else { return [] }
        var out = [Int]()
        var closing: String? = nil  // the `]==]` that ends the long comment (prose) we are in
        for i in r {
            var line = Substring(program[i])
            if let c = closing {
                guard let end = line.range(of: c) else { continue }
                line = line[end.upperBound...]
                closing = nil
            }
            var code = line
            if let dash = line.range(of: "--") {
                code = line[..<dash.lowerBound]
                let rest = line[dash.upperBound...]
                if rest.first == "[", let open = rest.dropFirst().firstIndex(where: { $0 != "=" }), rest[open] == "[" {
                    let close = "]" + String(repeating: "=", count: rest.distance(from: rest.index(after: rest.startIndex), to: open)) + "]"
                    if !rest[rest.index(after: open)...].contains(close) { closing = close }
                }
            }
            if code.contains("todo()") { out.append(i + 1) }
        }
        return out
    }

    public var maxPoints: Double { questions.reduce(0) { $0 + $1.points } }

    /// Points the checks of `question` carry (the question's points are split over them).
    public func checks(of question: String) -> [Check] { checks.filter { $0.question == question } }
}
