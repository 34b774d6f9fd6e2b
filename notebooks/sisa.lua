--[[md
# Machine unlearning with SISA

A model trained on personal data may have to *forget* some of it (the GDPR's right to erasure).
Retraining from scratch without the records is exact but costs a full training run per request.
SISA (Bourtoule et al., "Machine Unlearning", IEEE S&P 2021) makes exact unlearning cheap:

- **Sharded**: the training set is split into S disjoint shards; records are placed by their record
  id alone, so deleting one never moves another.
- **Isolated**: one constituent model per shard, trained only on that shard.
- **Sliced**: each shard is split into R slices; the constituent trains on slice 1, then on slices
  1–2, …, with a checkpoint after every stage (2e/(R+1) epochs per stage, so the total cost equals e
  epochs over the shard).
- **Aggregated**: predictions combine the constituents (majority vote, mean probability or a
  stacked meta-learner).

To forget a record, only its shard is retrained, and only from the last checkpoint taken before
the record's slice. This notebook answers six questions with measurements on Fashion-MNIST:

1. How does aggregation (vote / mean / stacking) affect accuracy as the number of shards grows?
2. How long does unlearning take compared with retraining from scratch, for 1…K requests served
   one by one or in a batch?
3. Where does SISA stop paying off?
4. How does the model's architecture change learning and unlearning?
5. What do a feature extractor pre-trained on public data, and shard models sharing their lower
   layers, change in accuracy, unlearning cost and exactness (Q2c, Q4c)?
6. How does SISA behave with recurrent constituents (Q4e)?

Costs are counted in **samples** (one record passing once through training, the paper's unit) —
deterministic, so the tables below reproduce exactly — and measured in wall-clock seconds (marked ⏱;
they vary between runs). Run with `privlab run notebooks/sisa.lua`; `-P n_train=60000` for the
full-size study (`privlab bench sisa` measures the S = 10, R = 5 case on all 60,000 images).
]]
local P = pl.params { n_train = 20000, epochs = 10, requests = 20, cnn_train = 6000, cnn_epochs = 2, forget = 200, seed = 1,
                      n_public = 10000, n_transfer = 10000, rnn_train = 6000, rnn_epochs = 5, rnn_hidden = 64 }

local full = pl.data.fashion_mnist { split = "train" }
local test = pl.data.fashion_mnist { split = "test" }
local train = full:sample { n = P.n_train, seed = P.seed }
print(("%d training records, %d test records, model epochs e = %d"):format(train:size(), test:size(), P.epochs))

local function mlp(seed)
  return pl.mlp { hidden = { 256 }, lr = 0.05, batch = 128, epochs = P.epochs, seed = seed or P.seed }
end
local function sisa(o)
  o.model = o.model or mlp()
  o.seed = o.seed or P.seed
  return pl.sisa(o)
end

--[[md
## 1. Aggregation and the number of shards

One slice per shard (slicing does not change what a constituent learns, only when it is
checkpointed). With more shards every constituent sees fewer records, so each is weaker; the
question is how much aggregation recovers. Stacking holds 10% of the records out of the shards to
train its meta-learner (a softmax regression on the constituents' concatenated probabilities).
]]
local mono = mlp()
pl.time("monolithic MLP", mono.fit, mono, train)
local mono_acc = mono:accuracy(test)
-- The same model with other seeds: differences smaller than this spread are noise.
local lo, hi = mono_acc, mono_acc
for s = 2, 3 do
  local m = mlp(P.seed + s * 100)
  m:fit(train)
  lo, hi = math.min(lo, m:accuracy(test)), math.max(hi, m:accuracy(test))
end
print(("monolithic MLP (no SISA): test accuracy %.4f; over three seeds %.4f … %.4f"):format(mono_acc, lo, hi))

local shard_counts = { 1, 2, 5, 10, 20 }
local rows, series = {}, { vote = {}, mean = {}, stack = {} }
for _, S in ipairs(shard_counts) do
  local row = { S = S, records_per_shard = math.floor(train:size() / S) }
  for _, agg in ipairs { "vote", "mean", "stack" } do
    local e = sisa { shards = S, aggregate = agg }
    e:fit(train)
    row[agg] = e:accuracy(test)
    series[agg][#series[agg] + 1] = row[agg]
  end
  rows[#rows + 1] = row
end
pl.report.table(rows, { columns = { "S", "records_per_shard", "vote", "mean", "stack" },
                        caption = "Test accuracy of SISA ensembles of MLPs (R = 1)" })
pl.report.chart { kind = "line", title = "Test accuracy against the number of shards", xlabel = "shards S", ylabel = "test accuracy",
                  logx = true,
                  series = { { name = "vote", x = shard_counts, y = series.vote }, { name = "mean", x = shard_counts, y = series.mean },
                             { name = "stack", x = shard_counts, y = series.stack },
                             { name = "monolithic", x = { 1, 20 }, y = { mono_acc, mono_acc } } } }

--[[md
Every constituent learns from N/S records, so accuracy falls as S grows: this is the accuracy price
of cheap unlearning. Averaging probabilities keeps more information than counting votes (an unsure
constituent still contributes a little), and stacking learns how much to trust each constituent's
every output, at the price of 10% of the records held out of the shards — compare the columns
against the seed-to-seed spread above before reading much into small differences.

## 2. Unlearning cost against retraining from scratch

S = 10 shards of R = 5 slices. A request names records by id; the ensemble retrains, in each
affected shard, the stages from the earliest slice holding a deleted record. *Sequential*: K
single-record requests served one after another. *Batched*: the K records removed in one request
(each affected shard restarts once, from its earliest affected slice). The *expected* columns are
the paper's analysis for uniformly random records: one request costs e·N·(2R+1)/(3·S·R) samples;
a batch of k costs S·Σ_r [(1−(r−1)/SR)^k − (1−r/SR)^k]·(2e/(R+1))·(N/SR)·Σ_{j≥r} j.
]]
local rng = pl.rng { seed = P.seed + 7 }
local ids = train:ids()
local picks = rng:sample(#ids, P.requests)
local request_ids = {}
for i, p in ipairs(picks) do request_ids[i] = ids[p] end

local ks = {}
for _, k in ipairs { 1, 2, 5, 10, 20, 50, 100 } do if k <= P.requests then ks[#ks + 1] = k end end

local seq = sisa { shards = 10, slices = 5 }
pl.time("SISA S=10 R=5 training", seq.fit, seq, train)
local full_samples = P.epochs * train:size()
local seq_samples, seq_seconds, cum_s, cum_t = {}, {}, 0, 0
for i = 1, P.requests do
  local r = seq:unlearn(request_ids[i])
  cum_s, cum_t = cum_s + r.samples_retrained, cum_t + r.seconds
  seq_samples[i], seq_seconds[i] = cum_s, cum_t
end

local cost_rows, time_rows = {}, {}
local xs, y_seq, y_bat, y_seq_exp, y_bat_exp, y_full = {}, {}, {}, {}, {}, {}
for _, k in ipairs(ks) do
  local b = sisa { shards = 10, slices = 5 }
  b:fit(train)
  local batch = {}
  for i = 1, k do batch[i] = request_ids[i] end
  local r = b:unlearn(batch)
  local es = b:expected_cost { requests = k, records = train:size() }
  local eb = b:expected_cost { requests = k, batched = true, records = train:size() }
  cost_rows[#cost_rows + 1] = { k = k, sequential = seq_samples[k], expected_sequential = es.samples, batched = r.samples_retrained,
                                expected_batched = eb.samples, shards_touched = #r.shards_touched,
                                retrain_from_scratch = k * full_samples }
  time_rows[#time_rows + 1] = { k = k, sequential_s = seq_seconds[k], batched_s = r.seconds }
  xs[#xs + 1], y_seq[#y_seq + 1], y_bat[#y_bat + 1] = k, seq_samples[k], r.samples_retrained
  y_seq_exp[#y_seq_exp + 1], y_bat_exp[#y_bat_exp + 1], y_full[#y_full + 1] = es.samples, eb.samples, full_samples
end
pl.report.table(cost_rows, { columns = { "k", "sequential", "expected_sequential", "batched", "expected_batched", "shards_touched", "retrain_from_scratch" },
                             digits = 6, caption = "Samples retrained to forget k records (S = 10, R = 5); retraining from scratch costs e·N per request" })
pl.report.chart { kind = "line", title = "Unlearning cost in samples (S = 10, R = 5)", xlabel = "records forgotten k", ylabel = "samples retrained",
                  logx = true, logy = true,
                  series = { { name = "sequential (measured)", x = xs, y = y_seq }, { name = "sequential (expected)", x = xs, y = y_seq_exp },
                             { name = "batched (measured)", x = xs, y = y_bat }, { name = "batched (expected)", x = xs, y = y_bat_exp },
                             { name = "one full retrain", x = xs, y = y_full } } }

--[[md
The wall-clock side of the same experiment, next to one retraining from scratch of the monolithic
model (measured, on the data without the first record) — `compare = true` also retrains a fresh
ensemble and checks that the unlearned one is bit-for-bit identical to it:
]]
local check = sisa { shards = 10, slices = 5 }
check:fit(train)
local c = check:unlearn(request_ids[1], { compare = true })
print(("unlearned ensemble identical to a fresh ensemble trained without the record: %s"):format(tostring(c.exact)))
for _, row in ipairs(time_rows) do
  row.monolithic_retrains_s = row.k * c.monolithic.seconds
  row.speedup_sequential = row.monolithic_retrains_s / row.sequential_s
end
pl.report.table(time_rows, { columns = { "k", "sequential_s", "batched_s", "monolithic_retrains_s", "speedup_sequential" }, wall_clock = true, digits = 3,
                             caption = ("unlearning seconds; one monolithic retrain took %.2f s, a fresh ensemble %.2f s"):format(c.monolithic.seconds, c.full_ensemble.seconds) })

--[[md
## 3. Where SISA stops paying off

**Many requests.** A batch of k requests touches more and more shards and earlier slices; once every
shard is hit near its first slice, unlearning costs as much as retraining. The analysis says when
(S = 10, R = 5):
]]
local probe = sisa { shards = 10, slices = 5 }
local thresholds = {}
for _, share in ipairs { 0.25, 0.5, 0.75, 0.9 } do
  local k = 1
  while probe:expected_cost { requests = k, batched = true, records = train:size() }.samples < share * full_samples do k = k + 1 end
  thresholds[#thresholds + 1] = { share_of_full_retrain = share, batched_requests = k }
end
pl.report.table(thresholds, { caption = "Smallest batch whose expected cost reaches a share of a full retrain (S = 10, R = 5)" })

--[[md
**Non-IID shards.** Distribution-aware sharding puts the records most likely to be deleted into a
few shards and late slices, so requests are cheap — but if deletion likelihood correlates with the
label, those shards hold mostly a few classes. Here users of classes 0 (T-shirt) and 1 (trouser)
are ten times more likely to ask for deletion; 20 requests are drawn from them.
]]
local weights, risky = {}, {}
local labels = train:labels()
for i, id in ipairs(ids) do
  local w = (labels[i] == 0 or labels[i] == 1) and 0.5 or 0.05
  weights[id] = w
  if w >= 0.5 then risky[#risky + 1] = id end
end
local rr = pl.rng { seed = P.seed + 11 }
local risky_requests = {}
for i, p in ipairs(rr:sample(#risky, math.min(P.requests, #risky))) do risky_requests[i] = risky[p] end
local nonid_rows = {}
for _, mode in ipairs { "uniform", "aware" } do
  local o = { shards = 10, slices = 5, sharding = mode, aggregate = "mean" }
  if mode == "aware" then o.weights, o.risk_shards = weights, 2 end
  local e = sisa(o)
  e:fit(train)
  local info = e:info()
  local acc = e:accuracy(test)
  -- How concentrated are the classes in the first shard?
  local counts, biggest, total = info.class_counts[1], 0, 0
  for _, n in ipairs(counts) do biggest, total = math.max(biggest, n), total + n end
  local samples = 0
  for _, id in ipairs(risky_requests) do samples = samples + e:unlearn(id).samples_retrained end
  nonid_rows[#nonid_rows + 1] = { sharding = mode, test_accuracy = acc, shard1_largest_class_share = biggest / total,
                                  samples_for_requests = samples, expected_uniform = e:expected_cost { requests = #risky_requests, records = train:size() }.samples }
end
pl.report.table(nonid_rows, { columns = { "sharding", "test_accuracy", "shard1_largest_class_share", "samples_for_requests", "expected_uniform" }, digits = 6,
                              caption = ("%d sequential requests from classes 0–1 (S = 10, R = 5, mean aggregation)"):format(#risky_requests) })

--[[md
Distribution-aware sharding cuts the retraining bill for the likely requests (they land in two
shards and the later slices), but the shards that hold them are no longer samples of the data
distribution, and the ensemble's accuracy pays for it.

## 4. The model's architecture

Softmax regression, the MLP and the CNN (conv 16 → pool → conv 32 → pool → dense 128, Adam) as SISA
constituents (S = 5, R = 3) on a smaller training set, and one request each. A larger model makes
every retrained sample dearer, so the absolute cost of unlearning grows with the model while the
*relative* saving (set by S and R) stays the same.
]]
local small = full:sample { n = P.cnn_train, seed = P.seed + 2 }
local arch_rows, arch_times = {}, {}
local models = {
  { "softmax regression", function() return pl.softmax { lr = 0.1, epochs = P.epochs, seed = P.seed } end },
  { "MLP 784-256-10", function() return mlp() end },
  { "CNN 16-32-128", function() return pl.cnn { channels = { 16, 32 }, hidden = { 128 }, epochs = P.cnn_epochs, batch = 64, lr = 2e-3, seed = P.seed } end },
}
for _, m in ipairs(models) do
  local e = sisa { shards = 5, slices = 3, model = m[2](), aggregate = "mean" }
  local t0 = pl.clock()
  e:fit(small)
  local fit_s = pl.clock() - t0
  local r = e:unlearn(small:ids()[1], { compare = true })
  arch_rows[#arch_rows + 1] = { model = m[1], parameters = e:parameters() // 5, test_accuracy = e:accuracy(test),
                                samples_retrained = r.samples_retrained, stages = r.slices_retrained, exact = tostring(r.exact) }
  arch_times[#arch_times + 1] = { model = m[1], fit_s = fit_s, unlearn_s = r.seconds, monolithic_retrain_s = r.monolithic.seconds,
                                  speedup = r.monolithic.seconds / r.seconds }
end
pl.report.table(arch_rows, { columns = { "model", "parameters", "test_accuracy", "samples_retrained", "stages", "exact" },
                             caption = ("SISA S = 5, R = 3 on %d records, one request (parameters per constituent)"):format(small:size()) })
pl.report.table(arch_times, { columns = { "model", "fit_s", "unlearn_s", "monolithic_retrain_s", "speedup" }, wall_clock = true, digits = 3,
                              caption = "learning and unlearning seconds" })

--[[md
## Isolation: does the ensemble really forget?

A forget set F of training records is removed in one request. If unlearning is exact, the ensemble
must treat F exactly like records it never saw: its accuracy and loss on F must equal those of an
ensemble trained without F. How far they move from the "before" row depends on how much the model
had memorised F — a constituent trained on a small shard over-fits little, so SISA ensembles move
less than the monolithic MLP does between "trained with F" and "trained without F". A batch of
this size also shows question 3 again: it hits nearly every shard early, so it costs close to a
full retrain.
]]
local fr = pl.rng { seed = P.seed + 13 }
local forget_ids = {}
for i, p in ipairs(fr:sample(#ids, P.forget)) do forget_ids[i] = ids[p] end
local forget = train:subset(forget_ids)
local retain = train:without(forget_ids)
local iso = sisa { shards = 10, slices = 5, aggregate = "mean" }
iso:fit(train)
local before = { set = "ensemble before unlearning", forget_acc = iso:accuracy(forget), forget_loss = iso:loss(forget),
                 retain_acc = iso:accuracy(retain), test_acc = iso:accuracy(test) }
local r = iso:unlearn(forget_ids, { compare = true })
local after = { set = "ensemble after unlearning", forget_acc = iso:accuracy(forget), forget_loss = iso:loss(forget),
                retain_acc = iso:accuracy(retain), test_acc = iso:accuracy(test) }
local never = sisa { shards = 10, slices = 5, aggregate = "mean" }
never:fit(retain)
local fresh = { set = "ensemble that never saw F", forget_acc = never:accuracy(forget), forget_loss = never:loss(forget),
                retain_acc = never:accuracy(retain), test_acc = never:accuracy(test) }
local m_with, m_without = mlp(), mlp()
m_with:fit(train)
m_without:fit(retain)
pl.report.table({ before, after, fresh,
                  { set = "monolithic MLP trained with F", forget_acc = m_with:accuracy(forget), forget_loss = m_with:loss(forget),
                    retain_acc = m_with:accuracy(retain), test_acc = m_with:accuracy(test) },
                  { set = "monolithic MLP trained without F", forget_acc = m_without:accuracy(forget), forget_loss = m_without:loss(forget),
                    retain_acc = m_without:accuracy(retain), test_acc = m_without:accuracy(test) } },
                { columns = { "set", "forget_acc", "forget_loss", "retain_acc", "test_acc" },
                  caption = ("|F| = %d records forgotten in one request (S = 10, R = 5)"):format(#forget_ids) })
print(("after unlearning, fingerprint %s; identical to a fresh ensemble without F: %s; %d of 10 shards retrained, %d samples (a full retrain: %d)")
  :format(iso:fingerprint(), tostring(iso:fingerprint() == never:fingerprint()), #r.shards_touched, math.floor(r.samples_retrained), math.floor(r.full_ensemble.samples)))

--[[md
The unlearned ensemble and the ensemble that never saw F are the same model (their parameter
fingerprints are equal), so every number in their rows is equal too: exact unlearning leaves
nothing of F behind — no residual memorisation for a membership-inference attack to find.
]]

--[[md
## 5. Transfer learning and shared lower layers (Q2c, Q4c)

The SISA paper keeps accuracy on hard tasks by giving every shard the same feature extractor,
pre-trained elsewhere (§VII). Here the *public* data are the Fashion-MNIST training images of
classes 0–4 (T-shirt, trouser, pullover, dress, coat) and the *private* task is classes 5–9
(sandal, shirt, sneaker, bag, ankle boot), relabelled 0–4: held-out classes, so nothing private
is in the extractor. The extractor is an MLP 784-256-128 trained on the public images; every
constituent is `pl.transfer{base = extractor, layers = k, frozen = f, head = {…}}`: its first k
layers are copied with their public values, the f lowest of them keep them (only the layers above
train, on features computed once per stage), and a new head follows. Full SISA trains the same
784-256-128 MLP from scratch in every shard. S = 10, R = 5, mean aggregation; one request each
(the first record), `compare = true`.
]]
local pub_classes, priv_classes = { 0, 1, 2, 3, 4 }, { 5, 6, 7, 8, 9 }
local public = full:filter { classes = pub_classes }:sample { n = P.n_public, seed = P.seed + 20 }
local ptrain = full:filter { classes = priv_classes, relabel = true }:sample { n = P.n_transfer, seed = P.seed + 21 }
local ptest = test:filter { classes = priv_classes, relabel = true }
local function deep(seed)
  return pl.mlp { hidden = { 256, 128 }, lr = 0.05, batch = 128, epochs = P.epochs, seed = seed or P.seed }
end
local extractor = deep()
pl.time("extractor pre-trained on the public classes", extractor.fit, extractor, public)
local function transfer(base, layers, frozen, head, lr)
  return pl.transfer { base = base, layers = layers, frozen = frozen, head = head, lr = lr, batch = 128, epochs = P.epochs, seed = P.seed }
end
-- The frozen public extractor: layer 1 (784 → 256) under a linear head (the output layer).
local function frozen_extractor(base) return transfer(base or extractor, 1, 1, {}, 0.2) end
local FULL, FROZEN = "full SISA (784-256-128 from scratch)", "SISA, frozen public layer 1, linear head"
local tl_settings = {
  { FULL, function() return deep() end },
  { FROZEN, function() return frozen_extractor() end },
  { "SISA, frozen public layers 1–2, linear head", function() return transfer(extractor, 2, 2, {}, 0.2) end },
  { "SISA, frozen public layer 1, shard-specific 128-unit head", function() return transfer(extractor, 1, 1, { 128 }, 0.05) end },
  { "SISA, public layers 1–2 fine-tuned", function() return transfer(extractor, 2, 0, {}, 0.05) end },
}
local tl_rows, tl_times = {}, {}
local N = ptrain:size()
for _, s in ipairs(tl_settings) do
  local e = sisa { shards = 10, slices = 5, model = s[2](), aggregate = "mean" }
  local t0 = pl.clock()
  e:fit(ptrain)
  local fit_s = pl.clock() - t0
  local r = e:unlearn(ptrain:ids()[1], { compare = true })
  local trained = e:trained_parameters() // 10
  tl_rows[#tl_rows + 1] = { setting = s[1], test_accuracy = e:accuracy(ptest), trained_per_shard = trained,
                            samples_retrained = r.samples_retrained, expected_samples = e:expected_cost { requests = 1, records = N }.samples,
                            parameter_updates = r.samples_retrained * trained, exact = tostring(r.exact) }
  tl_times[#tl_times + 1] = { setting = s[1], fit_s = fit_s, unlearn_s = r.seconds, full_ensemble_s = r.full_ensemble.seconds,
                              monolithic_s = r.monolithic.seconds, speedup_vs_monolithic = r.monolithic.seconds / r.seconds }
end
-- Monolithic retraining: one model on every private record, retrained from scratch per request.
for _, m in ipairs { { "monolithic MLP, retrained", deep() }, { "monolithic, frozen public layer 1, linear head", frozen_extractor() } } do
  local t0 = pl.clock()
  m[2]:fit(ptrain)
  local fit_s = pl.clock() - t0
  local trained = m[2]:trained_parameters()
  tl_rows[#tl_rows + 1] = { setting = m[1], test_accuracy = m[2]:accuracy(ptest), trained_per_shard = trained,
                            samples_retrained = P.epochs * (N - 1), expected_samples = P.epochs * (N - 1),
                            parameter_updates = P.epochs * (N - 1) * trained, exact = "by definition" }
  tl_times[#tl_times + 1] = { setting = m[1], fit_s = fit_s, unlearn_s = fit_s, monolithic_s = fit_s, speedup_vs_monolithic = 1 }
end
pl.report.table(tl_rows, { columns = { "setting", "test_accuracy", "trained_per_shard", "samples_retrained", "expected_samples", "parameter_updates", "exact" },
                           digits = 6, caption = ("Private task (classes 5–9, %d records), one request; SISA S = 10, R = 5. trained_per_shard: parameters training updates per constituent; parameter_updates = samples × trained parameters (the cost model in units of work)"):format(N) })
pl.report.table(tl_times, { columns = { "setting", "fit_s", "unlearn_s", "full_ensemble_s", "monolithic_s", "speedup_vs_monolithic" }, wall_clock = true, digits = 3,
                            caption = "measured seconds: learning, serving the request, and the two baselines compare = true retrains (a fresh ensemble; the template model on all records)" })
local acc = {}
for _, r in ipairs(tl_rows) do acc[r.setting] = r end
local t_by = {}
for _, r in ipairs(tl_times) do t_by[r.setting] = r end
local full_s, frozen_s = acc[FULL], acc[FROZEN]
print(("frozen public extractor (layer 1, linear head): test accuracy %.4f against %.4f for full SISA; %d trained parameters per shard against %d (%.0f× fewer)")
  :format(frozen_s.test_accuracy, full_s.test_accuracy, frozen_s.trained_per_shard, full_s.trained_per_shard,
          full_s.trained_per_shard / frozen_s.trained_per_shard))
pl.report.timing("one request, SISA with the frozen public extractor", t_by[FROZEN].unlearn_s)
pl.report.timing("one request, full SISA", t_by[FULL].unlearn_s)
print(("copying both public layers instead of one: %.4f frozen, %.4f fine-tuned"):format(acc["SISA, frozen public layers 1–2, linear head"].test_accuracy,
  acc["SISA, public layers 1–2 fine-tuned"].test_accuracy))

--[[md
The *samples* a request retrains are the same in every SISA row: the cost model (Bourtoule et al.
§IV) counts record-epochs, and the shards, slices and records are the same. What a sample costs is
not: with the extractor frozen each sample updates only the output layer, and the stage computes
the extractor's features once instead of back-propagating through them every step. That is where
the measured unlearning time drops. Fine-tuning the copied layers costs as much per sample as full
SISA, but starts from public features. Which layers to share is a transfer question (Yosinski et al.
2014): features higher up are more specific to the public classes, so copying and freezing the
second layer as well transfers less than the first alone (the rows above show by how much).

**What exactness means with a shared part.** All the rows above are exact (`exact = true`:
the unlearned ensemble is bit-for-bit a fresh ensemble without the record) *because the extractor
never saw a private record*: it is part of the model's definition, like its architecture. If the
shared part is trained on the private data itself, it is outside every shard: unlearning retrains
shards, not the extractor, and `compare = true` still says `exact` — relative to a template that
already holds the record. The honest comparison retrains the extractor too. Below, an extractor
pre-trained on the private training set, a forget set F of the training records, and what remains
of F after SISA's unlearning, next to exact retraining of everything without F:
]]
local fr5 = pl.rng { seed = P.seed + 23 }
local pids = ptrain:ids()
local F = {}
for i, p in ipairs(fr5:sample(#pids, P.forget)) do F[i] = pids[p] end
local fset, retain5 = ptrain:subset(F), ptrain:without(F)
local private_extractor = deep()
private_extractor:fit(ptrain)
local leaky = sisa { shards = 10, slices = 5, model = frozen_extractor(private_extractor), aggregate = "mean" }
leaky:fit(ptrain)
local function row(name, m)
  return { model = name, forget_loss = m:loss(fset), forget_acc = m:accuracy(fset), test_loss = m:loss(ptest), test_acc = m:accuracy(ptest) }
end
local before5 = row("private extractor, before unlearning", leaky)
local lr5 = leaky:unlearn(F, { compare = true })
local after5 = row("private extractor, after SISA unlearning", leaky)
local clean_extractor = deep()
clean_extractor:fit(retain5)
local clean = sisa { shards = 10, slices = 5, model = frozen_extractor(clean_extractor), aggregate = "mean" }
clean:fit(retain5)
local exact5 = row("exact: extractor and shards retrained without F", clean)
local pub5 = sisa { shards = 10, slices = 5, model = frozen_extractor(), aggregate = "mean" }
pub5:fit(ptrain)
pub5:unlearn(F)
local public5 = row("public extractor, after SISA unlearning (exact)", pub5)
pl.report.table({ before5, after5, exact5, public5 }, { columns = { "model", "forget_loss", "forget_acc", "test_loss", "test_acc" }, digits = 4,
                  caption = ("|F| = %d forgotten in one request; frozen layer 1 and a linear head, S = 10, R = 5"):format(#F) })
local residue = exact5.forget_loss - after5.forget_loss
print(("compare = true on the private-extractor ensemble reports exact = %s (against the same extractor); against exact retraining the fingerprints are equal: %s")
  :format(tostring(lr5.exact), tostring(leaky:fingerprint() == clean:fingerprint())))
print(("residue: after SISA unlearning F's mean loss is %.4f, after exact retraining %.4f (%s by %.4f); test loss minus forget loss (the membership gap) is %.4f after SISA unlearning against %.4f after exact retraining")
  :format(after5.forget_loss, exact5.forget_loss, residue > 0 and "lower" or "higher", math.abs(residue),
          after5.test_loss - after5.forget_loss, exact5.test_loss - exact5.forget_loss))

--[[md
The extractor trained on the private records keeps what it learnt from F, whatever the shards
forget: the unlearned ensemble is not the model exact retraining gives (the fingerprints differ),
and the line above compares F's loss under both — the signal a membership-inference attacker
reads (records seen in training have lower loss than unseen ones). Exact unlearning with a shared part therefore needs the shared part trained on data no one can ask
to delete — public data, or records whose deletion is out of scope — or retraining it, which is the
monolithic cost again.

## 6. Recurrent constituents (Q4e)

SISA needs nothing from the model but training that is a deterministic function of its records
and seeds, so recurrent networks are constituents like any other. Sequential Fashion-MNIST reads
each image as 28 steps of 28 pixels; the constituent is a GRU (PyTorch's equations, Adam) on
the steps, next to the MLP on the same 784 values. S = 1 is the monolithic model; R = 2 slices.
]]
local seq_train = pl.data.sequential_fashion_mnist { split = "train" }:sample { n = P.rnn_train, seed = P.seed + 30 }
local seq_test = pl.data.sequential_fashion_mnist { split = "test" }
local function gru(seed)
  return pl.rnn { cell = "gru", hidden = P.rnn_hidden, lr = 3e-3, epochs = P.rnn_epochs, batch = 128, seed = seed or P.seed }
end
local rnn_rows = {}
for _, m in ipairs { { ("GRU(%d)"):format(P.rnn_hidden), gru, P.rnn_epochs }, { "MLP 784-256", mlp, P.epochs } } do
  local mono5 = m[2]()
  local t0 = pl.clock()
  mono5:fit(seq_train)
  local mono_s = pl.clock() - t0
  rnn_rows[#rnn_rows + 1] = { model = m[1], S = 1, test_accuracy = mono5:accuracy(seq_test), samples_retrained = (seq_train:size() - 1) * m[3],
                              unlearn_s = mono_s, monolithic_s = mono_s, speedup = 1, exact = "by definition" }
  for _, S in ipairs { 5, 10 } do
    local e = sisa { shards = S, slices = 2, model = m[2](), aggregate = "mean" }
    e:fit(seq_train)
    local r = e:unlearn(seq_train:ids()[1], { compare = true })
    rnn_rows[#rnn_rows + 1] = { model = m[1], S = S, test_accuracy = e:accuracy(seq_test), samples_retrained = r.samples_retrained,
                                unlearn_s = r.seconds, monolithic_s = r.monolithic.seconds, speedup = r.monolithic.seconds / r.seconds,
                                exact = tostring(r.exact) }
  end
end
pl.report.table(rnn_rows, { columns = { "model", "S", "test_accuracy", "samples_retrained", "unlearn_s", "monolithic_s", "speedup", "exact" },
                            wall_clock = true, digits = 4,
                            caption = ("Sequential Fashion-MNIST, %d training records; one request (R = 2, mean aggregation); S = 1: the monolithic model, retrained"):format(seq_train:size()) })
local by = {}
for _, r in ipairs(rnn_rows) do by[r.model .. r.S] = r end
local g = ("GRU(%d)"):format(P.rnn_hidden)
print(("GRU: accuracy %.4f monolithic, %.4f with S = 5, %.4f with S = 10 (the MLP: %.4f, %.4f, %.4f)")
  :format(by[g .. 1].test_accuracy, by[g .. 5].test_accuracy, by[g .. 10].test_accuracy,
          by["MLP 784-256" .. 1].test_accuracy, by["MLP 784-256" .. 5].test_accuracy, by["MLP 784-256" .. 10].test_accuracy))

--[[md
SISA's unlearning is as exact for the GRU as for the MLP (`exact = true`: bit for bit a fresh
ensemble), and its cost follows the same analysis: samples retrained fall as 1/S. The seconds it
saves are more for the GRU, since every retrained sample of back-propagation through 28 steps is
dearer. The price differs: the line above compares how much accuracy each
model loses as its shards shrink — a recurrent model that must learn to integrate 28 steps needs
more records than the MLP to reach its accuracy, so it pays more for small shards.
]]
