/// The anonymisation algorithms, by their Lua names.
public enum AnonymizationMethod: String, CaseIterable, Sendable {
    /// Strict multidimensional partitioning by median cuts (LeFevre, DeWitt & Ramakrishnan, ICDE 2006).
    case mondrian
}

/// The ℓ-diversity instantiations of Machanavajjhala et al. (ICDE 2006 / TKDD 2007), §4.
public enum DiversityKind: String, CaseIterable, Sendable {
    /// At least ℓ distinct sensitive values in every class.
    case distinct
    /// Entropy of every class's sensitive values at least log ℓ (Def. 4.1).
    case entropy
}

/// The ground distance of t-closeness's Earth Mover's Distance (Li, Li & Venkatasubramanian, ICDE
/// 2007, §4.2).
public enum SensitiveDistance: String, CaseIterable, Sendable {
    /// Ordered distance |i − j|/(m − 1) between the i-th and j-th of m ordered values (numeric
    /// attributes: salaries).
    case ordered
    /// Equal distance 1 between any two different values (nominal attributes: diseases); the EMD
    /// is then the total variation distance.
    case equal
}

/// What to anonymise and under which constraints: configuration, separate from the run
/// (`anonymize(_:)`).
public struct AnonymizationOptions: Sendable {
    /// The quasi-identifiers: columns an attacker can link to a person (age, region, sex, …).
    public var quasi: [String]
    /// The sensitive attribute released as is (a disease, an income).
    public var sensitive: String
    /// Every equivalence class holds at least k records.
    public var k: Int = 5
    public var method: AnonymizationMethod = .mondrian
    /// ℓ of ℓ-diversity enforced on every class (nil: none).
    public var l: Double? = nil
    public var diversity: DiversityKind = .distinct
    /// t of t-closeness enforced on every class (nil: none).
    public var t: Double? = nil
    /// The EMD's ground distance; nil: ordered for a numeric sensitive attribute, equal for a categorical one.
    public var distance: SensitiveDistance? = nil

    public init(quasi: [String], sensitive: String) {
        self.quasi = quasi
        self.sensitive = sensitive
    }

    /// Checks the options against the table: every name a column, the sensitive attribute not a
    /// quasi-identifier, 1 ≤ k ≤ the records, ℓ ≥ 1, t in [0, 1]. `fn` names the caller in errors.
    public func validate(_ table: Microdata, fn: String) throws {
        guard !quasi.isEmpty else { throw PrivLabError.invalidArgument("\(fn): give at least one quasi-identifier") }
        if Set(quasi).count != quasi.count { throw PrivLabError.invalidArgument("\(fn): a quasi-identifier is listed twice") }
        for q in quasi { _ = try table.column(q, fn: fn) }
        _ = try table.column(sensitive, fn: fn)
        if quasi.contains(sensitive) {
            throw PrivLabError.invalidArgument("\(fn): the sensitive attribute '\(sensitive)' is also a quasi-identifier; it must be released as is, not generalised")
        }
        guard k >= 1 else { throw PrivLabError.invalidArgument("\(fn): k must be at least 1, got \(k)") }
        guard k <= table.size else { throw PrivLabError.invalidArgument("\(fn): k = \(k) is larger than the data (\(table.size) records)") }
        if let l = l {
            guard l.isFinite, l >= 1 else { throw PrivLabError.invalidArgument("\(fn): l must be at least 1, got \(formatCompact(l))") }
            if diversity == .distinct && l != l.rounded() { throw PrivLabError.invalidArgument("\(fn): distinct ℓ-diversity needs a whole l, got \(formatCompact(l))") }
        }
        if let t = t { guard t >= 0 && t <= 1 else { throw PrivLabError.invalidArgument("\(fn): t must be in [0, 1], got \(formatCompact(t))") } }
    }

    /// Anonymises `table` with the chosen method under k (and ℓ, t when given).
    public func anonymize(_ table: Microdata, fn: String = "anonymize") throws -> AnonymizedRelease {
        try validate(table, fn: fn)
        let sensitiveAttribute = try SensitiveAttribute(table, column: sensitive, distance: distance)
        let constraint = PartitionConstraint(k: k, l: l, diversity: diversity, t: t, sensitive: sensitiveAttribute)
        if let why = constraint.violation(Array(0..<table.size)) {
            throw PrivLabError.invalidArgument("\(fn): no release can satisfy the constraints: the whole table \(why)")
        }
        switch method {
        case .mondrian:
            let p = try MondrianPartitioner(table: table, quasi: quasi)
            let (classes, cuts, tree) = p.partition(constraint)
            return AnonymizedRelease(table: table, quasi: quasi, quasiIndex: p.quasiIndex, sensitive: sensitiveAttribute,
                                     classRows: classes, cuts: cuts, tree: tree, options: self)
        }
    }
}
