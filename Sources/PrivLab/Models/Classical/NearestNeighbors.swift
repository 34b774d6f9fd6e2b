import Foundation

/// k-nearest-neighbour classification by Euclidean distance — scikit-learn's
/// `KNeighborsClassifier` with uniform or inverse-distance weights. The model *is* its training
/// set, which makes it the textbook case of membership leakage: with k = 1 every member is its own
/// nearest neighbour. Equal distances are ordered by training position; class ties go to the lower
/// class (the first maximum, as scikit-learn's arg max).
public final class NearestNeighbors: ClassicalClassifier {
    public enum Weights: String, Codable, Sendable, CaseIterable { case uniform, distance }

    public struct Options: Codable, Sendable, Equatable {
        public var k = 5
        public var weights: Weights = .uniform
        public init() {}
        public func validate() throws {
            guard k >= 1 else { throw PrivLabError.invalidArgument("knn: k must be at least 1, got \(k)") }
        }
    }

    public struct State: Codable, Sendable, Equatable {
        public var options: Options
        public var points: DoubleMatrix
        public var labels: [Int]
        public var classes: Int
    }

    public let options: Options
    public private(set) var state: State? = nil

    public init(options: Options) throws {
        try options.validate()
        self.options = options
    }

    init(state: State) {
        options = state.options
        self.state = state
    }

    public var kindName: String { "knn" }
    public var summary: String { "\(options.k)-nearest neighbours (\(options.weights.rawValue))" }
    public var isFitted: Bool { state != nil }
    public var featureCount: Int { state?.points.cols ?? 0 }
    public var classes: Int { state?.classes ?? 0 }
    public var parameterCount: Int { state?.points.data.count ?? 0 }
    public func cloneUntrained() throws -> Classifier { try NearestNeighbors(options: options) }
    public var configurationIdentity: String { "knn|\(options.k)|\(options.weights.rawValue)" }
    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard let s = state else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        return .knn(s)
    }

    public func fitClassical(_ data: Dataset) throws {
        guard options.k <= data.size else {
            throw PrivLabError.invalidArgument("knn: k = \(options.k) exceeds the \(data.size) training records")
        }
        state = State(options: options, points: DoubleMatrix(data.features), labels: data.labels, classes: data.classes)
    }

    /// Class probabilities: the (weighted) share of each class among the k nearest training points.
    func neighbourProbabilities(_ x: DoubleMatrix) throws -> DoubleMatrix {
        guard let s = state else { throw PrivLabError.invalidArgument("knn: the model is not fitted") }
        let k = min(options.k, s.points.rows)
        var out = DoubleMatrix(rows: x.rows, cols: s.classes)
        let trainNorms = (0..<s.points.rows).map { i in (0..<s.points.cols).reduce(0.0) { $0 + s.points[i, $1] * s.points[i, $1] } }
        // Blocks of queries bound the distance matrix's memory.
        for start in stride(from: 0, to: x.rows, by: 512) {
            let rows = Array(start..<min(start + 512, x.rows))
            let q = x.rows(rows)
            let cross = DoubleMatrix.product(q, s.points, transB: true)
            for (r, i) in rows.enumerated() {
                let qn = (0..<q.cols).reduce(0.0) { $0 + q[r, $1] * q[r, $1] }
                var dist = (0..<s.points.rows).map { max(0, qn - 2 * cross[r, $0] + trainNorms[$0]) }
                let order = Array(dist.indices).sorted { (dist[$0], $0) < (dist[$1], $1) }.prefix(k)
                var total = 0.0
                for t in order {
                    let w: Double
                    switch options.weights {
                    case .uniform: w = 1
                    case .distance:
                        dist[t] = dist[t].squareRoot()
                        // A query that coincides with training points gets only their votes.
                        w = dist[t] == 0 ? .infinity : 1 / dist[t]
                    }
                    if w.isInfinite {
                        if total.isFinite { total = .infinity; for c in 0..<s.classes { out[i, c] = 0 } }
                        out[i, s.labels[t]] += 1
                    } else if total.isFinite {
                        out[i, s.labels[t]] += w
                        total += w
                    }
                }
                let z = total.isInfinite ? (0..<s.classes).reduce(0.0) { $0 + out[i, $1] } : total
                for c in 0..<s.classes { out[i, c] /= z }
            }
        }
        return out
    }

    /// Log-probabilities, floored at 10⁻¹² so released scores stay finite (a class no neighbour
    /// votes for would otherwise score −∞, which no attack feature survives).
    public func decisionScores(_ x: DoubleMatrix) throws -> DoubleMatrix {
        var p = try neighbourProbabilities(x)
        p.data = p.data.map { log(max($0, 1e-12)) }
        return p
    }

    /// The exact neighbour shares (at temperature 1), not a softmax of the floored logs.
    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix {
        guard temperature == 1 else {
            guard temperature > 0, temperature.isFinite else { throw PrivLabError.invalidArgument("temperature must be positive") }
            return Softmax.probabilities(try logits(x), temperature: Float(temperature))
        }
        return try neighbourProbabilities(try checkedInput(x)).float
    }
}
