-- The checks' helpers (`expect.*`), shared by the autograder (lua/privlab/grader.lua) and by a
-- hand-out run as a notebook (`privlab run hw.lua`, where the public checks run inline). A failed
-- expectation raises {check_failure = <message>, message = <file:line: message>}: the grader reports
-- the message alone, a notebook run shows where it failed.
local type, next, pairs, ipairs, tostring = type, next, pairs, ipairs, tostring
local rawget, rawequal, rawlen, error, pcall = rawget, rawequal, rawlen, error, pcall
local string_format, string_sub, table_concat, math_abs, math_type =
  string.format, string.sub, table.concat, math.abs, math.type
local debug_getinfo = debug and debug.getinfo

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

--- An error object as text, whatever it is (a table, nil, a userdata).
local function error_text(e)
  if type(e) == "string" then return e end
  return "error object of type " .. type(e) .. " (" .. describe(e) .. ")"
end

-- expect: each helper raises a message on failure; a check passes when none fails.
local expect = {}
local function fail(msg, level)
  local where = ""
  local info = debug_getinfo and debug_getinfo((level or 1) + 2, "Sl")
  if info and info.currentline and info.currentline > 0 then where = info.short_src .. ":" .. info.currentline .. ": " end
  error({ check_failure = msg, message = where .. msg }, (level or 1) + 2)
end

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

--- `--@ choice`: the value must be one of `options` and be the right one; with several right
--- answers, a list holding exactly those (in any order).
function expect.choice(value, right, options, what)
  what = what or "answer"
  local allowed = {}
  for _, o in ipairs(options) do allowed[o] = true end
  local function norm(v)
    if type(v) == "number" or type(v) == "string" then return tostring(v) end
    return nil
  end
  local listing = table_concat(options, ", ")
  if #right == 1 then
    local v = norm(value)
    if v == nil or not allowed[v] then fail(string_format("%s: expected one of %s, got %s", what, listing, describe(value))) end
    if v ~= right[1] then fail(string_format("%s: %s is not the right choice", what, describe(value))) end
    return
  end
  if type(value) ~= "table" then fail(string_format("%s: expected a list of the right choices among %s, got %s", what, listing, describe(value))) end
  local got, n = {}, 0
  for i = 1, rawlen(value) do
    local v = norm(rawget(value, i))
    if v == nil or not allowed[v] then fail(string_format("%s[%d]: expected one of %s, got %s", what, i, listing, describe(rawget(value, i)))) end
    if not got[v] then got[v] = true; n = n + 1 end
  end
  local want = {}
  for _, r in ipairs(right) do want[r] = true end
  for r in pairs(want) do
    if not got[r] then fail(string_format("%s: %d of the choices are right, and yours miss at least one", what, #right)) end
  end
  if n ~= #right then fail(string_format("%s: the list holds a choice that is not right", what)) end
end

--- A table the student produced (grader.table) against the expected one: `expected.columns`
--- names the columns, `expected.rows` holds the rows as lists in that order; numbers within tol.
function expect.table(actual, expected, what, tol)
  what = what or "table"
  if type(actual) ~= "table" then fail(what .. ": no table was produced (expected one with columns " .. table_concat(expected.columns, ", ") .. ")") end
  local rows = rawget(actual, "rows") or actual
  if type(rows) ~= "table" then fail(what .. ": expected a list of rows, got " .. describe(rows)) end
  if rawlen(rows) ~= #expected.rows then fail(string_format("%s: expected %d rows, got %d", what, #expected.rows, rawlen(rows))) end
  for i, want in ipairs(expected.rows) do
    local row = rawget(rows, i)
    if type(row) ~= "table" then fail(string_format("%s: row %d is %s, not a row", what, i, describe(row))) end
    for j, column in ipairs(expected.columns) do
      local got = rawget(row, column)
      if got == nil and i == 1 then fail(string_format("%s: no column '%s'", what, column)) end
      local ok, msg = equal(got, want[j], tol, string_format("%s: row %d, column '%s'", what, i, column))
      if not ok then fail(msg) end
    end
  end
end

--- A series of a chart the student drew (grader.chart): by name or position; x and y within tol.
function expect.series(chart, which, want, what, tol)
  what = what or "chart"
  if type(chart) ~= "table" then fail(what .. ": no chart was drawn") end
  local list = rawget(chart, "series") or { { name = rawget(chart, "label"), x = rawget(chart, "x"), y = rawget(chart, "y") } }
  local s
  for i = 1, rawlen(list) do
    local c = rawget(list, i)
    if type(c) == "table" and (i == which or rawget(c, "name") == which) then s = c end
  end
  if s == nil then fail(string_format("%s: no series %s", what, describe(which))) end
  for _, axis in ipairs { "x", "y" } do
    if want[axis] ~= nil then
      local got = rawget(s, axis)
      if got == nil and axis == "x" then
        got = {}
        for i = 1, rawlen(rawget(s, "y") or {}) do got[i] = i end
      end
      local ok, msg = equal(got, want[axis], tol, string_format("%s: series %s, %s", what, describe(which), axis))
      if not ok then fail(msg) end
    end
  end
end

return { expect = expect, describe = describe, error_text = error_text, equal = equal }
