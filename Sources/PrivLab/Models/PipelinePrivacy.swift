import Foundation

/// DP-PCA (Analyze-Gauss, Dwork, Talwar, Thakurta & Zhang 2014, Alg. 1) states what it spent: the
/// Gaussian mechanism on the upper triangle of XᵀX, whose L2 sensitivity is at most clip² (one
/// record changes XᵀX by xxᵀ, of Frobenius norm ‖x‖² ≤ clip²), with noise multiplier
/// √(2 ln(1.25/δ))/ε; (ε, δ) as configured (the classic calibration).
extension PCA: PrivacyStating {
    public var privacy: PrivacyStatement? {
        guard let p = dp, isFitted else { return nil }
        let multiplier = (2 * log(1.25 / p.delta)).squareRoot() / p.epsilon
        return PrivacyStatement(epsilon: p.epsilon, delta: p.delta, accountant: nil,
                                event: .gaussian(noise: multiplier, sensitivity: p.clip * p.clip),
                                notes: ["DP-PCA (Analyze-Gauss) with the classic calibration σ = clip²·√(2 ln(1.25/δ))/ε"])
    }

    /// Plain PCA's directions are the data's; DP-PCA's are private.
    public var nonPrivateFits: [String] { dp == nil ? [name] : [] }
}

extension Pipeline {
    /// The pipeline's statement: nil when no part of it is private; the private parts composed
    /// (`composedPrivacy`) when every part that learnt from the training data did so privately
    /// (steps fitted by an earlier run — fine-tuning after pre-training — are caveated in a note);
    /// otherwise ε = ∞ — a step fitted on the private data without noise (a z-score scaler's
    /// means) or a model trained without DP releases those data through every prediction, so
    /// the pipeline has no guarantee —, with the private parts' events and their own ε in a note.
    public var privacy: PrivacyStatement? {
        let stepStatements = steps.compactMap { ($0 as? PrivacyStating)?.privacy }
        let modelStatement = model.privacy
        let stepFits = steps.flatMap(\.nonPrivateFits)
        // Steps fitted by an earlier run (fine-tuning after pre-training) saw other records.
        let leaks = (stepsFittedEarlier ? [] : stepFits) + (modelStatement == nil ? [model.summary] : [])
        var composed: PrivacyStatement
        if let m = modelStatement { composed = composedPrivacy(model: m, steps: stepStatements) }
        else if stepStatements.isEmpty { return nil }
        else { composed = stepStatements.count == 1 ? stepStatements[0] : PrivacyStatement(basicComposition: stepStatements) }
        if stepsFittedEarlier, !stepFits.isEmpty {
            composed.notes.append("\(stepFits.joined(separator: ", ")) fitted without noise in an earlier run, not counted: the guarantee holds only if those records were public")
        }
        if leaks.isEmpty { return composed }
        return PrivacyStatement(epsilon: .infinity, delta: composed.delta, accountant: composed.accountant, event: composed.event,
                                notes: ["no guarantee: \(leaks.joined(separator: ", ")) learnt from the training data without noise; "
                                        + "the private parts alone state ε = \(formatCompact(composed.epsilon)), δ = \(formatCompact(composed.delta))"] + composed.notes)
    }

    /// The private steps' and the model's statements composed (all saw the same training data):
    /// their events in turn, accounted by the model's accountant at the model's δ (the steps' δ
    /// for a pure-ε model); when that accountant cannot account an event, basic composition
    /// (Σε, Σδ; Dwork & Roth 2014, Thm 3.16).
    func composedPrivacy(model m: PrivacyStatement, steps stepStatements: [PrivacyStatement]) -> PrivacyStatement {
        if stepStatements.isEmpty { return m }
        let parts = stepStatements + [m]
        let event = PrivacyEvent.composed(parts.flatMap(\.event.plainParts))
        let notes = parts.flatMap(\.notes)
        let kind = m.accountant ?? .rdp
        let delta = m.accountant == nil ? (stepStatements.map(\.delta).max() ?? m.delta) : m.delta
        if delta > 0, let s = try? PrivacyStatement(accounting: event, delta: delta, accountant: kind.make(), notes: notes) { return s }
        return PrivacyStatement(basicComposition: parts, notes: ["composed by basic composition (Σε, Σδ): the \(kind.rawValue) accountant cannot account every step"])
    }
}

/// A union's private parts all fit the same data: their events compose (stated here by basic
/// composition, Σε and Σδ; a pipeline re-accounts the events with its model's accountant).
extension FeatureUnion: PrivacyStating {
    public var privacy: PrivacyStatement? {
        let parts = self.parts.compactMap { ($0 as? PrivacyStating)?.privacy }
        if parts.count <= 1 { return parts.first }
        return PrivacyStatement(basicComposition: parts)
    }
}
