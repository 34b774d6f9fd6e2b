-- The shadow-model attack's strength on a small tabular set (issue 14): the bundled digits split
-- into 899 members, 449 attacker records and 449 non-members, a target MLP(256) trained to 100%
-- training accuracy, 8 shadows on the attacker's records; five splits. For each split prints one
-- JSON line with the record ids and every attack's AUC, so that bench/attack_strength_reference.py
-- can run scikit-learn's versions on the same records (bench/run.py --attack-strength runs both).
--   .build/release/privlab exec bench/attack_strength.lua
local d = pl.data.digits{}
local function list(t) local s = {} for i, v in ipairs(t) do s[i] = tostring(v) end return "[" .. table.concat(s, ",") .. "]" end
for split = 1, 5 do
  local members, rest = d:split{test = 0.5, seed = split}
  local attacker, nonmembers = rest:split{test = 0.5, seed = split + 10}
  local target = pl.pipeline{pl.scaler{kind = "zscore"},
                             pl.mlp{hidden = {256}, epochs = 200, optimizer = "adam", lr = 1e-3, batch = 200, seed = split}}
  target:fit(members)
  local function auc(a) return a:evaluate{members = members, nonmembers = nonmembers}.auc end
  local function shadow(o) o.target = target; o.data = attacker; o.shadows = 8; o.seed = split; return auc(pl.attack.shadow(o)) end
  local r = {
    train_accuracy = target:accuracy(members), test_accuracy = target:accuracy(nonmembers),
    loss = auc(pl.attack.metric{target = target}),
    shadow_paper = shadow{features = "probabilities", attack_model = "mlp", per_class = true},
    shadow_default = shadow{attack_model = "logistic"},   -- the fixed default before "auto" (scikit-learn's logistic is its reference)
    shadow_auto = shadow{},
    shadow_boosting_per_class = shadow{attack_model = "boosting", per_class = true},
    lira = auc(pl.attack.lira{target = target, data = attacker, shadows = 16, seed = split}),
  }
  local out = {string.format('"split": %d', split)}
  for _, k in ipairs({"train_accuracy", "test_accuracy", "loss", "shadow_paper", "shadow_default", "shadow_auto", "shadow_boosting_per_class", "lira"}) do
    out[#out + 1] = string.format("%q: %.6f", k, r[k])
  end
  out[#out + 1] = '"members": ' .. list(members:ids())
  out[#out + 1] = '"attacker": ' .. list(attacker:ids())
  out[#out + 1] = '"nonmembers": ' .. list(nonmembers:ids())
  print("{" .. table.concat(out, ", ") .. "}")
end
