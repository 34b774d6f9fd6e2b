/// Retraining from scratch: a fresh copy of the model (same hyper-parameters, random streams from
/// `seed`) trained on the retained records only — exact unlearning, the reference every
/// approximate method is measured against (its forget set looks like never-seen data).
public struct Retraining: UnlearningMethod {
    public var name: String { "retrain" }
    public init() {}

    public func unlearn(_ model: Classifier, forget: Dataset, retain: Dataset, seed: UInt64) throws -> Classifier {
        try UnlearningInputs.check("unlearn.retrain", features: nil, forget: forget, retain: retain)
        let fresh = try model.reseededClone(seed: seed)
        try fresh.fit(retain, validation: nil, observer: TrainingObserver())
        return fresh
    }
}

/// SISA's exact unlearning (Bourtoule et al. 2021): the ensemble forgets the records by retraining
/// only the constituents that saw them, from the checkpoint before their slice. The ensemble is
/// unlearnt in place (as `SISAEnsemble.unlearn`) and returned; `retain` is what the ensemble keeps.
/// Unlike a plain network, the ensemble knows its training records, so a forget id it never
/// trained on is an error.
public struct SISAUnlearning: UnlearningMethod {
    public var name: String { "SISA" }
    public init() {}

    public func unlearn(_ model: Classifier, forget: Dataset, retain: Dataset, seed: UInt64) throws -> Classifier {
        guard let e = model as? SISAEnsemble else {
            throw PrivLabError.invalidArgument("unlearn: SISA unlearning needs a SISA ensemble (pl.sisa), got \(model.summary)")
        }
        try UnlearningInputs.check("unlearn.sisa", features: nil, forget: forget, retain: retain, needsRetain: false)
        _ = try e.unlearn(forget.ids)
        return e
    }
}

/// No unlearning at all: the trained model as it is — the row that shows what the attacks see
/// before anything was forgotten.
public struct NoUnlearning: UnlearningMethod {
    public var name: String { "original" }
    public init() {}

    public func unlearn(_ model: Classifier, forget: Dataset, retain: Dataset, seed: UInt64) throws -> Classifier {
        try UnlearningInputs.check("unlearn.original", features: nil, forget: forget, retain: retain, needsRetain: false)
        return model
    }
}
