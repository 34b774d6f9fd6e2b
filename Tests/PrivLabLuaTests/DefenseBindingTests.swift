import Foundation
import PrivLab
import PrivLabLua
import XCTest

final class DefenseBindingTests: XCTestCase {
    /// `pl.defense.output` wraps any model: predictions unchanged, released probabilities defended,
    /// attacks query the defended release; one policy at a time, each bound checked.
    func testOutputDefenseFromLua() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local d = pl.data.blobs{n = 300, features = 10, classes = 3, std = 12, seed = 1}
            local train, test = d:split{test = 0.5, stratify = true, seed = 1}
            local m = pl.mlp{hidden = {32}, epochs = 40, lr = 0.1, seed = 1}
            m:fit(train)
            local lo = pl.defense.output{model = m, label_only = true}
            local top = pl.defense.output{model = m, top_k = 1}
            local p = lo:predict_proba(test)
            local same = true
            local mp, lp = m:predict(test), lo:predict(test)
            for i = 1, #mp do same = same and mp[i] == lp[i] end
            local onehot = true
            for i = 1, #p do local s = 0; for j = 1, #p[i] do s = s + p[i][j]; onehot = onehot and (p[i][j] == 0 or p[i][j] == 1) end; onehot = onehot and s == 1 end
            local a1 = pl.attack.metric{target = lo, score = "confidence"}:evaluate{members = train, nonmembers = test}.auc
            local a2 = pl.attack.metric{target = m, score = "correctness"}:evaluate{members = train, nonmembers = test}.auc
            local a3 = pl.attack.metric{target = top, score = "confidence"}:evaluate{members = train, nonmembers = test}.auc
            return same, onehot, a1 == a2, a3 == a2, tostring(lo):find("label only") ~= nil
            """)
        let facts = ["predictions unchanged", "label-only releases one-hot vectors", "label-only confidence = correctness",
                     "top-1 confidence = correctness", "the summary names the defense"]
        for (fact, v) in zip(facts, r) {
            if case .bool(let b) = v { XCTAssertTrue(b, fact) } else { XCTFail("\(fact): not a boolean") }
        }
        XCTAssertEqual(r.count, facts.count)
        assertLuaError(rt, "pl.defense.output{model = pl.mlp{}, top_k = 2, round = 3}", ["defense.output: give exactly one of top_k, round, temperature and label_only = true (got 2)"])
        assertLuaError(rt, "pl.defense.output{model = pl.mlp{}, round = 9}", ["defense.output: option 'round'"])
        assertLuaError(rt, "pl.defense.output{model = 3, label_only = true}", ["defense.output: option 'model' must be a Model"])
        assertLuaError(rt, "pl.defense.output{model = pl.mlp{}, topk = 2}", ["unknown option 'topk'"])
    }

    /// The training-time defenses from Lua: each builds a Model that fits, predicts, is attacked
    /// like any other and reports what it did; their options are checked by name.
    func testTrainingTimeDefensesFromLua() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local d = pl.data.blobs{n = 600, features = 10, classes = 3, std = 8, seed = 2}
            local private, rest = d:split{test = 0.5, seed = 1}
            local public, test = rest:split{test = 0.5, seed = 2}
            local net = pl.mlp{hidden = {32}, epochs = 30, lr = 0.05, seed = 1}
            local pate = pl.defense.pate{teacher = net, public = public, teachers = 5, aggregator = "gnmax", sigma = 1, queries = 100, seed = 3}
            pate:fit(private)
            local pr = pate:defense_report()
            local dmp = pl.defense.dmp{teacher = net, reference = public, temperature = 2, keep = 0.5}
            dmp:fit(private)
            local selena = pl.defense.selena{model = net, models = 4, excluded = 2}
            selena:fit(private)
            local pase = pl.defense.pase{model = net, models = 3}
            pase:fit(private)
            local auc = pl.attack.metric{target = pase}:evaluate{members = private, nonmembers = test}.auc
            return pr.defense, pr.teachers, pr.answered, pr.epsilon > pr.epsilon_data_dependent, pr.epsilon_data_dependent > 0,
                   dmp:defense_report().kept, selena:defense_report().excluded, pase:defense_report().answering,
                   pase:accuracy(test) > 0.5, auc > 0.3 and auc < 0.7, net:defense_report() == nil
            """)
        XCTAssertEqual(r[0].scalar, "pate")
        XCTAssertEqual(r[1].scalar, AnyHashable(Int64(5)))
        XCTAssertEqual(r[2].scalar, AnyHashable(Int64(100)), "GNMax answers every query")
        XCTAssertEqual(r[3].scalar, true, "the data-dependent bound is the smaller")
        XCTAssertEqual(r[4].scalar, true)
        XCTAssertEqual(r[5].scalar, AnyHashable(Int64(75)), "half of 150 reference records")
        XCTAssertEqual(r[6].scalar, AnyHashable(Int64(2)))
        XCTAssertEqual(r[7].scalar, AnyHashable(Int64(2)))
        XCTAssertEqual(r[8].scalar, true)
        XCTAssertEqual(r[9].scalar, true)
        XCTAssertEqual(r[10].scalar, true)

        let setup = "local d = pl.data.blobs{n = 100, features = 4, classes = 2, seed = 1}; local a, b = d:split{test = 0.5, seed = 1}; "
        assertLuaError(rt, setup + "pl.defense.dmp{teacher = pl.mlp{epochs = 2}, reference = a}:fit(a)",
                       ["dmp: option 'reference' shares 50 records with the private set"])
        assertLuaError(rt, setup + "pl.defense.dmp{teacher = pl.mlp{}, reference = 3}", ["defense.dmp: option 'reference' must be a Dataset"])
        assertLuaError(rt, setup + "pl.defense.dmp{teacher = pl.mlp{}, reference = b, temprature = 2}", ["unknown option 'temprature'"])
        assertLuaError(rt, setup + "pl.defense.pate{teacher = pl.mlp{}, public = b, aggregator = \"gnmax\", threshold = 3}",
                       ["defense.pate: option 'threshold' needs aggregator = \"confident\""])
        assertLuaError(rt, setup + "pl.defense.pate{teacher = pl.mlp{}, public = b, epsilon = 0.5}",
                       ["defense.pate", "more than epsilon = 0.5", "at most"])
        assertLuaError(rt, setup + "pl.defense.pate{teacher = pl.mlp{}, public = b, queries = 51}", ["defense.pate: option 'queries' must be at most 50"])
        assertLuaError(rt, setup + "pl.defense.selena{model = pl.mlp{}, models = 4, excluded = 4}", ["defense.selena: option 'excluded' must be at most 3"])
        // SELENA distilling from a Split-AI fitted beforehand: the same released model as one that trains its own.
        let reused = try rt.exec(setup + """
            local net = pl.mlp{hidden = {8}, epochs = 3, seed = 1}
            local s = pl.defense.split_ai{model = net, models = 4, excluded = 2, seed = 3}
            s:fit(a)
            local r = pl.defense.selena{split_ai = s}
            r:fit(a)
            local own = pl.defense.selena{model = net, models = 4, excluded = 2, seed = 3}
            own:fit(a)
            return r:predict_proba(b)[7][2] == own:predict_proba(b)[7][2], r:defense_report().excluded
            """)
        XCTAssertEqual(reused[0].scalar, true)
        XCTAssertEqual(reused[1].scalar, AnyHashable(Int64(2)))
        assertLuaError(rt, setup + "local s = pl.defense.split_ai{model = pl.mlp{epochs = 1}, models = 4, excluded = 2}; s:fit(a); pl.defense.selena{split_ai = s, models = 5}",
                       ["defense.selena: option 'models' comes from the split_ai given"])
        assertLuaError(rt, setup + "local s = pl.defense.split_ai{model = pl.mlp{epochs = 1}, models = 4, excluded = 2}; s:fit(a); pl.defense.selena{split_ai = s}:fit(b)",
                       ["selena: record 1 of the training set is not one the given split_ai was fitted on"])
        assertLuaError(rt, setup + "pl.defense.selena{models = 4}", ["defense.selena: option 'model' is required (or give a fitted split_ai)"])
        assertLuaError(rt, setup + "pl.defense.selena{split_ai = pl.mlp{}}", ["defense.selena: option 'split_ai' must be a pl.defense.split_ai, got mlp"])
        // The defense's name once: the function's, not the function's and then the engine's.
        for (code, expected) in [("pl.defense.selena{split_ai = pl.defense.split_ai{model = pl.mlp{}, models = 3, excluded = 1}}",
                                  "defense.selena: the split_ai given must be fitted first"),
                                 ("pl.defense.pate{teacher = pl.mlp{}, public = b, epsilon = 0.5}", "defense.pate: 50 queries cost")] {
            assertLuaError(rt, setup + code, [expected])
            XCTAssertThrowsError(try rt.exec(setup + code)) { e in
                for doubled in ["selena: selena:", "pate: pate:"] { XCTAssertFalse("\(e)".contains(doubled), "\(e)") }
            }
        }
        // A Split-AI saved and loaded can still be distilled into SELENA (the same student).
        let path = NSTemporaryDirectory() + "/split-\(UUID().uuidString).plm"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let loaded = try rt.exec(setup + """
            local s = pl.defense.split_ai{model = pl.mlp{hidden = {4}, epochs = 2}, models = 3, excluded = 1, seed = 2}
            s:fit(a)
            s:save("\(path)")
            local l = pl.load("\(path)")
            local r, own = pl.defense.selena{split_ai = l}, pl.defense.selena{split_ai = s}
            r:fit(a); own:fit(a)
            return r:predict_proba(b)[3][2] == own:predict_proba(b)[3][2]
            """)
        XCTAssertEqual(loaded[0].scalar, true)
        assertLuaError(rt, setup + "pl.defense.dmp{teacher = pl.mlp{epochs = 2}, student = pl.defense.pase{model = pl.mlp{}}, reference = b}:fit(a)",
                       ["cannot be trained on soft labels"])
    }

    /// Adversarial regularisation, MemGuard, the temperature output defense and the label-only
    /// attack from Lua; MemGuard keeps labels, so the label-only attack scores it as the plain model.
    func testRegularisationMemGuardAndLabelOnlyFromLua() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local d = pl.data.blobs{n = 600, features = 10, classes = 3, std = 8, seed = 2}
            local private, rest = d:split{test = 0.5, seed = 1}
            local reference, test = rest:split{test = 0.5, seed = 2}
            local net = pl.mlp{hidden = {32}, epochs = 30, lr = 0.05, seed = 1}
            local adv = pl.defense.adversarial{model = net, reference = reference, lambda = 2, steps = 2}
            adv:fit(private)
            local plain = pl.mlp{hidden = {32}, epochs = 30, lr = 0.05, seed = 1}
            plain:fit(private)
            local mg = pl.defense.memguard{model = pl.mlp{hidden = {32}, epochs = 30, lr = 0.05, seed = 1}, reference = reference, budget = 0.5}
            mg:fit(private)
            local hot = pl.defense.output{model = plain, temperature = 4}
            local lo = function(t) return pl.attack.label_only{target = t, noise = 2, queries = 5}:evaluate{members = private, nonmembers = test}.auc end
            local p1, p2 = plain:predict_proba(test)[1], hot:predict_proba(test)[1]
            return adv:defense_report().lambda, adv:defense_report().attack_gain < 0, mg:defense_report().budget,
                   lo(mg) == lo(plain), math.max(table.unpack(p2)) < math.max(table.unpack(p1))
            """)
        XCTAssertEqual(r[0].scalar, AnyHashable(2.0))
        XCTAssertEqual(r[1].scalar, true)
        XCTAssertEqual(r[2].scalar, AnyHashable(0.5))
        XCTAssertEqual(r[3].scalar, true, "MemGuard keeps every label")
        XCTAssertEqual(r[4].scalar, true, "temperature 4 flattens the released vector")
        let setup = "local d = pl.data.blobs{n = 100, features = 4, classes = 2, seed = 1}; local a, b = d:split{test = 0.5, seed = 1}; local m = pl.mlp{epochs = 2}; m:fit(a); "
        assertLuaError(rt, setup + "pl.attack.label_only{target = m, noise = 1, translate = 1}", ["attack.label_only: give noise or translate, not both"])
        assertLuaError(rt, setup + "pl.attack.label_only{target = m, data = b}", ["attack.label_only: option 'data' does not apply"])
        assertLuaError(rt, setup + "pl.attack.label_only{target = m, translate = 1}:scores(a)", ["translate needs image data"])
        assertLuaError(rt, setup + "pl.defense.adversarial{model = m, reference = a}:fit(a)", ["option 'reference' shares 50 records"])
        // A warm-up as long as the training would hand back a plainly trained model as "regularised".
        assertLuaError(rt, setup + "pl.defense.adversarial{model = m, reference = b, warmup = 2}:fit(a)",
                       ["warmup (2 epochs) must be shorter than the classifier's training (2 epochs)"])
        assertLuaError(rt, setup + "pl.defense.memguard{model = m, reference = b, budget = -1}", ["defense.memguard: option 'budget' must be at least 0"])
        assertLuaError(rt, setup + "pl.defense.output{model = m, temperature = 0}", ["defense.output: option 'temperature' must be greater than 0"])
    }
}
