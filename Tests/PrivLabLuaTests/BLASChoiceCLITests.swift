import CBLASStartup
import Foundation
import PrivLab
import XCTest

/// The start-up kernel-set check, in real processes: where OpenBLAS falls back to a set below the
/// CPU's features, `privlab` restarts itself with the features' set before anything else runs.
///
/// No machine here has a CPU OpenBLAS fails to recognise, so the tests make one: with
/// `PRIVLAB_BLAS_TEST_UNRECOGNISED` the start-up check treats the set `OPENBLAS_CORETYPE` forced
/// (Prescott, the portable SSE3 set every x86-64 CPU runs) as OpenBLAS's own fallback — the same
/// restart, the same decision on this CPU's real features, on every machine with AVX.
final class BLASChoiceCLITests: XCTestCase {
    /// The set this CPU's features call for, or a skip saying why there is nothing to switch to.
    func upgradableTarget() throws -> String {
        #if !arch(x86_64)
        throw XCTSkip("OpenBLAS's kernel sets are chosen here only on x86-64")
        #else
        guard BLASKernel.isDynamicArch else {
            throw XCTSkip("OpenBLAS built for one CPU (\(BLASKernel.configuration)): no kernel set to switch to")
        }
        guard let target = BLASKernel.forFeatures else { throw XCTSkip("no AVX on \(CPUInfo.model): the generic sets are the best") }
        return target
        #endif
    }

    /// The start-up check's variables: a machine may set OPENBLAS_CORETYPE for every process (one
    /// of this kind does), so each run starts without them and sets only what the test gives.
    static let blasVariables = ["OPENBLAS_CORETYPE", "PRIVLAB_BLAS_CHOSEN", "PRIVLAB_BLAS_TEST_UNRECOGNISED", "PRIVLAB_BLAS_WARNED"]

    func system(_ env: [String: String]) throws -> (facts: [String: String], stderr: String) {
        let r = try runPrivlab(["system", "--json"], env: env, unsetting: Self.blasVariables)
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: String]
        return (object ?? [:], r.stderr)
    }

    /// Generic set on a capable CPU → the process runs the features' set, says the check chose it,
    /// and prints no warning.
    func testGenericSetIsReplacedBeforeTheFirstProduct() throws {
        XCTAssertEqual(pl_blas_startup_linked(), 1)
        let target = try upgradableTarget()
        let (facts, stderr) = try system(["OPENBLAS_CORETYPE": "Prescott", "PRIVLAB_BLAS_TEST_UNRECOGNISED": "1"])
        XCTAssertEqual(facts["blas_kernels"]?.lowercased(), target.lowercased(), "\(facts)")
        XCTAssertEqual(facts["blas_choice"], "features")
        XCTAssertEqual(stderr, "")
        // Without the test switch, Prescott is the user's choice: kept, reported, no warning.
        let (user, userErr) = try system(["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(user["blas_kernels"], "Prescott")
        XCTAssertEqual(user["blas_choice"], "user")
        XCTAssertEqual(userErr, "")
        // Unset: OpenBLAS's own choice, at least the features' tier on the machines of this kind.
        let (own, _) = try system([:])
        XCTAssertEqual(own["blas_choice"], "openblas")
        XCTAssertGreaterThanOrEqual(BLASKernel.tier(own["blas_kernels"] ?? ""), BLASKernel.tier(target))
    }

    /// The restarted process is the same run: arguments, standard input and results. A script read
    /// from stdin (nothing read before the restart) trains and saves an MLP; its bytes equal those
    /// of a run where the user forced the same set.
    func testRestartKeepsArgumentsInputAndResults() throws {
        let target = try upgradableTarget()
        let dir = try temporaryDirectory()
        let script = """
            local d = pl.data.blobs{n = 320, features = 200, classes = 4, std = 8, seed = 3}
            local m = pl.mlp{hidden = {128}, epochs = 2, batch = 64, seed = 5}
            m:fit(d)
            m:save(arg[1])
            local s = pl.system()
            print(s.blas_kernels, s.blas_choice, arg[2])
            """
        // Its own process, not `runPrivlab`: it feeds standard input and must *unset* the start-up
        // check's variables (a test process restarted on an unrecognised CPU carries them; an empty
        // value is not the same as none to getenv).
        func run(_ env: [String: String], _ file: String) throws -> (String, Data) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLITests.binary)
            p.arguments = ["exec", "-", "\(dir)/\(file)", "second argument"]
            var e = ProcessInfo.processInfo.environment
            for k in Self.blasVariables { e[k] = nil }
            for (k, v) in env { e[k] = v }
            p.environment = e
            let input = Pipe(), output = Pipe()
            p.standardInput = input
            p.standardOutput = output
            try p.run()
            input.fileHandleForWriting.write(Data(script.utf8))
            try input.fileHandleForWriting.close()
            let out = output.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
            return (String(decoding: out, as: UTF8.self), try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(file)")))
        }
        let (restartedOut, restarted) = try run(["OPENBLAS_CORETYPE": "Prescott", "PRIVLAB_BLAS_TEST_UNRECOGNISED": "1"], "restarted.bin")
        let (forcedOut, forced) = try run(["OPENBLAS_CORETYPE": target], "forced.bin")
        XCTAssertEqual(restartedOut.split(separator: "\t").map { $0.lowercased() },
                       ["\(target.lowercased())", "features", "second argument\n"], restartedOut)
        XCTAssertEqual(forcedOut.split(separator: "\t").map(String.init), [target, "user", "second argument\n"], forcedOut)
        XCTAssertEqual(restarted, forced, "the restarted run computes with the forced set's kernels, bit for bit")
    }

    /// A restart OpenBLAS did not follow is said once on stderr, and not again by children (which
    /// inherit PRIVLAB_BLAS_WARNED). Made by naming a set this OpenBLAS does not know but whose
    /// tier is above the one it falls back to: SapphireRapids, added in OpenBLAS 0.3.22.
    func testIgnoredChoiceIsWarnedOnce() throws {
        _ = try upgradableTarget()
        let config = BLASKernel.configuration
        // The set OpenBLAS falls back to is its own choice for this CPU (asked of a process with
        // no set forced: this one may run a set the environment forced).
        let own = try system([:]).facts["blas_kernels"] ?? BLASKernel.name
        guard let version = config.split(separator: " ").dropFirst().first,
              version.split(separator: ".").compactMap({ Int($0) }).lexicographicallyPrecedes([0, 3, 22]),
              BLASKernel.tier(own) < 3 else {
            throw XCTSkip("this OpenBLAS (\(config)) may know SapphireRapids, or runs AVX-512 already: no set it would ignore")
        }
        let env = ["OPENBLAS_CORETYPE": "SapphireRapids", "PRIVLAB_BLAS_CHOSEN": "SapphireRapids"]
        let (facts, stderr) = try system(env)
        let warnings = stderr.split(separator: "\n").filter { $0.hasPrefix("privlab: OpenBLAS ignored OPENBLAS_CORETYPE=SapphireRapids") }
        XCTAssertEqual(warnings.count, 1, stderr)
        XCTAssertEqual(facts["blas_choice"], "openblas", "the set running is OpenBLAS's")
        var quiet = env
        quiet["PRIVLAB_BLAS_WARNED"] = "1"
        let (_, again) = try system(quiet)
        XCTAssertFalse(again.contains("privlab: OpenBLAS ignored"), again)
    }
}
