import Foundation
import PrivLab

/// The declarations of the classical models (`pl.logistic`, `pl.lda`, `pl.gaussian_nb`, `pl.knn`)
/// and of model selection (`pl.cross_validate`, `pl.grid_search`).
enum ClassicalDeclarations {
    static let logistic: FunctionDeclaration = {
        let o = LogisticRegression.Options()
        return FunctionDeclaration(
            "logistic", "logistic regression (scikit-learn's LogisticRegression), optionally ε-DP by output perturbation",
            options: [
                .choice("penalty", LogisticRegression.Penalty.self, "regularisation of the weights", default: o.penalty),
                .number("C", "inverse regularisation strength (scikit-learn's C)", default: o.c, .above(0)),
                .choice("solver", LogisticRegression.Solver.self, "optimisation method", default: o.solver),
                .boolean("intercept", "fit an intercept", default: o.intercept),
                .number("tol", "convergence tolerance", default: o.tolerance, .above(0)),
                .integer("max_iter", "iteration limit of the solver", default: o.maxIterations, .atLeast(1)),
                .table("dp", "ε-DP by output perturbation (Chaudhuri, Monteleoni & Sarwate 2011): rows clipped to clip, noise added to the fitted weights; needs penalty = \"l2\"",
                       .optional("not private"), fields: [
                        .number("epsilon", "ε of the released weights (δ = 0)", .required, .above(0)),
                        .number("clip", "norm each record's features are clipped to", default: 1, .above(0)),
                       ]),
                .seed("seed of the output-perturbation noise"),
            ],
            returns: "Model")
    }()

    static let lda = FunctionDeclaration(
        "lda", "linear discriminant analysis (scikit-learn's LinearDiscriminantAnalysis)",
        options: [
            .choice("solver", LinearDiscriminantAnalysis.Solver.self, "decomposition method", default: LinearDiscriminantAnalysis.Options().solver),
            OptionSpec("shrinkage", .any, "covariance shrinkage: \"auto\" (Ledoit–Wolf) or a weight in [0, 1] (solver \"lsqr\")",
                       .optional("no shrinkage")),
            .number("tol", "threshold below which singular values count as zero", default: LinearDiscriminantAnalysis.Options().tolerance, .above(0)),
        ],
        returns: "Model")

    static let gaussianNB = FunctionDeclaration(
        "gaussian_nb", "Gaussian naive Bayes (scikit-learn's GaussianNB)",
        options: [.number("var_smoothing", "share of the largest feature variance added to every variance",
                          default: GaussianNaiveBayes.Options().smoothing, .atLeast(0))],
        returns: "Model")

    static let knn = FunctionDeclaration(
        "knn", "k-nearest-neighbours classifier (scikit-learn's KNeighborsClassifier)",
        options: [
            .integer("k", "number of neighbours voting", default: NearestNeighbors.Options().k, .atLeast(1)),
            .choice("weights", NearestNeighbors.Weights.self, "how the neighbours' votes are weighted: equally, or by inverse distance",
                    default: NearestNeighbors.Options().weights),
        ],
        returns: "Model")

    /// The fold options cross_validate and grid_search share.
    static let folds: [OptionSpec] = [
        OptionSpec("data", .dataset, "the records to split into folds", .required),
        .integer("folds", "number of folds", default: 10, .atLeast(2)),
        .boolean("stratify", "keep every class's share in every fold", default: true),
        .boolean("shuffle", "shuffle before assigning folds", default: true),
        .seed("seed of the fold assignment and of each fold's model"),
        .integer("workers", "folds fitted at once (threads)", default: 2, .atLeast(1), .atMost(64)),
        .choice("metric", FoldMetric.self, "the score computed on each held-out fold", default: .accuracy),
        OptionSpec("metrics", .any, "several fold scores instead of metric, e.g. {\"accuracy\", \"log_loss\"}", .optional(nil)),
    ]

    static let crossValidate = FunctionDeclaration(
        "cross_validate", "k-fold cross-validation of a model or pipeline (a fresh copy is fitted per fold)",
        options: [
            OptionSpec("model", .model, "the model or pipeline to validate; it is copied, not changed", .required),
        ] + folds + [
            OptionSpec("fold_of", .integers, "the fold (1, 2, …) of every record, to reuse given folds", .optional("folds are drawn")),
        ],
        returns: "table",
        resultFields: [
            ResultField("metrics", "string[]", "the metric names"),
            ResultField("scores", "table", "per metric, the score of each fold"),
            ResultField("mean", "table", "per metric, the mean over folds"),
            ResultField("std", "table", "per metric, the standard deviation over folds"),
            ResultField("fold", "integer[]", "the fold (1-based) of each record"),
            ResultField("predictions", "integer[]", "each record's prediction by the model that did not see it"),
            ResultField("fit_seconds", "number[]", "wall-clock seconds of each fold's fit"),
        ])

    static let gridSearch = FunctionDeclaration(
        "grid_search", "cross-validates a model constructor over every combination of a grid of options",
        options: [
            OptionSpec("model", .function, "the model constructor, e.g. pl.logistic", .required),
            OptionSpec("grid", .table, "the options to try: {option = {values…}, …} (at most 1000 combinations)", .required),
            OptionSpec("options", .table, "options every candidate shares", .optional(nil)),
        ] + folds,
        returns: "table",
        resultFields: [
            ResultField("results", "table[]", "per combination its options and the fold score's mean and std"),
            ResultField("best", "table", "the options of the best combination"),
            ResultField("best_index", "integer", "its position in results"),
            ResultField("metric", "string", "the metric compared"),
            ResultField("best_score", "number", "its mean fold score"),
        ])
}
