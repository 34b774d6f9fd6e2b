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

/// A model file's contents with the kinds that have operations beyond a classifier's typed: a SISA
/// ensemble goes on unlearning, a fitted Split-AI can be distilled into SELENA. The one place a
/// restored classifier's concrete type is recovered (the registry restores every kind as a
/// `Classifier`), so that callers — the Lua bridge — never downcast.
public enum LoadedObject {
    case sisa(SISAEnsemble)
    case splitAI(SplitAI)
    case model(LoadedModel)
}

extension ModelFile {
    /// What the file at `path` holds, typed where its kind has operations of its own.
    public static func loadObject(path: String) throws -> LoadedObject {
        let m = try load(path: path)
        guard case .classifier(let c) = m else { return .model(m) }
        switch c {
        case let e as SISAEnsemble: return .sisa(e)
        case let s as SplitAI: return .splitAI(s)
        default: return .model(m)
        }
    }
}
