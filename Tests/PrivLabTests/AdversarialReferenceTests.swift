import Foundation
@testable import PrivLab
import XCTest

/// Adversarial regularisation pinned to PyTorch (Fixtures/make_adversarial_reference.py, written
/// from Nasr et al.'s paper and released code): the authors' inference-model architecture (at 1/32
/// of its widths), the classifier's extra term λ · mean h and its gradient in the logits, one
/// classifier step on cross-entropy plus that term, and three Adam steps of h on its squared error
/// (the code) or cross-entropy (the paper's gain G) — for h reading the logits (the code) and the
/// probabilities (the paper).
///
/// Tolerance: float32 on both sides, summed in different orders: 2e-6 absolute plus 1e-5 relative.
/// Each of these moves some value by far more: the term's gradient summed instead of averaged
/// (×8), the softmax Jacobian missing or applied to logits, the wrong sign, h's members and
/// non-members swapped, a branch's closing ReLU left out, the label branch fed the prediction.
final class AdversarialReferenceTests: XCTestCase {
    struct Case: Decodable {
        var attack_input: String
        var attack_loss: String
        var term: Double
        var term_gradient: [Float]
        var classifier_after: [[Float]]
        var gain: Double
        var h_after: [[Float]]
    }
    struct Reference: Decodable {
        var lambda: Double
        var width: Double
        var classes: Int
        var h_steps: Int
        var x: [Float], y: [Int], xr: [Float], yr: [Int]
        var classifier: [[Float]]
        var h: [[Float]]
        var cases: [Case]
        var measure: Measure
    }
    struct Measure: Decodable {
        var gain: Double
        var accuracy: Double
        var logit: Double
    }

    func close(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 2e-6 + 1e-5 * abs(b) }

    func assertClose(_ a: [[Float]], _ b: [[Float]], _ what: String) {
        XCTAssertEqual(a.map(\.count), b.map(\.count), what)
        for (i, (x, y)) in zip(a, b).enumerated() {
            for (j, (u, v)) in zip(x, y).enumerated() where !close(u, v) {
                XCTFail("\(what): array \(i) entry \(j): \(u) against PyTorch's \(v)")
                return
            }
        }
    }

    func setH(_ h: InferenceModel, _ v: [[Float]]) throws {
        let a = h.prediction.parameters.count, b = h.label.parameters.count
        try h.prediction.setParameterValues(Array(v[..<a]))
        try h.label.setParameterValues(Array(v[a..<(a + b)]))
        try h.combine.setParameterValues(Array(v[(a + b)...]))
    }

    func testAdversarialRegularisationMatchesPyTorch() throws {
        let ref = try Fixture.decode(Reference.self, "adversarial_reference.json")
        let n = ref.y.count, k = ref.classes
        let train = try Dataset(features: try Matrix(rows: n, cols: ref.x.count / n, data: ref.x), labels: ref.y, classes: k)
        let reference = try Dataset(features: try Matrix(rows: n, cols: ref.xr.count / n, data: ref.xr), labels: ref.yr, classes: k,
                                    ids: (1...n).map { 100 + $0 })
        for c in ref.cases {
            var to = TrainingOptions()
            to.learningRate = 0.5
            to.batchSize = n
            to.epochs = 1
            let f = try NeuralNetwork.mlp(hidden: [6], activation: .tanh, options: to)
            try f.build(inputShape: [train.featureCount], classes: k)
            try f.setParameterValues(ref.classifier)
            var o = AdversarialRegularizationOptions()
            o.lambda = ref.lambda
            o.attackWidth = ref.width
            o.attackLearningRate = 1e-2
            o.attackInput = try XCTUnwrap(InferenceInput(rawValue: c.attack_input))
            o.attackLoss = try XCTUnwrap(InferenceLoss(rawValue: c.attack_loss))
            let game = try InferenceGame(options: o, train: train, reference: reference, classifier: f)
            try setH(game.h, ref.h)
            XCTAssertEqual(game.h.parameters.map(\.value.count), ref.h.map(\.count), "h's architecture")
            game.playing = true

            let (term, dz) = try game.classifierTerm(ids: train.ids, logits: try f.logits(train.features), normalizer: n)
            XCTAssertEqual(term, c.term, accuracy: 1e-5 * abs(c.term), c.attack_input)
            assertClose([dz.data], [c.term_gradient], "\(c.attack_input): ∂(λ·mean h)/∂logits")

            try f.fit(train, stage: TrainingStage(epochs: 1, seed: 1, warmStart: true),
                      hooks: TrainingHooks(logitTerm: { ids, z, norm in try game.classifierTerm(ids: ids, logits: z, normalizer: norm) }))
            assertClose(f.parameterValues(), c.classifier_after, "\(c.attack_input): classifier after one step")

            try f.setParameterValues(ref.classifier)
            let zm = try f.logits(train.features), zr = try f.logits(reference.features)
            let view = { (z: Matrix) in c.attack_input == "logits" ? z : Softmax.probabilities(z) }
            let v = try Matrix(rows: 2 * n, cols: k, data: view(zm).data + view(zr).data)
            var gain = 0.0
            for _ in 0..<ref.h_steps { gain = try game.inferenceStep(v, labels: ref.y + ref.yr, members: n) }
            XCTAssertEqual(gain, c.gain, accuracy: 1e-5, c.attack_input)
            assertClose(game.h.parameters.map(\.value.data), c.h_after, "\(c.attack_input), \(c.attack_loss): h after \(ref.h_steps) Adam steps")
        }
    }

    /// What the training history reports of h each epoch (`InferenceGame.measure`: attack_gain,
    /// attack_accuracy, attack_logit), against PyTorch on the fixture's members and reference records.
    func testInferenceMeasurementMatchesPyTorch() throws {
        let ref = try Fixture.decode(Reference.self, "adversarial_reference.json")
        let n = ref.y.count, k = ref.classes
        let train = try Dataset(features: try Matrix(rows: n, cols: ref.x.count / n, data: ref.x), labels: ref.y, classes: k)
        let reference = try Dataset(features: try Matrix(rows: n, cols: ref.xr.count / n, data: ref.xr), labels: ref.yr, classes: k,
                                    ids: (1...n).map { 100 + $0 })
        let f = try NeuralNetwork.mlp(hidden: [6], activation: .tanh, options: TrainingOptions())
        try f.build(inputShape: [train.featureCount], classes: k)
        try f.setParameterValues(ref.classifier)
        var o = AdversarialRegularizationOptions()
        o.attackWidth = ref.width
        let game = try InferenceGame(options: o, train: train, reference: reference, classifier: f)
        try setH(game.h, ref.h)
        let m = try game.measure()
        XCTAssertEqual(m.gain, ref.measure.gain, accuracy: 1e-5)
        XCTAssertEqual(m.accuracy, ref.measure.accuracy, accuracy: 1e-12)
        XCTAssertEqual(m.largestLogit, ref.measure.logit, accuracy: 1e-5)
        XCTAssertEqual(m.entries["attack_gain"], m.gain)
    }

    /// `attack_init = "uniform"` keeps the layers' own start, PyTorch's default for nn.Linear
    /// (weights and biases U(−1/√fan_in, 1/√fan_in)): not the authors' N(0, 0.01²).
    func testUniformInitialisationIsPyTorchsDefault() throws {
        let h = try InferenceModel(classes: 100, width: 0.25, initialisation: .uniform, seed: 3)
        for net in [h.prediction, h.label, h.combine] {
            for (i, p) in net.parameters.enumerated() {
                let fanIn = i % 2 == 0 ? p.value.rows : net.parameters[i - 1].value.rows
                let bound = Float(1 / Double(fanIn).squareRoot())
                XCTAssertTrue(p.value.data.allSatisfy { abs($0) <= bound }, "parameter \(i) beyond ±1/√fan_in")
                // Uniform on ±bound: among 64 draws or more the largest is near the bound, far beyond N(0, 0.01²)'s.
                if p.value.count >= 64 { XCTAssertGreaterThan(p.value.data.map(abs).max()!, 0.8 * bound, "parameter \(i)") }
            }
        }
    }

    /// h starts as the authors' code starts it (lines 144–151): weights N(0, 0.01²), biases 0 —
    /// an h nearly constant in its input, so the classifier's term starts weak.
    func testInferenceModelStartsAsTheAuthorsCodeDoes() throws {
        let h = try InferenceModel(classes: 100, width: 0.25, seed: 3)
        let weights = h.parameters.enumerated().filter { $0.offset % 2 == 0 }.flatMap { $0.element.value.data }
        let biases = h.parameters.enumerated().filter { $0.offset % 2 == 1 }.flatMap { $0.element.value.data }
        XCTAssertTrue(biases.allSatisfy { $0 == 0 })
        let mean = weights.reduce(0) { $0 + Double($1) } / Double(weights.count)
        let std = (weights.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(weights.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 2e-4)
        XCTAssertEqual(std, 0.01, accuracy: 2e-4)
        // The authors' widths times 1/4: 100 → 256 → 128 → 16, 100 → 32 → 16, 32 → 128 → 64 → 32 → 16 → 2.
        XCTAssertEqual(h.parameters.filter { $0.value.rows > 0 }.count, 20)
        XCTAssertEqual(weights.count, 100 * 256 + 256 * 128 + 128 * 16 + 100 * 32 + 32 * 16 + 32 * 128 + 128 * 64 + 64 * 32 + 32 * 16 + 16 * 2)
    }
}
