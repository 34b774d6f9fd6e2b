import PrivLab

/// The Microdata, Release and DPRelease methods besides Microdata:sample and Release:rows: what
/// each takes and returns, so `privlab doc Release.<method>` and the stubs say it.
extension AnonymizationDeclarations {
    static let microdataMethods: [FunctionDeclaration] = [
        FunctionDeclaration("Microdata.size", "the number of records (people)", returns: "integer"),
        FunctionDeclaration("Microdata.columns", "the column names, in the table's order", returns: "string[]"),
        FunctionDeclaration("Microdata.ids", "each record's id, in the table's order", returns: "integer[]"),
        FunctionDeclaration("Microdata.column", "one column's values, in the table's order: numbers, or a categorical column's level names",
                            arguments: [ArgumentSpec("name", "string", "the column")], returns: "number[]|string[]"),
        FunctionDeclaration("Microdata.head", "the first rows as records",
                            arguments: [ArgumentSpec("rows", "integer", "how many (default 5)", optional: true)], returns: "table[]",
                            resultFields: [ResultField("id", "integer", "the record's id"),
                                           ResultField("<column>", "number|string", "each column's value (a level name for a categorical column)")]),
        FunctionDeclaration("Microdata.subset", "the records with these ids, in the table's order (an unknown id is an error)",
                            arguments: [ArgumentSpec("ids", "integer|integer[]", "a record id, or a list of ids")], returns: "Microdata"),
    ]

    static let releaseMethods: [FunctionDeclaration] = [
        FunctionDeclaration("Release.info", "the release's settings and measures", returns: "table", resultFields: [
            ResultField("method", "string", "the partitioning algorithm"),
            ResultField("k", "integer", "the k enforced"),
            ResultField("quasi", "string[]", "the quasi-identifiers"),
            ResultField("sensitive", "string", "the sensitive column"),
            ResultField("records", "integer", "records released"),
            ResultField("classes", "integer", "equivalence classes"),
            ResultField("smallest", "integer", "the smallest class's size (≥ k)"),
            ResultField("largest", "integer", "the largest class's size"),
            ResultField("discernibility", "number", "Σ |E|² over the classes (Bayardo & Agrawal 2005)"),
            ResultField("ncp", "number", "the normalised certainty penalty in [0, 1] (Ghinita et al. 2007)"),
            ResultField("average_class_size", "number", "(records / classes) / k (LeFevre et al. 2006)"),
            ResultField("l_distinct", "integer", "the smallest class's distinct ℓ"),
            ResultField("l_entropy", "number", "the smallest class's entropy ℓ"),
            ResultField("t", "number", "the largest EMD of a class to the table's distribution of the sensitive value"),
            ResultField("cuts", "integer", "the cuts Mondrian made"),
            ResultField("distance", "string", "the EMD's ground distance"),
            ResultField("l", "number", "with l: the ℓ enforced"),
            ResultField("diversity", "string", "with l: which ℓ-diversity"),
            ResultField("t_limit", "number", "with t: the t enforced"),
        ]),
        FunctionDeclaration("Release.classes", "the equivalence classes, in the release's order", returns: "table[]", resultFields: [
            ResultField("size", "integer", "its records"),
            ResultField("generalisation", "table", "{quasi-identifier = its generalised value (\"[20, 29]\", \"{female, male}\")}"),
            ResultField("sensitive", "table", "{sensitive value = its count in the class}"),
            ResultField("ids", "integer[]", "its records' ids"),
        ]),
        FunctionDeclaration("Release.data", "the population that was anonymised (Release:rows shows the published table)", returns: "Microdata"),
    ]

    static let dpReleaseMethods: [FunctionDeclaration] = [
        FunctionDeclaration("DPRelease.privacy", "the release's privacy statement against adding or removing a person: pure ε for Laplace, the RDP accountant's (ε, δ) for Gaussian",
                            returns: "table", resultFields: ModelDeclarations.privacyFields),
        FunctionDeclaration("DPRelease.info", "the release's size and noise", returns: "table", resultFields: [
            ResultField("cells", "integer", "public cells of the quasi-identifiers"),
            ResultField("values", "integer", "sensitive values counted in each cell"),
            ResultField("records", "integer", "records of the population"),
            ResultField("mechanism", "string", "\"laplace\" or \"gaussian\""),
            ResultField("noise", "number", "the Laplace scale b or the Gaussian σ"),
        ]),
        FunctionDeclaration("DPRelease.counts", "the released (noisy) counts of one cell, one per sensitive value in its levels' order",
                            arguments: [ArgumentSpec("cell", "integer", "the cell, 1 … info().cells")], returns: "number[]"),
    ]
}
