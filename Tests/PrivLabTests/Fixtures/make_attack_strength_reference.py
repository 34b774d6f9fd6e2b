"""Writes attack_strength_reference.json: scikit-learn's side of
MembershipInferenceTests.testTheShadowAttackBeatsTheLossOnSaturatedOutputs, i.e. the attacks of
bench/attack_strength_reference.py (the loss threshold; Shokri et al.'s shadow attack with
per-class gradient boosting on probability vectors; one logistic regression on sorted
log-probabilities plus the true class's) run on the test's own four digits splits.

The splits come from PrivLab (Dataset.split is PrivLab's seeded sampler), so the release binary
prints their record ids first; the reference script then trains its own scikit-learn target and
shadows on those records. Run from the repository root after `swift build -c release`, with
numpy and scikit-learn in a throw-away virtualenv (never a runtime dependency):

    python3 Tests/PrivLabTests/Fixtures/make_attack_strength_reference.py
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SPLITS = r'''
local d = pl.data.digits{}
local function list(t) local s = {} for i, v in ipairs(t) do s[i] = tostring(v) end return "[" .. table.concat(s, ",") .. "]" end
for seed = 1, 4 do
  local rest, members = d:split{test = 899, seed = seed}
  local nonmembers, attacker = rest:split{test = 449, seed = seed + 10}
  print(string.format('{"split": %d, "members": %s, "attacker": %s, "nonmembers": %s}', seed,
                      list(members:ids()), list(attacker:ids()), list(nonmembers:ids())))
end
'''

lines = subprocess.run([os.path.join(ROOT, ".build", "release", "privlab"), "exec", "-"], input=SPLITS,
                       check=True, capture_output=True, text=True).stdout
splits = [json.loads(l) for l in lines.splitlines() if l.startswith("{")]
out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "attack_strength_reference.py")], input=lines,
                     check=True, capture_output=True, text=True).stdout
results = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
for s, r in zip(splits, results):
    assert s["split"] == r["split"]
    r["members"], r["attacker"], r["nonmembers"] = s["members"], s["attacker"], s["nonmembers"]
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "attack_strength_reference.json"), "w") as f:
    json.dump({"splits": results}, f)
    f.write("\n")
for r in results:
    print({k: v for k, v in r.items() if not isinstance(v, list)})
