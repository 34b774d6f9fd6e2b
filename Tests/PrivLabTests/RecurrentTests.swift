import Foundation
import PrivLab
import XCTest

/// Recurrent layers beyond the PyTorch fixture (finite differences: the extension below): per-example norms against per-example gradients formed one
/// record at a time, the same bits on one thread or two, DP-SGD with its stated ε, learning the
/// symbol-order task, saving and loading, and the errors bad shapes get.
final class RecurrentTests: XCTestCase {
    /// ‖∇ᵢ‖ by the Gram identity against each record's gradient computed alone (a batch of one,
    /// plain backward pass) and its norm summed entry by entry.
    func testPerExampleNormsEqualNormsOfSingleRecordGradients() throws {
        let ds = try Synthetic.symbolOrder(n: 7, steps: 6, symbols: 4, seed: 3)
        for cell in RecurrentCellKind.allCases {
            let net = try NeuralNetwork(kind: .rnn, specs: [.recurrent(cell: cell, hidden: 5, steps: 6, sequences: true),
                                                         .recurrent(cell: cell, hidden: 5, steps: 6, sequences: false),
                                                         .dense(units: nil, zeroInit: false)], options: TrainingOptions())
            try net.build(inputShape: [24], classes: 2)
            let norms = try net.perRecordGradientNorms(ds)
            for i in 0..<ds.size {
                var ctx = ForwardContext(training: true, rng: RNG(seed: 0))
                let z = try net.forward(ds.features.rows([i]), &ctx)
                try net.backward(SoftmaxCrossEntropy().lossAndGradient(z, [ds.labels[i]], normalizer: 1).grad)
                let alone = net.parameters.reduce(0.0) { $0 + $1.grad.data.reduce(0.0) { $0 + Double($1) * Double($1) } }.squareRoot()
                XCTAssertEqual(norms[i], alone, accuracy: 1e-5 * max(1, alone), "\(cell) record \(i)")
            }
        }
    }

    /// A batch large enough to be cut into two row blocks walks the same steps on one thread or two.
    func testTrainingIsIdenticalOnOneThreadOrTwo() throws {
        let ds = try Synthetic.symbolOrder(n: 400, steps: 8, symbols: 5, seed: 4)
        var o = TrainingOptions()
        o.epochs = 1
        o.batchSize = 200
        o.optimizer = .adam
        o.learningRate = 0.01
        var d = DPOptions()
        d.clip = 1
        d.noise = 0.5
        for dp in [false, true] {
            o.dp = dp ? d : nil
            var results = [[Float]]()
            for threads in [1, 2] {
                let saved = BLASThreads.count
                BLASThreads.count = threads
                defer { BLASThreads.count = saved }
                let net = try NeuralNetwork.rnn(cell: .gru, hidden: 64, steps: 8, options: o)
                try net.fit(ds)
                results.append(try net.parameterVector() + net.logits(ds.features).data)
            }
            XCTAssertEqual(results[0], results[1], dp ? "DP-SGD" : "Adam")
        }
    }

    func testDPSGDOnATinyRNNLearnsAndStatesItsEpsilon() throws {
        let train = try Synthetic.symbolOrder(n: 1000, steps: 8, symbols: 5, seed: 5)
        let test = try Synthetic.symbolOrder(n: 500, steps: 8, symbols: 5, seed: 6)
        var o = TrainingOptions()
        o.epochs = 4
        o.batchSize = 50
        o.optimizer = .adam
        o.learningRate = 0.02
        var d = DPOptions()
        d.clip = 1
        d.noise = 1
        o.dp = d
        let net = try NeuralNetwork.rnn(cell: .lstm, hidden: 16, steps: 8, options: o)
        try net.fit(train)
        let p = try XCTUnwrap(net.privacy, "DP-SGD states its privacy")
        XCTAssertGreaterThan(p.epsilon, 0.1)
        XCTAssertLessThan(p.epsilon, 20)
        XCTAssertEqual(p.delta, d.delta)
        XCTAssertGreaterThan(try net.accuracy(test), 0.5, "above chance")
    }

    /// Order decides the label, so a GRU learns it; an order-blind reading (the sum of the one-hot
    /// steps) holds the same counts in both classes.
    func testGRULearnsTheSymbolOrderTask() throws {
        let train = try Synthetic.symbolOrder(n: 2000, steps: 10, symbols: 5, seed: 7)
        let test = try Synthetic.symbolOrder(n: 500, steps: 10, symbols: 5, seed: 8)
        for i in 0..<train.size {
            let row = train.features.row(i)
            XCTAssertEqual(stride(from: 0, to: 50, by: 5).map { row[$0] }.reduce(0, +), 1, "marker A once")
            XCTAssertEqual(stride(from: 1, to: 50, by: 5).map { row[$0] }.reduce(0, +), 1, "marker B once")
        }
        var o = TrainingOptions()
        o.epochs = 15
        o.batchSize = 50
        o.optimizer = .adam
        o.learningRate = 0.01
        let net = try NeuralNetwork.rnn(cell: .gru, hidden: 16, steps: 10, options: o)
        try net.fit(train)
        XCTAssertGreaterThan(try net.accuracy(test), 0.9)
    }

    func testSavedRecurrentModelLoadsWithTheSameLogits() throws {
        let ds = try Synthetic.symbolOrder(n: 60, steps: 4, symbols: 3, seed: 9)
        var o = TrainingOptions()
        o.epochs = 2
        let m = try NeuralNetwork.rnn(cell: .lstm, hidden: 3, layers: 2, steps: 4, allSteps: true, head: [5], options: o)
        try m.fit(ds)
        let path = try temporaryDirectory() + "/rnn.plm"
        try ModelFile.save(.classifier(m), to: path)
        guard case .classifier(let back) = try ModelFile.load(path: path) else { return XCTFail("not a classifier") }
        XCTAssertEqual(try back.logits(ds.features), try m.logits(ds.features))
        XCTAssertEqual(back.summary, m.summary)
        XCTAssertTrue(m.summary.contains("lstm(3, 4 steps"), m.summary)
    }

    func testBadShapesGetClearErrors() throws {
        let ds = try Synthetic.symbolOrder(n: 20, steps: 5, symbols: 3, seed: 1)
        var o = TrainingOptions()
        o.epochs = 1
        // 15 values are not 4 steps of anything.
        XCTAssertThrowsError(try NeuralNetwork.rnn(cell: .gru, hidden: 3, steps: 4, options: o).fit(ds)) {
            XCTAssertTrue("\($0)".contains("not steps × features with steps = 4"), "\($0)")
        }
        let net = try NeuralNetwork.rnn(cell: .rnn, hidden: 3, steps: 5, options: o)
        try net.fit(ds)
        XCTAssertThrowsError(try net.predict(Matrix(rows: 2, cols: 12))) {
            XCTAssertTrue("\($0)".contains("5 steps × 3 features = 15 values, got 12"), "\($0)")
        }
    }
}

/// Backpropagation through time against finite differences (the check of every other layer),
/// including the input gradient a stacked layer passes back.
extension NetworkGradientTests {
    func recurrentSpecs(_ cell: RecurrentCellKind, stacked: Bool, allSteps: Bool) -> [LayerSpec] {
        (stacked ? [LayerSpec.recurrent(cell: cell, hidden: 4, steps: 5, sequences: true)] : [])
            + [.recurrent(cell: cell, hidden: 4, steps: 5, sequences: allSteps), .dense(units: nil, zeroInit: false)]
    }

    func testRecurrentLayersMatchFiniteDifferences() throws {
        for cell in RecurrentCellKind.allCases {
            try check(recurrentSpecs(cell, stacked: true, allSteps: false), inputShape: [15])
            try check(recurrentSpecs(cell, stacked: false, allSteps: true), inputShape: [15])
        }
    }
}
