import Foundation

/// The ROC curve of scores for a binary question ("higher means more likely positive"): one
/// point per distinct score, from (0, 0) to (1, 1), and the area under it. Tied scores move
/// together, so a tie group steps diagonally and the AUC counts a positive/negative tie as half
/// — the Mann–Whitney statistic, as scikit-learn's `roc_auc_score`. Cross-validation's `roc_auc`
/// metric and membership-inference evaluation (`MembershipMetrics`) both read it.
public struct ROCCurve: Sendable {
    /// One threshold of the sweep: records scoring at or above `threshold` are called positive.
    public struct Point: Sendable, Equatable {
        public var fpr: Double
        public var tpr: Double
        public var threshold: Double
        public init(fpr: Double, tpr: Double, threshold: Double) {
            self.fpr = fpr
            self.tpr = tpr
            self.threshold = threshold
        }
    }

    public let positives: Int
    public let negatives: Int
    public let points: [Point]
    /// True and false positives at each point (exact counts behind `points`' rates).
    public let counts: [(truePositives: Int, falsePositives: Int)]
    public let auc: Double

    /// The largest TPR among `points` whose FPR is at most `fpr` (0 when none is).
    public static func tpr(atFPR fpr: Double, on points: [Point]) -> Double {
        points.filter { $0.fpr <= fpr + 1e-12 }.map(\.tpr).max() ?? 0
    }

    /// Sweeps thresholds from the highest score down, a group of tied scores at a time. Throws
    /// when either side is empty or a score is NaN.
    public init(positiveScores: [Double], negativeScores: [Double]) throws {
        guard !positiveScores.isEmpty, !negativeScores.isEmpty else {
            throw PrivLabError.invalidArgument("an ROC curve needs at least one positive and one negative score")
        }
        if positiveScores.contains(where: \.isNaN) || negativeScores.contains(where: \.isNaN) {
            throw PrivLabError.invalidArgument("the scores contain NaN")
        }
        positives = positiveScores.count
        negatives = negativeScores.count
        var all = positiveScores.map { ($0, true) } + negativeScores.map { ($0, false) }
        all.sort { $0.0 > $1.0 }
        var tp = 0, fp = 0, area = 0.0, i = 0
        var pts = [Point(fpr: 0, tpr: 0, threshold: .infinity)]
        var cs = [(truePositives: 0, falsePositives: 0)]
        let p = Double(positives), n = Double(negatives)
        while i < all.count {
            let s = all[i].0
            let tp0 = tp, fp0 = fp
            while i < all.count && all[i].0 == s {
                if all[i].1 { tp += 1 } else { fp += 1 }
                i += 1
            }
            // Trapezoid: a tie group adds its diagonal step (half credit for positive/negative ties).
            area += Double(fp - fp0) * Double(tp + tp0) / 2
            pts.append(Point(fpr: Double(fp) / n, tpr: Double(tp) / p, threshold: s))
            cs.append((tp, fp))
        }
        points = pts
        counts = cs
        auc = area / (p * n)
    }
}
