-- PrivLab's Lua-side library, run once when a runtime starts (after the engine has installed the
-- global `pl`). What lives here is easier to say in Lua than in Swift: output formatting through
-- tostring/__tostring (so metamethods run in Lua, never inside an engine call), parameter
-- declaration, deterministic iteration and pretty-printing.
local pl = pl

-- Output: print and io.write go to the runtime's sink (the report, or standard output).
local write = pl._write
local tostring, select = tostring, select

function print(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  write(table.concat(parts, "\t") .. "\n")
end

if io then
  local real_write = io.write
  io.write = function(...)
    local n = select("#", ...)
    for i = 1, n do
      local v = select(i, ...)
      if type(v) ~= "string" and type(v) ~= "number" then
        error(("bad argument #%d to 'write' (string expected, got %s)"):format(i, type(v)), 2)
      end
      write(tostring(v))
    end
    return io.stdout
  end
  pl._io_write = real_write
end

-- What pl.params, pl.spairs, pl.inspect, pl.time and pl.attack.roc_chart take, do and return is
-- declared (for `privlab doc` and the stubs) in Sources/PrivLabLua/Bindings/LuaLibraryDeclarations.swift.

function pl.params(defaults)
  -- _params answers nil and a message on bad input (a -P value of the wrong type, a default that
  -- is not a number, string or boolean); raised at level 2, the error names the script's line of
  -- this call instead of a line of this file.
  local p, err = pl._params(defaults)
  if p == nil then error(err, 2) end
  if type(p.seed) == "number" then math.randomseed(math.tointeger(p.seed) or 0) end
  return p
end

function pl.spairs(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    return a < b
  end)
  local i = 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, t[k] end
  end
end

function pl.inspect(v, opts)
  local depth = opts
  if type(opts) == "table" then
    -- The options-table form every pl constructor takes; checked here so a bad call names
    -- pl.inspect and the script's line (level 2), not a line inside this function.
    for k in pairs(opts) do
      if k ~= "depth" then error(("inspect: unknown option '%s' (accepted: depth)"):format(tostring(k)), 2) end
    end
    depth = opts.depth
  end
  if depth == nil then depth = 3 end
  if not (type(depth) == "number" and depth >= 0 and depth == math.floor(depth)) then
    error(("inspect: %s must be a non-negative integer (or {depth = n}), got %s"):format(
      type(opts) == "table" and "option 'depth'" or "argument 2 (the depth)",
      type(depth) == "number" and tostring(depth) or type(depth)), 2)
  end
  local seen = {}
  local function go(x, d)
    if type(x) == "string" then return string.format("%q", x) end
    if type(x) == "number" then
      if math.type(x) == "integer" then return tostring(x) end
      return string.format("%.6g", x)
    end
    if type(x) ~= "table" then return tostring(x) end
    if seen[x] then return "<cycle>" end
    if d <= 0 then return "{…}" end
    seen[x] = true
    local parts, n = {}, #x
    for i = 1, n do parts[#parts + 1] = go(x[i], d - 1) end
    for k, val in pl.spairs(x) do
      if not (math.type(k) == "integer" and k >= 1 and k <= n) then
        local key = (type(k) == "string" and k:match("^[%a_][%w_]*$")) and k or ("[" .. go(k, 0) .. "]")
        parts[#parts + 1] = key .. " = " .. go(val, d - 1)
      end
    end
    seen[x] = nil
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return go(v, depth)
end

function pl.time(label, f, ...)
  local t0 = pl.clock()
  local r = table.pack(f(...))
  pl.report.timing(label, pl.clock() - t0)
  return table.unpack(r, 1, r.n)
end

function pl.attack.roc_chart(o)
  if type(o) ~= "table" then error("attack.roc_chart: expected a table of {name =, result =} entries", 2) end
  for k in pairs(o) do
    if type(k) ~= "number" and k ~= "title" and k ~= "log" and k ~= "name" then
      error(("attack.roc_chart: unknown option '%s' (options: title, log, name; entries: {name =, result =})"):format(tostring(k)), 2)
    end
  end
  local log = o.log ~= false
  local series = {}
  local lo = 1
  for i, entry in ipairs(o) do
    local r = entry.result
    if type(r) ~= "table" or type(r.roc_fpr) ~= "table" then
      error(("attack.roc_chart: entry %d needs result = <the table attack:evaluate returned>"):format(i), 2)
    end
    local x, y = {}, {}
    for j = 1, #r.roc_fpr do
      local f, t = r.roc_fpr[j], r.roc_tpr[j]
      if not log or (f > 0 and t > 0) then x[#x + 1], y[#y + 1] = f, t end
    end
    if #x > 0 then
      series[#series + 1] = { name = entry.name or ("attack " .. i), x = x, y = y }
      lo = math.min(lo, x[1])
    end
  end
  lo = log and math.max(lo, 1e-4) or 0
  series[#series + 1] = { name = "chance", x = { lo, 1 }, y = { lo, 1 } }
  pl.report.chart { kind = "line", title = o.title or "ROC", xlabel = "false positive rate", ylabel = "true positive rate",
                    logx = log, logy = log, series = series, name = o.name }
end

pl.defense.accuracy_at = require("privlab.curves").accuracy_at

-- An assignment's hand-out is a notebook too (`privlab run hw.lua`): its public checks run inline
-- and call `expect`, its unfinished answers call `todo()`. The autograder gives the student's code
-- and its checks their own copies of both; here they are plain globals, unless the script has its own.
if rawget(_G, "expect") == nil then expect = require("privlab.expect").expect end
if rawget(_G, "todo") == nil then
  function todo() error("not implemented: replace todo() with your code", 2) end
end
if rawget(_G, "grader") == nil then grader = { seed = 1 } end

return pl
