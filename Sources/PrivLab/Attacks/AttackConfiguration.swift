/// An attack as configuration, then fit (scikit-learn's habit): the options value holds only
/// hyper-parameters — it is `Sendable`, reusable against any number of targets —, and `fit`
/// trains whatever the attack needs against one target (shadow models, attack models,
/// thresholds, a head on released layers) and returns the fitted attack, ready to score records.
/// A fitted attack's initialiser only stores what `fit` computed: it trains nothing.
///
/// The target is a `Predictor`: an attack queries it (through what it releases) and never trains
/// it. Attacks that train shadows copy the attacker's guess of the architecture
/// (`AttackInputs.shadowModel`) or, when the target reveals it, the target's own
/// (`ModelArchitecture`: untrained copies, no weights, no queries).
public protocol AttackConfiguration: Sendable {
    associatedtype Fitted: MembershipAttack
    func fit(target: Predictor, inputs: AttackInputs) throws -> Fitted
}

extension AttackConfiguration {
    /// Fits with the attacker's data only.
    public func fit(target: Predictor, data: Dataset? = nil) throws -> Fitted {
        try fit(target: target, inputs: AttackInputs(data: data))
    }
}

/// What one fit of an attack may be given besides its configuration and the target. Each attack
/// uses some and refuses the others by name (`only`), so nothing given is silently ignored.
public struct AttackInputs {
    /// The attacker's own records (required by attacks that train shadows or a head).
    public var data: Dataset?
    /// The attacker's guess of the target's architecture (nil: the target's own, when it reveals it).
    public var shadowModel: Classifier?
    /// How many records the target trained on, when the attacker knows it.
    public var targetTrainingSize: Int?
    /// Reference models trained beforehand and shared between attacks (LiRA, RMIA, the metric
    /// attack): their first models are used and none is trained.
    public var references: ReferenceModels?
    /// A membership signal of the user's replacing the metric attack's built-in one.
    public var signal: MetricAttack.CustomSignal?
    /// Hears (shadow models trained, total) as training goes.
    public var progress: ((Int, Int) -> Void)?

    public init(data: Dataset? = nil, shadowModel: Classifier? = nil, targetTrainingSize: Int? = nil,
                references: ReferenceModels? = nil, signal: MetricAttack.CustomSignal? = nil,
                progress: ((Int, Int) -> Void)? = nil) {
        self.data = data
        self.shadowModel = shadowModel
        self.targetTrainingSize = targetTrainingSize
        self.references = references
        self.signal = signal
        self.progress = progress
    }

    /// The inputs an attack may use (progress is always accepted: an attack that trains nothing
    /// reports nothing).
    public enum Kind: String, CaseIterable, Sendable {
        case data, shadowModel = "shadow model", targetTrainingSize = "training size", references = "reference models", signal = "custom signal"
    }

    /// The inputs given.
    public var given: [Kind] {
        var k = [Kind]()
        if data != nil { k.append(.data) }
        if shadowModel != nil { k.append(.shadowModel) }
        if targetTrainingSize != nil { k.append(.targetTrainingSize) }
        if references != nil { k.append(.references) }
        if signal != nil { k.append(.signal) }
        return k
    }

    /// Refuses every input given outside `allowed`, naming the attack and the inputs.
    func only(_ allowed: Set<Kind>, attack: String) throws {
        let refused = given.filter { !allowed.contains($0) }
        guard refused.isEmpty else {
            throw PrivLabError.invalidArgument("\(attack): \(refused.map(\.rawValue).joined(separator: ", ")) do\(refused.count == 1 ? "es" : "") not apply")
        }
    }

    /// The attacker's data, or the error an attack that needs it gives.
    func requireData(_ attack: String) throws -> Dataset {
        guard let data else { throw PrivLabError.invalidArgument("\(attack): the attacker's data set is required") }
        return data
    }

    /// The architecture the attacker's shadows copy: its guess, or the target's own when the
    /// target reveals it.
    func architecture(of target: Predictor, attack: String) throws -> ModelArchitecture {
        if let s = shadowModel { return s }
        return try target.requireArchitecture(attack)
    }

    /// The OUT models of an offline attack (LiRA, RMIA): the first `count` of the shared reference
    /// models when given, else `count` trained now from `template` on halves of `pool`. An online
    /// attack trains its IN and OUT models when it scores, so it gets none here.
    func offlineModels(online: Bool, template: ModelArchitecture, pool: Dataset, count: Int, seed: UInt64,
                       workers: Int) throws -> ReferenceModels? {
        if let shared = references { return try shared.prefix(count) }
        if online { return nil }
        return try ReferenceModels(template: template, pool: pool, count: count, seed: seed, workers: workers, progress: progress)
    }
}
