import XCTest
import PrivLab

final class IDXReaderTests: XCTestCase {
    /// An IDX header + payload for unsigned bytes.
    func idx(_ dims: [Int], _ payload: [UInt8], type: UInt8 = 0x08) -> [UInt8] {
        var b: [UInt8] = [0, 0, type, UInt8(dims.count)]
        for d in dims { b += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
        return b + payload
    }

    func testReadsGzipAndPlainFiles() throws {
        let dir = try temporaryDirectory()
        let bytes = idx([2, 3], [1, 2, 3, 4, 5, 255])
        writeGzip(bytes, to: "\(dir)/a.gz")
        FileManager.default.createFile(atPath: "\(dir)/a.idx", contents: Data(bytes))
        for p in ["\(dir)/a.gz", "\(dir)/a.idx"] {
            let a = try IDXReader.read(path: p)
            XCTAssertEqual(a.dims, [2, 3])
            XCTAssertEqual(a.values, [1, 2, 3, 4, 5, 255])
        }
    }

    func testOtherElementTypes() throws {
        let i32 = try IDXReader.parse(idx([2], [0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 1, 0], type: 0x0C), name: "x")
        XCTAssertEqual(i32.values, [-2, 256])
        let f32 = try IDXReader.parse(idx([1], [0x3F, 0xC0, 0, 0], type: 0x0D), name: "x")
        XCTAssertEqual(f32.values, [1.5])
        let i8 = try IDXReader.parse(idx([1], [0xFF], type: 0x09), name: "x")
        XCTAssertEqual(i8.values, [-1])
    }

    func testMalformedFilesGiveLocatedErrors() throws {
        assertThrows(["f.idx@0", "not an IDX file"]) { _ = try IDXReader.parse([1, 2, 8, 1, 0, 0, 0, 1, 5], name: "f.idx") }
        assertThrows(["f.idx@2", "unknown IDX element type 0x07"]) { _ = try IDXReader.parse([0, 0, 7, 1], name: "f.idx") }
        assertThrows(["f.idx@6", "header truncated"]) { _ = try IDXReader.parse([0, 0, 8, 2, 0, 0], name: "f.idx") }
        assertThrows(["truncated", "need 6 bytes", "file has 4"]) { _ = try IDXReader.parse(idx([2, 3], [1, 2, 3, 4]), name: "f.idx") }
        assertThrows(["2 unexpected bytes"]) { _ = try IDXReader.parse(idx([1], [1, 2, 3]), name: "f.idx") }
        assertThrows(["too short"]) { _ = try IDXReader.parse([0, 0], name: "f.idx") }
        // Dimensions whose element count fits an Int but whose bytes do not (2³¹⁻¹ × 2³¹⁻¹ × 2³¹⁻¹
        // doubles), and a count that overflows: errors, not an overflow trap.
        let huge = (1 << 31) - 1
        assertThrows(["truncated"]) { _ = try IDXReader.parse(idx([huge, huge], [], type: 0x0E), name: "f.idx") }
        assertThrows(["truncated"]) { _ = try IDXReader.parse(idx([huge, huge, huge], [], type: 0x0E), name: "f.idx") }
        assertThrows(["no such file"]) { _ = try IDXReader.read(path: "/nonexistent/x.gz") }
        // A gzip stream cut in the middle.
        let dir = try temporaryDirectory()
        var big = [UInt8]()
        var rng = RNG(seed: 1)
        for _ in 0..<100_000 { big.append(UInt8(rng.int(below: 256))) }
        writeGzip(idx([100_000], big), to: "\(dir)/full.gz")
        let data = FileManager.default.contents(atPath: "\(dir)/full.gz")!
        FileManager.default.createFile(atPath: "\(dir)/cut.gz", contents: data.prefix(data.count / 2))
        assertThrows(["cut.gz@", "truncated"]) { _ = try IDXReader.read(path: "\(dir)/cut.gz") }
    }
}

final class CSVReaderTests: XCTestCase {
    func testParsesQuotesCRLFAndStringLabels() throws {
        let text = "a,\"b, quoted\",species\r\n1,2.5,setosa\r\n3,-4e1,\"vir\"\"ginica\"\n\n5,6,setosa\n"
        let ds = try CSVReader.load(text: text, name: "iris.csv", options: { var o = CSVOptions(); o.label = "species"; return o }())
        XCTAssertEqual(ds.size, 3)
        XCTAssertEqual(ds.featureNames!, ["a", "b, quoted"])
        XCTAssertEqual(ds.features.data, [1, 2.5, 3, -40, 5, 6])
        XCTAssertEqual(ds.classNames!, ["setosa", "vir\"ginica"])
        XCTAssertEqual(ds.labels, [0, 1, 0])
        XCTAssertEqual(ds.ids, [1, 2, 3])
    }

    func testIntegerLabelsSortNumericallyAndIdColumn() throws {
        var o = CSVOptions()
        o.idColumn = "id"
        let ds = try CSVReader.load(text: "id,x,label\n10,1,10\n20,2,2\n30,3,9\n", name: "n.csv", options: o)
        XCTAssertEqual(ds.classNames!, ["2", "9", "10"])
        XCTAssertEqual(ds.labels, [2, 0, 1])
        XCTAssertEqual(ds.ids, [10, 20, 30])
        XCTAssertEqual(ds.featureNames!, ["x"])
    }

    func testMalformedCSVNamesFileAndLine() {
        let cases: [(String, [String])] = [
            ("x,label\n1,0\n2\n", ["d.csv:3", "expected 2 fields, found 1"]),
            ("x,label\n1,0\nabc,1\n", ["d.csv:3", "column 'x'", "'abc' is not a finite number"]),
            ("x,label\nnan,0\n", ["d.csv:2", "not a finite number"]),
            ("x,label\n1e39,0\n", ["d.csv:2", "not a finite number"]),
            ("x,label\n,0\n", ["d.csv:2", "missing value"]),
            ("x,label\n1,\n", ["d.csv:2", "label column 'label': missing value"]),
            ("x,y\n1,0\n", ["no label column 'label'", "columns: x, y"]),
            ("x,label\n1,\"0\n2,1\n", ["d.csv:2", "unterminated quoted field"]),
            ("x,x,label\n1,2,0\n", ["d.csv:1", "duplicate column name 'x'"]),
            ("", ["d.csv:1", "empty file"]),
            ("x,label\n", ["no data rows"]),
            ("x,label\n1\"2,0\n", ["d.csv:2", "quote inside an unquoted field"]),
        ]
        for (text, fragments) in cases {
            assertThrows(fragments) { _ = try CSVReader.load(text: text, name: "d.csv") }
        }
        var o = CSVOptions()
        o.idColumn = "id"
        assertThrows(["d.csv:3", "duplicate id 4"]) { _ = try CSVReader.load(text: "id,x,label\n4,1,0\n4,2,1\n", name: "d.csv", options: o) }
        assertThrows(["cannot read"]) { _ = try CSVReader.load(path: "/nonexistent.csv") }
    }

    /// Separators other than the comma, a byte-order mark before the header, a quoted field that
    /// spans lines (line numbers in later errors still count it), and the id and features= errors.
    /// Catches a BOM glued to the first column name ("no label column" for a file that has one), a
    /// separator ignored inside the parser, line numbers that forget a quoted newline, and ids that
    /// are not positive integers accepted.
    func testSeparatorsBOMQuotedNewlinesAndIdErrors() throws {
        for sep in [";", "\t", "|"] as [Character] {
            var o = CSVOptions()
            o.separator = sep
            let text = ["x", "y", "label"].joined(separator: String(sep)) + "\n" + ["1.5", "-2", "a"].joined(separator: String(sep)) + "\n"
                + ["3", "4e-1", "b"].joined(separator: String(sep)) + "\n"
            let ds = try CSVReader.load(text: text, name: "s.csv", options: o)
            XCTAssertEqual(ds.features.data, [1.5, -2, 3, 0.4], "separator \(sep)")
            XCTAssertEqual(ds.classNames!, ["a", "b"])
        }
        var withId = CSVOptions()
        withId.idColumn = "id"
        let bom = try CSVReader.load(text: "\u{FEFF}id,x,label\n7,1,0\n9,2,1\n", name: "bom.csv", options: withId)
        XCTAssertEqual(bom.ids, [7, 9], "the BOM is not part of the first column's name")
        XCTAssertEqual(bom.featureNames!, ["x"])
        let quoted = try CSVReader.load(text: "x,label\n1,\"two\nlines\"\n2,plain\n", name: "q.csv")
        XCTAssertEqual(quoted.classNames!, ["plain", "two\nlines"])
        XCTAssertEqual(quoted.labels, [1, 0])
        assertThrows(["q.csv:4", "expected 2 fields, found 1"]) {
            _ = try CSVReader.load(text: "x,label\n1,\"two\nlines\"\n2\n", name: "q.csv")
        }
        var pick = CSVOptions()
        pick.features = ["x", "z"]
        assertThrows(["d.csv:1", "no feature column 'z'"]) { _ = try CSVReader.load(text: "x,y,label\n1,2,0\n", name: "d.csv", options: pick) }
        pick.features = ["label"]
        assertThrows(["cannot be both label and feature"]) { _ = try CSVReader.load(text: "x,label\n1,0\n", name: "d.csv", options: pick) }
        for bad in ["0", "-3", "1.5", "abc", ""] {
            assertThrows(["d.csv:2", "is not a positive integer"]) { _ = try CSVReader.load(text: "id,x,label\n\(bad),1,0\n", name: "d.csv", options: withId) }
        }
        assertThrows(["no id column 'id'"]) { _ = try CSVReader.load(text: "x,label\n1,0\n", name: "d.csv", options: withId) }
    }

    func testLoadsFromDisk() throws {
        let dir = try temporaryDirectory()
        try "f1,f2,label\n0,1,1\n1,0,0\n".write(toFile: "\(dir)/t.csv", atomically: true, encoding: .utf8)
        var o = CSVOptions()
        o.features = ["f2"]
        let ds = try CSVReader.load(path: "\(dir)/t.csv", options: o)
        XCTAssertEqual(ds.features.data, [1, 0])
        XCTAssertEqual(ds.name, "t.csv")
    }
}

final class FashionMNISTTests: XCTestCase {
    func testLoadsDebianFiles() throws {
        let dir = FashionMNIST.defaultDirectory
        guard FileManager.default.fileExists(atPath: "\(dir)/t10k-images-idx3-ubyte.gz") else {
            throw XCTSkip("dataset-fashion-mnist is not installed (make test installs it)")
        }
        let test = try FashionMNIST.load(split: "test")
        XCTAssertEqual(test.size, 10_000)
        XCTAssertEqual(test.featureCount, 784)
        XCTAssertEqual(test.imageShape!, [1, 28, 28])
        XCTAssertEqual(test.classCounts, [Int](repeating: 1000, count: 10))
        XCTAssertEqual(test.features.data.min(), 0)
        XCTAssertEqual(test.features.data.max(), 1)
        // The first test image is an ankle boot (class 9), as in the original release.
        XCTAssertEqual(test.labels[0], 9)
        let head = try FashionMNIST.load(split: "test", n: 5)
        XCTAssertEqual(head.ids, [60_001, 60_002, 60_003, 60_004, 60_005], "test ids follow the 60,000 training ids")
        XCTAssertEqual(try FashionMNIST.load(split: "train", n: 2).ids, [1, 2])
        let sample = try FashionMNIST.load(split: "test", n: 50, seed: 3)
        XCTAssertEqual(sample.size, 50)
        XCTAssertEqual(sample.ids, sample.ids.sorted())
        // Stable ids: the sampled records are the same records as in the full file.
        let pos = test.positionsById()
        for (i, id) in sample.ids.enumerated() {
            XCTAssertEqual(sample.labels[i], test.labels[pos[id]!])
            XCTAssertEqual(sample.features.row(i), test.features.row(pos[id]!))
        }
        XCTAssertEqual(try FashionMNIST.load(split: "test", n: 50, seed: 3).ids, sample.ids)
        // 8-bit pixels are finite by construction (fits skip the scan); selections keep that, and
        // any change to the features clears it so a NaN written later is still caught.
        XCTAssertTrue(test.featuresKnownFinite)
        XCTAssertTrue(sample.featuresKnownFinite)
        var changed = sample
        changed.features.data[3] = .nan
        XCTAssertFalse(changed.featuresKnownFinite)
        XCTAssertThrowsError(try changed.checkFinite())
        XCTAssertThrowsError(try NeuralNetwork.softmaxRegression(options: TrainingOptions()).fit(changed))
    }

    func testMissingDirectoryAndBadArguments() {
        assertThrows(["not found", "dataset-fashion-mnist"]) { _ = try FashionMNIST.load(split: "train", directory: "/nonexistent") }
        assertThrows(["split must be"]) { _ = try FashionMNIST.load(split: "validation") }
    }

    func testCorruptLabelsFileIsReported() throws {
        let dir = try temporaryDirectory()
        writeGzip([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 10, 20], to: "\(dir)/t10k-images-idx3-ubyte.gz")
        writeGzip([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3], to: "\(dir)/t10k-labels-idx1-ubyte.gz")
        assertThrows(["3 labels for 2 images"]) { _ = try FashionMNIST.load(split: "test", directory: dir) }
        writeGzip([0, 0, 8, 1, 0, 0, 0, 2, 1, 12], to: "\(dir)/t10k-labels-idx1-ubyte.gz")
        assertThrows(["label 12 is not a class"]) { _ = try FashionMNIST.load(split: "test", directory: dir) }
    }
}
