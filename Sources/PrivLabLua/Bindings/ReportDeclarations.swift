import PrivLab

/// The declarations of `pl.report.*`: tables, prose, timings and SVG charts in the report.
enum ReportDeclarations {
    static let table = FunctionDeclaration(
        "report.table", "a Markdown table in the report from a list of row tables (columns by key) or of lists (the first row the header)",
        arguments: [ArgumentSpec("rows", "table", "the rows: records {column = value, …} or lists {v1, v2, …}")],
        options: [
            .integer("digits", "significant digits of numbers", default: 4, .atLeast(1), .atMost(12)),
            OptionSpec("caption", .string, "caption shown above the table", .optional("none")),
            .boolean("wall_clock", "the table holds wall-clock measurements (marked as such, left out of comparisons)", default: false),
            OptionSpec("columns", .table, "column order: keys of the row records (list of strings)", .optional("the sorted keys of all rows")),
            OptionSpec("header", .table, "column headers (list of strings)", .optional("the column keys, or the first row of lists")),
        ])

    static let md = FunctionDeclaration(
        "report.md", "Markdown text added to the report as it is",
        arguments: [ArgumentSpec("text", "string", "Markdown text")])

    static let timing = FunctionDeclaration(
        "report.timing", "a wall-clock measurement line (⏱ label: seconds), left out of report comparisons",
        arguments: [ArgumentSpec("label", "string", "what was timed"), ArgumentSpec("seconds", "number", "how long it took")])

    /// The options every chart takes.
    static let chartOptions: [OptionSpec] = [
        OptionSpec("title", .string, "chart title", .defaulted(.string(""))),
        OptionSpec("xlabel", .string, "x-axis label", .defaulted(.string(""))),
        OptionSpec("ylabel", .string, "y-axis label", .defaulted(.string(""))),
        OptionSpec("name", .string, "the figure's file name (fig-<n>-<name>.svg), so parameterised runs do not overwrite each other", .optional("from the title")),
        OptionSpec("categories", .table, "bar charts: names of the bars (list of strings)", .optional("1, 2, …")),
        OptionSpec("series", .table, "list of {name=, x=, y=, labels=, connected=} (several series; instead of x and y)", .optional(nil)),
        OptionSpec("y", .numbers, "y values of a single series", .optional("series given instead")),
        OptionSpec("x", .numbers, "x values of a single series", .optional("1, 2, …")),
        OptionSpec("label", .string, "name of a single series in the legend", .defaulted(.described("ylabel, or \"y\""))),
        .boolean("logx", "logarithmic x axis", default: false),
        .boolean("logy", "logarithmic y axis", default: false),
        .integer("width", "width in pixels", default: 640, .atLeast(200), .atMost(4000)),
        .integer("height", "height in pixels", default: 400, .atLeast(150), .atMost(4000)),
    ]

    /// The keys of one entry of `series`.
    static let series = FunctionDeclaration("report.chart series", "one series of a chart", options: [
        OptionSpec("name", .string, "the series' name in the legend", .defaulted(.described("\"series <i>\""))),
        OptionSpec("x", .numbers, "x values", .optional("1, 2, …")),
        OptionSpec("y", .numbers, "y values", .required),
        OptionSpec("labels", .table, "scatter charts: a text label per point (list of strings)", .optional(nil)),
        .boolean("connected", "scatter charts: join the points in order", default: false),
    ])

    static let chart = FunctionDeclaration(
        "report.chart", "an SVG chart in the report (line, scatter, bar, or a registered chart plugin); returns the figure's path",
        options: [OptionSpec("kind", .string, "\"line\", \"scatter\", \"bar\", or the name of a chart plugin (which receives the options table)",
                             .defaulted(.string(Chart.Kind.line.rawValue)))] + chartOptions,
        returns: "string")

    /// `pl.report.line`, `scatter` and `bar`: `report.chart` of one kind.
    static func chart(_ kind: Chart.Kind) -> FunctionDeclaration {
        FunctionDeclaration("report.\(kind.rawValue)", "a \(kind.rawValue) chart in the report (SVG); returns the figure's path",
                            options: chartOptions, returns: "string")
    }
}
