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
