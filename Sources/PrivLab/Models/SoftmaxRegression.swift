import Foundation

/// Multinomial logistic (softmax) regression: p(y | x) = softmax(xW + b), trained by mini-batch
/// SGD on the mean cross-entropy plus an optional L2 penalty (λ/2)‖W‖² (the bias is not penalised).
///
/// Forward and backward passes are two GEMMs per batch: logits = X·W and ∂W = Xᵀ·(P − Y)/B.
/// The objective is convex, so zero initialisation is exact and deterministic; the seed drives the
/// order of mini-batches only.
public final class SoftmaxRegression {
    public struct Options: Sendable, Equatable {
        public var learningRate: Double = 0.1
        public var epochs: Int = 10
        public var batchSize: Int = 64
        public var l2: Double = 0
        public var momentum: Double = 0
        public var seed: UInt64 = 1
        public init() {}

        public func validate() throws {
            guard learningRate.isFinite, learningRate > 0 else { throw PrivLabError.invalidArgument("lr must be a positive number") }
            guard epochs >= 1 else { throw PrivLabError.invalidArgument("epochs must be at least 1") }
            guard batchSize >= 1 else { throw PrivLabError.invalidArgument("batch must be at least 1") }
            guard l2.isFinite, l2 >= 0 else { throw PrivLabError.invalidArgument("l2 must be a non-negative number") }
            guard momentum.isFinite, momentum >= 0, momentum < 1 else { throw PrivLabError.invalidArgument("momentum must be in [0, 1)") }
        }
    }

    public let options: Options
    /// `features × classes` weights and `classes` biases; empty until fitted.
    public private(set) var weights = Matrix(rows: 0, cols: 0)
    public private(set) var bias: [Float] = []
    public private(set) var history: [EpochRecord] = []
    public var isFitted: Bool { !bias.isEmpty }
    public var classes: Int { bias.count }
    public var featureCount: Int { weights.rows }
    public var parameterCount: Int { weights.count + bias.count }

    public init(options: Options = Options()) throws {
        try options.validate()
        self.options = options
    }

    /// Trains from scratch on `train`; evaluates on `validation` after each epoch if given.
    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset? = nil, observer: TrainingObserver = TrainingObserver()) throws -> [EpochRecord] {
        guard train.size > 0 else { throw PrivLabError.invalidArgument("fit: the training set is empty") }
        guard train.classes >= 2 else { throw PrivLabError.invalidArgument("fit: need at least 2 classes, the data has \(train.classes)") }
        try train.checkFinite()
        if let v = validation {
            guard v.featureCount == train.featureCount else {
                throw PrivLabError.shape("validation set has \(v.featureCount) features, training set \(train.featureCount)")
            }
            try v.checkFinite()
        }
        let d = train.featureCount, k = train.classes, n = train.size
        weights = Matrix(rows: d, cols: k)
        bias = [Float](repeating: 0, count: k)
        history = []
        var vW = Matrix(rows: d, cols: k)
        var vb = [Float](repeating: 0, count: k)
        var rng = RNG(seed: options.seed)
        let lr = Float(options.learningRate), l2 = Float(options.l2), mu = Float(options.momentum)
        let bsz = min(options.batchSize, n)
        var logits = Matrix(rows: bsz, cols: k)
        var gW = Matrix(rows: d, cols: k)
        for epoch in 1...options.epochs {
            let order = rng.permutation(n)
            var lossSum = 0.0
            var batches = 0
            var start = 0
            while start < n {
                let idx = Array(order[start..<min(start + bsz, n)])
                start += bsz
                let xb = train.features.rows(idx)
                let b = idx.count
                if logits.rows != b { logits = Matrix(rows: b, cols: k) }
                try Matrix.gemm(xb, weights, into: &logits)
                try logits.addRowVector(bias)
                let lse = Softmax.logSumExpRows(logits)
                // Turn logits into the gradient of the mean loss w.r.t. the logits: (P − Y) / B.
                var batchLoss = 0.0
                let invB = 1 / Float(b)
                logits.data.withUnsafeMutableBufferPointer { g in
                    for r in 0..<b {
                        let y = train.labels[idx[r]]
                        batchLoss += Double(lse[r] - g[r * k + y])
                        for j in 0..<k { g[r * k + j] = expf(g[r * k + j] - lse[r]) * invB }
                        g[r * k + y] -= invB
                    }
                }
                batchLoss /= Double(b)
                try Matrix.gemm(xb, logits, transA: .transposed, into: &gW)
                if l2 > 0 {
                    try gW.addScaled(weights, l2)
                    batchLoss += 0.5 * Double(l2) * weights.data.reduce(0.0) { $0 + Double($1 * $1) }
                }
                let gb = logits.columnSums()
                if mu > 0 {
                    vW = vW.scaled(mu)
                    try vW.addScaled(gW, 1)
                    for j in 0..<k { vb[j] = mu * vb[j] + gb[j] }
                    try weights.addScaled(vW, -lr)
                    for j in 0..<k { bias[j] -= lr * vb[j] }
                } else {
                    try weights.addScaled(gW, -lr)
                    for j in 0..<k { bias[j] -= lr * gb[j] }
                }
                lossSum += batchLoss
                batches += 1
            }
            let trainAcc = try accuracy(train)
            if !lossSum.isFinite || weights.hasNonFinite {
                throw PrivLabError.message("fit: training diverged in epoch \(epoch) (loss is not finite); lower lr")
            }
            var rec = EpochRecord(epoch: epoch, trainLoss: lossSum / Double(batches), trainAccuracy: trainAcc,
                                  learningRate: options.learningRate)
            if let v = validation {
                rec.validationLoss = try meanLoss(v)
                rec.validationAccuracy = try accuracy(v)
            }
            history.append(rec)
            observer.progress?(epoch, options.epochs)
            if let cb = observer.onEpoch, try !cb(rec) { break }
        }
        return history
    }

    private func checkInput(_ x: Matrix) throws {
        guard isFitted else { throw PrivLabError.invalidArgument("the model is not fitted yet: call fit first") }
        guard x.cols == featureCount else {
            throw PrivLabError.shape("the model expects \(featureCount) features, got \(x.cols)")
        }
    }

    /// Logits xW + b for every row.
    public func logits(_ x: Matrix) throws -> Matrix {
        try checkInput(x)
        var out = Matrix(rows: x.rows, cols: classes)
        try Matrix.gemm(x, weights, into: &out)
        try out.addRowVector(bias)
        return out
    }

    /// Class probabilities, optionally at a softmax temperature.
    public func predictProba(_ x: Matrix, temperature: Double = 1) throws -> Matrix {
        Softmax.probabilities(try logits(x), temperature: Float(temperature))
    }

    /// Most probable class of each row.
    public func predict(_ x: Matrix) throws -> [Int] { try logits(x).argmaxRows() }

    /// Fraction of records whose predicted class is their label.
    public func accuracy(_ ds: Dataset) throws -> Double {
        guard ds.size > 0 else { throw PrivLabError.invalidArgument("accuracy: the dataset is empty") }
        let p = try predict(ds.features)
        return Double(zip(p, ds.labels).filter { $0 == $1 }.count) / Double(ds.size)
    }

    /// Cross-entropy of each record (−log p(yᵢ | xᵢ)); membership-inference attacks use these.
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] {
        let lp = Softmax.logProbabilities(try logits(ds.features))
        if ds.labels.contains(where: { $0 >= classes }) {
            throw PrivLabError.invalidArgument("loss: the data has labels the model was not trained on")
        }
        return ds.labels.enumerated().map { -Double(lp[$0.offset, $0.element]) }
    }

    /// Mean cross-entropy over the dataset (no penalty).
    public func meanLoss(_ ds: Dataset) throws -> Double {
        let l = try perRecordLoss(ds)
        return l.reduce(0, +) / Double(max(l.count, 1))
    }
}
