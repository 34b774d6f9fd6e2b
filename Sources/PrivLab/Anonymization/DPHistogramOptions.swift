import Foundation

/// The noise a DP histogram release adds, by its Lua name.
public enum DPHistogramMechanism: String, CaseIterable, Sendable {
    /// Laplace noise of scale b on every count: pure (1/b)-DP (Dwork, McSherry, Nissim & Smith 2006).
    case laplace
    /// Gaussian noise of standard deviation σ on every count: (ε, δ)-DP (Balle & Wang 2018).
    case gaussian
}

/// The DP side of the composition question: the statistic a k-anonymous release lets an analyst
/// compute — how often each sensitive value occurs among people of given quasi-identifiers —
/// released as a noisy contingency table. The cells are fixed *before* looking at the data (public
/// bins of the numeric quasi-identifiers, every level of the categorical ones), unlike Mondrian's
/// classes, so adding or removing one person changes one count by 1: L1 and L2 sensitivity 1
/// (Dwork & Roth 2014, §3.3). Every cell is released, empty or not.
public struct DPHistogramOptions: Sendable {
    public var quasi: [String]
    public var sensitive: String
    /// Bin edges of numeric quasi-identifiers by name (increasing; values below the first or above
    /// the last edge fall in the end bins); a numeric column not listed is cut into `defaultBins`
    /// equal bins over its public domain.
    public var bins: [String: [Double]] = [:]
    public var defaultBins = 5
    public var mechanism: DPHistogramMechanism = .laplace
    /// ε of one release (add/remove-one neighbours); give this or `noise`.
    public var epsilon: Double? = nil
    /// The noise itself: Laplace scale b, or Gaussian σ (counts have sensitivity 1).
    public var noise: Double? = nil
    /// δ of the Gaussian mechanism's calibration and statement.
    public var delta: Double = 1e-5
    public var seed: UInt64 = 1

    public init(quasi: [String], sensitive: String) {
        self.quasi = quasi
        self.sensitive = sensitive
    }

    /// The noise scale (Laplace b or Gaussian σ) for one release.
    func noiseScale(fn: String) throws -> Double {
        switch (epsilon, noise) {
        case (let e?, nil):
            switch mechanism {
            case .laplace: return try Mechanisms.laplaceScale(sensitivity: 1, epsilon: e)
            case .gaussian: return try Mechanisms.gaussianSigmaAnalytic(sensitivity: 1, epsilon: e, delta: delta)
            }
        case (nil, let s?):
            guard s.isFinite, s > 0 else { throw PrivLabError.invalidArgument("\(fn): noise must be a positive number, got \(formatCompact(s))") }
            return s
        default: throw PrivLabError.invalidArgument("\(fn): give exactly one of epsilon and noise")
        }
    }

    /// Releases the noisy table of `table`.
    public func release(_ table: Microdata, fn: String = "dp_release") throws -> DPHistogramRelease {
        guard !quasi.isEmpty else { throw PrivLabError.invalidArgument("\(fn): give at least one quasi-identifier") }
        for q in quasi { _ = try table.column(q, fn: fn) }
        if quasi.contains(sensitive) { throw PrivLabError.invalidArgument("\(fn): the sensitive attribute '\(sensitive)' is also a quasi-identifier") }
        guard case .categorical(let codes, let levels) = try table.column(sensitive, fn: fn) else {
            throw PrivLabError.invalidArgument("\(fn): the sensitive attribute '\(sensitive)' must be categorical (its levels are the histogram's public bins)")
        }
        for name in bins.keys where !quasi.contains(name) {
            throw PrivLabError.invalidArgument("\(fn): bins are given for '\(name)', which is not a quasi-identifier")
        }
        let cells = try DPCells(table: table, quasi: quasi, bins: bins, defaultBins: defaultBins, fn: fn)
        let m = levels.count
        guard Double(cells.count) * Double(m) <= 2e7 else {
            throw PrivLabError.invalidArgument("\(fn): \(cells.count) cells × \(m) values is too many counts; use fewer bins or quasi-identifiers")
        }
        let scale = try noiseScale(fn: fn)
        var counts = [Double](repeating: 0, count: cells.count * m)
        let cellOfRow = (0..<table.size).map { cells.cell(table, row: $0) }
        for (row, cell) in cellOfRow.enumerated() { counts[cell * m + codes[row]] += 1 }
        var rng = RNG(seed: seed)
        let noisy: [Double]
        switch mechanism {
        case .laplace: noisy = try Mechanisms.laplace(counts, sensitivity: 1, epsilon: 1 / scale, rng: &rng)
        case .gaussian: noisy = try Mechanisms.gaussian(counts, sigma: scale, rng: &rng)
        }
        return DPHistogramRelease(table: table, quasi: quasi, sensitive: sensitive, levels: levels, codes: codes, cells: cells,
                                  cellOfRow: cellOfRow, trueCounts: counts, noisyCounts: noisy, mechanism: mechanism, scale: scale,
                                  delta: delta)
    }
}

/// The public cells of a DP histogram: a mixed-radix index over the quasi-identifiers' bins.
struct DPCells: Sendable {
    let columns: [Int]
    /// Per quasi-identifier: bin edges (numbers) or nil (a category: one cell per level).
    let edges: [[Double]?]
    let radix: [Int]
    var count: Int { radix.reduce(1, *) }

    init(table: Microdata, quasi: [String], bins: [String: [Double]], defaultBins: Int, fn: String) throws {
        columns = quasi.map { table.index(of: $0)! }
        var edges = [[Double]?](), radix = [Int]()
        for (q, i) in zip(quasi, columns) {
            switch table.columns[i] {
            case .categorical(_, let levels):
                if bins[q] != nil { throw PrivLabError.invalidArgument("\(fn): '\(q)' is categorical: its cells are its levels, it takes no bins") }
                edges.append(nil)
                radix.append(levels.count)
            case .numeric(_, let domain):
                let e: [Double]
                if let given = bins[q] {
                    guard given.count >= 2, zip(given, given.dropFirst()).allSatisfy({ $0 < $1 }) else {
                        throw PrivLabError.invalidArgument("\(fn): the bins of '\(q)' must be at least two increasing edges")
                    }
                    e = given
                } else {
                    guard let d = domain, d.upperBound > d.lowerBound else {
                        throw PrivLabError.invalidArgument("\(fn): '\(q)' has no public domain: give its bin edges (bins = {\(q) = {…}})")
                    }
                    guard defaultBins >= 1 else { throw PrivLabError.invalidArgument("\(fn): default bins must be at least 1") }
                    let w = (d.upperBound - d.lowerBound) / Double(defaultBins)
                    e = (0...defaultBins).map { d.lowerBound + Double($0) * w }
                }
                edges.append(e)
                radix.append(e.count - 1)
            }
        }
        self.edges = edges
        self.radix = radix
    }

    /// The cell of table row `row`.
    func cell(_ table: Microdata, row: Int) -> Int {
        var index = 0
        for (d, i) in columns.enumerated() {
            let x = table.columns[i].ordinal(row)
            var b: Int
            if let e = edges[d] {
                // The bin [e_j, e_{j+1}) holding x; the last bin is closed; outside values go to the end bins.
                b = e.lastIndex { $0 <= x } ?? 0
                b = min(b, radix[d] - 1)
            } else {
                b = Int(x)
            }
            index = index * radix[d] + b
        }
        return index
    }
}
