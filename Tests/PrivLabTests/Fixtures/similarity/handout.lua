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
  -- YOUR CODE HERE
  error("vote: not implemented")
end

--[[md
## 2. Weighted mean of probabilities
]]
function mean_probs(outputs, weights)
  -- YOUR CODE HERE
  error("mean_probs: not implemented")
end

--[[md
## 3. Shard sizes
`shard_sizes(n, shards)`: split n records into shards whose sizes differ by at most one, the larger
shards first.
]]
function shard_sizes(n, shards)
  -- YOUR CODE HERE
  error("shard_sizes: not implemented")
end

local outputs = { { { 0.9, 0.1 }, { 0.2, 0.8 } }, false, { { 0.6, 0.4 }, { 0.3, 0.7 } } }
show(vote(outputs, { 1, 1, 1 }), "votes")
