import Foundation
import PrivLab
import PrivLabLua
import XCTest

final class AttackBindingTests: XCTestCase {
    let setup = """
        local all = pl.data.blobs{n = 900, features = 30, classes = 4, std = 5, box = 3, seed = 21}
        local rest, members = all:split{test = 200, seed = 2}
        local attacker, nonmembers = rest:split{test = 200, seed = 3}
        local target = pl.mlp{hidden = {64}, optimizer = "adam", lr = 3e-3, epochs = 150, batch = 32, seed = 1}
        target:fit(members)

        """

    /// Every attack runs from Lua, and its scores are the Swift attack's, number for number, for
    /// the same records, target and seeds (the binding's documented defaults spelled out in
    /// Swift): catches an option the binding drops or renames (shadows, class_wise, the noisy
    /// source's fraction, train_size), a different seed, or scores returned in another order.
    func testEveryAttackFromLua() throws {
        let (rt, sink) = try makeRuntime()
        let returned = try rt.exec(setup + """
            local attacks = {
              loss = pl.attack.metric{target = target},
              mentropy = pl.attack.metric{target = target, score = "mentropy", data = attacker, class_wise = true, shadows = 2},
              shadow = pl.attack.shadow{target = target, data = attacker, shadows = 3, train_size = 200},
              noisy = pl.attack.shadow{target = target, data = attacker, shadows = 2, source = "noisy", noise = 0.2},
              lira = pl.attack.lira{target = target, data = attacker, shadows = 6},
              grad = pl.attack.gradient{target = target},
              custom = pl.attack.metric{target = target, score = function(p, y) return p[y + 1] end},
            }
            local scores = {}
            for name, a in pl.spairs(attacks) do
              local r = a:evaluate{members = members, nonmembers = nonmembers}
              scores[name] = r.scores
              print(name, r.auc > 0.6, r.tpr_at_fpr[0.01] ~= nil, #r.scores == 400, #r.roc_fpr == #r.roc_tpr,
                    r.accuracy_is_oracle, r.members, #r.notes >= 1)
            end
            local r = attacks.loss:evaluate{members = members, nonmembers = nonmembers}
            local c = attacks.custom:evaluate{members = members, nonmembers = nonmembers}
            print(math.abs(r.auc - c.auc) < 1e-12)
            local risk = attacks.mentropy:risk(members)
            print(#risk == 200, attacks.shadow:info().shadow_train_accuracy > attacks.shadow:info().shadow_test_accuracy)
            print(attacks.shadow:threat().architecture, attacks.loss:queries() > 0)
            pl.attack.roc_chart{ {name = "loss", result = r}, {name = "LiRA", result = attacks.lira:evaluate{members = members, nonmembers = nonmembers}},
                                 title = "ROC" }
            return scores
            """)
        let lines = sink.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 10, sink.text)
        XCTAssertEqual(lines[0], "custom\ttrue\ttrue\ttrue\ttrue\ttrue\t200\ttrue")
        XCTAssertEqual(lines[1], "grad\ttrue\ttrue\ttrue\ttrue\ttrue\t200\ttrue")
        XCTAssertEqual(lines[2], "lira\ttrue\ttrue\ttrue\ttrue\ttrue\t200\ttrue")
        XCTAssertEqual(lines[3], "loss\ttrue\ttrue\ttrue\ttrue\ttrue\t200\ttrue")
        XCTAssertEqual(lines[4], "mentropy\ttrue\ttrue\ttrue\ttrue\tfalse\t200\ttrue")
        XCTAssertEqual(lines[5], "noisy\ttrue\ttrue\ttrue\ttrue\tfalse\t200\ttrue")
        XCTAssertEqual(lines[6], "shadow\ttrue\ttrue\ttrue\ttrue\tfalse\t200\ttrue")
        XCTAssertEqual(lines[7], "true")
        XCTAssertEqual(lines[8], "true\ttrue")
        XCTAssertTrue(lines[9].hasPrefix("known"), lines[9])
        XCTAssertEqual(sink.figures.count, 1)
        XCTAssertTrue(sink.figures[0].svg.contains("LiRA"))

        // The same population, target and attacks in Swift.
        let all = try Synthetic.blobs(n: 900, features: 30, classes: 4, std: 5, box: 3, seed: 21)
        let (rest, members) = try all.split(.count(200), stratified: false, seed: 2)
        let (attacker, nonMembers) = try rest.split(.count(200), stratified: false, seed: 3)
        var o = TrainingOptions()
        o.optimizer = .adam
        o.learningRate = 3e-3
        o.epochs = 150
        o.batchSize = 32
        o.seed = 1
        let target = try NeuralNetwork.mlp(hidden: [64], options: o)
        try target.fit(members)
        var mentropy = MetricAttack.Options()
        mentropy.signal = .mentropy
        mentropy.classWise = true
        mentropy.shadows = 2
        var confidence = MetricAttack.Options()
        confidence.signal = .confidence  // what the inline function p[y + 1] computes
        var shadow = ShadowModelAttack.Options()
        shadow.shadows = 3
        var noisy = ShadowModelAttack.Options()
        noisy.shadows = 2
        noisy.source = .noisy(fraction: 0.2)
        var lira = LiRA.Options()
        lira.shadows = 6
        let swift: [String: MembershipAttack] = [
            "loss": try MetricAttack.Options().fit(target: target),
            "mentropy": try mentropy.fit(target: target, data: attacker),
            "shadow": try shadow.fit(target: target, inputs: AttackInputs(data: attacker, targetTrainingSize: 200)),
            "noisy": try noisy.fit(target: target, data: attacker),
            "lira": try lira.fit(target: target, data: attacker),
            "grad": try GradientAttack(target: target, signal: .gradnorm),
            "custom": try confidence.fit(target: target),
        ]
        guard case .table(let t) = returned.first else { return XCTFail("the script returns its scores") }
        XCTAssertEqual(Set(t.fields.keys), Set(swift.keys))
        for (name, attack) in swift {
            guard case .table(let luaScores) = t.fields[name] else { XCTFail("\(name): no scores"); continue }
            let expected = try attack.evaluate(members: members, nonMembers: nonMembers).scores
            XCTAssertEqual(luaScores.array.map(\.double), expected.map { Optional($0) }, "\(name): Lua scores are the Swift attack's")
        }
    }

    func testPluginAttackScoresAndSISATargets() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            pl.register("attack_score", "top_gap", function(p, y)
              local best, second = 0, 0
              for _, v in ipairs(p) do
                if v > best then best, second = v, best elseif v > second then second = v end
              end
              return best - second
            end)
            """.write(toFile: "\(dir)/top_gap.lua", atomically: true, encoding: .utf8)
        let (rt, sink) = try makeRuntime(plugins: [dir])
        let returned = try rt.exec(setup + """
            local a = pl.attack.metric{target = target, score = "top_gap", data = attacker}
            local r = a:evaluate{members = members, nonmembers = nonmembers}
            print(a:name(), r.auc > 0.55, r.accuracy_is_oracle)
            local scores, pm, pn = r.scores, target:predict_proba(members), target:predict_proba(nonmembers)
            -- A SISA ensemble is a model: attacks accept it as a target.
            local e = pl.sisa{shards = 4, model = pl.mlp{hidden = {64}, optimizer = "adam", lr = 3e-3, epochs = 150, batch = 32}, aggregate = "mean"}
            e:fit(members)
            local rs = pl.attack.metric{target = e}:evaluate{members = members, nonmembers = nonmembers}
            print(rs.auc > 0.5, rs.auc < r.auc + 0.3)
            return scores, pm, pn
            """)
        // The plugin's scores are the top-two gap of each record's released probabilities,
        // computed here by hand: members first, then non-members, as `evaluate` orders them.
        guard case .table(let scores) = returned[0], case .table(let pm) = returned[1], case .table(let pn) = returned[2] else { return XCTFail("scores and probabilities") }
        let rows: [[Double]] = (pm.array + pn.array).map { row in
            guard case .table(let r) = row else { return [] }
            return r.array.compactMap(\.double)
        }
        XCTAssertEqual(rows.count, 400)
        let gaps = rows.map { p -> Double in
            let sorted = p.sorted(by: >)
            return sorted[0] - sorted[1]
        }
        // The attack queries members and non-members in one product, predict_proba each set on
        // its own: the probabilities agree to Float rounding, not bit for bit.
        let got = scores.array.compactMap(\.double)
        XCTAssertEqual(got.count, 400)
        for (i, (a, b)) in zip(got, gaps).enumerated() { XCTAssertEqual(a, b, accuracy: 1e-6, "record \(i)") }
        assertPrinted(sink.text, "metric (top_gap)\ttrue\tfalse\ntrue\ttrue\n",
                      facts: ["the plugin signal's attack name", "the plugin signal separates members (AUC > 0.55)", "its threshold was calibrated, not the oracle's",
                              "a SISA ensemble is attacked (AUC > 0.5)", "and leaks less than a single over-fit model plus 0.3"])
    }

    func testQueryBudgetIsEnforced() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec(setup + """
            local a = pl.attack.metric{target = target, budget = 500}
            local r = a:evaluate{members = members, nonmembers = nonmembers}
            print(a:queries(), a:threat()["query budget"])
            print(pcall(a.evaluate, a, {members = members, nonmembers = nonmembers}))
            """)
        let lines = sink.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "400\t400 of 500 records queried")
        XCTAssertTrue(lines[1].hasPrefix("false\t") && lines[1].contains("query budget exhausted: 400 of 500"), lines[1])
    }

    func testAttackErrorsNameTheOption() throws {
        let (rt, _) = try makeRuntime()
        assertLuaError(rt, "pl.attack.shadow{data = pl.data.blobs{n = 10}}", ["attack.shadow: option 'target' is required"])
        assertLuaError(rt, "pl.attack.shadow{target = pl.data.blobs{n = 10}}", ["attack.shadow: option 'target' must be a fitted Model, got Dataset"])
        assertLuaError(rt, setup + "pl.attack.shadow{target = target}", ["option 'data'", "required"])
        assertLuaError(rt, setup + "pl.attack.shadow{target = target, data = attacker, noise = 0.1}", ["'noise' needs source = \"noisy\""])
        assertLuaError(rt, setup + "pl.attack.shadow{target = target, data = attacker, k_max = 3}", ["'k_max' needs source = \"synthesis\""])
        assertLuaError(rt, setup + "pl.attack.metric{target = target, score = 'nope'}", ["unknown attack_score 'nope'"])
        assertLuaError(rt, setup + "pl.attack.metric{target = target, class_wise = true}", ["calibrated on shadow models"])
        assertLuaError(rt, setup + "pl.attack.lira{target = target, data = attacker, shadows = 1}", ["attack.lira", "shadows"])
        assertLuaError(rt, setup + "pl.attack.metric{target = target}:evaluate{members = members}", ["option 'nonmembers' must be a Dataset"])
        assertLuaError(rt, setup + "pl.attack.metric{target = target}:evaluate{members = members, nonmembers = members}", ["both a member and a non-member"])
        assertLuaError(rt, setup + "pl.attack.metric{target = target, score = function() return 0/0 end}:evaluate{members = members, nonmembers = nonmembers}",
                       ["must return a number for every record"])
        assertLuaError(rt, setup + "pl.attack.metric{target = target}:risk(members)", ["risk scores need shadow models"])
        assertLuaError(rt, "pl.attack.roc_chart{titel = 'ROC'}", ["unknown option 'titel'"])
    }
}
