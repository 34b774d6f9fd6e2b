/// The composition root of model storage: the one place that knows every stored component kind
/// and which type restores it. It sits above the layers whose types it names (Defenses, Attacks),
/// so `ModelFile` (in Models) reaches them only through `StoredComponentKind`, never by name.
extension StoredComponentKind {
    /// The fitted component a description holds, its parts already restored and its own floats
    /// (`StoredComponent.ownFloats` of them) given. A query-budgeted target only predicts.
    func restore(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String) throws -> LoadedModel {
        let expected: Int? = switch self {
        case .outputDefense, .memGuard, .queryBudget: 1
        case .pase: nil
        }
        if let n = expected, parts.count != n {
            throw PrivLabError.malformedFile(location: origin, reason: "\(rawValue) wraps \(n) model\(n == 1 ? "" : "s"), the file holds \(parts.count)")
        }
        switch self {
        case .outputDefense: return .classifier(try OutputDefense(parts[0], policy: c.decodeState(OutputPolicy.self, origin: origin)))
        case .memGuard: return .classifier(try MemGuard(restoring: c.decodeState(MemGuard.Stored.self, origin: origin), model: parts[0], own: own, origin: origin))
        case .pase: return .classifier(try PASE(restoring: c.decodeState(PASE.Stored.self, origin: origin), members: parts, own: own, origin: origin))
        case .queryBudget: return .predictor(try QueryBudgetedClassifier(restoring: c.decodeState(QueryBudgetedClassifier.Stored.self, origin: origin), inner: parts[0]))
        }
    }
}
