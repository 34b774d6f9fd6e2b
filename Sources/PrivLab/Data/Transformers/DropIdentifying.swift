import Foundation

/// Drops the `drop` features that identify training records best, scored on the training data:
///
/// - `uniqueness`: the share of training records whose value of the feature no other record has —
///   the records that one feature alone singles out (population uniques, Sweeney 2000; the unicity
///   of de Montjoye et al. 2013, for one attribute).
/// - `entropy`: the empirical entropy H(X_j) of the feature's values, in bits — equal to the mutual
///   information I(X_j; R) between the feature and the identity R of a record drawn uniformly from
///   the training set (X_j is a function of R, so H(X_j | R) = 0): how many bits of "which record
///   is it" the feature gives away. It is log₂ n for a feature with all values distinct.
///
/// Values count as equal when their Float32 values are. The `drop` highest-scoring features go
/// (ties: the later feature, as SelectKBest keeps the later one); the rest keep their order.
public struct DropIdentifying: Transformer, Codable, Equatable {
    public enum Score: String, Codable, Sendable, CaseIterable { case uniqueness, entropy }

    public let drop: Int
    public let score: Score
    /// Fitted: every feature's score and the kept feature indices (0-based, increasing).
    public private(set) var scores: [Double] = []
    public private(set) var kept: [Int]? = nil

    public init(drop: Int, score: Score = .uniqueness) throws {
        guard drop >= 1 else { throw PrivLabError.invalidArgument("drop_identifying: drop must be at least 1, got \(drop)") }
        self.drop = drop
        self.score = score
    }

    public var name: String { "DropIdentifying(\(drop) by \(score.rawValue))" }
    public var isFitted: Bool { kept != nil }
    public var unfitted: any Transformer {
        var copy = self
        copy.scores = []
        copy.kept = nil
        return copy
    }
    public func stored() throws -> StoredTransformer { .dropIdentifying(self) }
    /// The dropped features (0-based, increasing), once fitted.
    public var dropped: [Int] { kept.map { k in (0..<scores.count).filter { !k.contains($0) } } ?? [] }

    public func fitted(to data: Dataset) throws -> any Transformer {
        let x = data.features
        guard drop < x.cols else {
            throw PrivLabError.invalidArgument("drop_identifying: drop = \(drop) would leave no feature (the data has \(x.cols))")
        }
        guard x.rows >= 1 else { throw PrivLabError.invalidArgument("drop_identifying: no records to fit on") }
        if x.hasNonFinite { throw PrivLabError.invalidArgument("drop_identifying: the data has NaN or infinite values") }
        var out = self
        out.scores = (0..<x.cols).map { j in DropIdentifying.score((0..<x.rows).map { x[$0, j] }, score) }
        let order = out.scores.indices.sorted { (out.scores[$0], $0) < (out.scores[$1], $1) }
        out.kept = order.prefix(x.cols - drop).sorted()
        return out
    }

    public func transform(_ x: Matrix) throws -> Matrix {
        guard let k = kept else { throw PrivLabError.invalidArgument("drop_identifying: transform before fit") }
        guard x.cols == scores.count else { throw PrivLabError.shape("drop_identifying was fitted on \(scores.count) features, got \(x.cols)") }
        var out = Matrix(rows: x.rows, cols: k.count)
        for i in 0..<x.rows { for (c, j) in k.enumerated() { out[i, c] = x[i, j] } }
        return out
    }

    /// One feature's score from its training values.
    static func score(_ values: [Float], _ score: Score) -> Double {
        var counts = [Float: Int]()
        for v in values { counts[v == 0 ? 0 : v, default: 0] += 1 }   // −0 and +0 are one value
        let n = Double(values.count)
        switch score {
        case .uniqueness: return Double(counts.values.filter { $0 == 1 }.count) / n
        case .entropy:
            // Summed in a fixed order: a dictionary's order varies between runs, and so would the last bit.
            return counts.values.sorted().reduce(0) { h, c in let p = Double(c) / n; return h - p * log2(p) }
        }
    }
}
