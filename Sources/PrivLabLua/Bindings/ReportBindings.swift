import Foundation
import PrivLab

extension Runtime {
    /// Renders a cell value for a report table.
    static func cell(_ v: LuaValue, digits: Int) -> String {
        switch v {
        case .nil: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .number(let d): return formatNumber(d, digits: digits)
        case .string(let s): return s
        case .object(let b): return b.typeName
        case .table: return "{…}"
        case .function: return "function"
        case .other(let t): return t
        }
    }

    /// Builds a table from Lua rows: a list of records (columns from `columns`, else the sorted union
    /// of keys) or a list of lists (header from `columns`, else the first row).
    static func reportTable(_ rowsValue: LuaValue, _ o: LuaOptions) throws -> ReportTable {
        guard case .table(let t) = rowsValue, t.fields.isEmpty else {
            throw LuaError("report.table: argument 1 must be a list of rows, got \(rowsValue.typeName)")
        }
        let digits = try o.integer("digits")
        var caption = try o.optionalText("caption")
        // Wall-clock figures vary between runs: such a table says so, like a timing line.
        if try o.flag("wall_clock") {
            caption = "⏱ wall clock, varies between runs" + (caption.map { " — \($0)" } ?? "")
        }
        let columns = o.has("columns") ? try LuaConvert.strings(o.value("columns"), fn: "report.table", arg: "option 'columns'") : nil
        let header = o.has("header") ? try LuaConvert.strings(o.value("header"), fn: "report.table", arg: "option 'header'") : nil
        try o.finish()
        var rows = [LuaTable]()
        for (i, r) in t.array.enumerated() {
            guard case .table(let rt) = r else { throw LuaError("report.table: row \(i + 1) must be a table, got \(r.typeName)") }
            rows.append(rt)
        }
        let isLists = rows.allSatisfy { $0.fields.isEmpty } && !rows.isEmpty
        if isLists {
            var body = rows.map { $0.array.map { cell($0, digits: digits) } }
            let head: [String]
            if let h = header ?? columns { head = h } else { head = body.isEmpty ? [] : body.removeFirst() }
            for (i, r) in body.enumerated() where r.count != head.count {
                throw LuaError("report.table: row \(i + 1) has \(r.count) cells but there are \(head.count) columns")
            }
            return try ReportTable(headers: head, rows: body, caption: caption)
        }
        let cols = columns ?? Array(Set(rows.flatMap { $0.fields.keys })).sorted()
        let head = header ?? cols
        guard head.count == cols.count else { throw LuaError("report.table: 'header' must name each of the \(cols.count) columns") }
        let body = rows.map { r in cols.map { cell(r.fields[$0] ?? .nil, digits: digits) } }
        return try ReportTable(headers: head, rows: body, caption: caption)
    }

    /// Builds a chart from its options: x/y (one series) or series = {{name=, x=, y=}, …}.
    static func chart(_ o: LuaOptions, kind: Chart.Kind) throws -> (Chart, String?) {
        let fn = "report.chart"
        let title = try o.optionalText("title") ?? "", xl = try o.optionalText("xlabel") ?? "", yl = try o.optionalText("ylabel") ?? ""
        let name = try o.optionalText("name")
        let logx = try o.flag("logx"), logy = try o.flag("logy")
        let width = try o.integer("width"), height = try o.integer("height")
        var series = [Chart.Series]()
        var categories: [String]? = nil
        if o.has("categories") { categories = try LuaConvert.strings(o.value("categories"), fn: fn, arg: "option 'categories'") }
        if o.has("series") {
            guard case .table(let st) = try o.value("series"), st.fields.isEmpty, !st.array.isEmpty else {
                throw LuaError("\(fn): option 'series' must be a non-empty list of {name=, x=, y=}")
            }
            for (i, s) in st.array.enumerated() {
                guard case .table(let t) = s else { throw LuaError("\(fn): series[\(i + 1)] must be a table") }
                let so = try LuaOptions(t, fn: "\(fn) series[\(i + 1)]", declaration: ReportDeclarations.series)
                let y = try LuaConvert.numbers(so.raw("y"), fn: fn, arg: "series[\(i + 1)].y")
                let x = so.has("x") ? try LuaConvert.numbers(so.value("x"), fn: fn, arg: "series[\(i + 1)].x") : y.indices.map { Double($0 + 1) }
                let nm = try so.optionalText("name") ?? "series \(i + 1)"
                let labels = so.has("labels") ? try LuaConvert.strings(so.value("labels"), fn: fn, arg: "series[\(i + 1)].labels") : nil
                let connected = try so.flag("connected")
                try so.finish()
                if (labels != nil || connected) && kind != .scatter {
                    throw LuaError("\(fn): series[\(i + 1)]: labels and connected apply to scatter charts")
                }
                series.append(Chart.Series(name: nm, x: x, y: y, labels: labels, connected: connected))
            }
        } else {
            guard o.has("y") else { throw LuaError("\(fn): give 'y' (and optionally 'x') or 'series'") }
            let y = try LuaConvert.numbers(o.value("y"), fn: fn, arg: "option 'y'")
            let x = o.has("x") ? try LuaConvert.numbers(o.value("x"), fn: fn, arg: "option 'x'") : y.indices.map { Double($0 + 1) }
            series = [Chart.Series(name: try o.optionalText("label") ?? (yl.isEmpty ? "y" : yl), x: x, y: y)]
        }
        try o.finish()
        do {
            var c = try Chart(kind: kind, title: title, xLabel: xl, yLabel: yl, series: series, categories: categories)
            c.logX = logx
            c.logY = logy
            c.width = width
            c.height = height
            try c.validate()
            return (c, name)
        } catch let e as PrivLabError {
            throw LuaError("\(fn): \(e.detail)")
        }
    }

    func installReport() {
        define(ReportDeclarations.table) { call in
            let rt = Runtime.from(call)
            let o = try call.options(2, ReportDeclarations.table)
            rt.sink.table(try Runtime.reportTable(call.value(1), o))
            return 0
        }
        define(ReportDeclarations.md) { call in
            let rt = Runtime.from(call)
            rt.sink.markdown(try call.string(1, fn: "report.md", arg: "argument 1 (markdown text)"))
            return 0
        }
        define(ReportDeclarations.timing) { call in
            let rt = Runtime.from(call)
            let label = try call.string(1, fn: "report.timing", arg: "argument 1 (label)")
            let secs = try call.number(2, fn: "report.timing", arg: "argument 2 (seconds)")
            rt.sink.timing(label, seconds: secs)
            return 0
        }
        // pl.report.chart{kind="line"|"scatter"|"bar"|<plugin>, …}
        define(ReportDeclarations.chart) { call in
            let rt = Runtime.from(call)
            // Not strict: a chart plugin takes options of its own (a built-in kind's finish() rejects them).
            let o = try call.options(1, ReportDeclarations.chart, optional: false, strict: false)
            let kindName = try o.optionalText("kind") ?? Chart.Kind.line.rawValue
            if let kind = Chart.Kind(rawValue: kindName) {
                let d = ReportDeclarations.chart
                try LuaOptions.rejectUnknown(o.table, fn: d.path, accepted: Set(d.options.map(\.key)), refused: d.refused)
                let (chart, name) = try Runtime.chart(o, kind: kind)
                let path = try rt.sink.figure(svg: try chart.svg(), title: chart.title, name: name)
                return call.results(.string(path))
            }
            // A chart plugin receives the options table and returns SVG text.
            let comp = try rt.components.lookup(kind: .chart, name: kindName, runtime: rt, on: call.L)
            let r = try rt.callComponent(comp, [call.value(1)], on: call.L)
            guard case .string(let svg) = r.first ?? .nil, svg.contains("<svg") else {
                throw LuaError("chart '\(kindName)' (plugin \(comp.source)) must return SVG text")
            }
            var title = ""
            if case .string(let t) = o.table.fields["title"] ?? .nil { title = t }
            var name: String? = nil
            if case .string(let n) = o.table.fields["name"] ?? .nil { name = n }
            return call.results(.string(try rt.sink.figure(svg: svg, title: title, name: name)))
        }
        for kind in Chart.Kind.allCases {
            define(ReportDeclarations.chart(kind)) { call in
                let rt = Runtime.from(call)
                let o = try call.options(1, ReportDeclarations.chart(kind), optional: false)
                let (chart, name) = try Runtime.chart(o, kind: kind)
                return call.results(.string(try rt.sink.figure(svg: try chart.svg(), title: chart.title, name: name)))
            }
        }
    }
}
