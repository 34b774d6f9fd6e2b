import ArgumentParser
import Foundation
import PrivLab
import PrivLabLua

/// This executable, for the per-question grading workers.
func selfExecutable() -> String {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
}

/// An assignment given as its file, its directory or an instructor bundle.
func assignmentFile(_ p: String) -> String {
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue { return "\(p)/assignment.lua" }
    return p
}

func fail(_ command: String, _ error: Error) -> ExitCode {
    FileHandle.standardError.write(Data("privlab \(command): \(error)\n".utf8))
    return ExitCode(2)
}

struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Instructor tools for graded assignments.", subcommands: [Build.self])

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the student version (solutions replaced, hidden checks removed) and the instructor bundle.")
        @Argument(help: "The assignment directory (holding assignment.lua, README.md, README.student.md).") var directory: String
        @Option(name: .shortAndLong, help: "Output directory (gets student/ and instructor/).") var output: String
        @Flag(help: "Also write autograder.zip for Gradescope (setup.sh, run_autograder, this privlab binary and its runtime).")
        var gradescope = false

        func run() throws {
            do {
                for f in try AssignmentBuilder.build(directory: directory, output: output) { print(f) }
                if gradescope {
                    print(try GradescopeBundle.write(instructorDirectory: "\(output)/instructor", executable: selfExecutable(), output: output))
                }
            } catch { throw fail("assign build", error) }
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an assignment's public checks on your work (exit 0 when all pass and every question's code runs).")
    @Argument(help: "Your assignment file (the student version with your code).") var file: String
    @Option(help: "Seed the checks see (the grader uses its own).") var seed: UInt64 = 1
    @Flag(name: .shortAndLong, help: "Also show what your program printed.") var verbose = false

    func run() throws {
        let g: GradeResult
        let source: AssignmentSource
        do {
            source = try AssignmentSource(path: file)
            g = try Autograder(executable: selfExecutable()).grade(assignment: file, submission: file, seed: seed, includeHidden: false)
        } catch { throw fail("check", error) }
        // A question is done when its public checks pass, no todo() is left in its code, its code
        // (and the code before the first question) ran without error and no limit stopped it: a
        // question graded by hidden checks alone has nothing else to show that it is unfinished.
        var unfinished = [String]()
        for q in g.questions {
            var header = "\(q.id) · \(q.title): " + (q.checks.isEmpty ? "hidden checks only" : "\(GradeReport.pts(q.points)) / \(GradeReport.pts(q.maxPoints))")
            let todo = source.todoLines(in: q.id)
            if let line = todo.first {
                header += " — not implemented (todo() at line \(line))"
                unfinished.append(q.id)
            } else if let e = q.codeError {
                header += e.hasSuffix("not implemented") ? " — not implemented" : " — your code raised an error"
                unfinished.append(q.id)
            } else if q.status != .graded {
                header += " (\(q.status))"
                unfinished.append(q.id)
            } else if q.checks.isEmpty {
                header += " (your code ran without error)"
            }
            print(header)
            for c in q.checks {
                print("  \(c.passed ? "✓" : "✗") \(c.description.isEmpty ? "check" : c.description)" + (c.passed ? "" : ": \(c.message)"))
            }
            for n in q.notes { print("  note: \(n)") }
        }
        // Every question's worker runs the whole program, so each saw the same output as a rule:
        // shown once, or per question where they differ (a limit cut one short).
        let outputs = g.questions.filter { !$0.output.isEmpty }
        if verbose {
            let distinct = Set(outputs.map(\.output))
            for q in outputs where distinct.count > 1 || q.id == outputs.first?.id {
                print(distinct.count > 1 ? "output of your program (run for \(q.id)):" : "output of your program:")
                for line in q.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast(q.output.hasSuffix("\n") ? 1 : 0) {
                    print("  | \(line)")
                }
            }
        } else if let first = outputs.first {
            let lines = first.output.split(separator: "\n", omittingEmptySubsequences: false).count - (first.output.hasSuffix("\n") ? 1 : 0)
            print("(your program printed \(lines) line\(lines == 1 ? "" : "s"): privlab check --verbose shows them)")
        }
        var summary = "public checks: \(GradeReport.pts(g.score)) / \(GradeReport.pts(g.maxScore)) (hidden checks are graded separately)"
        if !unfinished.isEmpty { summary += "; not done: \(unfinished.joined(separator: ", "))" }
        print(summary)
        if !unfinished.isEmpty || g.questions.contains(where: { $0.checks.contains { !$0.passed } }) { throw ExitCode(1) }
    }
}

struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade a submission (or a folder of them) in the sandbox; exit 0 whenever grading completed.")
    @Argument(help: "The instructor's assignment (file, directory or instructor bundle).") var assignment: String
    @Argument(help: "A submission .lua, or a folder of submissions (batch mode).") var submission: String
    @Option(help: "Gradescope results.json path (single submission).") var json: String?
    @Option(name: .shortAndLong, help: "Markdown report (single submission) or output folder (batch: reports and gradebook.csv).")
    var output: String?
    @Option(help: "Seed of the hidden checks (default: derived from the assignment).") var seed: UInt64?

    func run() throws {
        let grader = Autograder(executable: selfExecutable())
        let a = assignmentFile(assignment)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: submission, isDirectory: &isDir), isDir.boolValue {
            return try batch(grader, a)
        }
        let g: GradeResult
        do { g = try grader.grade(assignment: a, submission: submission, seed: seed) } catch { throw fail("grade", error) }
        do {
            if let j = json { try AtomicFile.write(try GradeReport.gradescope(g), to: j) }
            if let o = output { try AtomicFile.write(GradeReport.markdown(g), to: o) }
        } catch { throw fail("grade", error) }
        if output == nil { print(GradeReport.markdown(g), terminator: "") } else { print("score: \(GradeReport.pts(g.score)) / \(GradeReport.pts(g.maxScore))") }
    }

    /// Every *.lua in the folder, in name order; one student's failure never stops the others.
    func batch(_ grader: Autograder, _ a: String) throws {
        guard let out = output else { throw fail("grade", LuaError("batch mode needs -o <output folder>")) }
        let source: AssignmentSource
        do { source = try AssignmentSource(path: a) } catch { throw fail("grade", error) }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: submission)) ?? []).filter { $0.hasSuffix(".lua") }.sorted()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var rows = [(student: String, result: GradeResult?, error: String?)]()
        for f in files {
            let student = String(f.dropLast(4))
            do {
                let g = try grader.grade(assignment: a, submission: "\(submission)/\(f)", seed: seed)
                try AtomicFile.write(GradeReport.markdown(g), to: "\(out)/\(student).md")
                try AtomicFile.write(try GradeReport.gradescope(g), to: "\(out)/\(student).json")
                rows.append((student, g, nil))
                print("\(student): \(GradeReport.pts(g.score)) / \(GradeReport.pts(g.maxScore))")
            } catch {
                rows.append((student, nil, "\(error)"))
                print("\(student): not graded (\(error))")
            }
        }
        try AtomicFile.write(GradeReport.gradebook(rows, questions: source.questions.map(\.id)), to: "\(out)/gradebook.csv")
        print("gradebook: \(out)/gradebook.csv (\(rows.count) submissions)")
    }
}

/// One question of one submission, in this process; prints the result as JSON (used by grade/check).
struct GradeWorker: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "grade-worker", abstract: "Internal: grade one question.",
                                                    shouldDisplay: false)
    @Option var assignment: String
    @Option var submission: String
    @Option var question: String
    @Option var seed: UInt64
    @Flag var publicOnly = false

    func run() throws {
        let a = try AssignmentSource(path: assignment)
        let s = try AssignmentSource(path: submission)
        let r = try QuestionGrader.grade(assignment: a, submission: s, question: question, seed: seed, includeHidden: !publicOnly)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        FileHandle.standardOutput.write(try enc.encode(r))
    }
}
