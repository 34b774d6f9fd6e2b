-- Plugin: the "two moons" dataset (two interleaving half circles, as scikit-learn's make_moons),
-- a classic non-linearly-separable toy problem: a linear model tops out near 0.88 accuracy.
--
-- Use: pl.data.load("two_moons", {n = 400, noise = 0.1, seed = 1})

local function moons(opts)
  opts = opts or {}
  for k in pairs(opts) do
    if k ~= "n" and k ~= "noise" and k ~= "seed" then
      error(("two_moons: unknown option '%s' (accepted: n, noise, seed)"):format(tostring(k)), 2)
    end
  end
  local n = opts.n or 200
  local noise = opts.noise or 0.1
  if math.type(n) ~= "integer" or n < 2 then error("two_moons: option 'n' must be an integer >= 2", 2) end
  if type(noise) ~= "number" or noise < 0 then error("two_moons: option 'noise' must be a non-negative number", 2) end
  -- A generator seeded from the options, so the data does not depend on math.random's state.
  local rng = pl.rng { seed = opts.seed or 1 }
  local x, y = {}, {}
  local half = n // 2
  for i = 1, n do
    local upper = i <= half
    local m = upper and half or (n - half)
    local k = upper and (i - 1) or (i - half - 1)
    local t = math.pi * k / math.max(m - 1, 1)
    local px, py
    if upper then px, py = math.cos(t), math.sin(t) else px, py = 1 - math.cos(t), 0.5 - math.sin(t) end
    x[i] = { px + noise * rng:normal(), py + noise * rng:normal() }
    y[i] = upper and 0 or 1
  end
  return pl.data.from_table { x = x, y = y, classes = 2, name = "two_moons" }
end

pl.register("dataset", "two_moons", moons)
