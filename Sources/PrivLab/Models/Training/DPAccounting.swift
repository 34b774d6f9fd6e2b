/// A DP-SGD run's accounting: the noise multiplier σ (given, or calibrated to a target ε over the
/// whole run) and the privacy report after each epoch, from one accountant so the report meets
/// the request. Every step is one Poisson-subsampled Gaussian mechanism at rate q = B/n.
struct DPAccounting {
    let dp: DPOptions
    let sampleRate: Double
    let accountant: any PrivacyAccountant
    /// σ: the noise multiplier the run uses.
    let sigma: Double
    /// What earlier private training of the same weights spent (a continued fit), composed with
    /// this run's phases.
    let prior: PrivacyStatement?
    /// Caveats the statement carries beyond the mechanism's own (an earlier non-private fit).
    var notes: [String] = []

    /// Calibrates σ to `dp.targetEpsilon` over `plannedSteps` steps when no noise is given (this
    /// run only: a target ε is the run's budget, whatever came before).
    init(_ dp: DPOptions, sampleRate q: Double, plannedSteps: Int, prior: PrivacyStatement?) throws {
        self.dp = dp
        sampleRate = q
        self.prior = prior
        accountant = try dp.makeAccountant()
        var sigma = dp.noise ?? 0
        if dp.noise == nil, let target = dp.targetEpsilon {
            let total = [PrivacyPhase(sampleRate: q, noise: 1, steps: plannedSteps)]
            sigma = try accountant.noise(forEpsilon: target, phases: total, delta: dp.delta)
        }
        self.sigma = sigma
    }

    /// The statement after `steps` private steps of this run (ε infinite without noise), composed
    /// with `prior`.
    func report(steps: Int) throws -> PrivacyStatement {
        var s = try dp.statement(sampleRate: sampleRate, noise: sigma, steps: steps, accountant: accountant, prior: prior)
        s.notes += notes.filter { !s.notes.contains($0) }
        return s
    }
}
