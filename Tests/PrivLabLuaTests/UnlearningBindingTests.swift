import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `pl.unlearn.*` from Lua: every method returns a model that works like any other, evaluate
/// returns one row per method with the attack's evaluation table, bad input names the function.
final class UnlearningBindingTests: XCTestCase {
    let setup = """
        local d = pl.data.blobs{n = 240, features = 8, classes = 3, std = 4, seed = 4}
        local train, test = d:split{test = 0.25, seed = 1}
        local retain, forget = train:split{test = 10, seed = 2}
        local m = pl.mlp{hidden = {16}, epochs = 20, seed = 2}
        m:fit(train)

        """

    func testEveryMethodReturnsAModel() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec(setup + """
            for _, name in ipairs{"finetune", "gradient_ascent", "neggrad_plus", "random_labels", "scrub", "salun"} do
              local u = pl.unlearn[name]{model = m, forget = forget, retain = retain, epochs = 2, seed = 3}
              local a = pl.attack.metric{target = u, score = "loss"}
              local r = a:evaluate{members = forget, nonmembers = test}
              print(name, u ~= m, #u:predict(forget) == forget:size(), r.auc >= 0 and r.auc <= 1)
            end
            local g = pl.unlearn.gradient_ascent{model = m, forget = forget, epochs = 1}
            print("ga without retain", g:accuracy(forget) >= 0)
            """)
        for name in ["finetune", "gradient_ascent", "neggrad_plus", "random_labels", "scrub", "salun"] {
            XCTAssertTrue(sink.text.contains("\(name)\ttrue\ttrue\ttrue"), sink.text)
        }
        XCTAssertTrue(sink.text.contains("ga without retain\ttrue"))
    }

    func testEvaluateGivesOneRowPerMethod() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec(setup + """
            local r = pl.unlearn.evaluate{model = m, forget = forget, retain = retain, test = test, shadows = 2, workers = 1,
                                          methods = {"retrain", {method = "finetune", epochs = 1}, "original"}}
            print(r.clock, #r.rows, #r.never_seen)
            for _, row in ipairs(r.rows) do
              print(row.method, row.model:accuracy(forget) == row.forget_accuracy, row.ulira.auc == row.ulira_auc,
                    row.mia_efficacy >= 0 and row.mia_efficacy <= 1, row.seconds >= 0, row.ulira.members)
            end
            """)
        XCTAssertTrue(sink.text.contains("wall-clock\t3\t10"), sink.text)
        for name in ["retrain", "FT", "original"] { XCTAssertTrue(sink.text.contains("\(name)\ttrue\ttrue\ttrue\ttrue\t10"), sink.text) }
    }

    func testBadInputNamesTheFunction() throws {
        let (rt, _) = try makeRuntime()
        try rt.exec(setup)
        assertLuaError(rt, setup + "pl.unlearn.finetune{model = m, forget = forget, retain = retain, lerning_rate = 1}",
                       ["unlearn.finetune: unknown option 'lerning_rate'"])
        assertLuaError(rt, setup + "pl.unlearn.scrub{model = m, forget = forget:without(forget:ids()), retain = retain}",
                       ["unlearn.scrub: the forget set is empty"])
        assertLuaError(rt, setup + "pl.unlearn.salun{model = m, forget = forget, retain = retain, mask_ratio = 2}",
                       ["unlearn.salun: option 'mask_ratio' must be at most 1"])
        assertLuaError(rt, setup + "pl.unlearn.finetune{model = pl.logistic{}, forget = forget, retain = retain}",
                       ["unlearn.finetune: the model must be a neural network"])
        assertLuaError(rt, setup + "pl.unlearn.evaluate{model = m, forget = forget, retain = retain, test = test, methods = {'forget_harder'}}",
                       ["unlearn.evaluate: methods[1] 'forget_harder' is not one of"])
        assertLuaError(rt, setup + "pl.unlearn.evaluate{model = m, forget = forget, retain = retain, test = test, methods = {{method = 'scrub', alfa = 1}}}",
                       ["unlearn.evaluate methods[1]: unknown option 'alfa'"])
    }
}
