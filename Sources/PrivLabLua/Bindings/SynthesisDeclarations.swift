import PrivLab

/// The declarations of `pl.synth.*`: private synthetic data and how faithful and how private a
/// release is.
enum SynthesisDeclarations {
    static let data = OptionSpec("data", .dataset, "the private records", .required)

    /// The options random mixing and ClustMix share (`MixingOptions`).
    static var mixing: [OptionSpec] {
        let m = MixingOptions()
        return [
            .integer("m", "records mixed into each output (on average)", default: m.m, .atLeast(1)),
            .number("clip", "norm each record is clipped to before mixing (its sensitivity)", default: m.clip, .above(0)),
            .number("noise", "noise multiplier σ of the Gaussian noise on each mixture", .optional("calibrated to epsilon"), .above(0)),
            .number("epsilon", "target ε (the noise is calibrated to meet it); give noise or epsilon", .optional("noise given instead"), .above(0)),
            .number("delta", "δ of the guarantee", default: m.delta, .above(0), .atMost(0.5)),
            .integer("outputs", "synthetic records to release", .optional("as many as the private records"), .atLeast(1)),
        ] + AccountantDeclarations.choice("the accountant composing the mixtures") + [
            .seed("seed of the mixing and the noise"),
            .integer("workers", "threads to spread the mixing over (the result does not depend on it)", default: m.workers, .atLeast(1), .atMost(64)),
        ]
    }

    /// The Kernel Inducing Points options (`KernelInducingPoints.Options`), also ClustMix's `adapt = {…}`.
    static var kip: [OptionSpec] {
        let k = KernelInducingPoints.Options()
        return [
            .integer("support", "synthetic records adapted (the support set)", default: k.support, .atLeast(2)),
            .integer("steps", "DP gradient steps", default: k.steps, .atLeast(1)),
            .number("lr", "learning rate of the steps", default: k.learningRate, .above(0)),
            .number("fidelity", "weight keeping the support near the release it starts from", default: k.fidelity, .atLeast(0)),
            .number("ridge", "ridge added to the kernel system", default: k.ridge, .above(0)),
            .number("bandwidth", "RBF kernel bandwidth h", .optional("the median distance between support points"), .above(0)),
            .integer("batch", "private records per step", default: k.batch, .atLeast(1)),
            .number("clip", "norm each record's gradient is clipped to", default: k.clip, .above(0)),
            .number("noise", "noise multiplier of the gradient steps (0: not private, and the result is no DP release)", default: k.noise, .atLeast(0)),
        ]
    }

    static let releaseFields = [
        ResultField("1", "Dataset", "the synthetic records"),
        ResultField("2", "table", "{epsilon=, delta=, accountant=, noise=, notes=, phases=, events=}: the release's privacy"),
    ]

    static let randomMixing = FunctionDeclaration(
        "synth.random_mixing", "synthetic records as noisy averages of m random private records of a class (random mixing, Lee et al. 2019)",
        options: [data] + mixing, returns: "Dataset, table", resultFields: releaseFields)

    static let clustMix = FunctionDeclaration(
        "synth.clustmix", "3A / ClustMix: DP clusters per class, then records mixed within clusters; optionally adapted by DP KIP",
        options: [data] + mixing + [
            .integer("clusters", "clusters per class", default: ClustMix.Options().clusters, .atLeast(1)),
            .integer("iterations", "iterations of the DP k-means", default: ClustMix.Options().iterations, .atLeast(1)),
            .choice("approximate", ClustMix.Approximation.self,
                    "3A's Approximate step: \"gmm\", a DP Gaussian mixture per class (DP-EM from a DP k-means start; records go to their most probable component), or \"kmeans\", DP k-means alone (the ablation)",
                    default: ClustMix.Options().approximation),
            .integer("em_iterations", "DP-EM iterations with approximate = \"gmm\" (each one Gaussian step)", default: ClustMix.Options().emIterations, .atLeast(1)),
            .number("cluster_share", "share of ε the clustering may spend", default: ClustMix.Options().clusterShare, .above(0)),
            .number("cluster_noise", "noise multiplier of the clustering steps (with noise=)", .optional("with epsilon: calibrated to cluster_share of it"), .above(0)),
            OptionSpec("public", .dataset, "public records whose k-means gives the centres (costs no privacy)", .optional("DP clustering of the private records")),
            OptionSpec("adapt", .table, "3A's Adapt step: KIP options {support=, steps=, lr=, fidelity=, …}", .optional("no adaptation"), fields: kip),
            .number("adapt_share", "share of ε the Adapt step may spend", default: ClustMix.Options().adaptShare, .above(0)),
        ],
        returns: "Dataset, table", resultFields: releaseFields)

    /// The DP Gaussian mixture's options (`PrivateGaussianMixture.Options`).
    static var gmmOptions: [OptionSpec] {
        let g = PrivateGaussianMixture.Options()
        return [
            .integer("components", "Gaussian components per class", default: g.components, .atLeast(1)),
            .integer("iterations", "DP-EM iterations", default: g.iterations, .atLeast(1)),
            .choice("covariance", PrivateGaussianMixture.Covariance.self, "covariance of each component", default: g.covariance),
            .number("clip", "norm each record is clipped to", default: g.clip, .above(0)),
            .number("noise", "noise multiplier of each Gaussian step", .optional("calibrated to epsilon"), .above(0)),
            .number("epsilon", "target ε (the noise is calibrated to meet it); give noise or epsilon", .optional("noise given instead"), .above(0)),
            .number("delta", "δ of the guarantee", default: g.delta, .above(0), .atMost(0.5)),
            .integer("outputs", "synthetic records to release", .optional("as many as the private records"), .atLeast(1)),
        ] + AccountantDeclarations.choice("the accountant composing the EM steps") + [.seed("seed of the start and the noise")]
    }

    static let dpGMM = FunctionDeclaration(
        "synth.dp_gmm", "synthetic records sampled from a DP Gaussian mixture per class (DP-EM)",
        options: [data] + gmmOptions,
        returns: "Dataset, table", resultFields: releaseFields)

    /// The privacy table a release comes with (what `pl.synth.*` returned second), as `synth.kip` reads it.
    static let releasePrivacy = FunctionDeclaration(
        "synth.kip privacy", "a release's privacy table",
        options: [
            .number("epsilon", "ε the release spent", .required, .atLeast(0)),
            .number("delta", "δ of the release", .required, .above(0)),
            .choice("accountant", AccountantKind.self, "the accountant that stated it", default: .rdp),
            .number("noise", "the last phase's noise multiplier (the phases carry what is accounted)", default: 1, .atLeast(0)),
            OptionSpec("notes", .table, "notes in words", .optional(nil)),
            OptionSpec("events", .table, "the mechanisms in words", .optional(nil)),
            OptionSpec("phases", .table, "the Gaussian phases {{sample_rate=, noise=, steps=}, …}", .required),
            // The rest of a privacy statement, accepted as the release's table gives them (the
            // phases carry what is accounted).
            OptionSpec("note", .string, "the statement's caveats in one line", .optional(nil)),
            .number("clip", "the last DP-SGD phase's clipping norm", .optional(nil), .atLeast(0)),
            .number("sample_rate", "the last DP-SGD phase's sampling rate", .optional(nil), .atLeast(0), .atMost(1)),
            .integer("steps", "the last DP-SGD phase's steps", .optional(nil), .atLeast(0)),
            OptionSpec("sampling", .string, "the last DP-SGD phase's batch sampling", .optional(nil)),
        ])

    /// One phase of a release's privacy table.
    static let releasePhase = FunctionDeclaration(
        "synth.kip phase", "a Gaussian phase",
        options: [
            .number("sample_rate", "probability a record takes part in a step", default: 1, .above(0), .atMost(1)),
            .number("noise", "noise multiplier", default: 1, .above(0)),
            .integer("steps", "steps", default: 1, .atLeast(1)),
        ])

    static let kipDeclaration = FunctionDeclaration(
        "synth.kip", "adapts a private release by DP Kernel Inducing Points (3A's Adapt step) and composes its privacy with the release's",
        options: [
            OptionSpec("release", .dataset, "a private release to adapt", .required),
            OptionSpec("data", .dataset, "the private records the release was made from", .required),
            OptionSpec("privacy", .table, "the release's privacy table (the second value pl.synth.* returned)", .required),
        ] + kip + [
            .number("epsilon", "a total ε to calibrate the noise to (instead of noise)", .optional("the noise given"), .above(0)),
            .seed("seed of the batches and the noise"),
        ],
        returns: "Dataset, table", resultFields: releaseFields)

    static let moments = FunctionDeclaration(
        "synth.moments", "how far a release's class means and covariances are from the real data's (relative, averaged over classes)",
        arguments: [ArgumentSpec("release", "Dataset", "the synthetic records"), ArgumentSpec("data", "Dataset", "the real records")],
        returns: "table",
        resultFields: [ResultField("mean_gap", "number", "relative distance of the class means"),
                       ResultField("covariance_gap", "number", "relative distance of the class covariances")])

    static let mmd = FunctionDeclaration(
        "synth.mmd", "the squared maximum mean discrepancy (RBF kernel) between two data sets",
        arguments: [ArgumentSpec("release", "Dataset", "one data set (e.g. the synthetic records)"), ArgumentSpec("data", "Dataset", "the other (e.g. the real records)")],
        options: [
            .number("bandwidth", "RBF kernel bandwidth", .optional("the median heuristic"), .above(0)),
            .integer("limit", "records of each set used at most (a seeded sample)", default: 1000, .atLeast(2), .atMost(20000)),
            .seed("seed of the sample"),
        ],
        returns: "table",
        resultFields: [ResultField("mmd2", "number", "the unbiased MMD² estimate"), ResultField("bandwidth", "number", "the bandwidth used")])

    static let dcr = FunctionDeclaration(
        "synth.dcr", "distance to the closest synthetic record as a membership attack: members nearer the release than non-members leak",
        options: [
            OptionSpec("release", .dataset, "the synthetic records", .required),
            OptionSpec("members", .dataset, "records the release was made from", .required),
            OptionSpec("nonmembers", .dataset, "records it was not made from", .required),
        ],
        returns: "table",
        resultFields: [ResultField("auc", "number", "AUC of the closest-record attack"),
                       ResultField("member_distance", "number", "median distance of a member to its closest synthetic record"),
                       ResultField("nonmember_distance", "number", "the same for non-members")])
}
