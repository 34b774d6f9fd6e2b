/// A DP-SGD run's accounting: the noise multiplier σ (given, or calibrated to a target ε over the
/// whole run) and the privacy report after each epoch, from one accountant so the report meets
/// the request. Every step is one Poisson-subsampled Gaussian mechanism at rate q = B/n.
struct DPAccounting {
    let dp: DPOptions
    let sampleRate: Double
    let accountant: any PrivacyAccountant
    /// σ: the noise multiplier the run uses.
    let sigma: Double

    /// Calibrates σ to `dp.targetEpsilon` over `plannedSteps` steps when no noise is given.
    init(_ dp: DPOptions, sampleRate q: Double, plannedSteps: Int) throws {
        self.dp = dp
        sampleRate = q
        accountant = try dp.accountant.make()
        var sigma = dp.noise ?? 0
        if dp.noise == nil, let target = dp.targetEpsilon {
            let total = [PrivacyPhase(sampleRate: q, noise: 1, steps: plannedSteps)]
            sigma = try accountant.noise(forEpsilon: target, phases: total, delta: dp.delta)
        }
        self.sigma = sigma
    }

    /// The report after `steps` private steps of this run (ε infinite without noise).
    func report(steps: Int) throws -> PrivacyReport {
        let spent = [PrivacyPhase(sampleRate: sampleRate, noise: sigma, steps: steps)]
        let eps = sigma == 0 ? Double.infinity : try accountant.epsilon(spent, delta: dp.delta)
        return PrivacyReport(epsilon: eps, delta: dp.delta, noise: sigma, clip: dp.clip, sampleRate: sampleRate, steps: steps,
                             sampling: dp.sampling, accountant: dp.accountant,
                             note: dp.sampling == .shuffle ? "batches came from shuffling but are accounted as Poisson sampling with q = batch/n; the stated ε assumes Poisson sampling" : nil)
    }
}
