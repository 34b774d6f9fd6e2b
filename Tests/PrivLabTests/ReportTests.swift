import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif
import PrivLab

final class ReportTableTests: XCTestCase {
    func testMarkdownAlignsNumbersAndEscapesPipes() throws {
        let t = try ReportTable(headers: ["name", "acc"], rows: [["a|b", "0.5"], ["c", "1"]], caption: "Results")
        XCTAssertEqual(t.markdown(), "*Results*\n\n| name | acc |\n| :--- | ---: |\n| a\\|b | 0.5 |\n| c | 1 |\n")
        XCTAssertEqual(t.plainText(), "Results\nname  acc\n----  ---\na|b   0.5\nc       1\n")
        assertThrows(["row 1 has 1 cells"]) { _ = try ReportTable(headers: ["a", "b"], rows: [["x"]]) }
    }

    func testNumberFormatting() {
        XCTAssertEqual(formatNumber(0.83631), "0.8363")
        XCTAssertEqual(formatNumber(12.5), "12.50")
        XCTAssertEqual(formatNumber(3), "3")
        XCTAssertEqual(formatNumber(0.0012346), "0.001235")
        XCTAssertEqual(formatNumber(1.5e-7), "1.500e-07")
        XCTAssertEqual(formatNumber(.nan), "nan")
        XCTAssertEqual(formatCompact(0.1), "0.1")
        XCTAssertEqual(formatCompact(1e-5), "1e-05")
    }
}

final class ChartTests: XCTestCase {
    func testSVGIsDeterministicAndWellFormed() throws {
        let c = try Chart(kind: .line, title: "Loss <per> epoch", xLabel: "epoch", yLabel: "loss",
                          series: [.init(name: "train", x: [1, 2, 3], y: [0.9, 0.5, 0.4]),
                                   .init(name: "val", x: [1, 2, 3], y: [1.0, 0.7, 0.65])])
        let svg = try c.svg()
        // The stored rendering (Fixtures/line_chart.svg, written by this code at commit 1fdef57 and
        // checked against the data: every point sits on its value's grid line, 0.65 half-way
        // between 0.6 and 0.7): any change to layout, number formatting or escaping shows up here,
        // and so would anything that made the output vary between runs.
        XCTAssertEqual(svg, String(decoding: try Fixture.data("line_chart.svg"), as: UTF8.self))
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertTrue(svg.contains("Loss &lt;per&gt; epoch"))
        XCTAssertTrue(svg.contains(">val</text>"))
        // Well-formed XML.
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    }

    func testScatterBarAndLogAxes() throws {
        var c = try Chart(kind: .scatter, series: [.init(name: "roc", x: [0.001, 0.01, 0.1, 1], y: [0.01, 0.05, 0.3, 1])])
        c.logX = true
        c.logY = true
        let svg = try c.svg()
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 4)
        XCTAssertTrue(svg.contains(">0.001</text>"))
        let bar = try Chart(kind: .bar, series: [.init(name: "n", x: [1, 2], y: [3, -1])], categories: ["a", "b"])
        XCTAssertTrue(try bar.svg().contains(">b</text>"))
        let ticks = Chart.niceTicks(0, 1)
        XCTAssertEqual(ticks.count, 6)
        for (t, e) in zip(ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]) { XCTAssertEqual(t, e, accuracy: 1e-12) }
    }

    /// Bar categories (issue 18: seven labels printed on top of each other): long ones wrap at
    /// spaces to their slot's width, every line of every label is drawn, and the plot leaves room
    /// below for the extra lines; short labels stay single text elements.
    func testLongBarCategoriesWrapWithinTheirSlots() throws {
        let names = ["none", "L2 1e-3", "L1 1e-4", "elastic net 1e-3 (ratio 0.5)", "dropout 0.5", "early stopping (patience 3)", "label smoothing 0.1"]
        let c = try Chart(kind: .bar, title: "Generalisation gap by regulariser",
                          series: [.init(name: "gap", x: (1...7).map(Double.init), y: [0.01, 0.02, 0.015, 0.012, 0.018, 0.013, 0.016])],
                          categories: names)
        let svg = try c.svg()
        let slot = (Double(c.width) - 64 - 24) / 7, perChar = 6.5
        var drawn = [String]()
        let tspan = try NSRegularExpression(pattern: "<tspan x=\"[0-9.]+\" dy=\"[0-9]+\">([^<]*)</tspan>")
        for m in tspan.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)) {
            let line = (svg as NSString).substring(with: m.range(at: 1))
            XCTAssertLessThanOrEqual(Double(line.count) * perChar, slot, "\(line) is wider than its slot")
            drawn.append(line)
        }
        for long in ["elastic net 1e-3 (ratio 0.5)", "early stopping (patience 3)", "label smoothing 0.1"] {
            XCTAssertTrue(drawn.joined(separator: " ").contains(long), "every word of \(long), in order")
        }
        XCTAssertTrue(svg.contains(">none</text>") && svg.contains(">L2 1e-3</text>"))
        XCTAssertEqual(Chart.wrap("a b", width: 100), ["a b"])
        XCTAssertEqual(Chart.wrap("supercalifragilistic x", width: 30), ["supercalifragilistic", "x"])
    }

    /// Long series names get a legend column wide enough for them (the SISA notebook's
    /// "sequential (measured)" ran off the edge); short ones keep the usual 150 px.
    func testLegendFitsItsNames() throws {
        let names = ["sequential (measured)", "sequential (expected)", "one full retrain"]
        let c = try Chart(kind: .line, series: names.map { .init(name: $0, x: [1, 2], y: [1, 2]) })
        let svg = try c.svg()
        let pattern = try NSRegularExpression(pattern: "<text x=\"([0-9.]+)\" y=\"[0-9.]+\" dominant-baseline=\"middle\">([^<]*)</text>")
        var seen = 0
        for m in pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)) {
            let x = Double((svg as NSString).substring(with: m.range(at: 1)))!, name = (svg as NSString).substring(with: m.range(at: 2))
            guard names.contains(name) else { continue }
            seen += 1
            XCTAssertLessThanOrEqual(x + 6.5 * Double(name.count), Double(c.width), name)
        }
        XCTAssertEqual(seen, 3)
        let short = try Chart(kind: .line, series: ["a", "b"].map { .init(name: $0, x: [1, 2], y: [1, 2]) }).svg()
        XCTAssertTrue(short.contains("<text x=\"522.00\""), "the usual legend column for short names")
    }

    /// Scatter labels (issue 18: "nine unlabelled dots"): every point's label is drawn, no two
    /// label boxes overlap even for a tight cluster, all stay inside the plot, and points on the
    /// data's extremes sit inside the frame, not on it.
    func testScatterLabelsDoNotOverlapAndPointsAreNotOnTheFrame() throws {
        let names = ["none", "L2 1e-3", "dropout 0.5", "early stopping", "temperature 4", "DP-SGD ε = 8", "DP-SGD ε = 1", "SISA, 5 shards", "DMP"]
        let x = [0.85, 0.851, 0.849, 0.84, 0.85, 0.80, 0.70, 0.83, 0.845]
        let y = [0.62, 0.615, 0.618, 0.60, 0.62, 0.55, 0.51, 0.58, 0.61]
        let c = try Chart(kind: .scatter, title: "Privacy against utility", series: [Chart.Series(name: "defenses", x: x, y: y, labels: names)])
        let svg = try c.svg()
        struct Box { var x, y, w, h: Double }
        var boxes = [Box]()
        let pattern = try NSRegularExpression(pattern: "<text x=\"([0-9.]+)\" y=\"([0-9.]+)\" dominant-baseline=\"middle\" font-size=\"11\" fill=\"#222\">([^<]*)</text>")
        for m in pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)) {
            let g = { (i: Int) in String(svg[Range(m.range(at: i), in: svg)!]) }
            let text = g(3).replacingOccurrences(of: "&amp;", with: "&")
            boxes.append(Box(x: Double(g(1))!, y: Double(g(2))! - 7, w: 6.2 * Double(text.count), h: 14))
        }
        XCTAssertEqual(boxes.count, names.count)
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let (a, b) = (boxes[i], boxes[j])
                XCTAssertFalse(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h, "labels \(names[i]) and \(names[j]) overlap")
            }
            XCTAssertGreaterThanOrEqual(boxes[i].x, 64)
            XCTAssertLessThanOrEqual(boxes[i].x + boxes[i].w, 640 - 24)
        }
        let cx = try NSRegularExpression(pattern: "<circle cx=\"([0-9.]+)\"").matches(in: svg, range: NSRange(svg.startIndex..., in: svg))
            .map { Double(svg[Range($0.range(at: 1), in: svg)!])! }
        XCTAssertGreaterThan(cx.min()!, 64 + 5, "the leftmost point is inside the frame")
        XCTAssertLessThan(cx.max()!, 640 - 24 - 5, "the rightmost point is inside the frame")
        XCTAssertThrowsError(try Chart(kind: .scatter, series: [Chart.Series(name: "s", x: [1, 2], y: [1, 2], labels: ["one"])]))
    }

    func testBadDataIsRejected() {
        assertThrows(["2 x values and 1 y values"]) { _ = try Chart(kind: .line, series: [.init(name: "s", x: [1, 2], y: [1])]) }
        assertThrows(["NaN"]) { _ = try Chart(kind: .line, series: [.init(name: "s", x: [1], y: [.nan])]) }
        assertThrows(["no data series"]) { _ = try Chart(kind: .line, series: []) }
        var c = try! Chart(kind: .line, series: [.init(name: "s", x: [0, 1], y: [1, 2])])
        c.logX = true
        assertThrows(["positive x"]) { _ = try c.svg() }
    }

    func testAtomicWriteLeavesNoTemporaryFiles() throws {
        let dir = try temporaryDirectory()
        try AtomicFile.write("one", to: "\(dir)/sub/r.md")
        try AtomicFile.write("two", to: "\(dir)/sub/r.md")
        XCTAssertEqual(try String(contentsOfFile: "\(dir)/sub/r.md", encoding: .utf8), "two")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/sub"), ["r.md"])
        assertThrows(["cannot"]) { try AtomicFile.write("x", to: "/proc/nope/r.md") }
    }
}
