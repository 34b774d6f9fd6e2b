import Foundation

/// How well membership scores separate members from non-members: the ROC curve and the figures the
/// membership-inference literature reports (Carlini et al., "Membership Inference Attacks From First
/// Principles", S&P 2022, argue for TPR at low FPR on log-log axes rather than accuracy alone).
///
/// Scores are "higher means more likely a member". Everything is computed from the scores, never
/// from hard labels; tied scores move together along the curve (the ROC steps diagonally and the
/// AUC counts a tie as half, i.e. the Mann–Whitney statistic).
public struct MembershipMetrics: Sendable {
    public struct Point: Sendable, Equatable {
        public var fpr: Double
        public var tpr: Double
        /// Records scoring at or above this value are called members.
        public var threshold: Double
        public init(fpr: Double, tpr: Double, threshold: Double) {
            self.fpr = fpr
            self.tpr = tpr
            self.threshold = threshold
        }
    }

    public let members: Int
    public let nonMembers: Int
    /// From (0, 0) to (1, 1), one point per distinct score.
    public let roc: [Point]
    public let auc: Double
    /// max over thresholds of TPR − FPR (Yeom et al. 2018's membership advantage).
    public let advantage: Double
    /// The best balanced accuracy (TPR + TNR)/2 over thresholds, = (1 + advantage)/2, and its threshold.
    public let balancedAccuracy: Double
    public let bestThreshold: Double
    /// Precision (PPV) and recall of "member" at `bestThreshold`.
    public let precision: Double
    public let recall: Double

    public init(memberScores: [Double], nonMemberScores: [Double]) throws {
        guard !memberScores.isEmpty, !nonMemberScores.isEmpty else {
            throw PrivLabError.invalidArgument("membership metrics need at least one member and one non-member")
        }
        if memberScores.contains(where: \.isNaN) || nonMemberScores.contains(where: \.isNaN) {
            throw PrivLabError.invalidArgument("membership scores contain NaN")
        }
        members = memberScores.count
        nonMembers = nonMemberScores.count
        // Sweep thresholds from the highest score down, a group of tied scores at a time.
        var all = memberScores.map { ($0, true) } + nonMemberScores.map { ($0, false) }
        all.sort { $0.0 > $1.0 }
        var tp = 0, fp = 0
        var pts = [Point(fpr: 0, tpr: 0, threshold: .infinity)]
        var area = 0.0
        var best = -1.0, bestT = Double.infinity, bestTP = 0, bestFP = 0
        var i = 0
        let P = Double(members), N = Double(nonMembers)
        while i < all.count {
            let s = all[i].0
            let tp0 = tp, fp0 = fp
            while i < all.count && all[i].0 == s {
                if all[i].1 { tp += 1 } else { fp += 1 }
                i += 1
            }
            // Trapezoid: a tie group adds its diagonal step (half credit for member/non-member ties).
            area += Double(fp - fp0) * Double(tp + tp0) / 2
            let pt = Point(fpr: Double(fp) / N, tpr: Double(tp) / P, threshold: s)
            pts.append(pt)
            if pt.tpr - pt.fpr > best {
                best = pt.tpr - pt.fpr
                bestT = s
                bestTP = tp
                bestFP = fp
            }
        }
        roc = pts
        auc = area / (P * N)
        advantage = max(0, best)
        balancedAccuracy = (1 + advantage) / 2
        bestThreshold = bestT
        precision = bestTP + bestFP > 0 ? Double(bestTP) / Double(bestTP + bestFP) : 0
        recall = Double(bestTP) / P
    }

    /// The largest TPR among thresholds whose FPR is at most `fpr`.
    public func tpr(atFPR fpr: Double) -> Double {
        roc.filter { $0.fpr <= fpr + 1e-12 }.map(\.tpr).max() ?? 0
    }

    /// Whether the non-members are too few for `fpr` to be resolved (fewer than 1/fpr): the TPR
    /// at that FPR is then the TPR at zero false positives, and a report must say so.
    public func isUnresolved(fpr: Double) -> Bool { Double(nonMembers) * fpr < 1 }
}
