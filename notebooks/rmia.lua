--[[md
# Membership inference with few reference models: RMIA against LiRA and the shadow attack

The strongest membership-inference attacks compare the target with *reference models* — models of
the same architecture trained by the attacker on data whose membership they know. LiRA (Carlini et
al., S&P 2022) fits Gaussians to a record's confidence under reference models trained with (IN) and
without (OUT) it; RMIA (Zarifzadeh, Liu & Shokri, ICML 2024) asks how often a record is more likely
under the target than a *population* record, each relative to its probability under the reference
models. RMIA's claim: it stays strong when reference models are few — the regime an attacker with a
training budget lives in — where LiRA needs dozens.

This notebook trains one set of 64 reference models, shares it between RMIA, LiRA (online and
offline, per-example and global variance) and a loss threshold, and sweeps the number of reference
models used (1, 2, 4, 8, 16, 64). The shadow-model attack of Shokri et al. trains its own shadows
(it needs a held-out half per shadow) on the same attacker data, as many as the others use.
Figures: AUC and TPR at 0.1% and 1% FPR (log-log ROC, the LiRA paper's convention), with
bootstrap intervals where two attacks are compared. Run with `privlab run notebooks/rmia.lua`.
]]
local P = pl.params { n = 2000, attacker = 2000, epochs = 30, refs = 64, bootstrap = 200, seed = 1 }

local full = pl.data.fashion_mnist { split = "train" }
local test = pl.data.fashion_mnist { split = "test" }
-- Disjoint: the target's members, the attacker's own records (train split) and non-members (test split).
local rest, members = full:split { test = P.n, seed = P.seed }
local attacker = rest:sample { n = P.attacker, seed = P.seed + 1 }
local nonmembers = test:sample { n = P.n, seed = P.seed + 2 }
local candidates = members:concat(nonmembers)

local model = pl.mlp { hidden = { 256 }, optimizer = "adam", lr = 1e-3, epochs = P.epochs, batch = 64, seed = P.seed }
local target = model:clone()
pl.time("target training", target.fit, target, members)
print(("target: MLP 784-256-10 (Adam, %d epochs) on %d records: train accuracy %.4f, test accuracy %.4f")
  :format(P.epochs, members:size(), target:accuracy(members), target:accuracy(nonmembers)))

--[[md
## One set of reference models for every attack

The reference models copy the target's architecture and training (the attacker knows them) and
each trains on a random half of a pool: the attacker's records plus the candidate records whose
membership is asked, so every candidate is IN about half the models — what online attacks need.
Offline attacks use only the models a candidate was OUT of. Model *i* depends only on the seed and
*i*, so the first *k* of the 64 are exactly the models a run with *k* would train.
]]
local t0 = pl.clock()
local refs = pl.attack.reference_models { model = model, data = attacker, candidates = candidates, count = P.refs, seed = P.seed }
local train_s = pl.clock() - t0
print(refs)

local ks = {}
for _, k in ipairs { 1, 2, 4, 8, 16, 64 } do if k <= P.refs then ks[#ks + 1] = k end end
local attacks = {
  { name = "RMIA offline", min = 1, make = function(k) return pl.attack.rmia { target = target, reference_models = refs, references = k, seed = P.seed } end },
  { name = "RMIA online", min = 1, make = function(k) return pl.attack.rmia { target = target, reference_models = refs, references = k, online = true, seed = P.seed } end },
  { name = "LiRA offline, per-example", min = 2, make = function(k) return pl.attack.lira { target = target, reference_models = refs, shadows = k, online = false } end },
  { name = "LiRA offline, global", min = 2, make = function(k) return pl.attack.lira { target = target, reference_models = refs, shadows = k, online = false, global_variance = true } end },
  { name = "LiRA online, per-example", min = 2, make = function(k) return pl.attack.lira { target = target, reference_models = refs, shadows = k } end },
  { name = "LiRA online, global", min = 2, make = function(k) return pl.attack.lira { target = target, reference_models = refs, shadows = k, global_variance = true } end },
  { name = "loss, threshold on references", min = 1, make = function(k) return pl.attack.metric { target = target, reference_models = refs, shadows = k } end },
  -- attack_model fixed to the pre-"auto" default (one global logistic regression), so the sweep compares numbers of shadows, not attack models.
  { name = "shadow models (own shadows)", min = 1, make = function(k) return pl.attack.shadow { target = target, data = attacker, shadows = k, train_size = P.n, attack_model = "logistic", seed = P.seed } end },
}

local function evaluate(a, boot)
  return a:evaluate { members = members, nonmembers = nonmembers, fpr = { 0.001, 0.01 }, bootstrap = boot and P.bootstrap or 0, seed = P.seed }
end

--[[md
## AUC and TPR at low FPR against the number of reference models
]]
local rows, series, results = {}, {}, {}
local score_s = 0
for _, at in ipairs(attacks) do
  local xs, auc, tpr1 = {}, {}, {}
  results[at.name] = {}
  for _, k in ipairs(ks) do
    if k >= at.min then
      local s0 = pl.clock()
      local r = evaluate(at.make(k), k == 2 or k == ks[#ks])
      if at.name ~= "shadow models (own shadows)" then score_s = score_s + pl.clock() - s0 end
      results[at.name][k] = r
      rows[#rows + 1] = { attack = at.name, models = k, auc = r.auc, tpr_at_0_1pct_fpr = r.tpr_at_fpr[0.001], tpr_at_1pct_fpr = r.tpr_at_fpr[0.01] }
      xs[#xs + 1], auc[#auc + 1], tpr1[#tpr1 + 1] = k, r.auc, r.tpr_at_fpr[0.01]
    end
  end
  series[#series + 1] = { name = at.name, x = xs, auc = auc, tpr = tpr1 }
end
pl.report.table(rows, { columns = { "attack", "models", "auc", "tpr_at_0_1pct_fpr", "tpr_at_1pct_fpr" },
                        caption = ("%d members, %d non-members; TPR at 0.1%% FPR rests on the %d highest-scoring non-members"):format(P.n, P.n, math.max(1, P.n // 1000)) })
local function chart(title, ylabel, key, logy)
  local s = {}
  for _, v in ipairs(series) do s[#s + 1] = { name = v.name, x = v.x, y = v[key] } end
  pl.report.chart { kind = "line", title = title, xlabel = "reference (shadow) models", ylabel = ylabel, logx = true, logy = logy, series = s }
end
chart("AUC against the number of reference models", "AUC", "auc", false)
chart("TPR at 1% FPR against the number of reference models", "TPR at 1% FPR", "tpr", false)

--[[md
## The paper's claim, with intervals

Bootstrap intervals (members and non-members resampled separately) for the strongest offline and
online attack of each family, at two reference models and at all of them. "Ahead" below means the
intervals do not overlap; otherwise the difference is within what the sample can resolve.
]]
local function ci(r, f)
  local lo, hi
  if f then lo, hi = r.tpr_at_fpr_ci[f][1], r.tpr_at_fpr_ci[f][2] else lo, hi = r.auc_ci[1], r.auc_ci[2] end
  return ("%.3f [%.3f, %.3f]"):format(f and r.tpr_at_fpr[f] or r.auc, lo, hi)
end
local function compare(a, b, k, f)
  local ra, rb = results[a][k], results[b][k]
  local lo_a, hi_a = table.unpack(f and ra.tpr_at_fpr_ci[f] or ra.auc_ci)
  local lo_b, hi_b = table.unpack(f and rb.tpr_at_fpr_ci[f] or rb.auc_ci)
  if lo_a > hi_b then return a .. " ahead" elseif lo_b > hi_a then return b .. " ahead" else return "intervals overlap" end
end
local claim = {}
for _, k in ipairs { 2, ks[#ks] } do
  for _, pair in ipairs { { "RMIA offline", "LiRA offline, global" }, { "RMIA online", "LiRA online, per-example" } } do
    local a, b = pair[1], pair[2]
    if results[a][k] and results[b][k] then
      claim[#claim + 1] = { models = k, attacks = a .. " vs " .. b, auc_a = ci(results[a][k]), auc_b = ci(results[b][k]), auc_verdict = compare(a, b, k),
                            tpr1_a = ci(results[a][k], 0.01), tpr1_b = ci(results[b][k], 0.01), tpr1_verdict = compare(a, b, k, 0.01) }
    end
  end
end
pl.report.table(claim, { columns = { "models", "attacks", "auc_a", "auc_b", "auc_verdict", "tpr1_a", "tpr1_b", "tpr1_verdict" },
                         caption = ("%d%% bootstrap intervals, %d replicates"):format(95, P.bootstrap) })
local curves = {}
for _, name in ipairs { "RMIA offline", "LiRA offline, global", "RMIA online", "LiRA online, per-example", "loss, threshold on references" } do
  curves[#curves + 1] = { name = name .. " (2)", result = results[name][2] }
end
pl.attack.roc_chart { title = "ROC with two reference models, log-log", table.unpack(curves) }
curves = {}
for _, name in ipairs { "RMIA offline", "LiRA offline, per-example", "RMIA online", "LiRA online, per-example", "shadow models (own shadows)" } do
  curves[#curves + 1] = { name = ("%s (%d)"):format(name, ks[#ks]), result = results[name][ks[#ks]] }
end
pl.attack.roc_chart { title = ("ROC with %d reference models, log-log"):format(ks[#ks]), table.unpack(curves) }

--[[md
## The two RMIA implementations

The authors' code exists twice and the two differ: the library (`ml_privacy_meter`'s attacks.py:
γ = 1, temperature 1, the softmax probability, plain means, the offline `a` tuned on a reference
model) and the research code (`research/2024_rmia`), whose settings depend on the data set: for
CIFAR-10 (`preset = "paper"`) γ = 2, temperature 2, a soft-margin Taylor softmax (the exponential
replaced by 1 + u + u²/2 + u³/6, margin 0.6 on the true class), 20%-trimmed means and a = 0.3;
for Purchase-100, an MLP like this notebook's target, the same γ and trimming with the plain
softmax at temperature 2 and a = 0.2. All on the same reference models:
]]
local configurations = {
  { name = "library", o = {} },
  { name = "research, CIFAR-10", o = { preset = "paper" } },
  { name = "research, Purchase-100", o = { preset = "paper", signal = "softmax", a = 0.2 } },
}
local prow, collapsed = {}, {}
for _, k in ipairs { 2, ks[#ks] } do
  for _, online in ipairs { false, true } do
    for _, c in ipairs(configurations) do
      local o = { target = target, reference_models = refs, references = k, online = online, seed = P.seed }
      for key, v in pairs(c.o) do if not (online and key == "a") then o[key] = v end end
      local a = pl.attack.rmia(o)
      local r = evaluate(a, false)
      prow[#prow + 1] = { configuration = c.name, mode = online and "online" or "offline", models = k, a = a:threat()["offline a"] or "—",
                          auc = r.auc, tpr_at_0_1pct_fpr = r.tpr_at_fpr[0.001], tpr_at_1pct_fpr = r.tpr_at_fpr[0.01] }
      if c.name == "research, CIFAR-10" then collapsed[#collapsed + 1] = r.auc end
    end
  end
end
pl.report.table(prow, { columns = { "configuration", "mode", "models", "a", "auc", "tpr_at_0_1pct_fpr", "tpr_at_1pct_fpr" } })
local lo, hi = math.min(table.unpack(collapsed)), math.max(table.unpack(collapsed))
-- What the CIFAR-10 signal meets on this target: its cubic t(u) = 1 + u + u²/2 + u³/6 on the
-- candidates' logits divided by 2, the true class's shifted by the margin.
local function t(u) return 1 + u + u * u / 2 + u * u * u / 6 end
local z, y, broken, negative = target:logits(candidates), candidates:labels(), 0, 0
for i, row in ipairs(z) do
  local own, others = t(row[y[i] + 1] / 2 - 0.6), 0
  for j, v in ipairs(row) do
    if j ~= y[i] + 1 then others = others + t(v / 2) end
    if v / 2 < -1.6 then negative = negative + 1 end
  end
  local p = own / (own + others)
  if not (p > 0 and p < 1) then broken = broken + 1 end
end
print(("The research code's CIFAR-10 signal gives AUC %.3f–%.3f here. On the candidates, %.1f%% of the logits divided by 2 lie below −1.6,"
       .. " where the cubic is negative, and for %.1f%% of the records its 'probability' falls outside (0, 1) (PrivLab floors such a signal at 1e-300;"
       .. " the research code has no guard). Its CIFAR-10 setting was made for wide ResNets; its MLP setting is the Purchase-100 row.")
      :format(lo, hi, 100 * negative / (#z * #z[1]), 100 * broken / #z))

--[[md
## Cost

Training the reference models is the attacks' whole cost; scoring with them is a forward pass per
model and a sort. Wall-clock figures (they vary between runs and machines):
]]
pl.report.table({ { step = ("train %d reference models"):format(P.refs), seconds = train_s },
                  { step = "score every reference-model attack at every count (bootstrap included)", seconds = score_s } },
                { columns = { "step", "seconds" }, wall_clock = true, digits = 1 })
