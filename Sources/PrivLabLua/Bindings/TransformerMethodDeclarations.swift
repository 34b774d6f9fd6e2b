import PrivLab

/// The Scaler and Transformer methods (one set of bindings serves both classes): what each takes
/// and returns, so `privlab doc Transformer.<method>` and the stubs say it.
extension TransformerDeclarations {
    static let data = ArgumentSpec("data", "Dataset", "the records (select_k_best and drop_identifying also read the labels)")

    /// fit, transform and fit_transform of `cls` ("Scaler" or "Transformer"), then its info.
    static func methods(_ cls: String, info: [ResultField]) -> [FunctionDeclaration] {
        [
            FunctionDeclaration("\(cls).fit", "fits it to the records (from scratch, even when fitted before) and returns this \(cls)",
                                arguments: [data], returns: cls),
            FunctionDeclaration("\(cls).transform", "the records transformed as fitted (ids and labels kept; a new width drops feature names and image shape); an error before fit",
                                arguments: [data], returns: "Dataset"),
            FunctionDeclaration("\(cls).fit_transform", "fits to the records and returns them transformed", arguments: [data], returns: "Dataset"),
            FunctionDeclaration("\(cls).info", "what the fitted \(cls == "Scaler" ? "scaler" : "transformer") learnt", returns: "table",
                                resultFields: [ResultField("name", "string", "what it is"), ResultField("fitted", "boolean", "whether it is fitted")] + info),
        ]
    }

    static let scalerMethods = methods("Scaler", info: [
        ResultField("offset", "number[]", "per feature: subtracted first (each value becomes (x − offset)·scale)"),
        ResultField("scale", "number[]", "per feature: the factor applied after"),
    ])

    static let transformerMethods = methods("Transformer", info: [
        ResultField("components", "number[][]", "pca: each component's direction"),
        ResultField("explained_variance", "number[]", "pca: each component's variance"),
        ResultField("explained_variance_ratio", "number[]", "pca without dp: each component's share of the total variance"),
        ResultField("mean", "number[]", "pca: the mean removed before projecting"),
        ResultField("selected", "integer[]", "select_k_best: the kept features (1-based, increasing)"),
        ResultField("scores", "number[]", "select_k_best, drop_identifying: every feature's score"),
        ResultField("edges", "table", "binning: per feature its bin edges (number[]), or false for a feature passed through"),
        ResultField("n_bins", "integer[]", "binning: per feature its number of bins (0 for a feature passed through)"),
        ResultField("kept", "integer[]", "drop_identifying: the kept features (1-based)"),
        ResultField("dropped", "integer[]", "drop_identifying: the dropped features (1-based)"),
        ResultField("step", "number", "round: the rounding step"),
    ])
}
