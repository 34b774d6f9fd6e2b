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

--@ question recurrent 4 -- SISA with recurrent constituents
--[[md
## 5. Recurrent constituents (4 points)

SISA asks nothing of its constituents but deterministic training from their shard's records and a
seed, so a recurrent network is a constituent like any other. The records below are sequences
stored flat: `steps` time steps of equal width, one after another (as `pl.data.symbol_order`
makes them: `steps × symbols` values per record).

Write `recurrent_sisa(train, steps, shards)`: a `pl.sisa` ensemble with `shards` shards, 2 slices,
mean aggregation and seed 1, whose constituent is `pl.rnn{cell = "gru", hidden = 16, …}` reading
each record as `steps` steps, trained for 3 epochs at `lr = 0.01` with seed 1 — fitted on `train`
and returned.

Then `forget(ens, ids)`: remove all the records `ids` in **one** request, with the measured
baselines (`compare = true`), and return a table `{samples = <samples retrained>, exact = <whether
the unlearned ensemble equals a fresh one>}`.
]]
function recurrent_sisa(train, steps, shards)
  -- BEGIN SOLUTION
  local ens = pl.sisa { shards = shards, slices = 2, aggregate = "mean", seed = 1,
                        model = pl.rnn { cell = "gru", hidden = 16, steps = steps, epochs = 3, lr = 0.01, seed = 1 } }
  ens:fit(train)
  return ens
  -- END SOLUTION
end

function forget(ens, ids)
  -- BEGIN SOLUTION
  local r = ens:unlearn(ids, { compare = true })
  return { samples = r.samples_retrained, exact = r.exact }
  -- END SOLUTION
end

--@ check recurrent public 1 -- the ensemble is the one asked for (bit for bit)
local d = pl.data.symbol_order { n = 300, steps = 6, symbols = 4, seed = 2 }
local got = recurrent_sisa(d, 6, 3)
expect.truthy(got and got.fingerprint, "recurrent_sisa must return a fitted pl.sisa ensemble")
local want = pl.sisa { shards = 3, slices = 2, aggregate = "mean", seed = 1,
                       model = pl.rnn { cell = "gru", hidden = 16, steps = 6, epochs = 3, lr = 0.01, seed = 1 } }
want:fit(d)
expect.equal(got:fingerprint(), want:fingerprint(), "fingerprint of the fitted ensemble")
--@ end

--@ check recurrent hidden 2 -- other sequence lengths and shard counts, and one request
local rng = pl.rng { seed = grader.seed + 4 }
local steps, symbols, shards = 4 + rng:int(4), 3 + rng:int(2), 2 + rng:int(3)
local d = pl.data.symbol_order { n = 240, steps = steps, symbols = symbols, seed = grader.seed }
local got = recurrent_sisa(d, steps, shards)
expect.truthy(got and got.fingerprint, "recurrent_sisa must return a fitted pl.sisa ensemble")
local want = pl.sisa { shards = shards, slices = 2, aggregate = "mean", seed = 1,
                       model = pl.rnn { cell = "gru", hidden = 16, steps = steps, epochs = 3, lr = 0.01, seed = 1 } }
want:fit(d)
expect.equal(got:fingerprint(), want:fingerprint(), "fingerprint of the fitted ensemble")
local ids = {}
for i, p in ipairs(rng:sample(d:size(), 3)) do ids[i] = d:ids()[p] end
local r = forget(got, ids)
expect.truthy(type(r) == "table", "forget must return a table")
local ref = want:unlearn(ids)
expect.near(r.samples, ref.samples_retrained, 1e-9, "samples")
expect.equal(r.exact, true, "exact")
expect.equal(got:fingerprint(), want:fingerprint(), "fingerprint after one request for all the ids")
--@ end

--@ check recurrent public 1 -- flat records of the wrong width are refused
local d = pl.data.symbol_order { n = 60, steps = 5, symbols = 3, seed = 1 }
expect.error(function() recurrent_sisa(d, 4, 2) end, "steps = 4")
--@ end

--@ question transfer 5 -- SISA with a public feature extractor
--[[md
## 6. Transfer learning inside SISA (5 points)

Write `transfer_sisa(public, private, shards)`:

1. pre-train `pl.mlp{hidden = {32}, epochs = 3, seed = 1}` on `public` (records nobody will ask to
   delete — here, other classes than the private task's);
2. build a `pl.sisa` ensemble (`shards` shards, 2 slices, mean aggregation, seed 1) whose constituent
   is `pl.transfer{base = <the pre-trained MLP>, layers = 1, frozen = 1, lr = 0.2, epochs = 3, seed = 1}`:
   every shard shares the frozen public layer and trains only its own output layer;
3. fit it on `private` and return it.

Then answer in `transfer_answers`:
- `same_samples`: does freezing the shared layer change the number of *samples* a request
  retrains (`false`), or only what each sample costs (`true`)?
- `private_exact`: had the MLP been pre-trained on `private` itself, would `ens:unlearn(id)` of a
  private record still be exact unlearning (`true` / `false`)?
]]
function transfer_sisa(public, private, shards)
  -- BEGIN SOLUTION
  local base = pl.mlp { hidden = { 32 }, epochs = 3, seed = 1 }
  base:fit(public)
  local ens = pl.sisa { shards = shards, slices = 2, aggregate = "mean", seed = 1,
                        model = pl.transfer { base = base, layers = 1, frozen = 1, lr = 0.2, epochs = 3, seed = 1 } }
  ens:fit(private)
  return ens
  -- END SOLUTION
end

transfer_answers = {}
transfer_answers.same_samples = true -- SOLUTION
transfer_answers.private_exact = false -- SOLUTION

--@ check transfer public 1 -- the ensemble is the one asked for, and trains only its heads
local d = pl.data.blobs { n = 400, features = 8, classes = 4, seed = 5 }
local public, private = d:filter { classes = { 0, 1 } }, d:filter { classes = { 2, 3 }, relabel = true }
local got = transfer_sisa(public, private, 3)
expect.truthy(got and got.fingerprint, "transfer_sisa must return a fitted pl.sisa ensemble")
local base = pl.mlp { hidden = { 32 }, epochs = 3, seed = 1 }
base:fit(public)
local want = pl.sisa { shards = 3, slices = 2, aggregate = "mean", seed = 1,
                       model = pl.transfer { base = base, layers = 1, frozen = 1, lr = 0.2, epochs = 3, seed = 1 } }
want:fit(private)
expect.equal(got:fingerprint(), want:fingerprint(), "fingerprint of the fitted ensemble")
expect.equal(got:trained_parameters(), 3 * (32 * 2 + 2), "trained parameters (the three output layers)")
--@ end

--@ check transfer hidden 2 -- other data and shards; unlearning stays exact
local rng = pl.rng { seed = grader.seed + 5 }
local shards = 2 + rng:int(3)
local d = pl.data.blobs { n = 360, features = 6 + rng:int(4), classes = 4, seed = grader.seed }
local public, private = d:filter { classes = { 0, 1 } }, d:filter { classes = { 2, 3 }, relabel = true }
local got = transfer_sisa(public, private, shards)
expect.truthy(got and got.fingerprint, "transfer_sisa must return a fitted pl.sisa ensemble")
local base = pl.mlp { hidden = { 32 }, epochs = 3, seed = 1 }
base:fit(public)
local function fresh(data)
  local e = pl.sisa { shards = shards, slices = 2, aggregate = "mean", seed = 1,
                      model = pl.transfer { base = base, layers = 1, frozen = 1, lr = 0.2, epochs = 3, seed = 1 } }
  e:fit(data)
  return e
end
expect.equal(got:fingerprint(), fresh(private):fingerprint(), "fingerprint of the fitted ensemble")
local id = private:ids()[1 + rng:int(private:size()) - 1]
got:unlearn(id)
expect.equal(got:fingerprint(), fresh(private:without { id }):fingerprint(), "after unlearning: a fresh ensemble without the record")
--@ end

--@ check transfer hidden 1 -- both answers
expect.equal(transfer_answers.same_samples, true, "transfer_answers.same_samples")
expect.equal(transfer_answers.private_exact, false, "transfer_answers.private_exact")
--@ end
