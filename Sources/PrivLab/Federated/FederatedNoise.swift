import Foundation

/// The noise of a DP-FedAvg run and its user-level accounting: every round is one Gaussian
/// mechanism (multiplier z, sensitivity S) on a Poisson sample of the *clients* at rate q, so T
/// rounds are T Poisson-subsampled Gaussian events — DP-SGD's accounting with users in place of
/// records (McMahan et al. 2018, §2 and Thm 1). The multiplier is given or calibrated to a target
/// ε by the accountant that then states it.
public struct FederatedNoise {
    let dp: FederatedDP
    let accountant: any PrivacyAccountant
    /// z: the whole mechanism's multiplier (what the accountant sees).
    public let multiplier: Double
    /// z_Δ: the multiplier on the update's sum (= z with a fixed bound).
    public let updateMultiplier: Double
    /// σ_b: the std of the clipped-count noise (0 with a fixed bound).
    public let countNoise: Double
    let clientRate: Double
    let rounds: Int

    public init(_ dp: FederatedDP, clientRate q: Double, rounds: Int, expectedClients m: Double) throws {
        self.dp = dp
        clientRate = q
        self.rounds = rounds
        accountant = try dp.accountant.make(settings: dp.accountantSettings)
        var z = dp.noise ?? 0
        if dp.noise == nil, let target = dp.targetEpsilon {
            z = try accountant.noise(forEpsilon: target, phases: [PrivacyPhase(sampleRate: q, noise: 1, steps: rounds)], delta: dp.delta)
        }
        multiplier = z
        guard case .adaptive(_, _, _, let given) = dp.clipping, z > 0 else {
            updateMultiplier = z
            countNoise = 0
            return
        }
        let sb = given ?? 0.05 * m
        // Andrew et al. 2021, §3.1: the update's and the count's Gaussian mechanisms (multipliers
        // z_Δ and 2σ_b) compose to one of multiplier z when z⁻² = z_Δ⁻² + (2σ_b)⁻².
        guard z < 2 * sb else {
            throw PrivLabError.invalidArgument("federated: adaptive clipping with noise z = \(formatCompact(z)) needs the count noise above z/2; it is \(formatCompact(sb)) (0.05 × \(formatCompact(m)) expected clients per round): raise client_rate, add clients or give adaptive.count_noise")
        }
        countNoise = sb
        updateMultiplier = 1 / (1 / (z * z) - 1 / (4 * sb * sb)).squareRoot()
    }

    /// The user-level statement after `rounds` rounds (ε = ∞ without noise).
    public func statement(rounds done: Int, initialClip: Double) throws -> PrivacyStatement {
        let event = PrivacyEvent.selfComposed(event: .poissonSampled(rate: clientRate, event: .gaussian(noise: multiplier, sensitivity: initialClip)), count: done)
        var notes = ["user-level DP: neighbouring data sets differ in all the records of one client (McMahan et al. 2018); each round samples clients with probability q"]
        if case .adaptive = dp.clipping, multiplier > 0 {
            notes.append("adaptive clipping (Andrew et al. 2021): the update's noise z_Δ = \(formatCompact(updateMultiplier)) and the clipped-count noise σ_b = \(formatCompact(countNoise)) compose to z = \(formatCompact(multiplier)); the sensitivity shown is the initial bound")
        }
        let eps = multiplier == 0 ? Double.infinity : try accountant.epsilon(event, delta: dp.delta)
        return PrivacyStatement(epsilon: eps, delta: dp.delta, accountant: accountant.kind, event: event, notes: notes)
    }
}
