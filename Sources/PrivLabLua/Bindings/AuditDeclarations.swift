import PrivLab

/// The declarations of `pl.audit.*` functions read through declared options.
enum AuditDeclarations {
    /// The fields both one-run bounds add to a result (`pl.audit.one_run`, `pl.audit.dp_sgd`).
    static let oneRunFields = [
        ResultField("epsilon_lower_bound", "number", "Steinke, Nasr & Jagielski 2023: the largest ε the guesses reject at δ"),
        ResultField("mu_lower_bound", "number", "Mahloujifar, Melis & Chaudhuri 2024: the largest μ whose μ-GDP the guesses reject (0: none)"),
        ResultField("epsilon_lower_bound_fdp", "number",
                    "ε of that μ-GDP at δ (∞ when δ = 0): a lower bound on ε if the trade-off curve is Gaussian-shaped, as DP-SGD's nearly is"),
        ResultField("guesses", "integer", "guesses made (k₊ + k₋)"),
        ResultField("correct", "integer", "guesses that were right"),
        ResultField("canaries", "integer", "canaries, each included with probability ½"),
        ResultField("delta", "number", "the δ both ε are stated at"),
    ]

    static let oneRun = FunctionDeclaration(
        "audit.one_run", "the one-run audit's two lower bounds from its counts: Steinke et al.'s ε and the f-DP (μ-GDP) bound of Mahloujifar et al.",
        options: [
            .integer("canaries", "canaries, each included in training with probability ½", .required, .atLeast(1)),
            .integer("guesses", "guesses made (in or out); the other canaries abstained", .required, .atLeast(0), .atMostOption("canaries")),
            .integer("correct", "guesses that were right", .required, .atLeast(0), .atMostOption("guesses")),
            .number("delta", "the δ both ε are stated at", default: 1e-5, .atLeast(0), .below(1)),
            .number("p", "significance level: each bound holds with probability 1 − p", default: 0.05, .above(0), .below(1)),
        ],
        returns: "table", resultFields: oneRunFields)
}
