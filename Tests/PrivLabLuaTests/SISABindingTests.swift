import Foundation
import PrivLab
import PrivLabLua
import XCTest

final class SISABindingTests: XCTestCase {
    let setup = """
        local d = pl.data.blobs{n = 400, features = 6, classes = 3, std = 2, seed = 4}
        local train, test = d:split{test = 0.25, stratify = true, seed = 1}
        local function ens(agg, extra)
          local o = {shards = 3, slices = 2, model = pl.mlp{hidden = {8}, epochs = 4, seed = 2}, aggregate = agg, seed = 7}
          for k, v in pairs(extra or {}) do o[k] = v end
          return pl.sisa(o)
        end

        """

    func testUnlearningFromLuaIsExactAndReportsCosts() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec(setup + """
            for _, agg in ipairs{"vote", "mean", "stack"} do
              local e = ens(agg)
              e:fit(train)
              local id = train:ids()[10]
              local r = e:unlearn(id, {compare = true})
              local fresh = ens(agg)
              fresh:fit(train:without{id})
              print(agg, e:fingerprint() == fresh:fingerprint(), r.exact, #r.shards_touched, r.removed,
                    r.samples_retrained < r.full_ensemble.samples, r.monolithic.estimated, e:accuracy(test) > 0.6)
              local r2 = e:unlearn({train:ids()[1], train:ids()[2]})
              print(r2.removed, #e:removed(), e:info().removed, e:shard_of(id) == nil)
            end
            local e = ens("vote")
            e:fit(train)
            local i = e:info()
            print(#i.sizes, i.slices, i.stage_epochs, i.live == train:size(), i.fit.slices_retrained)
            local c = e:expected_cost{requests = 1}
            print(c.full == 4 * train:size(), c.speedup > 1)
            print(tostring(e):match("^SISA%(") ~= nil, e:parameters() > 0, #e:predict(test) == test:size())
            """)
        let lines = sink.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "vote\ttrue\ttrue\t1\t1\ttrue\tfalse\ttrue")
        XCTAssertEqual(lines[1], "2\t3\t3\ttrue")
        XCTAssertEqual(lines[2], "mean\ttrue\ttrue\t1\t1\ttrue\tfalse\ttrue")
        XCTAssertEqual(lines[4].hasPrefix("stack\ttrue\ttrue\t"), true, lines[4])
        XCTAssertEqual(lines[6], "3\t2\t2.6666666666667\ttrue\t6")
        XCTAssertEqual(lines[7], "true\ttrue")
        XCTAssertEqual(lines[8], "true\ttrue\ttrue")
    }

    func testCustomAggregatorsFromFunctionsAndPlugins() throws {
        let dir = try temporaryDirectory()
        try """
            -- The constituent whose shard is largest decides (a deliberately odd rule).
            pl.register("aggregator", "first_shard", function(outputs, weights)
              local first
              for s = 1, #outputs do if outputs[s] then first = outputs[s]; break end end
              return first
            end)
            """.write(toFile: "\(dir)/first_shard.lua", atomically: true, encoding: .utf8)
        let (rt, sink) = try makeRuntime(plugins: [dir])
        try rt.exec(setup + """
            local labels = ens(function(outputs, weights)
              local out = {}
              for i = 1, #outputs[1] do
                local best, bk = -1, 0
                for k = 1, #outputs[1][i] do
                  local s = 0
                  for j = 1, #outputs do if outputs[j] then s = s + weights[j] * outputs[j][i][k] end end
                  if s > best then best, bk = s, k - 1 end
                end
                out[i] = bk
              end
              return out
            end)
            labels:fit(train)
            local mean = ens("mean")
            mean:fit(train)
            local a, b = labels:predict(test), mean:predict(test)
            local same = 0
            for i = 1, #a do if a[i] == b[i] then same = same + 1 end end
            print(same == #a)
            local p = ens("first_shard")
            p:fit(train)
            print(p:accuracy(test) > 0.5)
            local bad = ens(function() return {1, 2} end)
            bad:fit(train)
            print(pcall(bad.predict, bad, test))
            """)
        let lines = sink.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "true")
        XCTAssertEqual(lines[1], "true")
        XCTAssertTrue(lines[2].hasPrefix("false\t") && lines[2].contains("must return a list of 100"), lines[2])
    }

    func testPersistentEnsembleFromLua() throws {
        let dir = try temporaryDirectory()
        let (rt, sink) = try makeRuntime()
        try rt.exec(setup + """
            local e = ens("vote", {dir = "\(dir)/ens"})
            e:fit(train)
            e:unlearn{train:ids()[3]}
            local again = ens("vote", {dir = "\(dir)/ens"})
            again:fit(train)
            print(again:fingerprint() == e:fingerprint(), again:info().fit.slices_retrained, #again:removed())
            """)
        assertPrinted(sink.text, "true\t0\t1\n",
                      facts: ["the reopened ensemble is the unlearned one", "slices retrained on reopening", "removed records remembered"])
    }

    func testBadOptionsAndRequestsAreClearErrors() throws {
        let (rt, _) = try makeRuntime()
        assertLuaError(rt, "pl.sisa{shards = 3}", ["sisa: option 'model' must be a Model"])
        assertLuaError(rt, "pl.sisa{model = pl.softmax{}, shard = 3}", ["sisa", "shard"])
        assertLuaError(rt, "pl.sisa{model = pl.softmax{}, aggregate = 'median'}", ["unknown aggregator 'median'"])
        assertLuaError(rt, "pl.sisa{model = pl.softmax{}, sharding = 'aware'}", ["needs weights"])
        assertLuaError(rt, "pl.sisa{model = pl.softmax{}, weights = {0.5}}", ["sisa: option 'weights' needs sharding = \"aware\""])
        assertLuaError(rt, "pl.sisa{model = pl.softmax{}, stack_holdout = 0.2}", ["stack_holdout' needs aggregate = \"stack\""])
        assertLuaError(rt, "pl.sisa{model = pl.softmax{dp = {noise = 1}}, slices = 2}", ["dp constituents need slices = 1"])
        assertLuaError(rt, setup + "local e = ens('vote'); e:unlearn{1}", ["not fitted"])
        assertLuaError(rt, setup + "local e = ens('vote'); e:fit(train); e:unlearn{999999}", ["script.lua:", "no record with id 999999"])
        assertLuaError(rt, setup + "local e = ens(function(p, w) return p[1] end); e:fit(train); e:save('x.plm')",
                       ["script.lua:", "aggregated by 'custom' (a Lua function) cannot be saved"])
    }

    /// `pl.save`/`e:save` write the whole ensemble, checkpoints included; `pl.load` gives back a
    /// SISA object that predicts the same and still unlearns exactly. A training-time defense
    /// (DMP) is a constituent like any model.
    func testSavedEnsemblesLoadAndStillUnlearnFromLua() throws {
        let (rt, sink) = try makeRuntime()
        let dir = try temporaryDirectory()
        try rt.exec(setup + """
            local e = ens("mean")
            e:fit(train)
            e:unlearn(train:ids()[4])
            e:save("\(dir)/sisa.plm")
            local l = pl.load("\(dir)/sisa.plm")
            local same = true
            local a, b = e:predict_proba(test), l:predict_proba(test)
            for i = 1, #a do for j = 1, 3 do same = same and a[i][j] == b[i][j] end end
            print(tostring(l):match("^SISA%(") ~= nil, same, l:fingerprint() == e:fingerprint(), #l:removed(), l:info().dir == nil)
            l:unlearn(train:ids()[9])
            local fresh = ens("mean")
            fresh:fit(train:without{train:ids()[4], train:ids()[9]})
            print(l:fingerprint() == fresh:fingerprint())
            local reference, rest = test:split{test = 0.5, seed = 3}
            local dmp = pl.sisa{shards = 2, model = pl.defense.dmp{teacher = pl.mlp{hidden = {8}, epochs = 3, seed = 2}, reference = reference,
                                                                   temperature = 2}, seed = 5}
            dmp:fit(train)
            dmp:unlearn(train:ids()[1])
            local fresh2 = pl.sisa{shards = 2, model = pl.defense.dmp{teacher = pl.mlp{hidden = {8}, epochs = 3, seed = 2}, reference = reference,
                                                                      temperature = 2}, seed = 5}
            fresh2:fit(train:without{train:ids()[1]})
            dmp:save("\(dir)/dmp.plm")
            print(dmp:fingerprint() == fresh2:fingerprint(), pl.load("\(dir)/dmp.plm"):fingerprint() == dmp:fingerprint(), #dmp:predict(rest) == rest:size())
            """)
        XCTAssertEqual(sink.text, "true\ttrue\ttrue\t1\ttrue\ntrue\ntrue\ttrue\ttrue\n")
    }
}
