--[[md
# Assignment: a shadow-model membership-inference attack

Shokri et al. (S&P 2017) attack a model they can only query: shadow models imitate the target on
data whose membership the attacker knows; their outputs on their own training records are labelled
"in", on other records "out"; one attack model per class learns to tell them apart. You build the
attack's training set, train the per-class attack models, measure the attack the way the literature
does (ROC AUC, TPR at low FPR), and explain the role of over-fitting with numbers.

Conventions: probability rows are lists `{p_0, …, p_{K−1}}`, labels are 0-based, membership is a
boolean. `pl.attack.shadow` is switched off for you; everything else in `pl` is available.

Run the public checks with `privlab check shadow-models.lua`.
]]
--@ forbid attack.shadow

--@ question dataset 3 -- The attack's training set
--[[md
## 1. In/out labels per class (3 points)

`attack_sets(shadows)` gets a list of shadow results, each `{probs = {row, …}, labels = {…}, member = {…}}`.
Return a table indexed by class label c (0-based) whose entries are `{x = {row, …}, y = {…}}`: every
shadow record of true class c, in the order met (shadows in order, records in order), with y = 1 for
members and 0 for non-members.
]]
function attack_sets(shadows)
  -- BEGIN SOLUTION
  local out = {}
  for _, s in ipairs(shadows) do
    for i, row in ipairs(s.probs) do
      local c = s.labels[i]
      out[c] = out[c] or { x = {}, y = {} }
      out[c].x[#out[c].x + 1] = row
      out[c].y[#out[c].y + 1] = s.member[i] and 1 or 0
    end
  end
  return out
  -- END SOLUTION
end

--@ check dataset public 1 -- two records of two classes
local sets = attack_sets { { probs = { { 0.9, 0.1 }, { 0.2, 0.8 } }, labels = { 0, 1 }, member = { true, false } } }
expect.equal(sets, { [0] = { x = { { 0.9, 0.1 } }, y = { 1 } }, [1] = { x = { { 0.2, 0.8 } }, y = { 0 } } })
--@ end

--@ check dataset hidden 2 -- several shadows, random labels
local rng = pl.rng { seed = grader.seed }
local shadows, want = {}, {}
for s = 1, 3 do
  local sh = { probs = {}, labels = {}, member = {} }
  for i = 1, 20 do
    local p = rng:uniform()
    sh.probs[i], sh.labels[i], sh.member[i] = { p, 1 - p }, rng:int(3) - 1, rng:bernoulli(0.5)
    local c = sh.labels[i]
    want[c] = want[c] or { x = {}, y = {} }
    want[c].x[#want[c].x + 1] = sh.probs[i]
    want[c].y[#want[c].y + 1] = sh.member[i] and 1 or 0
  end
  shadows[s] = sh
end
expect.equal(attack_sets(shadows), want, "attack sets")
--@ end

--@ question metrics 4 -- AUC and TPR at low FPR
--[[md
## 2. Measuring an attack (4 points)

Scores are "higher means member". `auc(members, nonmembers)` is the probability that a random
member outscores a random non-member, ties counting one half. `tpr_at(members, nonmembers, fpr)` is
the largest true-positive rate over thresholds t ("member if score ≥ t") whose false-positive rate is
at most `fpr`.
]]
function auc(members, nonmembers)
  -- BEGIN SOLUTION
  local s = 0
  for _, a in ipairs(members) do
    for _, b in ipairs(nonmembers) do s = s + (a > b and 1 or (a == b and 0.5 or 0)) end
  end
  return s / (#members * #nonmembers)
  -- END SOLUTION
end

function tpr_at(members, nonmembers, fpr)
  -- BEGIN SOLUTION
  local best = 0
  local thresholds = { math.huge }
  for _, v in ipairs(members) do thresholds[#thresholds + 1] = v end
  for _, v in ipairs(nonmembers) do thresholds[#thresholds + 1] = v end
  for _, t in ipairs(thresholds) do
    local tp, fp = 0, 0
    for _, v in ipairs(members) do if v >= t then tp = tp + 1 end end
    for _, v in ipairs(nonmembers) do if v >= t then fp = fp + 1 end end
    if fp / #nonmembers <= fpr and tp / #members > best then best = tp / #members end
  end
  return best
  -- END SOLUTION
end

--@ check metrics public 1 -- perfect separation and a tie
expect.near(auc({ 3, 4 }, { 1, 2 }), 1, 1e-12, "auc")
expect.near(auc({ 1 }, { 1 }), 0.5, 1e-12, "auc with a tie")
--@ end

--@ check metrics hidden 3 -- random scores with ties, against the engine's attack metrics
local rng = pl.rng { seed = grader.seed + 1 }
local m, n = {}, {}
for i = 1, 150 do m[i] = math.floor(rng:normal() * 4 + 2) / 4 end
for i = 1, 120 do n[i] = math.floor(rng:normal() * 4) / 4 end
-- The engine's metrics through a metric attack whose "score" simply returns the value we planted.
local lookup = {}
local x, y, ids = {}, {}, {}
for i, v in ipairs(m) do x[#x + 1], y[#y + 1] = { 1 }, 0; lookup[#x] = v end
for i, v in ipairs(n) do x[#x + 1], y[#y + 1] = { 1 }, 0; lookup[#x] = v end
for i = 1, #x do ids[i] = i end
local data = pl.data.from_table { x = x, y = y, classes = 2, ids = ids }
local members, nonmembers = data:subset((function() local t = {} for i = 1, #m do t[i] = i end return t end)()),
                            data:subset((function() local t = {} for i = 1, #n do t[i] = #m + i end return t end)())
local target = pl.softmax { epochs = 1 }
target:fit(pl.data.from_table { x = { { 0 }, { 1 } }, y = { 0, 1 } })
local counter = 0
local a = pl.attack.metric { target = target, score = function(p, label) counter = counter + 1; return lookup[counter] end }
local r = a:evaluate { members = members, nonmembers = nonmembers, balanced = false }
expect.near(auc(m, n), r.auc, 1e-12, "auc")
expect.near(tpr_at(m, n, 0.01), r.tpr_at_fpr[0.01], 1e-12, "tpr at 1% fpr")
expect.near(tpr_at(m, n, 0.1), r.tpr_at_fpr[0.1], 1e-12, "tpr at 10% fpr")
--@ end

--@ question attack 4 -- Per-class attack models
--[[md
## 3. Training and running the attack (4 points)

`train_attack(sets, seed)`: for every class in `sets` (from question 1), train a binary classifier
on (x, y) — e.g. `pl.softmax{epochs = 50, lr = 0.5, seed = seed}` on `pl.data.from_table{x = …, y = …, classes = 2}` —
and return a table of models indexed by class. `attack_scores(models, probs, labels)` returns, for
each target output row and its true label, the probability of "in" that class's model gives (0.5 when
there is no model for the class).
]]
function train_attack(sets, seed)
  -- BEGIN SOLUTION
  local models = {}
  for c, s in pairs(sets) do
    local has0, has1 = false, false
    for _, v in ipairs(s.y) do if v == 1 then has1 = true else has0 = true end end
    if has0 and has1 then
      local m = pl.softmax { epochs = 50, lr = 0.5, seed = seed }
      m:fit(pl.data.from_table { x = s.x, y = s.y, classes = 2 })
      models[c] = m
    end
  end
  return models
  -- END SOLUTION
end

function attack_scores(models, probs, labels)
  -- BEGIN SOLUTION
  local out = {}
  for i, row in ipairs(probs) do
    local m = models[labels[i]]
    out[i] = m and m:predict_proba({ row })[1][2] or 0.5
  end
  return out
  -- END SOLUTION
end

--@ check attack hidden 4 -- the attack separates an over-fit target's members (AUC > 0.6)
local all = pl.data.blobs { n = 900, features = 20, classes = 3, std = 6, box = 3, seed = grader.seed % 1000 + 1 }
local rest, members = all:split { test = 150, seed = 1 }
local pool, nonmembers = rest:split { test = 150, seed = 2 }
local function model() return pl.mlp { hidden = { 64 }, optimizer = "adam", lr = 3e-3, epochs = 120, batch = 16, seed = 3 } end
local target = model()
target:fit(members)
local shadows = {}
for s = 1, 3 do
  local r2, inset = pool:split { test = 150, seed = 10 + s }
  local _, outset = r2:split { test = 150, seed = 20 + s }
  local sh = model()
  sh:fit(inset)
  local probs, labels, member = {}, {}, {}
  for _, part in ipairs { { inset, true }, { outset, false } } do
    local p = sh:predict_proba(part[1])
    local l = part[1]:labels()
    for i = 1, #p do probs[#probs + 1], labels[#labels + 1], member[#member + 1] = p[i], l[i], part[2] end
  end
  shadows[s] = { probs = probs, labels = labels, member = member }
end
local models = train_attack(attack_sets(shadows), 7)
local sm = expect.list_of_numbers(attack_scores(models, target:predict_proba(members), members:labels()), 150, "member scores")
local sn = expect.list_of_numbers(attack_scores(models, target:predict_proba(nonmembers), nonmembers:labels()), 150, "non-member scores")
local s = 0
for _, a in ipairs(sm) do for _, b in ipairs(sn) do s = s + (a > b and 1 or (a == b and 0.5 or 0)) end end
expect.truthy(s / (150 * 150) > 0.6, ("attack AUC %.3f should exceed 0.6"):format(s / (150 * 150)))
--@ end

--@ question overfit 3 all-or-nothing -- Over-fitting, with numbers
--[[md
## 4. Over-fitting (3 points, all or nothing)

`overfitting()` trains two targets on the same 200 records of
`pl.data.blobs{n = 800, features = 20, classes = 3, std = 6, box = 3, seed = 5}` (the first 200 after
`split{test = 200, seed = 1}`; the test part is the members) —
`pl.mlp{hidden = {64}, optimizer = "adam", lr = 3e-3, batch = 16, seed = 3}` with `epochs = 2` and with
`epochs = 150` — and runs `pl.attack.metric{target = …}` (the loss attack) on the members against 200
non-members (the first 200 of the rest after `rest:split{test = 200, seed = 2}`, the test part).
Return `{auc_short = …, auc_long = …, gap_short = …, gap_long = …}` with the attack AUCs and the
train-minus-test accuracy gaps (accuracy on members minus accuracy on non-members).
]]
function overfitting()
  -- BEGIN SOLUTION
  local all = pl.data.blobs { n = 800, features = 20, classes = 3, std = 6, box = 3, seed = 5 }
  local rest, members = all:split { test = 200, seed = 1 }
  local _, nonmembers = rest:split { test = 200, seed = 2 }
  local out = {}
  for _, run in ipairs { { "short", 2 }, { "long", 150 } } do
    local m = pl.mlp { hidden = { 64 }, optimizer = "adam", lr = 3e-3, batch = 16, seed = 3, epochs = run[2] }
    m:fit(members)
    out["auc_" .. run[1]] = pl.attack.metric { target = m }:evaluate { members = members, nonmembers = nonmembers }.auc
    out["gap_" .. run[1]] = m:accuracy(members) - m:accuracy(nonmembers)
  end
  return out
  -- END SOLUTION
end

--@ check overfit hidden 3 -- the numbers match, and longer training leaks more
local r = overfitting()
expect.truthy(type(r) == "table", "overfitting() must return a table")
local all = pl.data.blobs { n = 800, features = 20, classes = 3, std = 6, box = 3, seed = 5 }
local rest, members = all:split { test = 200, seed = 1 }
local _, nonmembers = rest:split { test = 200, seed = 2 }
for _, run in ipairs { { "short", 2 }, { "long", 150 } } do
  local m = pl.mlp { hidden = { 64 }, optimizer = "adam", lr = 3e-3, batch = 16, seed = 3, epochs = run[2] }
  m:fit(members)
  expect.near(r["auc_" .. run[1]], pl.attack.metric { target = m }:evaluate { members = members, nonmembers = nonmembers }.auc, 1e-9, "auc_" .. run[1])
  expect.near(r["gap_" .. run[1]], m:accuracy(members) - m:accuracy(nonmembers), 1e-9, "gap_" .. run[1])
end
expect.truthy(r.auc_long > r.auc_short and r.gap_long > r.gap_short, "longer training over-fits more and leaks more")
--@ end

--@ question greybox 3 all-or-nothing -- What the attacker holds
--[[md
## 5. Black-, grey- and white-box (3 points, all or nothing)

The same target under five knowledge levels (`docs/threat_models.md`). Use the data and target of
question 4 with `epochs = 150` (members: the test part of `all:split{test = 200, seed = 1}`;
non-members: the test part of `rest:split{test = 200, seed = 2}`; the attacker's public records:
the other part of that second split). `knowledge_levels()` returns the AUCs (members against
non-members) of:

- `labels_only`: `pl.attack.label_only{target = …, noise = 0.5, queries = 20, seed = 1}` — black-box, the label;
- `top1`: the loss attack `pl.attack.metric{target = …}` against the same network behind
  `pl.defense.output{model = …, top_k = 1}` (fit that on the members: it trains the same weights) — black-box, the top probability;
- `scores`: the loss attack against the network itself — black-box, the whole vector;
- `released_layer`: `pl.attack.released_layers{target = …, data = <public records>, seed = 1}` — grey-box, the
  hidden layer's weights and no query;
- `white_box`: `pl.attack.gradient{target = …}` — every parameter.

Return `{labels_only = …, top1 = …, scores = …, released_layer = …, white_box = …}`.
]]
function knowledge_levels()
  -- BEGIN SOLUTION
  local all = pl.data.blobs { n = 800, features = 20, classes = 3, std = 6, box = 3, seed = 5 }
  local rest, members = all:split { test = 200, seed = 1 }
  local public, nonmembers = rest:split { test = 200, seed = 2 }
  local function net() return pl.mlp { hidden = { 64 }, optimizer = "adam", lr = 3e-3, batch = 16, seed = 3, epochs = 150 } end
  local m = net()
  m:fit(members)
  local top1 = pl.defense.output { model = net(), top_k = 1 }
  top1:fit(members)
  local function auc(a) return a:evaluate { members = members, nonmembers = nonmembers }.auc end
  return {
    labels_only = auc(pl.attack.label_only { target = m, noise = 0.5, queries = 20, seed = 1 }),
    top1 = auc(pl.attack.metric { target = top1 }),
    scores = auc(pl.attack.metric { target = m }),
    released_layer = auc(pl.attack.released_layers { target = m, data = public, seed = 1 }),
    white_box = auc(pl.attack.gradient { target = m }),
  }
  -- END SOLUTION
end

--@ check greybox hidden 3 -- the five AUCs, and the whole vector leaks at least what the label does
local r = knowledge_levels()
expect.truthy(type(r) == "table", "knowledge_levels() must return a table")
local all = pl.data.blobs { n = 800, features = 20, classes = 3, std = 6, box = 3, seed = 5 }
local rest, members = all:split { test = 200, seed = 1 }
local public, nonmembers = rest:split { test = 200, seed = 2 }
local function net() return pl.mlp { hidden = { 64 }, optimizer = "adam", lr = 3e-3, batch = 16, seed = 3, epochs = 150 } end
local m = net()
m:fit(members)
local top1 = pl.defense.output { model = net(), top_k = 1 }
top1:fit(members)
local function auc(a) return a:evaluate { members = members, nonmembers = nonmembers }.auc end
local want = {
  labels_only = auc(pl.attack.label_only { target = m, noise = 0.5, queries = 20, seed = 1 }),
  top1 = auc(pl.attack.metric { target = top1 }),
  scores = auc(pl.attack.metric { target = m }),
  released_layer = auc(pl.attack.released_layers { target = m, data = public, seed = 1 }),
  white_box = auc(pl.attack.gradient { target = m }),
}
for _, k in ipairs { "labels_only", "top1", "scores", "released_layer", "white_box" } do
  expect.near(r[k], want[k], 1e-9, k)
end
expect.truthy(r.scores >= r.labels_only and r.released_layer > 0.5, "the whole vector leaks at least what the label does; the released layer leaks")
--@ end
