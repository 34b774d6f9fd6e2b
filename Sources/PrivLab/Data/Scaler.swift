/// Feature scaling fitted on training data and applied unchanged to any other data, so no
/// statistic of the test set leaks into training.
public struct Scaler: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// (x − min) / (max − min) into [0, 1]; constant features map to 0.
        case minmax
        /// (x − mean) / std (population std); constant features map to 0.
        case zscore
        /// (x − m) / s with ONE mean m and population std s over every value of every feature —
        /// the image normalisation of course notebooks (torchvision's `Normalize((0.2860,),
        /// (0.3530,))` for Fashion-MNIST), which keeps pixels comparable with each other where a
        /// per-pixel z-score would blow up near-constant border pixels.
        case global
    }
    public let kind: Kind
    public private(set) var offset: [Float] = []
    public private(set) var scale: [Float] = []
    public var isFitted: Bool { !offset.isEmpty || fittedOnEmptyFeatures }
    private var fittedOnEmptyFeatures = false

    public init(kind: Kind) { self.kind = kind }

    /// Learns the per-feature statistics from `x`.
    public mutating func fit(_ x: Matrix) throws {
        guard x.rows > 0 else { throw PrivLabError.invalidArgument("scaler: cannot fit on zero records") }
        if x.hasNonFinite { throw PrivLabError.invalidArgument("scaler: the data has NaN or infinite values") }
        let c = x.cols
        var off = [Double](repeating: 0, count: c)
        var sc = [Double](repeating: 1, count: c)
        switch kind {
        case .minmax:
            var lo = [Float](repeating: .infinity, count: c), hi = [Float](repeating: -.infinity, count: c)
            for i in 0..<x.rows { for j in 0..<c { let v = x[i, j]; lo[j] = min(lo[j], v); hi[j] = max(hi[j], v) } }
            for j in 0..<c {
                off[j] = Double(lo[j])
                let r = Double(hi[j]) - Double(lo[j])
                sc[j] = r > 0 ? 1 / r : 0
            }
        case .zscore:
            let n = Double(x.rows)
            var mean = [Double](repeating: 0, count: c), m2 = [Double](repeating: 0, count: c)
            for i in 0..<x.rows { for j in 0..<c { mean[j] += Double(x[i, j]) } }
            for j in 0..<c { mean[j] /= n }
            for i in 0..<x.rows { for j in 0..<c { let d = Double(x[i, j]) - mean[j]; m2[j] += d * d } }
            for j in 0..<c {
                off[j] = mean[j]
                let sd = (m2[j] / n).squareRoot()
                sc[j] = sd > 1e-12 ? 1 / sd : 0
            }
        case .global:
            let n = Double(x.rows * c)
            var sum = 0.0, m2 = 0.0
            x.data.withUnsafeBufferPointer { d in for v in d { sum += Double(v) } }
            let mean = sum / max(n, 1)
            x.data.withUnsafeBufferPointer { d in for v in d { let e = Double(v) - mean; m2 += e * e } }
            let sd = (m2 / max(n, 1)).squareRoot()
            off = [Double](repeating: mean, count: c)
            sc = [Double](repeating: sd > 1e-12 ? 1 / sd : 0, count: c)
        }
        offset = off.map { Float($0) }
        scale = sc.map { Float($0) }
        fittedOnEmptyFeatures = c == 0
    }

    /// Applies the fitted scaling to `x`.
    public func transform(_ x: Matrix) throws -> Matrix {
        guard isFitted else { throw PrivLabError.invalidArgument("scaler: transform before fit") }
        guard x.cols == offset.count else {
            throw PrivLabError.shape("scaler was fitted on \(offset.count) features, got \(x.cols)")
        }
        var out = x
        let c = x.cols
        out.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<x.rows {
                for j in 0..<c { d[i * c + j] = (d[i * c + j] - offset[j]) * scale[j] }
            }
        }
        return out
    }

    public func transform(_ ds: Dataset) throws -> Dataset {
        var d = ds
        d.features = try transform(ds.features)
        return d
    }
}
