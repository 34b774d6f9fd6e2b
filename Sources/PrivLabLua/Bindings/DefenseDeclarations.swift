import PrivLab

/// PATE's vote aggregators by their Lua names (Papernot et al. 2018: Confident-GNMax, GNMax;
/// Papernot et al. 2017: LNMax); the options each takes are declared with `.only`.
enum PATEAggregatorChoice: String, CaseIterable { case confident, gnmax, lnmax }

/// The declarations of `pl.defense.*`. Every defense returns a Model (fit it on the private set;
/// `model:defense_report()` tells what it did and spent).
enum DefenseDeclarations {
    static let cores = OptionPresence.defaulted(.described("the number of cores"))

    static let output = FunctionDeclaration(
        "defense.output", "releases only part of a model's output: give exactly one of top_k, round, temperature and label_only = true",
        options: [
            OptionSpec("model", .model, "the model whose released probabilities are restricted", .required),
            .integer("top_k", "release only the k largest probabilities", .optional(nil), .atLeast(1)),
            .integer("round", "decimals the released probabilities are rounded to", .optional(nil), .atLeast(0), .atMost(8)),
            .number("temperature", "softmax temperature of the released probabilities", .optional(nil), .above(0)),
            .boolean("label_only", "release the predicted label only", default: false),
        ],
        returns: "Model")

    static let dmp = FunctionDeclaration(
        "defense.dmp", "Distillation for Membership Privacy (Shejwalkar & Houmansadr 2021): a student trained on the teacher's soft labels of reference records",
        options: [
            OptionSpec("teacher", .model, "the unprotected model, trained on the private set", .required),
            OptionSpec("student", .model, "the model trained on the teacher's soft labels", .optional("a copy of the teacher")),
            OptionSpec("reference", .dataset, "unlabelled records disjoint from the private set", .required),
            .number("temperature", "softmax temperature of the teacher's soft labels", default: DMPOptions().temperature, .above(0)),
            .number("keep", "share of the reference records kept (lowest entropy first)", default: DMPOptions().keep, .above(0), .atMost(1)),
            .seed(),
        ],
        returns: "Model")

    static let pate = FunctionDeclaration(
        "defense.pate", "PATE (Papernot et al. 2017, 2018): teachers on disjoint parts of the private set label public records through a noisy vote; a student learns from them",
        options: [
            OptionSpec("teacher", .model, "what each teacher is (copied untrained)", .required),
            OptionSpec("student", .model, "the model trained on the labelled public records", .optional("a copy of the teacher")),
            OptionSpec("public", .dataset, "unlabelled public records the student learns from", .required),
            .integer("teachers", "number of teachers (disjoint parts of the private data)", default: PATEOptions().teachers,
                     .atLeast(2), .atMost(100_000)),
            .choice("aggregator", PATEAggregatorChoice.self, "the noisy vote: Confident-GNMax, GNMax or LNMax", default: .confident),
            .number("threshold", "confident: votes the top class needs (noisily) for the query to be answered",
                    .defaulted(.described("0.8 × teachers"))).only(.equals("aggregator", ["confident"])),
            .number("sigma1", "confident: noise of the threshold check", .defaulted(.described("0.6 × teachers")), .above(0))
                .only(.equals("aggregator", ["confident"])),
            .number("sigma", "Gaussian noise of the vote", .defaulted(.described("0.16 × teachers")), .above(0))
                .only(.equals("aggregator", ["confident", "gnmax"])),
            .number("lambda", "Laplace noise scale of the vote", .defaulted(.described("0.16 × teachers")), .above(0))
                .only(.equals("aggregator", ["lnmax"])),
            .integer("queries", "public records (the first ones) put to the teachers", .optional("all of them"), .atLeast(1),
                     .rule("≤ the public records")),
            .number("delta", "δ of the reported (ε, δ)", default: PATEOptions().delta, .above(0), .atMost(1)),
            .number("epsilon", "a budget the run must fit, checked before training against the data-independent bound with every query answered", .optional("no budget"), .above(0)),
            .seed("seed of the teachers' partition, the vote noise and the models"),
            .integer("workers", "teachers trained at once (threads)", cores, .atLeast(1), .atMost(256)),
        ],
        returns: "Model")

    static let selena = FunctionDeclaration(
        "defense.selena", "SELENA (Tang et al. 2022): Split-AI sub-models answer each training record only through those that did not see it; a student is distilled from their answers",
        options: [
            OptionSpec("model", .model, "what each Split-AI sub-model is (copied untrained)", .optional("required unless split_ai is given")),
            OptionSpec("student", .model, "the distilled model", .optional("a copy of model")),
            OptionSpec("split_ai", .model, "a pl.defense.split_ai already fitted on the private set: SELENA distils from it instead of training its own (the same SELENA, bit for bit; model, models, excluded and seed then come from it)",
                       .optional("train one")),
            .integer("models", "Split-AI sub-models (K)", default: SELENAOptions().models, .atLeast(2), .atMost(10_000)),
            .integer("excluded", "sub-models that do not see a record (L)", .defaulted(.described("min(10, models − 1)")),
                     .atLeast(1), .atMostOption("models", less: 1)),
            .seed("seed of the record placement and the models"),
            .integer("workers", "sub-models trained at once (threads)", cores, .atLeast(1), .atMost(256)),
        ],
        returns: "Model")

    static let splitAI = FunctionDeclaration(
        "defense.split_ai", "Split-AI (Tang et al. 2022, SELENA's ensemble) alone: K sub-models, each record left out of L; a training record is answered by the L that did not see it, any other query by the L left out for a training record its content picks",
        options: [
            OptionSpec("model", .model, "what each sub-model is (copied untrained)", .required),
            .integer("models", "sub-models (K)", default: SplitAIOptions().models, .atLeast(2), .atMost(10_000)),
            .integer("excluded", "sub-models that do not see a record (L)", .defaulted(.described("min(10, models − 1)")),
                     .atLeast(1), .atMostOption("models", less: 1)),
            .seed("seed of the record placement and the models (the same seed and options as a pl.defense.selena give its Split-AI)"),
            .integer("workers", "sub-models trained at once (threads)", cores, .atLeast(1), .atMost(256)),
        ],
        returns: "Model")

    static let adversarial = FunctionDeclaration(
        "defense.adversarial", "adversarial regularisation (Nasr, Shokri & Houmansadr 2018): training against an inference model",
        options: [
            OptionSpec("model", .model, "the classifier to regularise", .required),
            OptionSpec("reference", .dataset, "non-member records for the inference model", .required),
            .number("lambda", "λ: weight of the inference model's mean membership score in the classifier's loss (the authors' α, 3 on Purchase-100)",
                    default: AdversarialRegularizationOptions().lambda, .atLeast(0)),
            .integer("steps", "k: inference-model steps after each classifier step (the authors' code: about 26)",
                     default: AdversarialRegularizationOptions().innerSteps, .atLeast(1), .atMost(1000)),
            .number("attack_width", "widths of the inference model relative to the authors' (1: prediction branch 1024-512-64, label branch 128-64, combined 512-256-128-64)",
                    default: AdversarialRegularizationOptions().attackWidth, .above(0), .atMost(4)),
            .number("attack_lr", "learning rate (Adam) of the inference model", default: AdversarialRegularizationOptions().attackLearningRate, .above(0)),
            .integer("attack_batch", "private and reference records per inference-model step (each)", default: AdversarialRegularizationOptions().attackBatch,
                     .atLeast(1), .atMost(1_000_000)),
            .choice("attack_input", InferenceInput.self, "what the inference model reads: the logits (the authors' code) or the probabilities (the paper's text)",
                    default: AdversarialRegularizationOptions().attackInput),
            .choice("attack_loss", InferenceLoss.self, "what the inference model minimises: the squared error (the authors' code) or the cross-entropy (the paper's gain)",
                    default: AdversarialRegularizationOptions().attackLoss),
            .choice("attack_init", InferenceInitialisation.self,
                    "how the inference model's weights start: normal, N(0, 0.01²) weights and zero biases (the authors' code; on Purchase-like data h then never moves), or uniform, PyTorch's default (a departure from the authors' code)",
                    default: AdversarialRegularizationOptions().attackInitialisation),
            .integer("warmup", "epochs of plain training before the game starts (fewer than the classifier's epochs)", default: AdversarialRegularizationOptions().warmupEpochs,
                     .atLeast(0), .atMost(10_000)),
            .integer("attack_warmup", "passes of the inference model alone over the private set after the warm-up",
                     default: AdversarialRegularizationOptions().attackWarmupEpochs, .atLeast(0), .atMost(10_000)),
            .seed(),
        ],
        returns: "Model")

    static let memguard = FunctionDeclaration(
        "defense.memguard", "MemGuard (Jia et al. 2019): adds crafted noise to each released probability vector to fool an attack classifier",
        options: [
            OptionSpec("model", .model, "the model whose confidence vectors are defended", .required),
            OptionSpec("reference", .dataset, "non-member records for the defense classifier", .required),
            .number("budget", "largest change allowed to a released probability vector (L1)", default: MemGuardOptions().budget, .atLeast(0)),
            .integer("iterations", "steps of the noise search per vector", default: MemGuardOptions().iterations, .atLeast(1), .atMost(100_000)),
            .seed(),
        ],
        returns: "Model")

    static let pase = FunctionDeclaration(
        "defense.pase", "PASE (Izmailov et al. 2019): members on disjoint parts of the private set; a query is answered by the members that did not see it (or, for other queries, as many chosen by its content)",
        options: [
            OptionSpec("model", .model, "what each ensemble member is (copied untrained)", .required),
            .integer("models", "ensemble members", default: PASEOptions().models, .atLeast(2), .atMost(10_000)),
            .seed(),
            .integer("workers", "members trained at once (threads)", cores, .atLeast(1), .atMost(256)),
        ],
        returns: "Model")
}
