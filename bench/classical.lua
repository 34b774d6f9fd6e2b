-- PrivLab's side of the classical-pipeline comparison (issue 17): the seed article's two pipelines
-- (standardise → LDA; union(PCA 3, 6 best by ANOVA F) → logistic regression) and standardise →
-- logistic, 10-fold stratified cross-validation on the bundled breast-cancer, wine and digits data, folds from seed 7. Prints one JSON
-- line per (data, pipeline): the folds, the out-of-fold predictions, the mean accuracy, and the
-- median wall-clock seconds of `rounds` full cross-validations (both cores) and of `rounds` fits on
-- all the records. bench/classical_reference.py runs scikit-learn's identical pipelines on the same
-- folds; `python3 bench/run.py --classical` runs both and prints them side by side.
--   .build/release/privlab exec bench/classical.lua
local rounds = tonumber(os.getenv("PRIVLAB_BENCH_ROUNDS") or "5")
local function list(t) local s = {} for i, v in ipairs(t) do s[i] = tostring(v) end return "[" .. table.concat(s, ",") .. "]" end
local function median(t) table.sort(t) return t[(#t + 1) // 2] end
local pipelines = {
  lda = function() return pl.pipeline { pl.scaler { kind = "zscore" }, pl.lda {} } end,
  union = function() return pl.pipeline { pl.feature_union { pl.pca { components = 3 }, pl.select_k_best { k = 6 } }, pl.logistic {} } end,
  logistic = function() return pl.pipeline { pl.scaler { kind = "zscore" }, pl.logistic {} } end,
}
-- The digits have blank pixels, constant in every training part, where ANOVA F is undefined (PrivLab
-- refuses; scikit-learn warns and ranks them last), so the union runs on the other two sets.
for _, case in ipairs { { "breast_cancer", { "lda", "union", "logistic" } }, { "wine", { "lda", "union", "logistic" } },
                        { "digits", { "lda", "logistic" } } } do
  local name = case[1]
  local d = pl.data.load(name)
  for _, p in ipairs(case[2]) do
    local r, cv_times, fit_times = nil, {}, {}
    for i = 1, rounds do
      local t0 = pl.clock()
      r = pl.cross_validate { model = pipelines[p](), data = d, folds = 10, seed = 7 }
      cv_times[i] = pl.clock() - t0
      local m = pipelines[p]()
      t0 = pl.clock()
      m:fit(d)
      fit_times[i] = pl.clock() - t0
    end
    -- Accuracy over the records' out-of-fold predictions (as scikit-learn's side computes it).
    local labels, right = d:labels(), 0
    for i, p in ipairs(r.predictions) do if p == labels[i] then right = right + 1 end end
    print(string.format('{"data": %q, "pipeline": %q, "accuracy": %.6f, "cv_seconds": %.6f, "fit_seconds": %.6f, "fold": %s, "predictions": %s}',
      name, p, right / #labels, median(cv_times), median(fit_times), list(r.fold), list(r.predictions)))
  end
end
-- PCA components and the logistic optimum on the standardised breast-cancer data.
local z = pl.scaler {}:fit_transform(pl.data.breast_cancer {})
local pca = pl.pca { components = 5 }
pca:fit(z)
local rows = {}
for i, c in ipairs(pca:info().components) do rows[i] = list(c) end
print(string.format('{"pca_components": [%s]}', table.concat(rows, ",")))
