--[[md
# Assignment: feature selection inside the folds — the optimistic bias of a leaky pipeline

Every preparation step that looks at the labels — here, keeping the k features with the highest
ANOVA F score — must be fitted on the training part of each cross-validation fold only. Fitted
once on all the records, it has already seen every test fold, and cross-validation then scores
structure that is not there: on labels that are pure coin flips, a model on the 10 "best" of a
thousand random features cross-validates far above chance (Hastie, Tibshirani & Friedman, *The
Elements of Statistical Learning*, §7.10.2, "the wrong and the right way to do cross-validation";
Ambroise & McLachlan, PNAS 2002). You write the selection and both cross-validations, measure the
bias, and the checks compare you with the engine's `pl.pipeline{pl.select_k_best{…}, pl.logistic{}}`
under `pl.cross_validate`.

Conventions: `x` is a list of feature rows, `y` a list of 0-based labels, feature indices are
1-based. A data set is built with `pl.data.from_table{x = rows, y = labels, classes = K}`.
`pl.select_k_best` is switched off for you; everything else in `pl` is available.

Run the public checks with `privlab check pipelines.lua`.
]]
--@ forbid select_k_best

--@ question fscore 3 -- The ANOVA F score
--[[md
## 1. Univariate scores (3 points)

`f_scores(x, y)` returns, for every feature j, the one-way ANOVA F statistic of the feature's
values grouped by label: F = (B / (K − 1)) / (W / (n − K)), with K the number of labels present,
B = Σ_c n_c (mean_c − mean)² the between-class and W = Σ_i (x_ij − mean_{y_i})² the within-class
sum of squares (scikit-learn's `f_classif`).
]]
function f_scores(x, y)
  -- BEGIN SOLUTION
  local n, d = #x, #x[1]
  local count, classes = {}, 0
  for _, c in ipairs(y) do
    if not count[c] then count[c] = 0; classes = classes + 1 end
    count[c] = count[c] + 1
  end
  local out = {}
  for j = 1, d do
    local sum, total = {}, 0
    for i = 1, n do sum[y[i]] = (sum[y[i]] or 0) + x[i][j]; total = total + x[i][j] end
    local mean = total / n
    local between, within = 0, 0
    for c, nc in pairs(count) do between = between + nc * (sum[c] / nc - mean) ^ 2 end
    for i = 1, n do within = within + (x[i][j] - sum[y[i]] / count[y[i]]) ^ 2 end
    out[j] = (between / (classes - 1)) / (within / (n - classes))
  end
  return out
  -- END SOLUTION
end

--@ check fscore public 1 -- two classes, two features
local f = f_scores({ { 1, 5 }, { 2, 4 }, { 3, 5 }, { 4, 4 } }, { 0, 0, 1, 1 })
expect.near(f[1], 8, 1e-12, "feature 1: B = 4, W = 1")
expect.near(f[2], 0, 1e-12, "feature 2: equal class means")
--@ end

--@ check fscore hidden 2 -- against the engine's f_classif scores
local d = pl.data.blobs { n = 60 + grader.seed % 50, features = 7, classes = 2 + grader.seed % 3, std = 3, seed = grader.seed % 1021 + 1 }
local x, y = {}, d:labels()
for i, id in ipairs(d:ids()) do x[i] = d:record(id).features end
local got = expect.list_of_numbers(f_scores(x, y), 7, "f_scores")
local want = pl.select_k_best { k = 1 }:fit(d):info().scores
for j = 1, 7 do expect.near(got[j], want[j], 1e-9 * math.max(1, want[j]), "F of feature " .. j) end
--@ end

--@ question select 2 -- Keeping the k best
--[[md
## 2. Selecting columns (2 points)

`top_k(scores, k)` returns the sorted list of the indices of the k largest scores; on equal scores
the *later* feature wins (scikit-learn's rule: a stable ascending sort whose last k are kept).
`select_columns(x, cols)` returns new rows holding only the columns `cols`, in that order.
]]
function top_k(scores, k)
  -- BEGIN SOLUTION
  local order = {}
  for j = 1, #scores do order[j] = j end
  table.sort(order, function(a, b) if scores[a] ~= scores[b] then return scores[a] > scores[b] end return a > b end)
  local out = {}
  for i = 1, k do out[i] = order[i] end
  table.sort(out)
  return out
  -- END SOLUTION
end

function select_columns(x, cols)
  -- BEGIN SOLUTION
  local out = {}
  for i, row in ipairs(x) do
    out[i] = {}
    for c, j in ipairs(cols) do out[i][c] = row[j] end
  end
  return out
  -- END SOLUTION
end

--@ check select public 1 -- a tie, and two columns
expect.equal(top_k({ 3, 1, 3, 2 }, 1), { 3 }, "a tie goes to the later feature")
expect.equal(top_k({ 3, 1, 3, 2 }, 3), { 1, 3, 4 })
expect.equal(select_columns({ { 1, 2, 3 }, { 4, 5, 6 } }, { 3, 1 }), { { 3, 1 }, { 6, 4 } })
--@ end

--@ check select hidden 1 -- the engine's selection on data with duplicated features
local rng = pl.rng { seed = grader.seed }
local x, y = {}, {}
for i = 1, 80 do
  x[i] = {}
  for j = 1, 12 do x[i][j] = rng:normal() end
  y[i] = rng:int(2) - 1
  x[i][5] = x[i][5] + y[i]
  x[i][9], x[i][11] = x[i][5], x[i][5]     -- three copies of the informative feature: a three-way tie
end
local data = pl.data.from_table { x = x, y = y, classes = 2 }
local rows = {}
for i, id in ipairs(data:ids()) do rows[i] = data:record(id).features end
for _, k in ipairs { 1, 2, 4 } do
  expect.equal(top_k(f_scores(rows, y), k), pl.select_k_best { k = k }:fit(data):info().selected, "k = " .. k)
end
--@ end

--@ question cv 5 time=60 -- Cross-validation, the wrong way and the right way
--[[md
## 3. Selection inside or outside the folds (5 points)

`cv_accuracy(x, y, folds, k, inside)` cross-validates "the k best features, then `pl.logistic{}`".
`folds[i]` is the fold (1 … F) of record i. For each fold f in 1 … F, the training part is the
records of the other folds (in data order) and the held-out part those of fold f:

- `inside = true`: choose the k columns with `top_k(f_scores(…))` on the **training part only**;
- `inside = false`: choose them once, on **all** the records, before any fold.

Fit `pl.logistic{}` on the training part's chosen columns (`pl.data.from_table{…, classes = K}`
with K the number of classes in all of `y`, i.e. the largest label + 1) and take its accuracy on
the held-out part. Return the mean of the F fold accuracies.
]]
function cv_accuracy(x, y, folds, k, inside)
  -- BEGIN SOLUTION
  local K, F = 0, 0
  for i = 1, #y do K = math.max(K, y[i] + 1); F = math.max(F, folds[i]) end
  local outside_cols = (not inside) and top_k(f_scores(x, y), k) or nil
  local total = 0
  for f = 1, F do
    local tx, ty, hx, hy = {}, {}, {}, {}
    for i = 1, #x do
      if folds[i] == f then hx[#hx + 1], hy[#hy + 1] = x[i], y[i] else tx[#tx + 1], ty[#ty + 1] = x[i], y[i] end
    end
    local cols = outside_cols or top_k(f_scores(tx, ty), k)
    local model = pl.logistic {}
    model:fit(pl.data.from_table { x = select_columns(tx, cols), y = ty, classes = K })
    total = total + model:accuracy(pl.data.from_table { x = select_columns(hx, cols), y = hy, classes = K })
  end
  return total / F
  -- END SOLUTION
end

--@ check cv public 1 -- two clean features: both ways agree and are perfect
local x, y, folds = {}, {}, {}
for i = 1, 20 do
  y[i] = i % 2
  x[i] = { y[i] * 4 + (i % 3) / 10, (i % 5) / 10, y[i] * 2 - (i % 4) / 10 }
  folds[i] = (i - 1) % 4 + 1
end
expect.near(cv_accuracy(x, y, folds, 1, true), 1, 1e-12, "inside")
expect.near(cv_accuracy(x, y, folds, 1, false), 1, 1e-12, "outside")
--@ end

--@ check cv hidden 4 -- both ways against pl.cross_validate on the same folds, and the leak on random labels
local function check(x, y, folds, k, what)
  local K = 0
  for _, c in ipairs(y) do K = math.max(K, c + 1) end
  local data = pl.data.from_table { x = x, y = y, classes = K }
  local rows = {}
  for i, id in ipairs(data:ids()) do rows[i] = data:record(id).features end
  local got_in, got_out = cv_accuracy(rows, y, folds, k, true), cv_accuracy(rows, y, folds, k, false)
  local F = 0
  for _, f in ipairs(folds) do F = math.max(F, f) end
  local honest = pl.cross_validate { model = pl.pipeline { pl.select_k_best { k = k }, pl.logistic {} }, data = data, folds = F, fold_of = folds }
  local chosen = pl.select_k_best { k = k }:fit(data)
  local leaky = pl.cross_validate { model = pl.logistic {}, data = chosen:transform(data), folds = F, fold_of = folds }
  expect.near(got_in, honest.mean.accuracy, 1e-9, what .. ": selection inside the folds (against the pipeline)")
  expect.near(got_out, leaky.mean.accuracy, 1e-9, what .. ": selection outside the folds")
  return got_in, got_out
end
local d = pl.data.blobs { n = 120, features = 15, classes = 3, std = 6, box = 2, seed = grader.seed % 1019 + 1 }
local x = {}
for i, id in ipairs(d:ids()) do x[i] = d:record(id).features end
local folds = {}
for i = 1, 120 do folds[i] = (i * 7 + grader.seed) % 5 + 1 end
check(x, d:labels(), folds, 4, "blobs")
-- Coin-flip labels, 400 random features: the honest estimate is near chance, the leaky one is not.
local rng = pl.rng { seed = grader.seed + 1 }
local nx, ny, nf = {}, {}, {}
for i = 1, 80 do
  nx[i] = {}
  for j = 1, 400 do nx[i][j] = rng:normal() end
  ny[i], nf[i] = rng:int(2) - 1, (i - 1) % 4 + 1
end
local inside, outside = check(nx, ny, nf, 10, "random labels")
expect.truthy(inside < 0.7 and outside > inside + 0.1,
  ("on random labels the honest estimate stays near chance (%.3f) and the leaky one is optimistic (%.3f)"):format(inside, outside))
--@ end

--@ question bias 4 all-or-nothing time=120 -- Measuring the optimistic bias
--[[md
## 4. The bias, measured (4 points, all or nothing)

`optimistic_bias(seed, features)`: with `rng = pl.rng{seed = seed}`, draw 100 records, each
`features` values `rng:normal()` in order followed by its label `rng:int(2) - 1` (so: record 1's
features, record 1's label, record 2's features, …). Record i is in fold (i − 1) % 5 + 1. Put the records in
`pl.data.from_table{x = …, y = …, classes = 2}` and give `cv_accuracy` the rows as the data set
stores them (`data:record(id).features`: single precision, what the engine's own cross-validation
sees). Return `{inside = …, outside = …, bias = outside − inside}` from your `cv_accuracy` with
k = 10. The true accuracy of any model on these labels is 0.5.
]]
function optimistic_bias(seed, features)
  -- BEGIN SOLUTION
  local rng = pl.rng { seed = seed }
  local x, y, folds = {}, {}, {}
  for i = 1, 100 do
    x[i] = {}
    for j = 1, features do x[i][j] = rng:normal() end
    y[i] = rng:int(2) - 1
    folds[i] = (i - 1) % 5 + 1
  end
  -- The rows as a data set stores them (single precision), as pl.cross_validate sees them.
  local data = pl.data.from_table { x = x, y = y, classes = 2 }
  local rows = {}
  for i, id in ipairs(data:ids()) do rows[i] = data:record(id).features end
  local inside, outside = cv_accuracy(rows, y, folds, 10, true), cv_accuracy(rows, y, folds, 10, false)
  return { inside = inside, outside = outside, bias = outside - inside }
  -- END SOLUTION
end

--@ check bias hidden 4 -- against the engine on data from the seed; more features to pick from, more bias
local got_small, got_large = optimistic_bias(grader.seed, 50), optimistic_bias(grader.seed + 1, 1000)
expect.truthy(type(got_small) == "table" and type(got_large) == "table", "optimistic_bias returns a table")
local function want(seed, features)
  local rng = pl.rng { seed = seed }
  local x, y, folds = {}, {}, {}
  for i = 1, 100 do
    x[i] = {}
    for j = 1, features do x[i][j] = rng:normal() end
    y[i] = rng:int(2) - 1
    folds[i] = (i - 1) % 5 + 1
  end
  local data = pl.data.from_table { x = x, y = y, classes = 2 }
  local honest = pl.cross_validate { model = pl.pipeline { pl.select_k_best { k = 10 }, pl.logistic {} }, data = data, folds = 5, fold_of = folds }
  local leaky = pl.cross_validate { model = pl.logistic {}, data = pl.select_k_best { k = 10 }:fit(data):transform(data), folds = 5, fold_of = folds }
  return { inside = honest.mean.accuracy, outside = leaky.mean.accuracy, bias = leaky.mean.accuracy - honest.mean.accuracy }
end
expect.equal(got_small, want(grader.seed, 50), "50 features", 1e-9)
expect.equal(got_large, want(grader.seed + 1, 1000), "1000 features", 1e-9)
expect.truthy(got_large.bias > 0.15, ("with 1000 features to pick from, the leaky estimate is optimistic by %.3f"):format(got_large.bias))
--@ end

--@ question short 1 all-or-nothing -- Short answers
--[[md
## 5. Short answers (1 point, all or nothing)

- `answers.more_features_bias`: with more random features to choose from, does the optimistic bias
  `"grow"` or `"shrink"`?
- `answers.unsupervised_step_leaks`: a standard scaler (means and variances, no labels) fitted on
  all the records before cross-validation also looks at the test folds — is it, like the
  selection, a leak (`true` / `false`)?
- `answers.tuning_k`: if k itself is chosen by cross-validation, what kind of cross-validation
  reports the chosen model's accuracy honestly? (`"nested"` or `"repeated"`)
]]
answers = {}
answers.more_features_bias = "grow" -- SOLUTION
answers.unsupervised_step_leaks = true -- SOLUTION
answers.tuning_k = "nested" -- SOLUTION

--@ check short hidden 1 -- all three
expect.equal(answers.more_features_bias, "grow", "answers.more_features_bias")
expect.equal(answers.unsupervised_step_leaks, true, "answers.unsupervised_step_leaks")
expect.equal(answers.tuning_k, "nested", "answers.tuning_k")
--@ end
