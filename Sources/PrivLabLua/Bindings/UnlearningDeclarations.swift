import PrivLab

/// The unlearning methods by their Lua names (`pl.unlearn.<name>`, and `methods = {…}` of
/// `pl.unlearn.evaluate`).
enum UnlearningChoice: String, CaseIterable {
    case original, retrain, finetune
    case gradientAscent = "gradient_ascent"
    case negGradPlus = "neggrad_plus"
    case randomLabels = "random_labels"
    case scrub, salun
}

/// The declarations of `pl.unlearn.*`: approximate unlearning of a trained network (a new model
/// each time, the original untouched) and the evaluation that compares the methods.
enum UnlearningDeclarations {
    /// The data every method takes.
    static func data(retain required: Bool) -> [OptionSpec] {
        [OptionSpec("model", .model, "the trained network (pl.softmax, pl.mlp, pl.cnn, pl.rnn) to unlearn from; it is not changed", .required),
         OptionSpec("forget", .dataset, "the training records to forget", .required),
         OptionSpec("retain", .dataset, "the training records to keep", required ? .required : .optional("not used: gradient ascent sees only the forget set"))]
    }

    /// The optimisation options, with the method's defaults.
    static func schedule(_ s: UnlearningSchedule, source: String) -> [OptionSpec] {
        [.integer("epochs", "passes of the unlearning (default from \(source))", default: s.epochs, .atLeast(1), .atMost(100_000)),
         .number("lr", "learning rate (default from \(source))", default: s.learningRate, .above(0)),
         .choice("optimizer", OptimizerKind.self, "update rule", default: s.optimizer),
         .integer("batch", "records per batch", .defaulted(.described("the model's batch size")), .atLeast(1)),
         .number("momentum", "SGD momentum", default: s.momentum, .atLeast(0), .below(1)),
         .number("weight_decay", "weight decay λ·w on the weights", default: s.weightDecay, .atLeast(0))]
    }

    /// A method's own options (what a `methods = {…}` entry of evaluate may set).
    static func options(_ c: UnlearningChoice) -> [OptionSpec] {
        switch c {
        case .original, .retrain: return []
        case .finetune: return schedule(FineTuning().schedule, source: "SCRUB's notebook")
        case .gradientAscent: return schedule(GradientAscent().schedule, source: "SalUn's arg_parser")
        case .randomLabels: return schedule(RandomLabels().schedule, source: "SalUn's arg_parser")
        case .negGradPlus:
            return schedule(NegGradPlus().schedule, source: "SCRUB's notebook")
                + [.number("beta", "β: the loss is β·CE(retain) − (1 − β)·CE(forget)", default: NegGradPlus().beta, .atLeast(0), .atMost(1))]
        case .scrub:
            let s = SCRUB()
            return schedule(s.schedule, source: "SCRUB's small-scale notebook") + [
                .number("alpha", "weight α of KL(teacher ‖ student) in the min-steps", default: s.alpha, .atLeast(0)),
                .number("gamma", "weight γ of the cross-entropy in the min-steps", default: s.gamma, .atLeast(0)),
                .number("temperature", "distillation temperature T (kd_T)", default: s.temperature, .above(0)),
                .integer("msteps", "epochs that begin with a max-step on the forget set", default: s.maxSteps, .atLeast(0)),
                OptionSpec("decay_epochs", .integers, "epochs after which the learning rate drops", .defaulted(.described("{5, 8, 9}"))),
                .number("decay_rate", "factor of each learning-rate drop", default: s.decayRate, .above(0)),
            ]
        case .salun:
            return schedule(SalUn().schedule, source: "SalUn's README")
                + [.number("mask_ratio", "share of the weights updated: those with the largest |∇ forget loss|", default: SalUn().maskRatio,
                           .above(0), .atMost(1))]
        }
    }

    static let summaries: [UnlearningChoice: String] = [
        .finetune: "fine-tuning (FT): continues training on the retained records only",
        .gradientAscent: "gradient ascent (GA): ascends the loss of the forget set",
        .negGradPlus: "NegGrad+ (Kurmanji et al. 2023): descends β·CE(retain) − (1 − β)·CE(forget) on paired batches",
        .randomLabels: "random labels (RL): fine-tunes on the forget set relabelled at random together with the retain set",
        .scrub: "SCRUB (Kurmanji et al. 2023): max-steps pushing the student from the teacher on the forget set, min-steps keeping it close on the retain set",
        .salun: "SalUn (Fan et al. 2024): random-label unlearning that updates only the weights most salient to the forget loss",
    ]

    static func method(_ c: UnlearningChoice) -> FunctionDeclaration {
        FunctionDeclaration("unlearn.\(c.rawValue)", (summaries[c] ?? c.rawValue) + "; returns a new model, the original untouched",
                            options: data(retain: c != .gradientAscent) + options(c) + [.seed("seed of the batches, dropout and random labels")],
                            returns: "Model")
    }

    /// The options of one `methods = {…}` entry given as a table (its seed is evaluate's).
    static func entry(_ c: UnlearningChoice) -> FunctionDeclaration {
        FunctionDeclaration("unlearn.evaluate methods entry", "one method and its options",
                            options: [OptionSpec("method", .choice(UnlearningChoice.self), "the method", .required)] + options(c))
    }

    static let evaluate = FunctionDeclaration(
        "unlearn.evaluate",
        "runs unlearning methods on the same split and measures each: forget / retain / test accuracy, wall-clock time, MIA-efficacy and per-example U-LiRA",
        options: [
            OptionSpec("model", .model, "the trained network the methods unlearn from (not changed)", .required),
            OptionSpec("forget", .dataset, "the training records to forget", .required),
            OptionSpec("retain", .dataset, "the training records to keep", .required),
            OptionSpec("test", .dataset, "records never trained on: test accuracy, MIA-efficacy's non-members, U-LiRA's never-seen records", .required),
            OptionSpec("methods", .table, "method names, or tables {method = \"scrub\", epochs = 5, …}: "
                        + UnlearningChoice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "),
                       .defaulted(.described("every method"))),
            OptionSpec("sisa", .model, "a SISA ensemble (pl.sisa) trained on forget ∪ retain: adds its row; it is unlearnt in place", .optional("no SISA row")),
            .integer("shadows", "U-LiRA's shadow models (0: no U-LiRA)", default: 8, .atLeast(0), .atMost(1024)),
            .boolean("global_variance", "U-LiRA pools the Gaussians' variance over records (LiRA §VI-B: better with few shadows)", default: true),
            OptionSpec("population", .dataset, "U-LiRA's records besides the candidates", .optional("the retain set")),
            OptionSpec("fpr", .numbers, "false-positive rates at which U-LiRA's TPR is reported", .defaulted(.described("{0.001, 0.01, 0.1}")),
                       [.above(0), .below(1)]),
            .seed("seed of the methods, the never-seen draw and the shadows"),
            .integer("workers", "shadows trained and unlearnt at once (threads)", .defaulted(.described("the number of cores")), .atLeast(1), .atMost(256)),
        ],
        returns: "table",
        resultFields: [
            ResultField("rows", "table[]", "per method: {method, forget_accuracy, retain_accuracy, test_accuracy, seconds (wall-clock), mia_efficacy, ulira_auc, ulira_accuracy (U-LiRA's best balanced accuracy over thresholds), ulira (the attack's evaluation table, as Attack.evaluate's), model (the unlearnt Model)}"),
            ResultField("never_seen", "integer[]", "ids of the test records U-LiRA used as never-seen"),
            ResultField("clock", "string", "\"wall-clock\": what seconds measure"),
        ])
}
