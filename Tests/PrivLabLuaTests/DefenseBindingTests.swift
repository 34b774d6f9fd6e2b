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
                     "top-1 confidence = correctness", "the summary names the defence"]
        for (fact, v) in zip(facts, r) {
            if case .bool(let b) = v { XCTAssertTrue(b, fact) } else { XCTFail("\(fact): not a boolean") }
        }
        XCTAssertEqual(r.count, facts.count)
        assertLuaError(rt, "pl.defense.output{model = pl.mlp{}, top_k = 2, round = 3}", ["defense.output: give exactly one of top_k, round and label_only = true (got 2)"])
        assertLuaError(rt, "pl.defense.output{model = pl.mlp{}, round = 9}", ["defense.output: option 'round'"])
        assertLuaError(rt, "pl.defense.output{model = 3, label_only = true}", ["defense.output: option 'model' must be a Model"])
        assertLuaError(rt, "pl.defense.output{model = pl.mlp{}, topk = 2}", ["unknown option 'topk'"])
    }
}
