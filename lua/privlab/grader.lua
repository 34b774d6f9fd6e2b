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

local shared = require("privlab.expect")
local describe, error_text, equal, expect = shared.describe, shared.error_text, shared.equal, shared.expect
G.describe = describe
G.error_text = error_text
G.expect = expect

-- What the student's program put in its report, by the question whose code (or checks) ran:
-- checks read them through grader.table(q) and grader.chart(q) and compare values, not pictures.
local produced = { tables = {}, charts = {} }
local producing = ""

local function deep_copy(v, depth)
  if type(v) ~= "table" or depth > 6 then return v end
  local c = {}
  for k, x in next, v do c[k] = deep_copy(x, depth + 1) end
  return c
end

--- Rows as records: a list of lists becomes records keyed by its header (option header/columns,
--- else its first row).
local function as_records(rows, options)
  if type(rows) ~= "table" then return rows end
  local first = rawget(rows, 1)
  if type(first) ~= "table" or rawget(first, 1) == nil then return rows end
  local head = options and (rawget(options, "header") or rawget(options, "columns"))
  local start = 1
  if head == nil then head, start = first, 2 end
  local out = {}
  for i = start, rawlen(rows) do
    local r, rec = rawget(rows, i), {}
    for j = 1, rawlen(head) do rec[rawget(head, j)] = type(r) == "table" and rawget(r, j) or nil end
    out[#out + 1] = rec
  end
  return out
end

local function record_report(S)
  local report = rawget(S.pl, "report")
  if type(report) ~= "table" then return end
  local original_table = rawget(report, "table")
  if original_table then
    rawset(report, "table", function(rows, options)
      local r = original_table(rows, options)
      local list = produced.tables[producing] or {}
      list[#list + 1] = { rows = as_records(deep_copy(rows, 0), options), caption = type(options) == "table" and rawget(options, "caption") or nil }
      produced.tables[producing] = list
      return r
    end)
  end
  for _, kind in ipairs { "chart", "line", "scatter", "bar" } do
    local original = rawget(report, kind)
    if original then
      rawset(report, kind, function(options, ...)
        local r = original(options, ...)
        local c = deep_copy(options, 0)
        if kind ~= "chart" and type(c) == "table" then c.kind = kind end
        local list = produced.charts[producing] or {}
        list[#list + 1] = c
        produced.charts[producing] = list
        return r
      end)
    end
  end
end

local function last(list) return list and list[#list] or nil end

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
  -- What was printed since the last take, and the bytes dropped since then; the cap holds for the
  -- whole run, so a flood in one question leaves nothing to print for the next.
  local taken, dropped_taken = 0, 0
  local function take()
    local text = table_concat(out, "", taken + 1, #out)
    local d = dropped - dropped_taken
    taken, dropped_taken = #out, dropped
    return text, d
  end
  return S, take
end

local function loader_env(S, seed, question)
  local grader = {
    seed = seed, question = question,
    --- The last table / chart the student's code for question q (default: this one) produced.
    table = function(q) q = q or question; return last(produced.tables[q]) end,
    chart = function(q) q = q or question; return last(produced.charts[q]) end,
    tables = function(q) return produced.tables[q or question] or {} end,
    charts = function(q) return produced.charts[q or question] or {} end,
  }
  local E = { expect = expect, pl = real_pl, grader = grader, S = S, describe = describe }
  for _, name in ipairs { "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber", "tostring", "type",
                          "xpcall", "rawequal", "rawget", "rawset", "rawlen", "setmetatable", "getmetatable", "print" } do
    E[name] = _G[name]
  end
  E.string, E.table, E.math, E.utf8 = copy_table(string), copy_table(table), copy_table(math), copy_table(utf8)
  return setmetatable(E, { __index = function(_, k) return rawget(S, k) end })
end

--- Runs source text in env; returns true, or false and the error as text. Errors raised by expect
--- come back as their message; any other error object is described safely.
local function run(code, chunkname, env, before_error, ...)
  local fn, perr = load(code, chunkname, "t", env)
  if not fn then return false, "syntax error: " .. error_text(perr), "syntax" end
  local ok, e = xpcall(fn, function(err)
    if before_error then pcall(before_error, fn) end
    if type(err) == "table" and type(rawget(err, "check_failure")) == "string" then return { check_failure = rawget(err, "check_failure") } end
    return error_text(err)
  end, ...)
  if ok then return true end
  if type(e) == "table" then return false, e.check_failure, "failed" end
  return false, e, "error"
end

-- Locals carry from one section of the student's program to the next, as they do from one chunk
-- of a notebook to the next: each section runs as its own chunk (so an error in one question's code
-- costs only that question), declares the locals the sections before it left — their values, passed
-- in as the chunk's arguments — and hands its own back at its end, or where it failed. A closure of
-- an earlier section keeps its own copy: reassigning a carried local later does not reach it.
local debug_getlocal, debug_getinfo, table_unpack = debug.getlocal, debug.getinfo, table.unpack
local CARRY = "__privlab_carry"
-- At most this many locals are carried (the most recent), leaving the section room for its own
-- under Lua's 200 locals per function.
local MAX_CARRIED = 100
local carried = { names = {}, values = {}, n = 0 }

--- Takes the locals active at stack `level` (as the caller of capture counts it).
local function capture(level)
  local names, values, index, n = {}, {}, {}, 0
  local i = 1
  while true do
    local name, value = debug_getlocal(level + 1, i)
    if name == nil then break end
    if string_sub(name, 1, 1) ~= "(" and name ~= CARRY and name ~= "_ENV" then
      local at = index[name]
      if at then values[at] = value
      else n = n + 1; names[n], values[n], index[name] = name, value, n end
    end
    i = i + 1
  end
  if n > MAX_CARRIED then
    local keep_names, keep_values = {}, {}
    for k = n - MAX_CARRIED + 1, n do keep_names[#keep_names + 1], keep_values[#keep_values + 1] = names[k], values[k] end
    names, values, n = keep_names, keep_values, MAX_CARRIED
  end
  carried = { names = names, values = values, n = n }
end

local function carry_here() capture(2) end

--- In a message handler: the locals of the section's chunk `fn` where it failed.
local function capture_at_error(fn)
  local level = 2
  while true do
    local info = debug_getinfo(level, "f")
    if info == nil then return end
    -- Not a tail call: capture counts levels from this frame.
    if rawequal(info.func, fn) then capture(level); return end
    level = level + 1
  end
end

--- Runs one section of the student's program with the carried locals. A section ending in a
--- `return` cannot have code after it: it runs without handing its locals on.
local function run_section(code, chunkname, env)
  local names = carried.names
  local head = "local " .. CARRY .. (carried.n > 0 and (", " .. table_concat(names, ", ", 1, carried.n)) or "") .. " = ...; "
  local full = head .. code .. "\n" .. CARRY .. "()"
  local values = carried.values
  if load(full, chunkname, "t", env) == nil and load(head .. code, chunkname, "t", env) ~= nil then full = head .. code end
  return run(full, chunkname, env, capture_at_error, carry_here, table_unpack(values, 1, carried.n))
end

-- One grading session per Lua state: the student's environment lives here, never in Swift.
local current_S

--- Creates the student's environment. `forbidden` lists dotted names under pl ("privacy.rdp") the
--- assignment withholds (the student must implement them); calling one raises an error saying so.
local current_take
function G.start(seed, cap, forbidden)
  current_S, current_take = G.student_env(seed, cap)
  carried = { names = {}, values = {}, n = 0 }
  produced, producing = { tables = {}, charts = {} }, ""
  record_report(current_S)
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

function G.run_student(code, chunkname, question)
  producing = question or ""
  return run_section(code, chunkname, current_S)
end
function G.run_check(code, chunkname, seed, question)
  producing = question
  return run(code, chunkname, loader_env(current_S, seed, question))
end

--- A free-text question's answer: the string `expr` names after the program ran; nil and a reason
--- when it is missing or not text.
function G.answer(expr, seed, question)
  producing = question
  local fn = load("return " .. expr, "=answer", "t", loader_env(current_S, seed, question))
  if not fn then return nil, "the answer's name '" .. expr .. "' is not a Lua expression" end
  local ok, v = pcall(fn)
  if not ok then return nil, expr .. " could not be read: " .. error_text(v) end
  if v == nil then return nil, expr .. " is not set" end
  if type(v) ~= "string" then return nil, expr .. " must be text (a string), got " .. describe(v) end
  return v
end
--- What the student's program printed since the last call, and the bytes dropped beyond the cap.
function G.student_output() return current_take() end

return G
