import PrivLab

/// The declarations of `pl.memorisation.*` (Hartley & Tsaftaris 2022), read through declared options.
enum MemorisationDeclarations {
    static let featureOption = OptionSpec("feature", .table, "the unique feature, a table from pl.memorisation.feature{…} (or {size=, row=, col=, pixels={…}})", .required)

    static let feature = FunctionDeclaration(
        "memorisation.feature", "a square patch at a fixed place: each pixel `high` with probability ½, else `low` (low = high: a constant patch, e.g. the authors' 5 × 5 zero patch)",
        options: [
            .integer("size", "side of the square patch, in pixels", default: 5, .atLeast(1), .atMost(1000)),
            .integer("row", "top row of the patch (1 = the first; the authors' offset of 1 pixel is row = 2)", default: 1, .atLeast(1)),
            .integer("col", "left column of the patch (1 = the first)", default: 1, .atLeast(1)),
            .integer("channel", "image channel the patch is drawn in", default: 1, .atLeast(1)),
            .number("low", "pixel value drawn with probability ½", default: 0),
            .number("high", "the other pixel value", default: 1),
            .seed("seed of the patch's pixels"),
        ],
        returns: "table", resultFields: [
            ResultField("size", "integer", "side of the patch"), ResultField("row", "integer", "top row (1-based)"),
            ResultField("col", "integer", "left column (1-based)"), ResultField("channel", "integer", "channel (1-based)"),
            ResultField("pixels", "number[]", "size × size values, row by row"),
        ])

    /// The keys of a feature table (what `feature` returns), as `plant` and `score` read it.
    static let featureTable = FunctionDeclaration(
        "memorisation feature", "a unique feature",
        options: [
            OptionSpec("size", .integer, "side of the square patch, in pixels", .required, [.atLeast(1), .atMost(1000)]),
            OptionSpec("row", .integer, "top row of the patch (1-based)", .required, [.atLeast(1)]),
            OptionSpec("col", .integer, "left column of the patch (1-based)", .required, [.atLeast(1)]),
            .integer("channel", "image channel of the patch (1-based)", default: 1, .atLeast(1)),
            OptionSpec("pixels", .numbers, "size × size values, row by row", .required),
        ])

    static let plant = FunctionDeclaration(
        "memorisation.plant", "the data with the feature drawn into one record (its label unchanged)",
        options: [
            OptionSpec("data", .dataset, "images (a data set with an image shape)", .required),
            featureOption,
            .integer("id", "id of the record that carries the feature", .required),
        ],
        returns: "Dataset")

    static let influence = FunctionDeclaration(
        "memorisation.influence", "TracIn self-influence (Pruthi et al. 2020) of every training record and where one record ranks — what the authors' influence.py computes to pick canaries and rank them",
        options: [
            OptionSpec("model", .model, "a network; trained here on data when trace = true", .required),
            OptionSpec("data", .dataset, "the training records", .required),
            .integer("id", "id of the training record to rank (e.g. the one carrying the feature)", .required),
            .boolean("trace", "train the model here and sum self-influences over every epoch's end (TracInCP), rather than use the fitted model's final parameters", default: false),
        ],
        returns: "table", resultFields: [
            ResultField("score", "number", "the record's self-influence Σₖ ηₖ‖∇loss‖²"),
            ResultField("rank", "integer", "its rank (1 = most influential)"), ResultField("records", "integer", "training records"),
            ResultField("median", "number", "median self-influence, for scale"),
            ResultField("scores", "number[]", "every record's self-influence, in the data's order"),
        ])

    static let score = FunctionDeclaration(
        "memorisation.score", "Hartley & Tsaftaris's M2 (label-free) and M3 (with the canary's label) on out-of-distribution probes, each with a paired t-test and a Mann–Whitney test",
        options: [
            OptionSpec("model", .model, "the fitted model, queried only through its released probabilities", .required),
            OptionSpec("probes", .dataset, "out-of-distribution images of the training images' shape", .required),
            featureOption,
            .integer("label", "0-based class of the record that carried the feature; needed for M3 only (the paper's attacker does not know it: M2 is label-free)",
                     .optional("M2 only: m3 and its tests are nil"), .atLeast(0)),
            .seed("seed of the probes' random control patches"),
        ],
        returns: "table", resultFields: [
            ResultField("m2", "number", "mean KL(clean ‖ feature) − mean KL(clean ‖ random patch): > 0 when the feature moves outputs more"),
            ResultField("m2_p_value", "number", "one-sided paired t-test of M2 > 0"), ResultField("m2_statistic", "number", "its t"),
            ResultField("m2_mann_whitney_p", "number", "one-sided Mann–Whitney test of the same"),
            ResultField("m3", "number", "mean KL(e_label ‖ feature) − mean KL(e_label ‖ random): < 0 when the feature pulls towards the label (nil without label)"),
            ResultField("p_value", "number", "one-sided paired t-test of M3 < 0 (the paper's test; nil without label)"),
            ResultField("statistic", "number", "its t"), ResultField("mann_whitney_p", "number", "the authors' Mann–Whitney test of M3 < 0"),
            ResultField("probes", "integer", "probe images"),
        ])
}
