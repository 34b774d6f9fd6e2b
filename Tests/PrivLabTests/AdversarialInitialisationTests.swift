import Foundation
@testable import PrivLab
import XCTest

/// Why notebooks/reproductions/nasr2018.lua's inference model h never learns in the authors'
/// setting, at test scale: from the authors' start (every weight N(0, 0.01²), every bias 0) h's
/// membership logit stays below 1e-3 and its gain G at 2·ln ½ through the whole game; from
/// PyTorch's default start (`attack_init = "uniform"`), with nothing else changed, h learns: its
/// gain rises above 2·ln ½ (measured: by 0.03 at the 8th epoch).
/// scripts/nasr2018_torch.py measures the same in the authors' PyTorch schedule. The history
/// carries h's measurement for every epoch.
final class AdversarialInitialisationTests: XCTestCase {
    func history(_ start: InferenceInitialisation) throws -> [EpochRecord] {
        let all = try Synthetic.purchase(n: 600, features: 100, classes: 100, density: 0.1, signature: 0.05, seed: 4)
        let (reference, members) = try all.split(.count(200), stratified: false, seed: 1)
        var t = TrainingOptions()
        t.optimizer = .adam
        t.learningRate = 3e-3
        t.epochs = 8
        t.batchSize = 32
        t.seed = 2
        var o = AdversarialRegularizationOptions()
        // The authors' h (¼ width) and its learning rate 1e-4; a short game.
        o.attackWidth = 0.25
        o.lambda = 1
        o.innerSteps = 4
        o.attackBatch = 64
        o.attackInitialisation = start
        let adv = try AdversarialRegularization(model: try NeuralNetwork.mlp(hidden: [64], activation: .tanh, options: t), reference: reference, options: o)
        return try adv.fit(members, validation: nil, observer: TrainingObserver())
    }

    func testTheAuthorsStartLeavesHInertAndPyTorchsDoesNot() throws {
        let inert = try history(.normal), moving = try history(.uniform)
        XCTAssertEqual(inert.count, 8)
        for r in inert {
            let d = try XCTUnwrap(r.defense, "epoch \(r.epoch) carries h's measurement")
            XCTAssertLessThan(try XCTUnwrap(d["attack_logit"]), 1e-3, "epoch \(r.epoch): h's logit from the authors' start")
            XCTAssertEqual(try XCTUnwrap(d["attack_gain"]), 2 * log(0.5), accuracy: 1e-4)
        }
        XCTAssertNotNil(moving.first?.defense)
        // A constant answer c ≠ ½ scores below 2·ln ½: a gain above it is h telling members apart.
        XCTAssertGreaterThan(moving.compactMap { $0.defense?["attack_gain"] }.max() ?? -9, 2 * log(0.5) + 0.005, "h from PyTorch's default start learns")
    }
}
