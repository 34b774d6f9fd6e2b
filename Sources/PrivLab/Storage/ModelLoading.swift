/// Loading a model file needs the table of component kinds, which names types above the model
/// layer: the loader is therefore here, in the composition root, and `ModelFile` (in Models)
/// takes the table as an argument.
extension ModelFile {
    /// The model a file holds, any stored component restored through `ComponentRegistry.standard`.
    public static func load(path: String) throws -> LoadedModel {
        let (desc, floats) = try read(path: path)
        var cursor = 0
        return try restore(desc, floats, &cursor, path: path, components: ComponentRegistry.standard)
    }

    /// A fitted classifier from a description and its parameters (the inverse of `storedModel`).
    public static func restoreClassifier(_ d: StoredModel, floats: [Float], origin: String) throws -> Classifier {
        try restoreClassifier(d, floats: floats, origin: origin, components: ComponentRegistry.standard)
    }
}
