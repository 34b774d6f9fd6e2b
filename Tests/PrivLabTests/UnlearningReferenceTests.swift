import Foundation
import PrivLab
import XCTest

/// SCRUB and NegGrad+ pinned to PyTorch (Fixtures/make_unlearning_reference.py): a tiny MLP starts
/// from the reference's weights and is unlearned with full batches; the parameters after each epoch
/// (SCRUB: a max-step and a min-step, or a min-step alone after msteps; NegGrad+: one paired step)
/// are compared. Same tolerance as TrainingReferenceTests. Catches: the KL's direction or its T²,
/// the max-step's sign, SCRUB's optimizer restarting between steps (Adam's moments and step count
/// carry over in the reference), the learning-rate decay's epoch, NegGrad+'s β on the wrong term.
/// (The SGD case runs max-steps, the Adam case min-steps only: see the fixture script for why.)
final class UnlearningReferenceTests: XCTestCase {
    struct Case: Decodable {
        struct Config: Decodable {
            var epochs: Int
            var lr: Double
            var alpha: Double?, gamma: Double?, T: Double?, msteps: Int?, decay_epochs: [Int]?, decay_rate: Double?, weight_decay: Double?
            var beta: Double?
            var optimizer: String?, momentum: Double?
        }
        var method: String
        var config: Config
        var initial: [[Float]]
        var epochs: [[[Float]]]
    }
    struct Reference: Decodable { var x: [Float]; var y: [Int]; var forget: Int; var hidden: [Int]; var classes: Int; var cases: [Case] }

    func method(_ c: Case, epochs: Int) -> UnlearningMethod {
        let k = c.config
        if c.method == "scrub" {
            var m = SCRUB()
            (m.schedule.epochs, m.schedule.learningRate, m.schedule.weightDecay) = (epochs, k.lr, k.weight_decay!)
            (m.alpha, m.gamma, m.temperature, m.maxSteps) = (k.alpha!, k.gamma!, k.T!, k.msteps!)
            (m.decayEpochs, m.decayRate) = (k.decay_epochs!, k.decay_rate!)
            (m.schedule.optimizer, m.schedule.momentum) = (k.optimizer == "adam" ? .adam : .sgd, k.momentum!)
            return m
        }
        var m = NegGradPlus()
        (m.schedule.epochs, m.schedule.learningRate, m.beta) = (epochs, k.lr, k.beta!)
        return m
    }

    func testSCRUBAndNegGradPlusStepAsPyTorchDoes() throws {
        let r = try Fixture.decode(Reference.self, "unlearning_reference.json")
        let n = r.y.count
        let d = try Dataset(features: try Matrix(rows: n, cols: r.x.count / n, data: r.x), labels: r.y, classes: r.classes)
        let forget = d.rows(Array(0..<r.forget)), retain = d.rows(Array(r.forget..<n))
        XCTAssertEqual(r.cases.map(\.method), ["scrub", "scrub", "neggrad_plus"])
        for c in r.cases {
            var o = TrainingOptions()
            (o.epochs, o.batchSize) = (1, 100)
            let net = try NeuralNetwork.mlp(hidden: r.hidden, options: o)
            try net.fit(d)
            try net.setParameterValues(c.initial)
            var worst = 0.0
            for (e, expected) in c.epochs.enumerated() {
                let u = try method(c, epochs: e + 1).unlearn(net, forget: forget, retain: retain, seed: 1)
                let mine = try XCTUnwrap(u as? NeuralNetwork).parameterValues()
                XCTAssertEqual(mine.map(\.count), expected.map(\.count))
                for (a, b) in zip(mine.joined(), expected.joined()) {
                    let diff = Double(abs(a - b)), allowed = 5e-7 + 5e-6 * Double(abs(b))
                    worst = max(worst, diff / allowed)
                }
                XCTAssertLessThan(worst, 1, "\(c.method): epoch \(e + 1) differs from PyTorch")
            }
            XCTAssertEqual(net.parameterValues(), c.initial, "\(c.method) changed the original")
        }
    }
}
