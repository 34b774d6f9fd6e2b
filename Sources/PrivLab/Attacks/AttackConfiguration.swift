/// An attack as configuration, then fit (scikit-learn's habit): the options value holds only
/// hyper-parameters — it is `Sendable`, reusable against any number of targets —, and `fit`
/// trains whatever the attack needs against one target (shadow models, attack models,
/// thresholds) and returns the fitted attack, ready to score records.
///
/// `data` is the attacker's own records (required by attacks that train shadows), `shadowModel`
/// the attacker's guess of the target's architecture (nil: the target's own), and
/// `targetTrainingSize` how many records the target trained on, when the attacker knows it.
/// `progress`, when given, hears (shadow models trained, total) as training goes.
public protocol AttackConfiguration: Sendable {
    associatedtype Fitted: MembershipAttack
    func fit(target: Classifier, data: Dataset?, shadowModel: Classifier?, targetTrainingSize: Int?,
             progress: ((Int, Int) -> Void)?) throws -> Fitted
}

extension AttackConfiguration {
    /// Fits with the attacker's data only.
    public func fit(target: Classifier, data: Dataset? = nil) throws -> Fitted {
        try fit(target: target, data: data, shadowModel: nil, targetTrainingSize: nil, progress: nil)
    }
}

extension ShadowModelAttack.Options: AttackConfiguration {
    public func fit(target: Classifier, data: Dataset?, shadowModel: Classifier?, targetTrainingSize: Int?,
                    progress: ((Int, Int) -> Void)?) throws -> ShadowModelAttack {
        guard let data else { throw PrivLabError.invalidArgument("shadow attack: the attacker's data set is required") }
        return try ShadowModelAttack(target: target, data: data, shadowModel: shadowModel, targetTrainingSize: targetTrainingSize, options: self,
                                     progress: progress)
    }
}

extension MetricAttack.Options: AttackConfiguration {
    public func fit(target: Classifier, data: Dataset?, shadowModel: Classifier?, targetTrainingSize: Int?,
                    progress: ((Int, Int) -> Void)?) throws -> MetricAttack {
        try MetricAttack(target: target, data: data, shadowModel: shadowModel, targetTrainingSize: targetTrainingSize, options: self, progress: progress)
    }
}

extension LiRA.Options: AttackConfiguration {
    public func fit(target: Classifier, data: Dataset?, shadowModel: Classifier?, targetTrainingSize: Int?,
                    progress: ((Int, Int) -> Void)?) throws -> LiRA {
        guard let data else { throw PrivLabError.invalidArgument("lira: the attacker's data set is required") }
        if targetTrainingSize != nil { throw PrivLabError.invalidArgument("lira: each shadow trains on half of its pool; the target's training size does not apply") }
        return try LiRA(target: target, data: data, shadowModel: shadowModel, options: self, progress: progress)
    }
}

extension LabelOnlyAttack.Options: AttackConfiguration {
    public func fit(target: Classifier, data: Dataset?, shadowModel: Classifier?, targetTrainingSize: Int?,
                    progress: ((Int, Int) -> Void)?) throws -> LabelOnlyAttack {
        if data != nil || shadowModel != nil || targetTrainingSize != nil {
            throw PrivLabError.invalidArgument("label-only attack: it trains no shadow models, so data, shadow model and training size do not apply")
        }
        return try LabelOnlyAttack(target: target, options: self)
    }
}
