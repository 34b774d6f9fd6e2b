--[[md
# Assignment: private synthetic data by mixing — random mixing and 3A's ClustMix

A mixing release publishes *averages* of private records with Gaussian noise instead of the
records. Random mixing (Lee, Kim & Wang 2019) averages records drawn from the whole data set;
ClustMix, the anonymisation step of Amazon's 3A framework ("3A: Approximate, Adapt, Anonymize",
arXiv 2307.01875), averages records drawn from the neighbourhood of one cluster centre, so that what
is averaged is alike and the average stays on the data's manifold. Each output is

    ( Σ_{i ∈ S} clip_C(xᵢ)  +  N(0, (σ·C)² I) ) / m,     each record in S independently with probability q = m/n,

the Poisson-subsampled Gaussian mechanism of DP-SGD, so the accountants compose its outputs
exactly. You write the mechanism, ClustMix around it and its privacy accounting, then measure what
a classifier trained on the release is worth on real records, against ε.

Conventions: rows are lists of numbers, labels are 0-based, `rng` is a `pl.rng{…}` object
(`rng:bernoulli(q)`, `rng:normal()`, `rng:uniform()`). Every random draw below is specified in
order so that the checks can repeat it: draw exactly what is asked, in the order asked. Everything
in `pl` is available, including `pl.privacy.epsilon`.

Run the public checks with `privlab check synthetic-data.lua`.
]]

--@ question mix 3 -- One mixed output
--[[md
## 1. The mixing mechanism (3 points)

`clip_row(row, C)` returns a new row: `row` scaled by min(1, C/‖row‖₂) (unchanged when its norm is
at most C or zero).

`mix_one(pool, m, sigma, C, rng)` returns one output over the rows of `pool`: with
q = min(1, m/#pool), for each row in order draw `rng:bernoulli(q)` and add the clipped row to the
sum when it is true; then, for each coordinate j in order, add `sigma * C * rng:normal()`; finally
divide every coordinate by m.
]]
function clip_row(row, C)
  -- BEGIN SOLUTION
  local sq = 0
  for _, v in ipairs(row) do sq = sq + v * v end
  local norm = math.sqrt(sq)
  local f = norm > C and C / norm or 1
  local out = {}
  for i, v in ipairs(row) do out[i] = v * f end
  return out
  -- END SOLUTION
end

function mix_one(pool, m, sigma, C, rng)
  -- BEGIN SOLUTION
  local q = math.min(1, m / #pool)
  local d = #pool[1]
  local sum = {}
  for j = 1, d do sum[j] = 0 end
  for _, row in ipairs(pool) do
    if rng:bernoulli(q) then
      local c = clip_row(row, C)
      for j = 1, d do sum[j] = sum[j] + c[j] end
    end
  end
  for j = 1, d do sum[j] = (sum[j] + sigma * C * rng:normal()) / m end
  return sum
  -- END SOLUTION
end

--@ check mix public 1 -- clipping, and the mean of the whole pool without noise
expect.equal(clip_row({ 3, 4 }, 1), { 0.6, 0.8 }, "clipped", 1e-12)
expect.equal(clip_row({ 0.3, 0.4 }, 1), { 0.3, 0.4 }, "short row unchanged", 1e-12)
local out = mix_one({ { 1, 0 }, { 0, 1 }, { 30, 40 } }, 3, 0, 1, pl.rng { seed = 1 })
expect.equal(out, { 1.6 / 3, 1.8 / 3 }, "q = 1, σ = 0: the mean of the clipped rows", 1e-12)
--@ end

--@ check mix hidden 2 -- the exact draws on random pools, and the output's mean over many draws
local rng = pl.rng { seed = grader.seed }
for trial = 1, 5 do
  local n, d = 5 + rng:int(40), 1 + rng:int(6)
  local pool = {}
  for i = 1, n do
    pool[i] = {}
    for j = 1, d do pool[i][j] = (rng:uniform() - 0.5) * 6 end
  end
  local m, sigma, C = 1 + rng:int(n), rng:uniform() * 2, 0.5 + rng:uniform() * 2
  local seed = grader.seed + trial
  local got = mix_one(pool, m, sigma, C, pl.rng { seed = seed })
  -- The reference, drawn in the same order.
  local r = pl.rng { seed = seed }
  local q = math.min(1, m / n)
  local want = {}
  for j = 1, d do want[j] = 0 end
  for _, row in ipairs(pool) do
    if r:bernoulli(q) then
      local sq = 0
      for _, v in ipairs(row) do sq = sq + v * v end
      local f = math.sqrt(sq) > C and C / math.sqrt(sq) or 1
      for j = 1, d do want[j] = want[j] + row[j] * f end
    end
  end
  for j = 1, d do want[j] = (want[j] + sigma * C * r:normal()) / m end
  expect.equal(got, want, ("output %d (n = %d, m = %d, σ = %.3f, C = %.3f)"):format(trial, n, m, sigma, C), 1e-12)
end
--@ end

--@ question clustmix 5 time=60 -- ClustMix
--[[md
## 2. ClustMix within each class (5 points)

`clustmix(rows, labels, centres, m, sigma, C, outputs, rng)` releases `outputs` synthetic records:

1. clip every row to C (`clip_row`);
2. put each record in the cluster of the nearest centre (Euclidean distance from the clipped row;
   the first centre on ties) among `centres[c]`, the list of centre rows of its class c
   (`centres` is indexed by the 0-based class);
3. the clusters, ordered by class and then by centre, keep only those with at least m records;
4. share `outputs` among the kept clusters in proportion to their sizes sⱼ: first ⌊outputs·sⱼ/S⌋
   each (S the kept records), then one more to each of the clusters with the largest remainders
   outputs·sⱼ/S − ⌊outputs·sⱼ/S⌋ until all are given (the earlier cluster on equal remainders);
5. for each kept cluster in order, draw its count of outputs with `mix_one(<its clipped rows, in
   data order>, m, sigma, C, rng)`, each labelled with the cluster's class.

Return `{x = {…rows…}, y = {…labels…}, counts = {…outputs of each kept cluster, in order…},
sizes = {…records of each kept cluster…}}`. Mixing only alike records is what keeps the average
a plausible record: ClustMix's labels are exact, where random mixing must mix the labels too.
]]
function clustmix(rows, labels, centres, m, sigma, C, outputs, rng)
  -- BEGIN SOLUTION
  local members = {}   -- members[c][k] = clipped rows nearest to centre k of class c
  local classes = {}
  for i, row in ipairs(rows) do
    local c, x = labels[i], clip_row(row, C)
    local best, bestd = nil, math.huge
    for k, ctr in ipairs(centres[c]) do
      local s = 0
      for j = 1, #x do s = s + (x[j] - ctr[j]) ^ 2 end
      if s < bestd then best, bestd = k, s end
    end
    if not members[c] then members[c] = {}; classes[#classes + 1] = c end
    members[c][best] = members[c][best] or {}
    table.insert(members[c][best], x)
  end
  table.sort(classes)
  local kept, klabels = {}, {}
  for _, c in ipairs(classes) do
    for k = 1, #centres[c] do
      local pool = members[c][k]
      if pool and #pool >= m then kept[#kept + 1], klabels[#kept + 1] = pool, c end
    end
  end
  local total = 0
  for _, p in ipairs(kept) do total = total + #p end
  local counts, rem, given = {}, {}, 0
  for j, p in ipairs(kept) do
    local share = outputs * #p / total
    counts[j], rem[j] = math.floor(share), share - math.floor(share)
    given = given + counts[j]
  end
  local order = {}
  for j = 1, #kept do order[j] = j end
  table.sort(order, function(a, b) if rem[a] ~= rem[b] then return rem[a] > rem[b] end return a < b end)
  for i = 1, outputs - given do counts[order[i]] = counts[order[i]] + 1 end
  local x, y, sizes = {}, {}, {}
  for j, pool in ipairs(kept) do
    sizes[j] = #pool
    for _ = 1, counts[j] do
      x[#x + 1] = mix_one(pool, m, sigma, C, rng)
      y[#y + 1] = klabels[j]
    end
  end
  return { x = x, y = y, counts = counts, sizes = sizes }
  -- END SOLUTION
end

--@ check clustmix public 1 -- two classes, one centre each, no noise: the class means
local rows = { { 1, 0 }, { 0.8, 0.2 }, { 0, 1 }, { 0.2, 0.8 } }
local r = clustmix(rows, { 0, 0, 1, 1 }, { [0] = { { 1, 0 } }, [1] = { { 0, 1 } } }, 2, 0, 10, 2, pl.rng { seed = 1 })
expect.equal(r.y, { 0, 1 }, "labels")
expect.equal(r.x, { { 0.9, 0.1 }, { 0.1, 0.9 } }, "each output the mean of its cluster", 1e-12)
expect.equal(r.counts, { 1, 1 }, "counts")
--@ end

--@ check clustmix hidden 4 -- against an independent implementation on blobs with k-means centres
local d = pl.data.blobs { n = 300, features = 4, classes = 3, std = 0.6, box = 1.5, seed = grader.seed % 1013 + 1 }
local rows, labels = {}, d:labels()
for i, id in ipairs(d:ids()) do rows[i] = d:record(id).features end
local centres = {}
for c = 0, 2 do
  local km = pl.kmeans { k = 3, seed = 1 }
  km:fit(d:filter { classes = { c } })
  centres[c] = km:centers()
end
local m = 5 + grader.seed % 15
local sigma, C, outputs = 0.5 + (grader.seed % 10) / 10, 2, 97 + grader.seed % 50
local got = clustmix(rows, labels, centres, m, sigma, C, outputs, pl.rng { seed = grader.seed })
expect.truthy(type(got) == "table" and type(got.x) == "table" and type(got.y) == "table", "clustmix returns {x =, y =, counts =, sizes =}")
-- The reference.
local function clip(row)
  local sq = 0
  for _, v in ipairs(row) do sq = sq + v * v end
  local f = math.sqrt(sq) > C and C / math.sqrt(sq) or 1
  local out = {}
  for i, v in ipairs(row) do out[i] = v * f end
  return out
end
local pools = {}
for c = 0, 2 do pools[c] = {} for k = 1, #centres[c] do pools[c][k] = {} end end
for i, row in ipairs(rows) do
  local x, c = clip(row), labels[i]
  local best, bestd = 1, math.huge
  for k, ctr in ipairs(centres[c]) do
    local s = 0
    for j = 1, #x do s = s + (x[j] - ctr[j]) ^ 2 end
    if s < bestd then best, bestd = k, s end
  end
  table.insert(pools[c][best], x)
end
local kept, kl, total = {}, {}, 0
for c = 0, 2 do for k = 1, #centres[c] do
  if #pools[c][k] >= m then kept[#kept + 1] = pools[c][k]; kl[#kept] = c; total = total + #pools[c][k] end
end end
local counts, rem, given, sizes = {}, {}, 0, {}
for j, p in ipairs(kept) do
  local share = outputs * #p / total
  counts[j], rem[j], sizes[j] = math.floor(share), share - math.floor(share), #p
  given = given + counts[j]
end
local order = {}
for j = 1, #kept do order[j] = j end
table.sort(order, function(a, b) if rem[a] ~= rem[b] then return rem[a] > rem[b] end return a < b end)
for i = 1, outputs - given do counts[order[i]] = counts[order[i]] + 1 end
expect.equal(got.sizes, sizes, "cluster sizes (m = " .. m .. ")")
expect.equal(got.counts, counts, "outputs per cluster (" .. outputs .. " outputs)")
local rng = pl.rng { seed = grader.seed }
local x, y = {}, {}
for j, pool in ipairs(kept) do
  local q = math.min(1, m / #pool)
  for _ = 1, counts[j] do
    local sum = {}
    for t = 1, 4 do sum[t] = 0 end
    for _, row in ipairs(pool) do if rng:bernoulli(q) then for t = 1, 4 do sum[t] = sum[t] + row[t] end end end
    for t = 1, 4 do sum[t] = (sum[t] + sigma * C * rng:normal()) / m end
    x[#x + 1], y[#y + 1] = sum, kl[j]
  end
end
expect.equal(got.y, y, "labels")
expect.equal(got.x, x, "the released rows", 1e-9)
--@ end

--@ question accounting 3 -- What the release costs
--[[md
## 3. Privacy accounting (3 points)

Each output of a pool of n rows at rate q = min(1, m/n) with noise multiplier σ is one step of the
Poisson-subsampled Gaussian mechanism; T outputs of it compose as T steps:
`pl.privacy.epsilon{sample_rate = q, noise = σ, steps = T, delta = δ}` (RDP accountant; it returns ε and
the Rényi order that gave it — keep only the first value).

- `random_mixing_epsilon(n, m, sigma, outputs, delta)`: the ε of random mixing — every output
  mixes from all n records.
- `clustmix_epsilon(sizes, counts, m, sigma, delta)`: the ε of a ClustMix release whose kept
  clusters have `sizes` records and `counts` outputs (question 2's), for the worst-off record.
  A record takes part only in its own cluster's outputs (the clusters are disjoint), so compose
  within a cluster and take the worst cluster (parallel composition); clusters with no output cost
  nothing. Here the centres and the cluster sizes are treated as public (the engine's
  `pl.synth.clustmix` also pays for computing them privately).
]]
function random_mixing_epsilon(n, m, sigma, outputs, delta)
  return (pl.privacy.epsilon { sample_rate = math.min(1, m / n), noise = sigma, steps = outputs, delta = delta }) -- SOLUTION
end

function clustmix_epsilon(sizes, counts, m, sigma, delta)
  -- BEGIN SOLUTION
  local worst = 0
  for j, s in ipairs(sizes) do
    if counts[j] > 0 then
      worst = math.max(worst, (pl.privacy.epsilon { sample_rate = math.min(1, m / s), noise = sigma, steps = counts[j], delta = delta }))
    end
  end
  return worst
  -- END SOLUTION
end

--@ check accounting public 1 -- one cluster is random mixing over its records
local a = random_mixing_epsilon(200, 10, 2, 50, 1e-5)
expect.near(clustmix_epsilon({ 200 }, { 50 }, 10, 2, 1e-5), a, 1e-12, "one cluster")
expect.truthy(a > 0, "a positive ε")
--@ end

--@ check accounting hidden 2 -- random mixing against the engine's release; ClustMix against the worst cluster
local n = 100 + grader.seed % 200
local d = pl.data.blobs { n = n, features = 3, classes = 2, seed = grader.seed % 101 + 1 }
local m, sigma, outputs = 5 + grader.seed % 10, 1 + (grader.seed % 7) / 4, 20 + grader.seed % 40
local _, priv = pl.synth.random_mixing { data = d, m = m, noise = sigma, outputs = outputs, seed = 1 }
expect.near(random_mixing_epsilon(n, m, sigma, outputs, 1e-5), priv.epsilon, 1e-9 * priv.epsilon, "random mixing's ε (against pl.synth.random_mixing)")
local rng = pl.rng { seed = grader.seed }
local sizes, counts, worst = {}, {}, 0
for j = 1, 6 do
  sizes[j], counts[j] = 10 + rng:int(200), rng:int(30) - 1
  if counts[j] > 0 then
    worst = math.max(worst, (pl.privacy.epsilon { sample_rate = math.min(1, m / sizes[j]), noise = sigma, steps = counts[j], delta = 1e-6 }))
  end
end
expect.near(clustmix_epsilon(sizes, counts, m, sigma, 1e-6), worst, 1e-9 * worst, "ClustMix's ε: the worst cluster")
--@ end

--@ question tstr 4 all-or-nothing time=120 -- Train on synthetic, test on real
--[[md
## 4. What a release is worth, against ε (4 points, all or nothing)

`tstr(seed, epsilons)`: the private records are the first part of
`pl.data.blobs{n = 800, features = 6, classes = 4, std = 0.5, box = 1, seed = seed}:split{test = 300, seed = 1}`,
the real test records its test part. For each ε of `epsilons` (in order), release
`pl.synth.clustmix{data = <private>, epsilon = ε, m = 10, clusters = 2, clip = 2, seed = 1}` and
`pl.synth.random_mixing{data = <private>, epsilon = ε, m = 10, clip = 2, seed = 1}` (each returns
the release and its privacy table), train `pl.logistic{}` on each release and score it on the real
test records. Return one row per ε:
`{epsilon = ε, clustmix = <accuracy>, random_mixing = <accuracy>, spent = <the ClustMix release's privacy.epsilon>}`.
]]
function tstr(seed, epsilons)
  -- BEGIN SOLUTION
  local private, test = pl.data.blobs { n = 800, features = 6, classes = 4, std = 0.5, box = 1, seed = seed }:split { test = 300, seed = 1 }
  local rows = {}
  for i, e in ipairs(epsilons) do
    local cm, priv = pl.synth.clustmix { data = private, epsilon = e, m = 10, clusters = 2, clip = 2, seed = 1 }
    local rm = pl.synth.random_mixing { data = private, epsilon = e, m = 10, clip = 2, seed = 1 }
    local a, b = pl.logistic {}, pl.logistic {}
    a:fit(cm)
    b:fit(rm)
    rows[i] = { epsilon = e, clustmix = a:accuracy(test), random_mixing = b:accuracy(test), spent = priv.epsilon }
  end
  return rows
  -- END SOLUTION
end

--@ check tstr hidden 4 -- the curve against the engine; more ε buys accuracy; the spend meets the target
local seed = grader.seed % 1000 + 3
local eps = { 1, 4, 16 }
local got = tstr(seed, eps)
expect.truthy(type(got) == "table" and #got == 3, "tstr returns one row per ε")
local private, test = pl.data.blobs { n = 800, features = 6, classes = 4, std = 0.5, box = 1, seed = seed }:split { test = 300, seed = 1 }
local want = {}
for i, e in ipairs(eps) do
  local cm, priv = pl.synth.clustmix { data = private, epsilon = e, m = 10, clusters = 2, clip = 2, seed = 1 }
  local rm = pl.synth.random_mixing { data = private, epsilon = e, m = 10, clip = 2, seed = 1 }
  local a, b = pl.logistic {}, pl.logistic {}
  a:fit(cm)
  b:fit(rm)
  want[i] = { epsilon = e, clustmix = a:accuracy(test), random_mixing = b:accuracy(test), spent = priv.epsilon }
end
expect.equal(got, want, "the rows", 1e-9)
expect.truthy(got[3].clustmix > got[1].clustmix, ("ClustMix at ε = 16 (%.3f) beats ε = 1 (%.3f)"):format(got[3].clustmix, got[1].clustmix))
for _, r in ipairs(got) do expect.truthy(r.spent <= r.epsilon * (1 + 1e-6), "the release spends at most its target ε") end
--@ end

--@ question short 1 all-or-nothing -- Short answers
--[[md
## 5. Short answers (1 point, all or nothing)

- `answers.clustmix_label_noise`: are ClustMix's released labels noisy (`true` / `false`)?
- `answers.more_outputs_same_sigma`: at a fixed σ, does releasing more outputs `"raise"` or
  `"keep"` the release's ε?
- `answers.across_clusters`: do the costs of different clusters `"add"` up, or does the release cost
  the `"max"` of them?
]]
answers = {}
answers.clustmix_label_noise = false -- SOLUTION
answers.more_outputs_same_sigma = "raise" -- SOLUTION
answers.across_clusters = "max" -- SOLUTION

--@ check short hidden 1 -- all three
expect.equal(answers.clustmix_label_noise, false, "answers.clustmix_label_noise")
expect.equal(answers.more_outputs_same_sigma, "raise", "answers.more_outputs_same_sigma")
expect.equal(answers.across_clusters, "max", "answers.across_clusters")
--@ end
