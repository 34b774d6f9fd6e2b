import PrivLab

/// The declarations of the `pl` functions of the runtime itself (plugins, the random stream, the
/// system's facts) and of those that take positional arguments rather than an options table.
enum CoreDeclarations {
    static let rng = FunctionDeclaration(
        "rng", "a seeded random stream (methods uniform, normal, int), independent of math.random",
        options: [.seed("seed of the stream")], returns: "RNG")

    static let csv = FunctionDeclaration(
        "data.csv", "a Dataset from a CSV file with a header row: one label column, numeric features",
        arguments: [ArgumentSpec("path", "string", "the CSV file")],
        options: [
            OptionSpec("label", .string, "the label column (values become classes 0, 1, …)", .defaulted(.string("label"))),
            OptionSpec("features", .table, "the feature columns (list of names)", .optional("every other column")),
            OptionSpec("id", .string, "a column of record ids", .optional("ids 1…n")),
            OptionSpec("sep", .string, "the separator (one character)", .defaulted(.string(","))),
        ],
        returns: "Dataset")

    /// `pl.data.digits{}`, `breast_cancer{}`, `wine{}`: the bundled public data sets.
    static func bundled(_ b: BundledData) -> FunctionDeclaration {
        FunctionDeclaration("data.\(b.rawValue)", "the bundled \(b.rawValue) data set (data/README.md says where it comes from)", returns: "Dataset")
    }

    /// Functions that take positional arguments, by path: their `define` records these.
    static let positional: [String: FunctionDeclaration] = Dictionary(uniqueKeysWithValues: [
        FunctionDeclaration("system", "what the numbers were computed with: version, BLAS kernels and choice, threads, CPU, noise kernel",
                            returns: "table",
                            resultFields: ["version", "blas_kernels", "blas_choice", "threads", "cpu", "noise_kernel"].map {
                                ResultField($0, $0 == "threads" ? "integer" : "string", $0.replacingOccurrences(of: "_", with: " "))
                            }),
        FunctionDeclaration("doc", "prints (and returns) a function's, method's or class's documentation; the index without a name",
                            arguments: [ArgumentSpec("name", "string", "a function (\"mlp\"), a class (\"Dataset\") or a method (\"Dataset.split\")", optional: true)],
                            returns: "string"),
        FunctionDeclaration("clock", "wall-clock seconds since an arbitrary origin: for timings only (never deterministic)", returns: "number"),
        FunctionDeclaration("register", "registers a plugin component under a name, usable wherever a built-in of its kind is",
                            arguments: [ArgumentSpec("kind", ComponentKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: "|"), "the kind of component"),
                                        ArgumentSpec("name", "string", "its name"),
                                        ArgumentSpec("fn", "function", "the component")]),
        FunctionDeclaration("use", "loads the plugin <name>.lua from the search path (once)",
                            arguments: [ArgumentSpec("name", "string", "the plugin's name")]),
        FunctionDeclaration("components", "the names available for a kind of component (built-in and registered), sorted",
                            arguments: [ArgumentSpec("kind", ComponentKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: "|"), "the kind of component")],
                            returns: "string[]"),
        FunctionDeclaration("data.load", "a data set by name: a built-in loader (pl.data.<name>) or a registered dataset plugin",
                            arguments: [ArgumentSpec("name", "string", "the loader's or plugin's name"),
                                        ArgumentSpec("opts", "table", "the loader's options", optional: true)],
                            returns: "Dataset"),
        FunctionDeclaration("feature_union", "a transformer whose output is its parts' outputs side by side",
                            arguments: [ArgumentSpec("parts", "Transformer[]", "the transformers (a list: pl.feature_union{ t1, t2, … })")],
                            returns: "Transformer"),
        FunctionDeclaration("pipeline", "transformers then a model, usable as a model (fitting fits each step on the previous step's output)",
                            arguments: [ArgumentSpec("steps", "table", "a list: transformers (pl.scaler, pl.pca, …), then a Model last")],
                            returns: "Model"),
        FunctionDeclaration("load", "a saved Model, SISA ensemble, GMM or KMeans (what :save wrote; a SISA ensemble still unlearns, from the checkpoints in the file)",
                            arguments: [ArgumentSpec("path", "string", "the file")],
                            returns: "Model|SISA|GMM|KMeans"),
        FunctionDeclaration("metric", "a metric of predictions: a built-in name (accuracy, error_rate), a registered metric or a function",
                            arguments: [ArgumentSpec("metric", "string|function", "the metric's name, or function(y_true, y_pred)"),
                                        ArgumentSpec("y_true", "integer[]", "the true labels"),
                                        ArgumentSpec("y_pred", "integer[]", "the predicted labels")],
                            returns: "number"),
    ].map { ($0.path, $0) })
}
