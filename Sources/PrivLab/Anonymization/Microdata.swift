/// One column of a `Microdata` table: numbers (age, a ZIP-like region code, income) or categories
/// (sex, education, a disease). A categorical column stores codes into its `levels`, whose order is
/// the attribute's order where it has one (education) and a fixed listing otherwise; Mondrian cuts
/// categorical attributes along that order (see `MondrianPartitioner`).
public enum MicrodataColumn: Sendable, Equatable {
    /// Numeric values; `domain` is the publicly known range (what a data-independent binning may
    /// use without looking at the data), nil when none is declared.
    case numeric(values: [Double], domain: ClosedRange<Double>?)
    /// Codes `0..<levels.count`, one per record.
    case categorical(codes: [Int], levels: [String])

    public var count: Int {
        switch self {
        case .numeric(let v, _): return v.count
        case .categorical(let c, _): return c.count
        }
    }

    public var isNumeric: Bool { if case .numeric = self { return true }; return false }

    /// The value of row `i` as an ordered number (a categorical value's code).
    @inline(__always) public func ordinal(_ i: Int) -> Double {
        switch self {
        case .numeric(let v, _): return v[i]
        case .categorical(let c, _): return Double(c[i])
        }
    }

    /// The value of row `i` as text (a level's name, or the number).
    public func text(_ i: Int) -> String {
        switch self {
        case .numeric(let v, _): return formatCompact(v[i])
        case .categorical(let c, let l): return l[c[i]]
        }
    }

    /// The same column restricted to rows `positions`.
    func rows(_ positions: [Int]) -> MicrodataColumn {
        switch self {
        case .numeric(let v, let d): return .numeric(values: positions.map { v[$0] }, domain: d)
        case .categorical(let c, let l): return .categorical(codes: positions.map { c[$0] }, levels: l)
        }
    }
}

/// A table of person-level records (microdata): named, typed columns and a stable record id per
/// row, as statistical agencies release them. Used instead of `Dataset` because anonymisation
/// needs what a Dataset has not: several categorical columns with their level names, a sensitive
/// attribute that is one column among others rather than a class label, and public domains.
public struct Microdata: Sendable, Equatable {
    public private(set) var names: [String]
    public private(set) var columns: [MicrodataColumn]
    /// Stable record ids (unique; kept through samples and subsets, so the same person can be found
    /// in two releases drawn from one population).
    public private(set) var ids: [Int]

    /// A table; every column must have one value per id, names and ids must be unique.
    public init(names: [String], columns: [MicrodataColumn], ids: [Int]? = nil) throws {
        guard names.count == columns.count else { throw PrivLabError.shape("\(names.count) column names but \(columns.count) columns") }
        guard !columns.isEmpty else { throw PrivLabError.invalidArgument("a table needs at least one column") }
        if Set(names).count != names.count { throw PrivLabError.invalidArgument("column names must be unique") }
        let n = columns[0].count
        for (name, c) in zip(names, columns) {
            guard c.count == n else { throw PrivLabError.shape("column '\(name)' has \(c.count) values, '\(names[0])' has \(n)") }
            switch c {
            case .numeric(let v, _):
                if let bad = v.firstIndex(where: { !$0.isFinite }) { throw PrivLabError.invalidArgument("column '\(name)': row \(bad + 1) is not a finite number") }
            case .categorical(let codes, let levels):
                if let bad = codes.firstIndex(where: { $0 < 0 || $0 >= levels.count }) {
                    throw PrivLabError.invalidArgument("column '\(name)': code \(codes[bad]) of row \(bad + 1) is outside its \(levels.count) levels")
                }
            }
        }
        let theIds = ids ?? (0..<n).map { $0 + 1 }
        guard theIds.count == n else { throw PrivLabError.shape("\(n) rows but \(theIds.count) ids") }
        if Set(theIds).count != n { throw PrivLabError.invalidArgument("record ids must be unique") }
        self.names = names
        self.columns = columns
        self.ids = theIds
    }

    public var size: Int { ids.count }

    /// The position of column `name`, nil when there is none.
    public func index(of name: String) -> Int? { names.firstIndex(of: name) }

    /// The column `name`, or an error naming `fn` and the columns there are.
    public func column(_ name: String, fn: String) throws -> MicrodataColumn {
        guard let i = index(of: name) else {
            throw PrivLabError.invalidArgument("\(fn): '\(name)' is not a column (columns: \(names.joined(separator: ", ")))")
        }
        return columns[i]
    }

    /// The rows at 0-based `positions`, in that order (ids kept).
    public func rows(_ positions: [Int]) -> Microdata {
        var t = self
        t.columns = columns.map { $0.rows(positions) }
        t.ids = positions.map { ids[$0] }
        return t
    }

    /// The rows whose ids are in `wanted` (in this table's order); an unknown id is an error.
    public func subset(ids wanted: [Int]) throws -> Microdata {
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        var rows = [Int]()
        for id in wanted {
            guard let p = position[id] else { throw PrivLabError.invalidArgument("record id \(id) is not in the table") }
            rows.append(p)
        }
        return self.rows(rows.sorted())
    }

    /// A seeded simple random sample of `n` rows without replacement, kept in table order.
    public func sample(_ n: Int, seed: UInt64) throws -> Microdata {
        guard n >= 1 && n <= size else { throw PrivLabError.invalidArgument("a sample needs 1 … \(size) rows, got \(n)") }
        var rng = RNG(seed: seed)
        return rows(try rng.sample(size, n).sorted())
    }
}
