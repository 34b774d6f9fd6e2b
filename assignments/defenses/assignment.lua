--[[md
# Assignment: defenses against membership inference — DMP, SELENA, adversarial regularisation

An over-fit model answers its training records more confidently than other records, and the loss
attack (Yeom et al. 2018) reads membership off that gap. Three defenses change what the released
model learnt from, not only what it shows:

- **DMP** (Shejwalkar & Houmansadr, AAAI 2021): a teacher trained on the private records labels a
  disjoint *reference* set with its softened outputs; the released model learns only those soft
  labels, and DMP keeps the reference records whose soft labels have the **lowest entropy** (§4.2).
- **SELENA** (Tang et al., USENIX Security 2022): **Split-AI** trains K sub-models; each private
  record is left out of L of them, and Split-AI answers a training record with the mean of the L
  sub-models that never saw it. One model is then distilled from those answers.
- **Adversarial regularisation** (Nasr, Shokri & Houmansadr, CCS 2018): training against an
  inference model that tries to tell members from reference records.

You write DMP's soft labels and its selection, build Split-AI yourself, and choose a defense by the
accuracy it keeps at an equal, measured risk.

Conventions: probability rows are lists `{p_0, …, p_{K−1}}`, labels are 0-based, indices of rows
and of sub-models are 1-based. A data set's feature rows are `ds:record(id).features` for each
`id` of `ds:ids()`. Everything in `pl` is available.

Run the public checks with `privlab check defenses.lua`.
]]

--@ question soften 2 -- DMP's soft labels
--[[md
## 1. Soft labels at a temperature (2 points)

`soften(logits, T)` gets a list of logit rows and returns the rows of softmax(z / T), computed so
that large logits (1000) give no overflow or NaN (subtract the row's maximum first).
`entropy(p)` returns −Σ p log p (natural logarithm; a zero share contributes 0).
]]
function soften(logits, T)
  -- BEGIN SOLUTION
  local out = {}
  for i, z in ipairs(logits) do
    local top = -math.huge
    for _, v in ipairs(z) do top = math.max(top, v) end
    local row, s = {}, 0
    for j, v in ipairs(z) do row[j] = math.exp((v - top) / T); s = s + row[j] end
    for j = 1, #row do row[j] = row[j] / s end
    out[i] = row
  end
  return out
  -- END SOLUTION
end

function entropy(p)
  -- BEGIN SOLUTION
  local h = 0
  for _, v in ipairs(p) do if v > 0 then h = h - v * math.log(v) end end
  return h
  -- END SOLUTION
end

--@ check soften public 1 -- a small row, huge logits, and the entropy of a fair coin
local p = soften({ { 0, math.log(3) } }, 1)
expect.equal(p, { { 0.25, 0.75 } }, "softmax of {0, log 3}", 1e-12)
expect.equal(soften({ { 1000, 0 } }, 1), { { 1, math.exp(-1000) } }, "huge logits", 1e-12)
expect.near(entropy({ 0.5, 0.5, 0 }), math.log(2), 1e-12, "entropy")
--@ end

--@ check soften hidden 1 -- against the engine's predict_proba at a temperature, on a trained model
local d = pl.data.blobs { n = 120, features = 5, classes = 4, std = 2, seed = grader.seed % 997 + 1 }
local m = pl.softmax { epochs = 20, lr = 0.5, seed = 2 }
m:fit(d)
local T = 0.5 + (grader.seed % 41) / 10
local got = soften(m:logits(d), T)
expect.truthy(type(got) == "table" and #got == d:size(), "one row per record")
local want = m:predict_proba(d, { temperature = T })
for i, row in ipairs(got) do expect.equal(row, want[i], "record " .. i .. " at T = " .. T, 1e-5) end
for i = 1, 5 do
  local h = 0
  for _, v in ipairs(want[i]) do if v > 0 then h = h - v * math.log(v) end end
  expect.near(entropy(want[i]), h, 1e-12, "entropy of record " .. i)
end
--@ end

--@ question select 3 -- DMP's low-entropy reference selection
--[[md
## 2. Which reference records DMP keeps (3 points)

`select_low_entropy(probs, keep)` gets the teacher's soft labels of the n reference records and the
share `keep` ∈ (0, 1]. Return the sorted list of the 1-based indices of the
max(1, ⌊keep·n + ½⌋) rows of lowest entropy; equal entropies are broken by row order (the earlier row
first). These are the records the released model is trained on: the ones the teacher is surest of,
where its soft label carries the class and little of what it memorised.
]]
function select_low_entropy(probs, keep)
  -- BEGIN SOLUTION
  local n = #probs
  local k = math.max(1, math.floor(keep * n + 0.5))
  local order, h = {}, {}
  for i, p in ipairs(probs) do order[i] = i; h[i] = entropy(p) end
  table.sort(order, function(a, b) if h[a] ~= h[b] then return h[a] < h[b] end return a < b end)
  local out = {}
  for i = 1, k do out[i] = order[i] end
  table.sort(out)
  return out
  -- END SOLUTION
end

--@ check select public 1 -- four rows, half kept
local probs = { { 0.5, 0.5 }, { 0.9, 0.1 }, { 0.99, 0.01 }, { 0.6, 0.4 } }
expect.equal(select_low_entropy(probs, 0.5), { 2, 3 })
expect.equal(select_low_entropy(probs, 0.01), { 3 }, "at least one row")
--@ end

--@ check select hidden 2 -- random rows with ties, and as many kept as the engine's DMP keeps
local rng = pl.rng { seed = grader.seed }
local function case(n, distinct, keep)
  -- Rows drawn from a few distinct ones: large groups of equal entropy, so the cut falls inside one.
  local base, probs, h = {}, {}, {}
  for i = 1, distinct do
    local a, b, c = rng:uniform(), rng:uniform(), rng:uniform()
    base[i] = { a / (a + b + c), b / (a + b + c), c / (a + b + c) }
  end
  for i = 1, n do
    probs[i] = base[rng:int(distinct)]
    local e = 0
    for _, v in ipairs(probs[i]) do if v > 0 then e = e - v * math.log(v) end end
    h[i] = e
  end
  local order = {}
  for i = 1, n do order[i] = i end
  table.sort(order, function(a, b) if h[a] ~= h[b] then return h[a] < h[b] end return a < b end)
  local k = math.max(1, math.floor(keep * n + 0.5))
  local want = {}
  for i = 1, k do want[i] = order[i] end
  table.sort(want)
  expect.equal(select_low_entropy(probs, keep), want, ("the %d lowest-entropy rows of %d (%d distinct)"):format(k, n, distinct))
  return probs
end
local n = 40 + rng:int(30)
local keep = 0.1 + rng:uniform() * 0.8
local probs = case(n, n, keep)
for _ = 1, 5 do case(20 + rng:int(40), 2 + rng:int(3), 0.1 + rng:uniform() * 0.8) end
-- The engine's DMP keeps the same number of reference records.
local d = pl.data.blobs { n = 2 * n, features = 3, classes = 3, seed = grader.seed % 991 + 1 }
local private, reference = d:split { test = n, seed = 1 }
local dmp = pl.defense.dmp { teacher = pl.softmax { epochs = 3, seed = 1 }, reference = reference, keep = keep, seed = 1 }
dmp:fit(private)
expect.equal(#select_low_entropy(probs, keep), dmp:defense_report().kept, "rows kept (against pl.defense.dmp)")
--@ end

--@ question splitai 5 time=120 -- Split-AI, SELENA's first half
--[[md
## 3. Split-AI (5 points)

`split_ai_placement(n, K, L, seed)` returns, for each of n records, the sorted list of the L distinct
sub-models (1…K) it is left out of, chosen uniformly at random with `pl.rng{seed = seed}` (for
instance the first L entries of `rng:permutation(K)`), so that the same seed gives the same placement.

`split_ai(data, K, L, make_model, seed)` builds Split-AI on `data`: the placement of
`split_ai_placement(data:size(), K, L, seed)` (record i is the i-th id of `data:ids()`); sub-model m
is `make_model()` fitted on the records that do *not* leave it out (`data:subset{ids…}`). Return
`{models = {…K fitted models…}, left_out = <the placement>, answers = {…}}` where `answers[i]` is
the mean, over the L sub-models record i is left out of, of their probability rows for record i —
Split-AI's answer for a training record, from models that never saw it.
]]
function split_ai_placement(n, K, L, seed)
  -- BEGIN SOLUTION
  local rng = pl.rng { seed = seed }
  local out = {}
  for i = 1, n do
    local perm = rng:permutation(K)
    local row = {}
    for j = 1, L do row[j] = perm[j] end
    table.sort(row)
    out[i] = row
  end
  return out
  -- END SOLUTION
end

function split_ai(data, K, L, make_model, seed)
  -- BEGIN SOLUTION
  local ids = data:ids()
  local left_out = split_ai_placement(#ids, K, L, seed)
  local models, probs = {}, {}
  for m = 1, K do
    local sub = {}
    for i, out in ipairs(left_out) do
      local skip = false
      for _, x in ipairs(out) do if x == m then skip = true end end
      if not skip then sub[#sub + 1] = ids[i] end
    end
    models[m] = make_model()
    models[m]:fit(data:subset(sub))
    probs[m] = models[m]:predict_proba(data)
  end
  local answers = {}
  for i, out in ipairs(left_out) do
    local row = {}
    for _, m in ipairs(out) do
      for j, v in ipairs(probs[m][i]) do row[j] = (row[j] or 0) + v / #out end
    end
    answers[i] = row
  end
  return { models = models, left_out = left_out, answers = answers }
  -- END SOLUTION
end

--@ check splitai public 1 -- the placement's shape
local p = split_ai_placement(6, 5, 2, 1)
expect.truthy(type(p) == "table" and #p == 6, "one list per record")
for i, row in ipairs(p) do
  expect.truthy(#row == 2 and row[1] < row[2] and row[1] >= 1 and row[2] <= 5, "record " .. i .. ": two distinct sorted sub-models in 1…5")
end
expect.equal(split_ai_placement(6, 5, 2, 1), p, "the same seed, the same placement")
--@ end

--@ check splitai hidden 1 -- the placement is random and fair
local n, K, L = 3000, 6, 2 + grader.seed % 3
local p = split_ai_placement(n, K, L, grader.seed)
expect.truthy(type(p) == "table" and #p == n, "one list per record")
local count = {}
for m = 1, K do count[m] = 0 end
for i, row in ipairs(p) do
  if #row ~= L then expect.fail(("record %d: %d sub-models, want L = %d"):format(i, #row, L)) end
  for j = 1, L do
    if j > 1 and not (row[j] > row[j - 1]) then expect.fail("record " .. i .. ": sub-models must be distinct and sorted") end
    count[row[j]] = (count[row[j]] or 0) + 1
  end
end
local mean = n * L / K
local sd = math.sqrt(n * (L / K) * (1 - L / K))
for m = 1, K do
  expect.truthy(math.abs(count[m] - mean) < 6 * sd, ("sub-model %d is left out by %d records, expected about %.0f"):format(m, count[m], mean))
end
local q = split_ai_placement(n, K, L, grader.seed + 1)
local same = 0
for i = 1, n do if table.concat(p[i], ",") == table.concat(q[i], ",") then same = same + 1 end end
expect.truthy(same < n / 2, "another seed must give another placement")
--@ end

--@ check splitai hidden 3 -- Split-AI on an over-fit task: the sub-models, the answers, and members answered as non-members
local all = pl.data.blobs { n = 600, features = 20, classes = 3, std = 6, box = 3, seed = grader.seed % 1000 + 7 }
local rest, members = all:split { test = 150, seed = 1 }
local _, nonmembers = rest:split { test = 150, seed = 2 }
local function make() return pl.mlp { hidden = { 32 }, optimizer = "adam", lr = 3e-3, batch = 16, epochs = 60, seed = 3 } end
local K, L = 5, 2
local r = split_ai(members, K, L, make, grader.seed)
expect.truthy(type(r) == "table" and type(r.models) == "table" and #r.models == K, "split_ai returns K models")
expect.truthy(type(r.left_out) == "table" and #r.left_out == 150 and type(r.answers) == "table" and #r.answers == 150, "one placement and one answer per record")
expect.equal(r.left_out, split_ai_placement(150, K, L, grader.seed), "the placement is split_ai_placement's")
-- Sub-model 2 learnt from exactly the records that do not leave it out.
local ids, sub = members:ids(), {}
for i, out in ipairs(r.left_out) do
  local skip = false
  for _, m in ipairs(out) do if m == 2 then skip = true end end
  if not skip then sub[#sub + 1] = ids[i] end
end
local m2 = make()
m2:fit(members:subset(sub))
expect.equal(r.models[2]:predict_proba(nonmembers), m2:predict_proba(nonmembers), "sub-model 2 (trained on the records that do not leave it out)", 1e-9)
local probs = {}
for m = 1, K do probs[m] = r.models[m]:predict_proba(members) end
local labels = members:labels()
local function true_prob(row, y) return row[y + 1] end
local sm, sn = {}, {}
local rng = pl.rng { seed = grader.seed + 5 }
for i, out in ipairs(r.left_out) do
  local want = {}
  for _, m in ipairs(out) do for j, v in ipairs(probs[m][i]) do want[j] = (want[j] or 0) + v / L end end
  expect.equal(r.answers[i], want, "Split-AI's answer for record " .. i, 1e-6)
  sm[i] = true_prob(r.answers[i], labels[i])
end
-- A non-member is answered by the left-out models of a training record picked at random.
local nprobs, nlabels = {}, nonmembers:labels()
for m = 1, K do nprobs[m] = r.models[m]:predict_proba(nonmembers) end
for i = 1, 150 do
  local out = r.left_out[rng:int(150)]
  local row = {}
  for _, m in ipairs(out) do for j, v in ipairs(nprobs[m][i]) do row[j] = (row[j] or 0) + v / L end end
  sn[i] = true_prob(row, nlabels[i])
end
local function auc(a, b)
  local s = 0
  for _, x in ipairs(a) do for _, y in ipairs(b) do s = s + (x > y and 1 or (x == y and 0.5 or 0)) end end
  return s / (#a * #b)
end
local plain = make()
plain:fit(members)
local pm, pn = plain:predict_proba(members), plain:predict_proba(nonmembers)
local um, un = {}, {}
for i = 1, 150 do um[i], un[i] = true_prob(pm[i], labels[i]), true_prob(pn[i], nlabels[i]) end
local a_split, a_plain = auc(sm, sn), auc(um, un)
expect.truthy(a_plain > 0.62 and a_split < 0.6 and a_split < a_plain - 0.08,
  ("the confidence attack: AUC %.3f against one model, %.3f against Split-AI (should be near 0.5)"):format(a_plain, a_split))
--@ end

--@ question risk 3 -- Accuracy at equal risk
--[[md
## 4. Choosing a defense at an equal risk (3 points)

Comparing defenses by accuracy alone rewards the one that protects least; comparing them by attack
AUC alone rewards a useless model. Fix the risk you accept, then compare accuracy.

`rows` is a list of measured defenses `{name = …, accuracy = …, auc = …}` (auc: the strongest
attack's ROC AUC). `accuracy_at_risk(rows, risk)` returns the highest accuracy among the rows whose
auc is at most `risk` (nil when there is none). `best_defense(rows, risk)` returns the name of that
row; among rows of equal accuracy, the one with the lower auc, then the earlier one.
]]
function accuracy_at_risk(rows, risk)
  -- BEGIN SOLUTION
  local best
  for _, r in ipairs(rows) do
    if r.auc <= risk and (best == nil or r.accuracy > best) then best = r.accuracy end
  end
  return best
  -- END SOLUTION
end

function best_defense(rows, risk)
  -- BEGIN SOLUTION
  local best
  for _, r in ipairs(rows) do
    if r.auc <= risk then
      if best == nil or r.accuracy > best.accuracy or (r.accuracy == best.accuracy and r.auc < best.auc) then best = r end
    end
  end
  return best and best.name
  -- END SOLUTION
end

--@ check risk public 1 -- three defenses
local rows = { { name = "none", accuracy = 0.8, auc = 0.75 }, { name = "dmp", accuracy = 0.78, auc = 0.55 },
               { name = "selena", accuracy = 0.7, auc = 0.52 } }
expect.near(accuracy_at_risk(rows, 0.6), 0.78, 1e-12)
expect.equal(best_defense(rows, 0.53), "selena")
expect.equal(accuracy_at_risk(rows, 0.5), nil, "nothing is that safe")
--@ end

--@ check risk hidden 2 -- random tables with ties
local rng = pl.rng { seed = grader.seed + 2 }
for trial = 1, 30 do
  local rows = {}
  for i = 1, 2 + rng:int(6) do
    rows[i] = { name = "d" .. i, accuracy = math.floor(rng:uniform() * 10) / 10, auc = 0.5 + math.floor(rng:uniform() * 5) / 10 }
  end
  local risk = 0.5 + math.floor(rng:uniform() * 6) / 10
  local best
  for _, r in ipairs(rows) do
    if r.auc <= risk and (best == nil or r.accuracy > best.accuracy or (r.accuracy == best.accuracy and r.auc < best.auc)) then best = r end
  end
  expect.equal(accuracy_at_risk(rows, risk), best and best.accuracy, "accuracy at risk " .. risk .. " (trial " .. trial .. ")")
  expect.equal(best_defense(rows, risk), best and best.name, "best defense at risk " .. risk .. " (trial " .. trial .. ")")
end
--@ end

--@ question measure 4 all-or-nothing time=120 -- The three defenses, measured
--[[md
## 5. Measuring the defenses (4 points, all or nothing)

`defense_table(seed)` builds `all = pl.data.blobs{n = 600, features = 20, classes = 3, std = 6, box = 3, seed = seed}`,
takes the members as the test part of `all:split{test = 150, seed = 1}`, the non-members as the
test part of `rest:split{test = 150, seed = 2}` (rest: the other part of the first split) and the
reference records as the test part of `rest2:split{test = 150, seed = 3}` (rest2: the other part of
the second). Every model is `pl.mlp{hidden = {32}, optimizer = "adam", lr = 3e-3, batch = 16, epochs = 60, seed = 3}`
(a fresh one each time). Train, on the members:

1. `none`: the network itself;
2. `dmp`: `pl.defense.dmp{teacher = <network>, reference = <reference>, keep = 0.5, seed = 1}`;
3. `selena`: `pl.defense.selena{model = <network>, models = 5, excluded = 2, seed = 1}`;
4. `adversarial`: `pl.defense.adversarial{model = <network>, reference = <reference>, lambda = 3, steps = 1, attack_warmup = 1, seed = 1}` (one inference-model step per classifier step, where the authors take ≈ 26: it keeps grading fast).

Return the four rows, in this order, as `{name = …, accuracy = <accuracy on the non-members>,
auc = <the loss attack's AUC>}` with the loss attack `pl.attack.metric{target = <model>}` evaluated
on the members against the non-members. The check then asks your `best_defense` for the choice at
several risks.
]]
function defense_table(seed)
  -- BEGIN SOLUTION
  local all = pl.data.blobs { n = 600, features = 20, classes = 3, std = 6, box = 3, seed = seed }
  local rest, members = all:split { test = 150, seed = 1 }
  local rest2, nonmembers = rest:split { test = 150, seed = 2 }
  local _, reference = rest2:split { test = 150, seed = 3 }
  local function net() return pl.mlp { hidden = { 32 }, optimizer = "adam", lr = 3e-3, batch = 16, epochs = 60, seed = 3 } end
  local defenses = {
    { "none", net() },
    { "dmp", pl.defense.dmp { teacher = net(), reference = reference, keep = 0.5, seed = 1 } },
    { "selena", pl.defense.selena { model = net(), models = 5, excluded = 2, seed = 1 } },
    { "adversarial", pl.defense.adversarial { model = net(), reference = reference, lambda = 3, steps = 1, attack_warmup = 1, seed = 1 } },
  }
  local rows = {}
  for i, d in ipairs(defenses) do
    d[2]:fit(members)
    rows[i] = { name = d[1], accuracy = d[2]:accuracy(nonmembers),
                auc = pl.attack.metric { target = d[2] }:evaluate { members = members, nonmembers = nonmembers }.auc }
  end
  return rows
  -- END SOLUTION
end

--@ check measure hidden 4 -- the table against the engine, and the choice at every measured risk
local seed = grader.seed % 1000 + 11
local got = defense_table(seed)
expect.truthy(type(got) == "table" and #got == 4, "defense_table returns four rows")
local all = pl.data.blobs { n = 600, features = 20, classes = 3, std = 6, box = 3, seed = seed }
local rest, members = all:split { test = 150, seed = 1 }
local rest2, nonmembers = rest:split { test = 150, seed = 2 }
local _, reference = rest2:split { test = 150, seed = 3 }
local function net() return pl.mlp { hidden = { 32 }, optimizer = "adam", lr = 3e-3, batch = 16, epochs = 60, seed = 3 } end
local defenses = {
  { "none", net() },
  { "dmp", pl.defense.dmp { teacher = net(), reference = reference, keep = 0.5, seed = 1 } },
  { "selena", pl.defense.selena { model = net(), models = 5, excluded = 2, seed = 1 } },
  { "adversarial", pl.defense.adversarial { model = net(), reference = reference, lambda = 3, steps = 1, attack_warmup = 1, seed = 1 } },
}
local want = {}
for i, d in ipairs(defenses) do
  d[2]:fit(members)
  want[i] = { name = d[1], accuracy = d[2]:accuracy(nonmembers),
              auc = pl.attack.metric { target = d[2] }:evaluate { members = members, nonmembers = nonmembers }.auc }
end
expect.equal(got, want, "the measured table", 1e-9)
for _, r in ipairs(want) do
  local best
  for _, s in ipairs(want) do
    if s.auc <= r.auc and (best == nil or s.accuracy > best.accuracy or (s.accuracy == best.accuracy and s.auc < best.auc)) then best = s end
  end
  expect.equal(best_defense(got, r.auc), best.name, ("the choice at risk %.4f"):format(r.auc))
end
--@ end

--@ question short 1 all-or-nothing -- Short answers
--[[md
## 6. Short answers (1 point, all or nothing)

- `answers.dmp_release_sees_private`: is DMP's *released* model ever trained on a private record
  (`true` / `false`)?
- `answers.split_ai_answer_models`: with K = 25 and L = 10, how many sub-models answer a training
  record in Split-AI?
- `answers.formal_guarantee`: which of `"dmp"`, `"selena"`, `"adversarial"` and `"none"` comes
  with a differential-privacy guarantee?
]]
answers = {}
answers.dmp_release_sees_private = false -- SOLUTION
answers.split_ai_answer_models = 10 -- SOLUTION
answers.formal_guarantee = "none" -- SOLUTION

--@ check short hidden 1 -- all three
expect.equal(answers.dmp_release_sees_private, false, "answers.dmp_release_sees_private")
expect.equal(answers.split_ai_answer_models, 10, "answers.split_ai_answer_models")
expect.equal(answers.formal_guarantee, "none", "answers.formal_guarantee")
--@ end
