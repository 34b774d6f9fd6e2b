import PrivLab

/// The declaration of `pl.sisa` (Bourtoule et al. 2021, "Machine Unlearning").
enum SISADeclarations {
    static let sisa = FunctionDeclaration(
        "sisa", "a SISA ensemble: one constituent per disjoint shard, trained slice by slice with checkpoints, so a record is unlearnt by retraining only from its slice",
        options: [
            OptionSpec("model", .model, "the constituent (pl.softmax, pl.mlp, pl.cnn or a pipeline; copied untrained per shard)", .required),
            .integer("shards", "disjoint shards, one constituent each", default: SISAOptions().shards, .atLeast(1), .atMost(10_000)),
            .integer("slices", "slices per shard (a checkpoint after each)", default: SISAOptions().slices, .atLeast(1), .atMost(1_000)),
            .choice("sharding", SISASharding.self, "how records are placed in shards: uniformly, class by class, or by deletion weight (§V-A)",
                    default: SISAOptions().sharding),
            .seed("seed of the placement and of each constituent"),
            .boolean("weighted", "weight each constituent by its shard's size", default: SISAOptions().weightBySize),
            OptionSpec("aggregate", .any,
                       "how the constituents' outputs are combined: " + SISAAggregationRule.builtIn.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                        + ", a registered aggregator's name, or function(outputs, weights) returning scores or labels",
                       .defaulted(.string(SISAAggregationRule.vote.rawValue))),
            .number("stack_holdout", "share of the data held out to train the stacking meta-learner (aggregate = \"stack\")",
                    default: SISAOptions().stackHoldout, .above(0), .atMost(0.9)).only(.equals("aggregate", ["stack"])),
            OptionSpec("weights", .table, "aware sharding: {[record id] = deletion probability, …}", .optional("no deletion weights")).only(.equals("sharding", ["aware"])),
            .number("threshold", "aware sharding: deletion weight from which a record counts as likely to be deleted",
                    default: SISAOptions().riskThreshold),
            .integer("risk_shards", "aware sharding: shards reserved for the likely-deleted records", .optional("in proportion to their share"),
                     .atLeast(1), .atMostOption("shards")).only(.equals("sharding", ["aware"])),
            .integer("workers", "shards trained at once (threads)", .defaulted(.described("the number of cores")), .atLeast(1), .atMost(256)),
            OptionSpec("dir", .string, "folder for the checkpoints and the request log (a persistent ensemble)", .optional("kept in memory")),
        ],
        returns: "SISA")
}

/// The declarations of the SISA methods that take options.
extension SISADeclarations {
    static let unlearn = FunctionDeclaration(
        "SISA.unlearn", "removes records and retrains only the constituents that saw them, from the checkpoint before their slice",
        arguments: [ArgumentSpec("ids", "integer|integer[]", "the record id, or ids, to forget")],
        options: [.boolean("compare", "also retrain a fresh ensemble and a monolithic model on the remaining data: measured baselines and an exactness check",
                           default: false)],
        returns: "table",
        resultFields: [
            ResultField("removed", "integer", "records removed"),
            ResultField("shards_touched", "integer[]", "shards retrained (1-based)"),
            ResultField("slices_retrained", "integer", "slice stages retrained"),
            ResultField("samples_retrained", "number", "samples the retraining processed (records × epochs)"),
            ResultField("records_retrained", "integer", "records the retraining saw"),
            ResultField("seconds", "number", "wall-clock seconds of the unlearning"),
            ResultField("meta_seconds", "number", "wall-clock seconds refitting the stacking meta-learner"),
            ResultField("expected_samples", "number", "the cost model's expectation of samples_retrained"),
            ResultField("full_ensemble", "table", "{samples =, seconds =, estimated =}: retraining the whole ensemble"),
            ResultField("monolithic", "table", "{samples =, seconds =, estimated =}: retraining one model on all the data"),
            ResultField("speedup", "number", "monolithic seconds over the unlearning's"),
            ResultField("exact", "boolean", "with compare: the unlearnt ensemble equals a fresh one bit for bit"),
        ])

    static let expectedCost = FunctionDeclaration(
        "SISA.expected_cost", "the expected retraining cost of unlearning requests (Bourtoule et al. 2021, §V)",
        options: [
            .integer("requests", "unlearning requests", default: 1, .atLeast(1)),
            .boolean("batched", "the requests are served together rather than one by one", default: false),
            .integer("records", "records in the ensemble", .defaulted(.described("the records it holds")), .atLeast(1)),
        ],
        returns: "table",
        resultFields: [
            ResultField("samples", "number", "expected samples retrained"),
            ResultField("full", "number", "samples of a full retrain"),
            ResultField("speedup", "number", "full retrains' samples over the expected samples"),
        ])
}
