import Foundation

/// Coarsening by binning: each chosen feature is replaced by the index (0, 1, …) of the bin its value
/// falls in — scikit-learn's `KBinsDiscretizer(encode="ordinal")`, with its edges and rules:
/// `uniform` bins split [min, max] of the training values into equal widths (`np.linspace`);
/// `quantile` bins put their edges at the training values' quantiles (`np.percentile`, by default
/// with scikit-learn 1.9's `averaged_inverted_cdf`), and bins narrower than 1e-8 are merged away; a
/// constant feature gets one bin (edges: its value twice, where scikit-learn writes −∞, ∞). A value goes to bin `searchsorted(inner edges, x, side="right")`,
/// so values beyond the training range fall in the first or last bin.
///
/// Why against leakage: a record is rarer — hence easier to single out, and to memorise — the finer
/// its values; binning makes many records share each value (the generalisation step of
/// k-anonymity, Sweeney 2002), at a cost in the information the model can use.
public struct Binning: Transformer, Codable, Equatable {
    public enum Strategy: String, Codable, Sendable, CaseIterable { case uniform, quantile }
    /// How quantile edges interpolate between training values (NumPy's `percentile` methods).
    public enum QuantileMethod: String, Codable, Sendable, CaseIterable {
        /// Hyndman & Fan's type 2: the inverse empirical CDF, averaged where it is flat (scikit-learn ≥ 1.9).
        case averagedInvertedCDF = "averaged_inverted_cdf"
        /// Type 7: linear interpolation between order statistics (NumPy's default; scikit-learn < 1.9).
        case linear
    }

    /// The most bins a feature may have.
    public static let maxBins = 65_536
    public let bins: Int
    public let strategy: Strategy
    public let quantileMethod: QuantileMethod
    /// The features binned (0-based); nil: every feature. Others pass through unchanged.
    public let features: [Int]?
    /// Fitted: for each feature of the input, its bin edges (nil for a feature passed through).
    public private(set) var edges: [[Double]?]? = nil

    public init(bins: Int, strategy: Strategy = .quantile, quantileMethod: QuantileMethod = .averagedInvertedCDF, features: [Int]? = nil) throws {
        guard bins >= 2 else { throw PrivLabError.invalidArgument("binning: bins must be at least 2, got \(bins)") }
        // Each fitted feature holds bins + 1 edges: a bound keeps a typo from allocating gigabytes.
        guard bins <= Binning.maxBins else { throw PrivLabError.invalidArgument("binning: bins must be at most \(Binning.maxBins), got \(bins)") }
        if let f = features {
            guard !f.isEmpty else { throw PrivLabError.invalidArgument("binning: features must list at least one feature") }
            guard Set(f).count == f.count, f.allSatisfy({ $0 >= 0 }) else {
                throw PrivLabError.invalidArgument("binning: features must be distinct feature numbers ≥ 1")
            }
        }
        self.bins = bins
        self.strategy = strategy
        self.quantileMethod = quantileMethod
        self.features = features
    }

    public var name: String { "Binning(\(bins) \(strategy.rawValue) bins\(features.map { " on \($0.count) features" } ?? ""))" }
    public var isFitted: Bool { edges != nil }
    public var unfitted: any Transformer {
        var copy = self
        copy.edges = nil
        return copy
    }
    public func stored() throws -> StoredTransformer { .binning(self) }

    public func fitted(to data: Dataset) throws -> any Transformer {
        let x = data.features
        guard x.rows >= 1 else { throw PrivLabError.invalidArgument("binning: no records to fit on") }
        if x.hasNonFinite { throw PrivLabError.invalidArgument("binning: the data has NaN or infinite values") }
        if let bad = features?.first(where: { $0 >= x.cols }) {
            throw PrivLabError.invalidArgument("binning: feature \(bad + 1) does not exist (the data has \(x.cols) features)")
        }
        let chosen = Set(features ?? Array(0..<x.cols))
        var out = self
        out.edges = (0..<x.cols).map { j in
            chosen.contains(j) ? Binning.edges((0..<x.rows).map { Double(x[$0, j]) }, bins: bins, strategy: strategy, method: quantileMethod) : nil
        }
        return out
    }

    public func transform(_ x: Matrix) throws -> Matrix {
        guard let e = edges else { throw PrivLabError.invalidArgument("binning: transform before fit") }
        guard x.cols == e.count else { throw PrivLabError.shape("binning was fitted on \(e.count) features, got \(x.cols)") }
        if x.hasNonFinite { throw PrivLabError.invalidArgument("binning: the data has NaN or infinite values") }
        var out = x
        for (j, edgesJ) in e.enumerated() {
            guard let edgesJ else { continue }
            let inner = edgesJ.dropFirst().dropLast()
            for i in 0..<x.rows { out[i, j] = Float(Binning.rightInsertionIndex(inner, Double(x[i, j]))) }
        }
        return out
    }

    /// The number of `sorted` values ≤ v (NumPy's `searchsorted(…, side="right")`).
    static func rightInsertionIndex(_ sorted: ArraySlice<Double>, _ v: Double) -> Int {
        var lo = sorted.startIndex, hi = sorted.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return lo - sorted.startIndex
    }

    /// One feature's edges, scikit-learn's way (see the type's documentation).
    static func edges(_ column: [Double], bins: Int, strategy: Strategy, method: QuantileMethod) -> [Double] {
        let lo = column.min()!, hi = column.max()!
        // scikit-learn's edges for a constant feature are [−∞, ∞]; the value twice makes the same one
        // bin and keeps the fitted step JSON-encodable (model files, configuration identities).
        if lo == hi { return [lo, hi] }
        // np.linspace(0, 100, k + 1): i·step, the last set to the end exactly.
        func linspace(_ a: Double, _ b: Double) -> [Double] {
            let step = (b - a) / Double(bins)
            return (0...bins).map { $0 == bins ? b : Double($0) * step + a }
        }
        switch strategy {
        case .uniform: return linspace(lo, hi)
        case .quantile:
            let sorted = column.sorted()
            let edges = linspace(0, 100).map { percentile(sorted, $0 / 100, method: method) }
            // Merge bins of width ≤ 1e-8 (np.ediff1d(edges, to_begin=inf) > 1e-8).
            var kept = [edges[0]]
            for i in 1..<edges.count where edges[i] - edges[i - 1] > 1e-8 { kept.append(edges[i]) }
            return kept
        }
    }

    /// NumPy's percentile of sorted values at quantile q ∈ [0, 1]: a virtual index (n·q − 1 for
    /// averaged_inverted_cdf, (n − 1)·q for linear) between two order statistics, interpolated by
    /// its fractional part γ — which averaged_inverted_cdf turns into ½ where the index is whole,
    /// and 1 elsewhere.
    static func percentile(_ sorted: [Double], _ q: Double, method: QuantileMethod) -> Double {
        let n = sorted.count
        let virtual = method == .linear ? Double(n - 1) * q : Double(n) * q - 1
        let below = virtual.rounded(.down)
        var gamma = virtual - below
        if method == .averagedInvertedCDF { gamma = gamma == 0 ? 0.5 : 1 }
        let i = min(max(Int(below), 0), n - 1), k = min(max(Int(below) + 1, 0), n - 1)
        let a = sorted[i], b = sorted[k], d = b - a
        // NumPy's _lerp: from the nearer end, so γ = 1 gives b exactly.
        return gamma >= 0.5 ? b - d * (1 - gamma) : a + d * gamma
    }
}
