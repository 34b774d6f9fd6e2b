/// One cut Mondrian made: records with `dimension` ≤ `value` went left, the others right.
public struct MondrianCut: Sendable, Equatable {
    public let dimension: String
    public let value: Double
    public let left: Int
    public let right: Int
}

/// The cut tree, so a point in quasi-identifier space can be led to its region (the attacker's
/// look-up in `IntersectionAttack`, checked against the published generalisation there).
enum MondrianNode: Sendable {
    case leaf(classIndex: Int)
    case split(dimension: Int, value: Double, left: Int, right: Int)
}

/// Strict multidimensional partitioning (LeFevre, DeWitt & Ramakrishnan, "Mondrian Multidimensional
/// k-Anonymity", ICDE 2006, §4, Fig. 4): while a region has an allowable cut, cut it at the median
/// of one dimension; a cut is allowable when both sides meet the constraint (≥ k records, and ℓ /
/// t when asked). Choices the paper leaves open, made here:
/// - the dimension is the widest *normalised* one (the paper's heuristic), width measured as the
///   normalised certainty penalty measures loss: range / the table's range for numbers, distinct
///   values / the table's distinct values for categories (0 with one value); when the widest has
///   no allowable cut the next widest is tried (ties keep the quasi-identifiers' order);
/// - the median cut puts the ⌊n/2⌋ smallest values (and their ties) on the left: lhs = {x ≤ v₍⌊n/2⌋₎};
///   when that value is the region's largest (a tie block holds the upper half) the cut moves just
///   below the tie block, the nearest strict cut to the median;
/// - categorical values are cut along their levels' order (education is ordinal; a nominal
///   attribute's listed order stands in for the hierarchy the paper would use), so each side's
///   values form a set.
struct MondrianPartitioner: Sendable {
    let quasiIndex: [Int]
    let quasiNames: [String]
    /// Per quasi-identifier: the values as ordered numbers (codes for categories).
    let values: [[Double]]
    let isNumeric: [Bool]
    /// Per quasi-identifier: the table's range (numbers) or its number of distinct values (categories).
    let globalWidth: [Double]
    let levelCount: [Int]

    init(table: Microdata, quasi: [String]) throws {
        quasiNames = quasi
        quasiIndex = try quasi.map { q in
            guard let i = table.index(of: q) else { throw PrivLabError.invalidArgument("'\(q)' is not a column") }
            return i
        }
        let cols = quasiIndex.map { table.columns[$0] }
        values = cols.map { c in (0..<table.size).map { c.ordinal($0) } }
        isNumeric = cols.map(\.isNumeric)
        levelCount = cols.map { if case .categorical(_, let l) = $0 { return l.count }; return 0 }
        var widths = [Double]()
        for (d, c) in cols.enumerated() {
            let v = values[d]
            if c.isNumeric { widths.append((v.max() ?? 0) - (v.min() ?? 0)) } else { widths.append(Double(Set(v).count)) }
        }
        globalWidth = widths
    }

    /// The normalised width of dimension `d` over `rows` (0 when it cannot be cut).
    func width(_ d: Int, _ rows: [Int]) -> Double {
        let v = values[d]
        if isNumeric[d] {
            guard globalWidth[d] > 0 else { return 0 }
            var lo = Double.infinity, hi = -Double.infinity
            for r in rows { lo = min(lo, v[r]); hi = max(hi, v[r]) }
            return (hi - lo) / globalWidth[d]
        }
        var seen = [Bool](repeating: false, count: levelCount[d])
        var distinct = 0
        for r in rows where !seen[Int(v[r])] { seen[Int(v[r])] = true; distinct += 1 }
        return distinct > 1 ? Double(distinct) / globalWidth[d] : 0
    }

    /// The median split value of dimension `d` over `rows` (see the type's notes), nil when every
    /// value is the same.
    func splitValue(_ d: Int, _ rows: [Int]) -> Double? {
        guard rows.count >= 2 else { return nil }
        let sorted = rows.map { values[d][$0] }.sorted()
        var split = sorted[rows.count / 2 - 1]
        if split == sorted[sorted.count - 1] {
            guard let below = sorted.last(where: { $0 < split }) else { return nil }
            split = below
        }
        return split
    }

    /// The equivalence classes (table rows, left to right), the cuts made and the cut tree.
    func partition(_ constraint: PartitionConstraint) -> (classes: [[Int]], cuts: [MondrianCut], tree: [MondrianNode]) {
        var classes = [[Int]](), cuts = [MondrianCut](), tree: [MondrianNode] = [.leaf(classIndex: -1)]
        var stack: [(rows: [Int], node: Int)] = [(Array(0..<values[0].count), 0)]
        while let (rows, node) = stack.popLast() {
            guard let (d, split, lhs, rhs) = allowableCut(rows, constraint) else {
                tree[node] = .leaf(classIndex: classes.count)
                classes.append(rows)
                continue
            }
            cuts.append(MondrianCut(dimension: quasiNames[d], value: split, left: lhs.count, right: rhs.count))
            let l = tree.count, r = tree.count + 1
            tree.append(.leaf(classIndex: -1))
            tree.append(.leaf(classIndex: -1))
            tree[node] = .split(dimension: d, value: split, left: l, right: r)
            stack.append((rhs, r))   // the left side is taken next: classes come out left to right
            stack.append((lhs, l))
        }
        return (classes, cuts, tree)
    }

    /// The first allowable median cut, widest normalised dimension first; nil when there is none.
    func allowableCut(_ rows: [Int], _ constraint: PartitionConstraint) -> (Int, Double, [Int], [Int])? {
        guard rows.count >= 2 * constraint.k else { return nil }
        let widths = values.indices.map { width($0, rows) }
        let order = values.indices.filter { widths[$0] > 0 }.sorted { widths[$0] > widths[$1] || (widths[$0] == widths[$1] && $0 < $1) }
        for d in order {
            guard let split = splitValue(d, rows) else { continue }
            var lhs = [Int](), rhs = [Int]()
            for r in rows { if values[d][r] <= split { lhs.append(r) } else { rhs.append(r) } }
            if constraint.violation(lhs) == nil && constraint.violation(rhs) == nil { return (d, split, lhs, rhs) }
        }
        return nil
    }

    /// The class whose region holds the point `x` (one value per quasi-identifier).
    static func classIndex(of x: [Double], tree: [MondrianNode]) -> Int {
        var node = 0
        while true {
            switch tree[node] {
            case .leaf(let c): return c
            case .split(let d, let v, let l, let r): node = x[d] <= v ? l : r
            }
        }
    }
}
