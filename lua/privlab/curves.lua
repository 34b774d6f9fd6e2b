-- Reading privacy–utility curves: a defense measured at a few settings is a curve through its
-- (risk, accuracy) points; comparing defenses "at equal attack risk" (Shejwalkar & Houmansadr
-- 2021, DMP, §6) reads each curve at the other's risk.
local M = {}

-- pl.defense.accuracy_at(points, risk [, {accuracy = "accuracy", risk = "risk"}]) → number or nil:
-- what it does and takes is declared (for `privlab doc` and the stubs) in
-- Sources/PrivLabLua/Bindings/LuaLibraryDeclarations.swift.
function M.accuracy_at(points, risk, opts)
  local fn = "defense.accuracy_at"
  if type(points) ~= "table" then error(fn .. ": argument 1 must be a list of points", 2) end
  if type(risk) ~= "number" or risk ~= risk then error(fn .. ": argument 2 (risk) must be a number", 2) end
  opts = opts or {}
  if type(opts) ~= "table" then error(fn .. ": argument 3 must be an options table {accuracy =, risk =}", 2) end
  for k in pairs(opts) do
    if k ~= "accuracy" and k ~= "risk" then error(("%s: unknown option '%s' (options: accuracy, risk)"):format(fn, tostring(k)), 2) end
  end
  local rk, ak = opts.risk or "risk", opts.accuracy or "accuracy"
  for i, p in ipairs(points) do
    if type(p) ~= "table" or type(p[rk]) ~= "number" or type(p[ak]) ~= "number" then
      error(("%s: point %d needs numbers in fields '%s' and '%s'"):format(fn, i, rk, ak), 2)
    end
  end
  local best
  for i = 1, #points - 1 do
    local a, b = points[i], points[i + 1]
    local ra, rb, xa, xb = a[rk], b[rk], a[ak], b[ak]
    local lo, hi = math.min(ra, rb), math.max(ra, rb)
    if risk >= lo and risk <= hi then
      -- A vertical segment (equal risks) is read at its better end.
      local acc = hi == lo and math.max(xa, xb) or xa + (xb - xa) * (risk - ra) / (rb - ra)
      best = math.max(best or acc, acc)
    end
  end
  return best
end

return M
