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
