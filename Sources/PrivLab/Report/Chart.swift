import Foundation

/// A line, scatter or bar chart rendered to a self-contained SVG file (no fonts or scripts loaded
/// from outside), deterministic to the byte for the same data.
public struct Chart: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case line, scatter, bar }

    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// Scatter charts: a label per point, drawn beside it without overlapping other labels.
        public var labels: [String]?
        /// Scatter charts: join the points in order with a line (a frontier, a trajectory).
        public var connected = false
        public init(name: String, x: [Double], y: [Double], labels: [String]? = nil, connected: Bool = false) {
            self.name = name
            self.x = x
            self.y = y
            self.labels = labels
            self.connected = connected
        }
    }

    public var kind: Kind
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Bar charts: one label per bar position (x values are 1…n).
    public var categories: [String]?
    public var logX = false
    public var logY = false
    public var width = 640
    public var height = 400

    public init(kind: Kind, title: String = "", xLabel: String = "", yLabel: String = "", series: [Series],
                categories: [String]? = nil) throws {
        self.kind = kind
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.categories = categories
        try validate()
    }

    public func validate() throws {
        guard !series.isEmpty else { throw PrivLabError.invalidArgument(.chart, "no data series") }
        for s in series {
            guard s.x.count == s.y.count else {
                throw PrivLabError.shape(.chart, "series '\(s.name)' has \(s.x.count) x values and \(s.y.count) y values")
            }
            guard !s.x.isEmpty else { throw PrivLabError.invalidArgument(.chart, "series '\(s.name)' is empty") }
            if let l = s.labels, l.count != s.x.count {
                throw PrivLabError.shape(.chart, "series '\(s.name)' has \(s.x.count) points and \(l.count) labels")
            }
            if s.x.contains(where: { $0.isNaN }) || s.y.contains(where: { $0.isNaN }) {
                throw PrivLabError.invalidArgument(.chart, "series '\(s.name)' contains NaN")
            }
        }
        if logX, series.contains(where: { $0.x.contains { $0 <= 0 } }) {
            throw PrivLabError.invalidArgument(.chart, "log x axis needs positive x values")
        }
        if logY, series.contains(where: { $0.y.contains { $0 <= 0 } }) {
            throw PrivLabError.invalidArgument(.chart, "log y axis needs positive y values")
        }
    }

    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    /// "Nice" tick positions covering [lo, hi] (steps of 1, 2 or 5 × 10^k).
    public static func niceTicks(_ lo: Double, _ hi: Double, target: Int = 5) -> [Double] {
        if !(hi > lo) { return [lo] }
        let raw = (hi - lo) / Double(target)
        let mag = pow(10, floor(log10(raw)))
        let f = raw / mag
        let step = (f <= 1.5 ? 1 : f <= 3 ? 2 : f <= 7 ? 5 : 10) * mag
        var t = ceil(lo / step - 1e-9) * step
        var out = [Double]()
        while t <= hi + step * 1e-9 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }

    private static func fmt(_ x: Double) -> String { String(format: "%.2f", x) }

    private static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `text` broken at spaces into lines of at most `width` pixels (12 px sans-serif, about
    /// 6.5 px a character); a word longer than a line keeps a line to itself.
    public static func wrap(_ text: String, width: Double) -> [String] {
        let limit = max(Int(width / 6.5), 4)
        var lines = [String](), line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty { line = String(word) } else if line.count + 1 + word.count <= limit { line += " " + word } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// The chart as an SVG document: the frame (title, grid, ticks, axis labels), the series, the legend.
    public func svg() throws -> String {
        try validate()
        let f = layout()
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        if !title.isEmpty {
            s += "<text x=\"\(Self.fmt(Double(width) / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(Self.esc(title))</text>\n"
        }
        s += axes(f)
        s += data(f)
        s += legend(f)
        s += "</svg>\n"
        return s
    }

    /// Where everything goes: the plot area inside the margins, the data ranges it shows and the ticks.
    struct Layout {
        var left = 0.0, top = 0.0, pw = 0.0, ph = 0.0
        var x0 = 0.0, x1 = 1.0, y0 = 0.0, y1 = 1.0
        var xTicks = [Double](), yTicks = [Double]()
        var categoryLines = [[String]]()
        let logX: Bool, logY: Bool

        /// Data x (or y) to pixels, through the log scale when the axis has one.
        func px(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * pw }
        func py(_ v: Double) -> Double { top + ph - (v - y0) / (y1 - y0) * ph }
        func tx(_ v: Double) -> Double { logX ? log10(v) : v }
        func ty(_ v: Double) -> Double { logY ? log10(v) : v }
    }

    /// The margins, the data ranges (padded so nothing sits on the frame) and the ticks.
    func layout() -> Layout {
        let W = Double(width), H = Double(height)
        var f = Layout(logX: logX, logY: logY)
        // The legend column is as wide as its longest name needs (about 6.5 px a character at 12 px),
        // at least 150 px and at most 45% of the chart, so names are not cut at the edge.
        let longest = Double(series.map(\.name.count).max() ?? 0)
        let right = series.count > 1 ? min(max(150, 40 + 6.5 * longest), W * 0.45) : 24.0
        f.left = 64.0
        f.top = title.isEmpty ? 20.0 : 40.0
        f.pw = W - f.left - right
        // Bar categories wrap at word boundaries to the width of their slot (about 6.5 px a
        // character at 12 px), so long labels stack instead of running into each other; the
        // bottom margin grows by a line for each extra line.
        f.categoryLines = kind == .bar ? (categories ?? []).map { Self.wrap($0, width: f.pw / Double(max(categories?.count ?? 1, 1)) - 6) } : []
        let extraLines = Double(max((f.categoryLines.map(\.count).max() ?? 1) - 1, 0))
        let bottom = 52.0 + 14 * extraLines
        f.ph = H - f.top - bottom
        var xs = series.flatMap { $0.x }.filter { $0.isFinite }.map(f.tx)
        var ys = series.flatMap { $0.y }.filter { $0.isFinite }.map(f.ty)
        if kind == .bar {
            ys.append(0)
            xs.append(contentsOf: [xs.min()! - 0.6, xs.max()! + 0.6])
        }
        var x0 = xs.min() ?? 0, x1 = xs.max() ?? 1, y0 = ys.min() ?? 0, y1 = ys.max() ?? 1
        if x1 - x0 < 1e-12 { x0 -= 0.5; x1 += 0.5 }
        if y1 - y0 < 1e-12 { y0 -= 0.5; y1 += 0.5 }
        if !logY && kind != .bar { let pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad }
        // Bars keep their zero baseline; the tallest stops short of the frame.
        if !logY && kind == .bar { y1 += (y1 - y0) * 0.05 }
        // Scatter points on the frame would be cut in half: a margin on x too.
        if !logX && kind == .scatter { let pad = (x1 - x0) * 0.05; x0 -= pad; x1 += pad }
        f.xTicks = logX ? Self.decadeTicks(x0, x1) : Self.niceTicks(x0, x1)
        f.yTicks = logY ? Self.decadeTicks(y0, y1) : Self.niceTicks(y0, y1)
        if logX { x0 = min(x0, f.xTicks.first ?? x0); x1 = max(x1, f.xTicks.last ?? x1) }
        if logY { y0 = min(y0, f.yTicks.first ?? y0); y1 = max(y1, f.yTicks.last ?? y1) }
        (f.x0, f.x1, f.y0, f.y1) = (x0, x1, y0, y1)
        return f
    }

    private static func tickLabel(_ t: Double, log: Bool) -> String { log ? formatCompact(pow(10, t)) : formatCompact((t * 1e9).rounded() / 1e9) }

    /// Grid lines, tick labels (or bar categories), the frame and the axis labels.
    private func axes(_ f: Layout) -> String {
        let H = Double(height)
        var s = ""
        for t in f.yTicks where t >= f.y0 - 1e-12 && t <= f.y1 + 1e-12 {
            let y = Self.fmt(f.py(t))
            s += "<line x1=\"\(Self.fmt(f.left))\" y1=\"\(y)\" x2=\"\(Self.fmt(f.left + f.pw))\" y2=\"\(y)\" stroke=\"#e0e0e0\"/>\n"
            s += "<text x=\"\(Self.fmt(f.left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Self.esc(Self.tickLabel(t, log: logY)))</text>\n"
        }
        if kind == .bar, categories != nil {
            for (i, lines) in f.categoryLines.enumerated() {
                let x = Self.fmt(f.px(Double(i + 1)))
                if lines.count == 1 {
                    s += "<text x=\"\(x)\" y=\"\(Self.fmt(f.top + f.ph + 18))\" text-anchor=\"middle\">\(Self.esc(lines[0]))</text>\n"
                } else {
                    s += "<text x=\"\(x)\" y=\"\(Self.fmt(f.top + f.ph + 18))\" text-anchor=\"middle\">"
                    for (j, l) in lines.enumerated() { s += "<tspan x=\"\(x)\" dy=\"\(j == 0 ? "0" : "14")\">\(Self.esc(l))</tspan>" }
                    s += "</text>\n"
                }
            }
        } else {
            for t in f.xTicks where t >= f.x0 - 1e-12 && t <= f.x1 + 1e-12 {
                let x = Self.fmt(f.px(t))
                s += "<line x1=\"\(x)\" y1=\"\(Self.fmt(f.top))\" x2=\"\(x)\" y2=\"\(Self.fmt(f.top + f.ph))\" stroke=\"#f0f0f0\"/>\n"
                s += "<text x=\"\(x)\" y=\"\(Self.fmt(f.top + f.ph + 18))\" text-anchor=\"middle\">\(Self.esc(Self.tickLabel(t, log: logX)))</text>\n"
            }
        }
        s += "<rect x=\"\(Self.fmt(f.left))\" y=\"\(Self.fmt(f.top))\" width=\"\(Self.fmt(f.pw))\" height=\"\(Self.fmt(f.ph))\" fill=\"none\" stroke=\"#333\"/>\n"
        if !xLabel.isEmpty {
            s += "<text x=\"\(Self.fmt(f.left + f.pw / 2))\" y=\"\(Self.fmt(H - 12))\" text-anchor=\"middle\">\(Self.esc(xLabel))</text>\n"
        }
        if !yLabel.isEmpty {
            s += "<text x=\"16\" y=\"\(Self.fmt(f.top + f.ph / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(Self.fmt(f.top + f.ph / 2)))\">\(Self.esc(yLabel))</text>\n"
        }
        return s
    }

    /// Every series: lines (with markers when there are few points), scatter points with their
    /// labels, or grouped bars.
    private func data(_ f: Layout) -> String {
        var s = ""
        var taken = [(x: Double, y: Double, w: Double, h: Double)]()
        for (k, ser) in series.enumerated() {
            let color = Self.palette[k % Self.palette.count]
            let pts = zip(ser.x, ser.y).filter { $0.0.isFinite && $0.1.isFinite }.map { (f.px(f.tx($0.0)), f.py(f.ty($0.1))) }
            switch kind {
            case .line:
                let d = pts.map { "\(Self.fmt($0.0)),\(Self.fmt($0.1))" }.joined(separator: " ")
                s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(d)\"/>\n"
                if pts.count <= 40 {
                    for p in pts { s += "<circle cx=\"\(Self.fmt(p.0))\" cy=\"\(Self.fmt(p.1))\" r=\"2.5\" fill=\"\(color)\"/>\n" }
                }
            case .scatter:
                s += scatter(ser, pts, color: color, f, taken: &taken)
            case .bar:
                s += bars(ser, index: k, color: color, f)
            }
        }
        return s
    }

    /// One scatter series: the dashed line joining it (if connected), its points and their labels.
    private func scatter(_ ser: Series, _ pts: [(Double, Double)], color: String, _ f: Layout,
                         taken: inout [(x: Double, y: Double, w: Double, h: Double)]) -> String {
        var s = ""
        if ser.connected {
            let d = pts.map { "\(Self.fmt($0.0)),\(Self.fmt($0.1))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\" points=\"\(d)\"/>\n"
        }
        for p in pts { s += "<circle cx=\"\(Self.fmt(p.0))\" cy=\"\(Self.fmt(p.1))\" r=\"3.5\" fill=\"\(color)\" fill-opacity=\"0.8\"/>\n" }
        guard let labels = ser.labels else { return s }
        let finite = zip(ser.x, ser.y).enumerated().filter { $0.element.0.isFinite && $0.element.1.isFinite }.map(\.offset)
        for (p, i) in zip(pts, finite) {
            let box = placeLabel(labels[i], at: p, taken: &taken, frame: (f.left, f.top, f.left + f.pw, f.top + f.ph), points: pts)
            // A label pushed away from its point gets a thin leader line to it.
            let cx = min(max(p.0, box.x), box.x + box.w), cy = min(max(p.1, box.y), box.y + box.h)
            if (cx - p.0) * (cx - p.0) + (cy - p.1) * (cy - p.1) > 20 * 20 {
                s += "<line x1=\"\(Self.fmt(p.0))\" y1=\"\(Self.fmt(p.1))\" x2=\"\(Self.fmt(cx))\" y2=\"\(Self.fmt(cy))\" stroke=\"#999\" stroke-width=\"0.7\"/>\n"
            }
            s += "<text x=\"\(Self.fmt(box.x))\" y=\"\(Self.fmt(box.y + box.h / 2))\" dominant-baseline=\"middle\" font-size=\"11\" fill=\"#222\">\(Self.esc(labels[i]))</text>\n"
        }
        return s
    }

    /// Series `k`'s bars: each x position holds one group 0.8 wide, a bar per series.
    private func bars(_ ser: Series, index k: Int, color: String, _ f: Layout) -> String {
        var s = ""
        let barGroupWidth = 0.8
        let bw = barGroupWidth / Double(series.count)
        for (xv, yv) in zip(ser.x, ser.y) where xv.isFinite && yv.isFinite {
            let xl = f.px(xv - barGroupWidth / 2 + Double(k) * bw), xr = f.px(xv - barGroupWidth / 2 + Double(k + 1) * bw)
            let yTop = f.py(max(yv, 0)), yBot = f.py(min(yv, 0))
            s += "<rect x=\"\(Self.fmt(xl))\" y=\"\(Self.fmt(yTop))\" width=\"\(Self.fmt(xr - xl))\" height=\"\(Self.fmt(yBot - yTop))\" fill=\"\(color)\"/>\n"
        }
        return s
    }

    /// The legend, right of the plot, when there is more than one series.
    private func legend(_ f: Layout) -> String {
        guard series.count > 1 else { return "" }
        var s = ""
        for (k, ser) in series.enumerated() {
            let y = f.top + 10 + Double(k) * 20
            let color = Self.palette[k % Self.palette.count]
            s += "<rect x=\"\(Self.fmt(f.left + f.pw + 12))\" y=\"\(Self.fmt(y - 6))\" width=\"14\" height=\"12\" fill=\"\(color)\"/>\n"
            s += "<text x=\"\(Self.fmt(f.left + f.pw + 32))\" y=\"\(Self.fmt(y))\" dominant-baseline=\"middle\">\(Self.esc(ser.name))</text>\n"
        }
        return s
    }

    /// Where a point's label goes: the first of eight positions around the point (right, left,
    /// above, below, then the diagonals), tried at growing distances, whose box stays inside the
    /// plot and overlaps no label placed before and no other point. Text width is estimated (no
    /// font metrics in a self-contained SVG): 6.4 px per character at 11 px, boxes 14 px high.
    private func placeLabel(_ text: String, at p: (Double, Double), taken: inout [(x: Double, y: Double, w: Double, h: Double)],
                            frame: (Double, Double, Double, Double), points: [(Double, Double)]) -> (x: Double, y: Double, w: Double, h: Double) {
        let w = 6.4 * Double(text.count), h = 14.0   // with a pixel of air on each side
        func overlaps(_ a: (x: Double, y: Double, w: Double, h: Double)) -> Bool {
            taken.contains { b in a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h }
                || points.contains { q in (q.0 != p.0 || q.1 != p.1) && q.0 > a.x - 3 && q.0 < a.x + a.w + 3 && q.1 > a.y - 3 && q.1 < a.y + a.h + 3 }
        }
        var fallback: (x: Double, y: Double, w: Double, h: Double)? = nil
        for d in [6.0, 14, 24, 36, 50, 70, 95, 125, 160] {
            let candidates = [(p.0 + d, p.1 - h / 2), (p.0 - d - w, p.1 - h / 2), (p.0 - w / 2, p.1 - d - h), (p.0 - w / 2, p.1 + d),
                              (p.0 + d, p.1 - d - h), (p.0 - d - w, p.1 - d - h), (p.0 + d, p.1 + d), (p.0 - d - w, p.1 + d)]
            for (x, y) in candidates {
                let box = (x: x, y: y, w: w, h: h)
                guard x >= frame.0 + 1, y >= frame.1 + 1, x + w <= frame.2 - 1, y + h <= frame.3 - 1 else { continue }
                if fallback == nil { fallback = box }
                if !overlaps(box) { taken.append(box); return box }
            }
        }
        let box = fallback ?? (x: min(max(p.0 + 6, frame.0 + 1), frame.2 - w - 1), y: p.1 - h / 2, w: w, h: h)
        taken.append(box)
        return box
    }

    /// Powers of ten covering [lo, hi] (in log10 units).
    static func decadeTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let a = floor(lo + 1e-9), b = ceil(hi - 1e-9)
        return stride(from: a, through: max(a, b), by: 1).map { $0 }
    }
}
