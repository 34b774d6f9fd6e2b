-- The autograder's trusted half: the sandbox a submission runs in, and the `expect` helpers the
-- checks use. Loaded before any student code, so everything it captures below is the original.
--
-- The student's program runs with _ENV = S, a fresh table holding *copies* of the safe standard
-- libraries and of `pl`: no io, os, debug, load, loadfile, dofile, require, package or
-- collectgarbage; redefining `pl.x` or `string.format` only changes the student's copies. Checks run
-- in their own environment whose names resolve first to the trusted originals (expect, pl, the
-- libraries), then — by rawget, ignoring any metatable the student set — to the student's globals.

local type, next, pairs, ipairs, select, tostring, tonumber = type, next, pairs, ipairs, select, tostring, tonumber
local rawget, rawset, rawequal, rawlen, setmetatable, getmetatable = rawget, rawset, rawequal, rawlen, setmetatable, getmetatable
local error, pcall, xpcall, load, assert = error, pcall, xpcall, load, assert
local string_format, string_rep, string_sub, table_concat, math_abs, math_huge, math_type =
  string.format, string.rep, string.sub, table.concat, math.abs, math.huge, math.type
local real_pl = pl

-- Strings share one metatable; lock it so a submission cannot reach the real string library through it.
do
  local smt = getmetatable("")
  smt.__metatable = "locked"
end

local G = {}

local function copy_table(t, seen)
  seen = seen or {}
  if seen[t] then return seen[t] end
  local c = {}
  seen[t] = c
  for k, v in next, t do
    c[k] = type(v) == "table" and copy_table(v, seen) or v
  end
  -- pl's tables answer an unknown name with a did-you-mean error (Runtime.installMissingNameErrors):
  -- the copy gets its own metatable holding the same __index, so the student gets the same help
  -- and cannot reach the engine's tables through it.
  local mt = getmetatable(t)
  if type(mt) == "table" and mt.__index ~= nil then setmetatable(c, { __index = mt.__index }) end
  return c
end

--- Describes any value without running its metamethods (a student's __tostring may loop or fail).
local function describe(v)
  local t = type(v)
  if t == "number" then
    if v ~= v then return "NaN" end
    if math_type(v) == "integer" then return tostring(v) end
    return string_format("%.10g", v)
  elseif t == "string" then
    if #v > 200 then v = string_sub(v, 1, 200) .. "…" end
    return string_format("%q", v)
  elseif t == "boolean" or t == "nil" then
    return tostring(v)
  elseif t == "table" then
    local n = rawlen(v)
    if n > 0 and n <= 8 then
      local parts = {}
      for i = 1, n do parts[i] = describe(rawget(v, i)) end
      return "{" .. table_concat(parts, ", ") .. "}"
    end
    return n > 0 and ("a list of " .. n .. " values") or "a table"
  end
  return "a " .. t
end
G.describe = describe

--- An error object as text, whatever it is (a table, nil, a userdata).
local function error_text(e)
  if type(e) == "string" then return e end
  return "error object of type " .. type(e) .. " (" .. describe(e) .. ")"
end
G.error_text = error_text

-- expect: each helper raises a message on failure; a check passes when none fails.
local expect = {}
local function fail(msg, level) error({ check_failure = msg }, (level or 1) + 2) end

function expect.truthy(v, what)
  if not v then fail((what or "value") .. ": expected a true value, got " .. describe(v)) end
end

function expect.number(v, what)
  if type(v) ~= "number" then fail((what or "value") .. ": expected a number, got " .. describe(v)) end
  if v ~= v then fail((what or "value") .. ": got NaN") end
  return v
end

--- |actual − expected| ≤ tol (absolute), or ≤ tol·|expected| with {relative = true}.
function expect.near(actual, expected, tol, what, opts)
  what = what or "value"
  expect.number(actual, what)
  tol = tol or 1e-9
  local bound = (opts and opts.relative) and tol * math_abs(expected) or tol
  if not (math_abs(actual - expected) <= bound) then
    fail(string_format("%s: expected %s (± %s), got %s", what, describe(expected), describe(bound), describe(actual)))
  end
end

--- Deep equality of numbers, strings, booleans and tables (raw, no metamethods); numbers within tol.
local function equal(a, b, tol, path)
  if type(a) == "number" and type(b) == "number" then
    if a ~= a or not (math_abs(a - b) <= (tol or 0)) then
      return false, string_format("%s: expected %s, got %s", path, describe(b), describe(a))
    end
    return true
  end
  if type(a) ~= type(b) then return false, string_format("%s: expected %s, got %s", path, describe(b), describe(a)) end
  if type(a) ~= "table" then
    if not rawequal(a, b) then return false, string_format("%s: expected %s, got %s", path, describe(b), describe(a)) end
    return true
  end
  local count = 0
  for k, v in next, b do
    count = count + 1
    if count > 100000 then return false, path .. ": table too large" end
    local ok, msg = equal(rawget(a, k), v, tol, path .. "[" .. describe(k) .. "]")
    if not ok then return false, msg end
  end
  for k in next, a do
    if rawget(b, k) == nil then return false, string_format("%s: unexpected key %s", path, describe(k)) end
  end
  return true
end

function expect.equal(actual, expected, what, tol)
  local ok, msg = equal(actual, expected, tol, what or "value")
  if not ok then fail(msg) end
end

--- fn(...) must raise an error whose text contains `pattern` (plain text match).
function expect.error(fn, pattern, ...)
  if type(fn) ~= "function" then fail("expected a function to call, got " .. describe(fn)) end
  local ok, e = pcall(fn, ...)
  if ok then fail("expected an error" .. (pattern and (" mentioning '" .. pattern .. "'") or "") .. ", but the call succeeded") end
  local text = error_text(e)
  if pattern and not text:find(pattern, 1, true) then
    fail(string_format("expected an error mentioning '%s', got: %s", pattern, text))
  end
end

function expect.list_of_numbers(v, n, what)
  what = what or "value"
  if type(v) ~= "table" then fail(what .. ": expected a list of numbers, got " .. describe(v)) end
  if n and rawlen(v) ~= n then fail(string_format("%s: expected %d values, got %d", what, n, rawlen(v))) end
  for i = 1, rawlen(v) do expect.number(rawget(v, i), string_format("%s[%d]", what, i)) end
  return v
end

function expect.fail(msg) fail(msg) end
G.expect = expect

--- The student's environment: copies of the safe libraries, of pl, a capped print, todo().
function G.student_env(seed, cap)
  local S = {}
  for _, name in ipairs { "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber", "tostring", "type",
                          "xpcall", "rawequal", "rawget", "rawset", "rawlen", "setmetatable", "getmetatable" } do
    S[name] = _G[name]
  end
  for _, lib in ipairs { "string", "table", "math", "utf8", "coroutine" } do S[lib] = copy_table(_G[lib]) end
  S.pl = copy_table(real_pl)
  S._G = S
  S._VERSION = _VERSION
  S.assignment = { seed = seed }
  S.todo = function() error("not implemented", 2) end
  -- print: kept up to `cap` bytes, the rest counted and dropped.
  local out, size, dropped = {}, 0, 0
  S.print = function(...)
    local n = select("#", ...)
    local parts = {}
    for i = 1, n do
      local v = select(i, ...)
      parts[i] = type(v) == "string" and v or describe(v)
    end
    local line = table_concat(parts, "\t") .. "\n"
    if size + #line > cap then dropped = dropped + #line
    else out[#out + 1] = line; size = size + #line end
  end
  rawset(S, "__output", function() return table_concat(out), dropped end)
  return S
end

--- Output the student's print produced: text, bytes dropped beyond the cap.
function G.output(S)
  local f = rawget(S, "__output")
  return f()
end

local function loader_env(S, seed, question)
  local E = { expect = expect, pl = real_pl, grader = { seed = seed, question = question }, S = S, describe = describe }
  for _, name in ipairs { "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber", "tostring", "type",
                          "xpcall", "rawequal", "rawget", "rawset", "rawlen", "setmetatable", "getmetatable", "print" } do
    E[name] = _G[name]
  end
  E.string, E.table, E.math, E.utf8 = copy_table(string), copy_table(table), copy_table(math), copy_table(utf8)
  return setmetatable(E, { __index = function(_, k) return rawget(S, k) end })
end

--- Runs source text in env; returns true, or false and the error as text. Errors raised by expect
--- come back as their message; any other error object is described safely.
local function run(code, chunkname, env)
  local fn, perr = load(code, chunkname, "t", env)
  if not fn then return false, "syntax error: " .. error_text(perr), "syntax" end
  local ok, e = xpcall(fn, function(err)
    if type(err) == "table" and type(rawget(err, "check_failure")) == "string" then return { check_failure = rawget(err, "check_failure") } end
    return error_text(err)
  end)
  if ok then return true end
  if type(e) == "table" then return false, e.check_failure, "failed" end
  return false, e, "error"
end

-- One grading session per Lua state: the student's environment lives here, never in Swift.
local current_S

--- Creates the student's environment. `forbidden` lists dotted names under pl ("privacy.rdp") the
--- assignment withholds (the student must implement them); calling one raises an error saying so.
function G.start(seed, cap, forbidden)
  current_S = G.student_env(seed, cap)
  for _, name in ipairs(forbidden or {}) do
    local t, last = current_S.pl, nil
    local parts = {}
    for p in name:gmatch("[^.]+") do parts[#parts + 1] = p end
    for i = 1, #parts - 1 do t = type(t) == "table" and rawget(t, parts[i]) or nil end
    if type(t) == "table" then
      local full = "pl." .. name
      rawset(t, parts[#parts], function() error(full .. " is not available in this assignment: implement it yourself", 2) end)
    end
  end
end

function G.run_student(code, chunkname) return run(code, chunkname, current_S) end
function G.run_check(code, chunkname, seed, question) return run(code, chunkname, loader_env(current_S, seed, question)) end
function G.student_output() return G.output(current_S) end

return G
