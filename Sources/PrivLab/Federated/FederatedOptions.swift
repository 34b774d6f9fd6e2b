/// How each client's update is weighted in the average (McMahan et al. 2018, §2: w_k ∈ [0, 1]).
public enum ClientWeighting: String, Codable, Sendable, CaseIterable {
    /// w_k = 1: every user counts the same.
    case uniform
    /// w_k = min(n_k / ŵ, 1): by records, capped at ŵ (`FederatedOptions.weightCap`, default the
    /// largest client's count) so that no weight exceeds 1 and the sensitivity stays S/(qW).
    case records
}

/// How client updates are clipped before they are summed.
public enum ClientClipping: Codable, Equatable, Sendable {
    /// A fixed bound S on every update's L2 norm.
    case fixed(Double)
    /// Andrew et al. 2021's adaptive bound: starts at `initial`, moves geometrically towards the
    /// `targetQuantile` of the updates' norms at rate `learningRate`, from a count noised with std
    /// `countNoise` (nil: 0.05 × expected clients per round, their recommendation, when noise is added).
    case adaptive(initial: Double, targetQuantile: Double, learningRate: Double, countNoise: Double?)
}

/// DP-FedAvg's privacy settings (McMahan et al. 2018, Alg. 1).
public struct FederatedDP: Codable, Equatable, Sendable {
    public var clipping: ClientClipping = .fixed(1)
    /// Noise multiplier z (std z·S/(qW) on the average); nil: calibrated to `targetEpsilon`.
    public var noise: Double? = nil
    public var targetEpsilon: Double? = nil
    public var delta = 1e-5
    /// Each layer's part of an update clipped to S/√L (L layers with parameters; McMahan et al.
    /// 2018, §3 "per-layer clipping"), so the whole stays within S.
    public var perLayer = false
    public var accountant: AccountantKind = .rdp
    /// The accountant's own settings (RDP orders, PLD discretisation, …); nil: its defaults.
    public var accountantSettings: AccountantSettings? = nil
    public init() {}

    func validate() throws {
        func check(_ ok: Bool, _ msg: String) throws { if !ok { throw PrivLabError.invalidArgument("federated: dp \(msg)") } }
        switch clipping {
        case .fixed(let s): try check(s.isFinite && s > 0, "clip must be a positive number")
        case .adaptive(let c, let g, let lr, let sb):
            try check(c.isFinite && c > 0, "adaptive initial clip must be a positive number")
            try check(g > 0 && g < 1, "adaptive target_quantile must be in (0, 1)")
            try check(lr.isFinite && lr >= 0, "adaptive lr must be non-negative")
            if let sb { try check(sb.isFinite && sb >= 0, "adaptive count_noise must be non-negative") }
        }
        switch (noise, targetEpsilon) {
        case (let z?, nil): try check(z.isFinite && z >= 0, "noise must be a non-negative number")
        case (nil, let e?): try check(e.isFinite && e > 0, "epsilon must be a positive number")
        default: throw PrivLabError.invalidArgument("federated: dp needs exactly one of noise (z) and epsilon (a target to calibrate z to)")
        }
        try check(delta > 0 && delta < 1, "delta must be in (0, 1)")
    }
}

/// The clients' local training: plain SGD from the global model (FedAvg's ClientUpdate).
public struct LocalTraining: Codable, Equatable, Sendable {
    public var epochs = 1
    /// nil: the model's own learning rate / batch size.
    public var learningRate: Double? = nil
    public var batchSize: Int? = nil
    public init() {}
}

/// Federated averaging's settings; `dp` nil is plain FedAvg through the same rounds.
public struct FederatedOptions: Codable, Equatable, Sendable {
    public var rounds = 20
    /// q: each client joins each round independently with this probability.
    public var clientRate = 0.1
    public var local = LocalTraining()
    /// The server's step on the averaged update: θ ← θ + η·v, v ← μv + Δ (McMahan et al. 2018, §2:
    /// server momentum 0.9 helped; η = 1, μ = 0 is FedAvg's plain θ + Δ).
    public var serverLearningRate = 1.0
    public var serverMomentum = 0.0
    public var weighting: ClientWeighting = .uniform
    public var weightCap: Double? = nil
    public var dp: FederatedDP? = nil
    public var seed: UInt64 = 1
    /// Clients trained at once (threads); the result does not depend on it.
    public var workers = 2
    public init() {}

    public func validate() throws {
        func check(_ ok: Bool, _ msg: String) throws { if !ok { throw PrivLabError.invalidArgument("federated: \(msg)") } }
        try check(rounds >= 1, "rounds must be at least 1")
        try check(clientRate > 0 && clientRate <= 1, "client_rate must be in (0, 1], got \(formatCompact(clientRate))")
        try check(local.epochs >= 1, "local epochs must be at least 1")
        if let lr = local.learningRate { try check(lr.isFinite && lr > 0, "local lr must be a positive number") }
        if let b = local.batchSize { try check(b >= 1, "local batch must be at least 1") }
        try check(serverLearningRate.isFinite && serverLearningRate > 0, "server lr must be a positive number")
        try check(serverMomentum >= 0 && serverMomentum < 1, "server momentum must be in [0, 1)")
        if let c = weightCap { try check(c.isFinite && c > 0, "weight_cap must be a positive number") }
        try check(workers >= 1, "workers must be at least 1")
        try dp?.validate()
    }
}
