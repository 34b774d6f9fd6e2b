/// A privacy accountant for DP-SGD: what a sequence of phases of the Poisson-subsampled Gaussian
/// mechanism costs, as (ε, δ). Pure: phases in, a number out, no hidden history (Opacus keeps a
/// mutable history in its accountants; here the trainer keeps the phases).
///
/// Training, noise calibration, ensembles and the bindings all reach accountants through this
/// interface and `AccountantKind`, so a new accountant is one file conforming to it plus one case.
public protocol PrivacyAccountant: Sendable {
    /// Which accountant this is (its registry name).
    var kind: AccountantKind { get }
    /// The smallest ε for which the composed phases are (ε, δ)-DP.
    func epsilon(_ phases: [PrivacyPhase], delta: Double) throws -> Double
    /// The δ at which the composed phases are (ε, δ)-DP.
    func delta(_ phases: [PrivacyPhase], epsilon: Double) throws -> Double
    /// The smallest noise multiplier σ whose ε for these phases (their sampling rates and step
    /// counts; their noise values are replaced) does not exceed `target` at `delta`. A default
    /// (bisection, `NoiseCalibration`) serves every accountant; one whose ε is costly may search
    /// more cleverly.
    func noise(forEpsilon target: Double, phases: [PrivacyPhase], delta: Double) throws -> Double
    /// The smallest ε for which the event is (ε, δ)-DP; an event this accountant cannot account is
    /// an error naming it.
    func epsilon(_ event: PrivacyEvent, delta: Double) throws -> Double
    /// The δ at which the event is (ε, δ)-DP.
    func delta(_ event: PrivacyEvent, epsilon: Double) throws -> Double
}

/// The registry of accountants by name, as Opacus's `create_accountant`: the names users write
/// (`accountant = "rdp"`) are these cases' raw values, and nothing else compares them.
public enum AccountantKind: String, Codable, Sendable, CaseIterable {
    /// Rényi DP (Mironov 2017; Mironov, Talwar & Zhang 2019): fast, slightly loose.
    case rdp
    /// Privacy loss distributions (Koskela et al. 2020; dp-accounting's PLD accountant): tight.
    case pld

    /// The names accepted where an accountant is chosen, in declaration order.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// The accountant with its default settings.
    public func make() throws -> any PrivacyAccountant {
        switch self {
        case .rdp: return try RDPAccountant()
        case .pld: return try PLDAccountant()
        }
    }

    /// The accountant with `settings` (nil: its defaults); a setting it does not declare is an error.
    public func make(settings: AccountantSettings?) throws -> any PrivacyAccountant {
        guard let s = settings, !s.values.isEmpty else { return try make() }
        try s.check(against: options, accountant: self)
        switch self {
        case .rdp: return try RDPAccountant(settings: s)
        case .pld: return try PLDAccountant(settings: s)
        }
    }

    /// The settings this accountant declares (name, meaning, default, bounds).
    public var options: [AccountantOption] {
        switch self {
        case .rdp: return RDPAccountant.options
        case .pld: return PLDAccountant.options
        }
    }
}

extension PrivacyAccountant {
    public func noise(forEpsilon target: Double, phases: [PrivacyPhase], delta: Double) throws -> Double {
        try NoiseCalibration.noise(forEpsilon: target, phases: phases, delta: delta, accountant: self)
    }
}
