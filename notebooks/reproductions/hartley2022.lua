-- Reproduction: Hartley & Tsaftaris 2022, "Unintended memorisation of unique features in neural networks" (arXiv 2205.10079)
-- test run: -P n_train=600 -P n_test=1000 -P seeds=2 -P max_epochs=4 -P patience=2 -P probes=150 -P cnn_n=300 -P cnn_max_epochs=1 -P trace_epochs=2
--[[md
# Reproduction: unintended memorisation of unique features (Hartley & Tsaftaris 2022)

**The paper** (arXiv 2205.10079, May 2022; code github.com/jasminium/feature-memorisation; the
abstract, read in our search corpus and in the code's README, is the source of the paper column
below — the paper's figures and tables were not read here): a
feature that occurs in **one** training image — a small patch, a name on an X-ray — is memorised by
MLPs and CNNs. The scorer knows the feature but not the training data, the weights or the label. It
feeds the model *out-of-distribution* (OOD) probe images three ways — clean, with the feature drawn
in, with a random patch in its place — and compares output distributions by KL divergence:

- **M2** (label-free): mean KL(clean ‖ feature) − mean KL(clean ‖ random); > 0 when the feature
  moves the outputs more than a random patch does;
- **M3** (needs the canary's label y): mean KL(e_y ‖ feature) − mean KL(e_y ‖ random); < 0 when the
  feature pulls the outputs towards y, tested by a one-sided paired t-test and a Mann–Whitney test.

Claims checked here: (1) an MLP memorises the feature (M3 significant), (2) the label-free M2 sees
it, (3) memorisation varies strongly with the training seed, (4) regularisation (dropout, weight
decay, early stopping) does not prevent it, (5) a CNN trained to convergence memorises it too, and
(6) images carrying a unique feature are "highly influential, regardless of the influence the
images's other features" (the abstract, verbatim) — the authors' design places the feature in the most and in the least self-influential
training image (TracIn) and finds it memorised in both.

## The authors' setting, as their code shows it (read at commit e0a62d9)

- `um/um.ipynb` (the README's entry point, "train 100 MLP models on MNIST"): MNIST, the feature
  `artifact = np.zeros((5, 5, 1))` — a **5 × 5 zero patch** — at `artifact_offset = 1` (rows and
  columns 1–5, 0-based), OOD probes = CIFAR-10 in grey, resized to 28 × 28 (`get_cifar_10_grayscale`,
  50,000 images), `lr=3e-4, batch_size=128, epochs=100`, `patience=10`, `optimizer_type='adam'`.
  The `volcano_*.py` scripts (MNIST, Fashion-MNIST, CIFAR-10, CheXpert, CelebA) use the letter **A**
  (`alphabet.get_letter(0)`, a binary 5 × 5 glyph) at the same offset instead.
- `um/models.py` `get_mlp`: Flatten → Dense(512, relu) → Dense(256, relu) → Dense(10, softmax).
- `um/experiment.py` `fit`: Keras `EarlyStopping(monitor="val_loss", patience=patience,
  restore_best_weights=True)` with the **test set as validation data**; every canary gets its own
  model, all from the same seed (`fit_seed=True`, seed 123). Pixels /255, the feature drawn in, then
  normalised by the data set's mean and standard deviation.
- `um/artifacters.py` `ArtifacterRandom`: the control is `np.random.binomial(1, 0.5, (n, 5, 5, 1))`
  — a fresh Bernoulli(½) patch of 0s and 1s per probe.
- `um/metrics.py`: `metric_2` and `metric_3_alt` with Keras's `KLDivergence` (both arguments
  clipped to [1e-7, 1]); **`metric_3_alt` keeps only probes whose own label equals the canary's**
  (`indxs = (labels == label)`) — with CIFAR probes and an MNIST canary, a CIFAR class that shares
  the digit's index, i.e. an arbitrary tenth of the probes. `experiment.py` tests M3 with
  `stats.ttest_rel(kl_2, kl_1, alternative='greater')` and `stats.mannwhitneyu(…, alternative='greater')`;
  M2 is reported without a test.
- `um/influence.py`: self-influence is **TracIn** (Pruthi et al. 2020) — Σ over checkpoints of the
  squared norm of the loss gradient (`run`: all weights of the MLP, `n_layers = 0`) — over 10
  checkpoints picked by `utils.checkpoints_at_reduction` (up to the epoch where the training loss
  has fallen by 95%); `experiment.py` also offers `hardness='conf'` (the last checkpoint's
  confidence) and `'cscore'` (precomputed C-scores). Every released script uses `'tracin'`, to rank
  training images and pick the most and least influential (`get_top_k_influencial`,
  `get_least_k_influencial`) as canaries. So the paper's influence claim is about **where the
  feature is placed** (in a high- or a low-influence image), not about the planted image's rank
  afterwards, which is what `notebooks/memorisation.lua` measured.

## Our setting and its scale-down

- **Data**: Fashion-MNIST stands in for MNIST (not installed here; the authors ran Fashion-MNIST
  too, in `volcano_1.py`): `n_train` training images (default 10,000 of 60,000, for CPU time — a
  smaller set makes one image's share larger; `-P n_train=60000` for the full set), the 10,000 test images as validation data, as the authors (`n_test`). OOD probes: the
  bundled optical digits (1,797 8 × 8 images upscaled to 28 × 28, intensities to [0, 1]) stand in
  for grey CIFAR-10. Pixels stay in [0, 1] (the authors' global mean/std normalisation is an affine
  map of the input, left out).
- **Model and training**: exactly the authors' MLP 784-512-256-10, Adam 3e-4, batch 128, up to
  `max_epochs` = 100 epochs with early stopping on the validation loss, patience 10, best weights
  restored.
- **Scores**: the engine's `pl.memorisation.score` (checked against the authors' formulas, Keras KL
  and SciPy's tests in `Tests/PrivLabTests/MemorisationTests.swift`), on **all** probes (we do not
  copy `metric_3_alt`'s label filter: digit classes have nothing to do with garment classes).
  Significance: p < 0.05 in the code's one-sided paired t-test (the 0.05 level is ours: the code
  fixes none, and the paper's text beyond its abstract was not read here).
- **Controls** (ours, not the paper's): each planted model is compared with the same seed trained
  without the canary, which shows how much of a score the architecture gives to *any* 5 × 5 patch.
- Seeds: `seeds` training seeds (default 3) where the authors train one model per canary.
]]
local P = pl.params { n_train = 10000, n_test = 10000, seeds = 3, max_epochs = 100, patience = 10, probes = 1797, cnn = true, cnn_n = 5000,
                      cnn_max_epochs = 30, trace_epochs = 10, seed = 1 }

local train = pl.data.fashion_mnist { split = "train" }:sample { n = P.n_train, seed = P.seed }
local test = pl.data.fashion_mnist { split = "test" }
if P.n_test < test:size() then test = test:sample { n = P.n_test, seed = P.seed + 1 } end

-- OOD probes: the digits upscaled (nearest neighbour) from 8 × 8 to 28 × 28, intensities 0–16 → 0–1.
local digits = pl.data.digits {}
if P.probes < digits:size() then digits = digits:sample { n = P.probes, seed = P.seed } end
local px = {}
for i, id in ipairs(digits:ids()) do
  local f, img = digits:record(id).features, {}
  for r = 0, 27 do for c = 0, 27 do img[#img + 1] = f[(r * 8 // 28) * 8 + (c * 8 // 28) + 1] / 16 end end
  px[i] = img
end
local probes = pl.data.from_table { x = px, y = digits:labels(), classes = 10, name = "digit probes", image_shape = { 1, 28, 28 } }

-- The two features of the authors' code, both 5 × 5 at a 1-pixel offset (Lua rows/columns from 1).
local zero = pl.memorisation.feature { size = 5, row = 2, col = 2, low = 0, high = 0 }
local letter_a = { size = 5, row = 2, col = 2, pixels = { 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1 } }

-- The canary: a training image chosen at random (the authors: np.random.randint over the training set).
local canary = train:sample { n = 1, seed = P.seed + 3 }:ids()[1]
local label = train:record(canary).label
print(("canary: record %d (%s); %d training images, %d OOD probes"):format(canary, train:class_names()[label + 1], train:size(), probes:size()))

--[[md
### Is the zero patch unique?

A feature is *unique* if no other training image has it. The authors' default (`um.ipynb`) draws a
zero patch at rows and columns 1–5 — the empty border of a centred digit. Below: how many training
images already have exactly zero there (a sample of at most 2,000), and how many pixels planting
changes in the canary.
]]
local function zero_corner(f)
  for r = 1, 5 do for c = 1, 5 do if f[r * 28 + c + 1] ~= 0 then return false end end end
  return true
end
local sample = train:size() > 2000 and train:sample { n = 2000, seed = P.seed + 7 } or train
local already = 0
for _, id in ipairs(sample:ids()) do if zero_corner(sample:record(id).features) then already = already + 1 end end
local changed = 0
do
  local f = train:record(canary).features
  for r = 1, 5 do for c = 1, 5 do if f[r * 28 + c + 1] ~= 0 then changed = changed + 1 end end end
end
local zero_share = already / sample:size()
print(("%.1f%% of %d training images already carry the zero patch; planting it changes %d of the canary's 25 pixels"):format(
  100 * zero_share, sample:size(), changed))

--[[md
## 1–3. The MLP, per training seed, both features

For each seed: the authors' MLP trained on the data with the canary carrying the feature, and the
same seed trained on the unmodified data (control). Each model is scored with the canary's label
(M3, the paper's test) and without it (M2).
]]
local function mlp(seed, extra)
  local o = { hidden = { 512, 256 }, optimizer = "adam", lr = 3e-4, batch = 128, epochs = P.max_epochs, patience = P.patience,
              restore_best = true, seed = seed }
  for k, v in pairs(extra or {}) do o[k] = v end
  return pl.mlp(o)
end
local function fit(model, data)
  local h = model:fit(data, { validation = test })
  return model, #h
end
local function score(model, feature, lab)
  return pl.memorisation.score { model = model, probes = probes, feature = feature, label = lab, seed = P.seed }
end
local function significant(s) return s.p_value < 0.05 and s.m3 < 0 end

local planted = { zero = pl.memorisation.plant { data = train, feature = zero, id = canary },
                  A = pl.memorisation.plant { data = train, feature = letter_a, id = canary } }
local features = { zero = zero, A = letter_a }
local rows, by = {}, { zero = {}, A = {} }
local controls = {}
for s = 1, P.seeds do
  local c, cep = fit(mlp(s), train)
  controls[s] = c
  for _, name in ipairs { "A", "zero" } do
    local m, ep = fit(mlp(s), planted[name])
    local sm, sc = score(m, features[name], label), score(c, features[name], label)
    by[name][s] = { planted = sm, control = sc }
    rows[#rows + 1] = { feature = name, seed = s, epochs = ep, test_acc = m:accuracy(test), m2 = sm.m2, m2_p = sm.m2_p_value,
                        m3 = sm.m3, p_value = sm.p_value, mann_whitney_p = sm.mann_whitney_p, control_m3 = sc.m3, control_p = sc.p_value,
                        control_epochs = cep }
  end
end
pl.report.table(rows, { columns = { "feature", "seed", "epochs", "test_acc", "m2", "m2_p", "m3", "p_value", "mann_whitney_p", "control_m3", "control_p", "control_epochs" },
  caption = "MLP 784-512-256-10 (Adam 3e-4, batch 128, early stopping patience " .. P.patience .. "): the canary's feature on OOD probes; control = same seed without the canary" })

local series = {}
for _, name in ipairs { "A", "zero" } do
  for _, which in ipairs { "planted", "control" } do
    local x, y = {}, {}
    for s = 1, P.seeds do
      local sc = by[name][s][which]
      x[#x + 1] = sc.m3
      y[#y + 1] = -math.log(math.max(sc.p_value, 1e-300), 10)
    end
    series[#series + 1] = { name = ("%s, %s"):format(name, which), x = x, y = y }
  end
end
pl.report.chart { kind = "scatter", title = "Volcano plot (the paper's figure): M3 against −log₁₀ p, one point per seed",
                  xlabel = "M3 (< 0: pulled towards the canary's label)", ylabel = "−log₁₀ p (paired t-test)", series = series }

--[[md
## 4. Regularisation

The authors' `get_mlp_dp` adds dropout 0.5 after both hidden layers; we also try weight decay
(L2 1e-3). Early stopping is on in every run above already. Letter A, seed 1, each with its control.
]]
local regs = { { "dropout 0.5", { dropout = 0.5 } }, { "L2 1e-3", { l2 = 1e-3 } } }
local rrows, reg_scores = {}, {}
for _, r in ipairs(regs) do
  local m, ep = fit(mlp(P.seed, r[2]), planted.A)
  local c = fit(mlp(P.seed, r[2]), train)
  local sm, sc = score(m, letter_a, label), score(c, letter_a, label)
  reg_scores[#reg_scores + 1] = { name = r[1], planted = sm, control = sc }
  rrows[#rrows + 1] = { regulariser = r[1], epochs = ep, test_acc = m:accuracy(test), m3 = sm.m3, p_value = sm.p_value,
                        control_m3 = sc.m3, control_p = sc.p_value }
end
pl.report.table(rrows, { columns = { "regulariser", "epochs", "test_acc", "m3", "p_value", "control_m3", "control_p" },
  caption = "Regularised MLPs (letter A, seed " .. P.seed .. "), early stopping on the validation loss as above" })

--[[md
## 5. A CNN trained to convergence

Two 3 × 3 convolution blocks (32 and 64 filters, max-pooling), 128 units, Adam 1e-3, batch 128,
early stopping on the validation loss (patience 3, best weights restored) within `cnn_max_epochs`
epochs — not a fixed 5 epochs as `notebooks/memorisation.lua` had. CPU cost forces a smaller training
set (`cnn_n` images, default 5,000) whose own randomly chosen image carries the letter A.
]]
local cnn_row
if P.cnn then
  local ctrain = train:sample { n = math.min(P.cnn_n, train:size()), seed = P.seed + 11 }
  local ccanary = ctrain:sample { n = 1, seed = P.seed + 3 }:ids()[1]
  local clabel = ctrain:record(ccanary).label
  local cplanted = pl.memorisation.plant { data = ctrain, feature = letter_a, id = ccanary }
  local function cnn()
    return pl.cnn { channels = { 32, 64 }, hidden = { 128 }, optimizer = "adam", lr = 1e-3, batch = 128, epochs = P.cnn_max_epochs,
                    patience = 3, restore_best = true, seed = P.seed }
  end
  local m, ep = fit(cnn(), cplanted)
  local c, cep = fit(cnn(), ctrain)
  local sm, sc = score(m, letter_a, clabel), score(c, letter_a, clabel)
  cnn_row = { model = "CNN", epochs = ep, control_epochs = cep, test_acc = m:accuracy(test), m2 = sm.m2, m3 = sm.m3, p_value = sm.p_value,
              mann_whitney_p = sm.mann_whitney_p, control_m3 = sc.m3, control_p = sc.p_value, planted = sm, control = sc }
  pl.report.table({ cnn_row }, { columns = { "model", "epochs", "control_epochs", "test_acc", "m2", "m3", "p_value", "mann_whitney_p", "control_m3", "control_p" },
    caption = ("CNN on %d images, letter A in record %d"):format(ctrain:size(), ccanary) })
end

--[[md
## 6. Influence: the feature in the most and in the least self-influential image

As the authors' `find_high_low_influence_example`: train the model on the clean data, rank every
training image by TracIn self-influence (`pl.memorisation.influence`, Σ over checkpoints of the
squared loss-gradient norm over all weights; our checkpoints are the ends of `trace_epochs` = 10
epochs, theirs 10 epochs chosen up to 95% loss reduction), then plant the letter A in the most and
in the least influential image and score each planted model.
]]
local traced = pl.memorisation.influence { model = pl.mlp { hidden = { 512, 256 }, optimizer = "adam", lr = 3e-4, batch = 128,
                                                            epochs = P.trace_epochs, seed = P.seed },
                                           data = train, id = canary, trace = true }
local tids = train:ids()
local hi, lo = 1, 1
for i, v in ipairs(traced.scores) do
  if v > traced.scores[hi] then hi = i end
  if v < traced.scores[lo] then lo = i end
end
local irows, infl = {}, {}
for _, which in ipairs { { "most influential", tids[hi], traced.scores[hi] }, { "least influential", tids[lo], traced.scores[lo] } } do
  local id = which[2]
  local lab = train:record(id).label
  local m, ep = fit(mlp(P.seed), pl.memorisation.plant { data = train, feature = letter_a, id = id })
  local sm, sc = score(m, letter_a, lab), score(controls[1], letter_a, lab)
  infl[#infl + 1] = { name = which[1], planted = sm, control = sc }
  irows[#irows + 1] = { canary = which[1], id = id, class = train:class_names()[lab + 1], self_influence = which[3], median = traced.median,
                        epochs = ep, m3 = sm.m3, p_value = sm.p_value, control_m3 = sc.m3, control_p = sc.p_value }
end
pl.report.table(irows, { columns = { "canary", "id", "class", "self_influence", "median", "epochs", "m3", "p_value", "control_m3", "control_p" },
  caption = "The letter A in the most and the least self-influential training image (TracIn on the clean MLP, seed " .. P.seed .. ")" })

--[[md
## Verdicts

Computed from the tables above. A model *memorises* when its M3 is negative with p < 0.05 (our
level for the code's test; see above). Because a 5 × 5 patch can move an untrained-on-it model too, a claim about the
canary also needs the planted models to be significant in more seeds than their controls. Rules:
(1, 2) planted significant in at least half the seeds and in more seeds than the controls (M3 for 1,
M2 > 0 with its t-test p < 0.05 for 2); (3) across seeds the planted models' M3 varies by a factor of
at least 2, or some seeds are significant and others not; (4) every regularised planted model
significant; (5) the CNN significant and its control not; (6) both canaries significant.
]]
local function count(name, which, test_fn)
  local k = 0
  for s = 1, P.seeds do if test_fn(by[name][s][which]) then k = k + 1 end end
  return k
end
local function m2sig(s) return s.m2 > 0 and s.m2_p_value < 0.05 end
local function verdict(ok, why_yes, why_no) return ok and "reproduced" or "not reproduced", ok and why_yes or why_no end

local claims = {}
for _, name in ipairs { "A", "zero" } do
  local kp, kc = count(name, "planted", significant), count(name, "control", significant)
  local v, why = verdict(kp * 2 >= P.seeds and kp > kc, "planted significant in more seeds than the controls",
    (kc > 0 and kc >= kp) and ("the controls, never shown the canary, are significant as often (%d of %d): the score is the patch's, not the canary's"):format(kc, P.seeds)
             or "planted significant in fewer than half the seeds")
  if name == "zero" and zero_share > 0.5 then why = why .. ("; %.0f%% of training images already have the zero patch: it is not unique"):format(100 * zero_share) end
  claims[#claims + 1] = { claim = ("(1) an MLP memorises a unique feature (%s patch)"):format(name == "A" and "letter A" or "zero"),
                          paper = "memorised (abstract); M3 < 0, one-sided paired t-test (code: experiment.py)", ours = ("%d of %d seeds significant; controls %d"):format(kp, P.seeds, kc),
                          verdict = v, why = why }
end
do
  local kp, kc = count("A", "planted", m2sig), count("A", "control", m2sig)
  local v, why = verdict(kp * 2 >= P.seeds and kp > kc, "M2 > 0 significantly without the label, more often than the controls",
                         kc >= kp and "the controls' M2 is as often significant: the letter moves outputs more than random patches even in a model that never saw it"
                                  or "M2 is significant in fewer than half the seeds")
  claims[#claims + 1] = { claim = "(2) the label-free M2 detects it (letter A)", paper = "label-free score (abstract); M2 > 0, reported without a test (code)",
                          ours = ("%d of %d seeds M2 > 0 with p < 0.05; controls %d"):format(kp, P.seeds, kc), verdict = v, why = why }
end
do
  local lo_m3, hi_m3, k = math.huge, -math.huge, count("A", "planted", significant)
  for s = 1, P.seeds do
    local m3 = by.A[s].planted.m3
    lo_m3, hi_m3 = math.min(lo_m3, math.abs(m3)), math.max(hi_m3, math.abs(m3))
  end
  local ok = (lo_m3 > 0 and hi_m3 / lo_m3 >= 2) or (k > 0 and k < P.seeds)
  local v, why = verdict(ok, "|M3| spans a factor ≥ 2 or significance differs across seeds", "M3 is about equal across seeds")
  claims[#claims + 1] = { claim = "(3) memorisation varies strongly with the training seed", paper = "\"significant variation in memorisation with training seed\" (abstract)",
                          ours = ("|M3| from %.3g to %.3g over %d seeds"):format(lo_m3, hi_m3, P.seeds), verdict = v, why = why }
end
do
  local all, parts = true, {}
  for _, r in ipairs(reg_scores) do
    all = all and significant(r.planted)
    parts[#parts + 1] = ("%s: M3 %.3g, p %.2g"):format(r.name, r.planted.m3, r.planted.p_value)
  end
  local v, why = verdict(all, "every regularised model still memorises", "a regulariser removed the significance")
  claims[#claims + 1] = { claim = "(4) regularisation does not prevent it", paper = "\"typical strategies to prevent overfitting do not prevent\" it (abstract)",
                          ours = table.concat(parts, "; "), verdict = v, why = why }
end
if cnn_row then
  local v, why = verdict(significant(cnn_row.planted) and not significant(cnn_row.control), "planted CNN significant, its control not",
                         "the planted CNN is not significant, or its control is too")
  claims[#claims + 1] = { claim = "(5) a CNN trained to convergence memorises it", paper = "MLPs and CNNs memorise (abstract)",
                          ours = ("M3 %.3g, p %.2g (control p %.2g), %d epochs"):format(cnn_row.m3, cnn_row.p_value, cnn_row.control_p, cnn_row.epochs),
                          verdict = v, why = why }
end
do
  local ok = significant(infl[1].planted) and significant(infl[2].planted)
  local v, why = verdict(ok, "memorised in both the most and the least influential image", "not memorised in at least one of them")
  claims[#claims + 1] = { claim = "(6) memorised regardless of the carrying image's influence", paper = "\"highly influential, regardless of the influence\" of the other features (abstract)",
                          ours = ("most: p %.2g; least: p %.2g"):format(infl[1].planted.p_value, infl[2].planted.p_value), verdict = v, why = why }
end
pl.report.table(claims, { columns = { "claim", "paper", "ours", "verdict", "why" }, caption = "Hartley & Tsaftaris 2022: paper | ours | verdict" })
