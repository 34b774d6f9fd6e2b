import PrivLab

/// Fashion-MNIST's two files by their Lua names.
enum FashionSplitChoice: String, CaseIterable { case train, test }

/// The declarations of the data-set constructors (`pl.data.*`) and of Dataset's methods that take
/// options.
enum DataDeclarations {
    static let fashionMNIST = FunctionDeclaration(
        "data.fashion_mnist", "Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 28×28 grey images of 10 kinds of clothing, pixels in [0, 1]",
        options: [
            .choice("split", FashionSplitChoice.self, "the 60,000 training or the 10,000 test images", default: .train),
            .integer("n", "records to keep (a seeded stratified sample)", .optional("all of them"), .atLeast(1)),
            .integer("seed", "seed of the sample", .optional("the first n per class")),
            OptionSpec("dir", .string, "folder holding the four IDX files", .optional("the installed data set")),
        ],
        returns: "Dataset")

    static let sequentialFashionMNIST = FunctionDeclaration(
        "data.sequential_fashion_mnist", "sequential Fashion-MNIST: the same images read as 28 steps of 28 pixels (one image row per step), for pl.rnn",
        options: fashionMNIST.options, returns: "Dataset")

    static let symbolOrder = FunctionDeclaration(
        "data.symbol_order", "a generated sequence task where only the order matters: one-hot symbols, label 1 when marker A comes before marker B (same symbol counts in both classes)",
        options: [
            .integer("n", "records to generate", default: 2000, .atLeast(1), .atMost(10_000_000)),
            .integer("steps", "symbols per record (time steps)", default: 20, .atLeast(2), .atMost(10_000)),
            .integer("symbols", "alphabet size: the two markers and symbols − 2 fillers (features per step)", default: 6, .atLeast(3), .atMost(1000)),
            .seed("seed of the positions and the fillers"),
        ],
        returns: "Dataset")

    static let blobs = FunctionDeclaration(
        "data.blobs", "isotropic Gaussian blobs, one per class (scikit-learn's make_blobs)",
        options: [
            .integer("n", "records to generate", default: 300, .atLeast(1), .atMost(10_000_000)),
            .integer("features", "features per record", default: 2, .atLeast(1), .atMost(100_000)),
            .integer("classes", "classes (one blob each)", default: 3, .atLeast(1), .atMost(10_000)),
            .number("std", "standard deviation of each blob", default: 1, .atLeast(0)),
            .number("box", "class centres are drawn uniformly in [−box, box]", default: 10, .above(0)),
            .seed("seed of the centres and the records"),
        ],
        returns: "Dataset")

    static let purchase = FunctionDeclaration(
        "data.purchase", "purchase-style binary records (after Shokri et al. 2017's Purchase-100): each class a group of customers with its own typical items",
        options: [
            .integer("n", "records to generate", default: 10_000, .atLeast(1), .atMost(10_000_000)),
            .integer("features", "binary features per record (items)", default: 600, .atLeast(2), .atMost(100_000)),
            .integer("classes", "classes (customer groups)", default: 100, .atLeast(2), .atMost(100)),
            .number("density", "share of items a typical record has", default: 0.05, .above(0), .atMost(0.5)),
            .number("signature", "how strongly a class's items set it apart", default: 0.1, .above(0), .atMost(1)),
            .seed("seed of the classes and the records"),
        ],
        returns: "Dataset")

    static let fromTable = FunctionDeclaration(
        "data.from_table", "a Dataset from Lua tables of feature rows and labels",
        options: [
            OptionSpec("x", .table, "rows of feature values, e.g. {{0.1, 2}, {0.3, 1}}", .required),
            OptionSpec("y", .integers, "one 0-based label per row", .required),
            .integer("classes", "number of classes", .optional("the largest label + 1"), .atLeast(1)),
            OptionSpec("ids", .integers, "record ids, distinct", .optional("1…n"), [.atLeast(1)]),
            OptionSpec("class_names", .table, "a name per class (a list of strings)", .optional("none")),
            OptionSpec("name", .string, "the data set's name in reports", .defaulted(.string("table"))),
            OptionSpec("image_shape", .integers, "{channels, height, width} when the rows are images", .optional("not images"), [.atLeast(1)]),
        ],
        returns: "Dataset")

    static let split = FunctionDeclaration(
        "Dataset.split", "two disjoint parts: the rest and the test part (give exactly one of test and train)",
        options: [
            .number("test", "the test part: a fraction in (0, 1) or a whole count", .optional(nil), .atLeast(0)),
            .number("train", "the rest: a fraction in (0, 1) or a whole count", .optional(nil), .atLeast(0)),
            .boolean("stratify", "keep every class's share in both parts", default: false),
            .seed("seed of the shuffle"),
        ],
        returns: "Dataset, Dataset")

    static let filter = FunctionDeclaration(
        "Dataset.filter", "the records of some classes",
        options: [
            OptionSpec("classes", .integers, "the classes kept (0-based)", .required),
            .boolean("relabel", "renumber the kept classes 0, 1, … in the order given", default: false),
        ],
        returns: "Dataset")

    static let relabel = FunctionDeclaration(
        "Dataset.relabel", "the same records under new labels, one per record (e.g. KMeans:predict's clusters); class names are dropped",
        options: [
            OptionSpec("labels", .integers, "one 0-based label per record, in the data set's order", .required, [.atLeast(0)]),
            .integer("classes", "number of classes", .optional("the largest label + 1"), .atLeast(1)),
        ],
        returns: "Dataset")

    static let shuffle = FunctionDeclaration(
        "Dataset.shuffle", "the records in a seeded random order", options: [.seed("seed of the order")], returns: "Dataset")

    static let map = FunctionDeclaration(
        "Dataset.map", "a new data set from a Lua function applied to every record in one bulk pass: function(features, label) returns the new features (a list of numbers, one width for all) and optionally a new label (0-based); ids and class names are kept",
        arguments: [ArgumentSpec("fn", "function", "function(features, label) → new_features[, new_label]")],
        returns: "Dataset")

    static let sample = FunctionDeclaration(
        "Dataset.sample", "n records drawn without replacement (in their original order)",
        options: [
            .integer("n", "records drawn", default: 1, .atLeast(0), .rule("≤ the records")),
            .seed("seed of the draw"),
        ],
        returns: "Dataset")
}
