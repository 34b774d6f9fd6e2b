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
}

extension Pipeline {
    /// The private steps' and the model's statements composed (all saw the same training data):
    /// their events in turn, accounted by the model's accountant at the model's δ (the steps' δ
    /// for a pure-ε model); when that accountant cannot account an event, basic composition
    /// (Σε, Σδ; Dwork & Roth 2014, Thm 3.16). nil when the model was not trained privately (then
    /// the pipeline as a whole has no guarantee, whatever its steps spent).
    func composedPrivacy(model m: PrivacyStatement) -> PrivacyStatement {
        let stepStatements = steps.compactMap { ($0 as? PrivacyStating)?.privacy }
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
