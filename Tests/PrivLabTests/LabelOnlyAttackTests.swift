import Foundation
import XCTest
import PrivLab

/// The label-only attack (Choquette-Choo et al. 2021) against a model known to leak, and against
/// the output defenses it is meant to get through: a defense that keeps the label leaves every
/// score, and so the AUC, unchanged.
final class LabelOnlyAttackTests: XCTestCase {
    func population() throws -> (members: Dataset, reference: Dataset, nonMembers: Dataset) {
        let p = try LeakyPopulation.split()
        return (p.members, p.others, p.nonMembers)
    }

    func model() throws -> NeuralNetwork { try LeakyPopulation.mlp() }

    func testRobustnessSeparatesMembersThroughLabelPreservingDefenses() throws {
        let p = try population()
        let target = try model()
        try target.fit(p.members)
        var o = LabelOnlyAttack.Options()
        o.perturbation = .gaussian(sigma: 3)
        func auc(_ t: Classifier) throws -> (Double, Int) {
            let a = try o.fit(target: t)
            return (try a.evaluate(members: p.members, nonMembers: p.nonMembers).metrics.auc, a.queries)
        }
        let (plain, queries) = try auc(target)
        XCTAssertEqual(queries, 21 * 400, "one query per record and per copy")
        // More than the gap attack (correctness alone), which the score contains.
        var correctness = MetricAttack.Options()
        correctness.signal = .correctness
        let gap = try correctness.fit(target: target).evaluate(members: p.members, nonMembers: p.nonMembers).metrics.auc
        XCTAssertGreaterThan(plain, gap + 0.03)
        XCTAssertGreaterThan(plain, 0.65)
        // (Rounding is not label-preserving: two classes rounded to the same value tie.)
        for policy in [OutputPolicy.labelOnly, .topK(1), .topK(2)] {
            XCTAssertEqual(try auc(try OutputDefense(target, policy: policy)).0, plain, "\(policy)")
        }
        var mg = MemGuardOptions()
        mg.budget = 1
        let guarded = try MemGuard(model: try model(), reference: p.reference, options: mg)
        try guarded.fit(p.members)
        XCTAssertEqual(try auc(guarded).0, plain, "MemGuard keeps every label")
    }

    /// Translations move pixels, not labels of the frame: a one-pixel shift right puts pixel
    /// (y, x) at (y, x + 1) and fills the vacated column with zeros.
    func testTranslationsOfImages() throws {
        let img = (0..<2 * 16).map { Float($0 + 1) }
        let ds = try Dataset(features: try Matrix(rows: 2, cols: 16, data: img), labels: [0, 1], classes: 2, imageShape: [1, 4, 4])
        let target = try model()
        try target.fit(ds)
        var o = LabelOnlyAttack.Options()
        o.perturbation = .translation(pixels: 1)
        let a = try o.fit(target: target)
        _ = try a.scores(ds)
        XCTAssertEqual(a.queries, 2 * 9, "the record and its eight shifts")
        let copies = try a.perturbedCopies(ds)
        XCTAssertEqual(copies.count, 8)
        // Shifts in order dy = −1…1, dx = −1…1 without (0, 0): copy 5 is (dy 0, dx +1).
        let right = copies[4]
        for y in 0..<4 {
            XCTAssertEqual(right[1, y * 4], 0, "vacated column")
            for x in 1..<4 { XCTAssertEqual(right[1, y * 4 + x], img[16 + y * 4 + x - 1]) }
        }
        o.perturbation = .translation(pixels: 1)
        XCTAssertThrowsError(try o.fit(target: target).scores(try Dataset(features: try Matrix(rows: 1, cols: 3, data: [1, 2, 3]), labels: [0], classes: 2)))
    }
}
