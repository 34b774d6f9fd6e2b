import Foundation

/// The "MIA-efficacy" of Jia et al. 2023 ("Model Sparsity Can Simplify Machine Unlearning") and Fan
/// et al. 2024 (SalUn), as `evaluation/SVC_MIA.py` with `main_forget.py`'s call computes it: a
/// classifier on the model's confidence in the true label, p_y, trained with retained records as
/// members (the first |test| of them) and test records as non-members, is applied to the forget
/// set; the efficacy is the share of forgotten records it calls non-members (higher: looks more
/// forgotten). The reference's classifier is an RBF support-vector machine (C = 3, γ = "auto");
/// PrivLab has none, so gradient-boosted trees stand in (`BoostedTrees`, scikit-learn's defaults):
/// like the RBF machine on one feature, they can call a union of intervals "member".
public enum MIAEfficacy {
    public static func measure(_ model: Classifier, forget: Dataset, retain: Dataset, test: Dataset) throws -> Double {
        guard forget.size > 0, retain.size > 0, test.size > 0 else {
            throw PrivLabError.invalidArgument("unlearn.evaluate: MIA-efficacy needs non-empty forget, retain and test sets")
        }
        let members = retain.rows(Array(0..<min(test.size, retain.size)))
        let xin = try confidence(model, members), xout = try confidence(model, test)
        var trees = BoostedTrees()
        try trees.fit((xin + xout).map { [$0] }, [Double](repeating: 1, count: xin.count) + [Double](repeating: 0, count: xout.count))
        let forgotten = try confidence(model, forget).filter { trees.probability([$0]) < 0.5 }.count
        return Double(forgotten) / Double(forget.size)
    }

    /// p_y: the released probability of each record's label.
    static func confidence(_ model: Classifier, _ d: Dataset) throws -> [Double] {
        let p = try model.releasedProbabilities(d.features)
        return d.labels.enumerated().map { Double(p.data[$0.offset * p.cols + $0.element]) }
    }
}
