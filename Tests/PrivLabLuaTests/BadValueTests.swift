import Foundation
import XCTest

/// No input ends the process (issue 19): every numeric option of every `pl` function — listed by
/// `privlab check-options --list` from the options the bindings declare, so new options are covered
/// without editing this test — is tried with 0, −1, 1e-300, 1e300, NaN, ±∞, 2^53, 1e-6 and 1e9 (list
/// options also as a one-element list), plus products of sizes each within its own bound, and every
/// method of every Lua class and every function taking positional arguments with those values in
/// several argument shapes — each function-and-option (method) in its own `privlab` process.
/// Every value must end in a Lua error or a result: a signal (SIGILL from a NaN reaching an integer, SIGABRT from a failed allocation) or a
/// process still running after 60 s fails the test, naming the function, the option and — rerun
/// value by value — the value.
final class BadValueTests: XCTestCase {
    /// Runs privlab with a wall-clock limit (killed after it), without the Swift backtracer.
    func run(_ args: [String], timeout: Double = 60) throws -> CLITests.Output {
        try runPrivlab(args, env: ["SWIFT_BACKTRACE": "enable=no"], timeout: timeout)
    }

    func testNoOptionValueEndsTheProcessWithASignalOrAHang() throws {
        let listing = try run(["check-options", "--list"])
        XCTAssertEqual(listing.status, 0)
        let cases = listing.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }.filter { $0.count == 2 }
        XCTAssertGreaterThan(cases.count, 400, "every numeric option of every function, every method of every class")
        XCTAssertTrue(cases.contains(["mlp", "lr"]) && cases.contains(["privacy.epsilon", "steps"]) && cases.contains(["mlp", "dp.noise"])
                      && cases.contains(["method", "SISA.unlearn"]) && cases.contains(["method", "Dataset.split"]))
        final class Results: @unchecked Sendable { var items = [(case: [String], outcome: CLITests.Output?)](); let lock = NSLock() }
        let results = Results()
        results.items = cases.map { ($0, nil) }
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for i in stride(from: worker, to: cases.count, by: 2) {
                let o = try? run(["check-options", "--function", cases[i][0], "--option", cases[i][1]])
                results.lock.lock()
                results.items[i].outcome = o
                results.lock.unlock()
            }
        }
        var lines = 0, errors = 0
        for (c, outcome) in results.items {
            guard let o = outcome else { XCTFail("\(c): could not run"); continue }
            let name = "pl.\(c[0]){\(c[1]) = …}"
            if o.signaled || o.timedOut || o.status != 0 {
                // Name the value: rerun each alone.
                var culprits = [String]()
                if c[0] != "product" {
                    for v in ["0", "-1", "1e-300", "1e300", "nan", "inf", "-inf", "2^53", "1e-6", "1e9"] {
                        if let r = try? run(["check-options", "--function", c[0], "--option", c[1], "--value=\(v)"]), r.signaled || r.timedOut || r.status != 0 {
                            culprits.append(v)
                        }
                    }
                }
                XCTFail("\(name): \(o.timedOut ? "still running after 60 s" : o.signaled ? "ended by signal \(o.status)" : "exit \(o.status)") — values \(culprits); last output: \(o.stdout.suffix(300))")
                continue
            }
            let printed = o.stdout.split(separator: "\n")
            XCTAssertTrue(printed.allSatisfy { $0.contains("\tok") || $0.contains("\terror\t") }, "\(name): \(o.stdout)")
            XCTAssertGreaterThanOrEqual(printed.count, c[0] == "product" ? 1 : 10, "\(name): every value tried")
            lines += printed.count
            errors += printed.filter { $0.contains("\terror\t") }.count
            // (Method and positional-call cases run inside pcall: "ok" there only means the process survived.)
            for p in printed where c[0] != "method" && c[0] != "call" && (p.hasPrefix("nan") || p.hasPrefix("inf") || p.hasPrefix("-inf")) && p.contains("\tok") {
                XCTFail("\(name): \(p.split(separator: "\t")[0]) was accepted")
            }
        }
        // Finite extremes are often fine (ε = 1e300 is a valid, if useless, ε); NaN and ±∞ never are
        // (checked per line above).
        XCTAssertGreaterThan(lines, 3000)
        XCTAssertGreaterThan(errors, lines / 2)
    }
}
