/// The composition root of model storage: the table of stored component kinds, one line per
/// storable type. It sits above every layer whose types it names (Defenses, Attacks, Unlearning),
/// so the model layer (`ModelFile`) reaches them only through `ComponentRestoring`, and a new
/// kind is its type's `StorableComponent` conformance plus one line here.
public struct ComponentRegistry: ComponentRestoring {
    let kinds: [StoredComponentKind: any StorableComponent.Type]

    /// A registry of `types` (a kind named twice keeps the last).
    public init(_ types: [any StorableComponent.Type]) {
        var k = [StoredComponentKind: any StorableComponent.Type]()
        for t in types { k[t.storedKind] = t }
        kinds = k
    }

    /// Every kind this privlab stores.
    public static var standard: ComponentRegistry {
        ComponentRegistry([
            OutputDefense.self,
            MemGuard.self,
            PASE.self,
            QueryBudgetedClassifier.self,
            SplitAI.self,
            SELENA.self,
            DMP.self,
            PATE.self,
            AdversarialRegularization.self,
            SISAEnsemble.self,
        ])
    }

    /// The names of the kinds known.
    public var names: [String] { kinds.keys.map(\.rawValue).sorted() }

    public func restore(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String) throws -> LoadedModel {
        guard let t = kinds[c.kind] else {
            throw PrivLabError.malformedFile(location: origin, reason: "unknown component '\(c.kind)' (this privlab stores \(names.joined(separator: ", ")))")
        }
        return try t.restore(c, parts: parts, own: own, origin: origin, components: self)
    }
}
