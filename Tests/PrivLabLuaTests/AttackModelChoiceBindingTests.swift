import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `attack_model = "auto"` and the grey-box attacks from Lua: the result tables carry the choice
/// and the candidates' held-out AUCs; a given per_class or features fixes that axis of the search;
/// released_layers scores are the Swift attack's; bad options are errors naming the option.
final class AttackModelChoiceBindingTests: XCTestCase {
    let setup = """
        local all = pl.data.blobs{n = 900, features = 30, classes = 4, std = 5, box = 3, seed = 21}
        local rest, members = all:split{test = 200, seed = 2}
        local attacker, nonmembers = rest:split{test = 200, seed = 3}
        local target = pl.mlp{hidden = {64}, optimizer = "adam", lr = 3e-3, epochs = 60, batch = 32, seed = 1}
        target:fit(members)

        """

    func testAutoReportsItsChoiceAndCandidates() throws {
        let (rt, sink) = try makeRuntime()
        _ = try rt.exec(setup + """
            local a = pl.attack.shadow{target = target, data = attacker, shadows = 4, train_size = 200}
            local r = a:evaluate{members = members, nonmembers = nonmembers}
            local best, chosen = -1, nil
            for _, c in ipairs(r.attack_model_candidates) do
              if c.held_out_auc > best then best = c.held_out_auc end
              if c.chosen then chosen = c end
            end
            print(#r.attack_model_candidates, r.attack_model == chosen.candidate, chosen.held_out_auc == best, r.attack_model_chosen_by, r.attack_model_refit)
            print(a:info().attack_model == r.attack_model, a:info().attack_training_auc >= 0.5, a:threat()["attack model"]:find("held-out", 1, true) ~= nil)
            local pc = pl.attack.shadow{target = target, data = attacker, shadows = 4, train_size = 200, per_class = true, attack_refit = false}:info()
            local all_pc = true
            for _, c in ipairs(pc.attack_model_candidates) do all_pc = all_pc and c.per_class end
            print(#pc.attack_model_candidates, all_pc, pc.attack_model_refit)
            local lg = pl.attack.shadow{target = target, data = attacker, shadows = 2, features = "logits", attack_holdout = 0.5}:info()
            print(#lg.attack_model_candidates, lg.attack_model_candidates[1].features, lg.attack_model_chosen_by)
            local fixed = pl.attack.shadow{target = target, data = attacker, shadows = 2, attack_model = "boosting"}:info()
            print(fixed.attack_model, fixed.attack_model_chosen_by, #fixed.attack_model_candidates)
            """)
        let lines = sink.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, ["12\ttrue\ttrue\tvalidation: 1 of 4 shadows held out\ttrue", "true\ttrue\ttrue", "6\ttrue\tfalse",
                               "6\tlogits\tvalidation: 1 of 2 shadows held out", "boosting, global, log\tfixed\t0"], sink.text)
    }

    func testReleasedLayersFromLuaIsTheSwiftAttack() throws {
        let (rt, _) = try makeRuntime()
        let returned = try rt.exec(setup + """
            local a = pl.attack.released_layers{target = target, data = attacker, head_epochs = 20, seed = 3}
            return a:evaluate{members = members, nonmembers = nonmembers}.scores
            """)
        let all = try Synthetic.blobs(n: 900, features: 30, classes: 4, std: 5, box: 3, seed: 21)
        let (rest, members) = try all.split(.count(200), stratified: false, seed: 2)
        let (attacker, nonMembers) = try rest.split(.count(200), stratified: false, seed: 3)
        var o = TrainingOptions()
        o.optimizer = .adam
        o.learningRate = 3e-3
        o.epochs = 60
        o.batchSize = 32
        o.seed = 1
        let target = try NeuralNetwork.mlp(hidden: [64], options: o)
        try target.fit(members)
        var r = ReleasedLayersAttack.Options()
        r.headEpochs = 20
        r.seed = 3
        let expected = try r.fit(target: target, data: attacker).evaluate(members: members, nonMembers: nonMembers).scores
        guard case .table(let t) = returned.first else { return XCTFail("the script returns the scores") }
        XCTAssertEqual(t.array.map(\.double), expected.map { Optional($0) })
    }

    func testBadOptionsNameTheOption() throws {
        let (rt, _) = try makeRuntime()
        for (code, needle) in [
            ("pl.attack.shadow{target = target, data = attacker, attack_model = 'logistic', attack_holdout = 0.5}", "attack_holdout"),
            ("pl.attack.shadow{target = target, data = attacker, attack_holdout = 1}", "attack_holdout"),
            ("pl.attack.released_layers{target = target, data = attacker, layers = 3}", "released layers"),
            ("pl.attack.released_layers{target = pl.knn{k = 3}, data = attacker}", "target"),
            ("pl.attack.released_layers{target = target}", "data"),
        ] {
            XCTAssertThrowsError(try rt.exec(setup + code), code) { e in
                XCTAssertTrue("\(e)".contains(needle), "\(code): \(e)")
            }
        }
    }
}
