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

    static let epsilonLowerBound = FunctionDeclaration(
        "audit.epsilon_lower_bound",
        "an empirical lower bound on ε from a membership attack's errors: Clopper–Pearson bounds on its true and false positive rates (Jagielski, Ullman & Oprea 2020)",
        options: [
            .number("alpha", "significance level: the bound holds with probability 1 − alpha", default: 0.05, .above(0), .atMost(0.5)),
            .number("delta", "the δ the ε is stated at", default: 0, .atLeast(0), .atMost(1)),
            .integer("tp", "counts: true positives of the attack (with fp, positives, negatives)", .optional("scores or result given instead")),
            .integer("fp", "counts: false positives of the attack", .optional("scores or result given instead")),
            .integer("positives", "counts: records the attack should flag (members)", .optional("scores or result given instead")),
            .integer("negatives", "counts: records it should not (non-members)", .optional("scores or result given instead")),
            OptionSpec("members", .numbers, "scores: the attack's scores of members (with nonmembers; every threshold is tried)", .optional("counts or result given instead")),
            OptionSpec("nonmembers", .numbers, "scores: the attack's scores of non-members", .optional("counts or result given instead")),
            OptionSpec("result", .table, "an attack:evaluate{…} result (its scores and member flags)", .optional("counts or scores given instead")),
            .boolean("two_sided", "with scores: also try flagging low scores as members", default: true),
        ],
        returns: "table",
        resultFields: [
            ResultField("epsilon", "number", "the lower bound on ε"),
            ResultField("rate_lower", "number", "the lower confidence bound of the rate ratio's numerator"),
            ResultField("rate_upper", "number", "the upper confidence bound of its denominator"),
            ResultField("thresholds_tried", "integer", "thresholds tried (1 with counts)"),
            ResultField("threshold", "number", "with scores: the best threshold (chosen on the same scores)"),
            ResultField("note", "string", "with scores: why the bound is optimistic"),
        ])

    /// The canaries of `pl.audit.dp_sgd`; "input" names the input-space family, of which Dirac is used.
    enum CanaryChoice: String, CaseIterable {
        case dirac, input, random, relabelled, gradient
    }

    static let dpSGD = FunctionDeclaration(
        "audit.dp_sgd",
        "audits a DP-SGD model by training it with canaries: one run (Steinke, Nasr & Jagielski 2023) or many runs with one canary (Jagielski et al. 2020)",
        options: [
            OptionSpec("model", .model, "a model with dp = {…}, re-trained by the audit", .required),
            OptionSpec("data", .dataset, "the training records", .required),
            .choice("kind", CanaryChoice.self, "the canaries: dirac (= input) inputs on unused features, random inputs far from the data, relabelled records, or white-box gradient canaries inside DP-SGD",
                    default: .dirac),
            .number("norm", "norm of the dirac or random canaries (not for relabelled or gradient)", .optional("the audit's default"), .above(0)),
            .integer("runs", "many-run audit: independent trainings (each with or without one canary)", .optional("the one-run audit"), .atLeast(4), .atMost(100_000)),
            OptionSpec("alpha", .number, "many-run audit: significance level of the bound", .defaulted(.number(0.05)), [.above(0), .atMost(0.5)])
                .only(.given("runs", why: "the one-run audit takes p")),
            .integer("canaries", "one-run audit: canaries, each included with probability ½", default: 100, .atLeast(2), .atMost(1_000_000)),
            .integer("k_plus", "one-run audit: guesses that a canary was included", .optional("canaries / 4"), .atLeast(0)),
            .integer("k_minus", "one-run audit: guesses that a canary was not included", .optional("canaries / 4"), .atLeast(0)),
            .number("p", "one-run audit: significance level of the guesses", default: 0.05, .above(0), .atMost(1)),
            .seed("seed of the canaries and the trainings"),
        ],
        returns: "table",
        resultFields: oneRunFields + [
            ResultField("claimed_epsilon", "number", "the ε the model's DP-SGD states"),
            ResultField("included", "integer", "one-run audit: canaries included in training"),
            ResultField("placement", "string", "one-run audit: where the canaries were placed"),
            ResultField("runs", "integer", "many-run audit (which returns epsilon_lower_bound, claimed_epsilon, delta and these): trainings"),
            ResultField("thresholds_tried", "integer", "many-run audit: thresholds tried on the runs' scores"),
        ])
}
