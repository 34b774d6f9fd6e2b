--[[md
# Assignment: one step of DP-SGD, and its privacy accounting

DP-SGD (Abadi et al., CCS 2016) clips every example's gradient, adds Gaussian noise to the sum and
divides by the batch size; a Rényi-DP accountant (Mironov, Talwar & Zhang 2019) turns the noise
multiplier σ, the sampling rate q and the number of steps T into an (ε, δ) guarantee. You implement
both halves and compare them with the engine.

The engine's accountant functions (`pl.privacy.rdp`, `pl.privacy.epsilon`, `pl.privacy.noise_for`)
are switched off for you in this assignment; everything else in `pl` is available.

Run the public checks with `privlab check dp-sgd.lua`.
]]
--@ forbid privacy.rdp privacy.epsilon privacy.noise_for

--@ question step 4 -- Clipping and noise for one step
--[[md
## 1. One DP-SGD step (4 points)

`dp_step(grads, clip, sigma, noise)` gets a list of per-example gradients (each a list of d numbers),
the clipping norm C, the noise multiplier σ, and `noise`: a list of d standard-normal draws (given, so
that the result is deterministic). Return the privatised average gradient

    ( Σ_i g_i · min(1, C / (‖g_i‖₂ + 1e-6))  +  σ · C · noise ) / B

where B is the number of examples (Opacus divides by the expected batch size; here B = #grads).
]]
function dp_step(grads, clip, sigma, noise)
  -- BEGIN SOLUTION
  local d, B = #noise, #grads
  local sum = {}
  for j = 1, d do sum[j] = 0 end
  for _, g in ipairs(grads) do
    local sq = 0
    for j = 1, d do sq = sq + g[j] * g[j] end
    local f = math.min(1, clip / (math.sqrt(sq) + 1e-6))
    for j = 1, d do sum[j] = sum[j] + f * g[j] end
  end
  for j = 1, d do sum[j] = (sum[j] + sigma * clip * noise[j]) / B end
  return sum
  -- END SOLUTION
end

--@ check step public 1 -- a small gradient is not clipped
expect.equal(dp_step({ { 0.3, 0.4 } }, 1, 0, { 0, 0 }), { 0.3, 0.4 }, "gradient", 1e-12)
--@ end

--@ check step public 1 -- a large gradient is clipped to norm C
local g = dp_step({ { 3, 4 }, { 0, 0 } }, 1, 0, { 0, 0 })
expect.equal(g, { 0.3 / (1 + 0.2e-6), 0.4 / (1 + 0.2e-6) }, "gradient", 1e-9)
--@ end

--@ check step hidden 2 -- random batch with noise, against a reference
local rng = pl.rng { seed = grader.seed }
local B, d = 8 + rng:int(8), 5
local grads, noise = {}, {}
for i = 1, B do
  grads[i] = {}
  for j = 1, d do grads[i][j] = rng:normal() * (i % 3 == 0 and 10 or 0.2) end
end
for j = 1, d do noise[j] = rng:normal() end
local C, sigma = 0.5 + rng:uniform(), 0.5 + rng:uniform()
local want = {}
for j = 1, d do want[j] = sigma * C * noise[j] end
for i = 1, B do
  local n = 0
  for j = 1, d do n = n + grads[i][j] ^ 2 end
  local f = math.min(1, C / (math.sqrt(n) + 1e-6))
  for j = 1, d do want[j] = want[j] + f * grads[i][j] end
end
for j = 1, d do want[j] = want[j] / B end
expect.equal(expect.list_of_numbers(dp_step(grads, C, sigma, noise), d, "dp_step"), want, "gradient", 1e-9)
-- Without noise, every example's contribution is bounded by C/B.
local one = dp_step({ grads[3] }, C, 0, { 0, 0, 0, 0, 0 })
local norm = 0
for j = 1, d do norm = norm + one[j] ^ 2 end
expect.truthy(math.sqrt(norm) <= C + 1e-9, "a clipped contribution has norm at most C")
--@ end

--@ question train 3 -- Your step trains a model
--[[md
## 2. Your step inside a real training run (3 points)

`Model:fit(ds, {private_step = f})` lets your code replace the engine's clipping and noise. At every
step the engine calls `f(grads, ctx)` with the batch's per-example gradients and
`ctx = {clip = C, noise_multiplier = σ, step = k, gaussian = {z₁, …, z_d}}`, and expects the noisy
**sum** back (it divides by the expected batch size itself). It also computes its own clipping and
noise on the same gradients and draws: the trained model states an ε only if every one of your steps
matched — otherwise `model:privacy()` says *unaccounted*. Write `private_step(grads, ctx)` with your
`dp_step` from question 1.
]]
function private_step(grads, ctx)
  -- BEGIN SOLUTION
  local avg = dp_step(grads, ctx.clip, ctx.noise_multiplier, ctx.gaussian)
  for j = 1, #avg do avg[j] = avg[j] * #grads end
  return avg
  -- END SOLUTION
end

--@ check train public 1 -- a private run with your step is accounted as DP-SGD
local d = pl.data.blobs { n = 200, features = 3, classes = 2, seed = 5 }
local m = pl.softmax { epochs = 1, batch = 40, lr = 0.5, seed = 2, dp = { clip = 0.1, noise = 1 } }
m:fit(d, { private_step = private_step })
local p = m:privacy()
expect.truthy(p.epsilon < math.huge, "an accounted ε (your step matched the engine's at every step): " .. tostring(p.note))
--@ end

--@ check train hidden 2 -- on another data set and seed: the same ε as the built-in step, and a model that learned
local seed = grader.seed % 1000 + 3
local d = pl.data.blobs { n = 300, features = 4, classes = 3, seed = seed }
local function model() return pl.softmax { epochs = 2, batch = 50, lr = 0.5, seed = seed, dp = { clip = 0.05, noise = 0.8 } } end
local mine, builtin = model(), model()
mine:fit(d, { private_step = private_step })
builtin:fit(d)
expect.equal(mine:privacy().epsilon, builtin:privacy().epsilon, "ε of your run", 1e-9)
expect.truthy(mine:accuracy(d) > 0.5, "the model trained with your step learned (training accuracy > 0.5)")
--@ end

--@ question rdp 4 -- RDP of the subsampled Gaussian
--[[md
## 3. RDP of the sampled Gaussian mechanism (4 points)

For an integer order α ≥ 2, the Rényi DP of one step with sampling rate q and noise multiplier σ is
(Mironov, Talwar & Zhang 2019, §3.3)

    RDP(α) = 1/(α−1) · log Σ_{k=0}^{α} C(α, k) (1−q)^{α−k} q^k exp((k² − k) / (2σ²)).

Write `rdp(q, sigma, alpha)`. Sum in log space (log-sum-exp) so that large α and small σ do not
overflow.
]]
function rdp(q, sigma, alpha)
  -- BEGIN SOLUTION
  if q == 0 then return 0 end
  if q == 1 then return alpha / (2 * sigma * sigma) end
  local terms, m = {}, -math.huge
  local logbinom = 0
  for k = 0, alpha do
    if k > 0 then logbinom = logbinom + math.log(alpha - k + 1) - math.log(k) end
    local t = logbinom + (alpha - k) * math.log(1 - q) + k * math.log(q) + (k * k - k) / (2 * sigma * sigma)
    terms[#terms + 1] = t
    if t > m then m = t end
  end
  local s = 0
  for _, t in ipairs(terms) do s = s + math.exp(t - m) end
  return (m + math.log(s)) / (alpha - 1)
  -- END SOLUTION
end

--@ check rdp public 1 -- q = 1 is the plain Gaussian mechanism: α / (2σ²)
expect.near(rdp(1, 2, 8), 8 / 8, 1e-9)
--@ end

--@ check rdp public 1 -- the DP-SGD example (q = 0.01, σ = 1.1, α = 8) against the engine
local curve, orders = pl.privacy.rdp { sample_rate = 0.01, noise = 1.1, steps = 1, orders = { 8 } }
expect.near(rdp(0.01, 1.1, 8), curve[1], 1e-9, "rdp", { relative = true })
--@ end

--@ check rdp hidden 2 -- random settings, including large orders, against the engine
local rng = pl.rng { seed = grader.seed + 1 }
for _ = 1, 6 do
  local q, sigma, alpha = 0.001 + 0.2 * rng:uniform(), 0.6 + 2 * rng:uniform(), 1 + rng:int(255)
  local curve = pl.privacy.rdp { sample_rate = q, noise = sigma, steps = 1, orders = { alpha } }
  expect.near(rdp(q, sigma, alpha), curve[1], 1e-7, ("rdp(%.4f, %.3f, %d)"):format(q, sigma, alpha), { relative = true })
end
--@ end

--@ question epsilon 3 -- From RDP to (ε, δ)
--[[md
## 4. Composition and conversion (3 points)

RDP composes additively over T steps. Convert with the classic bound (Mironov 2017, Prop. 3):
ε = min over orders of T·RDP(α) + log(1/δ)/(α−1). Write `epsilon(q, sigma, steps, delta)` using the
integer orders 2…256.
]]
function epsilon(q, sigma, steps, delta)
  -- BEGIN SOLUTION
  local best = math.huge
  for alpha = 2, 256 do
    local e = steps * rdp(q, sigma, alpha) + math.log(1 / delta) / (alpha - 1)
    if e < best then best = e end
  end
  return best
  -- END SOLUTION
end

--@ check epsilon public 1 -- 10 epochs of MNIST-style DP-SGD
local orders = {}
for a = 2, 256 do orders[#orders + 1] = a end
local want = pl.privacy.epsilon { sample_rate = 256 / 60000, noise = 1.1, steps = 2344, delta = 1e-5, conversion = "classic", orders = orders }
expect.near(epsilon(256 / 60000, 1.1, 2344, 1e-5), want, 1e-6, "epsilon", { relative = true })
--@ end

--@ check epsilon hidden 2 -- other runs
local orders = {}
for a = 2, 256 do orders[#orders + 1] = a end
local rng = pl.rng { seed = grader.seed + 2 }
for _ = 1, 4 do
  local q, sigma, steps = 0.002 + 0.05 * rng:uniform(), 0.7 + 2 * rng:uniform(), 100 + rng:int(5000)
  local want = pl.privacy.epsilon { sample_rate = q, noise = sigma, steps = steps, delta = 1e-5, conversion = "classic", orders = orders }
  expect.near(epsilon(q, sigma, steps, 1e-5), want, 1e-6, "epsilon", { relative = true })
end
--@ end

--@ question sigma 3 -- Calibrating σ
--[[md
## 5. Picking σ for a target ε (3 points)

`pick_sigma(q, steps, delta, target)` returns the smallest noise multiplier σ (to within 0.01) whose
ε is at most `target` — a bisection on your `epsilon`, which decreases as σ grows.
]]
function pick_sigma(q, steps, delta, target)
  -- BEGIN SOLUTION
  local lo, hi = 0.3, 1
  while epsilon(q, hi, steps, delta) > target do hi = hi * 2 end
  while hi - lo > 1e-3 do
    local mid = (lo + hi) / 2
    if epsilon(q, mid, steps, delta) > target then lo = mid else hi = mid end
  end
  return hi
  -- END SOLUTION
end

--@ check sigma hidden 3 -- the σ meets the target and is not much larger than needed
local orders = {}
for a = 2, 256 do orders[#orders + 1] = a end
local rng = pl.rng { seed = grader.seed + 3 }
local q, steps, target = 0.004 + 0.01 * rng:uniform(), 500 + rng:int(2000), 1 + 4 * rng:uniform()
local sigma = expect.number(pick_sigma(q, steps, 1e-5, target), "pick_sigma")
local function eps(s) return (pl.privacy.epsilon { sample_rate = q, noise = s, steps = steps, delta = 1e-5, conversion = "classic", orders = orders }) end
expect.truthy(eps(sigma) <= target + 1e-6, ("ε(σ = %.4f) = %.4f must be at most %.4f"):format(sigma, eps(sigma), target))
expect.truthy(eps(sigma - 0.01) > target, ("σ = %.4f is more than 0.01 above the smallest one"):format(sigma))
--@ end
