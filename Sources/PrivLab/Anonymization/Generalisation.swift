/// How one quasi-identifier of an equivalence class is published: a range for a number, the set
/// of values present for a category (LeFevre et al. 2006, §3: the class's summary statistics).
public enum Generalisation: Sendable, Equatable {
    /// Every record's value lies in [low, high].
    case range(low: Double, high: Double)
    /// Every record's value is one of these level codes (sorted), named by `levels`.
    case values(codes: [Int], levels: [String])

    /// The summary of `column` over the table rows `rows`.
    init(_ column: MicrodataColumn, rows: [Int]) {
        switch column {
        case .numeric(let v, _):
            var lo = Double.infinity, hi = -Double.infinity
            for r in rows { lo = min(lo, v[r]); hi = max(hi, v[r]) }
            self = .range(low: lo, high: hi)
        case .categorical(let c, let levels):
            self = .values(codes: Array(Set(rows.map { c[$0] })).sorted(), levels: levels)
        }
    }

    /// Whether a record with value `x` (a number, or a level's code) fits this generalisation.
    public func contains(_ x: Double) -> Bool {
        switch self {
        case .range(let lo, let hi): return x >= lo && x <= hi
        case .values(let codes, _): return codes.contains(Int(x))
        }
    }

    /// As a release prints it: "[20, 29]", "35", "{female, male}", "male".
    public var text: String {
        switch self {
        case .range(let lo, let hi): return lo == hi ? formatCompact(lo) : "[\(formatCompact(lo)), \(formatCompact(hi))]"
        case .values(let codes, let levels):
            return codes.count == 1 ? levels[codes[0]] : "{" + codes.map { levels[$0] }.joined(separator: ", ") + "}"
        }
    }

    /// Normalised certainty penalty of this generalisation (Xu, Wang, Pei, Wang, Shi & Fu, "Utility-Based
    /// Anonymization Using Local Recoding", KDD 2006, §2.2): (high − low) / the table's range for a
    /// number; for a category (a flat hierarchy: a set of values or one value) 0 for one value,
    /// |set| / the table's distinct values otherwise. `tableWidth` is that range or count.
    public func ncp(tableWidth: Double) -> Double {
        guard tableWidth > 0 else { return 0 }
        switch self {
        case .range(let lo, let hi): return (hi - lo) / tableWidth
        case .values(let codes, _): return codes.count <= 1 ? 0 : Double(codes.count) / tableWidth
        }
    }
}

/// One equivalence class of a release: its records (rows of the source table), the published
/// generalisation of each quasi-identifier, and the counts of its sensitive values.
public struct EquivalenceClass: Sendable {
    public let rows: [Int]
    public let generalisation: [Generalisation]
    public let sensitiveCounts: [Int]
    public var size: Int { rows.count }

    /// Whether a record with quasi-identifier values `x` fits every generalisation.
    public func contains(_ x: [Double]) -> Bool {
        zip(generalisation, x).allSatisfy { $0.0.contains($0.1) }
    }

    /// The distinct sensitive values published for this class (codes).
    public var sensitiveValues: [Int] { sensitiveCounts.indices.filter { sensitiveCounts[$0] > 0 } }
}
