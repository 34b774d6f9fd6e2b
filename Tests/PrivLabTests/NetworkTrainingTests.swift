import XCTest
import PrivLab

/// Two concentric rings: not linearly separable, so a hidden layer is needed.
func rings(n: Int, seed: UInt64) throws -> Dataset {
    var rng = RNG(seed: seed)
    var x = [Float](), y = [Int]()
    for i in 0..<n {
        let c = i % 2
        let r = (c == 0 ? 1.0 : 2.5) + 0.2 * rng.normal()
        let t = rng.uniform(0, 2 * Double.pi)
        x += [Float(r * cos(t)), Float(r * sin(t))]
        y.append(c)
    }
    return try Dataset(features: Matrix(rows: n, cols: 2, data: x), labels: y, classes: 2, name: "rings")
}

/// 8×8 images of a vertical or horizontal bar at a random position, plus noise.
func bars(n: Int, seed: UInt64) throws -> Dataset {
    var rng = RNG(seed: seed)
    var x = [Float](repeating: 0, count: n * 64), y = [Int]()
    for i in 0..<n {
        let c = i % 2, pos = rng.int(below: 8)
        for k in 0..<8 {
            let (r, col) = c == 0 ? (k, pos) : (pos, k)
            x[i * 64 + r * 8 + col] = 1
        }
        for j in 0..<64 { x[i * 64 + j] += Float(0.3 * rng.normal()) }
        y.append(c)
    }
    return try Dataset(features: Matrix(rows: n, cols: 64, data: x), labels: y, classes: 2, imageShape: [1, 8, 8], name: "bars")
}

final class NetworkTrainingTests: XCTestCase {
    /// One full-batch SGD step from zero weights equals W = −lr · Xᵀ(P − Y)/n computed by hand in
    /// Double (P is uniform at zero weights).
    func testSoftmaxRegressionOneStepMatchesHandComputedGradient() throws {
        let ds = try Synthetic.blobs(n: 12, features: 3, classes: 3, seed: 2)
        var o = TrainingOptions()
        o.epochs = 1
        o.batchSize = 12
        o.learningRate = 0.5
        let m = try NeuralNetwork.softmaxRegression(options: o)
        try m.fit(ds)
        let w = m.parameters[0].value, b = m.parameters[1].value
        for f in 0..<3 {
            for c in 0..<3 {
                var g = 0.0
                for i in 0..<12 { g += Double(ds.features[i, f]) * (1.0 / 3 - (ds.labels[i] == c ? 1 : 0)) }
                XCTAssertEqual(Double(w[f, c]), -0.5 * g / 12, accuracy: 1e-5)
            }
            let gb = (0..<12).reduce(0.0) { $0 + (1.0 / 3 - (ds.labels[$1] == f ? 1 : 0)) }
            XCTAssertEqual(Double(b.data[f]), -0.5 * gb / 12, accuracy: 1e-6)
        }
    }

    func testMLPLearnsWhatALinearModelCannot() throws {
        let ds = try rings(n: 800, seed: 1)
        let (train, test) = try ds.split(.fraction(0.25), stratified: true, seed: 1)
        var o = TrainingOptions()
        o.epochs = 60
        o.learningRate = 0.1
        o.momentum = 0.9
        o.batchSize = 32
        let mlp = try NeuralNetwork.mlp(hidden: [32], options: o)
        try mlp.fit(train)
        let lin = try NeuralNetwork.softmaxRegression(options: o)
        try lin.fit(train)
        XCTAssertGreaterThan(try mlp.accuracy(test), 0.97)
        XCTAssertLessThan(try lin.accuracy(test), 0.75)
    }

    func testCNNLearnsBarOrientation() throws {
        let ds = try bars(n: 400, seed: 2)
        let (train, test) = try ds.split(.fraction(0.25), stratified: true, seed: 1)
        var o = TrainingOptions()
        o.optimizer = .adam
        o.learningRate = 0.01
        o.epochs = 8
        o.batchSize = 32
        let cnn = try NeuralNetwork.cnn(channels: [4], hidden: [16], options: o)
        try cnn.fit(train)
        XCTAssertGreaterThan(try cnn.accuracy(test), 0.95)
        XCTAssertEqual(cnn.layers.map(\.outputShape).first!, [4, 8, 8])
        XCTAssertThrowsError(try cnn.cloneUntrained().fit(try rings(n: 10, seed: 1)))
    }

    func testTrainingIsDeterministicPerSeed() throws {
        let ds = try rings(n: 200, seed: 3)
        var o = TrainingOptions()
        o.epochs = 3
        let a = try NeuralNetwork.mlp(hidden: [8], dropout: 0.2, options: o)
        let b = try NeuralNetwork.mlp(hidden: [8], dropout: 0.2, options: o)
        try a.fit(ds)
        try b.fit(ds)
        XCTAssertEqual(a.parameterValues(), b.parameterValues())
        XCTAssertEqual(a.history, b.history)
        o.seed = 2
        let c = try NeuralNetwork.mlp(hidden: [8], dropout: 0.2, options: o)
        try c.fit(ds)
        XCTAssertNotEqual(c.parameterValues(), a.parameterValues())
        // Inference ignores dropout: the logits are the plain forward pass relu(xW₁ + b₁)W₂ + b₂ of
        // the trained parameters, recomputed here in Double (a dropout mask, or dropout's 1/(1 − p)
        // scaling at inference, would move them far beyond rounding).
        let params = a.parameterValues()
        XCTAssertEqual(params.map(\.count), [2 * 8, 8, 8 * 2, 2])
        let z = try a.logits(ds.features)
        for r in 0..<ds.size {
            let x = ds.features.row(r).map(Double.init)
            let h = (0..<8).map { j in max(0, Double(params[1][j]) + (0..<2).reduce(0.0) { $0 + x[$1] * Double(params[0][$1 * 8 + j]) }) }
            for c in 0..<2 {
                let expected = Double(params[3][c]) + (0..<8).reduce(0.0) { $0 + h[$1] * Double(params[2][$1 * 2 + c]) }
                XCTAssertEqual(Double(z[r, c]), expected, accuracy: 1e-5 * max(1, abs(expected)), "record \(r), class \(c)")
            }
        }
        XCTAssertEqual(a.parameterCount, 2 * 8 + 8 + 8 * 2 + 2)
    }

    func testPenaltiesShrinkWeightsAndL1Sparsifies() throws {
        let ds = try Synthetic.blobs(n: 300, features: 20, classes: 3, std: 4, seed: 4)
        func weights(_ adjust: (inout TrainingOptions) -> Void) throws -> [Float] {
            var o = TrainingOptions()
            o.epochs = 30
            o.learningRate = 0.05
            adjust(&o)
            let m = try NeuralNetwork.softmaxRegression(options: o)
            try m.fit(ds)
            return m.parameters[0].value.data
        }
        let plain = try weights { _ in }, l2 = try weights { $0.l2 = 0.5 }, l1 = try weights { $0.l1 = 0.05 }
        func norm2(_ w: [Float]) -> Double { w.reduce(0) { $0 + Double($1 * $1) } }
        func small(_ w: [Float]) -> Int { w.filter { abs($0) < 0.01 }.count }
        XCTAssertLessThan(norm2(l2), 0.5 * norm2(plain))
        XCTAssertGreaterThan(small(l1), small(plain) + 10)
    }

    func testEarlyStoppingRestoresTheBestEpoch() throws {
        // Few noisy records and a wide network: validation loss rises after a while.
        let ds = try Synthetic.blobs(n: 120, features: 30, classes: 3, std: 12, seed: 5)
        let (train, val) = try ds.split(.fraction(0.5), stratified: true, seed: 1)
        var o = TrainingOptions()
        o.epochs = 200
        o.learningRate = 0.05
        o.patience = 5
        let m = try NeuralNetwork.mlp(hidden: [64], options: o)
        let h = try m.fit(train, validation: val)
        XCTAssertLessThan(h.count, 200)
        let best = h.min { $0.validationLoss! < $1.validationLoss! }!
        XCTAssertEqual(m.bestEpoch, best.epoch)
        XCTAssertEqual(h.count, best.epoch + 5)
        XCTAssertEqual(try m.meanLoss(val), best.validationLoss!, accuracy: 1e-9)
        var o2 = o
        o2.validationSplit = nil
        XCTAssertThrowsError(try NeuralNetwork.mlp(hidden: [4], options: o2).fit(train)) {
            XCTAssertTrue("\($0)".contains("needs a validation set"))
        }
        o2.validationSplit = 0.2
        let m2 = try NeuralNetwork.mlp(hidden: [4], options: o2)
        try m2.fit(train)
        XCTAssertNotNil(m2.history.first?.validationLoss)
    }

    func testScheduleTemperatureAndSmoothing() throws {
        XCTAssertEqual(LearningRateSchedule.step(every: 2, gamma: 0.5).rate(base: 1, epoch: 5, epochs: 10), 0.25)
        XCTAssertEqual(LearningRateSchedule.cosine(minimum: 0).rate(base: 1, epoch: 1, epochs: 5), 1)
        XCTAssertEqual(LearningRateSchedule.cosine(minimum: 0.1).rate(base: 1, epoch: 5, epochs: 5), 0.1, accuracy: 1e-12)
        XCTAssertEqual(LearningRateSchedule.cosine(minimum: 0).rate(base: 1, epoch: 3, epochs: 5), 0.5, accuracy: 1e-12)
        let ds = try Synthetic.blobs(n: 200, features: 2, classes: 2, seed: 6)
        var o = TrainingOptions()
        o.epochs = 20
        o.schedule = .step(every: 5, gamma: 0.5)
        let m = try NeuralNetwork.softmaxRegression(options: o)
        try m.fit(ds)
        XCTAssertEqual(m.history.map(\.learningRate)[10], 0.025, accuracy: 1e-12)
        let p1 = try m.predictProba(ds.features, temperature: 1), p5 = try m.predictProba(ds.features, temperature: 5)
        XCTAssertLessThan(p5.maxRows().reduce(0, +), p1.maxRows().reduce(0, +))
        // Label smoothing keeps the model from becoming certain.
        var s = o
        s.labelSmoothing = 0.3
        let smooth = try NeuralNetwork.softmaxRegression(options: s)
        try smooth.fit(ds)
        XCTAssertLessThan(try smooth.predictProba(ds.features, temperature: 1).maxRows().reduce(0, +) / Float(ds.size), 0.88)
        XCTAssertGreaterThan(p1.maxRows().max()!, 0.99)
    }

    func testAdamAndMomentumOptimizersConverge() throws {
        let ds = try rings(n: 400, seed: 7)
        for (kind, lr, mom) in [(OptimizerKind.adam, 0.01, 0.0), (.sgd, 0.05, 0.9)] {
            var o = TrainingOptions()
            o.optimizer = kind
            o.learningRate = lr
            o.momentum = mom
            o.epochs = 40
            o.batchSize = 32
            let m = try NeuralNetwork.mlp(hidden: [16], activation: .tanh, options: o)
            try m.fit(ds)
            XCTAssertGreaterThan(try m.accuracy(ds), 0.95, "\(kind)")
            XCTAssertLessThan(m.history.last!.trainLoss, m.history.first!.trainLoss)
        }
    }

    func testBadInputIsAnErrorNotATrap() throws {
        let ds = try Synthetic.blobs(n: 50, features: 2, classes: 2, seed: 1)
        let m = try NeuralNetwork.mlp(hidden: [4], options: TrainingOptions())
        XCTAssertThrowsError(try m.predict(ds.features)) { XCTAssertTrue("\($0)".contains("not fitted")) }
        try m.fit(ds)
        XCTAssertThrowsError(try m.predict(Matrix(rows: 1, cols: 3))) { XCTAssertTrue("\($0)".contains("expects 2 features, got 3")) }
        var bad = ds
        bad.features[3, 1] = .nan
        XCTAssertThrowsError(try m.fit(bad)) { XCTAssertTrue("\($0)".contains("non-finite")) }
        var o = TrainingOptions()
        o.learningRate = 1e30
        let scaled = try Dataset(features: ds.features.scaled(1e20), labels: ds.labels)
        XCTAssertThrowsError(try NeuralNetwork.softmaxRegression(options: o).fit(scaled)) { XCTAssertTrue("\($0)".contains("diverged")) }
        o.learningRate = -1
        XCTAssertThrowsError(try NeuralNetwork.softmaxRegression(options: o))
        XCTAssertThrowsError(try NeuralNetwork.mlp(hidden: [0], options: TrainingOptions()))
        XCTAssertThrowsError(try NeuralNetwork.cnn(channels: [4], kernel: 2, options: TrainingOptions()))
    }
}
