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
                try verifyReference()
                for f in try AssignmentBuilder.build(directory: directory, output: output) { print(f) }
                if gradescope {
                    print(try GradescopeBundle.write(instructorDirectory: "\(output)/instructor", executable: selfExecutable(), output: output))
                }
            } catch { throw fail("assign build", error) }
        }

        /// The reference solution must score full marks (hidden checks included) before anything is
        /// written: a solution written as a notebook that the grader scores otherwise, a check that
        /// fails on its own reference, would reach the students. Also says which equivalent
        /// functions `--@ forbid` withholds beyond those named.
        func verifyReference() throws {
            let path = "\(directory)/assignment.lua"
            let a = try AssignmentSource(path: path)
            let (_, added) = ForbiddenEquivalents.expand(a.forbidden)
            if !added.isEmpty {
                print("note: '--@ forbid' also withholds \(added.map { "pl.\($0)" }.joined(separator: ", ")): each computes what a forbidden function does")
            }
            let g = try Autograder(executable: selfExecutable()).grade(assignment: path, submission: path, seed: nil)
            guard g.score < g.maxScore - 1e-9 else { return }
            var why = [String]()
            for q in g.questions where q.points < q.maxPoints - 1e-9 {
                let failed = q.checks.filter { !$0.passed }.map { "\($0.description): \($0.message)" }
                why.append("  \(q.id) · \(q.title): \(GradeReport.pts(q.points)) / \(GradeReport.pts(q.maxPoints))"
                           + (failed.isEmpty ? "" : "\n    " + failed.joined(separator: "\n    "))
                           + (q.notes.isEmpty ? "" : "\n    note: " + q.notes.joined(separator: "\n    note: ")))
            }
            throw LuaError("the reference solution scores \(GradeReport.pts(g.score)) / \(GradeReport.pts(g.maxScore)), not full marks: nothing was built\n" + why.joined(separator: "\n"))
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
            if let m = q.manualPoints { header = "\(q.id) · \(q.title): graded by hand (\(GradeReport.pts(m)) points)" }
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
            } else if q.manualPoints != nil && q.answer == nil {
                header += " — no answer yet"
                unfinished.append(q.id)
            } else if q.manualPoints != nil {
                header += " — answered"
            } else if q.checks.isEmpty {
                header += " (your code ran without error)"
            }
            print(header)
            for c in q.checks {
                print("  \(c.passed ? "✓" : "✗") \(c.description.isEmpty ? "check" : c.description)" + (c.passed ? "" : ": \(c.message)"))
            }
            for n in q.notes { print("  note: \(n)") }
        }
        // The program runs once: its output is the preamble's, then each question's section's.
        let printed = ([g.output ?? ""] + g.questions.map(\.output)).joined()
        for n in g.notes ?? [] { print("note: \(n)") }
        if verbose && !printed.isEmpty {
            print("output of your program:")
            for line in printed.split(separator: "\n", omittingEmptySubsequences: false).dropLast(printed.hasSuffix("\n") ? 1 : 0) {
                print("  | \(line)")
            }
        } else if !printed.isEmpty {
            let lines = printed.split(separator: "\n", omittingEmptySubsequences: false).count - (printed.hasSuffix("\n") ? 1 : 0)
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
    @Option(help: "Batch mode: submissions graded at once (default: one per core).") var jobs: Int?
    @Flag(help: "Batch mode: overwrite a gradebook.csv that differs (default: keep it and write gradebook-N.csv).")
    var replace = false

    func run() throws {
        let grader = Autograder(executable: selfExecutable())
        let a = assignmentFile(assignment)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: submission, isDirectory: &isDir), isDir.boolValue {
            return try batch(a)
        }
        let g: GradeResult
        do { g = try grader.grade(assignment: a, submission: submission, seed: seed) } catch { throw fail("grade", error) }
        do {
            if let j = json { try AtomicFile.write(try GradeReport.gradescope(g), to: j) }
            if let o = output { try AtomicFile.write(GradeReport.markdown(g), to: o) }
        } catch { throw fail("grade", error) }
        if output == nil { print(GradeReport.markdown(g), terminator: "") } else { print("score: \(GradeReport.pts(g.score)) / \(GradeReport.pts(g.maxScore))") }
    }

    /// Every *.lua in the folder, `jobs` at a time; one student's failure never stops the others.
    func batch(_ a: String) throws {
        guard let out = output else { throw fail("grade", LuaError("batch mode needs -o <output folder>")) }
        guard jobs == nil || jobs! >= 1 else { throw fail("grade", LuaError("--jobs must be at least 1, got \(jobs!)")) }
        var o = BatchGrader.Options()
        if let j = jobs { o.jobs = j }
        o.seed = seed
        o.replace = replace
        let b = BatchGrader(executable: selfExecutable(), assignment: a, folder: submission, output: out, options: o)
        do { _ = try b.run { line in print(line) } } catch { throw fail("grade", error) }
    }
}

/// Some questions of one submission, in this process; prints progress and results as JSON lines
/// (used by grade/check, which restart a worker that dies without losing what it finished).
struct GradeWorker: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "grade-worker", abstract: "Internal: grade the questions of a submission.",
                                                    shouldDisplay: false)
    @Option var assignment: String
    @Option(help: "Question ids, comma-separated.") var questions: String
    @Option var submission: String
    @Option(help: "Question ids whose code is not run (it stopped an earlier worker).") var skip: String = ""
    @Option var seed: UInt64
    @Flag var publicOnly = false

    func run() throws {
        let a = try AssignmentSource(path: assignment)
        let s = try AssignmentSource(path: submission)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        try SubmissionGrader.grade(assignment: a, submission: s, questions: questions.split(separator: ",").map(String.init),
                                   skip: Set(skip.split(separator: ",").map(String.init)), seed: seed,
                                   includeHidden: !publicOnly) { line in
            if let d = try? enc.encode(line) { FileHandle.standardOutput.write(d + Data("\n".utf8)) }
        }
    }
}
