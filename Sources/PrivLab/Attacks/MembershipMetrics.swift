import Foundation

/// How well membership scores separate members from non-members: the ROC curve and the figures the
/// membership-inference literature reports (Carlini et al., "Membership Inference Attacks From First
/// Principles", S&P 2022, argue for TPR at low FPR on log-log axes rather than accuracy alone).
///
/// Scores are "higher means more likely a member". Everything is computed from the scores, never
/// from hard labels; tied scores move together along the curve (the ROC steps diagonally and the
/// AUC counts a tie as half, i.e. the Mann–Whitney statistic).
public struct MembershipMetrics: Sendable {
    public typealias Point = ROCCurve.Point

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
        let curve = try ROCCurve(positiveScores: memberScores, negativeScores: nonMemberScores)
        members = curve.positives
        nonMembers = curve.negatives
        roc = curve.points
        auc = curve.auc
        // Yeom et al.'s advantage: the first point (from the highest threshold) with the largest TPR − FPR.
        var best = -1.0, bestT = Double.infinity, bestTP = 0, bestFP = 0
        for (pt, c) in zip(curve.points, curve.counts).dropFirst() where pt.tpr - pt.fpr > best {
            best = pt.tpr - pt.fpr
            bestT = pt.threshold
            (bestTP, bestFP) = c
        }
        advantage = max(0, best)
        balancedAccuracy = (1 + advantage) / 2
        bestThreshold = bestT
        precision = bestTP + bestFP > 0 ? Double(bestTP) / Double(bestTP + bestFP) : 0
        recall = Double(bestTP) / Double(members)
    }

    /// The largest TPR among thresholds whose FPR is at most `fpr`.
    public func tpr(atFPR fpr: Double) -> Double {
        ROCCurve.tpr(atFPR: fpr, on: roc)
    }

    /// Whether the non-members are too few for `fpr` to be resolved (fewer than 1/fpr): the TPR
    /// at that FPR is then the TPR at zero false positives, and a report must say so.
    public func isUnresolved(fpr: Double) -> Bool { Double(nonMembers) * fpr < 1 }
}
