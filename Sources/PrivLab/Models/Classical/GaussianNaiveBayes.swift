import Foundation

/// Gaussian naive Bayes: features independent given the class, each normal with the class's mean
/// and (biased) variance — scikit-learn's `GaussianNB`, including its variance floor: every
/// variance gets `smoothing` × the largest feature variance added, so a feature constant within a
/// class does not divide by zero.
public final class GaussianNaiveBayes: ClassicalClassifier, ParameterizedModel {
    public struct Options: Codable, Sendable, Equatable {
        public var smoothing = 1e-9
        public init() {}
        public func validate() throws {
            guard smoothing >= 0, smoothing.isFinite else { throw PrivLabError.invalidArgument("gaussian_nb: var_smoothing must be non-negative") }
        }
    }

    public struct State: Codable, Sendable, Equatable {
        public var options: Options
        /// classes × features.
        public var means: DoubleMatrix
        public var variances: DoubleMatrix
        public var priors: [Double]
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

    public var kindName: String { "gaussian_nb" }
    public var summary: String { "Gaussian naive Bayes" }
    public var isFitted: Bool { state != nil }
    public var featureCount: Int { state?.means.cols ?? 0 }
    public var classes: Int { state?.means.rows ?? 0 }
    public var parameterCount: Int { 2 * (state?.means.data.count ?? 0) + (state?.priors.count ?? 0) }
    public func cloneUntrained() throws -> Classifier { try GaussianNaiveBayes(options: options) }
    public var configurationIdentity: String { "gaussian_nb|\(options.smoothing)" }
    public func parameterVector() throws -> [Float] {
        guard let s = state else { throw PrivLabError.invalidArgument("gaussian_nb: the model is not fitted") }
        return (s.means.data + s.variances.data + s.priors).map { Float($0) }
    }
    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard let s = state else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        return .gaussianNB(s)
    }

    public func fitClassical(_ data: Dataset) throws {
        let x = DoubleMatrix(data.features)
        let k = data.classes, d = x.cols
        var count = [Double](repeating: 0, count: k)
        for c in data.labels { count[c] += 1 }
        guard count.allSatisfy({ $0 > 0 }) else {
            throw PrivLabError.invalidArgument("gaussian_nb: every one of the \(k) classes needs a record in the training data (class \(count.firstIndex(of: 0)!) has none)")
        }
        var means = DoubleMatrix(rows: k, cols: d), vars = DoubleMatrix(rows: k, cols: d)
        for i in 0..<x.rows { for j in 0..<d { means[data.labels[i], j] += x[i, j] } }
        for c in 0..<k { for j in 0..<d { means[c, j] /= count[c] } }
        for i in 0..<x.rows { for j in 0..<d { let v = x[i, j] - means[data.labels[i], j]; vars[data.labels[i], j] += v * v } }
        for c in 0..<k { for j in 0..<d { vars[c, j] /= count[c] } }
        // The floor: smoothing × the largest variance of any feature over all the data.
        let mu = x.columnMeans
        var largest = 0.0
        for j in 0..<d {
            var v = 0.0
            for i in 0..<x.rows { v += (x[i, j] - mu[j]) * (x[i, j] - mu[j]) }
            largest = max(largest, v / Double(x.rows))
        }
        let floor = options.smoothing * largest
        vars.data = vars.data.map { $0 + floor }
        guard vars.data.allSatisfy({ $0 > 0 }) else {
            throw PrivLabError.invalidArgument("gaussian_nb: a feature has zero variance within a class and var_smoothing is 0")
        }
        state = State(options: options, means: means, variances: vars, priors: count.map { $0 / Double(x.rows) })
    }

    /// The joint log-likelihood log π_k + Σ_j log N(x_j; μ_kj, σ²_kj).
    public func decisionScores(_ x: DoubleMatrix) throws -> DoubleMatrix {
        guard let s = state else { throw PrivLabError.invalidArgument("gaussian_nb: the model is not fitted") }
        let k = s.means.rows, d = s.means.cols
        var out = DoubleMatrix(rows: x.rows, cols: k)
        for c in 0..<k {
            var base = log(s.priors[c])
            for j in 0..<d { base -= 0.5 * log(2 * Double.pi * s.variances[c, j]) }
            for i in 0..<x.rows {
                var q = 0.0
                for j in 0..<d { let v = x[i, j] - s.means[c, j]; q += v * v / s.variances[c, j] }
                out[i, c] = base - 0.5 * q
            }
        }
        return out
    }
}
