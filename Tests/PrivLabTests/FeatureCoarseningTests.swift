import XCTest
@testable import PrivLab

/// The coarsening transformers against leakage — binning (scikit-learn's KBinsDiscretizer),
/// rounding (NumPy's round) and dropping identifying features — on the fixture's data
/// (make_binning_reference.py), fitted on training data only, and their bad input.
final class FeatureCoarseningTests: XCTestCase {
    struct Case: Decodable {
        let strategy: String
        let quantile_method: String
        let bins: Int
        let edges: [[Double]]
        let n_bins: [Int]
        let train_binned: [[Double]]
        let test_binned: [[Double]]
    }
    struct RoundCase: Decodable {
        let step: Double
        let rounded: [[Double]]
    }
    struct Reference: Decodable {
        let train: [[Double]]
        let test: [[Double]]
        let cases: [Case]
        let rounding: [RoundCase]
        let ties: [Double]
        let ties_rounded: [Double]
    }
    static let loaded = Result { try Fixture.decode(Reference.self, "binning_reference.json") }

    static func dataset(_ rows: [[Double]]) throws -> Dataset {
        try Dataset(features: try Matrix(rows.map { $0.map(Float.init) }), labels: rows.indices.map { $0 % 2 }, classes: 2)
    }

    /// Every edge (±∞ of a constant feature included), every bin count after merging, and every
    /// binned value of the training and the test part (which reaches past the training range) as
    /// scikit-learn 1.9 computes them, for uniform and both quantile methods at 2, 3, 5 and 8 bins.
    func testBinsMatchScikitLearnKBinsDiscretizer() throws {
        let ref = try Self.loaded.get()
        let train = try Self.dataset(ref.train), test = try Self.dataset(ref.test)
        XCTAssertEqual(ref.cases.count, 12)
        for c in ref.cases {
            let b = try Binning(bins: c.bins, strategy: Binning.Strategy(rawValue: c.strategy)!,
                                quantileMethod: Binning.QuantileMethod(rawValue: c.quantile_method)!)
            let fitted = try XCTUnwrap(try b.fitted(to: train) as? Binning)
            let edges = try XCTUnwrap(fitted.edges)
            let label = "\(c.strategy)/\(c.quantile_method)/\(c.bins)"
            XCTAssertEqual(edges.map { $0!.count - 1 }, c.n_bins, label)
            for (j, (mine, theirs)) in zip(edges, c.edges).enumerated() {
                if theirs.first! <= -1e308 {
                    // A constant feature: scikit-learn's [−∞, ∞] is its value twice here (one bin either way).
                    XCTAssertEqual(mine!, [ref.train[0][j], ref.train[0][j]], label)
                    continue
                }
                XCTAssertEqual(mine!.count, theirs.count, label)
                for (e, r) in zip(mine!, theirs) { XCTAssertEqual(e, r, accuracy: 1e-12 * max(1, abs(r)), label) }
            }
            XCTAssertEqual(toRows(try fitted.transform(train.features)), c.train_binned, label)
            XCTAssertEqual(toRows(try fitted.transform(test.features)), c.test_binned, label)
        }
    }

    /// Rounding to steps 1, 0.5, 0.1 and 5 as `np.round(x / step) * step` (to Float precision), and
    /// halves to even as NumPy rounds them.
    func testRoundingMatchesNumPy() throws {
        let ref = try Self.loaded.get()
        let train = try Self.dataset(ref.train), test = try Self.dataset(ref.test)
        for c in ref.rounding {
            let r = try Rounding(step: c.step).fitted(to: train)
            let mine = toRows(try r.transform(test.features))
            for (a, b) in zip(mine.joined(), c.rounded.joined()) { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b)), "step \(c.step)") }
        }
        let ties = try Self.dataset(ref.ties.map { [$0] })
        XCTAssertEqual(toRows(try Rounding(step: 1).fitted(to: ties).transform(ties.features)).map { $0[0] }, ref.ties_rounded)
        // Only the chosen features move.
        let some = try Rounding(step: 10, features: [1]).fitted(to: test)
        let out = try some.transform(test.features)
        for i in 0..<test.size { XCTAssertEqual(out[i, 0], test.features[i, 0]); XCTAssertEqual(out[i, 3], test.features[i, 3]) }
    }

    /// Uniqueness and entropy on a hand-made table: all-distinct, constant, half-unique and
    /// two-valued features; the highest-scoring go, ties to the later feature.
    func testDropIdentifyingScoresAndDrops() throws {
        // 8 records: f0 all distinct; f1 constant; f2 four uniques + two pairs; f3 two values 4/4; f4 = f0 (a tie with f0).
        let third: [Double] = [0, 1, 2, 3, 4, 4, 5, 5]
        let rows: [[Double]] = (0..<8).map { (i: Int) -> [Double] in
            let distinct = Double(i) * 1.5
            return [distinct, 7, third[i], Double(i % 2), distinct]
        }
        let ds = try Self.dataset(rows)
        let u = try XCTUnwrap(try DropIdentifying(drop: 2, score: .uniqueness).fitted(to: ds) as? DropIdentifying)
        XCTAssertEqual(u.scores, [1, 0, 0.5, 0, 1])
        XCTAssertEqual(u.kept, [1, 2, 3])
        XCTAssertEqual(u.dropped, [0, 4])
        let e = try XCTUnwrap(try DropIdentifying(drop: 1, score: .entropy).fitted(to: ds) as? DropIdentifying)
        XCTAssertEqual(e.scores[0], 3, accuracy: 1e-12)   // log2 8
        XCTAssertEqual(e.scores[1], 0, accuracy: 1e-12)
        XCTAssertEqual(e.scores[2], 4 * 0.125 * 3 + 2 * 0.25 * 2, accuracy: 1e-12)
        XCTAssertEqual(e.scores[3], 1, accuracy: 1e-12)
        XCTAssertEqual(e.kept, [0, 1, 2, 3], "a tie goes to the later feature")
        XCTAssertEqual(toRows(try e.transform(ds.features)), rows.map { Array($0.prefix(4)) })
    }

    /// Inside a pipeline the steps are fitted on the training part only: the pipeline's bin edges
    /// are those of the training records, not of all of them, and its dropped features too; a
    /// cross-validated pipeline refits them per fold (its folds disagree with a global fit).
    func testFittedOnTrainingDataOnlyInsidePipelines() throws {
        let ref = try Self.loaded.get()
        let train = try Self.dataset(ref.train), test = try Self.dataset(ref.test)
        let all = try Self.dataset(ref.train + ref.test)
        var o = LogisticRegression.Options()
        o.maxIterations = 50
        let steps: [any Transformer] = [try Binning(bins: 4, strategy: .uniform), try DropIdentifying(drop: 1, score: .entropy)]
        let p = Pipeline(steps: steps, model: try LogisticRegression(options: o))
        try p.fit(train)
        let fittedBins = try XCTUnwrap(p.steps[0] as? Binning)
        XCTAssertEqual(fittedBins.edges, (try Binning(bins: 4, strategy: .uniform).fitted(to: train) as? Binning)?.edges)
        XCTAssertNotEqual(fittedBins.edges, (try Binning(bins: 4, strategy: .uniform).fitted(to: all) as? Binning)?.edges,
                          "the test part widens the range: a fit on all records would show")
        let binnedTrain = try fittedBins.transform(train)
        let fittedDrop = try XCTUnwrap(p.steps[1] as? DropIdentifying)
        XCTAssertEqual(fittedDrop.scores, (try DropIdentifying(drop: 1, score: .entropy).fitted(to: binnedTrain) as? DropIdentifying)?.scores)
        XCTAssertEqual(try p.predict(test.features).count, test.size)
        // Stored and restored, a fitted step transforms alike.
        let restored = try JSONDecoder().decode(StoredTransformer.self, from: JSONEncoder().encode(try fittedBins.stored())).transformer
        XCTAssertEqual(toRows(try restored.transform(test.features)), toRows(try fittedBins.transform(test.features)))
    }

    /// Bad configurations and data are errors naming the transformer and what is wrong.
    func testBadInputErrors() throws {
        let ref = try Self.loaded.get()
        let train = try Self.dataset(ref.train)
        assertThrows(["binning", "bins must be at least 2"]) { _ = try Binning(bins: 1) }
        assertThrows(["binning", "bins must be at most 65536"]) { _ = try Binning(bins: 1_000_000_000) }
        assertThrows(["binning", "feature 9 does not exist", "5 features"]) { _ = try Binning(bins: 3, features: [8]).fitted(to: train) }
        assertThrows(["binning", "distinct"]) { _ = try Binning(bins: 3, features: [1, 1]) }
        assertThrows(["binning", "transform before fit"]) { _ = try Binning(bins: 3).transform(train.features) }
        let fitted = try Binning(bins: 3).fitted(to: train)
        assertThrows(["binning was fitted on 5 features, got 2"]) { _ = try fitted.transform(try Matrix([[1, 2]])) }
        assertThrows(["binning", "NaN"]) { _ = try fitted.transform(try Matrix([[1, 2, .nan, 4, 5]])) }
        assertThrows(["round", "step must be a positive number"]) { _ = try Rounding(step: 0) }
        assertThrows(["round", "step must be a positive number"]) { _ = try Rounding(step: .infinity) }
        assertThrows(["round", "feature 6 does not exist"]) { _ = try Rounding(step: 1, features: [5]).fitted(to: train) }
        assertThrows(["drop_identifying", "drop must be at least 1"]) { _ = try DropIdentifying(drop: 0) }
        assertThrows(["drop_identifying", "would leave no feature"]) { _ = try DropIdentifying(drop: 5).fitted(to: train) }
    }
}
