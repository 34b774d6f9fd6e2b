import Foundation
import PrivLab
@testable import PrivLabLua
import XCTest

/// `privlab similar` (issue 32, item 4): the Lua lexer, winnowing against the paper's definition
/// and worked example, its guarantee, and flagging on generated pairs — a disguised copy is
/// flagged, two independent solutions are not, and the hand-out's code alone makes no pair alike.
final class SimilarityTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PrivLabTests/Fixtures")

    func fixture(_ name: String) throws -> String {
        try String(contentsOf: Self.fixtures.appendingPathComponent("similarity/\(name)"), encoding: .utf8)
    }

    // MARK: the lexer

    func testLexerReadsLuaTokensAndDropsCommentsAndSpace() {
        let src = """
            #!/usr/bin/env lua
            local x = 0x1p4 + 3e-2 .. 'a\\'b' -- comment
            --[==[ long
            comment ]] still ]==] y = [[str
            ing]] ~= ... // a.b:c(1)
            s = "unterminated
            z
            """
        let t = LuaLexer.tokens(src)
        XCTAssertEqual(t.map(\.text), ["local", "x", "=", "0x1p4", "+", "3e-2", "..", "'a\\'b'", "y", "=", "[[str\ning]]", "~=", "...",
                                       "//", "a", ".", "b", ":", "c", "(", "1", ")", "s", "=", "\"unterminated", "z"])
        XCTAssertEqual(t.map(\.kind), [.keyword, .name, .symbol, .number, .symbol, .number, .symbol, .string, .name, .symbol, .string,
                                       .symbol, .symbol, .symbol, .name, .symbol, .name, .symbol, .name, .symbol, .number, .symbol,
                                       .name, .symbol, .string, .name])
        XCTAssertEqual(t.first { $0.text == "y" }?.line, 4)
        let long = t.first { $0.text.hasPrefix("[[") }!
        XCTAssertEqual([long.line, long.endLine], [4, 5])
        XCTAssertEqual(t.last?.line, 7)
        XCTAssertEqual(LuaLexer.tokens("local a = 1 -- x").map(\.normalised), LuaLexer.tokens("local  bb=2.5--[[y]]").map(\.normalised))
        XCTAssertEqual(LuaLexer.tokens("f('x', true)").map(\.normalised), ["N", "(", "\"", ",", "B", ")"])
    }

    /// Every Lua file in the repository lexes, and re-joining its tokens (with comments and space
    /// removed) loses no byte outside comments and whitespace.
    func testLexerCoversTheRepositoryLuaFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = FileManager.default.enumerator(atPath: root.appendingPathComponent("notebooks").path)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".lua") }
        XCTAssertGreaterThan(files.count, 5)
        for f in files {
            let text = try String(contentsOf: root.appendingPathComponent("notebooks/\(f)"), encoding: .utf8)
            let t = LuaLexer.tokens(text)
            XCTAssertFalse(t.contains { $0.kind == .other }, "\(f): a byte no Lua token starts with")
            let bytes = Array(text.utf8)
            for tok in t { XCTAssertEqual(String(decoding: bytes[tok.start..<tok.end], as: UTF8.self), tok.text) }
        }
    }

    // MARK: winnowing

    struct Reference: Decodable {
        struct Case: Decodable { var hashes: [UInt64]; var w: Int; var rightmost: [[UInt64]]; var robust: [[UInt64]] }
        struct KGram: Decodable { var codes: [String]; var k: Int; var hashes: [String] }
        var winnow: [Case]
        var kgram: [KGram]
    }

    /// The same fingerprints as the reference written from Definition 1 and robust winnowing
    /// (make_winnowing_reference.py, which asserts the paper's Figure 2 example), and the rolling
    /// k-gram hash equal to the polynomial evaluated directly.
    func testWinnowingMatchesTheReference() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("winnowing_reference.json"))
        let ref = try JSONDecoder().decode(Reference.self, from: data)
        XCTAssertEqual(ref.winnow.count, 8)
        for c in ref.winnow {
            for (rule, expected) in [(Winnowing.TieRule.rightmost, c.rightmost), (.robust, c.robust)] {
                let got = Winnowing.winnow(c.hashes, window: c.w, tie: rule).map { [$0.hash, UInt64($0.position)] }
                XCTAssertEqual(got, expected, "\(rule), w = \(c.w), n = \(c.hashes.count)")
            }
        }
        XCTAssertEqual(Winnowing.winnow([77, 74, 42, 17, 98, 50, 17, 98, 8, 88, 67, 39, 77, 74, 42, 17, 98], window: 4, tie: .rightmost)
            .map { [$0.hash, UInt64($0.position)] }, [[17, 3], [17, 6], [8, 8], [39, 11], [17, 15]], "the paper's Figure 2")
        for g in ref.kgram {
            XCTAssertEqual(Winnowing.kgramHashes(g.codes.map { UInt64($0)! }, k: g.k).map(String.init), g.hashes)
        }
    }

    /// §2's guarantees on random token streams: a shared run of t = w + k − 1 tokens is always
    /// found (one shared fingerprint at least); a shared run of k − 1 tokens never is.
    func testGuaranteeAndNoiseThresholds() {
        let k = 12, w = 8, t = w + k - 1
        var rng = RNG(seed: 5)
        func random(_ n: Int) -> [UInt64] { (0..<n).map { _ in UInt64(rng.int(below: 40)) } }
        for _ in 0..<200 {
            let shared = random(t), short = Array(shared.prefix(k - 1))
            let a = random(60) + shared + random(60), b = random(45) + shared + random(70)
            let fa = Set(Winnowing.winnow(Winnowing.kgramHashes(a, k: k), window: w).map(\.hash))
            let fb = Set(Winnowing.winnow(Winnowing.kgramHashes(b, k: k), window: w).map(\.hash))
            XCTAssertFalse(fa.isDisjoint(with: fb), "a shared run of t tokens is detected")
            // Different tokens around the short run (outside the random alphabet), so that it is not
            // a k-gram's worth of match by chance.
            let c = random(60) + [100] + short + [101] + random(60), d = random(45) + [102] + short + [103] + random(70)
            let fc = Set(Winnowing.winnow(Winnowing.kgramHashes(c, k: k), window: w).map(\.hash))
            let fd = Set(Winnowing.winnow(Winnowing.kgramHashes(d, k: k), window: w).map(\.hash))
            XCTAssertTrue(fc.isDisjoint(with: fd), "a run shorter than k is noise")
        }
    }

    // MARK: generated pairs

    /// A copy of `source` disguised as a student would: every local name renamed, the indentation
    /// and spacing changed, blank lines added, the comments replaced, one function moved.
    static func disguised(_ source: String) -> String {
        let renames = ["records": "n_rec", "classes": "ncls", "labels": "out", "tally": "votes", "rows": "preds", "row": "p",
                       "best": "top", "winner": "win", "result": "avg", "total": "wsum", "sizes": "parts", "base": "q",
                       "extra": "r", "s": "j", "i": "idx", "c": "cls", "line": "buf", "title": "heading"]
        var text = source
        // Move shard_sizes (with its prose) before vote.
        if let from = text.range(of: "--[[md\n## 3."), let to = text.range(of: "\nend\n", range: from.upperBound..<text.endIndex),
           let vote = text.range(of: "--[[md\n## 1.") {
            let block = String(text[from.lowerBound..<to.upperBound])
            text.removeSubrange(from.lowerBound..<to.upperBound)
            text.insert(contentsOf: block + "\n", at: vote.lowerBound)
        }
        var lines = [String]()
        for (n, var line) in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).enumerated() {
            // Comments out (not prose blocks), names renamed on word boundaries.
            if let r = line.range(of: "--(?!\\[)(?! *\\]).*$", options: .regularExpression), !line.contains("]]") { line.removeSubrange(r) }
            for (from, to) in renames {
                line = line.replacingOccurrences(of: "\\b\(from)\\b(?!\")", with: to, options: .regularExpression)
            }
            let indent = line.prefix { $0 == " " }.count
            line = String(repeating: "\t", count: indent / 2) + line.dropFirst(indent)
                .replacingOccurrences(of: " = ", with: "=").replacingOccurrences(of: ", ", with: " ,  ")
            if n % 5 == 3 && line.hasPrefix("\t") { lines.append("\t-- now the next step (\(n))") }
            lines.append(line + (n % 3 == 0 ? "   " : ""))
            if n % 7 == 0 { lines.append("") }
        }
        return lines.joined(separator: "\n")
    }

    /// Runs a submission and a probe of its three functions; what the probe printed.
    func behaviour(_ source: String) throws -> String {
        let (rt, sink) = try makeRuntime()
        try rt.exec(source, name: "submission.lua")
        sink.text = ""
        try rt.exec("""
            local o = {{{0.2, 0.5, 0.3}, {0.7, 0.2, 0.1}}, false, {{0.1, 0.1, 0.8}, {0.3, 0.3, 0.4}}, {{0.4, 0.4, 0.2}, {0.5, 0.25, 0.25}}}
            local w = {1, 3, 2, 1}
            print(table.concat(vote(o, w), ","))
            for _, r in ipairs(mean_probs(o, w)) do print(string.format("%.6f %.6f %.6f", r[1], r[2], r[3])) end
            print(table.concat(shard_sizes(10, 3), ","))
            """, name: "probe.lua")
        return sink.text
    }

    func testGeneratedSubmissionsBehaveAsIntended() throws {
        let a = try fixture("solution_a.lua"), b = try fixture("solution_b.lua")
        let expected = try behaviour(a)
        XCTAssertTrue(expected.hasPrefix("2,0\n") && expected.hasSuffix("4,3,3\n"), expected)
        XCTAssertEqual(try behaviour(b), expected, "the independent solution is correct too")
        XCTAssertEqual(try behaviour(Self.disguised(a)), expected, "the disguised copy still works")
        XCTAssertNotEqual(Self.disguised(a), a)
    }

    func compare(_ subs: [(String, String)], template: Bool = true) throws -> SimilarityResult {
        try SimilarityCheck.compare(subs.map { (name: $0.0, source: $0.1) },
                                    template: template ? (name: "handout.lua", source: try fixture("handout.lua")) : nil)
    }

    func testADisguisedCopyIsFlaggedAndIndependentSolutionsAreNot() throws {
        let a = try fixture("solution_a.lua"), b = try fixture("solution_b.lua")
        let r = try compare([("alice.lua", a), ("bob.lua", b), ("carol.lua", Self.disguised(a))])
        let names = r.flagged.map { [r.submissions[$0.a].name, r.submissions[$0.b].name] }
        XCTAssertEqual(names, [["alice.lua", "carol.lua"]], "only the copy: \(summary(r))")
        let copy = try XCTUnwrap(r.flagged.first)
        XCTAssertGreaterThan(copy.score, 0.9, summary(r))
        XCTAssertFalse(copy.regions.isEmpty)
        // The regions cover the copied functions on both sides, not the hand-out's helpers.
        let voteA = try XCTUnwrap(a.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("function vote") }) + 1
        XCTAssertTrue(copy.regions.contains { $0.linesA.contains(voteA + 5) }, "\(copy.regions)")
        for p in r.pairs where !p.flagged { XCTAssertLessThan(p.score, 0.3, summary(r)) }
    }

    /// Two submissions that each fill in a different function of the hand-out share the hand-out's
    /// code (its helpers, prose and skeleton): without the template they are flagged, with it not.
    func testTheTemplatesCodeAloneDoesNotMakePairsSimilar() throws {
        let handout = try fixture("handout.lua"), a = try fixture("solution_a.lua"), b = try fixture("solution_b.lua")
        func only(_ fn: String, from solution: String) throws -> String {
            let stub = try XCTUnwrap(handout.range(of: "(?s)function \(fn)\\(.*?\nend\n", options: .regularExpression))
            let body = try XCTUnwrap(solution.range(of: "(?s)function \(fn)\\(.*?\nend\n", options: .regularExpression))
            return handout.replacingCharacters(in: stub, with: solution[body])
        }
        let x = try only("shard_sizes", from: a), y = try only("mean_probs", from: b)
        XCTAssertEqual(try compare([("x.lua", x), ("y.lua", y)]).flagged.count, 0)
        let without = try compare([("x.lua", x), ("y.lua", y)], template: false)
        XCTAssertEqual(without.flagged.count, 1, "the hand-out's code is what they share: \(summary(without))")
        // The hand-out itself handed in twice is nothing at all.
        XCTAssertTrue(try compare([("h1.lua", handout), ("h2.lua", handout)]).pairs.isEmpty)
    }

    func summary(_ r: SimilarityResult) -> String {
        r.pairs.map { "\(r.submissions[$0.a].name)~\(r.submissions[$0.b].name) \(String(format: "%.2f/%.2f", $0.fractionA, $0.fractionB)) shared \($0.shared)" }
            .joined(separator: "; ")
    }

    // MARK: the report and the command

    func testReportIsEscapedAndShowsBothSides() throws {
        let a = try fixture("solution_a.lua") + "\nlocal note = \"</pre><script>alert(1)</script>\"\n"
        let r = try compare([("<b>alice</b>.lua", a), ("bob.lua", Self.disguised(a))])
        let html = SimilarityHTML.render(r)
        XCTAssertFalse(html.contains("<script"), "nothing from a submission becomes markup")
        XCTAssertFalse(html.contains("<b>alice"))
        XCTAssertTrue(html.contains("&lt;b&gt;alice&lt;/b&gt;.lua"))
        XCTAssertTrue(html.contains("default-src 'none'"))
        XCTAssertTrue(html.contains("class=\"region\"") && html.contains("A: &lt;b&gt;alice") && html.contains("B: bob.lua, lines"))
        XCTAssertTrue(html.contains("n_rec"), "B's side shows B's (renamed) code")
    }

    func testOptionsAreValidated() {
        var o = SimilarityOptions()
        o.threshold = 1.5
        XCTAssertThrowsError(try SimilarityCheck.compare([], options: o)) { XCTAssertTrue("\($0)".contains("similar: threshold must be in (0, 1]")) }
        o = SimilarityOptions()
        o.kgram = 0
        XCTAssertThrowsError(try SimilarityCheck.compare([], options: o)) { XCTAssertTrue("\($0)".contains("k-gram")) }
    }

    func testSimilarCommand() throws {
        let dir = try temporaryDirectory()
        let subs = "\(dir)/subs"
        try FileManager.default.createDirectory(atPath: "\(subs)/dave", withIntermediateDirectories: true)
        try fixture("solution_a.lua").write(toFile: "\(subs)/alice.lua", atomically: true, encoding: .utf8)
        try fixture("solution_b.lua").write(toFile: "\(subs)/bob.lua", atomically: true, encoding: .utf8)
        try Self.disguised(try fixture("solution_a.lua")).write(toFile: "\(subs)/dave/main.lua", atomically: true, encoding: .utf8)
        try "not code".write(toFile: "\(subs)/notes.txt", atomically: true, encoding: .utf8)
        try fixture("handout.lua").write(toFile: "\(dir)/handout.lua", atomically: true, encoding: .utf8)
        let r = try runPrivlab(["similar", "subs", "--template", "handout.lua", "-o", "out/sim.html"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("flagged: alice.lua ~ dave "), r.stdout)
        XCTAssertTrue(r.stdout.contains("1 of 3 pairs flagged"), r.stdout)
        XCTAssertTrue(r.stderr.contains("skipped 1 entry that are not Lua submissions: notes.txt"), r.stderr)
        XCTAssertTrue(try String(contentsOfFile: "\(dir)/out/sim.html", encoding: .utf8).contains("id=\"pair-1\""))
        let one = try runPrivlab(["similar", "subs/dave"], cwd: dir)
        XCTAssertEqual(one.status, 2)
        XCTAssertTrue(one.stderr.contains("comparing needs at least 2"), one.stderr)
    }
}
