import PrivLab

/// The declarations of `pl.leakage.*` functions written against declarations (the older kl and
/// monte_carlo read their options directly).
enum LeakageDeclarations {
    static let leaveOneOut = FunctionDeclaration(
        "leakage.leave_one_out",
        "KL membership leakage (Farokhi & Kaafar 2020) of any model released with Gaussian noise on its parameters: ‖θ̂(D) − θ̂(D without i)‖²/2σ² from seeded leave-one-out refits",
        options: [
            OptionSpec("model", .model, "the learner (copied untrained; every refit starts from its seed's initial weights — give it a full batch so the run depends on the data alone)", .required),
            OptionSpec("data", .dataset, "the (private) training records", .required),
            .number("sigma", "standard deviation of the Gaussian noise added to every parameter", .required, .above(0)),
            .integer("records", "records left out in turn (the first ones of a seeded sample)", default: 20, .atLeast(1), .rule("≤ the records")),
            .seed("seed of the sample of records left out"),
        ],
        returns: "table",
        resultFields: [
            ResultField("mean_kl", "number", "KL leakage averaged over the records left out"),
            ResultField("max_kl", "number", "the largest record's KL leakage"),
            ResultField("success_bound", "number", "the attacker's success at equal priors the KL allows (Pinsker / Bretagnolle–Huber), averaged"),
            ResultField("optimal_success", "number", "the likelihood-ratio test's success Φ(‖Δθ‖/2σ), averaged"),
            ResultField("mean_shift", "number", "‖θ̂(D) − θ̂(D without i)‖ averaged over the records"),
            ResultField("max_shift", "number", "the largest shift (an empirical, local sensitivity)"),
            ResultField("parameters", "integer", "entries of the parameter vector the noise is added to"),
            ResultField("records", "integer", "records left out"),
        ])
}

/// The learner `pl.leakage.kl` has a closed-form sensitivity for.
enum LeakageLearnerChoice: String, CaseIterable {
    case logistic, ridge
}

extension LeakageDeclarations {
    static let kl = FunctionDeclaration(
        "leakage.kl",
        "KL membership leakage (Farokhi & Kaafar 2020) of a two-class linear learner released with Gaussian output perturbation, from its closed-form sensitivity",
        options: [
            .choice("learner", LeakageLearnerChoice.self, "the learner: L2-regularised logistic regression, or ridge regression on ±1 targets", default: .logistic),
            OptionSpec("data", .dataset, "the (private) training records: two classes, every row of norm ≤ 1", .required),
            .number("lambda", "the learner's L2 regularisation (the sensitivity is 2/(n·lambda))", default: 0.01, .above(0)),
            .number("sigma", "standard deviation of the Gaussian noise on the parameters; give sigma or epsilon", .optional("epsilon given instead"), .above(0)),
            .number("epsilon", "ε the noise is calibrated to (with delta); give sigma or epsilon", .optional("sigma given instead"), .above(0)),
            .number("delta", "δ the noise is calibrated to (with epsilon)", default: 1e-5, .above(0), .atMost(1)),
        ],
        returns: "table",
        resultFields: [
            ResultField("mean_kl", "number", "KL leakage averaged over the records"),
            ResultField("max_kl", "number", "the largest record's KL leakage"),
            ResultField("success_bound", "number", "the attacker's success at equal priors the KL allows, averaged"),
            ResultField("optimal_success", "number", "the likelihood-ratio test's success, averaged"),
            ResultField("sigma", "number", "the noise standard deviation used"),
            ResultField("sensitivity", "number", "the learner's L2 sensitivity"),
            ResultField("records", "integer", "records of the data"),
        ])

    static let monteCarlo = FunctionDeclaration(
        "leakage.monte_carlo",
        "KL membership leakage of one record under any randomised learner, estimated from repeated trainings with and without it (Gaussian fits of the parameters)",
        options: [
            OptionSpec("model", .model, "a small randomised learner, e.g. pl.softmax{dp = {…}} (copied, trained runs times each way)", .required),
            OptionSpec("data", .dataset, "the training records", .required),
            .integer("id", "id of the record whose leakage is estimated", .required),
            .integer("runs", "trainings with and without the record", default: 100, .atLeast(4), .atMost(100_000)),
            .seed("seed of the trainings"),
        ],
        returns: "table",
        resultFields: [
            ResultField("kl", "number", "the estimated KL leakage"),
            ResultField("ci_low", "number", "lower end of its confidence interval"),
            ResultField("ci_high", "number", "upper end"),
            ResultField("runs", "integer", "trainings each way"),
        ])
}
