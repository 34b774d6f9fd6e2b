import Foundation
import PrivLab
@testable import PrivLabLua
import XCTest

/// `privlab run --cache` and `privlab watch` (issue 32, item 5): a second run reuses every fit and
/// writes the same report; any change to the configuration, seed or data misses; a cache from
/// another engine or a corrupt entry is rebuilt with a note; grading never uses a cache; the
/// watcher re-runs on a change of content only.
final class ModelCacheTests: XCTestCase {
    /// Three kinds of fits (a network, a DP network with its privacy statement, a classical model)
    /// on generated data; the outputs read the models in every way a notebook does.
    static let notebook = """
        --[[md
        # Cached fits
        ]]
        local P = pl.params { seed = 1, epochs = 60, n = 4000 }
        local data = pl.data.blobs { n = P.n, features = 30, classes = 4, seed = P.seed }
        local train, test = data:split { test = 0.3, seed = P.seed }
        local net = pl.mlp { hidden = { 256, 128 }, epochs = P.epochs, batch = 32, seed = P.seed }
        local hist = net:fit(train, { validation = test })
        print(string.format("net %.10f %.10f %d", net:accuracy(test), hist[#hist].train_loss, #net:history()))
        --[[md
        A private model.
        ]]
        local dp = pl.mlp { hidden = { 32 }, epochs = 3, batch = 64, seed = P.seed, dp = { clip = 1, noise = 1.1, delta = 1e-5 } }
        dp:fit(train)
        local pr = dp:privacy()
        print(string.format("dp %.10f eps %.6f", dp:accuracy(test), pr.epsilon))
        local lr = pl.logistic { seed = P.seed }
        lr:fit(train)
        print(string.format("logistic %.10f", lr:accuracy(test)), lr)
        pl.report.timing("wall", 1.5)
        """

    func write(_ dir: String) throws {
        try Self.notebook.write(toFile: "\(dir)/nb.lua", atomically: true, encoding: .utf8)
    }

    /// The report without its wall-clock lines.
    func report(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("> ⏱") }.joined(separator: "\n")
    }

    func timedRun(_ args: [String], cwd: String) throws -> (CLITests.Output, Double) {
        let t0 = Date()
        let r = try runPrivlab(args, cwd: cwd)
        return (r, Date().timeIntervalSince(t0))
    }

    func testSecondRunReusesEveryFitAndWritesTheSameReport() throws {
        let dir = try temporaryDirectory()
        try write(dir)
        let (plain, _) = try timedRun(["run", "nb.lua", "-o", "plain.md"], cwd: dir)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertFalse(plain.stderr.contains("cache"), "no cache unless asked")
        let (first, t1) = try timedRun(["run", "nb.lua", "-o", "first.md", "--cache"], cwd: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("cache .privlab-cache: 0 fits reused, 3 fitted and stored"), first.stderr)
        let (second, t2) = try timedRun(["run", "nb.lua", "-o", "second.md", "--cache"], cwd: dir)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("3 fits reused, 0 fitted and stored"), second.stderr)
        let a = try report("\(dir)/first.md"), b = try report("\(dir)/second.md")
        XCTAssertEqual(a, b, "byte-identical apart from wall-clock lines")
        XCTAssertEqual(try report("\(dir)/plain.md"), a, "the cache changes nothing in the report")
        XCTAssertTrue(a.contains("dp ") && a.contains(" eps "), a)
        print("cache: first run \(String(format: "%.2f", t1)) s, second \(String(format: "%.2f", t2)) s")
        XCTAssertLessThan(t2, t1 * 0.5, "the second run skips the fits (first \(t1) s, second \(t2) s)")
    }

    func testAChangedSeedOptionOrDataMissesTheCache() throws {
        let dir = try temporaryDirectory()
        try write(dir)
        let fast = ["-P", "epochs=5"]
        XCTAssertEqual(try runPrivlab(["run", "nb.lua", "--cache"] + fast, cwd: dir).status, 0)
        // A new seed changes every model's seed and the data: nothing is reused.
        let seed = try runPrivlab(["run", "nb.lua", "--cache", "-P", "seed=2"] + fast, cwd: dir)
        XCTAssertTrue(seed.stderr.contains("0 fits reused, 3 fitted and stored"), seed.stderr)
        // One network's option changed: that fit alone misses.
        let epochs = try runPrivlab(["run", "nb.lua", "--cache", "-P", "epochs=6"], cwd: dir)
        XCTAssertTrue(epochs.stderr.contains("2 fits reused, 1 fitted and stored"), epochs.stderr)
        // Other data, same models: every fit misses.
        let data = try runPrivlab(["run", "nb.lua", "--cache", "-P", "n=3990"] + fast, cwd: dir)
        XCTAssertTrue(data.stderr.contains("0 fits reused, 3 fitted and stored"), data.stderr)
        let again = try runPrivlab(["run", "nb.lua", "--cache", "-P", "epochs=6"], cwd: dir)
        XCTAssertTrue(again.stderr.contains("3 fits reused"), again.stderr)
    }

    func testAnotherEnginesOrACorruptCacheIsRebuiltWithANote() throws {
        let dir = try temporaryDirectory()
        try write(dir)
        let cache = "\(dir)/.privlab-cache"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try #"{"engine": "privlab 0.0.9 (0123456789abcdef)", "layout": 1}"#.write(toFile: "\(cache)/privlab-cache.json", atomically: true, encoding: .utf8)
        try "stale".write(toFile: "\(cache)/0000.plmodel", atomically: true, encoding: .utf8)
        let first = try runPrivlab(["run", "nb.lua", "-o", "first.md", "--cache", "-P", "epochs=5"], cwd: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("was written by privlab 0.0.9 (0123456789abcdef)") && first.stderr.contains("1 entries are ignored and the cache rebuilt"), first.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(cache)/0000.plmodel"))
        // Flip a byte in every entry: each is refitted, with a note, and the report is unchanged.
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".plmodel") }
        XCTAssertEqual(entries.count, 3)
        for e in entries {
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(cache)/\(e)")))
            bytes[bytes.count / 2] ^= 0x40
            try Data(bytes).write(to: URL(fileURLWithPath: "\(cache)/\(e)"))
        }
        let second = try runPrivlab(["run", "nb.lua", "-o", "second.md", "--cache", "-P", "epochs=5"], cwd: dir)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.stderr.components(separatedBy: "is unusable").count - 1, 3, second.stderr)
        XCTAssertTrue(second.stderr.contains("checksum mismatch") && second.stderr.contains("0 fits reused, 3 fitted and stored"), second.stderr)
        XCTAssertEqual(try report("\(dir)/first.md"), try report("\(dir)/second.md"))
        XCTAssertTrue(try runPrivlab(["run", "nb.lua", "--cache", "-P", "epochs=5"], cwd: dir).stderr.contains("3 fits reused"))
        // An unreadable manifest too.
        try "{".write(toFile: "\(cache)/privlab-cache.json", atomically: true, encoding: .utf8)
        XCTAssertTrue(try runPrivlab(["run", "nb.lua", "--cache", "-P", "epochs=5"], cwd: dir).stderr.contains("the manifest is unreadable; its 3 entries are ignored"))
    }

    /// The grader's runtimes are sandboxed: a cache folder in their options is never opened.
    func testGradingNeverUsesTheCache() throws {
        let dir = try temporaryDirectory() + "/cache"
        var o = RuntimeOptions()
        o.sandbox = true
        o.cacheDirectory = dir
        o.progress = false
        let rt = try Runtime(options: o, sink: RecordingSink())
        XCTAssertNil(rt.modelCache)
        try rt.exec("local m = pl.logistic{}; m:fit(pl.data.blobs{n = 200, features = 4, seed = 1})")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir))
        o.sandbox = false
        XCTAssertNotNil(try Runtime(options: o, sink: RecordingSink()).modelCache)
    }

    /// Fits the key cannot describe run as without a cache, counted by reason; their results are
    /// those of an uncached run.
    func testFitsTheKeyCannotDescribeRunUncached() throws {
        let dir = try temporaryDirectory()
        var o = RuntimeOptions()
        o.cacheDirectory = dir
        o.progress = false
        let code = """
            local d = pl.data.blobs{n = 300, features = 5, seed = 3}
            local epochs = 0
            local m = pl.mlp{hidden = {8}, epochs = 3, seed = 1, on_epoch = function() epochs = epochs + 1 end}
            m:fit(d)
            local again = pl.logistic{}
            again:fit(d)
            again:fit(d)
            -- The same configuration as `again` (a hit if it were looked up), but a defense holds it:
            -- replacing it by the stored fit would leave the defense's copy unfitted.
            local shared = pl.logistic{}
            local released = pl.defense.output{model = shared, top_k = 1}
            shared:fit(d)
            print(epochs, string.format("%.8f %.8f", m:accuracy(d), released:accuracy(d)))
            """
        let sink = RecordingSink()
        let rt = try Runtime(options: o, sink: sink)
        try rt.exec(code)
        let cache = try XCTUnwrap(rt.modelCache)
        XCTAssertEqual(cache.skipped, ["on_epoch callback": 1, "refit of a fitted model": 1, "model shared with another object": 1])
        XCTAssertEqual(cache.stored, 1)
        let (rt2, s2) = try makeRuntime()
        try rt2.exec(code)
        XCTAssertEqual(sink.text, s2.text)
        XCTAssertTrue(sink.text.hasPrefix("3\t"), sink.text)
    }

    func testWatcherRerunsOnlyWhenTheContentChanges() throws {
        let dir = try temporaryDirectory()
        let nb = "\(dir)/w.lua"
        try "print('version one')\n".write(toFile: nb, atomically: true, encoding: .utf8)
        var o = NotebookRunner.Options(notebookPath: nb)
        o.outputPath = "\(dir)/w.md"
        o.formats = [.html]
        o.htmlReloadSeconds = 2
        o.progress = false
        let w = NotebookWatcher(options: o)
        let first = try XCTUnwrap(try w.runIfChanged())
        XCTAssertTrue(first.succeeded)
        XCTAssertEqual(first.extraReports, ["\(dir)/w.html"])
        let page = try String(contentsOfFile: "\(dir)/w.html", encoding: .utf8)
        XCTAssertTrue(page.contains("<meta http-equiv=\"refresh\" content=\"2\">") && page.contains("version one"))
        XCTAssertNil(try w.runIfChanged(), "nothing changed")
        // Saved again with the same text (a new modification time): no re-run.
        try "print('version one')\n".write(toFile: nb, atomically: true, encoding: .utf8)
        XCTAssertNil(try w.runIfChanged())
        // Missing for a moment (an editor's write-and-rename): no run, no error.
        try FileManager.default.removeItem(atPath: nb)
        XCTAssertNil(try w.runIfChanged())
        try "print('version two')\nerror('oops')\n".write(toFile: nb, atomically: true, encoding: .utf8)
        let second = try XCTUnwrap(try w.runIfChanged())
        XCTAssertFalse(second.succeeded)
        XCTAssertTrue(try String(contentsOfFile: "\(dir)/w.html", encoding: .utf8).contains("version two"))
        XCTAssertEqual(w.runs, 2)
        // A plain run's page does not reload itself.
        o.htmlReloadSeconds = nil
        _ = try NotebookRunner(options: o).run()
        XCTAssertFalse(try String(contentsOfFile: "\(dir)/w.html", encoding: .utf8).contains("http-equiv=\"refresh\""))
    }

    /// `privlab watch` end to end: it runs at once, and again after the notebook is saved with a change.
    func testWatchCommandRerunsOnSave() throws {
        let dir = try temporaryDirectory()
        try "print('alpha')\n".write(toFile: "\(dir)/nb.lua", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLITests.binary)
        p.arguments = ["watch", "nb.lua", "--html", "--poll", "0.1", "-o", "out.md"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        func page() -> String { (try? String(contentsOfFile: "\(dir)/out.html", encoding: .utf8)) ?? "" }
        func wait(_ c: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(120)
            while !c() { if Date() > deadline { return false }; Thread.sleep(forTimeInterval: 0.05) }
            return true
        }
        XCTAssertTrue(wait { page().contains("alpha") }, "first run")
        try "print('beta')\n".write(toFile: "\(dir)/nb.lua", atomically: true, encoding: .utf8)
        XCTAssertTrue(wait { page().contains("beta") }, "re-run on save")
        XCTAssertTrue(page().contains("http-equiv=\"refresh\""))
        XCTAssertTrue(p.isRunning, "still watching")
    }
}
