import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// A class at once (issue 32, item 3): `privlab grade ASSIGNMENT submissions/ -o graded/ --jobs N`
/// grades several submissions at a time, re-grades only what changed, never overwrites a grade
/// book silently, writes a summary (score distribution chart, check pass rates, submissions with
/// problems and why), per-check and manual columns, a rendered copy of each submission, and lists
/// every file it did not grade.
final class ClassGradingTests: XCTestCase {
    func privlab(_ args: [String]) throws -> CLITests.Output { try runPrivlab(args) }

    static let assignment = QuestionTypesTests.assignment

    func lines(_ s: String) -> [String] { s.split(separator: "\n").map(String.init) }

    func read(_ p: String) throws -> String { try String(contentsOfFile: p, encoding: .utf8) }

    func testAClassIsGradedOnceAndOnlyWhatChangesIsGradedAgain() throws {
        let d = try temporaryDirectory()
        let subs = "\(d)/subs", out = "\(d)/graded"
        try FileManager.default.createDirectory(atPath: "\(subs)/extra", withIntermediateDirectories: true)
        try Self.assignment.write(toFile: "\(d)/assignment.lua", atomically: true, encoding: .utf8)
        try Self.assignment.write(toFile: "\(subs)/alice.lua", atomically: true, encoding: .utf8)
        try Self.assignment.write(toFile: "\(subs)/erin.lua", atomically: true, encoding: .utf8)
        try Self.assignment.write(toFile: "\(subs)/carol.lua", atomically: true, encoding: .utf8)
        let wrong = Self.assignment.replacingOccurrences(of: "answers.pick = \"b\"", with: "answers.pick = \"a\"")
        try wrong.write(toFile: "\(subs)/bob.lua", atomically: true, encoding: .utf8)
        try "error('boom')".write(toFile: "\(subs)/dave.lua", atomically: true, encoding: .utf8)
        try "my notes".write(toFile: "\(subs)/notes.txt", atomically: true, encoding: .utf8)
        try "x = 1".write(toFile: "\(subs)/CAROL.lua", atomically: true, encoding: .utf8)
        let first = try privlab(["grade", "\(d)/assignment.lua", subs, "-o", out, "--jobs", "2"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("skipped notes.txt: not a .lua file (not graded)"), first.stdout)
        XCTAssertTrue(first.stdout.contains("skipped extra/: a folder"), first.stdout)
        XCTAssertTrue(first.stdout.contains("skipped carol.lua: another submission has the same name but for case (not graded; rename one)"), first.stdout)
        let book = lines(try read("\(out)/gradebook.csv"))
        XCTAssertEqual(book[0], "student,score,max_score,eps,pick,several,tab,fig,why,status,eps/1,eps/2,pick/1,several/1,tab/1,fig/1,manual:why,total,problems")
        let rows = Dictionary(uniqueKeysWithValues: book.dropFirst().map { (String($0.split(separator: ",")[0]), $0) })
        XCTAssertEqual(Set(rows.keys), ["CAROL", "alice", "bob", "dave", "erin"], "carol.lua is CAROL.lua but for case: \(book)")
        XCTAssertTrue(rows["bob"]!.hasPrefix("bob,6,7,2,0,1,2,1,0,graded,1,1,0,1,2,1,,6,"), rows["bob"]!)
        XCTAssertTrue(rows["erin"]!.contains("identical to alice's submission"), rows["erin"]!)
        XCTAssertTrue(rows["alice"]!.contains("identical to erin's submission"), rows["alice"]!)
        XCTAssertTrue(rows["dave"]!.contains("the code before the first question failed") && rows["dave"]!.contains("boom"), rows["dave"]!)
        let summary = try read("\(out)/summary.md")
        for part in ["![Score distribution per question](scores.svg)", "| pick/1 | the attack that needs shadow models | hidden | 1 | 2 (40 %) |",
                     "## Submissions with problems", "| dave |", "notes.txt: not a .lua file", "answers in `free-text.md`"] {
            XCTAssertTrue(summary.contains(part), "\(part)\n\(summary)")
        }
        XCTAssertTrue(try read("\(out)/scores.svg").hasPrefix("<svg"))
        let answers = try read("\(out)/free-text.md")
        XCTAssertTrue(answers.contains("- [ ] 2 — names the noise") && answers.contains("### bob\n\n> The noise hides any one record."), answers)
        let rendered = try read("\(out)/rendered/bob.md")
        XCTAssertTrue(rendered.contains("# bob.lua — 6 / 7") && rendered.contains("```lua\n") && rendered.contains("# Question types"), rendered)

        // Nothing changed: nothing is graded again, the grade book stays as it is.
        let again = try privlab(["grade", "\(d)/assignment.lua", subs, "-o", out])
        XCTAssertEqual(lines(again.stdout).filter { $0.contains("(unchanged: not graded again)") }.count, 5, again.stdout)
        XCTAssertEqual(lines(try read("\(out)/gradebook.csv")), book)
        // Manual points typed into the grade book are kept when the class is graded again.
        let typed = try read("\(out)/gradebook.csv").replacingOccurrences(of: "graded,1,1,0,1,2,1,,6,", with: "graded,1,1,0,1,2,1,2.5,6,")
        try typed.write(toFile: "\(out)/gradebook.csv", atomically: true, encoding: .utf8)
        // One submission changes: only it is graded again; the grade book differs, so it is kept
        // and the new one is written beside it, with a message.
        try Self.assignment.write(toFile: "\(subs)/bob.lua", atomically: true, encoding: .utf8)
        let changed = try privlab(["grade", "\(d)/assignment.lua", subs, "-o", out])
        let regraded = lines(changed.stdout).filter { $0.contains(": ") && $0.contains(" / ") && !$0.contains("unchanged") }
        XCTAssertEqual(regraded, ["bob: 7 / 7"], changed.stdout)
        XCTAssertTrue(changed.stdout.contains("exists and differs from this grading: kept it, wrote \(out)/gradebook-2.csv (--replace overwrites it)"), changed.stdout)
        XCTAssertEqual(try read("\(out)/gradebook.csv"), typed, "never overwritten silently")
        let v2 = try read("\(out)/gradebook-2.csv")
        XCTAssertTrue(v2.contains("bob,7,7,2,1,1,2,1,0,graded,1,1,1,1,2,1,2.5,9.500,"), v2)
        let replaced = try privlab(["grade", "\(d)/assignment.lua", subs, "-o", out, "--replace"])
        XCTAssertEqual(replaced.status, 0)
        XCTAssertEqual(try read("\(out)/gradebook.csv"), v2)
        // The assignment changes: everything is graded again.
        try (Self.assignment + "-- a comment\n").write(toFile: "\(d)/assignment.lua", atomically: true, encoding: .utf8)
        let all = try privlab(["grade", "\(d)/assignment.lua", subs, "-o", out, "--replace"])
        XCTAssertFalse(all.stdout.contains("unchanged"), all.stdout)
    }

    func testBadOptionsAreRefused() throws {
        let d = try temporaryDirectory()
        try Self.assignment.write(toFile: "\(d)/assignment.lua", atomically: true, encoding: .utf8)
        let r = try privlab(["grade", "\(d)/assignment.lua", d, "-o", "\(d)/g", "--jobs", "0"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--jobs must be at least 1, got 0"), r.stderr)
    }
}
