import Foundation
import XCTest
import PrivLab

/// The shadow attack's gradient-boosted trees against scikit-learn's GradientBoostingClassifier
/// with the same settings on the same data (Fixtures/make_boosting_reference.py): the same
/// algorithm (least-squares trees on log-loss residuals, Newton leaf values) must give the same
/// probabilities, on the training points and on held-out ones (which also pins the thresholds:
/// midpoints). Leaves hold at least 10 records on both sides: below that several features can
/// split a node equally well, and scikit-learn breaks such ties in a random feature order.
/// Catches a wrong residual, leaf value, split criterion, threshold or shrinkage.
final class BoostedTreesTests: XCTestCase {
    struct Reference: Decodable { var x: [[Double]]; var y: [Double]; var test: [[Double]]; var probability: [Double]; var train_probability: [Double] }

    func testMatchesScikitLearn() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/boosting_reference.json")
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        var gb = BoostedTrees()
        gb.minLeaf = 10
        try gb.fit(ref.x, ref.y)
        var worst = 0.0
        for (v, p) in zip(ref.test + ref.x, ref.probability + ref.train_probability) { worst = max(worst, abs(gb.probability(v) - p)) }
        XCTAssertLessThan(worst, 1e-6, "largest difference in P(y = 1) from scikit-learn")
    }
}
