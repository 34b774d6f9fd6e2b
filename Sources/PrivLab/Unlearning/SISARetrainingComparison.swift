import Foundation

/// The two baselines an unlearning request is compared with, measured rather than estimated
/// (Bourtoule et al. 2021, §VI): retraining the whole ensemble on the remaining data, and
/// retraining one model on it (what a non-SISA deployment pays). The fresh ensemble also checks
/// exactness: unlearning is exact when it has the unlearned ensemble's parameters, bit for bit.
public struct SISARetrainingComparison: Sendable {
    /// Seconds to train a fresh ensemble with the same options on the remaining data.
    public var fullEnsembleSeconds: Double
    /// Seconds to train one model like the constituents on the remaining data.
    public var monolithicSeconds: Double
    /// Whether the fresh ensemble's fingerprint equals the unlearned ensemble's.
    public var exact: Bool
}

extension SISAEnsemble {
    /// Trains both baselines on the data `fit` was given minus every removed record and compares
    /// (the monolithic model's progress goes to `monolithicObserver`).
    public func compareWithRetraining(monolithicObserver: TrainingObserver = TrainingObserver()) throws -> SISARetrainingComparison {
        guard let data else { throw PrivLabError.invalidArgument("unlearn: the ensemble has not been fitted") }
        let live = try data.without(ids: Array(removedIds))
        let fresh = try SISAEnsemble(options: options, model: try templateModel.cloneUntrained(), components: factory.components)
        fresh.customAggregator = customAggregator
        var t0 = Date()
        try fresh.fit(live)
        let full = Date().timeIntervalSince(t0)
        let exact = try fresh.fingerprint() == fingerprint()
        let mono = try templateModel.cloneUntrained()
        t0 = Date()
        try mono.fit(live, validation: nil, observer: monolithicObserver)
        return SISARetrainingComparison(fullEnsembleSeconds: full, monolithicSeconds: Date().timeIntervalSince(t0), exact: exact)
    }
}
