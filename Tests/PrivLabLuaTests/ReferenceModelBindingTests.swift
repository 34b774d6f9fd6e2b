import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `pl.attack.reference_models`, `pl.attack.rmia` and the evaluation's FPRs and intervals.
final class ReferenceModelBindingTests: XCTestCase {
    let setup = """
        local all = pl.data.blobs{n = 900, features = 30, classes = 4, std = 5, box = 3, seed = 21}
        local rest, members = all:split{test = 200, seed = 2}
        local attacker, nonmembers = rest:split{test = 200, seed = 3}
        local target = pl.mlp{hidden = {64}, optimizer = "adam", lr = 3e-3, epochs = 60, batch = 32, seed = 1}
        target:fit(members)
        local candidates = members:concat(nonmembers)
        local refs = pl.attack.reference_models{model = target, data = attacker, candidates = candidates, count = 4, seed = 5}

        """

    /// RMIA from Lua with the paper's preset, on shared models, gives the Swift attack's scores
    /// with the same options; LiRA on the shared models gives Swift LiRA's on the same models; the
    /// evaluation reports the asked FPRs and bootstrap intervals around its estimates.
    func testRMIAAndSharedModelsFromLua() throws {
        let (rt, sink) = try makeRuntime()
        let returned = try rt.exec(setup + """
            local rmia = pl.attack.rmia{target = target, reference_models = refs, references = 3, preset = "paper", gamma = 1.5}
            local lira = pl.attack.lira{target = target, reference_models = refs}
            local r = rmia:evaluate{members = members, nonmembers = nonmembers, fpr = {0.05, 0.2}, bootstrap = 50}
            print(tostring(refs), refs:count(), refs:pool_size())
            print(r.tpr_at_fpr[0.05] ~= nil, r.tpr_at_fpr[0.01] == nil, r.auc_ci[1] <= r.auc, r.auc <= r.auc_ci[2],
                  r.tpr_at_fpr_ci[0.2][1] <= r.tpr_at_fpr[0.2], r.confidence)
            print(rmia:threat()["reference models"], lira:name())
            return r.scores, lira:evaluate{members = members, nonmembers = nonmembers}.scores
            """)
        let lines = sink.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, sink.text)
        XCTAssertTrue(lines[0].hasPrefix("ReferenceModels(4 × mlp") && lines[0].hasSuffix("pool 900 incl. 400 candidates)\t4\t900"), lines[0])
        XCTAssertEqual(lines[1], "true\ttrue\ttrue\ttrue\ttrue\t0.95")
        XCTAssertEqual(lines[2], "3, each on a random half of its pool (shared)\tLiRA (online, per-example variance)")

        let all = try Synthetic.blobs(n: 900, features: 30, classes: 4, std: 5, box: 3, seed: 21)
        let (rest, members) = try all.split(.count(200), stratified: false, seed: 2)
        let (attacker, nonMembers) = try rest.split(.count(200), stratified: false, seed: 3)
        var o = TrainingOptions()
        (o.optimizer, o.learningRate, o.epochs, o.batchSize, o.seed) = (.adam, 3e-3, 60, 32, 1)
        let target = try NeuralNetwork.mlp(hidden: [64], options: o)
        try target.fit(members)
        let candidates = try members.concatenated(nonMembers)
        let refs = try ReferenceModels(template: target, pool: try ReferenceModels.onlinePool(attacker, candidates: candidates), count: 4, seed: 5, workers: 2)
        var rmia = RMIA.Options.paper
        (rmia.references, rmia.gamma) = (3, 1.5)
        var lira = LiRA.Options()
        lira.shadows = 4
        let want = [try rmia.fit(target: target, inputs: AttackInputs(data: attacker, references: refs)).evaluate(members: members, nonMembers: nonMembers).scores,
                    try lira.fit(target: target, inputs: AttackInputs(data: attacker, references: refs)).evaluate(members: members, nonMembers: nonMembers).scores]
        for (k, name) in ["RMIA", "LiRA"].enumerated() {
            guard case .table(let got) = returned[k] else { XCTFail("\(name): no scores"); continue }
            XCTAssertEqual(got.array.map(\.double), want[k].map { Optional($0) }, "\(name): Lua scores are the Swift attack's on the same models")
        }
    }

    /// Bad settings are errors that say what is wrong.
    func testBadSettingsAreClearErrors() throws {
        let (rt, _) = try makeRuntime()
        try rt.exec(setup + "_G.target, _G.refs, _G.members, _G.nonmembers, _G.attacker = target, refs, members, nonmembers, attacker")
        assertLuaError(rt, "pl.attack.rmia{target = target, reference_models = refs, margin = 1}", ["margin", "signal = \"taylor\""])
        assertLuaError(rt, "pl.attack.rmia{target = target, reference_models = refs, references = 5}", ["references = 5", "are 4"])
        assertLuaError(rt, "pl.attack.rmia{target = target, reference_models = refs, online = true, a = 0.3}", ["'a' applies offline only"])
        assertLuaError(rt, "pl.attack.rmia{target = target, reference_models = refs, a = 2}", ["a must lie in [0, 1]"])
        assertLuaError(rt, "pl.attack.rmia{target = target}", ["'data' is required"])
        assertLuaError(rt, "pl.attack.rmia{target = target, reference_models = attacker}", ["must be a ReferenceModels", "Dataset"])
        assertLuaError(rt, "pl.attack.lira{target = target, reference_models = refs, shadow_model = target}", ["shadow_model does not apply"])
        assertLuaError(rt, "pl.attack.metric{target = target, class_wise = true}", ["need data or reference_models"])
        assertLuaError(rt, """
            local offline = pl.attack.reference_models{model = target, data = attacker, count = 2}
            pl.attack.lira{target = target, reference_models = offline}:evaluate{members = members, nonmembers = nonmembers}
            """, ["every candidate must be in the reference models' pool"])
        assertLuaError(rt, "pl.attack.metric{target = target}:evaluate{members = members, nonmembers = nonmembers, fpr = {0.01, 1}}", ["fpr"])
        assertLuaError(rt, "pl.attack.metric{target = target}:evaluate{members = members, nonmembers = nonmembers, bootstrap = 5}", ["at least 10"])
        assertLuaError(rt, "pl.attack.metric{target = target}:evaluate{members = members, nonmembers = nonmembers, confidence = 0.9}", ["confidence", "bootstrap"])
    }
}
