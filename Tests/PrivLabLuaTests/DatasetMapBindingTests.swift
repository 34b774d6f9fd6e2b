import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `Dataset:map` (a bulk Lua transform of every record, issue 32 item 7) and the global
/// normaliser `pl.scaler{kind = "global"}`.
final class DatasetMapBindingTests: XCTestCase {
    func testMapTransformsEveryRecordAndKeepsIdsAndClasses() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local d = pl.data.from_table{x = {{1, 2}, {3, 4}, {5, 6}}, y = {0, 1, 1}, ids = {7, 8, 9}}
            local sq = d:map(function(x, y) return {x[1] * x[1], x[2] + y, x[1] + x[2]} end)
            local relabelled = d:map(function(x, y) return x, 1 - y end)
            local r = sq:record(8)
            return sq:nfeatures(), r.features[1], r.features[2], r.features[3], r.label, table.concat(relabelled:labels(), ","),
                   table.concat(sq:ids(), ","), sq:nclasses()
            """)
        XCTAssertEqual(r[0].asInt, 3)
        XCTAssertEqual(r[1].double, 9)
        XCTAssertEqual(r[2].double, 5, "the label is passed as the second argument")
        XCTAssertEqual(r[3].double, 7)
        XCTAssertEqual(r[4].asInt, 1)
        if case .string(let s) = r[5] { XCTAssertEqual(s, "1,0,0") } else { XCTFail("\(r[5])") }
        if case .string(let s) = r[6] { XCTAssertEqual(s, "7,8,9") } else { XCTFail("\(r[6])") }
        XCTAssertEqual(r[7].asInt, 2)
    }

    func testMapErrorsNameTheRecord() throws {
        let (rt, _) = try makeRuntime()
        let d = "local d = pl.data.from_table{x = {{1, 2}, {3, 4}}, y = {0, 1}}\n"
        assertLuaError(rt, d + "d:map(5)", ["Dataset.map: argument 1 must be a function"])
        assertLuaError(rt, d + "d:map(function(x) return 1 end)", ["must return the record's new features as a list of numbers (record 1 got number)"])
        assertLuaError(rt, d + "d:map(function(x, y) if y == 1 then return {1} end return {1, 2} end)", ["record 2 returned 1 features, the records before it 2"])
        assertLuaError(rt, d + "d:map(function(x) return {1, 'a'} end)", ["record 1's feature 2 is not a finite number"])
        assertLuaError(rt, d + "d:map(function(x) return {0/0} end)", ["record 1's feature 1 is not a finite number"])
        assertLuaError(rt, d + "d:map(function(x) return x, 5 end)", ["new label 5 is outside 0…1"])
        assertLuaError(rt, d + "d:map(function(x) error('student bug') end)", ["student bug"])
    }

    /// Images through a per-record Lua function (2,000 × 784 values): exact, and the image shape is
    /// kept when the width is. Speed is not timed here (60,000 images took 13 s wall on a loaded
    /// machine with `privlab exec`).
    func testMapOnImagesIsExact() throws {
        try CLITests.requireFashionMNIST()
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local d = pl.data.fashion_mnist{split = "test", n = 2000}
            local inv = d:map(function(x) for j = 1, #x do x[j] = 1 - x[j] end return x end)
            local a, b = d:record(60001).features, inv:record(60001).features
            local worst = 0
            for j = 1, #a do worst = math.max(worst, math.abs(a[j] + b[j] - 1)) end
            return worst, inv:nfeatures(), table.concat(inv:image_shape(), "x")
            """)
        XCTAssertLessThan(r[0].double!, 1e-6)
        XCTAssertEqual(r[1].asInt, 784)
        if case .string(let s) = r[2] { XCTAssertEqual(s, "1x28x28", "same width keeps the image shape") } else { XCTFail("\(r[2])") }
    }

    /// The global normaliser learns one mean and standard deviation over all pixels: on
    /// Fashion-MNIST's training set the values every PyTorch course uses, 0.2860 and 0.3530.
    func testGlobalScalerMatchesFashionMNISTPublishedStatistics() throws {
        try CLITests.requireFashionMNIST()
        var s = Scaler(kind: .global)
        let train = try FashionMNIST.load(split: "train")
        try s.fit(train.features)
        XCTAssertEqual(Double(s.offset[0]), 0.2860, accuracy: 5e-5)
        XCTAssertEqual(1 / Double(s.scale[0]), 0.3530, accuracy: 5e-5)
        XCTAssertEqual(Set(s.offset).count, 1, "one mean for every feature")
        let t = try s.transform(train.features)
        var sum = 0.0, sq = 0.0
        for v in t.data { sum += Double(v); sq += Double(v) * Double(v) }
        let n = Double(t.data.count)
        XCTAssertEqual(sum / n, 0, accuracy: 1e-4)
        XCTAssertEqual((sq / n - (sum / n) * (sum / n)).squareRoot(), 1, accuracy: 1e-4)
    }
}
