--[[md
# Assignment: aggregating a SISA ensemble, and what unlearning costs

A SISA ensemble (Bourtoule et al., "Machine Unlearning", S&P 2021) answers with *several*
constituent models, one per shard. In this assignment you write the aggregation rules yourself and
measure the cost of unlearning.

Conventions used throughout:

- `outputs` is a list with one entry per constituent (shard). An entry is a list of rows, one per
  record, each row holding the constituent's class probabilities `{p_0, …, p_{K−1}}` — or `false`
  for an empty shard (it has no model and must be ignored).
- `weights` is a list with one non-negative weight per constituent.
- Class labels are 0-based (the row index of a probability is label + 1).

Run the public checks with `privlab check sisa-aggregation.lua`. The grader runs further, hidden
checks with other inputs, so make your functions general.
]]

--@ question vote 4 -- Weighted majority vote
--[[md
## 1. Weighted majority vote (4 points)

`vote(outputs, weights)` returns a list of labels: each constituent votes for its most probable
class (the lowest class on a tie) with its weight; the class with the largest total weight wins, and
a tie between classes goes to the **lowest** class.
]]
function vote(outputs, weights)
  -- BEGIN SOLUTION
  local n, labels = nil, {}
  for s = 1, #outputs do if outputs[s] then n = #outputs[s]; break end end
  if not n then error("vote: every shard is empty") end
  for i = 1, n do
    local tally, k = {}, 0
    for s = 1, #outputs do
      local rows = outputs[s]
      if rows and weights[s] > 0 then
        local row, best = rows[i], 1
        k = #row
        for c = 2, #row do if row[c] > row[best] then best = c end end
        tally[best] = (tally[best] or 0) + weights[s]
      end
    end
    local winner, most = 1, -1
    for c = 1, k do
      local t = tally[c] or 0
      if t > most then winner, most = c, t end
    end
    labels[i] = winner - 1
  end
  return labels
  -- END SOLUTION
end

--@ check vote public 1 -- two constituents agree
expect.equal(vote({ { { 0.9, 0.1 }, { 0.2, 0.8 } }, { { 0.6, 0.4 }, { 0.3, 0.7 } } }, { 1, 1 }), { 0, 1 })
--@ end

--@ check vote public 1 -- ties between classes go to the lowest class; empty shards are ignored
expect.equal(vote({ { { 0.1, 0.9, 0 } }, false, { { 0.8, 0.1, 0.1 } } }, { 1, 1, 1 }), { 0 })
--@ end

--@ check vote hidden 2 -- matches a reference weighted vote on random outputs
local rng = pl.rng { seed = grader.seed }
local S, n, k = 5, 40, 4
local outputs, weights = {}, {}
for s = 1, S do
  weights[s] = rng:int(3)
  local rows = {}
  for i = 1, n do
    local row, sum = {}, 0
    for c = 1, k do row[c] = rng:uniform(); sum = sum + row[c] end
    for c = 1, k do row[c] = row[c] / sum end
    rows[i] = row
  end
  outputs[s] = rows
end
outputs[3] = false
-- Reference: the weighted vote written independently.
local expected = {}
for i = 1, n do
  local tally = { 0, 0, 0, 0 }
  for s = 1, S do
    if outputs[s] then
      local row, best = outputs[s][i], 1
      for c = 2, k do if row[c] > row[best] then best = c end end
      tally[best] = tally[best] + weights[s]
    end
  end
  local w = 1
  for c = 2, k do if tally[c] > tally[w] then w = c end end
  expected[i] = w - 1
end
expect.equal(vote(outputs, weights), expected, "labels")
--@ end

--@ question mean 3 -- Mean of probabilities
--[[md
## 2. Mean of probabilities (3 points)

`mean_probs(outputs, weights)` returns, for every record, the weighted mean of the constituents'
probability rows (ignoring empty shards): `Σ_s w_s·p_s / Σ_s w_s`.
]]
function mean_probs(outputs, weights)
  -- BEGIN SOLUTION
  local out, total = {}, 0
  for s = 1, #outputs do
    if outputs[s] and weights[s] > 0 then
      total = total + weights[s]
      for i, row in ipairs(outputs[s]) do
        out[i] = out[i] or {}
        for c, p in ipairs(row) do out[i][c] = (out[i][c] or 0) + weights[s] * p end
      end
    end
  end
  for _, row in ipairs(out) do for c = 1, #row do row[c] = row[c] / total end end
  return out
  -- END SOLUTION
end

--@ check mean public 1 -- equal weights
expect.equal(mean_probs({ { { 0.8, 0.2 } }, { { 0.4, 0.6 } } }, { 1, 1 }), { { 0.6, 0.4 } }, "probabilities", 1e-12)
--@ end

--@ check mean hidden 2 -- weights and an empty shard
local rng = pl.rng { seed = grader.seed + 1 }
local a, b = rng:uniform(), rng:uniform()
local w1, w2 = rng:int(5), rng:int(5)
local got = mean_probs({ { { a, 1 - a } }, false, { { b, 1 - b } } }, { w1, 7, w2 })
local m = (w1 * a + w2 * b) / (w1 + w2)
expect.equal(got, { { m, 1 - m } }, "probabilities", 1e-9)
--@ end

--@ question cost 4 -- The cost of unlearning
--[[md
## 3. What unlearning costs (4 points)

Costs are counted in *samples*: one record passing once through training. With N records in S
shards of R slices, and e epochs of training (each slice stage trains 2e/(R+1) epochs on the slices
seen so far), write `expected_single(N, S, R, e)`: the expected number of samples retrained to
forget **one** uniformly random record (Bourtoule et al., §V-A).

Then `measure(train, ids)`: build `pl.sisa{shards = 4, slices = 3, model = pl.softmax{epochs = 3, seed = 1}, seed = 1}`,
fit it on `train`, serve the requests in `ids` **one at a time**, and return the total number of
samples the ensemble reports having retrained (`samples_retrained`).
]]
function expected_single(N, S, R, e)
  return e * N * (2 * R + 1) / (3 * S * R) -- SOLUTION
end

function measure(train, ids)
  -- BEGIN SOLUTION
  local ens = pl.sisa { shards = 4, slices = 3, model = pl.softmax { epochs = 3, seed = 1 }, seed = 1 }
  ens:fit(train)
  local total = 0
  for _, id in ipairs(ids) do total = total + ens:unlearn(id).samples_retrained end
  return total
  -- END SOLUTION
end

--@ check cost public 1 -- the paper's setting: N = 60000, S = 10, R = 5, e = 10
expect.near(expected_single(60000, 10, 5, 10), 44000, 1e-6)
--@ end

--@ check cost hidden 1 -- other settings
local rng = pl.rng { seed = grader.seed + 2 }
for _ = 1, 5 do
  local N, S, R, e = 1000 + rng:int(50000), rng:int(20), rng:int(8), rng:int(20)
  expect.near(expected_single(N, S, R, e), e * N * (2 * R + 1) / (3 * S * R), 1e-6, "expected_single", { relative = true })
end
--@ end

--@ check cost public 1 -- measured cost of two requests
local d = pl.data.blobs { n = 300, features = 4, classes = 3, seed = 3 }
local got = expect.number(measure(d, { 5, 77 }), "measure")
local ens = pl.sisa { shards = 4, slices = 3, model = pl.softmax { epochs = 3, seed = 1 }, seed = 1 }
ens:fit(d)
local want = ens:unlearn(5).samples_retrained + ens:unlearn(77).samples_retrained
expect.near(got, want, 1e-6, "samples retrained")
--@ end

--@ check cost hidden 1 -- measured cost of other requests
local d = pl.data.blobs { n = 300, features = 4, classes = 3, seed = 4 }
local rng = pl.rng { seed = grader.seed + 3 }
local ids = rng:sample(300, 3)
local got = expect.number(measure(d, ids), "measure")
local ens = pl.sisa { shards = 4, slices = 3, model = pl.softmax { epochs = 3, seed = 1 }, seed = 1 }
ens:fit(d)
local want = 0
for _, id in ipairs(ids) do want = want + ens:unlearn(id).samples_retrained end
expect.near(got, want, 1e-6, "samples retrained")
--@ end

--@ question short 2 all-or-nothing -- Short answers
--[[md
## 4. Short answers (2 points, all or nothing)

Set `answers.halving` to the smallest batch size k at which a *batched* request is expected to cost
at least half a full retrain for S = 10, R = 5 (use the analysis, or `ens:expected_cost`), and
`answers.more_shards` to `true` or `false`: does a larger S make a single request cheaper?
]]
answers = {}
answers.halving = 10 -- SOLUTION
answers.more_shards = true -- SOLUTION

--@ check short hidden 2 -- both answers
expect.equal(answers.halving, 10, "answers.halving")
expect.equal(answers.more_shards, true, "answers.more_shards")
--@ end
