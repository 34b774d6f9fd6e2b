import PrivLab

/// What the tests read off a statement, derived from its events (the statement itself keeps only
/// ε, δ, the accountant and the events).
extension PrivacyStatement {
    /// The worst-off part's Gaussian phases, in order.
    var phases: [PrivacyPhase] { worstPart.plainParts.compactMap(\.gaussianPhases).flatMap { $0 } }
    /// The last phase's noise multiplier, or output perturbation's noise scale (NaN when neither).
    var noise: Double {
        if case .pure(_, .outputPerturbation(let scale, _, _)) = event { return scale }
        return phases.last?.noise ?? .nan
    }
    /// The last DP-SGD phase's steps and sampling rate.
    var steps: Int? { event.lastDPSGDPhase?.steps }
    var sampleRate: Double? { event.lastDPSGDPhase?.sampleRate }
}
