import Foundation
import PrivLabLua
import XCTest

/// The Lua side of best-epoch selection and of reading defenses' curves: `monitor`, `track`, and
/// `pl.defense.accuracy_at` (lua/privlab/curves.lua).
final class BestEpochBindingTests: XCTestCase {
    /// accuracy_at reads a curve by linear interpolation, takes the best crossing, reads a
    /// vertical segment at its better end, and says nil outside the curve.
    func testAccuracyAtInterpolates() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local at = pl.defense.accuracy_at
            local curve = { {risk = 0.8, accuracy = 0.9}, {risk = 0.6, accuracy = 0.7}, {risk = 0.5, accuracy = 0.3} }
            print(at(curve, 0.7), at(curve, 0.55), at(curve, 0.8), at(curve, 0.5), at(curve, 0.9), at(curve, 0.4))
            -- the curve comes back to risk 0.6 at a higher accuracy: the better crossing counts
            local back = { {risk = 0.8, accuracy = 0.9}, {risk = 0.5, accuracy = 0.3}, {risk = 0.7, accuracy = 0.8} }
            print(at(back, 0.6))
            print(at({ {risk = 0.6, accuracy = 0.4}, {risk = 0.6, accuracy = 0.5} }, 0.6))
            print(at({ {r = 0.8, test_acc = 0.9}, {r = 0.6, test_acc = 0.7} }, 0.7, {risk = "r", accuracy = "test_acc"}))
            print(at({ {risk = 0.5, accuracy = 0.5} }, 0.5))
            """)
        let lines = sink.text.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(lines.count, 5, sink.text)
        let first = lines[0]
        XCTAssertEqual(Double(first[0])!, 0.8, accuracy: 1e-12)
        XCTAssertEqual(Double(first[1])!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(Double(first[2])!, 0.9, accuracy: 1e-12)
        XCTAssertEqual(Double(first[3])!, 0.3, accuracy: 1e-12)
        XCTAssertEqual(first[4], "nil")
        XCTAssertEqual(first[5], "nil")
        // 0.3 + (0.8 − 0.3)·(0.6 − 0.5)/(0.7 − 0.5) = 0.55 on the way back, 0.5 on the way down.
        XCTAssertEqual(Double(lines[1][0])!, 0.55, accuracy: 1e-12)
        XCTAssertEqual(Double(lines[2][0])!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(Double(lines[3][0])!, 0.8, accuracy: 1e-12)
        XCTAssertEqual(lines[4][0], "nil", "one point is no curve")
    }

    func testAccuracyAtErrors() throws {
        let (rt, _) = try makeRuntime()
        assertLuaError(rt, "pl.defense.accuracy_at(3, 0.5)", ["defense.accuracy_at: argument 1"])
        assertLuaError(rt, "pl.defense.accuracy_at({}, 'x')", ["argument 2 (risk)"])
        assertLuaError(rt, "pl.defense.accuracy_at({ {risk = 0.5} }, 0.5)", ["point 1 needs numbers in fields 'risk' and 'accuracy'"])
        assertLuaError(rt, "pl.defense.accuracy_at({}, 0.5, {acc = 'a'})", ["unknown option 'acc'"])
    }

    /// fit's `track` adds <name>_accuracy to every history row; `monitor = "accuracy"` with
    /// restore_best leaves the model at its most accurate validation epoch.
    func testTrackAndMonitorFromLua() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local all = pl.data.blobs{n = 600, features = 10, classes = 4, std = 6, seed = 5}
            local rest, train = all:split{test = 200, seed = 1}
            local test, val = rest:split{test = 200, seed = 2}
            local m = pl.mlp{hidden = {32}, optimizer = "adam", lr = 0.05, epochs = 12, batch = 16, patience = 12, monitor = "accuracy", seed = 3}
            local h = m:fit(train, {validation = val, track = {test = test}})
            local best, at = -1, 0
            for i, r in ipairs(h) do if r.val_accuracy > best then best, at = r.val_accuracy, i end end
            print(#h, at < #h, math.abs(m:accuracy(val) - best) < 1e-12, math.abs(m:accuracy(test) - h[at].test_accuracy) < 1e-12)
            """)
        XCTAssertEqual(sink.text.trimmingCharacters(in: .whitespacesAndNewlines), "12\ttrue\ttrue\ttrue")
        assertLuaError(rt, "pl.mlp{hidden = {4}, monitor = 'auc'}", ["monitor"])
        assertLuaError(rt, """
            local d = pl.data.blobs{n = 60, features = 3, classes = 2, seed = 1}
            pl.mlp{hidden = {4}, epochs = 1}:fit(d, {track = {d}})
            """, ["option 'track' must be a table of name = Dataset"])
        assertLuaError(rt, """
            local d = pl.data.blobs{n = 60, features = 3, classes = 2, seed = 1}
            pl.mlp{hidden = {4}, epochs = 1}:fit(d, {track = {test = 3}})
            """, ["'test' must be a Dataset"])
    }
}
