import PrivLab

/// The SISA methods without options. An ensemble is a model: the Model methods that mean the same
/// for it are Model's declarations under the SISA name; those that differ, and its own, are here.
extension SISADeclarations {
    /// Model methods an ensemble answers as any model does (fit and predict_proba are declared with the options' methods).
    static let shared = ["predict", "accuracy", "loss", "losses", "score", "save", "privacy", "defense_report", "summary",
                         "parameters", "trained_parameters"]

    static var methods: [FunctionDeclaration] {
        let model = Dictionary(uniqueKeysWithValues: ModelDeclarations.methods.map { ($0.path, $0) })
        return shared.map { model["Model.\($0)"]!.renamed("SISA.\($0)") } + own
    }

    static let own: [FunctionDeclaration] = [
        FunctionDeclaration("SISA.logits", "the log of each record's aggregated probabilities (floored at 1e-12): an ensemble has no scores before a softmax",
                            arguments: [ModelDeclarations.records], returns: "number[][]"),
        FunctionDeclaration("SISA.history", "an empty list: an ensemble keeps no per-epoch history (its constituents train slice by slice)",
                            returns: "table[]"),
        FunctionDeclaration("SISA.clone", "an untrained copy of the ensemble (the same options, constituent and aggregator; no dir), as a Model: it fits and predicts, but has no unlearn, info, …",
                            returns: "Model"),
        FunctionDeclaration("SISA.fingerprint", "a hash of every constituent's parameters (and the stacking meta-learner's): equal fingerprints mean bit-identical ensembles, e.g. after unlearn and after a fresh fit on the remaining records",
                            returns: "string"),
        FunctionDeclaration("SISA.removed", "the ids of the records unlearnt so far, ascending", returns: "integer[]"),
        FunctionDeclaration("SISA.shard_of", "where a record is: its shard and slice (both 1-based), or \"holdout\" for a record held out for stacking; nil for a removed or unknown id",
                            arguments: [ArgumentSpec("id", "integer", "the record's id")], returns: "integer|string|nil, integer|nil"),
        info,
    ]

    static let info = FunctionDeclaration(
        "SISA.info", "the ensemble's configuration and, once fitted, its shards and slices",
        returns: "table",
        resultFields: [
            ResultField("shards", "integer", "shards, one constituent each"),
            ResultField("slices", "integer", "slices per shard"),
            ResultField("aggregate", "string", "how the constituents' outputs are combined"),
            ResultField("sharding", "string", "how records were placed in shards"),
            ResultField("stage_epochs", "number", "epochs each slice stage trains: 2e/(R+1) for the constituent's e epochs and R slices"),
            ResultField("fitted", "boolean", "whether the ensemble is fitted (and not interrupted)"),
            ResultField("sizes", "integer[]", "fitted: live records per shard"),
            ResultField("class_counts", "integer[][]", "fitted: live records per shard and class"),
            ResultField("slice_sizes", "integer[][]", "fitted: live records per shard and slice"),
            ResultField("holdout", "integer", "fitted: records held out to train the stacking meta-learner"),
            ResultField("removed", "integer", "fitted: records unlearnt"),
            ResultField("live", "integer", "fitted: records the ensemble holds"),
            ResultField("full_samples", "number", "fitted: samples (record-epochs) retraining the whole ensemble on the live records costs"),
            ResultField("fit", "table", "what the last fit (or reopening) trained: shards_touched, slices_retrained, samples_retrained, records_retrained, seconds, meta_seconds, as unlearn reports them"),
            ResultField("dir", "string", "with dir: the folder of the checkpoints and the request log"),
        ])
}
