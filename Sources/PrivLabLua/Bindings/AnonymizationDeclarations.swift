import PrivLab

/// The declarations of `pl.anonymize.*` (k-anonymity by Mondrian, ℓ-diversity, t-closeness, the
/// composition attacks and the DP releases beside them) and of the census-like data they run on.
enum AnonymizationDeclarations {
    static let quasiMeaning = "the quasi-identifiers: column names an attacker can link to a person, e.g. {\"age\", \"region\", \"sex\"}"

    static let census = FunctionDeclaration(
        "data.census", "a census-like population, generated and seeded: quasi-identifiers age, region (ZIP-like), sex, education, marital, race; sensitive diagnosis and income (thousands)",
        options: [
            .integer("n", "people", default: CensusGenerator().size, .atLeast(1), .atMost(1_000_000)),
            .integer("regions", "ZIP-like regions (codes 47601 …, populations uneven)", default: CensusGenerator().regions, .atLeast(1), .atMost(10_000)),
            .seed("seed of the population"),
        ],
        returns: "Microdata")

    static let microdata = FunctionDeclaration(
        "data.microdata", "a Microdata table from Lua lists: numbers make a numeric column, strings a categorical one",
        options: [
            OptionSpec("columns", .table, "{name = {values…}, …}: one list per column, all of one length", .required),
            OptionSpec("order", .table, "the column names in order", .optional("sorted by name")),
            OptionSpec("levels", .table, "{name = {level…}}: a categorical column's levels in their order", .optional("its values sorted")),
            OptionSpec("domains", .table, "{name = {low, high}}: a numeric column's public range (for DP bins)", .optional("none")),
            OptionSpec("ids", .integers, "record ids, distinct", .optional("1…n")),
        ],
        returns: "Microdata")

    static let kAnonymity = FunctionDeclaration(
        "anonymize.k_anonymity", "a k-anonymous release by Mondrian multidimensional partitioning (LeFevre, DeWitt & Ramakrishnan 2006): strict median cuts on the widest normalised quasi-identifier while both sides keep ≥ k records (and ℓ-diversity, t-closeness when asked); ranges for numbers, value sets for categories",
        options: [
            OptionSpec("data", .object("Microdata"), "the population (a Microdata: pl.data.census, pl.data.microdata)", .required),
            OptionSpec("quasi", .table, quasiMeaning, .required),
            OptionSpec("sensitive", .string, "the sensitive column, released as is (not a quasi-identifier)", .required),
            .integer("k", "every equivalence class holds at least k records", default: 5, .atLeast(1), .rule("≤ the records")),
            .choice("method", AnonymizationMethod.self, "the partitioning algorithm", default: .mondrian),
            .number("l", "also enforce ℓ-diversity: a cut is allowed only if both sides are ℓ-diverse", .optional("no ℓ-diversity"), .atLeast(1)),
            .choice("diversity", DiversityKind.self, "which ℓ-diversity l enforces (Machanavajjhala et al. 2007, §4)", default: .distinct),
            .number("t", "also enforce t-closeness: every class within EMD t of the table's distribution (Li et al. 2007)", .optional("no t-closeness"), .atLeast(0), .atMost(1)),
            OptionSpec("distance", .choice(SensitiveDistance.self), "the EMD's ground distance", .optional("ordered for a numeric sensitive attribute, equal for a categorical one")),
        ],
        returns: "Release")

    static let lDiversity = FunctionDeclaration(
        "anonymize.l_diversity", "ℓ-diversity of a release's classes (Machanavajjhala et al. 2007): distinct or entropy ℓ, class by class",
        options: [
            OptionSpec("release", .object("Release"), "a Release (pl.anonymize.k_anonymity)", .required),
            .number("l", "the ℓ to check", .optional("measure only"), .atLeast(1)),
            .choice("kind", DiversityKind.self, "distinct values, or exp(entropy)", default: .distinct),
        ],
        returns: "table",
        resultFields: [
            ResultField("l", "number", "the release's ℓ: the smallest class's"),
            ResultField("per_class", "number[]", "each class's ℓ"),
            ResultField("satisfied", "boolean", "with l: every class reaches it"),
            ResultField("violating", "integer", "with l: classes below it"),
        ])

    static let tCloseness = FunctionDeclaration(
        "anonymize.t_closeness", "t-closeness of a release's classes: the Earth Mover's Distance of each class's sensitive values to the whole table's (Li, Li & Venkatasubramanian 2007, §4.2)",
        options: [
            OptionSpec("release", .object("Release"), "a Release (pl.anonymize.k_anonymity)", .required),
            .number("t", "the t to check", .optional("measure only"), .atLeast(0), .atMost(1)),
            OptionSpec("distance", .choice(SensitiveDistance.self), "the EMD's ground distance", .optional("the release's")),
        ],
        returns: "table",
        resultFields: [
            ResultField("t", "number", "the release's t: the largest class EMD"),
            ResultField("per_class", "number[]", "each class's EMD"),
            ResultField("satisfied", "boolean", "with t: every class within it"),
            ResultField("violating", "integer", "with t: classes beyond it"),
        ])

    static let intersection = FunctionDeclaration(
        "anonymize.intersection", "the intersection attack (Ganta, Kasiviswanathan & Smith 2008): for each person in every release, intersect the sensitive values of the person's classes",
        options: [
            OptionSpec("releases", .table, "a list of Releases of overlapping populations", .required),
            OptionSpec("targets", .integers, "record ids to attack (each in every release)", .optional("everyone in every release")),
            .boolean("details", "also return each target's candidate values", default: false),
        ],
        returns: "table",
        resultFields: [
            ResultField("targets", "integer", "people attacked"),
            ResultField("exposed", "number", "share left with one candidate value: disclosed"),
            ResultField("narrowed", "number", "share whose intersection is smaller than every single release's set"),
            ResultField("mean_candidates", "number", "mean size of the intersected sets"),
            ResultField("exposed_single", "number", "share already disclosed by one release alone (a homogeneous class)"),
            ResultField("mean_single_candidates", "number", "mean size of the smallest single-release set"),
            ResultField("truth_kept", "integer", "targets whose true value survived (all, unless the releases disagree)"),
            ResultField("ids", "integer[]", "with details: the targets"),
            ResultField("candidates", "table", "with details: each target's candidate values"),
        ])

    static let dpRelease = FunctionDeclaration(
        "anonymize.dp_release", "a differentially private release of the same statistic: the counts of each sensitive value in public cells of the quasi-identifiers, with Laplace or Gaussian noise (sensitivity 1)",
        options: [
            OptionSpec("data", .object("Microdata"), "the population (a Microdata)", .required),
            OptionSpec("quasi", .table, quasiMeaning, .required),
            OptionSpec("sensitive", .string, "the sensitive column (categorical: its levels are public)", .required),
            .choice("mechanism", DPHistogramMechanism.self, "the noise", default: .laplace),
            .number("epsilon", "ε of this release against adding or removing a person", .optional("give noise"), .above(0)),
            .number("noise", "the noise itself: Laplace scale b or Gaussian σ", .optional("from epsilon"), .above(0)),
            .number("delta", "δ of the Gaussian mechanism", default: 1e-5, .above(0), .below(1)),
            OptionSpec("bins", .table, "{column = {edges…}}: public bin edges of numeric quasi-identifiers", .optional("default_bins equal bins over the column's public domain")),
            .integer("default_bins", "equal bins of a numeric quasi-identifier without edges", default: 5, .atLeast(1), .atMost(1000)),
            .seed("seed of the noise"),
        ],
        returns: "DPRelease")

    static let dpAttack = FunctionDeclaration(
        "anonymize.dp_attack", "the informed attacker on DP releases (knows everyone but the target): the Bayes-optimal guess of each target's sensitive value, beside DP's ceiling e^ε/(e^ε + m − 1) at the composed ε",
        options: [
            OptionSpec("releases", .table, "a list of DPReleases of overlapping populations", .required),
            OptionSpec("targets", .integers, "record ids to attack (each in every release)", .optional("everyone in every release")),
            .choice("accountant", AccountantKind.self, "composes Gaussian releases (Laplace: basic composition, and RDP beside it)", default: .rdp),
        ] + AccountantDeclarations.settings + [
            .number("delta", "δ at which composed (ε, δ) are stated", default: 1e-5, .above(0), .below(1)),
            .integer("trials", "independent draws of the releases' noise the accuracy is averaged over (the first: the releases as published); the targets of a cell share its noise, so one draw is one sample of the mechanism", default: 100, .atLeast(1), .atMost(100_000)),
            .seed("seed of the redrawn noise and of the attacker's tie-breaking"),
        ],
        returns: "table",
        resultFields: [
            ResultField("targets", "integer", "people in every release"),
            ResultField("trials", "integer", "draws of the noise averaged over"),
            ResultField("accuracy", "number", "share of targets whose value the attacker guessed"),
            ResultField("mean_posterior", "number", "mean posterior on the true value"),
            ResultField("baseline", "number", "1/m: guessing at random"),
            ResultField("bound", "number", "DP's ceiling on the accuracy at the replacement ε (and δ)"),
            ResultField("values", "integer", "m, the sensitive values"),
            ResultField("privacy", "table", "the composed statement (add/remove a person)"),
            ResultField("privacy_rdp", "table", "Laplace: the RDP accountant's statement of the same releases"),
            ResultField("replacement", "table", "the composed statement against replacing one value (the bound's ε)"),
        ])

    static let sample = FunctionDeclaration(
        "Microdata.sample", "a seeded random sample without replacement (ids kept, so people can be followed across samples)",
        options: [
            .integer("n", "rows", .optional("give share"), .atLeast(1)),
            .number("share", "share of the rows", .optional("give n"), .above(0), .atMost(1)),
            .seed("seed of the sample"),
        ],
        returns: "Microdata")

    static let rows = FunctionDeclaration(
        "Release.rows", "the published table: each record's generalised quasi-identifiers and sensitive value",
        options: [.integer("n", "rows shown", default: 10, .atLeast(0))],
        returns: "table[]",
        resultFields: [
            ResultField("<quasi-identifier>", "string", "each quasi-identifier, generalised as its class's (\"[20, 29]\", \"{female, male}\")"),
            ResultField("<sensitive>", "string", "the sensitive value, as is"),
        ])
}
