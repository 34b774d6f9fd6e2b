/// Several transformers fitted on the same input, their outputs side by side — scikit-learn's
/// `FeatureUnion` (e.g. principal components next to the k best original features).
public struct FeatureUnion: Transformer {
    public let parts: [any Transformer]

    public init(parts: [any Transformer]) { self.parts = parts }

    public var name: String { "union(\(parts.map(\.name).joined(separator: ", ")))" }
    public var isFitted: Bool { !parts.isEmpty && parts.allSatisfy(\.isFitted) }
    public var unfitted: any Transformer { FeatureUnion(parts: parts.map(\.unfitted)) }
    public var runsOnCallingThread: Bool { parts.contains { $0.runsOnCallingThread } }
    public var nonPrivateFits: [String] { parts.flatMap(\.nonPrivateFits) }
    public func reseeded(_ seed: UInt64) -> any Transformer {
        FeatureUnion(parts: parts.enumerated().map { $0.element.reseeded(mix64(seed &+ UInt64($0.offset))) })
    }
    public func stored() throws -> StoredTransformer { .union(try parts.map { try $0.stored() }) }

    public func fitted(to data: Dataset) throws -> any Transformer {
        guard !parts.isEmpty else { throw PrivLabError.invalidArgument("feature_union: needs at least one transformer") }
        return FeatureUnion(parts: try parts.map { try $0.fitted(to: data) })
    }

    public func transform(_ x: Matrix) throws -> Matrix {
        let outs = try parts.map { try $0.transform(x) }
        let cols = outs.reduce(0) { $0 + $1.cols }
        var out = Matrix(rows: x.rows, cols: cols)
        var at = 0
        for o in outs {
            for i in 0..<x.rows { for j in 0..<o.cols { out.data[i * cols + at + j] = o.data[i * o.cols + j] } }
            at += o.cols
        }
        return out
    }
}
