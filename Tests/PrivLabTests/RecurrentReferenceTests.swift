import Foundation
import PrivLab
import XCTest

/// Recurrent networks pinned to PyTorch (Fixtures/make_recurrent_reference.py): nn.RNN, nn.GRU and
/// nn.LSTM (two stacked layers; and one layer feeding every step to the head) from the same weights
/// on the same records — the logits, every parameter's gradient after one backward pass, each
/// record's gradient norm (torch.func's vmap over grad, against our Gram-matrix norms), and the
/// parameters after each of three SGD, Adam and DP-SGD (clipped, no noise) updates.
///
/// Tolerance 1e-6 absolute plus 1e-5 relative (Adam: plus 1e-4·lr): float32 on both sides summed
/// in different orders.
/// A wrong gate order, a missing second bias, the GRU's r applied outside (W_hn h + b_hn), an LSTM
/// forget gate on the wrong cell state or one step of BPTT dropped each move values by 1e-3 or more.
final class RecurrentReferenceTests: XCTestCase {
    struct Training: Decodable {
        struct Config: Decodable { var optimizer: String; var lr: Double; var clip: Double? }
        var name: String
        var config: Config
        var steps: [[[Float]]]
    }
    struct Case: Decodable {
        var cell: String
        var layers: Int
        var all_steps: Bool
        var initial: [[Float]]
        var logits: [Float]
        var gradients: [[Float]]
        var norms: [Float]
        var training: [Training]
    }
    struct Reference: Decodable {
        var records, steps, features, hidden, classes: Int
        var x: [Float]
        var y: [Int]
        var cases: [Case]
    }

    static let loaded = Result { try Fixture.decode(Reference.self, "recurrent_reference.json") }
    static var reference: Reference { get throws { try loaded.get() } }

    func data() throws -> Dataset {
        let r = try Self.reference
        return try Dataset(features: Matrix(rows: r.records, cols: r.steps * r.features, data: r.x), labels: r.y, classes: r.classes)
    }

    func network(_ c: Case, _ o: TrainingOptions = TrainingOptions()) throws -> NeuralNetwork {
        let r = try Self.reference
        let cell = try XCTUnwrap(RecurrentCellKind(rawValue: c.cell))
        return try NeuralNetwork.rnn(cell: cell, hidden: r.hidden, layers: c.layers, steps: r.steps, allSteps: c.all_steps, options: o)
    }

    func assertClose(_ a: [Float], _ b: [Float], _ what: String, slack: Float = 0, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "\(what): sizes", file: file, line: line)
        for (i, (u, v)) in zip(a, b).enumerated() where abs(u - v) > 1e-6 + 1e-5 * abs(v) + slack {
            XCTFail("\(what)[\(i)]: \(u) vs PyTorch's \(v)", file: file, line: line)
            return
        }
    }

    func testForwardGradientsAndPerExampleNormsMatchPyTorch() throws {
        let r = try Self.reference
        XCTAssertEqual(r.cases.count, 5)
        let ds = try data()
        for c in r.cases {
            let name = "\(c.cell) ×\(c.layers)\(c.all_steps ? " all steps" : "")"
            let net = try network(c)
            try net.build(inputShape: [r.steps * r.features], classes: r.classes)
            try net.setParameterValues(c.initial)
            assertClose(try net.logits(ds.features).data, c.logits, "\(name) logits")
            var ctx = ForwardContext(training: true, rng: RNG(seed: 0))
            let z = try net.forward(ds.features, &ctx)
            try net.backward(SoftmaxCrossEntropy().lossAndGradient(z, ds.labels, normalizer: ds.size).grad)
            for (i, (p, g)) in zip(net.parameters, c.gradients).enumerated() { assertClose(p.grad.data, g, "\(name) gradient of parameter \(i)") }
            assertClose(try net.perRecordGradientNorms(ds).map(Float.init), c.norms, "\(name) per-example norms")
        }
    }

    func testUpdatesMatchPyTorchStepByStep() throws {
        let r = try Self.reference
        let ds = try data()
        for c in r.cases {
            for t in c.training {
                var o = TrainingOptions()
                o.epochs = t.steps.count
                o.batchSize = r.records
                o.learningRate = t.config.lr
                o.optimizer = t.config.optimizer == "adam" ? .adam : .sgd
                if let clip = t.config.clip {
                    var dp = DPOptions()
                    dp.clip = clip
                    dp.noise = 0
                    dp.sampling = .shuffle
                    o.dp = dp
                }
                let net = try network(c, o)
                var after = [[[Float]]]()
                var hooks = TrainingHooks()
                hooks.beforeFirstStep = { try net.setParameterValues(c.initial) }
                hooks.afterStep = { _ in after.append(net.parameterValues()) }
                try net.fit(ds, validation: nil, hooks: hooks, observer: TrainingObserver())
                XCTAssertEqual(after.count, t.steps.count)
                for (s, (mine, theirs)) in zip(after, t.steps).enumerated() {
                    for (i, (a, b)) in zip(mine, theirs).enumerated() {
                        // Adam divides each entry by its own gradient scale, so an entry whose gradient
                        // is small against its rounding moves by a visible share of lr: 1e-4·lr more
                        // (the largest seen: 2.6e-5·lr, LSTM step 3).
                        assertClose(a, b, "\(c.cell) ×\(c.layers)\(c.all_steps ? " all steps" : "") \(t.name) step \(s + 1) parameter \(i)",
                                    slack: t.config.optimizer == "adam" ? Float(1e-4 * t.config.lr) : 0)
                    }
                }
            }
        }
    }
}
