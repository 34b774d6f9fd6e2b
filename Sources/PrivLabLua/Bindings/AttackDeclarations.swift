import PrivLab

/// The shadow attack's membership classifiers by their Lua names.
enum AttackModelChoice: String, CaseIterable { case logistic, boosting, mlp }

/// Where the shadow models' training data comes from, by its Lua names.
enum ShadowSourceChoice: String, CaseIterable { case real, marginals, noisy, synthesis }

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

    static let shadow: FunctionDeclaration = {
        let synth = ShadowSynthesis.Options()
        let synthesis = OptionCondition.equals("source", ["synthesis"])
        let (logistic, boosting, mlp) = (OptionCondition.equals("attack_model", ["logistic"]), OptionCondition.equals("attack_model", ["boosting"]),
                                         OptionCondition.equals("attack_model", ["mlp"]))
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
                .choice("attack_model", AttackModelChoice.self, "the membership classifier trained on the shadows' outputs", default: .logistic),
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

    static let calibrated = OptionCondition.given("data", why: "thresholds are calibrated on shadow models trained on the attacker's data")
    static let metric = FunctionDeclaration(
        "attack.metric", "a metric attack (Yeom et al. 2018; Song & Mittal 2021): a per-record signal of the released output against a threshold",
        options: [
            target, data(.optional("the threshold is not calibrated: scores only")), shadowModel, budget, trainSize,
            .seed("seed of the shadows calibrating the threshold"), workers("shadow models trained at once (threads)"),
            OptionSpec("score", .any, "the membership signal: " + MembershipSignal.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                       + ", a registered attack_score's name, or function(probabilities, label) → number (higher: more likely a member)",
                       .defaulted(.string(MembershipSignal.loss.rawValue))),
            .boolean("class_wise", "calibrate one threshold per class", default: false).only(calibrated),
            .integer("shadows", "shadow models calibrating the threshold", default: 1, .atLeast(1), .atMost(1000)).only(calibrated),
            .integer("shadow_size", "records each shadow trains on", .optional("as many as the data allows, at most train_size"), .atLeast(2)),
            .integer("risk_bins", "bins of Song & Mittal's privacy-risk score", default: 20, .atLeast(2), .atMost(1000)),
        ],
        returns: "Attack")

    static let lira = FunctionDeclaration(
        "attack.lira", "the likelihood-ratio attack (Carlini et al. 2022): Gaussians fitted to shadows' per-record confidences in and out",
        options: [
            target, data(.required), shadowModel, budget,
            .seed("seed of the shadows' data and training"), workers("shadow models trained at once (threads)"),
            .integer("shadows", "shadow models, each on a random half of the pool", default: 16, .atLeast(2), .atMost(1000)),
            .boolean("online", "also use shadows that include each target record", default: true),
            .boolean("global_variance", "one variance for all records instead of one per record", default: false),
        ],
        returns: "Attack",
        refused: ["train_size": "does not apply (each shadow trains on half of its pool)"])

    static let gradient = FunctionDeclaration(
        "attack.gradient", "a white-box attack: the norm of each record's loss gradient (or its loss) at the target's parameters",
        options: [
            target,
            .choice("score", GradientAttack.Signal.self, "the signal: the gradient norm, or the loss", default: .gradnorm),
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
            .seed("seed of the balancing subsample"),
        ],
        returns: "table",
        resultFields: [
            ResultField("auc", "number", "area under the ROC curve"),
            ResultField("accuracy", "number", "balanced accuracy at the attack's own threshold (at the best one when it has none)"),
            ResultField("accuracy_is_oracle", "boolean", "accuracy used the best threshold, chosen knowing the answers (the attack has no threshold of its own)"),
            ResultField("best_accuracy", "number", "the best balanced accuracy (TPR + TNR)/2 over all thresholds"),
            ResultField("advantage", "number", "the largest TPR − FPR (membership advantage, Yeom et al. 2018)"),
            ResultField("precision", "number", "precision at the attack's threshold"),
            ResultField("recall", "number", "recall at the attack's threshold"),
            ResultField("tpr_at_fpr", "table", "TPR at low FPRs, keyed by the FPR (e.g. [0.001], [0.01])"),
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
