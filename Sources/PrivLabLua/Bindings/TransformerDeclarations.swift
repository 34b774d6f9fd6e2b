import PrivLab

/// The declarations of the feature transformers (`pl.scaler`, `pl.pca`, `pl.select_k_best`,
/// `pl.transformer`).
enum TransformerDeclarations {
    static let scaler = FunctionDeclaration(
        "scaler", "feature scaling fitted on training data and applied unchanged to other data",
        options: [.choice("kind", Scaler.Kind.self, "min–max into [0, 1], z-scores per feature (mean 0, standard deviation 1), or global: one mean and standard deviation over all values (image normalisation, e.g. Fashion-MNIST's 0.2860, 0.3530)", default: .zscore)],
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

    static let binning = FunctionDeclaration(
        "binning", "coarsens features into bins and replaces each value by its bin's index 0, 1, … (scikit-learn's KBinsDiscretizer, ordinal); edges fitted on training data only",
        options: [
            .integer("bins", "bins per feature (quantile bins narrower than 1e-8 merge; a constant feature gets one)", .required, .atLeast(2), .atMost(Double(Binning.maxBins))),
            .choice("strategy", Binning.Strategy.self, "equal-width bins over the training range, or bins holding equal shares of the training records", default: .quantile),
            .choice("quantile_method", Binning.QuantileMethod.self, "how quantile edges interpolate (NumPy's percentile methods; scikit-learn ≥ 1.9 uses averaged_inverted_cdf)", default: .averagedInvertedCDF)
                .only(.equals("strategy", ["quantile"])),
            OptionSpec("features", .integers, "the features binned (1-based); the others pass through unchanged", .optional("every feature")),
        ],
        returns: "Transformer")

    static let round = FunctionDeclaration(
        "round", "rounds features to the nearest multiple of step (ties to even, as np.round): coarsening in the features' own units",
        options: [
            .number("step", "the rounding grid: 1 rounds to whole numbers, 5 to multiples of 5, 0.1 to one decimal", .required, .above(0)),
            OptionSpec("features", .integers, "the features rounded (1-based); the others pass through unchanged", .optional("every feature")),
        ],
        returns: "Transformer")

    static let dropIdentifying = FunctionDeclaration(
        "drop_identifying", "drops the features that single out training records best, scored on the training data: the share of records a feature's value alone makes unique, or the feature's entropy (= its mutual information with the record's identity)",
        options: [
            .integer("drop", "features dropped (the highest-scoring)", .required, .atLeast(1), .rule("< the features")),
            .choice("score", DropIdentifying.Score.self, "how identifying a feature is: uniqueness (share of records with a value no other record has) or entropy (bits)", default: .uniqueness),
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
