--[[md
# Assignment: measuring privacy — leakage, memorisation and auditing a DP claim

Three ways to put a number on what a trained model gives away, each from a different paper:

- **Membership information leakage** (Farokhi & Kaafar 2020): the KL divergence between the
  distribution of the released model with and without one record. For a ridge regression released
  with Gaussian noise on its parameters (output perturbation) it has a closed form.
- **Unintended memorisation of a unique feature** (Hartley & Tsaftaris 2022): a patch planted in
  *one* training image; the scorer compares the model's outputs on out-of-distribution probes with
  the patch against the same probes with a random patch (scores M2 and M3).
- **DP auditing** (Jagielski, Ullman & Oprea, NeurIPS 2020): an attack's true- and false-positive
  counts, with exact confidence intervals, give a *lower* bound on ε. A mechanism whose claimed ε is
  below that bound is refuted.

The engine's own measures (`pl.leakage.kl`, `pl.leakage.monte_carlo`, `pl.memorisation.score`,
`pl.audit.epsilon_lower_bound`, `pl.audit.one_run`, `pl.audit.dp_sgd`) are switched off for you;
the checks compare your code with them. Everything else in `pl` is available.

Conventions: feature rows are lists of numbers, labels are 0-based, probability rows are lists
`{p_0, …, p_{K−1}}`. Run the public checks with `privlab check privacy-measures.lua`.
]]
--@ forbid leakage.kl leakage.monte_carlo memorisation.score audit.epsilon_lower_bound audit.one_run audit.dp_sgd

--@ question leakage 4 -- KL membership leakage of a perturbed ridge regression
--[[md
## 1. Leakage under output perturbation (4 points)

`ridge_fit(x, y, lambda)` returns θ minimising (1/n) Σ (θᵀxᵢ − tᵢ)²/2 + (λ/2)‖θ‖², with tᵢ = +1 for
label 1 and −1 for label 0 and no intercept: the solution of (XᵀX/n + λI) θ = Xᵀt/n (solve the
d × d system yourself, e.g. by Gaussian elimination).

Released with noise N(0, σ²I) on θ, the KL divergence between the release trained on all n records
and the release trained without record i is ‖θ(D) − θ(D₋ᵢ)‖² / 2σ². `kl_leakage(x, y, lambda, sigma)`
returns `{mean_kl = …, max_kl = …, success_bound = …, optimal_success = …}`: the mean and maximum
of those n divergences; the mean over records of the bound on an attacker's success at equal
priors, ½ + min(√(KL/8), ½√(1 − e^{−KL})) (Pinsker and Bretagnolle–Huber); and the mean over
records of the success of the best test, the likelihood-ratio test, Φ(‖θ(D) − θ(D₋ᵢ)‖ / 2σ), with Φ
the standard normal distribution function (Lua has no `erf`: write Φ to within 1e-7, e.g. Abramowitz
& Stegun 7.1.26, or a series).
]]
function ridge_fit(x, y, lambda)
  -- BEGIN SOLUTION
  local n, d = #x, #x[1]
  local a, b = {}, {}
  for i = 1, d do
    a[i], b[i] = {}, 0
    for j = 1, d do a[i][j] = (i == j) and lambda or 0 end
  end
  for r, xi in ipairs(x) do
    local t = y[r] == 1 and 1 or -1
    for i = 1, d do
      b[i] = b[i] + t * xi[i] / n
      for j = 1, d do a[i][j] = a[i][j] + xi[i] * xi[j] / n end
    end
  end
  -- Gaussian elimination with partial pivoting.
  for c = 1, d do
    local p = c
    for r = c + 1, d do if math.abs(a[r][c]) > math.abs(a[p][c]) then p = r end end
    a[c], a[p], b[c], b[p] = a[p], a[c], b[p], b[c]
    for r = c + 1, d do
      local f = a[r][c] / a[c][c]
      for j = c, d do a[r][j] = a[r][j] - f * a[c][j] end
      b[r] = b[r] - f * b[c]
    end
  end
  local theta = {}
  for i = d, 1, -1 do
    local s = b[i]
    for j = i + 1, d do s = s - a[i][j] * theta[j] end
    theta[i] = s / a[i][i]
  end
  return theta
  -- END SOLUTION
end

function normal_cdf(z)
  -- BEGIN SOLUTION
  -- erf by its Taylor series for |x| < 3, by the continued fraction of erfc beyond (both far below 1e-7).
  local x = math.abs(z) / math.sqrt(2)
  local erf
  if x < 3 then
    local term, s, k = x, x, 0
    repeat
      k = k + 1
      term = -term * x * x / k
      local add = term / (2 * k + 1)
      s = s + add
    until math.abs(add) <= 1e-17 * math.abs(s)
    erf = 2 / math.sqrt(math.pi) * s
  else
    local f = x
    for k = 60, 1, -1 do f = x + (k / 2) / f end
    erf = 1 - math.exp(-x * x) / math.sqrt(math.pi) / f
  end
  return z >= 0 and 0.5 * (1 + erf) or 0.5 * (1 - erf)
  -- END SOLUTION
end

function kl_leakage(x, y, lambda, sigma)
  -- BEGIN SOLUTION
  local full = ridge_fit(x, y, lambda)
  local n = #x
  local sum, top, bound, opt = 0, 0, 0, 0
  for i = 1, n do
    local xs, ys = {}, {}
    for r = 1, n do if r ~= i then xs[#xs + 1], ys[#ys + 1] = x[r], y[r] end end
    local t = ridge_fit(xs, ys, lambda)
    local sq = 0
    for j = 1, #t do sq = sq + (full[j] - t[j]) ^ 2 end
    local kl = sq / (2 * sigma * sigma)
    sum, top = sum + kl, math.max(top, kl)
    bound = bound + 0.5 + math.min(math.sqrt(kl / 8), 0.5 * math.sqrt(1 - math.exp(-kl)))
    opt = opt + normal_cdf(math.sqrt(sq) / (2 * sigma))
  end
  return { mean_kl = sum / n, max_kl = top, success_bound = bound / n, optimal_success = opt / n }
  -- END SOLUTION
end

--@ check leakage public 1 -- a 2 × 2 ridge by hand, and Φ
local theta = ridge_fit({ { 1, 0 }, { 0, 1 } }, { 1, 0 }, 1)
expect.equal(theta, { 1 / 3, -1 / 3 }, "θ", 1e-12)
expect.near(normal_cdf(0), 0.5, 1e-7, "Φ(0)")
expect.near(normal_cdf(1.959963984540054), 0.975, 1e-7, "Φ(1.96)")
--@ end

--@ check leakage hidden 3 -- against pl.leakage.kl on unit-ball data from the seed
local n, d = 40 + grader.seed % 30, 2 + grader.seed % 4
local b = pl.data.blobs { n = n, features = d, classes = 2, std = 2, box = 2, seed = grader.seed % 1009 + 1 }
local rows, big = {}, 0
for i, id in ipairs(b:ids()) do
  rows[i] = b:record(id).features
  local s = 0
  for _, v in ipairs(rows[i]) do s = s + v * v end
  big = math.max(big, math.sqrt(s))
end
for _, r in ipairs(rows) do for j = 1, #r do r[j] = r[j] / (big * 1.0001) end end
local data = pl.data.from_table { x = rows, y = b:labels(), classes = 2 }
local x, y = {}, data:labels()
for i, id in ipairs(data:ids()) do x[i] = data:record(id).features end
local lambda = ({ 0.003, 0.01, 0.1, 1 })[grader.seed % 4 + 1]
local sigma = 0.02 + (grader.seed % 7) / 100
local got = kl_leakage(x, y, lambda, sigma)
expect.truthy(type(got) == "table", "kl_leakage returns a table")
local want = pl.leakage.kl { learner = "ridge", data = data, lambda = lambda, sigma = sigma }
expect.near(got.mean_kl, want.mean_kl, 1e-6 * want.mean_kl, "mean_kl (n = " .. n .. ", λ = " .. lambda .. ", σ = " .. sigma .. ")")
expect.near(got.max_kl, want.max_kl, 1e-6 * want.max_kl, "max_kl")
expect.near(got.success_bound, want.success_bound, 1e-7, "success_bound")
expect.near(got.optimal_success, want.optimal_success, 1e-6, "optimal_success")
--@ end

--@ question memorisation 5 time=120 -- A unique feature, planted and scored
--[[md
## 2. Memorisation of a planted patch (5 points)

A feature from `pl.memorisation.feature{size = s, row = r, col = c, seed = …}` is a table
`{size = s, row = r, col = c, channel = 1, pixels = {…s·s values, row by row…}}` with a 1-based
top-left corner. `draw(image, width, patch, feature)` returns a **new** flat image (one channel,
`width` pixels per row, row-major) with the s × s values of `patch` written at the feature's
place; the image passed in is not changed.

`kl(p, q)` is Σ a log(a/b) with a and b the entries of p and q clipped to [1e-7, 1] (as the
paper's Keras code does). `memorisation_score(model, probes, width, feature, controls, label)`
scores a model on a list of probe images: for probe i, the clean image, the image with the feature
drawn in, and the image with `controls[i]` (a random patch of the same size) drawn in. With
y = `label` (the planted record's class, 0-based) and e_y its one-hot vector, return
`{m2 = …, m3 = …, t = …}`:

- M2 = mean KL(p_clean ‖ p_feature) − mean KL(p_clean ‖ p_control);
- M3 = mean KL(e_y ‖ p_feature) − mean KL(e_y ‖ p_control) — negative when the feature pulls the
  outputs towards y;
- t, the paired t statistic of dᵢ = KL(e_y ‖ p_controlᵢ) − KL(e_y ‖ p_featureᵢ): mean(d) / √(s²/n),
  s² the sample variance (divisor n − 1).

Get the probabilities with `model:predict_proba(rows)`.
]]
function draw(image, width, patch, feature)
  -- BEGIN SOLUTION
  local out = {}
  for i, v in ipairs(image) do out[i] = v end
  local s = feature.size
  for i = 0, s - 1 do
    for j = 0, s - 1 do out[(feature.row - 1 + i) * width + feature.col + j] = patch[i * s + j + 1] end
  end
  return out
  -- END SOLUTION
end

function kl(p, q)
  -- BEGIN SOLUTION
  local s = 0
  for i = 1, #p do
    local a, b = math.min(math.max(p[i], 1e-7), 1), math.min(math.max(q[i], 1e-7), 1)
    s = s + a * math.log(a / b)
  end
  return s
  -- END SOLUTION
end

function memorisation_score(model, probes, width, feature, controls, label)
  -- BEGIN SOLUTION
  local withf, withc = {}, {}
  for i, img in ipairs(probes) do
    withf[i] = draw(img, width, feature.pixels, feature)
    withc[i] = draw(img, width, controls[i], feature)
  end
  local pc, pf, pr = model:predict_proba(probes), model:predict_proba(withf), model:predict_proba(withc)
  local onehot = {}
  for j = 1, #pc[1] do onehot[j] = (j == label + 1) and 1 or 0 end
  local n = #probes
  local m2, m3, d = 0, 0, {}
  for i = 1, n do
    m2 = m2 + (kl(pc[i], pf[i]) - kl(pc[i], pr[i])) / n
    local kf, kr = kl(onehot, pf[i]), kl(onehot, pr[i])
    m3 = m3 + (kf - kr) / n
    d[i] = kr - kf
  end
  local mean, var = 0, 0
  for _, v in ipairs(d) do mean = mean + v / n end
  for _, v in ipairs(d) do var = var + (v - mean) ^ 2 / (n - 1) end
  return { m2 = m2, m3 = m3, t = mean / math.sqrt(var / n) }
  -- END SOLUTION
end

--@ check memorisation public 1 -- drawing a 2 × 2 patch, and KL's clipping
local f = { size = 2, row = 2, col = 3, channel = 1, pixels = { 1, 2, 3, 4 } }
local img = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }
expect.equal(draw(img, 4, f.pixels, f), { 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4 }, "the patch in a 3 × 4 image")
expect.equal(img, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "the image passed in is unchanged")
expect.near(kl({ 1, 0 }, { 0.5, 0.5 }), math.log(2) + 1e-7 * math.log(2e-7), 1e-15, "KL with a zero entry")
--@ end

--@ check memorisation hidden 1 -- draw against pl.memorisation.plant on 8 × 8 images
local rng = pl.rng { seed = grader.seed }
local x, y = {}, {}
for i = 1, 5 do
  x[i] = {}
  for j = 1, 64 do x[i][j] = rng:uniform() end
  y[i] = i % 2
end
local images = pl.data.from_table { x = x, y = y, classes = 2, image_shape = { 1, 8, 8 } }
local size = 2 + grader.seed % 3
local f = pl.memorisation.feature { size = size, row = 1 + grader.seed % (9 - size), col = 1 + (grader.seed // 7) % (9 - size), seed = grader.seed % 100 }
local planted = pl.memorisation.plant { data = images, feature = f, id = 3 }
expect.equal(draw(x[3], 8, f.pixels, f), planted:record(3).features, ("a %d × %d feature at (%d, %d)"):format(size, size, f.row, f.col), 1e-6)
--@ end

--@ check memorisation hidden 3 -- the scores on a model that saw the patch once, and on the same model trained without it
local digits = pl.data.digits {}
local x, y = {}, digits:labels()
for i, id in ipairs(digits:ids()) do
  x[i] = digits:record(id).features
  for j = 1, 64 do x[i][j] = x[i][j] / 16 end
end
local all = pl.data.from_table { x = x, y = y, classes = 10, image_shape = { 1, 8, 8 } }
-- The training set and the patch are fixed (a case where the model memorises the patch clearly:
-- over 60 draws of probes and controls its M3 stayed at least 0.95 below the control model's); the
-- probes and the control patches come from the grader's seed.
local _, train = all:split { test = 300, seed = 208 }
local feature = pl.memorisation.feature { size = 3, row = 1, col = 1, seed = 112 }
local canary = train:ids()[1]
local label = train:record(canary).label
local planted = pl.memorisation.plant { data = train, feature = feature, id = canary }
local function net() return pl.mlp { hidden = { 128 }, optimizer = "adam", lr = 1e-3, epochs = 150, batch = 32, seed = 1 } end
local with, without = net(), net()
with:fit(planted)
without:fit(train)
-- Out-of-distribution probes (faint noise images) and one random control patch each.
local rng = pl.rng { seed = grader.seed + 3 }
local probes, controls = {}, {}
for i = 1, 150 do
  probes[i], controls[i] = {}, {}
  for j = 1, 64 do probes[i][j] = 0.5 * rng:uniform() end
  for j = 1, 9 do controls[i][j] = rng:bernoulli(0.5) and 1 or 0 end
end
local function reference(model)
  local function put(img, patch)
    local out = {}
    for i, v in ipairs(img) do out[i] = v end
    for i = 0, 2 do for j = 0, 2 do out[i * 8 + j + 1] = patch[i * 3 + j + 1] end end
    return out
  end
  local function kl_(p, q)
    local s = 0
    for i = 1, #p do
      local a, b = math.min(math.max(p[i], 1e-7), 1), math.min(math.max(q[i], 1e-7), 1)
      s = s + a * math.log(a / b)
    end
    return s
  end
  local wf, wc = {}, {}
  for i, img in ipairs(probes) do wf[i], wc[i] = put(img, feature.pixels), put(img, controls[i]) end
  local pc, pf, pr = model:predict_proba(probes), model:predict_proba(wf), model:predict_proba(wc)
  local e = {}
  for j = 1, 10 do e[j] = (j == label + 1) and 1 or 0 end
  local n, m2, m3, d = #probes, 0, 0, {}
  for i = 1, n do
    m2 = m2 + (kl_(pc[i], pf[i]) - kl_(pc[i], pr[i])) / n
    local a, b = kl_(e, pf[i]), kl_(e, pr[i])
    m3 = m3 + (a - b) / n
    d[i] = b - a
  end
  local mean, var = 0, 0
  for _, v in ipairs(d) do mean = mean + v / n end
  for _, v in ipairs(d) do var = var + (v - mean) ^ 2 / (n - 1) end
  return { m2 = m2, m3 = m3, t = mean / math.sqrt(var / n) }
end
local got_with = memorisation_score(with, probes, 8, feature, controls, label)
local got_without = memorisation_score(without, probes, 8, feature, controls, label)
expect.truthy(type(got_with) == "table" and type(got_without) == "table", "memorisation_score returns a table")
local want_with, want_without = reference(with), reference(without)
for _, k in ipairs { "m2", "m3", "t" } do
  expect.near(got_with[k], want_with[k], 1e-9 * math.max(1, math.abs(want_with[k])), k .. " (trained with the patch)")
  expect.near(got_without[k], want_without[k], 1e-9 * math.max(1, math.abs(want_without[k])), k .. " (trained without it)")
end
expect.truthy(got_with.m3 < got_without.m3, ("M3 %.3f with the planted record should be below the control's %.3f"):format(got_with.m3, got_without.m3))
--@ end

--@ question audit 5 time=120 -- A lower bound on ε, and a refuted claim
--[[md
## 3. Auditing a claimed ε (5 points)

An (ε, δ)-DP mechanism forces every membership test to have TPR ≤ e^ε·FPR + δ (and, swapping the
roles, TNR ≤ e^ε·FNR + δ). With exact Clopper–Pearson bounds on the rates, each observed test gives
a lower bound on ε that holds with confidence 1 − α.

- `clopper_pearson(k, n, alpha)` returns `lower, upper`: the two-sided 1 − α interval of a
  binomial proportion after k successes in n trials — lower = 0 when k = 0, else the p at which
  P(X ≥ k) = α/2; upper = 1 when k = n, else the p at which P(X ≤ k) = α/2 (X ~ Binomial(n, p)).
  Find them by bisection to 1e-12 on the binomial tails (sum the terms in log space; n reaches
  several thousand).
- `epsilon_lower_bound(tp, fp, positives, negatives, alpha, delta)` returns the larger of
  log((TPR_lower − δ) / FPR_upper) and log((TNR_lower − δ) / FNR_upper), each taken as 0 when the
  numerator is not positive or the upper bound is not in (0, 1), and never below 0; the rates come
  from `clopper_pearson(·, ·, alpha)` (TPR = tp/positives, FPR = fp/negatives, TNR, FNR the others).
- `audit(mechanism, claimed, trials, thresholds, seed)` tests a mechanism `mechanism(bit, rng)` (bit
  1: the record is in, 0: out; it returns a number). With `rng = pl.rng{seed = seed}`, draw for
  i = 1 … trials `a[i] = mechanism(1, rng)` then `b[i] = mechanism(0, rng)` (interleaved, in that
  order). Choose the threshold on the first h = ⌊trials/2⌋ pairs: among `thresholds` (a list), the
  one whose test "member if output ≥ t" gives the largest `epsilon_lower_bound` (α = 0.05, δ = 0) on
  the first half (the earliest in the list on ties). Then count tp = #{a[i] ≥ t}, fp = #{b[i] ≥ t}
  over the other trials − h pairs and return `{threshold = t, tp = …, fp = …, epsilon = <the bound
  on those counts>, refuted = <epsilon > claimed>}`. Choosing on one half and measuring on the other
  keeps the bound honest.
]]
function clopper_pearson(k, n, alpha)
  -- BEGIN SOLUTION
  local logfact = { [0] = 0 }
  for i = 1, n do logfact[i] = logfact[i - 1] + math.log(i) end
  -- P(from ≤ X ≤ to) for X ~ Binomial(n, p), each term exp(log C(n, i) + i log p + (n − i) log(1 − p)).
  local function tail(p, from, to)
    local lp, lq, s = math.log(p), math.log(1 - p), 0
    for i = from, to do s = s + math.exp(logfact[n] - logfact[i] - logfact[n - i] + i * lp + (n - i) * lq) end
    return s
  end
  local function at_least(p) return tail(p, k, n) end
  local function at_most(p) return tail(p, 0, k) end
  local lower, upper = 0, 1
  if k > 0 then
    local lo, hi = 0, 1                       -- P(X ≥ k) grows with p
    while hi - lo > 1e-12 do
      local mid = (lo + hi) / 2
      if at_least(mid) < alpha / 2 then lo = mid else hi = mid end
    end
    lower = (lo + hi) / 2
  end
  if k < n then
    local lo, hi = 0, 1                       -- P(X ≤ k) falls with p
    while hi - lo > 1e-12 do
      local mid = (lo + hi) / 2
      if at_most(mid) > alpha / 2 then lo = mid else hi = mid end
    end
    upper = (lo + hi) / 2
  end
  return lower, upper
  -- END SOLUTION
end

function epsilon_lower_bound(tp, fp, positives, negatives, alpha, delta)
  -- BEGIN SOLUTION
  local function ratio(hits, n, false_hits, m)
    local lower = clopper_pearson(hits, n, alpha)
    local _, upper = clopper_pearson(false_hits, m, alpha)
    if lower - delta <= 0 or upper >= 1 or upper <= 0 then return 0 end
    return math.max(0, math.log((lower - delta) / upper))
  end
  return math.max(ratio(tp, positives, fp, negatives), ratio(negatives - fp, negatives, positives - tp, positives))
  -- END SOLUTION
end

function audit(mechanism, claimed, trials, thresholds, seed)
  -- BEGIN SOLUTION
  local rng = pl.rng { seed = seed }
  local a, b = {}, {}
  for i = 1, trials do a[i] = mechanism(1, rng); b[i] = mechanism(0, rng) end
  local h = trials // 2
  local function counts(t, from, to)
    local tp, fp = 0, 0
    for i = from, to do
      if a[i] >= t then tp = tp + 1 end
      if b[i] >= t then fp = fp + 1 end
    end
    return tp, fp
  end
  local best, best_t = -1, nil
  for _, t in ipairs(thresholds) do
    local tp, fp = counts(t, 1, h)
    local e = epsilon_lower_bound(tp, fp, h, h, 0.05, 0)
    if e > best then best, best_t = e, t end
  end
  local tp, fp = counts(best_t, h + 1, trials)
  local e = epsilon_lower_bound(tp, fp, trials - h, trials - h, 0.05, 0)
  return { threshold = best_t, tp = tp, fp = fp, epsilon = e, refuted = e > claimed }
  -- END SOLUTION
end

--@ check audit public 1 -- a textbook interval, and a perfect test on few trials
local lo, hi = clopper_pearson(5, 10, 0.05)
expect.near(lo, 0.18708602844739, 1e-9, "lower bound for 5 of 10")
expect.near(hi, 0.81291397155261, 1e-9, "upper bound for 5 of 10")
expect.near(epsilon_lower_bound(10, 0, 10, 10, 0.05, 0), math.log(0.69150289218123 / 0.30849710781877), 1e-8, "10 of 10 against 0 of 10")
--@ end

--@ check audit hidden 2 -- against pl.audit.epsilon_lower_bound on counts from the seed
local rng = pl.rng { seed = grader.seed }
for trial = 1, 6 do
  local p, n = 20 + rng:int(2000), 20 + rng:int(2000)
  local tp, fp = rng:int(p + 1) - 1, rng:int(n + 1) - 1
  if trial == 1 then tp, fp = p, 0 end
  local alpha = ({ 0.05, 0.01, 0.1 })[rng:int(3)]
  local delta = trial % 2 == 0 and 1e-3 or 0
  local want = pl.audit.epsilon_lower_bound { tp = tp, fp = fp, positives = p, negatives = n, alpha = alpha, delta = delta }.epsilon
  expect.near(epsilon_lower_bound(tp, fp, p, n, alpha, delta), want, 1e-7,
    ("ε ≥ … for tp = %d of %d, fp = %d of %d, α = %g, δ = %g"):format(tp, p, fp, n, alpha, delta))
end
--@ end

--@ check audit hidden 2 -- a Laplace count with half the noise it claims is refuted; the honest one is not
local claimed = 0.5 + (grader.seed % 4) / 10
local function laplace(rng, scale)
  local u = rng:uniform() - 0.5
  return -scale * (u < 0 and -1 or 1) * math.log(1 - 2 * math.abs(u))
end
local honest = function(bit, rng) return bit + laplace(rng, 1 / claimed) end
local buggy = function(bit, rng) return bit + laplace(rng, 1 / (2 * claimed)) end   -- the scale 1/(2ε): true ε is 2·claimed
local thresholds = { 0, 0.5, 1, 1.5, 2, 2.5, 3 }
local trials = 2000
for _, case in ipairs { { "buggy", buggy, true }, { "honest", honest, false } } do
  local seed = grader.seed + (case[3] and 1 or 2)
  local got = audit(case[2], claimed, trials, thresholds, seed)
  expect.truthy(type(got) == "table", "audit returns a table")
  -- Recompute the draws, the choice and the counts.
  local r = pl.rng { seed = seed }
  local a, b = {}, {}
  for i = 1, trials do a[i] = case[2](1, r); b[i] = case[2](0, r) end
  local h = trials // 2
  local function counts(t, from, to)
    local tp, fp = 0, 0
    for i = from, to do
      if a[i] >= t then tp = tp + 1 end
      if b[i] >= t then fp = fp + 1 end
    end
    return tp, fp
  end
  local best, best_t = -1, nil
  for _, t in ipairs(thresholds) do
    local tp, fp = counts(t, 1, h)
    local e = pl.audit.epsilon_lower_bound { tp = tp, fp = fp, positives = h, negatives = h }.epsilon
    if e > best + 1e-9 then best, best_t = e, t end
  end
  local tp, fp = counts(best_t, h + 1, trials)
  local e = pl.audit.epsilon_lower_bound { tp = tp, fp = fp, positives = trials - h, negatives = trials - h }.epsilon
  expect.equal(got.threshold, best_t, case[1] .. ": threshold")
  expect.equal({ got.tp, got.fp }, { tp, fp }, case[1] .. ": counts on the second half")
  expect.near(got.epsilon, e, 1e-7, case[1] .. ": ε lower bound")
  expect.equal(got.refuted, case[3], ("%s mechanism (claimed ε = %g, bound %.3f): refuted"):format(case[1], claimed, e))
end
-- A mechanism that changes half-way: threshold 1 wins on the first half, 2 on all the trials. Only
-- a choice made on the first half, counted on the second, is what the protocol asks.
local calls = 0
local staged = function(bit, rng)
  calls = calls + 1
  local u = rng:uniform()
  if (calls + 1) // 2 <= 200 then return (bit == 1 and u < 0.6) and 1.5 or 0 end
  return bit == 1 and 2.5 or 1.5
end
local got = audit(staged, 1, 400, { 1, 2 }, grader.seed)
expect.truthy(type(got) == "table", "audit returns a table")
expect.equal({ got.threshold, got.tp, got.fp }, { 1, 200, 200 }, "threshold chosen on the first half, counts on the second")
expect.near(got.epsilon, 0, 1e-12, "no evidence on the second half")
--@ end

--@ question short 1 all-or-nothing -- Short answers
--[[md
## 4. Short answers (1 point, all or nothing)

- `answers.leakage_as_n_grows`: with λ and σ fixed, does the mean KL leakage `"grow"` or `"fall"`
  as the training set grows?
- `answers.audit_proves_privacy`: can an audit that finds ε ≥ 0.3 for a mechanism claiming ε = 1
  prove that the mechanism *is* 1-DP (`true` / `false`)?
- `answers.memorised_m3_sign`: is M3 `"negative"` or `"positive"` for a model that memorised the
  feature?
]]
answers = {}
answers.leakage_as_n_grows = "fall" -- SOLUTION
answers.audit_proves_privacy = false -- SOLUTION
answers.memorised_m3_sign = "negative" -- SOLUTION

--@ check short hidden 1 -- all three
expect.equal(answers.leakage_as_n_grows, "fall", "answers.leakage_as_n_grows")
expect.equal(answers.audit_proves_privacy, false, "answers.audit_proves_privacy")
expect.equal(answers.memorised_m3_sign, "negative", "answers.memorised_m3_sign")
--@ end
