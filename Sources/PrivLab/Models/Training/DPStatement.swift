import Foundation

extension DPOptions {
    /// The accountant these options name, with their settings (one accountant calibrates σ and
    /// states ε, so the statement meets the request).
    public func makeAccountant() throws -> any PrivacyAccountant {
        try accountant.make(settings: accountantSettings)
    }

    /// The privacy statement of a DP-SGD run so far: `steps` steps of the Gaussian mechanism
    /// (noise multiplier `noise`, sensitivity `clip`) on batches sampled at rate `sampleRate`,
    /// after `prior`'s events when the run continued training a privately trained model on the
    /// same data (the phases compose). σ = 0 is not private: ε = ∞.
    public func statement(sampleRate: Double, noise: Double, steps: Int, accountant: any PrivacyAccountant,
                          prior: PrivacyStatement?) throws -> PrivacyStatement {
        let run = PrivacyEvent.dpSGD([PrivacyPhase(sampleRate: sampleRate, noise: noise, steps: steps)], clip: clip, sampling: sampling)
        let event = prior.map { PrivacyEvent.composed($0.event.plainParts + [run]) } ?? run
        var notes = prior?.notes ?? []
        if sampling == .shuffle, !notes.contains(Self.shuffleNote) { notes.append(Self.shuffleNote) }
        let eps = noise == 0 ? Double.infinity : try accountant.epsilon(event, delta: delta)
        return PrivacyStatement(epsilon: eps, delta: delta, accountant: accountant.kind, event: event, notes: notes)
    }

    static let shuffleNote = "batches came from shuffling but are accounted as Poisson sampling with q = batch/n; the stated ε assumes Poisson sampling"
}
