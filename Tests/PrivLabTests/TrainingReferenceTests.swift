import Foundation
import PrivLab
import XCTest

/// Training steps pinned to PyTorch (Fixtures/make_training_reference.py): a tiny MLP and CNN start
/// from the same weights as the reference, take three full-batch steps on the same records, and
/// every parameter after every step is compared — for SGD, momentum, Nesterov, Adam, L1, L2,
/// elastic net, label smoothing, temperature, and DP-SGD / DP-Adam whose clipped sums the reference
/// forms from per-example gradients (torch.func). Until these tests, most of these options were
/// checked only by "training converges".
///
/// Tolerance: both sides compute in float32 but sum in different orders (BLAS blocks, a per-example
/// norm by book-keeping against vmap's), so values may differ by a few float32 ulps per operation
/// they went through. 5e-7 absolute plus 5e-6 relative: the largest difference measured was 6% of
/// that (Adam, whose square root and ε amplify rounding; the others under 0.5%), while each bug
/// named below moves some value by 1e-4 or more: a penalty on the biases, L1 without its sign,
/// Nesterov's look-ahead on the old velocity, Adam without bias correction or with ε inside the
/// square root, label smoothing spread over K − 1 classes, the temperature's 1/T missing from the
/// gradient, clipping by the batch's norm instead of each record's, a convolution's per-example
/// gradient mixing records. (With full batches the expected and the actual batch size are equal;
/// `testDPSGDDividesByTheExpectedBatchSize` pins which one DP-SGD divides by.)
final class TrainingReferenceTests: XCTestCase {
    struct Case: Decodable {
        struct Config: Decodable {
            var optimizer: String
            var lr: Double
            var momentum: Double?
            var nesterov: Bool?
            var l1: Double?
            var l2: Double?
            var label_smoothing: Double?
            var temperature: Double?
            var clip: Double?
        }
        var architecture: String
        var name: String
        var config: Config
        var initial: [[Float]]
        var steps: [[[Float]]]
    }
    struct Records: Decodable { var x: [Float]; var y: [Int]; var hidden: [Int]; var classes: Int; var shape: [Int]?; var channels: [Int]? }
    struct Reference: Decodable { var mlp: Records; var cnn: Records; var cases: [Case] }

    static let loaded = Result { try Fixture.decode(Reference.self, "training_reference.json") }
    /// The fixture, or the error that loading it raised: a missing or unreadable file fails the
    /// tests that read it instead of crashing the whole bundle.
    static var reference: Reference { get throws { try loaded.get() } }

    func dataset(_ r: Records) throws -> Dataset {
        let n = r.y.count
        var d = try Dataset(features: try Matrix(rows: n, cols: r.x.count / n, data: r.x), labels: r.y, classes: r.classes)
        d.imageShape = r.shape
        return d
    }

    /// Trains the case's network from its initial weights and returns the parameters after each step.
    func train(_ c: Case) throws -> [[[Float]]] {
        let reference = try Self.reference
        let r = c.architecture == "mlp" ? reference.mlp : reference.cnn
        let data = try dataset(r)
        var o = TrainingOptions()
        o.epochs = c.steps.count
        o.batchSize = data.size
        o.learningRate = c.config.lr
        o.optimizer = c.config.optimizer == "adam" ? .adam : .sgd
        o.momentum = c.config.momentum ?? 0
        o.nesterov = c.config.nesterov ?? false
        o.l1 = c.config.l1 ?? 0
        o.l2 = c.config.l2 ?? 0
        o.labelSmoothing = c.config.label_smoothing ?? 0
        o.temperature = c.config.temperature ?? 1
        if let clip = c.config.clip {
            var dp = DPOptions()
            dp.clip = clip
            dp.noise = 0
            dp.sampling = .shuffle
            o.dp = dp
        }
        let net = c.architecture == "mlp" ? try NeuralNetwork.mlp(hidden: r.hidden, options: o)
                                          : try NeuralNetwork.cnn(channels: r.channels!, hidden: r.hidden, options: o)
        var after = [[[Float]]]()
        var hooks = TrainingHooks()
        hooks.beforeFirstStep = { try net.setParameterValues(c.initial) }
        hooks.afterStep = { _ in after.append(net.parameterValues()) }
        try net.fit(data, validation: nil, hooks: hooks, observer: TrainingObserver())
        return after
    }

    func testEveryOptimizerAndTrainingOptionStepsAsPyTorchDoes() throws {
        XCTAssertEqual(try Self.reference.cases.count, 17)
        for c in try Self.reference.cases {
            let mine = try train(c)
            XCTAssertEqual(mine.count, c.steps.count, "\(c.architecture) \(c.name): steps")
            var worst = 0.0
            for (s, (a, b)) in zip(mine, c.steps).enumerated() {
                XCTAssertEqual(a.map(\.count), b.map(\.count), "\(c.architecture) \(c.name): parameter shapes")
                for (pa, pb) in zip(a, b) {
                    for (u, v) in zip(pa, pb) {
                        let diff = Double(abs(u - v)), allowed = 5e-7 + 5e-6 * Double(abs(v))
                        worst = max(worst, diff / allowed)
                        if diff > allowed {
                            XCTFail("\(c.architecture) \(c.name): step \(s + 1) differs from PyTorch: \(u) vs \(v)")
                            break
                        }
                    }
                }
            }
            XCTAssertLessThan(worst, 1, "\(c.architecture) \(c.name)")
        }
    }

    /// Under Poisson sampling DP-SGD divides the clipped sum by the *expected* batch size q·n (as
    /// Opacus does, and as the accountant's sensitivity C/(q·n) assumes), not by the batch drawn;
    /// plain training divides by the batch drawn. Seen through the loss normaliser every step's
    /// logit hook receives, over batches whose sizes vary. Catches DP-SGD dividing by the actual
    /// size (the update's sensitivity would then depend on the sampled batch).
    func testDPSGDDividesByTheExpectedBatchSize() throws {
        let data = try Synthetic.blobs(n: 200, features: 4, classes: 3, seed: 2)
        for dp in [true, false] {
            var o = TrainingOptions()
            o.epochs = 2
            o.batchSize = 20
            if dp {
                var d = DPOptions()
                d.clip = 1
                d.noise = 1
                o.dp = d
            }
            let net = try NeuralNetwork.mlp(hidden: [5], options: o)
            var seen = [(size: Int, normalizer: Int)]()
            var hooks = TrainingHooks()
            hooks.logitTerm = { ids, z, normalizer in
                seen.append((ids.count, normalizer))
                return (0, Matrix(rows: z.rows, cols: z.cols))
            }
            try net.fit(data, validation: nil, hooks: hooks, observer: TrainingObserver())
            XCTAssertGreaterThan(seen.count, 10)
            if dp {
                XCTAssertGreaterThan(Set(seen.map(\.size)).count, 3, "Poisson batches vary in size")
                XCTAssertTrue(seen.allSatisfy { $0.normalizer == 20 }, "DP-SGD divides by q·n = 20")
            } else {
                XCTAssertTrue(seen.allSatisfy { $0.normalizer == $0.size }, "plain training divides by the batch drawn")
            }
        }
    }
}
