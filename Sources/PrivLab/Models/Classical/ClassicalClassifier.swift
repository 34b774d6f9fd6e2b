import Foundation

/// A classifier fitted in closed form or to convergence, without epochs or a training loop —
/// logistic regression, linear discriminant analysis, naive Bayes, nearest neighbours. A conformer
/// writes its fit (`fitClassical`) and its per-class scores (`decisionScores`, any values whose
/// softmax is the class probabilities), plus storage; prediction, probabilities, losses, accuracy
/// and input checks come from here, so every classical model behaves the same at the edges.
public protocol ClassicalClassifier: Classifier, PersistableModel {
    /// Features and classes the model was fitted on (0 before fitting).
    var featureCount: Int { get }
    var classes: Int { get }
    /// Fits to `data`, whose features are finite and whose labels are in range.
    func fitClassical(_ data: Dataset) throws
    /// Per-class scores of each row, softmax-able into probabilities (log-probabilities up to a
    /// per-row constant).
    func decisionScores(_ x: DoubleMatrix) throws -> DoubleMatrix
    /// The model's kind for messages ("logistic").
    var kindName: String { get }
}

extension ClassicalClassifier {
    public var history: [EpochRecord] { [] }
    public var releaseTemperature: Double { 1 }

    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        guard train.size > 0 else { throw PrivLabError.invalidArgument("\(kindName): the training set is empty") }
        try train.checkFinite()
        guard Set(train.labels).count >= 2 else {
            throw PrivLabError.invalidArgument("\(kindName): the training set holds only one class; a classifier needs at least two")
        }
        try fitClassical(train)
        return []
    }

    /// The rows as Doubles, after checking the model is fitted and the width matches.
    func checkedInput(_ x: Matrix) throws -> DoubleMatrix {
        guard isFitted else { throw PrivLabError.invalidArgument("\(kindName): the model is not fitted: call fit first") }
        guard x.cols == featureCount else {
            throw PrivLabError.shape("\(kindName) was fitted on \(featureCount) features, got \(x.cols)")
        }
        if x.hasNonFinite { throw PrivLabError.invalidArgument("\(kindName): the input has NaN or infinite values") }
        return DoubleMatrix(x)
    }

    /// Row-wise log-softmax of the decision scores, in Double.
    func logProbabilities(_ x: Matrix) throws -> DoubleMatrix {
        var s = try decisionScores(try checkedInput(x))
        for i in 0..<s.rows {
            var m = -Double.infinity
            for j in 0..<s.cols { m = max(m, s[i, j]) }
            var t = 0.0
            for j in 0..<s.cols { t += exp(s[i, j] - m) }
            let lse = m + log(t)
            for j in 0..<s.cols { s[i, j] -= lse }
        }
        return s
    }

    public func logits(_ x: Matrix) throws -> Matrix { try decisionScores(try checkedInput(x)).float }

    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix {
        guard temperature > 0, temperature.isFinite else { throw PrivLabError.invalidArgument("temperature must be positive") }
        var lp = try logProbabilities(x)
        if temperature != 1 {
            lp.data = lp.data.map { $0 / temperature }
            for i in 0..<lp.rows {
                let z = (0..<lp.cols).reduce(0.0) { $0 + exp(lp[i, $1]) }
                for j in 0..<lp.cols { lp[i, j] -= log(z) }
            }
        }
        var p = lp
        p.data = lp.data.map(exp)
        return p.float
    }

    public func predict(_ x: Matrix) throws -> [Int] {
        let s = try decisionScores(try checkedInput(x))
        return (0..<s.rows).map { s.row($0).firstMaxIndex ?? 0 }
    }

    public func accuracy(_ ds: Dataset) throws -> Double {
        guard ds.size > 0 else { throw PrivLabError.invalidArgument("accuracy: the dataset is empty") }
        return try Metrics.accuracy(ds.labels, predict(ds.features))
    }

    /// −log p(y | x) per record.
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] {
        let lp = try logProbabilities(ds.features)
        if let bad = ds.labels.first(where: { $0 >= classes }) {
            throw PrivLabError.invalidArgument("loss: label \(bad) is outside the \(classes) classes the model was trained on")
        }
        return ds.labels.enumerated().map { -lp[$0.offset, $0.element] }
    }
}
