import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `pl.binning`, `pl.round` and `pl.drop_identifying` from Lua: in pipelines and cross-validation
/// (refitted per fold), what they learnt, saving, and bad options.
final class CoarseningBindingTests: XCTestCase {
    func testCoarseningStepsInPipelinesFromLua() throws {
        let (rt, sink) = try makeRuntime()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("privlab-lua-coarsening-\(getpid()).plm").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try rt.exec("""
            local d = pl.data.wine{}
            local b = pl.binning{bins = 4, features = {1, 13}}:fit(d)
            local info = b:info()
            print(info.n_bins[1], info.n_bins[2], #info.edges[1], info.edges[2], b:transform(d):nfeatures(), tostring(b))
            local z = b:transform(d)
            local seen = {}
            for _, id in ipairs(z:ids()) do seen[z:record(id).features[1]] = true end
            print(seen[0], seen[1], seen[2], seen[3], seen[4])
            local r = pl.round{step = 10, features = {13}}:fit(d):transform(d)
            print(r:record(r:ids()[1]).features[13] % 10 == 0)
            local di = pl.drop_identifying{drop = 3, score = "entropy"}:fit(d):info()
            print(#di.kept, #di.dropped, #di.scores)
            for _, step in ipairs{pl.binning{bins = 5, strategy = "uniform"}, pl.round{step = 0.5}, pl.drop_identifying{drop = 2}} do
              local cv = pl.cross_validate{model = pl.pipeline{step, pl.scaler{}, pl.logistic{}}, data = d, folds = 3, seed = 1}
              print(cv.mean.accuracy > 0.8)
            end
            local m = pl.pipeline{pl.binning{bins = 6}, pl.drop_identifying{drop = 1}, pl.scaler{}, pl.logistic{}}
            m:fit(d)
            m:save("\(path)")
            print(pl.load("\(path)"):accuracy(d) == m:accuracy(d))
            """)
        assertPrinted(sink.text, "4\t0\t5\tfalse\t13\tBinning(4 quantile bins on 2 features)\ntrue\ttrue\ttrue\ttrue\tnil\ntrue\n10\t3\t13\ntrue\ntrue\ntrue\ntrue\n",
                      facts: ["feature 1 in 4 bins", "feature 2 passed through (no bins)", "5 edges for 4 bins", "a passed-through feature has no edges",
                              "binning keeps the feature count", "the binner's description",
                              "bin 0 used", "bin 1 used", "bin 2 used", "bin 3 used", "no bin 4",
                              "rounded to multiples of 10", "features kept", "features dropped", "a score per feature",
                              "binned pipeline cross-validates", "rounded pipeline cross-validates", "pipeline without identifying features cross-validates",
                              "a saved and loaded coarsening pipeline predicts the same"])
        assertLuaError(rt, "pl.binning{bins = 1}", ["binning", "bins"])
        assertLuaError(rt, "pl.binning{bins = 3, strategy = 'uniform', quantile_method = 'linear'}", ["quantile_method", "strategy"])
        assertLuaError(rt, "pl.binning{bins = 3, features = {20}}:fit(pl.data.wine{})", ["binning", "feature 20 does not exist", "13 features"])
        assertLuaError(rt, "pl.round{step = 0}", ["round", "step"])
        assertLuaError(rt, "pl.drop_identifying{drop = 13}:fit(pl.data.wine{})", ["drop_identifying", "would leave no feature"])
        assertLuaError(rt, "pl.drop_identifying{drop = 1, score = 'rarity'}", ["option 'score' must be one of"])
    }
}
