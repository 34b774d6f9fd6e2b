import Foundation
import PrivLab
import XCTest

/// Frozen layers and transfer learning. Steps pinned to PyTorch with `requires_grad = False`
/// (Fixtures/make_frozen_reference.py): the frozen layer never moves, the others move as
/// PyTorch moves them — penalties on trained weights only, DP-SGD clipping over the trained
/// parameters only, a frozen convolution under a dense head (whose input PrivLab computes once per
/// fit). Tolerance as TrainingReferenceTests (float32 sums in another order).
final class FrozenLayersTests: XCTestCase {
    struct Case: Decodable {
        struct Config: Decodable { var optimizer: String; var lr: Double; var momentum: Double?; var l1: Double?; var l2: Double?; var clip: Double? }
        var architecture: String
        var name: String
        var config: Config
        var initial: [[Float]]
        var steps: [[[Float]]]
    }
    struct Records: Decodable { var x: [Float]; var y: [Int]; var hidden: [Int]; var classes: Int; var shape: [Int]?; var channels: [Int]? }
    struct Reference: Decodable { var mlp: Records; var cnn: Records; var cases: [Case] }

    static let loaded = Result { try Fixture.decode(Reference.self, "frozen_reference.json") }

    func train(_ c: Case, _ r: Records) throws -> [[[Float]]] {
        let n = r.y.count
        var data = try Dataset(features: try Matrix(rows: n, cols: r.x.count / n, data: r.x), labels: r.y, classes: r.classes)
        data.imageShape = r.shape
        var o = TrainingOptions()
        o.epochs = c.steps.count
        o.batchSize = n
        o.learningRate = c.config.lr
        o.optimizer = c.config.optimizer == "adam" ? .adam : .sgd
        o.momentum = c.config.momentum ?? 0
        o.l1 = c.config.l1 ?? 0
        o.l2 = c.config.l2 ?? 0
        o.frozenLayers = 1
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

    func testFrozenLayersStepAsPyTorchDoes() throws {
        let ref = try Self.loaded.get()
        XCTAssertEqual(ref.cases.count, 6)
        for c in ref.cases {
            let mine = try train(c, c.architecture == "mlp" ? ref.mlp : ref.cnn)
            XCTAssertEqual(mine.count, c.steps.count, c.name)
            for (s, (a, b)) in zip(mine, c.steps).enumerated() {
                // The frozen layer (weight and bias) is bit-identical to its start.
                XCTAssertEqual(a[0], c.initial[0], "\(c.architecture) \(c.name): frozen weight moved at step \(s + 1)")
                XCTAssertEqual(a[1], c.initial[1], "\(c.architecture) \(c.name): frozen bias moved at step \(s + 1)")
                for (pa, pb) in zip(a, b) {
                    for (u, v) in zip(pa, pb) where Double(abs(u - v)) > 5e-7 + 5e-6 * Double(abs(v)) {
                        XCTFail("\(c.architecture) \(c.name): step \(s + 1) differs from PyTorch: \(u) vs \(v)")
                        break
                    }
                }
            }
        }
    }

    /// Public "base" task and a transfer network over it.
    func base() throws -> (NeuralNetwork, Dataset) {
        let all = try Synthetic.blobs(n: 400, features: 10, classes: 4, std: 2, box: 4, seed: 3)
        let pub = try all.filter(classes: [0, 1])
        var o = TrainingOptions()
        o.epochs = 3
        o.batchSize = 32
        o.seed = 2
        let b = try NeuralNetwork.mlp(hidden: [12, 8], options: o)
        try b.fit(pub)
        return (b, try all.filter(classes: [2, 3], relabel: true))
    }

    func testTransferCopiesTheBaseAndFreezingKeepsIt() throws {
        let (b, priv) = try base()
        var o = TrainingOptions()
        o.epochs = 8
        o.batchSize = 16
        for frozen in [2, 1, 0] {
            o.frozenLayers = frozen
            let t = try NeuralNetwork.transfer(base: b, layers: 2, head: [5], options: o)
            try t.fit(priv)
            // Parameters: two copied layers (4 tensors), then the head and the output layer.
            for i in 0..<4 {
                let kept = t.parameters[i].value.data == b.parameters[i].value.data
                XCTAssertEqual(kept, i < 2 * frozen, "frozen = \(frozen): copied tensor \(i)")
            }
            XCTAssertEqual(t.parameters.count, 8)
            XCTAssertGreaterThan(try t.accuracy(priv), 0.6)
        }
    }

    func testSavedTransferModelsCloneFromTheSameStart() throws {
        let (b, priv) = try base()
        var o = TrainingOptions()
        o.epochs = 1
        o.frozenLayers = 1
        let t = try NeuralNetwork.transfer(base: b, layers: 1, head: [], options: o)
        try t.fit(priv)
        let path = NSTemporaryDirectory() + "/transfer-\(UUID().uuidString).plm"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(.classifier(t), to: path)
        guard case .classifier(let loaded) = try ModelFile.load(path: path) else { return XCTFail("not a classifier") }
        XCTAssertEqual(loaded.configurationIdentity, t.configurationIdentity)
        XCTAssertEqual(try loaded.requireParameters().parameterVector(), try t.parameterVector())
        let clone = try loaded.cloneUntrained()
        try clone.fit(priv)
        XCTAssertEqual(try clone.requireParameters().parameterVector(), try t.parameterVector())
    }

    func testBadTransfersAreClearErrors() throws {
        let (b, priv) = try base()
        var o = TrainingOptions()
        func fails(_ what: String, _ words: [String], _ body: () throws -> Void) {
            do { try body(); XCTFail("\(what): no error") } catch {
                for w in words { XCTAssertTrue("\(error)".contains(w), "\(what): \(error)") }
            }
        }
        fails("layers out of range", ["transfer", "'layers' = 3", "1…2"]) { _ = try NeuralNetwork.transfer(base: b, layers: 3, head: [], options: o) }
        o.frozenLayers = 3
        fails("frozen beyond the copied layers", ["transfer", "'frozen' = 3", "0…2"]) { _ = try NeuralNetwork.transfer(base: b, layers: 2, head: [], options: o) }
        fails("frozen out of range", ["mlp", "frozen = 3", "0…2"]) { _ = try NeuralNetwork.mlp(hidden: [4, 4], options: o) }
        o.frozenLayers = nil
        fails("unfitted base", ["transfer", "'base'", "fitted"]) {
            _ = try NeuralNetwork.transfer(base: try NeuralNetwork.mlp(hidden: [4], options: o), layers: 1, head: [], options: o)
        }
        let t = try NeuralNetwork.transfer(base: b, layers: 1, head: [], options: o)
        let narrow = try Dataset(features: try Matrix(rows: priv.size, cols: 6, data: Array(priv.features.data.prefix(priv.size * 6))),
                                 labels: priv.labels, classes: 2)
        fails("data of the wrong width", ["transfer", "10 values", "6 features"]) { try t.fit(narrow) }
    }
}
