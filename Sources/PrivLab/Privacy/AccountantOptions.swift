import Foundation

/// One setting an accountant declares, as data: the name users write (`discretization`), what it
/// means, its default and its bounds. Bindings and documentation read settings through these
/// declarations, so a new accountant's settings need no list kept anywhere else.
public struct AccountantOption: Sendable {
    /// What values the setting takes.
    public enum Domain: Sendable, Equatable {
        /// A number above `above` (exclusive, when given) and at most `atMost` (when given).
        case number(above: Double?, atMost: Double?)
        /// A non-empty list of numbers, each above `eachAbove`.
        case numbers(eachAbove: Double)
        /// One of these names.
        case choice([String])
    }

    public var name: String
    public var meaning: String
    public var domain: Domain
    public var defaultValue: AccountantSettings.Value

    public init(name: String, meaning: String, domain: Domain, defaultValue: AccountantSettings.Value) {
        self.name = name
        self.meaning = meaning
        self.domain = domain
        self.defaultValue = defaultValue
    }

    /// The bounds in words ("in (0, 0.1]", "a list of numbers, each > 1", "one of improved, classic").
    public var bounds: String {
        switch domain {
        case .number(let lo, let hi):
            switch (lo, hi) {
            case (let l?, let h?): return "in (\(formatCompact(l)), \(formatCompact(h))]"
            case (let l?, nil): return "> \(formatCompact(l))"
            case (nil, let h?): return "≤ \(formatCompact(h))"
            case (nil, nil): return "any number"
            }
        case .numbers(let lo): return "a list of numbers, each > \(formatCompact(lo))"
        case .choice(let names): return "one of " + names.joined(separator: ", ")
        }
    }

    /// Checks a value against the domain; the error names the setting and its bounds.
    func check(_ v: AccountantSettings.Value, accountant: AccountantKind) throws {
        let ok: Bool
        switch (domain, v) {
        case (.number(let lo, let hi), .number(let x)): ok = x.isFinite && (lo.map { x > $0 } ?? true) && (hi.map { x <= $0 } ?? true)
        case (.numbers(let lo), .numbers(let xs)): ok = !xs.isEmpty && xs.allSatisfy { $0.isFinite && $0 > lo }
        case (.choice(let names), .choice(let x)): ok = names.contains(x)
        default: ok = false
        }
        guard ok else {
            throw PrivLabError.invalidArgument("the \(accountant.rawValue) accountant's setting '\(name)' must be \(bounds)")
        }
    }
}

/// An accountant's settings by name (only those given; the rest take their declared defaults).
public struct AccountantSettings: Codable, Equatable, Sendable {
    /// A setting's value.
    public enum Value: Codable, Equatable, Sendable {
        case number(Double)
        case numbers([Double])
        case choice(String)
    }

    public var values: [String: Value]
    public init(_ values: [String: Value] = [:]) { self.values = values }

    /// These settings, or nil when none is given (the accountant's defaults).
    public var nonEmpty: AccountantSettings? { values.isEmpty ? nil : self }

    /// Every given setting is declared by the accountant and within its bounds.
    func check(against options: [AccountantOption], accountant: AccountantKind) throws {
        for (name, v) in values.sorted(by: { $0.key < $1.key }) {
            guard let o = options.first(where: { $0.name == name }) else {
                throw PrivLabError.invalidArgument("the \(accountant.rawValue) accountant has no setting '\(name)' (it has: \(options.map(\.name).joined(separator: ", ")))")
            }
            try o.check(v, accountant: accountant)
        }
    }

    func number(_ o: AccountantOption) -> Double {
        if case .number(let x)? = values[o.name] { return x }
        if case .number(let x) = o.defaultValue { return x }
        return .nan
    }

    func numbers(_ o: AccountantOption) -> [Double] {
        if case .numbers(let x)? = values[o.name] { return x }
        if case .numbers(let x) = o.defaultValue { return x }
        return []
    }

    func choice(_ o: AccountantOption) -> String {
        if case .choice(let x)? = values[o.name] { return x }
        if case .choice(let x) = o.defaultValue { return x }
        return ""
    }
}

extension RDPAccountant {
    static let ordersOption = AccountantOption(name: "orders", meaning: "the Rényi orders α at which the RDP curve is evaluated",
                                               domain: .numbers(eachAbove: 1), defaultValue: .numbers(RDPAccountant.defaultOrders))
    static let conversionOption = AccountantOption(name: "conversion", meaning: "how the RDP curve becomes (ε, δ): improved (Balle et al. 2020) or classic (Mironov 2017)",
                                                   domain: .choice(RDPConversion.allCases.map(\.rawValue)), defaultValue: .choice(RDPConversion.improved.rawValue))
    /// The settings the RDP accountant declares.
    public static var options: [AccountantOption] { [ordersOption, conversionOption] }

    /// The accountant with the given settings (the others at their defaults).
    public init(settings: AccountantSettings) throws {
        try settings.check(against: Self.options, accountant: .rdp)
        try self.init(orders: settings.numbers(Self.ordersOption),
                      conversion: RDPConversion(rawValue: settings.choice(Self.conversionOption)) ?? .improved)
    }
}

extension PLDAccountant {
    static let discretizationOption = AccountantOption(name: "discretization", meaning: "the width of the privacy loss grid (smaller: tighter and slower)",
                                                       domain: .number(above: 0, atMost: 0.1), defaultValue: .number(1e-4))
    /// The settings the PLD accountant declares.
    public static var options: [AccountantOption] { [discretizationOption] }

    /// The accountant with the given settings (the others at their defaults).
    public init(settings: AccountantSettings) throws {
        try settings.check(against: Self.options, accountant: .pld)
        try self.init(discretization: settings.number(Self.discretizationOption))
    }
}
