import PrivLab

/// The declaration of `pl.privacy.perturb_features` (input perturbation, local DP on the records).
enum PerturbationDeclarations {
    static let perturbFeatures = FunctionDeclaration(
        "privacy.perturb_features",
        "input perturbation (local DP): every record's features clipped and noised by itself, optionally its label by randomised response; returns the noisy Dataset and its privacy statement",
        arguments: [ArgumentSpec("data", "Dataset", "the records to release (standardise them first: clipping is on the raw norm)")],
        options: [
            .choice("mechanism", InputPerturbation.Mechanism.self, "Laplace (features clipped in L1, pure ε) or Gaussian (clipped in L2, (ε, δ))", default: .gaussian),
            .number("epsilon", "ε of each record's features", default: 1, .above(0)),
            .number("delta", "δ of the Gaussian mechanism (ignored by Laplace, which is pure)", default: 1e-5, .above(0), .below(1)),
            .number("clip", "norm every feature vector is clipped to; the sensitivity is twice that", default: 1, .above(0)),
            .number("label_epsilon", "ε of k-ary randomised response on each label; the record's ε is then epsilon + label_epsilon",
                    .optional("labels released unchanged: the guarantee covers features only"), .above(0)),
            .seed("seed of the noise"),
        ],
        returns: "Dataset, table",
        resultFields: [
            ResultField("epsilon", "number", "ε of each released record (features, plus label_epsilon when labels are perturbed)"),
            ResultField("delta", "number", "δ (0 for Laplace)"),
            ResultField("noise", "number", "Laplace scale or Gaussian standard deviation on each feature"),
            ResultField("sensitivity", "number", "2·clip: how far two clipped feature vectors can be apart"),
            ResultField("label_flip_probability", "number", "the chance a released label is not the true one (0 without label_epsilon)"),
            ResultField("unit", "string", "what one unit of privacy is: \"features\" or \"record\" (features and label)"),
            ResultField("guarantee", "string", "the statement's notes in words"),
            ResultField("events", "table", "the mechanisms in plain words"),
        ])
}
