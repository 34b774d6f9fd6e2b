--[[md
# Approximate unlearning, and an evaluation that can tell

Retraining from scratch without the records to forget is exact but costs a full training run;
SISA (`notebooks/sisa.lua`) makes exact unlearning cheaper by sharding. Most of the literature is
*approximate*: start from the trained model and nudge it until the forgotten records look
forgotten. This notebook runs the baselines such papers compare — on one Fashion-MNIST MLP and one
forget set — and judges them two ways:

- **fine-tuning (FT)** on the retained records; **gradient ascent (GA)** on the forget set;
  **NegGrad+** (Kurmanji et al. 2023: β·CE(retain) − (1 − β)·CE(forget));
  **random labels (RL)**; **SCRUB** (Kurmanji et al. 2023: a student pushed away from the original
  model on the forget set and kept close to it on the retain set); **SalUn** (Fan et al. 2024:
  random labels through the weights most salient to the forget loss only);
- **retraining** from scratch (the reference: its forget set *is* never-seen data) and **SISA**.

The forget set is a random 1% of the training records — the harder, literature-relevant case
(forgetting a whole class is easy to see in the accuracy; forgetting scattered records is not).

The two judges:

- **MIA-efficacy** (Jia et al. 2023; SalUn's evaluation): a classifier on the model's confidence in
  the true label, trained with retained records as members and test records as non-members, applied
  to the forget set: the share it calls non-member. A *population-level* attack.
- **U-LiRA** (Hayes et al. 2024, "Inexact unlearning needs more careful evaluations"): shadow models
  train on random halves of a pool holding the candidates and are unlearnt *the same way*; per
  forgotten record, the likelihood ratio between its confidence under "trained then unlearnt" and
  "never trained". Its AUC against never-seen records is near 0.5 when the method's output is
  indistinguishable from retraining.

Times are wall-clock seconds of unlearning the one target model (they vary between runs).
Run with `privlab run notebooks/unlearning.lua`; `-P shadows=32 -P n_train=10000` for tighter U-LiRA
estimates (SISA's shadows, ensembles themselves, take the longest).
]]
local P = pl.params { n_train = 5000, n_test = 2000, forget_share = 0.01, epochs = 50, shadows = 16, seed = 1 }

local train = pl.data.fashion_mnist { split = "train", n = P.n_train, seed = P.seed }
local test = pl.data.fashion_mnist { split = "test", n = P.n_test, seed = P.seed }
local retain, forget = train:split { test = P.forget_share, seed = P.seed + 1 }
print(("%d training records: %d to forget, %d to retain; %d test records"):format(train:size(), forget:size(), retain:size(), test:size()))

local function mlp(seed)
  return pl.mlp { hidden = { 256 }, optimizer = "adam", lr = 0.001, batch = 64, epochs = P.epochs, seed = seed or P.seed }
end
local model = mlp()
pl.time("train the MLP", model.fit, model, train)
local orig = { forget = model:accuracy(forget), retain = model:accuracy(retain), test = model:accuracy(test) }
print(("original model: forget accuracy %.3f, retain %.3f, test %.3f"):format(orig.forget, orig.retain, orig.test))

--[[md
## The table

Every method starts from the same trained model (each works on a copy) and uses its reference
repository's defaults (`privlab doc unlearn.scrub` etc. say which). SISA is a separate ensemble
(5 shards, 2 slices, the same MLP) trained on the same data, unlearnt in place; its U-LiRA shadows
are SISA ensembles too.
]]
local ens = pl.sisa { model = mlp(), shards = 5, slices = 2, seed = P.seed }
pl.time("train the SISA ensemble", ens.fit, ens, train)

local result = pl.unlearn.evaluate {
  model = model, forget = forget, retain = retain, test = test, sisa = ens, shadows = P.shadows, seed = P.seed,
  methods = { "original", "retrain", "finetune", "gradient_ascent", "neggrad_plus", "random_labels", "scrub", "salun" },
}
local rows, times = {}, {}
local retrain_seconds
for _, r in ipairs(result.rows) do
  if r.method == "retrain" then retrain_seconds = r.seconds end
end
for _, r in ipairs(result.rows) do
  rows[#rows + 1] = { method = r.method, forget_acc = r.forget_accuracy, retain_acc = r.retain_accuracy, test_acc = r.test_accuracy,
                      mia_efficacy = r.mia_efficacy, ulira_auc = r.ulira_auc, ulira_acc = r.ulira_accuracy,
                      ulira_tpr_1pct = r.ulira.tpr_at_fpr[0.01] }
  times[#times + 1] = { method = r.method, seconds = r.seconds, share_of_retrain = r.seconds / retrain_seconds }
end
pl.report.table(rows, { columns = { "method", "forget_acc", "retain_acc", "test_acc", "mia_efficacy", "ulira_auc", "ulira_acc", "ulira_tpr_1pct" },
                        digits = 3,
                        caption = ("Unlearning %d of %d Fashion-MNIST records (MLP 784-256-10); U-LiRA with %d shadows")
                          :format(forget:size(), train:size(), P.shadows) })
pl.report.table(times, { columns = { "method", "seconds", "share_of_retrain" }, wall_clock = true, digits = 3,
                         caption = "seconds to unlearn the target model, and as a share of retraining from scratch" })

local xs, ys, names = {}, {}, {}
for _, r in ipairs(result.rows) do
  if r.method ~= "original" then
    xs[#xs + 1], ys[#ys + 1], names[#names + 1] = math.max(r.seconds, 1e-3), r.ulira_auc, r.method
  end
end
pl.report.chart { kind = "scatter", title = "Time against forgetting (wall-clock, varies between runs)", xlabel = "wall-clock seconds to unlearn (log)",
                  ylabel = "U-LiRA AUC (0.5: as if never trained)", logx = true, height = 460,
                  series = { { name = "methods", x = xs, y = ys, labels = names } } }

--[[md
## What the table says
]]
local by = {}
for _, r in ipairs(result.rows) do by[r.method] = r end
local function gap(name) return by[name].ulira_auc - by.retrain.ulira_auc end
print(("Retraining (the reference): forget accuracy %.3f against a test accuracy of %.3f, U-LiRA AUC %.3f."):format(
  by.retrain.forget_accuracy, by.retrain.test_accuracy, by.retrain.ulira_auc))
print(("The original model (nothing forgotten): forget accuracy %.3f, MIA-efficacy %.3f, U-LiRA AUC %.3f."):format(
  by.original.forget_accuracy, by.original.mia_efficacy, by.original.ulira_auc))
local fooled = {}
for _, name in ipairs { "FT", "GA", "NegGrad+", "RL", "SCRUB", "SalUn" } do
  local r = by[name]
  print(("%-8s forget accuracy %.3f, MIA-efficacy %.3f (retrain %.3f), U-LiRA AUC %.3f (%+.3f against retraining)"):format(
    name, r.forget_accuracy, r.mia_efficacy, by.retrain.mia_efficacy, r.ulira_auc, gap(name)))
  if r.mia_efficacy >= by.retrain.mia_efficacy - 0.05 and gap(name) > 0.05 then fooled[#fooled + 1] = name end
end
print(("SISA: forget accuracy %.3f, U-LiRA AUC %.3f."):format(by.SISA.forget_accuracy, by.SISA.ulira_auc))
local unmoved = {}
for _, name in ipairs { "FT", "GA", "NegGrad+", "RL", "SCRUB", "SalUn" } do
  if by[name].forget_accuracy >= by.original.forget_accuracy - 0.02 then unmoved[#unmoved + 1] = name end
end
print(#unmoved > 0 and ("Forget accuracy within 0.02 of the original model's (%.3f) after: %s."):format(by.original.forget_accuracy, table.concat(unmoved, ", "))
  or "Every approximate method lowered the forget accuracy by more than 0.02.")
-- Hanley & McNeil's standard error of an AUC of 0.5 with n forgotten and n never-seen records.
local n = forget:size()
local se = math.sqrt((0.25 + 2 * (n - 1) * (1 / 3 - 0.25)) / (n * n))
print(("With %d forgotten and %d never-seen records, an AUC of 0.5 has a standard error of %.3f: U-LiRA differences smaller than about %.2f are noise."):format(n, n, se, 2 * se))
print(#fooled > 0 and ("Methods whose MIA-efficacy is within 0.05 of retraining's while U-LiRA sits more than 0.05 above it: %s.")
  :format(table.concat(fooled, ", ")) or "No method looks forgotten to MIA-efficacy while U-LiRA still detects it, at these settings.")

--[[md
Reading the numbers: the population-level MIA-efficacy asks whether forgotten records *look like
test records on average*; U-LiRA asks, record by record, whether the model's confidence on it is
what unlearning (with this method) leaves behind or what never training leaves behind. A method can
pass the first and fail the second — Hayes et al.'s point; whether it happens here is the line
printed above, decided from the measured rows (MIA-efficacy within 0.05 of retraining's, U-LiRA
more than 0.05 above it). The forget set is small, so read U-LiRA's AUCs against the standard error
printed above; exact methods (retraining, SISA) sit near 0.5 by construction, and any spread around
it is that noise. The methods run with their reference repositories' hyper-parameters, which were
tuned for ResNets on CIFAR, not for this MLP; the line above lists those that left the forget
accuracy where the original model had it — for them, compare the U-LiRA AUC with the original
model's row rather than with retraining's.
]]

--[[md
## The same methods, pushed to forget

With their references' defaults most methods above barely moved this model. Here each runs with a
ten-fold learning rate (GA two-fold: it diverges quickly), on the same split with freshly drawn
shadows, and is compared with the retraining row above.
]]
local tuned = pl.unlearn.evaluate {
  model = model, forget = forget, retain = retain, test = test, shadows = P.shadows, seed = P.seed,
  methods = { { method = "finetune", lr = 0.1 }, { method = "gradient_ascent", lr = 0.02 }, { method = "neggrad_plus", lr = 0.1 },
              { method = "random_labels", lr = 0.1 }, { method = "scrub", lr = 0.005 }, { method = "salun", lr = 0.13 } },
}
local trows, ttimes, fooled_tuned = {}, {}, {}
for _, r in ipairs(tuned.rows) do
  trows[#trows + 1] = { method = r.method, forget_acc = r.forget_accuracy, retain_acc = r.retain_accuracy, test_acc = r.test_accuracy,
                        mia_efficacy = r.mia_efficacy, ulira_auc = r.ulira_auc, ulira_acc = r.ulira_accuracy }
  ttimes[#ttimes + 1] = { method = r.method, seconds = r.seconds, share_of_retrain = r.seconds / retrain_seconds }
  if r.mia_efficacy >= by.retrain.mia_efficacy - 0.05 and r.ulira_auc - by.retrain.ulira_auc > 0.05 then fooled_tuned[#fooled_tuned + 1] = r.method end
end
pl.report.table(trows, { columns = { "method", "forget_acc", "retain_acc", "test_acc", "mia_efficacy", "ulira_auc", "ulira_acc" }, digits = 3,
                         caption = ("Pushed to forget: retraining had forget accuracy %.3f, MIA-efficacy %.3f, U-LiRA AUC %.3f")
                           :format(by.retrain.forget_accuracy, by.retrain.mia_efficacy, by.retrain.ulira_auc) })
pl.report.table(ttimes, { columns = { "method", "seconds", "share_of_retrain" }, wall_clock = true, digits = 3,
                          caption = "seconds to unlearn, pushed to forget" })
print(#fooled_tuned > 0 and ("Pushed to forget, MIA-efficacy within 0.05 of retraining's (or above) while U-LiRA sits more than 0.05 above retraining's: %s.")
  :format(table.concat(fooled_tuned, ", ")) or "Pushed to forget, no method passes MIA-efficacy while U-LiRA still detects it.")

--[[md
The line above is the comparison the issue asks about, decided from the measured rows: a method
listed there looks forgotten to the population-level attack while the per-example one still tells
its forgotten records from never-seen ones. Weigh a listed method's U-LiRA gap against the standard
error printed in the previous section: with a forget set this small one run is suggestive, not
conclusive (`-P n_train=20000` forgets 200 records and halves the error, at about four times the
run time). A method that drives the forget accuracy far *below* the test accuracy makes its
forgotten records recognisable again — U-LiRA learns from its shadows what that method leaves
behind, so overshooting counts as detected, as it should.
]]
