--[[md
# Membership inference: shadow models, metric attacks and LiRA

A membership-inference attack decides, from a model's outputs, whether a given record was in its
training set. Shokri et al. (S&P 2017) showed it can be learned: train *shadow models* that imitate
the target on data whose membership you know, and learn to tell their outputs on training records
("in") from those on other records ("out"). Simpler attacks threshold one number — the loss (Yeom et
al. 2018), the confidence or the (modified) entropy (Song & Mittal 2021) — and LiRA (Carlini et al.,
S&P 2022) compares the target's confidence with Gaussians fitted to shadow models trained with and
without each record.

This notebook answers four questions with measurements:

8. How well does the shadow-model attack work with each source of shadow data — real records,
   marginal statistics, noisy records, or records synthesised by querying the target?
9. How do the number of classes and the number of training records per class change the attack?
10. How does over-fitting (the train–test gap) drive the attack?
11. What do defenses — L2, dropout, early stopping, temperature, DP-SGD at several ε, a SISA
    ensemble — do to the attacks and to accuracy?

Every evaluation uses as many members as non-members (so accuracy's baseline is 50%), reports the
ROC AUC from scores, the TPR at low FPR (on log-log ROC axes, the LiRA paper's convention) and the
attacker's advantage (max TPR − FPR). Run with `privlab run notebooks/shadow_models.lua`.
]]
local P = pl.params { n_target = 2000, epochs = 40, shadows = 4, lira_shadows = 8, attacker = 6000, seed = 1 }

local full = pl.data.fashion_mnist { split = "train" }
local test = pl.data.fashion_mnist { split = "test" }
-- Disjoint pools: the target's training set, the attacker's data, and non-members from the test split.
local rest, members = full:split { test = P.n_target, seed = P.seed }
local attacker = rest:sample { n = P.attacker, seed = P.seed + 1 }
local nonmembers = test:sample { n = P.n_target, seed = P.seed + 2 }

local function mlp(extra)
  local o = { hidden = { 256 }, optimizer = "adam", lr = 1e-3, epochs = P.epochs, batch = 64, seed = P.seed }
  for k, v in pairs(extra or {}) do o[k] = v end
  return pl.mlp(o)
end
local target = mlp()
pl.time("target training", target.fit, target, members)
local train_acc, test_acc = target:accuracy(members), target:accuracy(nonmembers)
print(("target: MLP 784-256-10 (Adam, %d epochs) on %d Fashion-MNIST records: train accuracy %.4f, test accuracy %.4f, gap %.4f")
  :format(P.epochs, members:size(), train_acc, test_acc, train_acc - test_acc))

local function row(name, r, extra)
  local t = { attack = name, auc = r.auc, accuracy = r.accuracy, advantage = r.advantage,
              tpr_at_1pct_fpr = r.tpr_at_fpr[0.01], tpr_at_0_1pct_fpr = r.tpr_at_fpr[0.001] }
  for k, v in pairs(extra or {}) do t[k] = v end
  return t
end
local cols = { "attack", "auc", "accuracy", "advantage", "tpr_at_1pct_fpr", "tpr_at_0_1pct_fpr" }

--[[md
## 8. Shadow-model attacks by source of shadow data

Four shadow models copy the target's architecture and training (the attacker knows them) and
train on records the attacker holds. The attack model is PrivLab's default, `attack_model =
"auto"`: one shadow is held out, twelve candidates — logistic regression, boosted trees or an MLP;
one per class or one global; on probabilities or log-probabilities — are fitted on the other three,
the one with the highest AUC on the held-out shadow's in/out records is refitted on all four. The
target is not queried to choose. (The paper trains one MLP per class on the raw probabilities,
which is weaker where probabilities saturate — `bench/run.py --attack-strength` compares the fixed
choices with scikit-learn's on the same records.) The sources: *real* records from the same
population (disjoint from the target's training set); *marginals*: every pixel drawn independently
from its distribution within the class; *noisy*: real records with 10% or 20% of their pixels
redrawn.
]]
local sources = {
  { "real", {} }, { "marginals", { source = "marginals" } },
  { "noisy 10%", { source = "noisy", noise = 0.1 } }, { "noisy 20%", { source = "noisy", noise = 0.2 } },
}
local rows, results = {}, {}
for _, s in ipairs(sources) do
  local o = { target = target, data = attacker, shadows = P.shadows, train_size = members:size(), seed = P.seed }
  for k, v in pairs(s[2]) do o[k] = v end
  local a = pl.attack.shadow(o)
  local r = a:evaluate { members = members, nonmembers = nonmembers }
  local info = a:info()
  rows[#rows + 1] = row("shadow (" .. s[1] .. ")", r, { shadow_gap = info.shadow_train_accuracy - info.shadow_test_accuracy, attack_model = r.attack_model })
  results[s[1]] = r
end
pl.report.table(rows, { columns = { "attack", "attack_model", "auc", "accuracy", "advantage", "tpr_at_1pct_fpr", "tpr_at_0_1pct_fpr", "shadow_gap" },
                        caption = ("Shadow-model attack against the Fashion-MNIST MLP, %d members + %d non-members"):format(members:size(), nonmembers:size()) })
print(results.real.notes[1])
for i = 2, #results.real.notes do print(results.real.notes[i]) end
pl.report.table(results.real.attack_model_candidates, { columns = { "model", "per_class", "features", "held_out_auc", "chosen" },
                caption = "The automatic choice (real shadow data): every candidate's AUC on the held-out shadow" })

-- Per class: some classes leak more than others.
local names = members:class_names()
local pc = {}
for _, c in ipairs(results.real.per_class) do
  pc[#pc + 1] = { class = names[c.class + 1], records = c.n, auc = c.auc }
end
pl.report.table(pc, { columns = { "class", "records", "auc" }, caption = "Shadow-model attack (real data): AUC per class" })

--[[md
Model-based synthesis needs no data at all: it hill-climbs random records until the target
classifies them confidently (Shokri et al., Algorithm 1) — practical for binary features, so it is
shown on the Purchase-like data set (600 binary features, shopping-basket style), with its query
cost.
]]
local purchase = pl.data.purchase { n = 6000, classes = 20, signature = 0.03, seed = P.seed }
local p_rest, p_members = purchase:split { test = 1000, seed = P.seed }
local p_attacker, p_non = p_rest:split { test = 1000, seed = P.seed + 1 }
local p_target = mlp { hidden = { 128 }, epochs = 30 }
p_target:fit(p_members)
print(("Purchase-like target (20 classes, %d records): train accuracy %.4f, test accuracy %.4f")
  :format(p_members:size(), p_target:accuracy(p_members), p_target:accuracy(p_non)))
local prow = {}
for _, s in ipairs {
  { "real", {} }, { "marginals", { source = "marginals" } }, { "noisy 10%", { source = "noisy", noise = 0.1 } },
  { "noisy 20%", { source = "noisy", noise = 0.2 } },
  { "synthesis", { source = "synthesis", synthetic = 2000, k_max = 64, k_min = 4, conf_min = 0.5, rej_max = 10, iter_max = 300 } },
} do
  local o = { target = p_target, data = p_attacker, shadows = P.shadows, train_size = p_members:size(), seed = P.seed }
  for k, v in pairs(s[2]) do o[k] = v end
  local a = pl.attack.shadow(o)
  local r = a:evaluate { members = p_members, nonmembers = p_non }
  -- The fixed logistic regression beside it (not for synthesis: its hill climbing would run again).
  local fixed = { auc = "—" }
  if s[1] ~= "synthesis" then
    o.attack_model = "logistic"
    fixed = pl.attack.shadow(o):evaluate { members = p_members, nonmembers = p_non }
  end
  prow[#prow + 1] = row("shadow (" .. s[1] .. ")", r, { queries_per_record = a:info().synthesis_queries_per_record or 0, attack_model = r.attack_model,
                                                        logistic_auc = fixed.auc })
end
pl.report.table(prow, { columns = { "attack", "attack_model", "auc", "logistic_auc", "accuracy", "advantage", "tpr_at_1pct_fpr", "queries_per_record" },
                        caption = "Shadow-model attack against the Purchase-like MLP (auto's choice and its AUC; logistic_auc: the fixed logistic regression; synthesis queries the target, the others do not)" })
local worst = prow[1]
for _, r in ipairs(prow) do
  if type(r.logistic_auc) == "number" and r.auc - r.logistic_auc < worst.auc - worst.logistic_auc then worst = r end
end
print(("largest loss of the automatic choice against the fixed logistic regression: %s, %s chosen, AUC %.3f against %.3f")
  :format(worst.attack, worst.attack_model, worst.auc, worst.logistic_auc))

--[[md
The automatic choice is only as good as the held-out shadow is like the target. With real shadow
data it is; with noisy or synthetic shadow data the candidates are compared on in/out records of
another distribution than the target's members, and the winner there need not win on the target —
the line above names the source where the choice cost most against the fixed logistic regression;
where that loss is large, an attacker without real shadow data does better fixing the attack model.

The same Fashion-MNIST target under the other attacks: thresholds on one signal (calibrated on one
shadow model, globally or per class), LiRA with its shadow models trained on random halves of the
attacker's data plus the candidate records, and the white-box gradient norm.
]]
local catalogue = {
  { "loss (Yeom)", pl.attack.metric { target = target, score = "loss", data = attacker, train_size = members:size(), seed = P.seed } },
  { "confidence", pl.attack.metric { target = target, score = "confidence", data = attacker, train_size = members:size(), seed = P.seed } },
  { "entropy", pl.attack.metric { target = target, score = "entropy", data = attacker, train_size = members:size(), seed = P.seed } },
  { "modified entropy, class-wise", pl.attack.metric { target = target, score = "mentropy", data = attacker, class_wise = true, train_size = members:size(), seed = P.seed } },
  { "correctness", pl.attack.metric { target = target, score = "correctness", data = attacker, train_size = members:size(), seed = P.seed } },
  { "LiRA online", pl.attack.lira { target = target, data = attacker:sample { n = 2 * members:size(), seed = P.seed }, shadows = P.lira_shadows, seed = P.seed } },
  { "LiRA offline, global variance", pl.attack.lira { target = target, data = attacker:sample { n = 2 * members:size(), seed = P.seed }, shadows = P.lira_shadows, online = false, global_variance = true, seed = P.seed } },
  { "white-box gradient norm", pl.attack.gradient { target = target } },
}
local crow, curves = { row("shadow (real)", results.real) }, { { name = "shadow (real)", result = results.real } }
for _, c in ipairs(catalogue) do
  local r = c[2]:evaluate { members = members, nonmembers = nonmembers }
  crow[#crow + 1] = row(c[1], r)
  if c[1] == "loss (Yeom)" or c[1] == "LiRA online" or c[1] == "white-box gradient norm" then curves[#curves + 1] = { name = c[1], result = r } end
end
pl.report.table(crow, { columns = cols, caption = "Attacks against the Fashion-MNIST MLP (accuracy at each attack's own threshold; correctness has no ranking beyond right/wrong)" })
pl.attack.roc_chart { title = "ROC, log-log (Fashion-MNIST MLP)", table.unpack(curves) }
pl.attack.roc_chart { title = "ROC, linear (Fashion-MNIST MLP)", log = false, table.unpack(curves) }

--[[md
Song & Mittal's privacy risk score turns the class-wise modified-entropy statistics of the shadow
model into a per-record probability of membership; the records it flags most are the ones a
defender should worry about:
]]
local mattack = catalogue[4][2]
local risk_m, risk_n = mattack:risk(members), mattack:risk(nonmembers)
local function mean(t) local s = 0; for _, v in ipairs(t) do s = s + v end; return s / #t end
local high_m, high_n = 0, 0
for _, v in ipairs(risk_m) do if v > 0.6 then high_m = high_m + 1 end end
for _, v in ipairs(risk_n) do if v > 0.6 then high_n = high_n + 1 end end
pl.report.table({ { set = "members", mean_risk = mean(risk_m), risk_above_0_6 = high_m },
                  { set = "non-members", mean_risk = mean(risk_n), risk_above_0_6 = high_n } },
                { columns = { "set", "mean_risk", "risk_above_0_6" }, caption = "Privacy risk scores (Song & Mittal 2021)" })

--[[md
## 9. Number of classes and records per class

(From here on the shadow attack's attack model is fixed to one global logistic regression on
log-probabilities — the automatic choice's pick on the Fashion-MNIST target with real shadow data in
the default run, and the fixed default of earlier releases — so that each sweep compares targets,
not attack models, and the run stays short.)

On the Purchase-like generator (same total size, 2 to 100 classes) and on Fashion-MNIST subsets
(2, 5 and all 10 classes): more classes means fewer records per class and more room to memorise
each. Loss attack (threshold from one shadow) and the shadow-model attack.
]]
local krow, kx, ky_loss, ky_shadow = {}, {}, {}, {}
for _, k in ipairs { 2, 10, 20, 50, 100 } do
  local d = pl.data.purchase { n = 6000, classes = k, signature = 0.03, seed = P.seed + k }
  local r0, m = d:split { test = 1000, seed = P.seed }
  local a, n = r0:split { test = 1000, seed = P.seed + 1 }
  local t = mlp { hidden = { 128 }, epochs = 30 }
  t:fit(m)
  local rl = pl.attack.metric { target = t, data = a, train_size = m:size(), seed = P.seed }:evaluate { members = m, nonmembers = n }
  local rs = pl.attack.shadow { target = t, data = a, shadows = P.shadows, train_size = m:size(), attack_model = "logistic", seed = P.seed }:evaluate { members = m, nonmembers = n }
  krow[#krow + 1] = { data = "purchase", classes = k, records_per_class = m:size() // k, gap = t:accuracy(m) - t:accuracy(n),
                      loss_auc = rl.auc, shadow_auc = rs.auc }
  kx[#kx + 1], ky_loss[#ky_loss + 1], ky_shadow[#ky_shadow + 1] = k, rl.auc, rs.auc
end
for _, classes in ipairs { { 0, 1 }, { 0, 1, 2, 3, 4 }, { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 } } do
  local m = members:filter { classes = classes }
  local n = nonmembers:filter { classes = classes }
  local a = attacker:filter { classes = classes }
  local t = mlp()
  t:fit(m)
  local rl = pl.attack.metric { target = t, data = a, train_size = m:size(), seed = P.seed }:evaluate { members = m, nonmembers = n }
  local rs = pl.attack.shadow { target = t, data = a, shadows = P.shadows, train_size = m:size(), attack_model = "logistic", seed = P.seed }:evaluate { members = m, nonmembers = n }
  krow[#krow + 1] = { data = "fashion-mnist", classes = #classes, records_per_class = m:size() // #classes,
                      gap = t:accuracy(m) - t:accuracy(n), loss_auc = rl.auc, shadow_auc = rs.auc }
end
pl.report.table(krow, { columns = { "data", "classes", "records_per_class", "gap", "loss_auc", "shadow_auc" },
                        caption = "Attack AUC against the number of classes (1000 target records for purchase)" })
pl.report.chart { kind = "line", title = "Attack AUC against the number of classes (Purchase-like)", xlabel = "classes", ylabel = "AUC", logx = true,
                  series = { { name = "loss", x = kx, y = ky_loss }, { name = "shadow models", x = kx, y = ky_shadow } } }

local nrow = {}
for _, per in ipairs { 25, 50, 100, 200 } do
  local d = pl.data.purchase { n = per * 20 * 2 + 4000, classes = 20, signature = 0.03, seed = P.seed + 99 }
  local r0, m = d:split { test = per * 20, stratify = true, seed = P.seed }
  local a, n = r0:split { test = per * 20, stratify = true, seed = P.seed + 1 }
  local t = mlp { hidden = { 128 }, epochs = 30 }
  t:fit(m)
  local rl = pl.attack.metric { target = t, data = a, train_size = m:size(), seed = P.seed }:evaluate { members = m, nonmembers = n }
  nrow[#nrow + 1] = { records_per_class = per, train_acc = t:accuracy(m), test_acc = t:accuracy(n), loss_auc = rl.auc, loss_tpr_at_1pct = rl.tpr_at_fpr[0.01] }
end
pl.report.table(nrow, { columns = { "records_per_class", "train_acc", "test_acc", "loss_auc", "loss_tpr_at_1pct" },
                        caption = "Loss attack against the records per class (Purchase-like, 20 classes)" })

--[[md
## 10. Over-fitting drives the attack

The same target trained for more and more epochs: the train–test accuracy gap grows, and the
attacks' AUC with it (Yeom et al. prove the loss attack's advantage is bounded by the
generalisation gap of the loss).
]]
local orow, gx, gy, gy2 = {}, {}, {}, {}
for _, ep in ipairs { 1, 3, 10, 30, 60 } do
  local t = mlp { epochs = ep }
  t:fit(members)
  local gap = t:accuracy(members) - t:accuracy(nonmembers)
  local rl = pl.attack.metric { target = t }:evaluate { members = members, nonmembers = nonmembers }
  local rs = pl.attack.shadow { target = t, data = attacker, shadows = P.shadows, train_size = members:size(), attack_model = "logistic", seed = P.seed }
               :evaluate { members = members, nonmembers = nonmembers }
  orow[#orow + 1] = { epochs = ep, train_acc = t:accuracy(members), test_acc = t:accuracy(nonmembers), gap = gap,
                      loss_gap = t:loss(nonmembers) - t:loss(members), loss_auc = rl.auc, shadow_auc = rs.auc }
  gx[#gx + 1], gy[#gy + 1], gy2[#gy2 + 1] = gap, rl.auc, rs.auc
end
pl.report.table(orow, { columns = { "epochs", "train_acc", "test_acc", "gap", "loss_gap", "loss_auc", "shadow_auc" },
                        caption = "Over-fitting and attack AUC (Fashion-MNIST MLP)" })
pl.report.chart { kind = "scatter", title = "Attack AUC against the train-test gap", xlabel = "train − test accuracy", ylabel = "AUC",
                  series = { { name = "loss", x = gx, y = gy }, { name = "shadow models", x = gx, y = gy2 } } }

--[[md
## 11. Defenses

Each row retrains the target with one defense and runs three attacks: the loss threshold, the
shadow-model attack (whose shadows copy the defended training, as the attacker knows it), and
offline LiRA with a global variance. Temperature here means a softened output at inference
(T = 4): it flattens the probabilities the attacker sees but keeps their order. DP-SGD uses
Poisson sampling, C = 1, δ = 1e-5, σ calibrated to each ε. A SISA ensemble (5 shards, mean of
probabilities) trains every constituent on a fifth of the data.
]]
local defenses = {
  { "none", function() return mlp() end },
  { "L2 1e-3", function() return mlp { l2 = 1e-3 } end },
  { "L2 1e-2", function() return mlp { l2 = 1e-2 } end },
  { "dropout 0.5", function() return mlp { dropout = 0.5 } end },
  { "early stopping", function() return mlp { validation_split = 0.2, patience = 3 } end },
  { "inference temperature 4", function() return mlp { inference_temperature = 4 } end },
  { "DP-SGD ε = 8", function() return mlp { optimizer = "sgd", lr = 0.1, momentum = 0.9, epochs = 15, batch = 128, dp = { clip = 1, epsilon = 8, delta = 1e-5 } } end },
  { "DP-SGD ε = 1", function() return mlp { optimizer = "sgd", lr = 0.1, momentum = 0.9, epochs = 15, batch = 128, dp = { clip = 1, epsilon = 1, delta = 1e-5 } } end },
  { "SISA, 5 shards", function() return pl.sisa { shards = 5, model = mlp(), aggregate = "mean", seed = P.seed } end },
}
local lira_pool = attacker:sample { n = 2 * members:size(), seed = P.seed + 5 }
local drow, dx, dy, dn = {}, {}, {}, {}
for _, d in ipairs(defenses) do
  local t = d[2]()
  t:fit(members)
  local rl = pl.attack.metric { target = t }:evaluate { members = members, nonmembers = nonmembers }
  local rs = pl.attack.shadow { target = t, data = attacker, shadows = P.shadows, train_size = members:size(), attack_model = "logistic", seed = P.seed }
               :evaluate { members = members, nonmembers = nonmembers }
  local rlira = pl.attack.lira { target = t, data = lira_pool, shadows = P.lira_shadows, online = false, global_variance = true, seed = P.seed }
                  :evaluate { members = members, nonmembers = nonmembers }
  local priv = t:privacy()
  -- (ε, δ)-DP bounds every attack's advantage: TPR ≤ e^ε·FPR + δ and TNR ≤ e^ε·FNR + δ give
  -- TPR − FPR ≤ (e^ε − 1 + 2δ)/(e^ε + 1) (Humphries et al. 2023; Yeom et al.'s e^ε − 1 is looser).
  local bound = priv and (math.exp(priv.epsilon) - 1 + 2 * priv.delta) / (math.exp(priv.epsilon) + 1)
  drow[#drow + 1] = { defense = d[1], test_acc = t:accuracy(nonmembers), gap = t:accuracy(members) - t:accuracy(nonmembers),
                      loss_auc = rl.auc, shadow_auc = rs.auc, lira_auc = rlira.auc, lira_tpr_at_1pct = rlira.tpr_at_fpr[0.01],
                      advantage = math.max(rl.advantage, rs.advantage, rlira.advantage),
                      epsilon = priv and priv.epsilon or "—", advantage_bound = bound or "—" }
  dx[#dx + 1], dy[#dy + 1], dn[#dn + 1] = t:accuracy(nonmembers), math.max(rl.auc, rs.auc, rlira.auc), d[1]
end
pl.report.table(drow, { columns = { "defense", "epsilon", "test_acc", "gap", "loss_auc", "shadow_auc", "lira_auc", "lira_tpr_at_1pct", "advantage", "advantage_bound" },
                        caption = "Defenses against membership inference (Fashion-MNIST MLP)" })
pl.report.chart { kind = "scatter", title = "Privacy against utility", xlabel = "test accuracy", ylabel = "strongest attack's AUC",
                  series = { { name = "defenses", x = dx, y = dy, labels = dn } } }

--[[md
Read the table by pairs of columns: a defense is worth having when it lowers the attacks' AUC (and
their TPR at low FPR) more than it costs test accuracy. Temperature rescales the confidences the
attacker sees without changing the predictions, and records keep nearly the same order under every
score, so it hides confidence more than membership — compare its row with "none". Only DP-SGD
comes with a guarantee: `advantage_bound` is the largest TPR − FPR that *any* attack can reach
against an (ε, δ)-DP training run, next to the strongest measured one (`advantage`, the best of the
three attacks). At ε = 8 the bound promises almost nothing, even where the measured attacks are
already close to chance; at ε = 1 it is a real ceiling.
]]

--[[md
## Black-, grey- and white-box on the same target

What the attacker has decides what it can do; `docs/threat_models.md` defines the levels. Here
every level attacks the same Fashion-MNIST target and the same members and non-members. The
shadow-based rows use the same attack model (one global logistic regression), so only the access
changes — except the black-box "scores" row, which is section 8's automatic choice. The levels:

- **black-box, labels only**: the label-only attack (Choquette-Choo et al. 2021), 20 queries per
  record, each image shifted by one pixel;
- **black-box, top-3**: the target behind `pl.defense.output{top_k = 3}` (the three largest
  probabilities released, the rest zero); the shadows copy that release;
- **black-box, scores**: the full probability vector (section 8);
- **grey-box, logits**: the scores before the softmax (`features = "logits"`);
- **grey-box, guessed training**: the attacker knows the family (an MLP trained with Adam) but
  not the width, epochs and L2 — its shadows are `P.guess_hidden` wide, trained `P.guess_epochs`
  epochs with L2 `P.guess_l2` (the target: 256, `P.epochs`, none);
- **grey-box, released layers**: the target's hidden layer is published (as a feature extractor
  is), its head is not, and nothing is queried: the attacker trains a softmax head on its own
  records through that layer and scores by the rebuilt model's loss (`pl.attack.released_layers`);
- **white-box**: every parameter — the gradient norm at each record (Nasr et al. 2019).
]]
local G = pl.params { guess_hidden = 64, guess_epochs = 10, guess_l2 = 1e-3 }
local lrow = {}
local function level(name, how, a, r)
  r = r or a:evaluate { members = members, nonmembers = nonmembers }
  lrow[#lrow + 1] = { level = name, attack = how, auc = r.auc, tpr_at_1pct_fpr = r.tpr_at_fpr[0.01], tpr_at_0_1pct_fpr = r.tpr_at_fpr[0.001],
                      target_queries = a and a:queries() or members:size() + nonmembers:size() }
  return r
end
local function shadow(t, extra)
  local o = { target = t, data = attacker, shadows = P.shadows, train_size = members:size(), attack_model = "logistic", seed = P.seed }
  for k, v in pairs(extra or {}) do o[k] = v end
  return pl.attack.shadow(o)
end
level("black-box: labels only", "label-only, 1-pixel shifts, 20 queries", pl.attack.label_only { target = target, translate = 1, queries = 20, seed = P.seed })
local top3 = pl.defense.output { model = mlp(), top_k = 3 }
top3:fit(members)   -- the same seed and data: the target's weights, behind a top-3 release
level("black-box: top-3 probabilities", "shadow models (logistic)", shadow(top3))
level("black-box: scores", "shadow models (auto: " .. results.real.attack_model .. ")", nil, results.real)
level("grey-box: logits", "shadow models (logistic) on logits", shadow(target, { features = "logits" }))
local guess = mlp { hidden = { G.guess_hidden }, epochs = G.guess_epochs, l2 = G.guess_l2 }
level("grey-box: guessed training", ("shadow models (logistic), shadows %d wide, %d epochs, L2 %g"):format(G.guess_hidden, G.guess_epochs, G.guess_l2),
      shadow(target, { shadow_model = guess }))
local released = pl.attack.released_layers { target = target, data = attacker, seed = P.seed }
level("grey-box: released hidden layer", "own softmax head on the released layer, its loss", released)
level("white-box", "gradient norm", pl.attack.gradient { target = target })
pl.report.table(lrow, { columns = { "level", "attack", "auc", "tpr_at_1pct_fpr", "tpr_at_0_1pct_fpr", "target_queries" },
                        caption = "The same Fashion-MNIST target under each knowledge level (members and non-members as in section 8)" })
local by = {}
for _, r in ipairs(lrow) do by[r.level] = r end
local full = by["black-box: scores"].auc
local function share(k) return (by[k].auc - 0.5) / (full - 0.5) end
print(("above chance, relative to the full scores' shadow attack (AUC %.3f): labels only %.0f%%, top-3 %.0f%%, logits %.0f%%, guessed training %.0f%%, released hidden layer %.0f%% (no query), white-box gradient norm %.0f%%")
  :format(full, 100 * share("black-box: labels only"), 100 * share("black-box: top-3 probabilities"), 100 * share("grey-box: logits"),
          100 * share("grey-box: guessed training"), 100 * share("grey-box: released hidden layer"), 100 * share("white-box")))
local lowest = lrow[1]
for _, r in ipairs(lrow) do if r.auc < lowest.auc then lowest = r end end
print(("lowest: %s, AUC %.3f"):format(lowest.level, lowest.auc))

--[==[md
Read the table top to bottom as more and more of the model in the attacker's hands, and the line
under it as each level's AUC above chance relative to the black-box attacker with the full
probability vector. More access is not automatically a stronger attack: each level comes with
its own signal, and a stronger position with a weaker signal can lose — the gradient norm reads
every parameter but is one number per record, where the shadow attack learns from eleven. What
matters for a defender is how far above chance the lowest row stays (printed last): the released hidden layer, queried never and
combined with a head that saw no member, separates members as far as its row says — a feature
extractor trained on private data is a release of that data —, and truncating the release to the
labels lowers the attack by what the labels-only row says.
]==]

--[[md
## 11 (continued). The attack model's own over-fitting

The attack model is a classifier too, trained on the shadows' in/out records, and it can
over-fit them: the gap between its AUC on its own training records (`attack_training_auc`, the
shadows') and its AUC on the target's members and non-members (held out: records and a model it
never saw) is its generalisation gap. On the Purchase-like target of section 8 (1000 records),
the capacity of the attack model grows down the first table (boosting stages × depth, MLP width),
and its training set — the number of shadows, each 1000 in + 1000 out — grows down the second.
]]
local function attack_fit(extra)
  local o = { target = p_target, data = p_attacker, shadows = P.shadows, train_size = p_members:size(), seed = P.seed }
  for k, v in pairs(extra) do o[k] = v end
  local a = pl.attack.shadow(o)
  local r = a:evaluate { members = p_members, nonmembers = p_non }
  local info = a:info()
  return { training_auc = info.attack_training_auc, held_out_auc = r.auc, gap = info.attack_training_auc - r.auc,
           records = info.attack_training_records, tpr_at_1pct_fpr = r.tpr_at_fpr[0.01] }
end
local caprow = {}
for _, c in ipairs {
  { "logistic regression", { attack_model = "logistic" } },
  { "boosting, 10 stages of depth 1", { attack_model = "boosting", attack_stages = 10, attack_depth = 1 } },
  { "boosting, 100 stages of depth 3", { attack_model = "boosting", attack_stages = 100, attack_depth = 3 } },
  { "boosting, 300 stages of depth 6", { attack_model = "boosting", attack_stages = 300, attack_depth = 6 } },
  { "MLP, 4 hidden units", { attack_model = "mlp", attack_hidden = 4, attack_epochs = 60 } },
  { "MLP, 512 hidden units", { attack_model = "mlp", attack_hidden = 512, attack_epochs = 60 } },
} do
  local r = attack_fit(c[2])
  r.attack_model = c[1]
  caprow[#caprow + 1] = r
end
pl.report.table(caprow, { columns = { "attack_model", "records", "training_auc", "held_out_auc", "gap", "tpr_at_1pct_fpr" },
                          caption = ("Attack-model capacity against its training and held-out AUC (Purchase-like target, %d shadows)"):format(P.shadows) })
local sizerow, sx, sy_train, sy_held = {}, {}, {}, {}
for _, k in ipairs { 1, 2, 4, 8 } do
  -- P.shadows shadows: the capacity table's row already measured it.
  local r = k == P.shadows and caprow[3] or attack_fit { shadows = k, attack_model = "boosting", attack_stages = 100, attack_depth = 3 }
  r.shadows = k
  sizerow[#sizerow + 1] = r
  sx[#sx + 1], sy_train[#sy_train + 1], sy_held[#sy_held + 1] = r.records, r.training_auc, r.held_out_auc
end
pl.report.table(sizerow, { columns = { "shadows", "records", "training_auc", "held_out_auc", "gap", "tpr_at_1pct_fpr" },
                           caption = "Attack-model training size against its training and held-out AUC (boosting, 100 stages of depth 3)" })
pl.report.chart { kind = "line", title = "The attack model's over-fitting against its training set", xlabel = "attack training records", ylabel = "AUC", logx = true,
                  series = { { name = "training (shadows)", x = sx, y = sy_train }, { name = "held out (target)", x = sx, y = sy_held } } }
local best_held, widest = caprow[1], caprow[1]
for _, r in ipairs(caprow) do
  if r.held_out_auc > best_held.held_out_auc then best_held = r end
  if r.gap > widest.gap then widest = r end
end
print(("widest gap: %s, training AUC %.3f against %.3f held out; best on the target: %s (%.3f, gap %.3f); boosting 100×3 with 1 shadow: gap %.3f, with 8: %.3f")
  :format(widest.attack_model, widest.training_auc, widest.held_out_auc, best_held.attack_model, best_held.held_out_auc, best_held.gap,
          sizerow[1].gap, sizerow[#sizerow].gap))

--[[md
The attack model over-fits as any classifier does: a high-capacity model reaches a training AUC
near its ceiling on the shadows' records and gains nothing on the target from it (the line above
names the widest gap and the model best on the target). Its training AUC therefore says nothing
about the attack's strength; only held-out records — other shadows, as `attack_model = "auto"`
uses, or the target's known members — do. More shadows give the attack model more records: the
second table and the line above show what eight times as many do to the gap of 100 boosting
stages of depth 3.
]]
