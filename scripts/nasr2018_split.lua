-- The exact data split of notebooks/reproductions/nasr2018.lua (same generator, sizes and seeds),
-- printed as CSV (set,label,feature 1,…,feature 600; set ∈ members, reference, test, validation)
-- for scripts/nasr2018_torch.py:
--
--     .build/release/privlab exec scripts/nasr2018_split.lua > /tmp/split.csv
--
-- Parameters as the notebook's (-P members=… -P test=… -P validation=… -P pool=… -P seed=…); keep
-- them equal to the notebook run being compared. The attacker's pool is generated but not printed.
local P = pl.params { members = 2000, test = 2000, validation = 1000, pool = 4000, seed = 1 }
local n_ref = math.floor(1.5 * P.members)
local all = pl.data.purchase { n = P.members + n_ref + P.test + P.validation + P.pool, classes = 100, signature = 0.02, density = 0.1, seed = P.seed }
local rest, members = all:split { test = P.members, seed = P.seed }
local rest2, reference = rest:split { test = n_ref, seed = P.seed + 1 }
local rest3, test = rest2:split { test = P.test, seed = P.seed + 2 }
local _, validation = rest3:split { test = P.validation, seed = P.seed + 3 }
for _, s in ipairs { { "members", members }, { "reference", reference }, { "test", test }, { "validation", validation } } do
  for _, id in ipairs(s[2]:ids()) do
    local r = s[2]:record(id)
    local f = {}
    for j, v in ipairs(r.features) do f[j] = ("%g"):format(v) end
    print(s[1] .. "," .. r.label .. "," .. table.concat(f, ","))
  end
end
