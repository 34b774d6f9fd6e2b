import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `pl.logistic`, `pl.lda`, `pl.gaussian_nb`, `pl.knn`, the transformers and model selection from Lua.
final class ClassicalBindingTests: XCTestCase {
    /// The seed article's two pipelines cross-validate from Lua; the same seed gives the same folds
    /// and scores, the results are plain tables.
    func testPipelinesCrossValidateFromLua() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.wine{}
            local function cv(seed)
              return pl.cross_validate{model = pl.pipeline{pl.scaler{}, pl.lda{}}, data = d, folds = 5, seed = seed,
                                       metrics = {"accuracy", "log_loss", "f1_macro"}}
            end
            local a, b = cv(1), cv(1)
            print(#a.scores.accuracy, #a.fold, a.mean.accuracy == b.mean.accuracy, a.mean.accuracy > 0.9, a.mean.log_loss < 0.5)
            local union = pl.pipeline{pl.feature_union{pl.pca{components = 3}, pl.select_k_best{k = 6}}, pl.logistic{C = 10}}
            local r = pl.cross_validate{model = union, data = d, folds = 5, seed = 2}
            print(r.mean.accuracy > 0.85, r.std.accuracy >= 0)
            for _, m in ipairs{pl.gaussian_nb{}, pl.knn{k = 3, weights = "distance"}, pl.logistic{solver = "newton", penalty = "none", C = 1},
                               pl.lda{solver = "lsqr", shrinkage = "auto"}, pl.lda{solver = "lsqr", shrinkage = 0.2}} do
              print(pl.cross_validate{model = pl.pipeline{pl.scaler{}, m}, data = d, folds = 3, seed = 3}.mean.accuracy > 0.85)
            end
            local g = pl.grid_search{model = pl.logistic, grid = {C = {0.001, 1}}, options = {max_iter = 500}, data = d, folds = 3, seed = 1}
            print(g.best.C, #g.results, g.best_index)
            """)
        assertPrinted(sink.text, "5\t178\ttrue\ttrue\ttrue\ntrue\ttrue\n" + String(repeating: "true\n", count: 5) + "1\t2\t2\n",
                      facts: ["folds scored", "records with an out-of-fold fold", "the same seed gives the same mean", "LDA accuracy > 0.9", "LDA log loss < 0.5",
                              "feature union → logistic accuracy > 0.85", "a standard deviation is reported",
                              "Gaussian NB accuracy > 0.85", "distance-weighted 3-NN accuracy > 0.85", "unpenalised Newton logistic accuracy > 0.85",
                              "LDA with Ledoit–Wolf shrinkage accuracy > 0.85", "LDA with shrinkage 0.2 accuracy > 0.85",
                              "grid search's best C", "grid points tried", "index of the best"])
    }

    /// Transformers on their own: fit, transform, what they learnt; a fitted model saves and loads.
    func testTransformersAndSaving() throws {
        let (rt, sink) = try makeRuntime()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("privlab-lua-classical-\(getpid()).plm").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try rt.exec("""
            local d = pl.data.wine{}
            local p = pl.pca{components = 2}
            local z = p:fit_transform(d)
            local info = p:info()
            print(z:size(), z:nfeatures(), #info.components, #info.components[1], info.explained_variance_ratio[1] > info.explained_variance_ratio[2])
            local s = pl.select_k_best{k = 4, score = "chi2"}:fit(d)
            print(#s:info().selected, s:transform(d):nfeatures(), tostring(s))
            local dp = pl.pca{components = 2, dp = {epsilon = 1, delta = 1e-5, clip = 1}, seed = 4}
            print(dp:fit_transform(pl.scaler{kind = "minmax"}:fit_transform(d)):nfeatures())
            local m = pl.pipeline{pl.scaler{}, pl.pca{components = 5}, pl.logistic{}}
            m:fit(d)
            m:save("\(path)")
            local back = pl.load("\(path)")
            print(back:accuracy(d) == m:accuracy(d))
            """)
        assertPrinted(sink.text, "178\t2\t2\t13\ttrue\n4\t4\tSelectKBest(k=4, chi2)\n2\ntrue\n",
                      facts: ["PCA keeps every record", "PCA output features", "components kept", "each component's length (features)",
                              "explained variance ratios decrease", "features selected", "features after selection", "the selector's description",
                              "DP PCA output features", "a saved and loaded pipeline predicts the same"])
    }

    /// A private logistic regression reports its mechanism and ε; the seed decides the noise.
    func testPrivateLogisticRegressionFromLua() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.scaler{}:fit_transform(pl.data.breast_cancer{})
            local function fit(seed) local m = pl.logistic{dp = {epsilon = 1, clip = 3}, seed = seed}; m:fit(d); return m end
            local a, b, c = fit(1), fit(1), fit(2)
            local p = a:privacy()
            print(p.mechanism, p.epsilon, p.delta, p.sampling, a:accuracy(d) == b:accuracy(d), pl.logistic{}:privacy())
            print(a:predict_proba(d)[1][1] ~= c:predict_proba(d)[1][1])
            """)
        assertPrinted(sink.text, "output_perturbation\t1.0\t0.0\tnil\ttrue\tnil\ntrue\n",
                      facts: ["the mechanism", "ε", "δ (pure ε-DP)", "no sampling (not DP-SGD)", "the same seed gives the same model",
                              "a non-private model has no privacy report", "another seed gives other noise"])
        assertLuaError(rt, "pl.logistic{dp = {epsilon = 1}, penalty = 'none'}", ["dp needs penalty = \"l2\""])
        assertLuaError(rt, "pl.logistic{dp = {eps = 1}}", ["logistic: unknown option 'dp.eps' — did you mean 'dp.epsilon'?"])
    }

    /// A transformer written in Lua works as a pipeline step — fitted inside each cross-validation
    /// fold (on the calling thread, whatever `workers` says), as a registered plugin — and its
    /// mistakes (and SISA, whose checkpoints are model files) are errors naming it.
    func testLuaFunctionsAsTransformers() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            -- Keep the k features with the largest variance in the training data (a Lua fit).
            local function top_variance(k)
              return pl.transformer{name = "top variance", fit = function(train)
                local n, d = train:size(), train:nfeatures()
                local mean, var = {}, {}
                for j = 1, d do mean[j], var[j] = 0, 0 end
                local rows = {}
                for i, id in ipairs(train:ids()) do rows[i] = train:record(id).features end
                for _, r in ipairs(rows) do for j = 1, d do mean[j] = mean[j] + r[j] / n end end
                for _, r in ipairs(rows) do for j = 1, d do var[j] = var[j] + (r[j] - mean[j]) ^ 2 end end
                local order = {}
                for j = 1, d do order[j] = j end
                table.sort(order, function(a, b) return var[a] > var[b] end)
                return function(ds)
                  local x = {}
                  for i, id in ipairs(ds:ids()) do
                    local f, out = ds:record(id).features, {}
                    for c = 1, k do out[c] = f[order[c]] end
                    x[i] = out
                  end
                  return pl.data.from_table{x = x, y = ds:labels(), classes = ds:nclasses()}
                end
              end}
            end
            local d = pl.data.wine{}
            local p = pl.pipeline{top_variance(4), pl.scaler{}, pl.logistic{}}
            local a = pl.cross_validate{model = p, data = d, folds = 4, seed = 1, workers = 2}
            local b = pl.cross_validate{model = p, data = d, folds = 4, seed = 1, workers = 1}
            print(a.mean.accuracy == b.mean.accuracy, a.mean.accuracy > 0.6)
            p:fit(d)
            print(#p:predict(d), p:accuracy(d) > 0.6)
            -- SISA keeps model files as checkpoints, which Lua code cannot be: a clear refusal.
            local ok, err = pcall(function() pl.sisa{shards = 2, slices = 1, model = p, seed = 1}:fit(d) end)
            print(not ok and err:find("cannot be saved in a model file", 1, true) ~= nil)
            pl.register("transformer", "negate", function(train)
              return function(ds)
                local x = {}
                for i, id in ipairs(ds:ids()) do local f = ds:record(id).features; for j = 1, #f do f[j] = -f[j] end; x[i] = f end
                return pl.data.from_table{x = x, y = ds:labels(), classes = ds:nclasses()}
              end
            end)
            local q = pl.pipeline{pl.transformer("negate"), pl.lda{}}
            q:fit(d)
            print(q:accuracy(d) > 0.9, tostring(pl.transformer("negate")))
            """)
        assertPrinted(sink.text, "true\ttrue\n178\ttrue\ntrue\ntrue\tLua transformer 'negate' (not fitted)\n",
                      facts: ["a Lua step gives the same CV on 1 and 2 workers", "CV accuracy with a Lua step > 0.6", "predictions for every record",
                              "accuracy after fitting > 0.6", "SISA refuses a Lua step with a clear reason", "a registered transformer plugin works in a pipeline",
                              "the plugin's description"])
        assertLuaError(rt, "pl.pipeline{pl.transformer{fit = function() return 1 end}, pl.lda{}}:fit(pl.data.wine{})",
                       ["pipeline step 1 (Lua transformer 'fit')", "fit must return the function that transforms a Dataset"])
        assertLuaError(rt, "pl.pipeline{pl.transformer{fit = function() return function(ds) return ds:head(3) end end}, pl.lda{}}:fit(pl.data.wine{})",
                       ["returned 3 records for 178"])
        // A path in a directory removed afterwards (os.tmpname() would create a file and leave it).
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        assertLuaError(rt, "local p = pl.pipeline{pl.transformer{fit = function() return function(ds) return ds end end}, pl.lda{}}; p:fit(pl.data.wine{}); p:save('\(dir)/model.plm')",
                       ["cannot be saved in a model file"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(dir)/model.plm"), "a refused save writes nothing")
        assertLuaError(rt, "pl.transformer{fit = function() error('oops') end}:fit(pl.data.wine{})", ["Lua transformer 'fit' failed in fit", "oops"])
    }

    /// Bad input is an error naming the function, the step and the option.
    func testBadInputNamesTheStepAndOption() throws {
        let (rt, _) = try makeRuntime()
        assertLuaError(rt, "pl.logistic{C = 0}", ["logistic: option 'C' must be greater than 0"])
        assertLuaError(rt, "pl.logistic{solver = 'sag'}", ["logistic: option 'solver' must be one of \"lbfgs\", \"newton\""])
        assertLuaError(rt, "pl.lda{shrinkage = 'auto'}", ["lda: shrinkage needs solver = \"lsqr\""])
        assertLuaError(rt, "pl.pipeline{pl.logistic{}, pl.scaler{}}", ["pipeline: step 1 must be a transformer", "a model can only be the last step"])
        assertLuaError(rt, "pl.pipeline{pl.scaler{}, pl.pca{components = 40}, pl.lda{}}:fit(pl.data.wine{})",
                       ["pipeline step 2 (PCA(40 components))", "components = 40 exceeds the 13 features"])
        assertLuaError(rt, "pl.cross_validate{model = pl.lda{}, data = pl.data.wine{}, folds = 100}", ["cross_validate:", "fewer than folds = 100"])
        assertLuaError(rt, "pl.cross_validate{model = pl.lda{}, data = pl.data.wine{}, metric = 'roc_auc'}", ["roc_auc needs a binary problem"])
        assertLuaError(rt, "pl.cross_validate{model = pl.lda{}, data = pl.data.wine{}, metric = 'accuracy', metrics = {'accuracy'}}", ["not both"])
        assertLuaError(rt, "pl.select_k_best{k = 2}:fit(pl.data.from_table{x = {{1, 2}, {1, 3}, {1, 4}, {1, 5}}, y = {0, 1, 0, 1}})", ["feature 1 is constant"])
        assertLuaError(rt, "pl.grid_search{model = pl.logistic, grid = {C = {}}, data = pl.data.wine{}}", ["grid entry 'C' must be a non-empty list"])
        assertLuaError(rt, "pl.grid_search{model = pl.logistic, grid = {lerning = {1}}, data = pl.data.wine{}, folds = 3}", ["logistic: unknown option 'lerning'"])
        assertLuaError(rt, "pl.knn{k = 0}", ["knn: option 'k' must be at least 1"])
    }
}
