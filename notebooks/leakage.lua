--[[md
# Membership information leakage

Farokhi & Kaafar ("Modelling and Quantifying Membership Information Leakage in Machine
Learning", 2020) measure how much a trained model says about the presence of one record as the
conditional mutual information between the two, bound it by a Kullback–Leibler divergence, relate
that to the success of an attacker testing "in" against "out", and show that leakage falls with the
size of the training set and the regularisation weight, grows with the model's sensitivity, and
shrinks as O(ε/√log(1/δ)) under Gaussian (ε, δ)-DP noise. This notebook measures each claim.

The learners: L2-regularised logistic regression and least squares (λ the weight), released with
Gaussian noise on the parameters — *output perturbation* — where the KL between the release with
and without record i is exactly ‖θ̂(D) − θ̂(D₋ᵢ)‖²/2σ² (every record's leave-one-out refit is
computed). Beside it: the bound it puts on an attacker's success at equal priors (Pinsker /
Bretagnolle–Huber: ½ + √(KL/8), ½ + ½√(1 − e^{−KL})), and the success of the best attack, the
likelihood-ratio test, which for Gaussian noise is exactly Φ(‖Δθ‖/2σ). Data: two Gaussian classes,
rows scaled to norm ≤ 1 (the sensitivity bounds need it). Run with `privlab run notebooks/leakage.lua`.
]]
local P = pl.params { n = 100, features = 5, lambda = 0.01, sigma = 0.05, runs = 100, seed = 1 }

--- Two classes in `d` features, every row scaled into the unit ball.
local function data(n, d, seed)
  local b = pl.data.blobs { n = n, features = d, classes = 2, std = 2, box = 2, seed = seed }
  local rows, big = {}, 0
  for i, id in ipairs(b:ids()) do
    local f = b:record(id).features
    local s = 0
    for _, v in ipairs(f) do s = s + v * v end
    big = math.max(big, math.sqrt(s))
    rows[i] = f
  end
  for _, f in ipairs(rows) do for j = 1, #f do f[j] = f[j] / big end end
  return pl.data.from_table { x = rows, y = b:labels(), classes = 2, name = "unit-ball blobs" }
end
local function row(label, value, r)
  return { [label] = value, mean_kl = r.mean_kl, max_kl = r.max_kl, success_bound = r.success_bound, optimal_attack = r.optimal_success }
end
local cols = function(label) return { label, "mean_kl", "max_kl", "success_bound", "optimal_attack" } end

--[[md
## Against the training-set size

More records, less influence for each: θ̂ moves less when one is removed.
]]
local nrows = {}
for _, n in ipairs { 25, 50, 100, 200, 400, 800 } do
  nrows[#nrows + 1] = row("n", n, pl.leakage.kl { data = data(n, P.features, P.seed), lambda = P.lambda, sigma = P.sigma })
end
pl.report.table(nrows, { columns = cols("n"), caption = ("Logistic regression, λ = %g, σ = %g, %d features"):format(P.lambda, P.sigma, P.features) })

--[[md
## Against the regularisation weight

A heavier penalty makes the objective more strongly convex, so one record moves its minimiser
less (Chaudhuri et al.'s sensitivity 2/(nλ) for logistic regression).
]]
local lrows = {}
local d100 = data(P.n, P.features, P.seed)
for _, lambda in ipairs { 1e-3, 1e-2, 1e-1, 1 } do
  for _, learner in ipairs { "logistic", "ridge" } do
    local r = row("lambda", lambda, pl.leakage.kl { learner = learner, data = d100, lambda = lambda, sigma = P.sigma })
    r.learner = learner
    lrows[#lrows + 1] = r
  end
end
pl.report.table(lrows, { columns = { "learner", "lambda", "mean_kl", "max_kl", "success_bound", "optimal_attack" },
                         caption = ("n = %d, σ = %g"):format(P.n, P.sigma) })

--[[md
## Against the model's size (its sensitivity)

More parameters give each record more directions to pull in: with the same n, λ and σ, leakage
grows with the number of features.
]]
local drows = {}
for _, d in ipairs { 2, 5, 10, 20, 50 } do
  drows[#drows + 1] = row("features", d, pl.leakage.kl { data = data(P.n, d, P.seed), lambda = P.lambda, sigma = P.sigma })
end
pl.report.table(drows, { columns = cols("features"), caption = ("Logistic regression, n = %d, λ = %g, σ = %g"):format(P.n, P.lambda, P.sigma) })

--[[md
## Against (ε, δ)

σ calibrated to (ε, δ) on the learner's sensitivity (analytic Gaussian mechanism): every record's
KL is then at most Δ²/2σ², which falls as ε²/log(1/δ) — the paper's O(ε/√log(1/δ)) on the scale of
√KL.
]]
local erows = {}
for _, eps in ipairs { 0.25, 0.5, 1, 2, 4, 8 } do
  for _, delta in ipairs { 1e-5, 1e-9 } do
    local r = pl.leakage.kl { data = d100, lambda = P.lambda, epsilon = eps, delta = delta }
    erows[#erows + 1] = { epsilon = eps, delta = delta, sigma = r.sigma, mean_kl = r.mean_kl, kl_ceiling = r.sensitivity ^ 2 / (2 * r.sigma ^ 2),
                          success_bound = r.success_bound, optimal_attack = r.optimal_success }
  end
end
pl.report.table(erows, { columns = { "epsilon", "delta", "sigma", "mean_kl", "kl_ceiling", "success_bound", "optimal_attack" },
                         caption = ("Logistic regression with (ε, δ)-DP output perturbation, n = %d, λ = %g"):format(P.n, P.lambda) })

--[[md
## A noisy learner without a closed form: DP-SGD

For DP-SGD the distribution of the trained parameters has no closed form; a Monte-Carlo estimate
trains the model many times with and without one record (fresh seeds), fits a Gaussian to each set
of parameter vectors and takes their KL, with a bootstrap 95% interval. A small softmax regression
(2 features, 6 parameters), full batches, C = 1, 20 steps; the record is the first one.
]]
local small = data(40, 2, P.seed + 1)
local mrows = {}
for _, sigma in ipairs { 0.5, 1, 2, 4 } do
  local model = pl.softmax { epochs = 20, batch = 100, lr = 0.5, seed = P.seed, dp = { clip = 1, noise = sigma } }
  local r = pl.leakage.monte_carlo { model = model, data = small, id = small:ids()[1], runs = P.runs, seed = P.seed }
  mrows[#mrows + 1] = { noise = sigma, kl = r.kl, ci_low = r.ci_low, ci_high = r.ci_high,
                        success_bound = 0.5 + math.min(math.sqrt(r.kl / 8), 0.5 * math.sqrt(1 - math.exp(-r.kl))) }
end
pl.report.table(mrows, { columns = { "noise", "kl", "ci_low", "ci_high", "success_bound" },
                         caption = ("Monte-Carlo KL leakage of one record under DP-SGD (%d runs each way)"):format(P.runs) })

--[[md
Reading the tables: every column of KL falls where the paper says it should, and the attacker's
best success stays under the bound the KL implies. The bound is loose where the KL is large (it
caps at certainty long before the attack gets there) and close where it is small — where privacy
is actually provided. The Monte-Carlo estimate carries sampling error in both the fit and the
interval; with few runs its interval is wide, and a KL near zero cannot be told from the estimator's
bias (a fitted Gaussian's KL is positive even between two samples of one distribution).
]]
