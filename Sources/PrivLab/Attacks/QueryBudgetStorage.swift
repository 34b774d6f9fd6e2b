/// A query-budgeted target in a model file: the wrapped model as its one part, the budget and
/// what was spent of it as its state (`QueryBudgetedClassifier.Stored`).
extension StoredComponentKind {
    static let queryBudget = StoredComponentKind("query_budget")
}

extension QueryBudgetedClassifier: StorableComponent {
    public static var storedKind: StoredComponentKind { .queryBudget }

    public static func restore(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                              components: ComponentRestoring) throws -> Classifier {
        try c.requireParts(parts, 1, origin: origin)
        return try QueryBudgetedClassifier(restoring: c.decodeState(Stored.self, origin: origin), inner: parts[0])
    }
}
