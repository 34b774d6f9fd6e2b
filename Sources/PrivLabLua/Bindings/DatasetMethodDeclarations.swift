import PrivLab

/// The Dataset methods without options (the others are in DataDeclarations): what each takes and
/// returns, so `privlab doc Dataset.<method>` and the stubs say it. Every method returns a new
/// data set; none changes the one it is called on.
extension DataDeclarations {
    static let recordIds = ArgumentSpec("ids", "integer|integer[]", "a record id, or a list of ids")
    static let recordId = ArgumentSpec("id", "integer", "the record's id")

    static let accessors: [FunctionDeclaration] = [
        FunctionDeclaration("Dataset.size", "the number of records", returns: "integer"),
        FunctionDeclaration("Dataset.nfeatures", "the number of features of each record", returns: "integer"),
        FunctionDeclaration("Dataset.nclasses", "the number of classes: labels lie in 0 … nclasses − 1 (a subset may not use them all)", returns: "integer"),
        FunctionDeclaration("Dataset.name", "the data set's short name (\"blobs\", \"fashion-mnist/train\", a file name, …)", returns: "string"),
        FunctionDeclaration("Dataset.ids", "each record's stable id (kept by every subset, split and filter), in the data set's order", returns: "integer[]"),
        FunctionDeclaration("Dataset.labels", "each record's label (a 0-based class), in the data set's order", returns: "integer[]"),
        FunctionDeclaration("Dataset.feature_names", "the name of each feature column (x1, x2, … when the data names none)", returns: "string[]"),
        FunctionDeclaration("Dataset.class_counts", "the number of records of each class, class 0 first (nclasses entries)", returns: "integer[]"),
        FunctionDeclaration("Dataset.class_names", "the name of each class, class 0 first (\"0\", \"1\", … when the data names none)", returns: "string[]"),
        FunctionDeclaration("Dataset.image_shape", "{channels, height, width} of image data (a record holds its image in that order); nil for other data",
                            returns: "integer[]|nil"),
        FunctionDeclaration("Dataset.record", "one record, by its id (an unknown id is an error)", arguments: [recordId], returns: "table",
                            resultFields: [
                                ResultField("id", "integer", "the record's id"),
                                ResultField("label", "integer", "its label (0-based class)"),
                                ResultField("features", "number[]", "its features"),
                            ]),
    ]

    static let selections: [FunctionDeclaration] = [
        FunctionDeclaration("Dataset.subset", "the records with these ids, in the order given (an unknown or repeated id is an error)",
                            arguments: [recordIds], returns: "Dataset"),
        FunctionDeclaration("Dataset.without", "every record except those with these ids, in the data set's order (an unknown id is an error)",
                            arguments: [recordIds], returns: "Dataset"),
        FunctionDeclaration("Dataset.with_label", "the same records with one record's label changed",
                            arguments: [recordId, ArgumentSpec("label", "integer", "its new label, in 0 … nclasses − 1")], returns: "Dataset"),
        FunctionDeclaration("Dataset.head", "the first n records (all of them when there are fewer)",
                            arguments: [ArgumentSpec("n", "integer", "how many (≥ 0)")], returns: "Dataset"),
        FunctionDeclaration("Dataset.concat", "the records of another data set appended after these (the same number of features; ids must stay distinct; the larger class count, and these records' name, feature names and image shape)",
                            arguments: [ArgumentSpec("other", "Dataset", "the records to append")], returns: "Dataset"),
    ]
}
