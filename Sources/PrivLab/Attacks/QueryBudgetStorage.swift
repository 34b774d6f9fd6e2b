/// A query-budgeted target in a model file: the wrapped model as its one part, the budget and
/// what was spent of it as its state (`QueryBudgetedClassifier.Stored`).
extension StoredComponentKind {
    static let queryBudget = StoredComponentKind("query_budget")
}

extension QueryBudgetedClassifier: StorableComponent {
    public static var storedKind: StoredComponentKind { .queryBudget }

    public static func restore(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                              components: ComponentRestoring) throws -> LoadedModel {
        try c.requireParts(parts, 1, origin: origin)
        // An attacker's view only predicts: it comes back as a predictor, never as a model to retrain.
        return .predictor(try QueryBudgetedClassifier(restoring: c.decodeState(Stored.self, origin: origin), inner: parts[0]))
    }
}
