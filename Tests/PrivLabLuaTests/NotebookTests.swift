import Foundation
import PrivLab
import PrivLabLua
import XCTest

final class NotebookSourceTests: XCTestCase {
    func testSplitsProseAndCodeAndKeepsLineNumbers() throws {
        let text = """
            local a = 1
            --[[md
              # Title
              Some *prose*.
            ]]
            local b = a + 1
            -- an ordinary comment
            --[[ not prose ]]
            --[==[md
            Prose with ]] inside.
            ]==]
            --| echo: false
            print(b)
            """
        let nb = try NotebookSource(text: text, name: "n.lua")
        XCTAssertEqual(nb.segments, [
            .code(index: 0, text: "local a = 1", firstLine: 1, echo: true),
            .prose("# Title\nSome *prose*."),
            .code(index: 1, text: "local b = a + 1\n-- an ordinary comment\n--[[ not prose ]]", firstLine: 6, echo: true),
            .prose("Prose with ]] inside."),
            .code(index: 2, text: "print(b)", firstLine: 13, echo: false),
        ])
        let exe = nb.executable.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(exe.count, text.split(separator: "\n", omittingEmptySubsequences: false).count)
        XCTAssertEqual(exe[1], ";__privlab_chunk(1)")
        XCTAssertEqual(exe[5], "local b = a + 1")
        XCTAssertEqual(exe[12], "print(b)")
    }

    func testMalformedProseBlocks() throws {
        XCTAssertThrowsError(try NotebookSource(text: "x = 1\n--[[md\nnever closed\n", name: "n.lua")) {
            XCTAssertTrue("\($0)".contains("n.lua:2"), "\($0)")
            XCTAssertTrue("\($0)".contains("never closed"))
        }
        XCTAssertThrowsError(try NotebookSource(text: "--[[md a ]] x = 1\n", name: "n.lua")) {
            XCTAssertTrue("\($0)".contains("code after the end of a prose block"))
        }
        // A forgotten `]]`: the next block's opening would otherwise be printed as prose.
        XCTAssertThrowsError(try NotebookSource(text: "--[[md\n# One\n\n--[[md\n# Two\n]]\nx = 1\n", name: "n.lua")) {
            XCTAssertTrue("\($0)".contains("n.lua:4"), "\($0)")
            XCTAssertTrue("\($0)".contains("opened at line 1"), "\($0)")
        }
        // A block of another level may show the syntax.
        let quoting = try NotebookSource(text: "--[==[md\n--[[md\nprose ]]\n]==]\nx = 1\n", name: "n.lua")
        XCTAssertEqual(quoting.segments.count, 3)   // an empty chunk before the prose, the prose, the code
        XCTAssertEqual(quoting.segments[1], .prose("--[[md\nprose ]]"))
        // "--[[mdx" is an ordinary comment.
        XCTAssertEqual(try NotebookSource(text: "--[[mdx ]]\n", name: "n.lua").segments.count, 1)
    }
}

final class NotebookRunnerTests: XCTestCase {
    func write(_ text: String, _ dir: String, _ name: String = "nb.lua") -> String {
        let p = "\(dir)/\(name)"
        try! text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    let notebook = """
        --[[md
        # A test notebook
        Intro prose.
        ]]
        local P = pl.params{n = 40, seed = 3}
        local d = pl.data.blobs{n = P.n, classes = 2, seed = P.seed}
        print("records", d:size())
        --[[md
        ## Results
        ]]
        local m = pl.softmax{epochs = 3, seed = P.seed}
        local h = m:fit(d)
        pl.report.table(h, {columns = {"epoch", "train_loss"}})
        pl.report.line{title = "Loss", y = {h[1].train_loss, h[2].train_loss, h[3].train_loss}}
        print("accuracy", m:accuracy(d))
        pl.time("fit", function() end)
        """

    func testReportHasProseCodeOutputsTablesFiguresInOrder() throws {
        let dir = try temporaryDirectory()
        var o = NotebookRunner.Options(notebookPath: write(notebook, dir))
        o.outputPath = "\(dir)/out/report.md"
        o.progress = false
        let r = try NotebookRunner(options: o).run()
        XCTAssertTrue(r.succeeded, r.error ?? "")
        let md = try String(contentsOfFile: r.reportPath, encoding: .utf8)
        let order = ["# A test notebook", "> Notebook", "| parameter | value | source |", "| n | `40` | default |",
                     "Intro prose.", "```lua\nlocal P = pl.params", "```text\nrecords\t40\n```", "## Results",
                     "```lua\nlocal m = pl.softmax", "| epoch | train_loss |", "![Loss](report_files/fig-1-loss.svg)",
                     "```text\naccuracy\t", "⏱ timing (wall clock, varies between runs): fit:"]
        var pos = md.startIndex
        for piece in order {
            guard let r = md.range(of: piece, range: pos..<md.endIndex) else {
                XCTFail("'\(piece)' missing or out of order in:\n\(md)")
                return
            }
            pos = r.upperBound
        }
        XCTAssertEqual(r.figures, ["\(dir)/out/report_files/fig-1-loss.svg"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: r.figures[0]))
        XCTAssertFalse(md.contains("__privlab_chunk"))
        // No temporary files left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/out").sorted(), ["report.md", "report_files"])
    }

    func testSameNotebookSameParametersSameReport() throws {
        let dir = try temporaryDirectory()
        func run(_ out: String) throws -> String {
            var o = NotebookRunner.Options(notebookPath: write(notebook, dir))
            o.outputPath = "\(dir)/\(out)"
            o.progress = false
            let r = try NotebookRunner(options: o).run()
            let md = try String(contentsOfFile: r.reportPath, encoding: .utf8)
            // Timings are the only lines allowed to differ.
            return md.split(separator: "\n").filter { !$0.contains("⏱ timing") }.joined(separator: "\n")
        }
        XCTAssertEqual(try run("a.md").replacingOccurrences(of: "a_files", with: "X"),
                       try run("b.md").replacingOccurrences(of: "b_files", with: "X"))
        XCTAssertEqual(try String(contentsOfFile: "\(dir)/a_files/fig-1-loss.svg", encoding: .utf8),
                       try String(contentsOfFile: "\(dir)/b_files/fig-1-loss.svg", encoding: .utf8))
    }

    func testParametersFromTheCommandLine() throws {
        let dir = try temporaryDirectory()
        var o = NotebookRunner.Options(notebookPath: write(notebook, dir))
        o.parameters = ["n": "60"]
        o.outputPath = "\(dir)/p.md"
        o.progress = false
        let r = try NotebookRunner(options: o).run()
        let md = try String(contentsOfFile: r.reportPath, encoding: .utf8)
        XCTAssertTrue(md.contains("| n | `60` | set with -P |"))
        XCTAssertTrue(md.contains("records\t60"))
        XCTAssertEqual(NotebookRunner.defaultOutputPath(notebook: "notebooks/dp.lua", parameters: ["epochs": "10", "a": "x y"]),
                       "reports/dp--a-x-y--epochs-10.md")
        o.parameters = ["epoch": "2"]
        let bad = try NotebookRunner(options: o).run()
        XCTAssertFalse(bad.succeeded)
        XCTAssertTrue(bad.error!.contains("-P epoch: not a parameter of this notebook (declared: n, seed)"), bad.error!)
    }

    func testFailingChunkWritesPartialReportWithTheError() throws {
        let dir = try temporaryDirectory()
        let text = """
            --[[md
            # Failing
            ]]
            print("before")
            --[[md
            Second chunk.
            ]]
            local d = pl.data.blobs{n = 10}
            print("still here")
            local s = d:subset{1, 99}
            --[[md
            Never reached.
            ]]
            print("after")
            """
        var o = NotebookRunner.Options(notebookPath: write(text, dir, "fail.lua"))
        o.outputPath = "\(dir)/fail.md"
        o.progress = false
        let r = try NotebookRunner(options: o).run()
        XCTAssertFalse(r.succeeded)
        XCTAssertTrue(r.error!.contains("fail.lua:10:"), r.error!)
        XCTAssertTrue(r.error!.contains("no record with id 99"))
        let md = try String(contentsOfFile: r.reportPath, encoding: .utf8)
        XCTAssertTrue(md.contains("stopped by an error"))
        XCTAssertTrue(md.contains("```text\nbefore\n```"))
        XCTAssertTrue(md.contains("```text\nstill here\n```\n\n> **Error:** `"))
        XCTAssertTrue(md.contains("fail.lua:10:"))
        XCTAssertTrue(md.contains("Execution stopped here"))
        XCTAssertFalse(md.contains("Never reached"))
        XCTAssertFalse(md.contains("after"))
    }

    func testSyntaxErrorAndUnclosedProseStillWriteAReport() throws {
        let dir = try temporaryDirectory()
        for (text, fragment) in [("local x = = 1\n", "syntax.lua:1:"), ("--[[md\nopen\n", "never closed")] {
            var o = NotebookRunner.Options(notebookPath: write(text, dir, "syntax.lua"))
            o.outputPath = "\(dir)/syntax.md"
            o.progress = false
            let r = try NotebookRunner(options: o).run()
            XCTAssertFalse(r.succeeded)
            XCTAssertTrue(r.error!.contains(fragment), r.error!)
            XCTAssertTrue(try String(contentsOfFile: r.reportPath, encoding: .utf8).contains(fragment))
        }
    }

    func testStaleFiguresAreRemoved() throws {
        let dir = try temporaryDirectory()
        var o = NotebookRunner.Options(notebookPath: write("pl.report.line{title = 'a', y = {1, 2}}\npl.report.line{title = 'b', y = {1, 2}}", dir, "f.lua"))
        o.outputPath = "\(dir)/f.md"
        o.progress = false
        _ = try NotebookRunner(options: o).run()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/f_files").sorted(), ["fig-1-a.svg", "fig-2-b.svg"])
        o.notebookPath = write("pl.report.line{title = 'a', y = {1, 2}}", dir, "f.lua")
        _ = try NotebookRunner(options: o).run()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/f_files"), ["fig-1-a.svg"])
    }
}
