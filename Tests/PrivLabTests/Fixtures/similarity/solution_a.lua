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
function vote(outputs, weights)
  local records, classes = check_outputs(outputs, weights)
  local labels = {}
  for i = 1, records do
    -- tally the weight behind each class
    local tally = {}
    for c = 1, classes do tally[c] = 0 end
    for s = 1, #outputs do
      local rows = outputs[s]
      if rows and weights[s] > 0 then
        local row, best = rows[i], 1
        for c = 2, classes do
          if row[c] > row[best] then best = c end
        end
        tally[best] = tally[best] + weights[s]
      end
    end
    local winner = 1
    for c = 2, classes do
      if tally[c] > tally[winner] then winner = c end
    end
    labels[i] = winner - 1
  end
  return labels
end

--[[md
## 2. Weighted mean of probabilities
]]
function mean_probs(outputs, weights)
  local records, classes = check_outputs(outputs, weights)
  local result, total = {}, 0
  for i = 1, records do
    result[i] = {}
    for c = 1, classes do result[i][c] = 0 end
  end
  for s = 1, #outputs do
    if outputs[s] then
      total = total + weights[s]
      for i = 1, records do
        for c = 1, classes do
          result[i][c] = result[i][c] + weights[s] * outputs[s][i][c]
        end
      end
    end
  end
  for i = 1, records do
    for c = 1, classes do result[i][c] = result[i][c] / total end
  end
  return result
end

--[[md
## 3. Shard sizes
`shard_sizes(n, shards)`: split n records into shards whose sizes differ by at most one, the larger
shards first.
]]
function shard_sizes(n, shards)
  local sizes = {}
  local base = n // shards
  local extra = n % shards
  for s = 1, shards do
    if s <= extra then
      sizes[s] = base + 1
    else
      sizes[s] = base
    end
  end
  return sizes
end

local outputs = { { { 0.9, 0.1 }, { 0.2, 0.8 } }, false, { { 0.6, 0.4 }, { 0.3, 0.7 } } }
show(vote(outputs, { 1, 1, 1 }), "votes")
