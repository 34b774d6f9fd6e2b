import Foundation

/// A score computed on one held-out fold.
public enum FoldMetric: String, Codable, Sendable, CaseIterable {
    case accuracy
    /// Mean of the per-class recalls.
    case balancedAccuracy = "balanced_accuracy"
    /// Mean −log p(y | x) (lower is better).
    case logLoss = "log_loss"
    /// Area under the ROC curve of P(class 1) (binary problems only).
    case rocAUC = "roc_auc"
    /// Unweighted mean of the per-class F1 scores.
    case f1Macro = "f1_macro"

    /// The score of predictions and probabilities against the true labels.
    public func score(labels: [Int], predictions: [Int], probabilities: Matrix, classes: Int) throws -> Double {
        switch self {
        case .accuracy: return try Metrics.accuracy(labels, predictions)
        case .logLoss: return try Metrics.logLoss(labels, probabilities)
        case .balancedAccuracy, .f1Macro:
            var tp = [Double](repeating: 0, count: classes), actual = tp, predicted = tp
            for (y, p) in zip(labels, predictions) {
                actual[y] += 1
                predicted[p] += 1
                if y == p { tp[y] += 1 }
            }
            let present = (0..<classes).filter { actual[$0] > 0 }
            if self == .balancedAccuracy { return present.reduce(0) { $0 + tp[$1] / actual[$1] } / Double(present.count) }
            let seen = (0..<classes).filter { actual[$0] > 0 || predicted[$0] > 0 }
            return seen.reduce(0) { $0 + 2 * tp[$1] / (actual[$1] + predicted[$1]) } / Double(seen.count)
        case .rocAUC:
            guard classes == 2 else { throw PrivLabError.invalidArgument("cross_validate: metric roc_auc needs a binary problem, this one has \(classes) classes") }
            let pos = labels.indices.filter { labels[$0] == 1 }.map { Double(probabilities[$0, 1]) }
            let neg = labels.indices.filter { labels[$0] == 0 }.map { Double(probabilities[$0, 1]) }
            return try ROCCurve(positiveScores: pos, negativeScores: neg).auc
        }
    }
}

/// k-fold cross-validation: each fold's model — the whole pipeline, so scalers, PCA and feature
/// selection included — is fitted on the other folds only and scored on its own, as scikit-learn's
/// `cross_validate`. Folds run in parallel over `workers` threads; every fold's result is the same
/// bits as in a serial run (each fold fits its own untrained copy; products never depend on the
/// thread count).
public struct CrossValidation: Sendable {
    public var folds = 10
    /// Keep each class's share the same in every fold (stratified k-fold).
    public var stratify = true
    /// Shuffle before assigning folds (from `seed`); otherwise records are dealt in order.
    public var shuffle = true
    public var seed: UInt64 = 0
    public var metrics: [FoldMetric] = [.accuracy]
    public var workers = 2

    public init() {}

    public func validate(_ data: Dataset) throws {
        guard folds >= 2 else { throw PrivLabError.invalidArgument("cross_validate: folds must be at least 2, got \(folds)") }
        guard folds <= data.size else {
            throw PrivLabError.invalidArgument("cross_validate: folds = \(folds) exceeds the \(data.size) records")
        }
        guard !metrics.isEmpty else { throw PrivLabError.invalidArgument("cross_validate: no metric to compute") }
        try data.checkFinite()
        if stratify {
            var count = [Int](repeating: 0, count: data.classes)
            for y in data.labels { count[y] += 1 }
            if let c = count.indices.first(where: { count[$0] > 0 && count[$0] < folds }) {
                throw PrivLabError.invalidArgument("cross_validate: class \(c) has \(count[c]) records, fewer than folds = \(folds), so some folds would miss it (use fewer folds or stratify = false)")
            }
        }
    }

    /// The fold (0-based) of every record: with stratification the records are grouped by class
    /// (each class shuffled when `shuffle`) and dealt to the folds in turn, so every fold gets its
    /// share of every class, give or take one record.
    public func assignFolds(_ data: Dataset) -> [Int] {
        var rng = RNG(seed: seed)
        var order: [Int]
        if stratify {
            var byClass = [[Int]](repeating: [], count: data.classes)
            for (i, y) in data.labels.enumerated() { byClass[y].append(i) }
            order = []
            for var members in byClass {
                if shuffle { rng.shuffle(&members) }
                order += members
            }
        } else {
            order = Array(0..<data.size)
            if shuffle { rng.shuffle(&order) }
        }
        var fold = [Int](repeating: 0, count: data.size)
        for (p, i) in order.enumerated() { fold[i] = p % folds }
        return fold
    }

    /// Fits and scores `model` (an untrained copy per fold) on every fold.
    public func run(_ model: Classifier, on data: Dataset, foldOf given: [Int]? = nil) throws -> CrossValidationResult {
        try validate(data)
        let fold = given ?? assignFolds(data)
        guard fold.count == data.size, fold.allSatisfy({ (0..<folds).contains($0) }) else {
            throw PrivLabError.invalidArgument("cross_validate: the fold list must give each of the \(data.size) records a fold in 1…\(folds)")
        }
        let template = try model.cloneUntrained()
        let outcomes = try ParallelWork.run(folds, workers: template.parallelWorkers(workers)) { f -> FoldOutcome in
            let test = fold.indices.filter { fold[$0] == f }, train = fold.indices.filter { fold[$0] != f }
            let m = try template.cloneUntrained()
            let t0 = Date()
            do { try m.fit(data.rows(train)) } catch { throw PrivLabError.invalidArgument("cross_validate: fold \(f + 1): \(error)") }
            let fitSeconds = Date().timeIntervalSince(t0)
            let held = data.rows(test)
            let t1 = Date()
            let proba = try m.predictProba(held.features, temperature: 1)
            let pred = try m.predict(held.features)
            let scoreSeconds = Date().timeIntervalSince(t1)
            let scores = try metrics.map { try $0.score(labels: held.labels, predictions: pred, probabilities: proba, classes: data.classes) }
            return FoldOutcome(test: test, predictions: pred, scores: scores, fitSeconds: fitSeconds, scoreSeconds: scoreSeconds)
        }
        var predictions = [Int](repeating: 0, count: data.size)
        for o in outcomes { for (i, p) in zip(o.test, o.predictions) { predictions[i] = p } }
        return CrossValidationResult(metrics: metrics, foldScores: outcomes.map(\.scores), fold: fold, predictions: predictions,
                                     fitSeconds: outcomes.map(\.fitSeconds), scoreSeconds: outcomes.map(\.scoreSeconds))
    }

    struct FoldOutcome {
        var test: [Int]
        var predictions: [Int]
        var scores: [Double]
        var fitSeconds: Double
        var scoreSeconds: Double
    }
}

/// Per-fold scores, their mean and standard deviation, and the out-of-fold prediction of every record.
public struct CrossValidationResult: Sendable {
    public let metrics: [FoldMetric]
    /// foldScores[f][m]: metric m on fold f.
    public let foldScores: [[Double]]
    /// The fold (0-based) each record was held out in, and its prediction there.
    public let fold: [Int]
    public let predictions: [Int]
    /// Wall-clock seconds to fit and to score each fold (not deterministic).
    public let fitSeconds: [Double]
    public let scoreSeconds: [Double]

    /// The scores of metric `m` over the folds.
    public func scores(_ m: FoldMetric) -> [Double] {
        guard let j = metrics.firstIndex(of: m) else { return [] }
        return foldScores.map { $0[j] }
    }
    public func mean(_ m: FoldMetric) -> Double {
        let s = scores(m)
        return s.reduce(0, +) / Double(max(s.count, 1))
    }
    /// The population standard deviation over folds (NumPy's default, which scikit-learn's examples print).
    public func standardDeviation(_ m: FoldMetric) -> Double {
        let s = scores(m), mu = mean(m)
        return (s.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(max(s.count, 1))).squareRoot()
    }
}

/// Cross-validates every candidate on the same folds and ranks them by the first metric's mean
/// (scikit-learn's `GridSearchCV` without the refit): log-loss is ranked low-to-high, every other
/// metric high-to-low, ties to the earlier candidate.
public struct GridSearch {
    public var validation: CrossValidation
    public init(validation: CrossValidation) { self.validation = validation }

    public struct Outcome {
        public var results: [CrossValidationResult]
        public var best: Int
    }

    public func run(_ candidates: [Classifier], on data: Dataset) throws -> Outcome {
        guard !candidates.isEmpty else { throw PrivLabError.invalidArgument("grid_search: the grid is empty") }
        try validation.validate(data)
        let fold = validation.assignFolds(data)
        let results = try candidates.map { try validation.run($0, on: data, foldOf: fold) }
        let m = validation.metrics[0]
        let means = results.map { $0.mean(m) }
        var best = 0
        for i in means.indices.dropFirst() where m == .logLoss ? means[i] < means[best] : means[i] > means[best] { best = i }
        return Outcome(results: results, best: best)
    }
}
