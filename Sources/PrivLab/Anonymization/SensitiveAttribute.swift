import Foundation

/// The sensitive attribute as t-closeness and ℓ-diversity see it: each record's value as a code
/// into `levels` (for a numeric attribute, its distinct values in increasing order — the paper's
/// nine salaries), the ground distance, and the whole table's distribution Q.
public struct SensitiveAttribute: Sendable {
    public let name: String
    /// The values' names, in order.
    public let levels: [String]
    /// One code per table row.
    public let codes: [Int]
    public let distance: SensitiveDistance
    /// The distribution of the whole table (Q of Li et al. 2007).
    public let overall: [Double]

    /// The column `column` of `table`; `distance` nil picks ordered for numbers, equal for categories.
    public init(_ table: Microdata, column: String, distance: SensitiveDistance?) throws {
        let c = try table.column(column, fn: "sensitive attribute")
        switch c {
        case .numeric(let values, _):
            let distinct = Array(Set(values)).sorted()
            let code = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
            levels = distinct.map { formatCompact($0) }
            codes = values.map { code[$0]! }
            self.distance = distance ?? .ordered
        case .categorical(let cs, let names):
            levels = names
            codes = cs
            self.distance = distance ?? .equal
        }
        name = column
        overall = Self.distribution(codes, levels: levels.count)
    }

    /// The share of each level among `codes`.
    static func distribution(_ codes: [Int], levels m: Int) -> [Double] {
        var h = [Double](repeating: 0, count: m)
        for c in codes { h[c] += 1 }
        let n = Double(max(1, codes.count))
        return h.map { $0 / n }
    }

    /// Counts of each level among the table rows `rows`.
    public func histogram(_ rows: [Int]) -> [Int] {
        var h = [Int](repeating: 0, count: levels.count)
        for r in rows { h[codes[r]] += 1 }
        return h
    }
}

/// The constraint every equivalence class must meet — k-anonymity, and ℓ-diversity and t-closeness
/// when asked — so that Mondrian allows a cut only when both sides meet it (LeFevre et al. 2006,
/// §3: an "allowable" cut; Machanavajjhala et al. and Li et al. use Mondrian the same way).
struct PartitionConstraint: Sendable {
    let k: Int
    let l: Double?
    let diversity: DiversityKind
    let t: Double?
    let sensitive: SensitiveAttribute

    /// Nil when `rows` meet the constraint, else what they fail, in words.
    func violation(_ rows: [Int]) -> String? {
        if rows.count < k { return "has \(rows.count) records, fewer than k = \(k)" }
        if l == nil && t == nil { return nil }
        let h = sensitive.histogram(rows)
        if let l = l {
            switch diversity {
            case .distinct:
                let d = Diversity.distinct(h)
                if Double(d) < l { return "has \(d) distinct values of '\(sensitive.name)', fewer than ℓ = \(formatCompact(l))" }
            case .entropy:
                let e = Diversity.entropyL(h)
                // A tolerance for classes exactly at ℓ (an even split of ℓ values gives exp(log ℓ) up to rounding).
                if e < l * (1 - 1e-12) { return "has entropy ℓ = \(formatCompact(e)) of '\(sensitive.name)', below ℓ = \(formatCompact(l))" }
            }
        }
        if let t = t {
            let d = Closeness.emd(h, sensitive.overall, distance: sensitive.distance)
            if d > t + 1e-12 { return "is at EMD \(formatCompact(d)) from the table's distribution of '\(sensitive.name)', above t = \(formatCompact(t))" }
        }
        return nil
    }
}
