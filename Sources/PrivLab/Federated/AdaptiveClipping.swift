import Foundation

/// The adaptive clipping bound of Andrew, Thakkar, McMahan & Ramaswamy (NeurIPS 2021, Alg. 1): the
/// bound C follows the γ-quantile of the clients' update norms by the geometric rule
/// C ← C·exp(−η(b̃ − γ)), where b̃ is the noisy share of the round's clients whose norm was at most C.
///
/// The count is noised as TF Privacy's quantile estimator does it (the choice TFF's
/// `DifferentiallyPrivateFactory.gaussian_adaptive` makes): each client contributes b_k − ½ (so
/// one client moves the sum by ½), Gaussian noise of std σ_b is added, and the sum is divided by
/// the *expected* number of clients m = qN before adding ½ back and clamping to [0, 1]. With
/// sensitivity ½ the count is a Gaussian mechanism of multiplier 2σ_b, which is why the update's
/// multiplier becomes z_Δ = (z⁻² − (2σ_b)⁻²)^{−½} (§3.1, `FederatedNoise`).
public struct AdaptiveClipping: Sendable {
    public private(set) var bound: Double
    public let targetQuantile: Double
    public let learningRate: Double
    /// σ_b, the std of the noise on the count.
    public let countNoise: Double
    /// m = qN.
    public let expectedClients: Double

    public init(initial: Double, targetQuantile: Double, learningRate: Double, countNoise: Double, expectedClients: Double) {
        bound = initial
        self.targetQuantile = targetQuantile
        self.learningRate = learningRate
        self.countNoise = countNoise
        self.expectedClients = expectedClients
    }

    /// Moves the bound after a round whose (unclipped) update norms were `norms`; returns b̃.
    @discardableResult
    public mutating func update(norms: [Double], rng: inout RNG) -> Double {
        var sum = norms.reduce(0.0) { $0 + ($1 <= bound ? 0.5 : -0.5) }
        if countNoise > 0 { sum += countNoise * rng.normal() }
        let share = min(1, max(0, sum / expectedClients + 0.5))
        bound *= Foundation.exp(-learningRate * (share - targetQuantile))
        return share
    }
}
