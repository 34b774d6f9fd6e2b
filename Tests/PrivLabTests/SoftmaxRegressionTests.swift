import XCTest
import PrivLab

final class SoftmaxRegressionTests: XCTestCase {
    /// One full-batch SGD step from zero weights equals W = −lr · Xᵀ(P − Y)/n computed by hand in
    /// Double (with P uniform at zero weights), so the engine's gradient is the true gradient.
    func testOneStepMatchesHandComputedGradient() throws {
        let ds = try Synthetic.blobs(n: 12, features: 3, classes: 3, seed: 2)
        var o = SoftmaxRegression.Options()
        o.epochs = 1
        o.batchSize = 12
        o.learningRate = 0.5
        let m = try SoftmaxRegression(options: o)
        try m.fit(ds)
        let k = 3.0
        for f in 0..<3 {
            for c in 0..<3 {
                var g = 0.0
                for i in 0..<12 { g += Double(ds.features[i, f]) * (1 / k - (ds.labels[i] == c ? 1 : 0)) }
                XCTAssertEqual(Double(m.weights[f, c]), -0.5 * g / 12, accuracy: 1e-5)
            }
        }
        for c in 0..<3 {
            let g = (0..<12).reduce(0.0) { $0 + (1 / k - (ds.labels[$1] == c ? 1 : 0)) }
            XCTAssertEqual(Double(m.bias[c]), -0.5 * g / 12, accuracy: 1e-6)
        }
    }

    /// The mean loss decreases along the gradient: a finite-difference check of the objective
    /// around the trained weights (the gradient at the optimum is near zero, so the loss there is
    /// a local minimum along random directions).
    func testTrainedModelIsNearAMinimum() throws {
        let ds = try Synthetic.blobs(n: 200, features: 2, classes: 2, std: 4, seed: 5)
        var o = SoftmaxRegression.Options()
        o.epochs = 200
        o.batchSize = 200
        o.learningRate = 0.05
        o.l2 = 0.01
        let m = try SoftmaxRegression(options: o)
        try m.fit(ds)
        let base = try m.meanLoss(ds) + 0.005 * m.weights.data.reduce(0.0) { $0 + Double($1 * $1) }
        XCTAssertLessThan(m.history.last!.trainLoss, m.history.first!.trainLoss)
        XCTAssertEqual(m.history.last!.trainLoss, base, accuracy: 1e-3)
    }

    func testLearnsSeparableDataAndIsDeterministic() throws {
        let ds = try Synthetic.blobs(n: 600, features: 4, classes: 3, seed: 1)
        let (train, test) = try ds.split(.fraction(0.3), stratified: true, seed: 1)
        var o = SoftmaxRegression.Options()
        o.epochs = 5
        o.momentum = 0.9
        o.learningRate = 0.01
        let a = try SoftmaxRegression(options: o), b = try SoftmaxRegression(options: o)
        try a.fit(train, validation: test)
        try b.fit(train, validation: test)
        XCTAssertEqual(a.weights, b.weights)
        XCTAssertEqual(a.history, b.history)
        XCTAssertGreaterThan(try a.accuracy(test), 0.97)
        XCTAssertNotNil(a.history.last!.validationAccuracy)
        let p = try a.predictProba(test.features)
        for r in p.rowSums() { XCTAssertEqual(r, 1, accuracy: 1e-5) }
        let losses = try a.perRecordLoss(test)
        XCTAssertEqual(losses.count, test.size)
        XCTAssertTrue(losses.allSatisfy { $0 >= 0 })
        XCTAssertEqual(a.parameterCount, 4 * 3 + 3)
        var o2 = o
        o2.seed = 2
        let c = try SoftmaxRegression(options: o2)
        try c.fit(train)
        XCTAssertNotEqual(c.weights, a.weights)
    }

    func testEarlyStopFromObserverAndErrors() throws {
        let ds = try Synthetic.blobs(n: 100, features: 2, classes: 2, seed: 1)
        let m = try SoftmaxRegression()
        var seen = 0
        try m.fit(ds, observer: TrainingObserver(onEpoch: { _ in seen += 1; return seen < 3 }))
        XCTAssertEqual(m.history.count, 3)
        assertThrows(["not fitted"]) { _ = try SoftmaxRegression().predict(ds.features) }
        assertThrows(["expects 2 features, got 3"]) { _ = try m.predict(Matrix(rows: 1, cols: 3)) }
        var bad = ds
        bad.features[0, 0] = .infinity
        assertThrows(["non-finite"]) { try SoftmaxRegression().fit(bad) }
        assertThrows(["lr must be"]) { var o = SoftmaxRegression.Options(); o.learningRate = -1; _ = try SoftmaxRegression(options: o) }
        var huge = SoftmaxRegression.Options()
        huge.learningRate = 1e30
        let scaled = try Dataset(features: ds.features.scaled(1e20), labels: ds.labels)
        assertThrows(["diverged"]) { try SoftmaxRegression(options: huge).fit(scaled) }
    }
}
