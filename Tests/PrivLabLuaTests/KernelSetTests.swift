import Foundation
import PrivLab
import XCTest

/// Bit-exactness under every OpenBLAS kernel set this CPU can load, with one thread and with two.
///
/// OpenBLAS chooses its kernels when it loads (`OPENBLAS_CORETYPE` overrides the choice), so each
/// set needs its own `privlab` process. A set is skipped with the reason where it cannot be forced
/// (`KernelForcing`): the CPU lacks its instructions (forcing it would die with SIGILL), the machine
/// is not x86-64, or OpenBLAS is not a DYNAMIC_ARCH build (one kernel set; the variable is ignored).
/// On a DYNAMIC_ARCH build a set other than the one forced is a failure. Prescott needs only
/// SSE3, which nearly every x86-64 CPU has. Catches: blocks of a product chosen from the thread count or the kernel set
/// (the 1- and 2-thread models differ), a kernel-dependent check that turns threading off (no longer
/// exists; the 2-thread run would still pass, so `MatrixTests` pins that products are split), and
/// SISA retraining a shard on two threads what was trained on one (`exact` false).
final class KernelSetTests: XCTestCase {
    /// Trains a non-private and a DP-SGD MLP whose products are large enough to be split, saves
    /// both, and checks SISA's exact unlearning with shards trained in parallel (one thread each)
    /// against the shard retrained alone (two threads).
    static let script = """
        local dir = arg[1]
        local d = pl.data.blobs{n = 640, features = 300, classes = 4, std = 8, seed = 3}
        local m = pl.mlp{hidden = {256}, epochs = 2, batch = 128, seed = 5}
        m:fit(d)
        m:save(dir .. "/mlp.bin")
        local p = pl.mlp{hidden = {256}, epochs = 1, batch = 128, seed = 5, dp = {clip = 1, noise = 1}}
        p:fit(d)
        p:save(dir .. "/dp.bin")
        local e = pl.sisa{shards = 2, slices = 2, model = pl.mlp{hidden = {256}, epochs = 2, batch = 128, seed = 2}, workers = 2, seed = 7}
        e:fit(d)
        local r = e:unlearn(d:ids()[5], {compare = true})
        print(pl.system().blas_kernels, r.exact, e:fingerprint())
        """

    func checkKernelSet(_ set: String) throws {
        if let why = KernelForcing.whyNot(set) { throw XCTSkip(why) }
        let dir = try temporaryDirectory()
        let script = dir + "/exact.lua"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        var outputs = [[String]]()
        var files = [[Data]]()
        for threads in [1, 2] {
            let out = dir + "/t\(threads)"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let r = try runPrivlab(["exec", script, out], env: ["OPENBLAS_CORETYPE": set, "PRIVLAB_THREADS": "\(threads)"])
            XCTAssertEqual(r.status, 0, "\(set), \(threads) thread(s): \(r.stderr)")
            let fields = r.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
            XCTAssertEqual(fields.count, 3, r.stdout)
            guard fields.count == 3 else { return }
            XCTAssertEqual(fields[0].lowercased(), set.lowercased(), "OPENBLAS_CORETYPE=\(set) did not reach OpenBLAS (\(KernelForcing.openBLASConfig))")
            XCTAssertEqual(fields[1], "true", "\(set), \(threads) thread(s): SISA's unlearning is not exact")
            outputs.append(fields)
            files.append(try ["mlp.bin", "dp.bin"].map { try Data(contentsOf: URL(fileURLWithPath: "\(out)/\($0)")) })
        }
        guard outputs.count == 2 else { return }
        XCTAssertEqual(outputs[0][2], outputs[1][2], "\(set): the SISA ensemble differs between 1 and 2 threads")
        XCTAssertEqual(files[0][0], files[1][0], "\(set): the MLP differs between 1 and 2 threads")
        XCTAssertEqual(files[0][1], files[1][1], "\(set): the DP-SGD MLP differs between 1 and 2 threads")
    }

    func testPrescottKernels() throws { try checkKernelSet("Prescott") }
    func testSandybridgeKernels() throws { try checkKernelSet("Sandybridge") }
    func testHaswellKernels() throws { try checkKernelSet("Haswell") }
    func testZenKernels() throws { try checkKernelSet("Zen") }
    func testSkylakeXKernels() throws { try checkKernelSet("SkylakeX") }
    func testCooperlakeKernels() throws { try checkKernelSet("Cooperlake") }
}
