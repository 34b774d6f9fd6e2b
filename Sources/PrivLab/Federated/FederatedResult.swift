/// What one round did.
public struct FederatedRound: Sendable, Equatable {
    public let round: Int
    /// Clients sampled (and trained) this round.
    public let clients: Int
    /// The clipping bound used this round (nil without DP).
    public let clip: Double?
    /// Median norm of the round's client updates before clipping (nil when no client was sampled).
    public let medianNorm: Double?
    /// Share of the sampled clients whose update was within the bound (nil without DP).
    public let unclippedShare: Double?
    /// Records-weighted mean of the clients' last local-epoch loss and accuracy.
    public let localLoss: Double?
    public let localAccuracy: Double?
    /// Accuracy of the global model after the round on the evaluation set, when one was given.
    public let testAccuracy: Double?
}

/// A federated run: the trained global model, the rounds, and the user-level privacy statement.
public struct FederatedResult {
    public let model: NeuralNetwork
    public let rounds: [FederatedRound]
    /// nil for plain FedAvg.
    public let privacy: PrivacyStatement?
    /// z, z_Δ and σ_b (0 without DP).
    public let noiseMultiplier: Double
    public let updateNoiseMultiplier: Double
    public let countNoise: Double
    /// q·W, the fixed denominator.
    public let denominator: Double
    /// The bound after the last round (the fixed S, or where adaptive clipping ended).
    public let finalClip: Double?
}
