/// DP-SGD / DP-Adam settings (Abadi et al., CCS 2016, with Opacus's semantics): every example's
/// gradient over all parameters is clipped to L2 norm `clip` (factor min(1, C/(‖g_i‖ + 1e-6))),
/// the clipped gradients are summed, Gaussian noise of std `noise`·C is added, and the sum is
/// divided by the *expected* batch size.
public struct DPOptions: Codable, Equatable, Sendable {
    public var clip: Double = 1
    /// Noise multiplier σ; nil means "calibrate σ to `targetEpsilon`".
    public var noise: Double?
    public var targetEpsilon: Double?
    public var delta: Double = 1e-5
    public var sampling: DPSampling = .poisson
    /// The accountant that calibrates σ to `targetEpsilon` and reports ε per epoch (the same one
    /// for both, so the report meets the request): RDP (fast, the default) or PLD (tighter).
    public var accountant: AccountantKind = .rdp
    /// The accountant's own settings (`AccountantKind.options` declares them); nil: its defaults.
    public var accountantSettings: AccountantSettings? = nil
    /// Per-layer clipping (McMahan et al. 2018, §3): each layer's part of a per-example gradient is
    /// clipped to C/√L (L = layers with parameters), so the whole stays within C and the noise and
    /// the accounting are unchanged. nil/false: one flat clip over all parameters.
    public var perLayer: Bool? = nil
    /// Virtual batches: a sampled (logical) batch larger than this is processed in chunks of this
    /// many records, their clipped gradients summed before the one noisy update (memory bounded
    /// by the physical size; the result is the logical batch's, up to summation order).
    public var physicalBatch: Int? = nil
    public init() {}

    public func validate() throws {
        guard clip > 0, !clip.isNaN else { throw PrivLabError.invalidArgument("dp clip must be positive") }
        if clip.isInfinite, (noise ?? 1) > 0 { throw PrivLabError.invalidArgument("dp clip must be finite when noise is added") }
        switch (noise, targetEpsilon) {
        case (let s?, nil): guard s >= 0, s.isFinite else { throw PrivLabError.invalidArgument("dp noise must be a non-negative number") }
        case (nil, let e?): guard e > 0, e.isFinite else { throw PrivLabError.invalidArgument("dp epsilon must be positive") }
        default: throw PrivLabError.invalidArgument("dp needs exactly one of noise (σ) and epsilon (a target to calibrate σ to)")
        }
        guard delta > 0, delta < 1 else { throw PrivLabError.invalidArgument("dp delta must be in (0, 1)") }
        if let s = accountantSettings { _ = try accountant.make(settings: s) }
        if let p = physicalBatch { guard p >= 1 else { throw PrivLabError.invalidArgument("dp physical_batch must be at least 1") } }
    }
}
