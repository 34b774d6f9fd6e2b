import PrivLab

/// The declarations of the feature transformers (`pl.scaler`, `pl.pca`, `pl.select_k_best`,
/// `pl.transformer`).
enum TransformerDeclarations {
    static let scaler = FunctionDeclaration(
        "scaler", "per-feature scaling fitted on training data and applied unchanged to other data",
        options: [.choice("kind", Scaler.Kind.self, "min–max into [0, 1], or z-scores (mean 0, standard deviation 1)", default: .zscore)],
        returns: "Scaler")

    static let pca = FunctionDeclaration(
        "pca", "principal component analysis (scikit-learn's PCA), optionally (ε, δ)-DP by Analyze-Gauss",
        options: [
            .integer("components", "number of components kept", .required, .atLeast(1)),
            .boolean("whiten", "scale the components to unit variance", default: false),
            .table("dp", "(ε, δ)-DP by Analyze-Gauss (Dwork, Talwar, Thakurta & Zhang 2014): rows clipped to clip, Gaussian noise added to XᵀX; the data is not centred (centre it with public knowledge)",
                   .optional("not private"), fields: [
                    .number("epsilon", "ε of the released components", .required, .above(0)),
                    .number("delta", "δ of the (ε, δ) guarantee", default: 1e-5, .above(0)),
                    .number("clip", "norm each record is clipped to", default: 1, .above(0)),
                   ]),
            .seed("seed of the Analyze-Gauss noise"),
        ],
        returns: "Transformer")

    static let selectKBest = FunctionDeclaration(
        "select_k_best", "keeps the k features with the best univariate scores against the labels (scikit-learn's SelectKBest)",
        options: [
            .integer("k", "features kept", .required, .atLeast(1)),
            .choice("score", SelectKBest.Score.self, "univariate score ranking the features", default: .fClassif),
            .seed("seed of mutual_info's neighbour estimate"),
        ],
        returns: "Transformer")

    static let transformer = FunctionDeclaration(
        "transformer", "a transformer written in Lua (or a registered one by name: pl.transformer(\"name\"))",
        options: [
            OptionSpec("fit", .function, "function(train) returning the function(ds) that transforms a Dataset", .required),
            OptionSpec("name", .string, "the transformer's name in messages and model summaries", .defaulted(.string("fit"))),
        ],
        returns: "Transformer")
}
