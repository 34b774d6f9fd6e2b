import XCTest
import PrivLab

final class DatasetTests: XCTestCase {
    func small() throws -> Dataset {
        let n = 20
        let x = try Matrix(rows: n, cols: 2, data: (0..<(2 * n)).map(Float.init))
        return try Dataset(features: x, labels: (0..<n).map { $0 % 4 == 0 ? 1 : 0 }, classes: 2, name: "small")
    }

    func testConstructionChecksConsistency() throws {
        let x = Matrix(rows: 3, cols: 2)
        assertThrows(["3 feature rows but 2 labels"]) { _ = try Dataset(features: x, labels: [0, 1]) }
        assertThrows(["label 5 of row 2"]) { _ = try Dataset(features: x, labels: [0, 5, 1], classes: 2) }
        assertThrows(["unique"]) { _ = try Dataset(features: x, labels: [0, 1, 1], ids: [1, 1, 2]) }
        assertThrows(["image shape"]) { _ = try Dataset(features: x, labels: [0, 1, 1], imageShape: [1, 3, 3]) }
        let d = try Dataset(features: x, labels: [0, 1, 1])
        XCTAssertEqual(d.classes, 2)
        XCTAssertEqual(d.ids, [1, 2, 3])
    }

    func testIdsSurviveSubsetWithoutAndSplit() throws {
        let ds = try small()
        let sub = try ds.subset(ids: [7, 3, 12])
        XCTAssertEqual(sub.ids, [7, 3, 12])
        XCTAssertEqual(sub.features.row(0), [12, 13])  // id 7 is row 6
        let w = try ds.without(ids: [1, 2, 20])
        XCTAssertEqual(w.size, 17)
        XCTAssertFalse(w.ids.contains(1))
        XCTAssertEqual(try w.subset(ids: [3]).features.row(0), [4, 5])
        assertThrows(["no record with id 99"]) { _ = try ds.subset(ids: [99]) }
        assertThrows(["no record with id 1"]) { _ = try w.without(ids: [1]) }
        assertThrows(["repeated"]) { _ = try ds.subset(ids: [3, 3]) }

        let (rest, part) = try ds.split(.fraction(0.25), seed: 4)
        XCTAssertEqual(part.size, 5)
        XCTAssertEqual(rest.size, 15)
        XCTAssertEqual(Set(rest.ids).union(part.ids), Set(ds.ids))
        XCTAssertTrue(Set(rest.ids).isDisjoint(with: part.ids))
        for (i, id) in part.ids.enumerated() { XCTAssertEqual(part.features.row(i), ds.features.row(id - 1)) }
        let again = try ds.split(.fraction(0.25), seed: 4)
        XCTAssertEqual(again.part.ids, part.ids)
        XCTAssertNotEqual(try ds.split(.fraction(0.25), seed: 5).part.ids, part.ids)
    }

    func testStratifiedSplitKeepsClassProportions() throws {
        let ds = try Synthetic.blobs(n: 1000, features: 2, classes: 4, seed: 1)
        let (rest, part) = try ds.split(.count(200), stratified: true, seed: 2)
        XCTAssertEqual(part.size, 200)
        XCTAssertEqual(part.classCounts, [50, 50, 50, 50])
        XCTAssertEqual(rest.classCounts, [200, 200, 200, 200])
        // Uneven classes: largest-remainder rounding keeps the exact total.
        let uneven = try ds.filter(classes: [0, 1]).without(ids: Array(try ds.filter(classes: [1]).ids.prefix(100)))
        let (_, p2) = try uneven.split(.fraction(0.3), stratified: true, seed: 1)
        XCTAssertEqual(p2.size, Int((0.3 * Double(uneven.size)).rounded()))
        XCTAssertEqual(Double(p2.classCounts[0]), 0.3 * 250, accuracy: 1)
        XCTAssertEqual(Double(p2.classCounts[1]), 0.3 * 150, accuracy: 1)
        assertThrows(["fraction must be in (0, 1)"]) { _ = try ds.split(.fraction(1.5), seed: 1) }
        assertThrows(["outside 0…1000"]) { _ = try ds.split(.count(1001), seed: 1) }
    }

    func testFilterRelabelShuffleConcat() throws {
        let ds = try Synthetic.blobs(n: 90, features: 3, classes: 3, seed: 3)
        let f = try ds.filter(classes: [2, 0], relabel: true)
        XCTAssertEqual(f.classes, 2)
        XCTAssertEqual(f.size, 60)
        for (i, id) in f.ids.enumerated() {
            let orig = ds.labels[id - 1]
            XCTAssertEqual(f.labels[i], orig == 2 ? 0 : 1)
        }
        let kept = try ds.filter(classes: [1])
        XCTAssertEqual(kept.classes, 3)
        assertThrows(["class 3 is outside"]) { _ = try ds.filter(classes: [3]) }
        let s = ds.shuffled(seed: 1)
        XCTAssertEqual(Set(s.ids), Set(ds.ids))
        XCTAssertNotEqual(s.ids, ds.ids)
        let (a, b) = try ds.split(.count(30), seed: 1)
        let c = try a.concatenated(b)
        XCTAssertEqual(Set(c.ids), Set(ds.ids))
        assertThrows(["unique"]) { _ = try a.concatenated(a) }
    }

    func testCheckFiniteNamesTheRecord() throws {
        var x = Matrix(rows: 3, cols: 2)
        x[1, 1] = .nan
        let ds = try Dataset(features: x, labels: [0, 1, 0], ids: [5, 6, 7])
        assertThrows(["record id 6", "column 2"]) { try ds.checkFinite() }
    }
}

final class ScalerTests: XCTestCase {
    func testMinMaxAndZScoreFitOnTrainApplyToTest() throws {
        let train = try Matrix([[0, 10, 5], [2, 20, 5], [4, 30, 5]])
        let test = try Matrix([[1, 40, 7]])
        var mm = Scaler(kind: .minmax)
        try mm.fit(train)
        XCTAssertEqual(try mm.transform(train), try Matrix([[0, 0, 0], [0.5, 0.5, 0], [1, 1, 0]]))
        XCTAssertEqual(try mm.transform(test), try Matrix([[0.25, 1.5, 0]]))  // test statistics are not used
        var z = Scaler(kind: .zscore)
        try z.fit(train)
        let t = try z.transform(train)
        for j in 0..<2 {
            let col = (0..<3).map { Double(t[$0, j]) }
            XCTAssertEqual(col.reduce(0, +) / 3, 0, accuracy: 1e-6)
            XCTAssertEqual(col.map { $0 * $0 }.reduce(0, +) / 3, 1, accuracy: 1e-5)
        }
        XCTAssertEqual(t[0, 2], 0)  // constant feature
        XCTAssertEqual(Double(try z.transform(test)[0, 0]), -1 / (8.0 / 3).squareRoot(), accuracy: 1e-5)
    }

    func testScalerErrors() throws {
        let s = Scaler(kind: .zscore)
        assertThrows(["before fit"]) { _ = try s.transform(Matrix(rows: 1, cols: 1)) }
        var f = Scaler(kind: .minmax)
        try f.fit(try Matrix([[1, 2]]))
        assertThrows(["fitted on 2 features, got 3"]) { _ = try f.transform(Matrix(rows: 1, cols: 3)) }
        assertThrows(["zero records"]) { try f.fit(Matrix(rows: 0, cols: 2)) }
        assertThrows(["NaN"]) { try f.fit(try Matrix([[1, .nan]])) }
    }
}

final class SyntheticTests: XCTestCase {
    func testBlobsAreSeededBalancedAndSeparated() throws {
        let a = try Synthetic.blobs(n: 301, features: 5, classes: 3, std: 0.5, seed: 8)
        let b = try Synthetic.blobs(n: 301, features: 5, classes: 3, std: 0.5, seed: 8)
        XCTAssertEqual(a.features, b.features)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertNotEqual(try Synthetic.blobs(n: 301, features: 5, classes: 3, std: 0.5, seed: 9).features, a.features)
        XCTAssertEqual(a.classCounts.sorted(), [100, 100, 101])
        assertThrows(["classes must be at least 1"]) { _ = try Synthetic.blobs(n: 3, features: 1, classes: 0, seed: 1) }
    }

    func testPurchaseIsBinarySparseAndClassDependent() throws {
        let d = try Synthetic.purchase(n: 2000, features: 100, classes: 10, seed: 4)
        XCTAssertTrue(d.features.data.allSatisfy { $0 == 0 || $0 == 1 })
        XCTAssertEqual(d.classes, 10)
        XCTAssertEqual(d.classCounts, [Int](repeating: 200, count: 10))
        let density = d.features.mean()
        XCTAssertGreaterThan(density, 0.05)
        XCTAssertLessThan(density, 0.25)
        // A linear model separates the styles far better than chance (0.1).
        var o = TrainingOptions()
        o.epochs = 10
        o.learningRate = 0.5
        let m = try NeuralNetwork.softmaxRegression(options: o)
        let (train, test) = try d.split(.fraction(0.25), stratified: true, seed: 1)
        try m.fit(train)
        XCTAssertGreaterThan(try m.accuracy(test), 0.6)
        assertThrows(["classes must be in 2…100"]) { _ = try Synthetic.purchase(n: 10, classes: 101, seed: 1) }
    }
}
