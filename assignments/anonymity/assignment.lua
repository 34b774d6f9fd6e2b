--[[md
# Assignment: k-anonymity, its refinements, and the composition attack that breaks it

A k-anonymous release hides every person in an equivalence class of at least k records sharing
generalised quasi-identifiers; ℓ-diversity (Machanavajjhala et al. 2007) and t-closeness (Li, Li &
Venkatasubramanian 2007) also constrain the sensitive values of each class. Ganta, Kasiviswanathan
& Smith (KDD 2008) showed that two independent k-anonymous releases of overlapping populations can
be intersected to disclose sensitive values; differential privacy, by contrast, composes. You
implement the checks, the attack, and DP's ceiling on any attack.

Conventions: a table is a list of records, each a Lua table `{age = 34, sex = "F", disease = "flu", …}`;
a class is a list of sensitive values (strings). The engine's checks and attack
(`pl.anonymize.l_diversity`, `pl.anonymize.t_closeness`, `pl.anonymize.intersection`) are switched
off for you; `pl.anonymize.k_anonymity` and `pl.data.census` are available.

Run the public checks with `privlab check anonymity.lua`.
]]
--@ forbid anonymize.l_diversity anonymize.t_closeness anonymize.intersection

--@ question kanon 3 -- Is a table k-anonymous?
--[[md
## 1. k-anonymity (3 points)

`is_k_anonymous(rows, quasi, k)` returns true when every combination of the quasi-identifier values
(`quasi` is a list of field names) that occurs in `rows` occurs at least k times.
]]
function is_k_anonymous(rows, quasi, k)
  -- BEGIN SOLUTION
  local count = {}
  for _, r in ipairs(rows) do
    local parts = {}
    for i, q in ipairs(quasi) do parts[i] = tostring(r[q]) end
    local key = table.concat(parts, "\0")
    count[key] = (count[key] or 0) + 1
  end
  for _, c in pairs(count) do if c < k then return false end end
  return true
  -- END SOLUTION
end

--@ check kanon public 1 -- a 2-anonymous table, and the same table with one record changed
local rows = { { age = "2*", zip = "476**", d = "flu" }, { age = "2*", zip = "476**", d = "hiv" },
               { age = "3*", zip = "479**", d = "flu" }, { age = "3*", zip = "479**", d = "flu" } }
expect.truthy(is_k_anonymous(rows, { "age", "zip" }, 2), "2-anonymous")
rows[4].zip = "478**"
expect.truthy(not is_k_anonymous(rows, { "age", "zip" }, 2), "no longer 2-anonymous")
--@ end

--@ check kanon hidden 2 -- the engine's Mondrian releases are k-anonymous, the raw census is not
local census = pl.data.census { n = 400, seed = grader.seed }
local k = 3 + grader.seed % 4
local r = pl.anonymize.k_anonymity { data = census, quasi = { "age", "sex", "education" }, sensitive = "diagnosis", k = k }
local published = r:rows { n = 400 }
expect.truthy(is_k_anonymous(published, { "age", "sex", "education" }, k), "a Mondrian release at k = " .. k)
expect.truthy(not is_k_anonymous(published, { "age", "sex", "education" }, r:info().smallest + 1), "not (smallest class + 1)-anonymous")
local raw = census:head(400)
expect.truthy(not is_k_anonymous(raw, { "age", "region", "sex" }, 2), "the raw table is not even 2-anonymous")
--@ end

--@ question diversity 3 -- ℓ-diversity
--[[md
## 2. ℓ-diversity (3 points)

`distinct_l(classes)` returns the release's distinct ℓ: the smallest number of different sensitive
values in a class. `entropy_l(classes)` returns its entropy ℓ: the smallest exp(−Σ p log p) over the
classes, p the shares of the class's values (natural logarithm).
]]
function distinct_l(classes)
  -- BEGIN SOLUTION
  local best = math.huge
  for _, c in ipairs(classes) do
    local seen, n = {}, 0
    for _, v in ipairs(c) do if not seen[v] then seen[v] = true; n = n + 1 end end
    best = math.min(best, n)
  end
  return best
  -- END SOLUTION
end

function entropy_l(classes)
  -- BEGIN SOLUTION
  local best = math.huge
  for _, c in ipairs(classes) do
    local count = {}
    for _, v in ipairs(c) do count[v] = (count[v] or 0) + 1 end
    local h = 0
    for _, n in pairs(count) do local p = n / #c; h = h - p * math.log(p) end
    best = math.min(best, math.exp(h))
  end
  return best
  -- END SOLUTION
end

--@ check diversity public 1 -- small classes
expect.equal(distinct_l({ { "flu", "flu", "hiv" }, { "flu", "cancer", "hiv", "flu" } }), 2)
expect.near(entropy_l({ { "a", "a", "b", "c" } }), 2 ^ 1.5, 1e-9)
--@ end

--@ check diversity hidden 2 -- against the engine on a Mondrian release
local census = pl.data.census { n = 600, seed = grader.seed + 1 }
local r = pl.anonymize.k_anonymity { data = census, quasi = { "age", "region", "sex" }, sensitive = "diagnosis", k = 4 }
local classes = {}
for i, c in ipairs(r:classes()) do
  classes[i] = {}
  for value, n in pl.spairs(c.sensitive) do for _ = 1, n do classes[i][#classes[i] + 1] = value end end
end
local info = r:info()
expect.equal(distinct_l(classes), info.l_distinct, "distinct ℓ")
expect.near(entropy_l(classes), info.l_entropy, 1e-9, "entropy ℓ")
--@ end

--@ question closeness 3 -- t-closeness's Earth Mover's Distance
--[[md
## 3. t-closeness (3 points)

`emd_ordered(p, q)` returns the EMD between two distributions over m ordered values (lists of m
shares) with the ordered ground distance |i − j|/(m − 1) (Li et al. 2007, §4.2); `emd_equal(p, q)`
with the equal ground distance (any two different values at distance 1).
]]
function emd_ordered(p, q)
  -- BEGIN SOLUTION
  local cum, total = 0, 0
  for i = 1, #p do cum = cum + p[i] - q[i]; total = total + math.abs(cum) end
  return total / (#p - 1)
  -- END SOLUTION
end

function emd_equal(p, q)
  -- BEGIN SOLUTION
  local s = 0
  for i = 1, #p do s = s + math.abs(p[i] - q[i]) end
  return s / 2
  -- END SOLUTION
end

--@ check closeness public 1 -- the paper's salaries: {3K, 4K, 5K} against 3K … 11K
local q = { 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9 }
expect.near(emd_ordered({ 1 / 3, 1 / 3, 1 / 3, 0, 0, 0, 0, 0, 0 }, q), 0.375, 1e-12, "P1")
expect.near(emd_ordered({ 0, 0, 0, 1 / 3, 0, 1 / 3, 0, 0, 1 / 3 }, q), 1 / 6, 1e-12, "P2")
--@ end

--@ check closeness hidden 2 -- against the engine's t (equal distance, diagnoses)
local census = pl.data.census { n = 500, seed = grader.seed + 2 }
local r = pl.anonymize.k_anonymity { data = census, quasi = { "age", "sex" }, sensitive = "diagnosis", k = 10 }
local names = { "flu", "bronchitis", "asthma", "gastritis", "migraine", "diabetes", "hypertension", "heart disease", "cancer", "arthritis" }
local overall, classes = {}, r:classes()
for i = 1, #names do overall[i] = 0 end
for _, c in ipairs(classes) do for i, v in ipairs(names) do overall[i] = overall[i] + (c.sensitive[v] or 0) / 500 end end
local worst = 0
for _, c in ipairs(classes) do
  local p = {}
  for i, v in ipairs(names) do p[i] = (c.sensitive[v] or 0) / c.size end
  worst = math.max(worst, emd_equal(p, overall))
end
expect.near(worst, r:info().t, 1e-9, "the release's t")
--@ end

--@ question attack 4 -- The intersection attack
--[[md
## 4. The intersection attack (4 points)

`candidates(releases, id)` returns the sorted list of sensitive values the attacker cannot rule out
for person `id` given a list of releases (`pl.anonymize.k_anonymity` objects): in each release, the
person's class (`release:classes()` lists each class's `ids` and its `sensitive` value counts — an
attacker who knows the person's quasi-identifiers finds the same class from its `generalisation`),
then the values common to all those classes. `exposure(releases, ids)` returns the share of `ids`
left with exactly one candidate.
]]
function candidates(releases, id)
  -- BEGIN SOLUTION
  local common
  for _, r in ipairs(releases) do
    local values = {}
    for _, c in ipairs(r:classes()) do
      for _, x in ipairs(c.ids) do
        if x == id then for v in pairs(c.sensitive) do values[v] = true end end
      end
    end
    if common then
      for v in pairs(common) do if not values[v] then common[v] = nil end end
    else
      common = values
    end
  end
  local out = {}
  for v in pairs(common) do out[#out + 1] = v end
  table.sort(out)
  return out
  -- END SOLUTION
end

function exposure(releases, ids)
  -- BEGIN SOLUTION
  local n = 0
  for _, id in ipairs(ids) do if #candidates(releases, id) == 1 then n = n + 1 end end
  return n / #ids
  -- END SOLUTION
end

--@ check attack public 1 -- two hand-made releases expose person 1
local function table_of(ages, zips, diseases, ids)
  return pl.data.microdata { order = { "age", "zip", "disease" }, ids = ids,
                             columns = { age = ages, zip = zips, disease = diseases } }
end
local a = pl.anonymize.k_anonymity { data = table_of({ 21, 23, 25, 27 }, { 100, 102, 101, 103 }, { "flu", "cancer", "flu", "flu" }, { 1, 2, 3, 4 }),
                                     quasi = { "age", "zip" }, sensitive = "disease", k = 2 }
local b = pl.anonymize.k_anonymity { data = table_of({ 21, 22, 27, 28 }, { 100, 100, 103, 103 }, { "flu", "hiv", "flu", "flu" }, { 1, 9, 4, 10 }),
                                     quasi = { "age", "zip" }, sensitive = "disease", k = 2 }
expect.equal(candidates({ a }, 1), { "cancer", "flu" })
expect.equal(candidates({ a, b }, 1), { "flu" })
--@ end

--@ check attack hidden 3 -- three census releases, against the engine's attack
local census = pl.data.census { n = 1200, seed = grader.seed + 3 }
local rel, sets = {}, {}
for i = 1, 3 do
  rel[i] = pl.anonymize.k_anonymity { data = census:sample { n = 800, seed = grader.seed + 10 * i }, quasi = { "age", "region", "sex" },
                                      sensitive = "diagnosis", k = 2 + i % 2 }
end
local ref = pl.anonymize.intersection { releases = rel, details = true }
local ids = {}
for i = 1, math.min(60, #ref.ids) do ids[i] = ref.ids[i] end
for i, id in ipairs(ids) do expect.equal(candidates(rel, id), ref.candidates[i], "candidates of " .. id) end
expect.near(exposure(rel, ref.ids), ref.exposed, 1e-12, "share exposed")
--@ end

--@ question dp 3 -- What differential privacy promises instead
--[[md
## 5. DP's ceiling on the same attack (3 points)

A DP release of the counts of each diagnosis per cell (Laplace noise of scale 1/ε per release) is
ε-DP against adding or removing a person — but the attacker's question is which of m values a known
person has: *replacing* that value changes two counts, so each release is 2ε-DP against
replacement, and R releases are 2Rε-DP (basic composition). `guess_bound(epsilon, m, delta)` returns
the largest accuracy any attacker can reach guessing one of m values with a uniform prior against an
(ε, δ)-DP mechanism: (e^ε + (m − 1)δ)/(e^ε + m − 1). `replacement_epsilon(eps_each, releases)` returns
the composed replacement ε of `releases` Laplace releases of ε = `eps_each` each.
]]
function guess_bound(epsilon, m, delta)
  return (math.exp(epsilon) + (m - 1) * delta) / (math.exp(epsilon) + m - 1) -- SOLUTION
end

function replacement_epsilon(eps_each, releases)
  return 2 * eps_each * releases -- SOLUTION
end

--@ check dp public 1 -- ε = 0 gives random guessing; pure ε-DP with two values
expect.near(guess_bound(0, 10, 0), 0.1, 1e-12)
expect.near(guess_bound(math.log(3), 2, 0), 0.75, 1e-12)
--@ end

--@ check dp hidden 2 -- against the engine's DP releases and attack
local census = pl.data.census { n = 1500, seed = grader.seed + 4 }
local eps = 0.2 + (grader.seed % 5) / 10
local rel = {}
for i = 1, 2 do
  rel[i] = pl.anonymize.dp_release { data = census:sample { n = 1000, seed = i }, quasi = { "age", "sex" }, sensitive = "diagnosis", epsilon = eps, seed = i }
end
local a = pl.anonymize.dp_attack { releases = rel }
expect.near(replacement_epsilon(eps, 2), a.replacement.epsilon, 1e-12, "composed replacement ε")
expect.near(guess_bound(a.replacement.epsilon, a.values, 0), a.bound, 1e-12, "the bound")
expect.near(guess_bound(1, 5, 1e-3), (math.exp(1) + 4e-3) / (math.exp(1) + 4), 1e-12, "with δ")
--@ end
