--[[md
# Assignment: DP-FedAvg — clipping, the fixed-denominator average, adaptive clipping

DP-FedAvg (McMahan, Ramage, Talwar & Zhang, ICLR 2018, Alg. 1) makes federated averaging
differentially private at the level of *users*: each round samples users with probability q, clips
every user's model update Δ_k to L2 norm S, sums the clipped updates with weights w_k ∈ [0, 1], adds
Gaussian noise and divides by the fixed denominator qW (W = Σ w_k over all users). Adaptive clipping
(Andrew, Thakkar, McMahan & Ramaswamy, NeurIPS 2021) lets S follow a quantile of the update norms.
You implement the pieces and compare them with the engine.

`pl.federated` is switched off for you in this assignment; everything else in `pl` is available.

Run the public checks with `privlab check federated.lua`.
]]
--@ forbid federated

--@ question clip 3 -- Clipping one user's update
--[[md
## 1. Clipping (3 points)

`clip_update(delta, S)` gets an update (a list of numbers) and the bound S, and returns a new list:
the update scaled by min(1, S/‖Δ‖₂) (unchanged when its norm is at most S, or when it is zero).
]]
function clip_update(delta, S)
  -- BEGIN SOLUTION
  local sq = 0
  for _, v in ipairs(delta) do sq = sq + v * v end
  local norm = math.sqrt(sq)
  local f = (norm > S) and S / norm or 1
  local out = {}
  for i, v in ipairs(delta) do out[i] = v * f end
  return out
  -- END SOLUTION
end

--@ check clip public 1 -- a short update is unchanged, a long one is scaled to norm S
expect.equal(clip_update({ 0.3, 0.4 }, 1), { 0.3, 0.4 }, "short update", 1e-12)
expect.equal(clip_update({ 3, 4 }, 1), { 0.6, 0.8 }, "long update", 1e-12)
--@ end

--@ check clip hidden 2 -- random updates, including zero and huge ones
local rng = pl.rng { seed = grader.seed }
for _ = 1, 8 do
  local d, S = 2 + rng:int(6), 0.1 + 2 * rng:uniform()
  local v, sq = {}, 0
  local scale = ({ 0, 0.01, 1, 1e6 })[1 + math.floor(4 * rng:uniform())]
  for j = 1, d do v[j] = scale * rng:normal(); sq = sq + v[j] ^ 2 end
  local f = math.sqrt(sq) > S and S / math.sqrt(sq) or 1
  local want = {}
  for j = 1, d do want[j] = v[j] * f end
  expect.equal(expect.list_of_numbers(clip_update(v, S), d, "clip_update"), want, "clipped update", 1e-9 * math.max(1, S))
end
--@ end

--@ question average 4 -- The fixed-denominator average with noise
--[[md
## 2. The server's average (4 points)

`dp_average(updates, weights, S, q, W, z, noise)` gets the sampled users' updates (a list of lists of
d numbers), their weights w_k, the bound S, the sampling rate q, the total weight W of *all* users,
the noise multiplier z and `noise`: d standard-normal draws (given, so the result is deterministic).
Return the privatised average

    ( Σ_k w_k · clip(Δ_k, S)  +  z · S · noise ) / (q · W)

Note the denominator: qW, the *expected* total weight, not the weight of the users actually sampled
— that is what bounds one user's influence by S/(qW) whatever the sample (§2 of the paper).
]]
function dp_average(updates, weights, S, q, W, z, noise)
  -- BEGIN SOLUTION
  local d = #noise
  local sum = {}
  for j = 1, d do sum[j] = z * S * noise[j] end
  for k, u in ipairs(updates) do
    local c = clip_update(u, S)
    for j = 1, d do sum[j] = sum[j] + weights[k] * c[j] end
  end
  for j = 1, d do sum[j] = sum[j] / (q * W) end
  return sum
  -- END SOLUTION
end

--@ check average public 1 -- two users, no noise
expect.equal(dp_average({ { 3, 4 }, { 0.1, 0 } }, { 1, 0.5 }, 1, 0.5, 4, 0, { 0, 0 }), { (0.6 + 0.05) / 2, 0.8 / 2 }, "average", 1e-12)
--@ end

--@ check average hidden 3 -- random rounds with noise; one user moves the average by at most S/(qW)
local rng = pl.rng { seed = grader.seed + 1 }
local d, m = 4, 3 + rng:int(5)
local S, q, z = 0.2 + rng:uniform(), 0.05 + 0.5 * rng:uniform(), rng:uniform() * 2
local W = m / q * (0.8 + 0.4 * rng:uniform())
local updates, weights, noise = {}, {}, {}
for k = 1, m do
  updates[k] = {}
  for j = 1, d do updates[k][j] = rng:normal() * (k % 2 == 0 and 5 or 0.1) end
  weights[k] = 0.2 + 0.8 * rng:uniform()
end
for j = 1, d do noise[j] = rng:normal() end
local want = {}
for j = 1, d do want[j] = z * S * noise[j] end
for k = 1, m do
  local sq = 0
  for j = 1, d do sq = sq + updates[k][j] ^ 2 end
  local f = math.sqrt(sq) > S and S / math.sqrt(sq) or 1
  for j = 1, d do want[j] = want[j] + weights[k] * f * updates[k][j] end
end
for j = 1, d do want[j] = want[j] / (q * W) end
expect.equal(expect.list_of_numbers(dp_average(updates, weights, S, q, W, z, noise), d, "dp_average"), want, "average", 1e-9)
-- An adversary with a huge update against the same round without it (weight 1, no noise).
local huge = { 1e8, -1e8, 1e8, 1e8 }
local a = dp_average({ updates[1], huge }, { 1, 1 }, S, q, W, 0, { 0, 0, 0, 0 })
local b = dp_average({ updates[1], { 0, 0, 0, 0 } }, { 1, 1 }, S, q, W, 0, { 0, 0, 0, 0 })
local moved = 0
for j = 1, d do moved = moved + (a[j] - b[j]) ^ 2 end
expect.truthy(math.sqrt(moved) <= S / (q * W) * (1 + 1e-9), "one user moves the average by at most S/(qW)")
--@ end

--@ question adaptive 4 -- Adaptive clipping's geometric update
--[[md
## 3. Adaptive clipping (4 points)

Andrew et al. 2021 move the bound after each round:

    b̃ = clamp( (Σ_k (b_k − ½) + σ_b·ξ) / m + ½ , 0, 1 ),    C ← C · exp(−η (b̃ − γ))

where b_k = 1 when user k's update norm is at most C (else 0), ξ is one standard-normal draw (given),
m = qN is the *expected* number of users per round, γ the target quantile and η the learning rate.
Write `adaptive_step(C, norms, gamma, eta, sigma_b, m, xi)` returning the new C.
]]
function adaptive_step(C, norms, gamma, eta, sigma_b, m, xi)
  -- BEGIN SOLUTION
  local s = sigma_b * xi
  for _, n in ipairs(norms) do s = s + ((n <= C) and 0.5 or -0.5) end
  local b = math.min(1, math.max(0, s / m + 0.5))
  return C * math.exp(-eta * (b - gamma))
  -- END SOLUTION
end

--@ check adaptive public 1 -- every norm below the bound: the bound shrinks by exp(−η(1 − γ))
expect.near(adaptive_step(1, { 0.1, 0.2 }, 0.5, 0.2, 0, 2, 0), math.exp(-0.1), 1e-12, "new bound")
--@ end

--@ check adaptive hidden 3 -- random rounds, and the bound settles at the target quantile
local rng = pl.rng { seed = grader.seed + 2 }
for _ = 1, 5 do
  local m, C, gamma, eta, sb, xi = 5 + rng:int(20), 0.1 + rng:uniform(), 0.1 + 0.8 * rng:uniform(), 0.5 * rng:uniform(), 2 * rng:uniform(), rng:normal()
  local norms, s = {}, sb * xi
  for k = 1, m + rng:int(5) - 2 do norms[k] = 2 * rng:uniform(); s = s + (norms[k] <= C and 0.5 or -0.5) end
  local b = math.min(1, math.max(0, s / m + 0.5))
  expect.near(expect.number(adaptive_step(C, norms, gamma, eta, sb, m, xi), "adaptive_step"), C * math.exp(-eta * (b - gamma)), 1e-12, "new bound",
              { relative = true })
end
-- Norms uniform on [0, 2]: the γ-quantile is 2γ.
local C, gamma = 0.05, 0.25 + 0.5 * rng:uniform()
local late = 0
for t = 1, 300 do
  local norms = {}
  for k = 1, 50 do norms[k] = 2 * rng:uniform() end
  C = adaptive_step(C, norms, gamma, 0.2, 0, 50, 0)
  if t > 200 then late = late + C / 100 end
end
expect.near(late, 2 * gamma, 0.1 * 2 * gamma, "the bound settles at the γ-quantile of the norms")
--@ end

--@ question split 3 -- Paying for the count's noise
--[[md
## 4. The noise split (3 points)

The noisy count of §3 is itself a Gaussian mechanism: one user changes Σ(b_k − ½) by ½, so noise σ_b
on it is a mechanism of multiplier 2σ_b. To keep the whole round at multiplier z (and so at the same
ε), the update gets a larger multiplier z_Δ with z⁻² = z_Δ⁻² + (2σ_b)⁻². Write
`split_noise(z, m)` returning z_Δ and σ_b, with σ_b = 0.05·m (Andrew et al.'s recommendation for m
expected users per round); return nil when no such z_Δ exists (z ≥ 2σ_b).
]]
function split_noise(z, m)
  -- BEGIN SOLUTION
  local sb = 0.05 * m
  if z >= 2 * sb then return nil end
  return (z ^ -2 - (2 * sb) ^ -2) ^ -0.5, sb
  -- END SOLUTION
end

--@ check split public 1 -- z = 1 with 100 users per round
local zd, sb = split_noise(1, 100)
expect.near(sb, 5, 1e-12, "σ_b")
expect.near(zd, 1 / math.sqrt(1 - 0.01), 1e-12, "z_Δ")
--@ end

--@ check split hidden 2 -- against the engine's DP-FedAvg, and the impossible case
local rng = pl.rng { seed = grader.seed + 3 }
local d = pl.data.blobs { n = 240, features = 3, classes = 2, seed = 1 }
local clients = pl.data.clients { data = d, clients = 120, seed = 2 }
local q, z = 0.5 + 0.4 * rng:uniform(), 0.5 + 2 * rng:uniform()
local _, r = pl.federated { model = pl.softmax { lr = 0.1 }, clients = clients, rounds = 1, client_rate = q,
                               dp = { adaptive = {}, noise = z } }
local zd, sb = split_noise(z, q * 120)
expect.near(expect.number(zd, "z_Δ"), r.update_noise, 1e-9, "z_Δ", { relative = true })
expect.near(expect.number(sb, "σ_b"), r.count_noise, 1e-9, "σ_b", { relative = true })
expect.truthy(split_noise(3, 20) == nil, "z = 3 with 20 users per round (2σ_b = 2) has no split")
--@ end
