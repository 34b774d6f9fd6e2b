import Foundation

/// Univariate feature selection: keeps the `k` features with the highest score against the labels —
/// scikit-learn's `SelectKBest`, with its tie rule (a stable ascending sort whose last k win, so
/// among equal scores the later feature is kept) and the kept features in their original order.
public struct SelectKBest: Transformer, Codable, Equatable {
    /// How a feature is scored against the class labels.
    public enum Score: String, Codable, Sendable, CaseIterable {
        /// The ANOVA F statistic of the feature across classes (scikit-learn's `f_classif`).
        case fClassif = "f_classif"
        /// Pearson's χ² between non-negative feature mass and class (scikit-learn's `chi2`).
        case chi2
        /// Mutual information by the k-nearest-neighbour estimator of Ross (2014), k = 3 (scikit-learn's
        /// `mutual_info_classif`), with the same tie-breaking jitter drawn from `seed`.
        case mutualInfo = "mutual_info"
    }

    public let k: Int
    public let score: Score
    public let seed: UInt64
    /// Fitted: every feature's score and the kept feature indices (0-based, increasing).
    public private(set) var scores: [Double] = []
    public private(set) var selected: [Int]? = nil

    public init(k: Int, score: Score = .fClassif, seed: UInt64 = 0) throws {
        guard k >= 1 else { throw PrivLabError.invalidArgument("select_k_best: k must be at least 1, got \(k)") }
        self.k = k
        self.score = score
        self.seed = seed
    }

    public var name: String { "SelectKBest(k=\(k), \(score.rawValue))" }
    public var isFitted: Bool { selected != nil }
    /// The same configuration without the fit (already validated: a copy with the fit cleared).
    public var unfitted: any Transformer {
        var copy = self
        copy.scores = []
        copy.selected = nil
        return copy
    }
    public func stored() throws -> StoredTransformer { .selectKBest(self) }

    public func fitted(to data: Dataset) throws -> any Transformer {
        let x = DoubleMatrix(data.features)
        guard k <= x.cols else { throw PrivLabError.invalidArgument("select_k_best: k = \(k) exceeds the \(x.cols) features") }
        guard x.rows > data.classes else { throw PrivLabError.invalidArgument("select_k_best: needs more records than classes") }
        if data.features.hasNonFinite { throw PrivLabError.invalidArgument("select_k_best: the data has NaN or infinite values") }
        var out = self
        switch score {
        case .fClassif: out.scores = try SelectKBest.fClassif(x, data.labels, data.classes)
        case .chi2: out.scores = try SelectKBest.chi2(x, data.labels, data.classes)
        case .mutualInfo: out.scores = MutualInformation.classif(x, data.labels, seed: seed)
        }
        let order = out.scores.indices.sorted { (out.scores[$0], $0) < (out.scores[$1], $1) }
        out.selected = order.suffix(k).sorted()
        return out
    }

    public func transform(_ x: Matrix) throws -> Matrix {
        guard let sel = selected else { throw PrivLabError.invalidArgument("select_k_best: transform before fit") }
        guard x.cols == scores.count else { throw PrivLabError.shape("select_k_best was fitted on \(scores.count) features, got \(x.cols)") }
        var out = Matrix(rows: x.rows, cols: sel.count)
        for i in 0..<x.rows { for (c, j) in sel.enumerated() { out.data[i * sel.count + c] = x.data[i * x.cols + j] } }
        return out
    }

    /// One-way ANOVA F per feature: (between-class sum of squares / (K − 1)) / (within / (n − K)).
    static func fClassif(_ x: DoubleMatrix, _ y: [Int], _ classes: Int) throws -> [Double] {
        let n = x.rows, d = x.cols
        var count = [Double](repeating: 0, count: classes)
        for c in y { count[c] += 1 }
        let present = count.filter { $0 > 0 }.count
        guard present >= 2 else { throw PrivLabError.invalidArgument("select_k_best: f_classif needs at least two classes in the data") }
        var scores = [Double](repeating: 0, count: d)
        for j in 0..<d {
            var sum = [Double](repeating: 0, count: classes)
            var total = 0.0, squares = 0.0
            for i in 0..<n { let v = x[i, j]; sum[y[i]] += v; total += v; squares += v * v }
            let mean = total / Double(n)
            var within = 0.0, between = 0.0
            for c in 0..<classes where count[c] > 0 { between += count[c] * (sum[c] / count[c] - mean) * (sum[c] / count[c] - mean) }
            for i in 0..<n { let m = sum[y[i]] / count[y[i]]; within += (x[i, j] - m) * (x[i, j] - m) }
            guard between + within > 0 else {
                throw PrivLabError.invalidArgument("select_k_best: feature \(j + 1) is constant in the data it is fitted on, so its f_classif score is undefined; drop it or use score = \"chi2\" or \"mutual_info\"")
            }
            scores[j] = (between / Double(present - 1)) / (within / Double(n - present))
        }
        return scores
    }

    /// χ² of the class-by-feature mass table against independence. A feature that is zero
    /// everywhere carries no evidence and scores 0 (scikit-learn leaves it NaN, then ranks it lowest).
    static func chi2(_ x: DoubleMatrix, _ y: [Int], _ classes: Int) throws -> [Double] {
        guard x.data.allSatisfy({ $0 >= 0 }) else {
            throw PrivLabError.invalidArgument("select_k_best: chi2 needs non-negative features (counts or frequencies); scale with kind = \"minmax\" first")
        }
        let n = x.rows, d = x.cols
        var observed = DoubleMatrix(rows: classes, cols: d)
        var prior = [Double](repeating: 0, count: classes), total = [Double](repeating: 0, count: d)
        for i in 0..<n {
            prior[y[i]] += 1 / Double(n)
            for j in 0..<d { observed[y[i], j] += x[i, j]; total[j] += x[i, j] }
        }
        return (0..<d).map { j in
            guard total[j] > 0 else { return 0 }
            var s = 0.0
            for c in 0..<classes where prior[c] > 0 {
                let e = prior[c] * total[j]
                s += (observed[c, j] - e) * (observed[c, j] - e) / e
            }
            return s
        }
    }
}
