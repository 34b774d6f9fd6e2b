/// What both mixing releases are configured with.
public struct MixingOptions: Sendable {
    /// Records per mixed output (on average: Poisson sampling at rate m/n).
    public var m = 10
    /// Feature rows are clipped to this norm before mixing (their sensitivity).
    public var clip = 1.0
    /// The noise multiplier σ of the outputs, or nil to calibrate it to `epsilon`.
    public var noise: Double? = nil
    public var epsilon: Double? = nil
    public var delta = 1e-5
    /// Outputs to release (nil: as many as the private records).
    public var outputs: Int? = nil
    public var accountant: AccountantKind = .rdp
    /// The accountant's own settings (`AccountantKind.options`); nil: its defaults.
    public var accountantSettings: AccountantSettings? = nil
    public var seed: UInt64 = 1
    public var workers = 2

    public init() {}

    func validate(_ data: Dataset, what: String) throws {
        guard data.size >= 2 else { throw PrivLabError.invalidArgument("\(what): needs at least 2 records") }
        try data.checkFinite()
        guard m >= 1 else { throw PrivLabError.invalidArgument("\(what): m must be at least 1, got \(m)") }
        guard clip > 0, clip.isFinite else { throw PrivLabError.invalidArgument("\(what): clip must be positive") }
        guard delta > 0, delta < 1 else { throw PrivLabError.invalidArgument("\(what): delta must lie in (0, 1)") }
        switch (noise, epsilon) {
        case (let s?, nil): guard s > 0, s.isFinite else { throw PrivLabError.invalidArgument("\(what): noise must be positive") }
        case (nil, let e?): guard e > 0, e.isFinite else { throw PrivLabError.invalidArgument("\(what): epsilon must be positive, got \(e)") }
        default: throw PrivLabError.invalidArgument("\(what): give exactly one of noise (σ) and epsilon (a target to calibrate σ to)")
        }
        if let o = outputs { guard o >= 1 else { throw PrivLabError.invalidArgument("\(what): outputs must be at least 1") } }
    }
}
