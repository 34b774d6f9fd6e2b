import Foundation
import PrivLab
import XCTest

/// `make dist` (scripts/make-dist.sh): the archive unpacked into a fresh folder runs a notebook and
/// grades an assignment with the toolchain off PATH, no PRIVLAB_* settings, from another folder —
/// and every library it loads is its own or the base system's (libc, libm, libz, libstdc++,
/// libgcc_s), never the Swift toolchain's or the build directory's.
final class ReleaseArchiveTests: XCTestCase {
    /// Runs `exe` with exactly `env` (nothing inherited) in `cwd`.
    func run(_ exe: String, _ args: [String], env: [String: String], cwd: String) throws -> CLITests.Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        p.environment = env
        let out = try temporaryDirectory() + "/out", err = out + ".err"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try p.run()
        p.waitUntilExit()
        return CLITests.Output(status: p.terminationStatus, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                               stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Packs the binary these tests were built with and unpacks it; returns the release's root.
    func unpackedRelease() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/patchelf") else {
            let why = "patchelf is not installed: the README's test command (make test) installs it"
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(why) }
            throw XCTSkip(why)
        }
        let dir = try temporaryDirectory()
        let env = ProcessInfo.processInfo.environment
        let made = try run("/bin/bash", ["scripts/make-dist.sh", "--binary", CLITests.binary, "-o", dir + "/dist"], env: env, cwd: CLITests.root)
        XCTAssertEqual(made.status, 0, made.stderr)
        let archive = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(archive.hasSuffix("-linux-x86_64.tar.gz"), archive)
        let fresh = dir + "/fresh"
        try FileManager.default.createDirectory(atPath: fresh, withIntermediateDirectories: true)
        let untar = try run("/bin/tar", ["-xzf", archive.hasPrefix("/") ? archive : CLITests.root + "/" + archive, "-C", fresh], env: env, cwd: dir)
        XCTAssertEqual(untar.status, 0, untar.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: fresh)
        XCTAssertEqual(names.count, 1, "one top folder: \(names)")
        return fresh + "/" + names[0]
    }

    func testTheReleaseRunsANotebookAndAGradeWithoutSwift() throws {
        try CLITests.requireFashionMNIST()
        let root = try unpackedRelease()
        for folder in ["bin", "lib", "lua", "data", "notebooks", "assignments", "licenses"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(root)/\(folder)"), "the release has \(folder)/")
        }
        let exe = root + "/bin/privlab"

        // Every resolved library is the release's own or the base system's.
        let ldd = try run("/usr/bin/ldd", [exe], env: ["PATH": "/usr/bin:/bin"], cwd: root)
        XCTAssertEqual(ldd.status, 0, ldd.stderr)
        let base = ["linux-vdso", "ld-linux", "libc.so", "libm.so", "libz.so", "libstdc++.so", "libgcc_s.so", "libpthread.so", "libdl.so", "librt.so"]
        var resolved = [String: String]()
        for line in ldd.stdout.split(separator: "\n") {
            let parts = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard parts.count >= 3, parts[1] == "=>" else { continue }
            if parts[2] == "not" { XCTFail("unresolved: \(line)"); continue }
            // ldd prints the run path as written ($ORIGIN/../lib → bin/../lib): compare resolved paths.
            let path = URL(fileURLWithPath: parts[2]).standardized.path
            resolved[parts[0]] = path
            let own = path.hasPrefix(root + "/lib/")
            XCTAssertTrue(own || base.contains { parts[0].hasPrefix($0) }, "loaded from outside the release: \(line)")
            XCTAssertFalse(path.contains("/swift") || path.contains(".build"), "toolchain or build library: \(line)")
        }
        for lib in ["libswiftCore.so", "libopenblas.so.0", "liblua5.4.so.0", "libgfortran.so.5"] {
            XCTAssertEqual(resolved[lib], "\(root)/lib/\(lib)", "\(lib) from the release\n\(ldd.stdout)")
        }

        // A user's machine: no toolchain on PATH, no PRIVLAB_* settings, somewhere else.
        let home = try temporaryDirectory(), work = try temporaryDirectory()
        let env = ["PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"]
        let which = try run("/bin/sh", ["-c", "command -v swift || echo none"], env: env, cwd: work)
        XCTAssertEqual(which.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "none", "the toolchain is out of reach")

        let probe = work + "/probe.lua"
        try "print(os.getenv('PRIVLAB_FASHION_MNIST')); print(pl.data.fashion_mnist{split='test', n=5}:size())".write(toFile: probe, atomically: true, encoding: .utf8)
        let p = try run(exe, ["exec", probe], env: env, cwd: work)
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertTrue(p.stdout.hasPrefix(root + "/data/fashion-mnist"), "the release's own Fashion-MNIST: \(p.stdout)")

        let nb = try run(exe, ["run", root + "/notebooks/quickstart.lua", "-o", work + "/q.md"], env: env, cwd: work)
        XCTAssertEqual(nb.status, 0, nb.stderr)
        let md = try String(contentsOfFile: work + "/q.md", encoding: .utf8)
        XCTAssertFalse(md.contains("> **Error:**"), md)

        let built = try run(exe, ["assign", "build", root + "/assignments/sisa-aggregation", "-o", work + "/built"], env: env, cwd: work)
        XCTAssertEqual(built.status, 0, built.stderr)
        let graded = try run(exe, ["grade", work + "/built/instructor", root + "/assignments/sisa-aggregation/assignment.lua",
                                   "--json", work + "/g.json", "-o", work + "/g.md"], env: env, cwd: work)
        XCTAssertEqual(graded.status, 0, graded.stderr)
        let g = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work + "/g.json"))) as? [String: Any]
        XCTAssertEqual(g?["score"] as? Double, g?["max_score"] as? Double, "the reference solution scores full marks in the release")
    }
}
