--[[md
# Exercise: aggregating an ensemble's outputs

`outputs` holds one entry per constituent model: a list of rows (one per record), each row the
model's class probabilities, or `false` for an empty shard. Labels are 0-based.
]]

-- Given: checks the shape of the outputs and returns the number of records and of classes.
function check_outputs(outputs, weights)
  assert(type(outputs) == "table", "outputs must be a table")
  assert(#weights == #outputs, "one weight per constituent")
  local records, classes = nil, nil
  for s = 1, #outputs do
    local rows = outputs[s]
    if rows then
      if records == nil then records = #rows end
      assert(#rows == records, "every constituent answers for every record")
      for i = 1, #rows do
        if classes == nil then classes = #rows[i] end
        assert(#rows[i] == classes, "every row has one probability per class")
      end
    end
  end
  assert(records ~= nil, "every shard is empty")
  return records, classes
end

-- Given: prints a small table of labels for reading.
function show(labels, title)
  print(title or "labels")
  local line = {}
  for i = 1, #labels do
    line[#line + 1] = string.format("%3d", labels[i])
    if #line == 10 then print(table.concat(line, " ")); line = {} end
  end
  if #line > 0 then print(table.concat(line, " ")) end
end

--[[md
## 1. Weighted vote
Each constituent votes for its most probable class (the lowest on a tie) with its weight; the
class with the most weight wins, the lowest class on a tie.
]]
-- index of the largest entry (the first one on a tie)
local function argmax(values)
  local at = 1
  for j, v in ipairs(values) do
    if v > values[at] then at = j end
  end
  return at
end

function vote(outputs, weights)
  local n, k = check_outputs(outputs, weights)
  local weight_of = {}
  for s, rows in ipairs(outputs) do
    if rows then
      local w = weights[s]
      for i, row in ipairs(rows) do
        weight_of[i] = weight_of[i] or setmetatable({}, { __index = function() return 0 end })
        local c = argmax(row)
        weight_of[i][c] = weight_of[i][c] + w
      end
    end
  end
  local labels = {}
  for i = 1, n do
    local totals = {}
    for c = 1, k do totals[c] = weight_of[i] and weight_of[i][c] or 0 end
    labels[#labels + 1] = argmax(totals) - 1
  end
  return labels
end

--[[md
## 2. Weighted mean of probabilities
]]
function mean_probs(outputs, weights)
  check_outputs(outputs, weights)
  local sum_w = 0
  local acc = nil
  for s, rows in ipairs(outputs) do
    if rows then
      sum_w = sum_w + weights[s]
      acc = acc or {}
      for i, row in ipairs(rows) do
        local target = acc[i] or {}
        acc[i] = target
        for c, p in ipairs(row) do target[c] = (target[c] or 0) + p * weights[s] end
      end
    end
  end
  return (function()
    for _, row in pairs(acc) do
      for c in pairs(row) do row[c] = row[c] / sum_w end
    end
    return acc
  end)()
end

--[[md
## 3. Shard sizes
`shard_sizes(n, shards)`: split n records into shards whose sizes differ by at most one, the larger
shards first.
]]
function shard_sizes(n, shards)
  local out = {}
  local left = n
  while #out < shards do
    local remaining = shards - #out
    local size = math.ceil(left / remaining)
    table.insert(out, size)
    left = left - size
  end
  return out
end

local outputs = { { { 0.9, 0.1 }, { 0.2, 0.8 } }, false, { { 0.6, 0.4 }, { 0.3, 0.7 } } }
show(vote(outputs, { 1, 1, 1 }), "votes")
