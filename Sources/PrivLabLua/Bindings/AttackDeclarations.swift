import PrivLab

/// The shadow attack's membership classifiers by their Lua names.
enum AttackModelChoice: String, CaseIterable { case auto, logistic, boosting, mlp }

/// Where the shadow models' training data comes from, by its Lua names.
enum ShadowSourceChoice: String, CaseIterable { case real, marginals, noisy, synthesis }

/// RMIA's two sets of defaults, by their Lua names.
enum RMIAPreset: String, CaseIterable { case library, paper }
/// RMIA's signal Pr(x | θ), by its Lua names.
enum RMIASignalChoice: String, CaseIterable { case softmax, taylor }
/// How RMIA averages reference signals, by its Lua names.
enum RMIAAveragingChoice: String, CaseIterable { case mean, trimmed }

/// The declarations of `pl.attack.*`.
enum AttackDeclarations {
    static let cores = OptionPresence.defaulted(.described("the number of cores"))
    static let target = OptionSpec("target", .model, "the fitted model under attack (queried only through what it releases)", .required)
    static let shadowModel = OptionSpec("shadow_model", .model, "the attacker's guess of the target's architecture, copied for each shadow",
                                        .optional("a re-seeded copy of the target"))
    static let budget = OptionSpec.integer("budget", "records the attacker may query the target with", .optional("unlimited"), .atLeast(1))
    static let trainSize = OptionSpec.integer("train_size", "the target's training-set size (the shadows train on as many)",
                                              .optional("as many as the attacker's data allows"), .atLeast(2))
    static func data(_ presence: OptionPresence) -> OptionSpec {
        OptionSpec("data", .dataset, "the attacker's records, from the target's distribution but not its training set", presence)
    }
    static func workers(_ what: String) -> OptionSpec { .integer("workers", what, cores, .atLeast(1), .atMost(256)) }
    static func shared(_ count: String) -> OptionSpec {
        OptionSpec("reference_models", .object("ReferenceModels"),
                   "models trained beforehand by pl.attack.reference_models, shared with other attacks: their first \(count) are used and none is trained",
                   .optional("trained by the attack"))
    }

    static let shadow: FunctionDeclaration = {
        let synth = ShadowSynthesis.Options()
        let synthesis = OptionCondition.equals("source", ["synthesis"])
        let (logistic, boosting, mlp) = (OptionCondition.equals("attack_model", ["logistic"]), OptionCondition.equals("attack_model", ["boosting"]),
                                         OptionCondition.equals("attack_model", ["mlp"]))
        let auto = OptionCondition.equals("attack_model", ["auto"])
        return FunctionDeclaration(
            "attack.shadow", "the shadow-model attack (Shokri et al. 2017): shadows imitate the target on known members; an attack model learns in from out",
            options: [
                target, data(.required), shadowModel, budget, trainSize,
                .seed("seed of the shadows' data and training"), workers("shadow models trained at once (threads)"),
                .integer("shadows", "shadow models to train", default: 4, .atLeast(1), .atMost(1000)),
                .integer("shadow_size", "records each shadow trains on (and as many held out)",
                         .optional("as many as the data allows, at most train_size"), .atLeast(2)),
                .integer("synthetic", "records to generate for a synthetic source", .optional("the attacker data's size"), .atLeast(1)),
                .boolean("per_class", "one attack model per class (the paper) instead of one for all", default: false),
                OptionSpec("sorted", .boolean, "sort each released vector before the attack model reads it",
                           .optional("sorted for one model, unsorted per class")),
                .choice("features", AttackFeatures.self, "what the attack model reads of a released vector: the probabilities, or their logarithms",
                        default: .logProbabilities),
                .choice("attack_model", AttackModelChoice.self,
                        "the membership classifier trained on the shadows' outputs; auto: the best of logistic, boosting and mlp (per class or global, on probabilities or log-probabilities unless per_class or features is given) by AUC on held-out shadows",
                        default: .auto),
                .number("attack_holdout", "share of the shadows held out to choose the attack model (one at least; a single shadow: half its records)",
                        default: 0.25, .above(0), .below(1)).only(auto),
                .boolean("attack_refit", "refit the chosen attack model on all shadows (else keep it as fitted without the held-out ones)",
                         default: true).only(auto),
                .number("attack_l2", "L2 penalty of the logistic attack model", default: 1e-4, .atLeast(0)).only(logistic),
                .integer("attack_stages", "boosting stages", default: 100, .atLeast(1), .atMost(10_000)).only(boosting),
                .integer("attack_depth", "depth of each boosted tree", default: 3, .atLeast(1), .atMost(12)).only(boosting),
                .integer("attack_hidden", "hidden units of the MLP attack model", default: 64, .atLeast(0), .atMost(4096)).only(mlp),
                .integer("attack_epochs", "training epochs of the MLP attack model", default: 30, .atLeast(1), .atMost(10_000)).only(mlp),
                .choice("source", ShadowSourceChoice.self, "the shadows' data: the attacker's real records, per-class marginals, noisy records, or synthesis by hill climbing on the target",
                        default: .real),
                .number("noise", "share of each record's features replaced", default: 0.1, .atLeast(0), .atMost(1)).only(.equals("source", ["noisy"])),
                .integer("k_max", "features changed per proposal at first", default: synth.kMax, .atLeast(1)).only(synthesis),
                .integer("k_min", "features changed per proposal at least", default: synth.kMin, .atLeast(1), .atMostOption("k_max")).only(synthesis),
                .number("conf_min", "target confidence a synthetic record must reach", default: synth.confMin, .above(0), .atMost(0.999999)).only(synthesis),
                .integer("rej_max", "rejections before fewer features are changed", default: synth.rejMax, .atLeast(1)).only(synthesis),
                .integer("iter_max", "proposals per synthetic record", default: synth.iterMax, .atLeast(1)).only(synthesis),
            ],
            returns: "Attack")
    }()

    static let metric = FunctionDeclaration(
        "attack.metric", "a metric attack (Yeom et al. 2018; Song & Mittal 2021): a per-record signal of the released output against a threshold",
        options: [
            target, data(.optional("the threshold is not calibrated: scores only")), shadowModel, budget, trainSize, shared("shadows"),
            .seed("seed of the shadows calibrating the threshold"), workers("shadow models trained at once (threads)"),
            OptionSpec("score", .any, "the membership signal: " + MembershipSignal.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                       + ", a registered attack_score's name, or function(probabilities, label) → number (higher: more likely a member)",
                       .defaulted(.string(MembershipSignal.loss.rawValue))),
            .boolean("class_wise", "calibrate one threshold per class", default: false),
            .integer("shadows", "shadow models (or reference models) calibrating the threshold", .optional("1, or all the reference models given"), .atLeast(1), .atMost(1000)),
            .integer("shadow_size", "records each shadow trains on", .optional("as many as the data allows, at most train_size"), .atLeast(2)),
            .integer("risk_bins", "bins of Song & Mittal's privacy-risk score", default: 20, .atLeast(2), .atMost(1000)),
        ],
        returns: "Attack")

    static let lira = FunctionDeclaration(
        "attack.lira", "the likelihood-ratio attack (Carlini et al. 2022): Gaussians fitted to shadows' per-record confidences in and out",
        options: [
            target, data(.optional("the reference models' attacker data")), shadowModel, budget, shared("shadows"),
            .seed("seed of the shadows' data and training"), workers("shadow models trained at once (threads)"),
            .integer("shadows", "shadow models, each on a random half of the pool", .optional("16, or all the reference models given"), .atLeast(2), .atMost(1000)),
            .boolean("online", "also use shadows that include each target record", default: true),
            .boolean("global_variance", "one variance for all records instead of one per record", default: false),
        ],
        returns: "Attack",
        refused: ["train_size": "does not apply (each shadow trains on half of its pool)"])

    static let referenceModels = FunctionDeclaration(
        "attack.reference_models", "reference (shadow) models for LiRA, RMIA and a calibrated metric attack, trained once and shared: copies of a model, each on a random half of a pool",
        options: [
            OptionSpec("model", .model, "the attacker's guess of the target's architecture (the target itself: known architecture); copied untrained", .required),
            data(.required),
            OptionSpec("candidates", .dataset, "records whose membership is asked (e.g. members and non-members to evaluate): added to the pool so each is IN about half the models, as online attacks need",
                       .optional("none: the models serve offline attacks only")),
            .integer("count", "reference models to train", default: 16, .atLeast(1), .atMost(10_000)),
            .seed("seed of the halves and of each model (model i is the same for any count)"), workers("models trained at once (threads)"),
        ],
        returns: "ReferenceModels")

    static let rmia = FunctionDeclaration(
        "attack.rmia", "RMIA (Zarifzadeh, Liu & Shokri 2024): how often a record is more likely under the target than population records, each relative to reference models",
        options: [
            target, data(.optional("the reference models' attacker data")), shadowModel, budget, shared("references"),
            .seed("seed of the reference models and of the population sample"), workers("reference models trained at once (threads)"),
            .integer("references", "reference models, each on a random half of its pool", .optional("4, or all the reference models given"), .atLeast(1), .atMost(10_000)),
            .boolean("online", "reference models also trained on each candidate (IN and OUT); offline, OUT only with the linear correction a", default: false),
            .choice("preset", RMIAPreset.self, "defaults of the library (ml_privacy_meter's attacks.py) or of the paper's research code (CIFAR-10 configuration)", default: .library),
            .number("gamma", "γ: a population record z counts when LR(x, z) > γ", .optional("1 (library) or 2 (paper)"), .above(0)),
            .number("temperature", "softmax temperature of the signal", .optional("1 (library) or 2 (paper)"), .above(0)),
            OptionSpec("signal", .choice(RMIASignalChoice.self), "Pr(x | θ): the softmax probability of the label, or the research code's soft-margin Taylor softmax",
                       .optional("softmax (library) or taylor (paper)")),
            .number("margin", "the Taylor signal's soft margin m", .optional("0.6"), .atLeast(-100), .atMost(100)),
            .integer("order", "terms of the Taylor polynomial", .optional("4"), .atLeast(2), .atMost(20)),
            OptionSpec("averaging", .choice(RMIAAveragingChoice.self), "how reference signals are averaged into Pr(x): the mean, or a mean trimmed at both ends",
                       .optional("mean (library) or trimmed (paper)")),
            .number("trim", "share cut at each end by the trimmed mean", .optional("0.2"), .atLeast(0), .below(0.5)),
            OptionSpec("a", .any, "offline: the linear correction's a in [0, 1], or \"tuned\" (chosen by attacking one reference model with the others)",
                       .optional("\"tuned\" (library) or 0.3 (paper)")),
            .integer("population", "population records z drawn from the attacker's data", .optional("all of them"), .atLeast(1)),
        ],
        returns: "Attack",
        refused: ["train_size": "does not apply (each reference model trains on half of its pool)"])

    static let gradient = FunctionDeclaration(
        "attack.gradient", "a white-box attack: the norm of each record's loss gradient (or its loss) at the target's parameters",
        options: [
            target,
            .choice("score", GradientAttack.Signal.self, "the signal: the gradient norm, or the loss", default: .gradnorm),
        ],
        returns: "Attack")

    static let releasedLayers = FunctionDeclaration(
        "attack.released_layers",
        "a grey-box attack on a network whose lower layers are released but not its head: the attacker trains its own head on its public records through those layers and scores a record by minus the rebuilt model's loss",
        options: [
            OptionSpec("target", .model, "the fitted network whose lower layers are released (its outputs are not queried)", .required),
            data(.required), .seed("seed of the attacker's head"),
            .integer("layers", "layers released, counted as the network lists them (an MLP's hidden block: dense, activation, dropout)",
                     .optional("all below the output layer"), .atLeast(1), .atMost(1000)),
            OptionSpec("head_hidden", .integers, "hidden widths of the attacker's head, e.g. {64} (empty: softmax regression)", .defaulted(.integers([])), [.atLeast(1)]),
            .integer("head_epochs", "training epochs of the attacker's head (Adam, batch 64)", default: 30, .atLeast(1), .atMost(10_000)),
            .number("head_lr", "learning rate of the attacker's head", default: 1e-3, .above(0), .atMost(10)),
        ],
        returns: "Attack")

    static let labelOnly = FunctionDeclaration(
        "attack.label_only", "the label-only attack (Choquette-Choo et al. 2021): how robust a record's predicted label is to perturbation",
        options: [
            target, budget, .seed("seed of the perturbations"),
            .number("noise", "Gaussian noise of each perturbed copy (instead of translate)", default: 0.5, .above(0)),
            .integer("translate", "pixels each image is shifted by (instead of noise)", .optional("Gaussian noise"), .atLeast(1), .atMost(8)),
            .integer("queries", "perturbed copies per record", default: 20, .atLeast(1), .atMost(10_000)),
        ],
        returns: "Attack",
        refused: ["data": "does not apply (the attack needs no shadow models)", "shadow_model": "does not apply (the attack needs no shadow models)",
                  "train_size": "does not apply (the attack needs no shadow models)", "workers": "does not apply (the attack trains nothing)"])
}

/// The declarations of the Attack methods that take options.
extension AttackDeclarations {
    static let evaluate = FunctionDeclaration(
        "Attack.evaluate", "scores members and non-members and measures how well the attack tells them apart",
        options: [
            OptionSpec("members", .dataset, "records in the target's training set", .required),
            OptionSpec("nonmembers", .dataset, "records not in it (from the same distribution)", .required),
            .boolean("balanced", "subsample the larger side so both count the same", default: true),
            .seed("seed of the balancing subsample and the bootstrap"),
            OptionSpec("fpr", .numbers, "false-positive rates at which TPR is reported", .defaulted(.described("{0.001, 0.01, 0.1}")), [.above(0), .below(1)]),
            .integer("bootstrap", "bootstrap replicates for confidence intervals of AUC and TPR (0: none)", default: 0, .atLeast(0), .atMost(100_000)),
            .number("confidence", "coverage of the bootstrap intervals", default: 0.95, .above(0), .below(1)).only(.given("bootstrap")),
        ],
        returns: "table",
        resultFields: [
            ResultField("auc", "number", "area under the ROC curve"),
            ResultField("accuracy", "number", "balanced accuracy at the attack's own threshold (at the best one when it has none)"),
            ResultField("accuracy_is_oracle", "boolean", "accuracy used the best threshold, chosen knowing the answers (the attack has no threshold of its own)"),
            ResultField("best_accuracy", "number", "the best balanced accuracy (TPR + TNR)/2 over all thresholds"),
            ResultField("advantage", "number", "the largest TPR − FPR (membership advantage, Yeom et al. 2018)"),
            ResultField("precision", "number", "precision of \"member\" at the attack's own threshold (as accuracy; the best threshold when it has none)"),
            ResultField("recall", "number", "recall of \"member\" at the same threshold as precision"),
            ResultField("tpr_at_fpr", "table", "TPR at each asked FPR, keyed by the FPR (e.g. [0.001], [0.01])"),
            ResultField("auc_ci", "number[]", "with bootstrap: {low, high}, the percentile interval of the AUC"),
            ResultField("tpr_at_fpr_ci", "table", "with bootstrap: {low, high} per FPR, keyed as tpr_at_fpr"),
            ResultField("confidence", "number", "with bootstrap: the intervals' coverage"),
            ResultField("roc", "table[]", "the ROC curve thinned for charts: {fpr =, tpr =} points"),
            ResultField("roc_fpr", "number[]", "the same curve's FPRs"),
            ResultField("roc_tpr", "number[]", "the same curve's TPRs"),
            ResultField("scores", "number[]", "each record's score (higher: more likely a member)"),
            ResultField("ids", "integer[]", "each scored record's id"),
            ResultField("member", "boolean[]", "whether each scored record is a member"),
            ResultField("per_class", "table[]", "per class: {class =, n =, auc =}"),
            ResultField("notes", "string[]", "caveats (balancing, oracle thresholds, …)"),
            ResultField("members", "integer", "members scored"),
            ResultField("nonmembers", "integer", "non-members scored"),
        ])
}
