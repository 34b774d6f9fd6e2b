--[[md
# Federated learning with user-level differential privacy

In federated learning the data never leaves its owners: each round the server sends the model to
a sample of *clients* (users, phones, hospitals), each trains it locally for a few epochs on its own
records and sends back only the change Δ_k, and the server averages the changes (FedAvg, McMahan et
al. 2017). Averages can still leak, so DP-FedAvg (McMahan, Ramage, Talwar & Zhang, ICLR 2018)
makes each round a Gaussian mechanism over *users*:

- every client joins a round independently with probability q (Poisson sampling of users);
- every update is clipped to norm S, the server sums w_k·Δ_k and divides by the fixed qW
  (W = Σ w_k over all clients), so one user moves the average by at most S/(qW);
- Gaussian noise of std z·S/(qW) is added, and the server takes a step with momentum.

The accountant then treats T rounds as T Poisson-subsampled Gaussian mechanisms at rate q — DP-SGD's
accounting with users in place of records — and the guarantee is **user-level**: it covers all
of a user's records at once, not one record.

Questions answered here, with measurements on Fashion-MNIST:

1. What does FedAvg reach, and what does user-level DP cost — against example-level DP-SGD at the same ε?
2. How does accuracy at a fixed ε move with the number of clients per round (the paper's finding:
   with enough users the cost of privacy is computation, not accuracy)?
3. How much does heterogeneity (non-IID clients) hurt, with and without DP?
4. Adaptive clipping (Andrew et al., NeurIPS 2021) against fixed bounds.
5. User-level membership inference: was this *client* in training?
6. On a per-user data set whose users write with their own habits: what user-level DP and
   heterogeneity cost a shared model on users it never saw.

**Scale-down.** The paper trains on 763,430 users; the default run here uses `n_train` = 24,000
Fashion-MNIST images dealt to 800 simulated users of 30 images each, a 784-64-10 MLP, 40 rounds at
q = 0.05 (40 clients per round) — a few minutes on two cores. `-P n_train=60000 -P clients=2000`
gives the full training set. With so few users, ε stays higher than in the paper at any given
accuracy: the noise std z·S/(qW) falls as 1/(qN), which is the point of §2.
]]
local P = pl.params { n_train = 24000, clients = 800, rounds = 40, rate = 0.05, local_epochs = 2, local_lr = 0.05,
                      local_batch = 10, clip = 0.2, n_test = 5000, delta = 1e-5, seed = 1 }

local full = pl.data.fashion_mnist { split = "train" }
local test = pl.data.fashion_mnist { split = "test", n = P.n_test, seed = P.seed }
local train = full:sample { n = P.n_train, seed = P.seed }
local iid = pl.data.clients { data = train, clients = P.clients, partition = "iid", seed = P.seed }
print(iid)

-- One federated run with the notebook's defaults; `extra` overrides any option.
local function federated(extra)
  local o = { model = pl.mlp { hidden = { 64 }, lr = P.local_lr, batch = P.local_batch, seed = P.seed }, clients = iid,
              rounds = P.rounds, client_rate = P.rate, local_sgd = { epochs = P.local_epochs },
              server = { lr = 1, momentum = 0.9 }, seed = P.seed }
  for k, v in pairs(extra or {}) do o[k] = v end
  local m, r = pl.federated(o)
  return m, r, m:accuracy(test)
end

--[[md
## 1. FedAvg, DP-FedAvg and example-level DP-SGD

First the non-private baselines: the same MLP trained centrally on all the records, and FedAvg
(same rounds, no clipping, no noise). The curve shows test accuracy after each round.
]]
local central = pl.mlp { hidden = { 64 }, lr = 0.05, momentum = 0.9, batch = 64, epochs = 5, seed = P.seed }
pl.time("central MLP (5 epochs)", central.fit, central, train)
local central_acc = central:accuracy(test)
local plain, plain_r, plain_acc = federated { test = test }
local _, dp_r = federated { test = test, dp = { clip = P.clip, noise = 1, delta = P.delta } }
local xs, ya, yb = {}, {}, {}
for i, r in ipairs(plain_r.rounds) do xs[i], ya[i], yb[i] = i, r.test_accuracy, dp_r.rounds[i].test_accuracy end
pl.report.chart { kind = "line", title = "Test accuracy per round", xlabel = "round", ylabel = "test accuracy",
                  series = { { name = "FedAvg", x = xs, y = ya },
                             { name = ("DP-FedAvg z = 1 (user-level ε = %.2f)"):format(dp_r.epsilon), x = xs, y = yb } } }
pl.report.md(("Central training reaches %.3f, FedAvg %.3f after %d rounds (each client trained %.1f times on average), DP-FedAvg at z = 1, S = %g: %.3f at user-level ε = %.2f."):format(
  central_acc, plain_acc, P.rounds, P.rounds * P.rate, P.clip, dp_r.rounds[#dp_r.rounds].test_accuracy, dp_r.epsilon))

--[[md
Now DP-FedAvg at several noise multipliers z, and beside each the central DP-SGD model (example-level
DP: one record protected) calibrated to **the same ε**. The two ε are not the same promise: the
user-level ε covers 30 records at once. An example-level guarantee at ε implies only a far weaker one
for a group of 30 records (group privacy multiplies ε by the group size), so equal numbers favour
DP-SGD.
]]
local rows, eps_pts, fed_pts, sgd_pts = {}, {}, {}, {}
for _, z in ipairs { 0.7, 1, 1.5, 2.5 } do
  local _, r, acc = federated { dp = { clip = P.clip, noise = z, delta = P.delta } }
  local sgd = pl.mlp { hidden = { 64 }, lr = 0.1, momentum = 0.9, batch = 256, epochs = 5, seed = P.seed,
                       dp = { clip = 1, epsilon = r.epsilon, delta = P.delta } }
  sgd:fit(train)
  local sacc = sgd:accuracy(test)
  rows[#rows + 1] = { z = z, user_epsilon = r.epsilon, fedavg_dp = acc, dpsgd_example_level = sacc, dpsgd_sigma = sgd:privacy().noise }
  eps_pts[#eps_pts + 1], fed_pts[#fed_pts + 1], sgd_pts[#sgd_pts + 1] = r.epsilon, acc, sacc
end
pl.report.table(rows, { columns = { "z", "user_epsilon", "fedavg_dp", "dpsgd_example_level", "dpsgd_sigma" },
                        caption = ("DP-FedAvg (user level, S = %g, q = %g, %d rounds) and DP-SGD (example level, C = 1, 5 epochs) at the same ε, δ = %g"):format(
                          P.clip, P.rate, P.rounds, P.delta) })
pl.report.chart { kind = "line", title = "Test accuracy against ε", xlabel = "ε (δ = 1e-5)", ylabel = "test accuracy", logx = true,
                  series = { { name = "DP-FedAvg (user-level ε)", x = eps_pts, y = fed_pts },
                             { name = "DP-SGD (example-level ε)", x = eps_pts, y = sgd_pts },
                             { name = "FedAvg, non-private", x = { eps_pts[#eps_pts], eps_pts[1] }, y = { plain_acc, plain_acc } } } }
print(("At ε = %.2f: DP-FedAvg %.3f, DP-SGD %.3f; at ε = %.2f: DP-FedAvg %.3f, DP-SGD %.3f."):format(
  eps_pts[1], fed_pts[1], sgd_pts[1], eps_pts[#eps_pts], fed_pts[#fed_pts], sgd_pts[#sgd_pts]))

--[[md
## 2. Clients per round at a fixed ε

The target ε is fixed and the accountant calibrates z for each client rate q. Sampling more clients
per round needs a larger z for the same ε, but the noise on the average, z·S/(qW), still falls,
because z grows more slowly than q. More clients per round costs computation (client trainings =
qNT), not accuracy: McMahan et al.'s finding that with enough users private models lose little.
]]
local target = 4
local crow, cx, cy = {}, {}, {}
for _, q in ipairs { 0.0125, 0.025, 0.05, 0.1, 0.2 } do
  local _, r, acc = federated { client_rate = q, dp = { clip = P.clip, epsilon = target, delta = P.delta } }
  crow[#crow + 1] = { q = q, clients_per_round = r.expected_clients, z = r.noise, noise_std = r.noise * P.clip / r.denominator,
                      client_trainings = r.expected_clients * P.rounds, epsilon = r.epsilon, test_acc = acc }
  cx[#cx + 1], cy[#cy + 1] = r.expected_clients, acc
end
pl.report.table(crow, { columns = { "q", "clients_per_round", "z", "noise_std", "client_trainings", "epsilon", "test_acc" },
                        caption = ("ε = %g (user level), %d rounds, S = %g; noise_std = z·S/(qW) on the averaged update"):format(target, P.rounds, P.clip) })
pl.report.chart { kind = "line", title = ("Accuracy at user-level ε = %g against clients per round"):format(target),
                  xlabel = "expected clients per round qN", ylabel = "test accuracy", logx = true, series = { { name = "DP-FedAvg", x = cx, y = cy } } }
print(("From %g to %g clients per round: noise std %.4f → %.4f, accuracy %.3f → %.3f."):format(
  crow[1].clients_per_round, crow[#crow].clients_per_round, crow[1].noise_std, crow[#crow].noise_std, crow[1].test_acc, crow[#crow].test_acc))

--[[md
## 3. Heterogeneity

The same records dealt to users in five ways: IID; label skew where each user's class mix is drawn
from Dirichlet(α·p) (Hsu et al. 2019; small α, few classes per user); and McMahan et al. 2017's
pathological split where each user holds one or two label-sorted shards (about one or two classes).
"dominant" is the mean share of a user's records in its most frequent class.
]]
local hrows = {}
local splits = {
  { name = "iid", opts = { partition = "iid" } },
  { name = "dirichlet α = 1", opts = { partition = "dirichlet", alpha = 1 } },
  { name = "dirichlet α = 0.1", opts = { partition = "dirichlet", alpha = 0.1 } },
  { name = "2 classes per user", opts = { partition = "classes", classes = 2 } },
  { name = "1 class per user", opts = { partition = "classes", classes = 1 } },
}
for _, s in ipairs(splits) do
  local o = { data = train, clients = P.clients, seed = P.seed }
  for k, v in pairs(s.opts) do o[k] = v end
  local c = pl.data.clients(o)
  local dom = 0
  for _, counts in ipairs(c:class_counts()) do
    local mx, n = 0, 0
    for _, v in ipairs(counts) do mx, n = math.max(mx, v), n + v end
    dom = dom + mx / n
  end
  local _, _, a_plain = federated { clients = c }
  local _, r, a_dp = federated { clients = c, dp = { clip = P.clip, noise = 1, delta = P.delta } }
  hrows[#hrows + 1] = { partition = s.name, dominant = dom / c:count(), fedavg = a_plain, dp_fedavg = a_dp, epsilon = r.epsilon }
end
pl.report.table(hrows, { columns = { "partition", "dominant", "fedavg", "dp_fedavg", "epsilon" },
                         caption = ("FedAvg and DP-FedAvg (z = 1, S = %g) on differently dealt users"):format(P.clip) })
print(("IID → 1 class per user: FedAvg %.3f → %.3f, DP-FedAvg %.3f → %.3f."):format(
  hrows[1].fedavg, hrows[#hrows].fedavg, hrows[1].dp_fedavg, hrows[#hrows].dp_fedavg))

--[[md
## 4. Adaptive against fixed clipping

A fixed S must be tuned: too small and every update is shrunk (bias), too large and the noise z·S/(qW)
drowns the signal. Adaptive clipping (Andrew et al. 2021) moves S each round toward the γ-quantile of
the updates' norms, C ← C·exp(−η(b̃ − γ)), from a noisy count b̃ of the clients within the bound; the
count's noise σ_b is paid for by a slightly larger noise on the update, z_Δ = (z⁻² − (2σ_b)⁻²)^{−1/2},
so the whole stays at multiplier z and at the same ε.
]]
local arows = {}
for _, s in ipairs { 0.05, 0.2, 0.5, 2 } do
  local _, r, acc = federated { dp = { clip = s, noise = 1, delta = P.delta } }
  arows[#arows + 1] = { clipping = ("fixed S = %g"):format(s), final_clip = s, update_noise = r.update_noise, epsilon = r.epsilon, test_acc = acc,
                        unclipped_last = r.rounds[#r.rounds].unclipped_share }
end
local ar, aacc
for _, gamma in ipairs { 0.2, 0.5 } do
  local _, r, acc = federated { dp = { adaptive = { target_quantile = gamma, lr = 0.2, initial = 0.1 }, noise = 1, delta = P.delta } }
  arows[#arows + 1] = { clipping = ("adaptive γ = %g"):format(gamma), final_clip = r.final_clip, update_noise = r.update_noise, epsilon = r.epsilon,
                        test_acc = acc, unclipped_last = r.rounds[#r.rounds].unclipped_share }
  ar, aacc = r, acc
end
pl.report.table(arows, { columns = { "clipping", "final_clip", "update_noise", "epsilon", "test_acc", "unclipped_last" },
                         caption = "z = 1 throughout (adaptive: z_Δ on the update, σ_b = 0.05·qN on the count)" })
local rx, rc, rm = {}, {}, {}
for i, r in ipairs(ar.rounds) do rx[i], rc[i], rm[i] = i, r.clip, r.median_norm or 0 end
pl.report.chart { kind = "line", title = "Adaptive bound (γ = 0.5) and the median update norm", xlabel = "round", ylabel = "L2 norm",
                  series = { { name = "bound C", x = rx, y = rc }, { name = "median update norm", x = rx, y = rm } } }
print(("Adaptive clipping (γ = 0.5) ends at C = %.3f (median update norm in the last round %.3f) with accuracy %.3f, γ = 0.2 at C = %.3f with %.3f; the best fixed bound tried reaches %.3f, the worst %.3f."):format(
  ar.final_clip, rm[#rm], aacc, arows[5].final_clip, arows[5].test_acc, math.max(arows[1].test_acc, arows[2].test_acc, arows[3].test_acc, arows[4].test_acc),
  math.min(arows[1].test_acc, arows[2].test_acc, arows[3].test_acc, arows[4].test_acc)))

--[[md
## 5. User-level membership inference

Half of the users take part in training, the other half never do. The attacker scores each *user*
by the mean loss of the model on that user's records (lower loss → more likely a participant) and
we report the AUC over users in against users out (0.5: no better than guessing). To give the
non-private model something to memorise, every user here takes part often (q = 0.3, 60 rounds, 5
local epochs: each user trains about 18 times).
]]
local half = {}
for k = 1, iid:count() do half[#half + 1] = k end
local ins, outs = {}, {}
for i, k in ipairs(half) do if i % 2 == 1 then ins[#ins + 1] = k else outs[#outs + 1] = k end end
local members, others = iid:subset(ins), iid:subset(outs)

-- AUC of "score higher for members" (Mann–Whitney, ties count half).
local function auc(pos, neg)
  local wins = 0
  for _, a in ipairs(pos) do for _, b in ipairs(neg) do wins = wins + (a > b and 1 or a == b and 0.5 or 0) end end
  return wins / (#pos * #neg)
end
local function user_scores(model, c)
  local s = {}
  for k = 1, c:count() do
    local l, total = model:losses(c:client(k)), 0
    for _, v in ipairs(l) do total = total + v end
    s[k] = -total / #l
  end
  return s
end
local mrows = {}
for _, cfg in ipairs { { name = "FedAvg (no DP)" }, { name = "DP-FedAvg z = 0.7", dp = { clip = P.clip, noise = 0.7, delta = P.delta } },
                       { name = "DP-FedAvg z = 2", dp = { clip = P.clip, noise = 2, delta = P.delta } } } do
  local m, r, acc = federated { clients = members, client_rate = 0.3, rounds = 60, local_sgd = { epochs = 5 }, dp = cfg.dp }
  mrows[#mrows + 1] = { model = cfg.name, epsilon = r.epsilon or math.huge, test_acc = acc,
                        user_auc = auc(user_scores(m, members), user_scores(m, others)) }
end
pl.report.table(mrows, { columns = { "model", "epsilon", "test_acc", "user_auc" },
                         caption = ("Was this user in training? %d users in, %d out; score = −mean loss over the user's records"):format(members:count(), others:count()) })
print(("User-level AUC: %.3f without DP, %.3f at ε = %.2f, %.3f at ε = %.2f."):format(
  mrows[1].user_auc, mrows[2].user_auc, mrows[2].epsilon, mrows[3].user_auc, mrows[3].epsilon))

--[[md
A user-level ε bounds any such test: whatever the score, TPR ≤ e^ε·FPR + δ at every threshold, so
the attack's AUC is bounded by a function of ε alone (for small ε, close to 0.5). The measured AUCs sit far
below what the large ε values here would allow — the bound holds for the worst user and the worst
attacker, and loss averaging is a weak attacker.
]]

--[[md
## 6. A per-user data set: next-symbol prediction from users' own text

Partitions of Fashion-MNIST give each user images of some classes, but a user's images are still
independent draws. Real per-user data are different: a user's records come from *their* habits and
are correlated with one another, which is why McMahan et al. protect whole users of a next-word
model. `pl.data.users` generates such a set (our own generator, documented in `privlab doc
pl.data.users`): every user writes one text with a Markov chain that mixes the population's chain
with a personal one (weight `personal`), records are windows of 5 symbols labelled with the next
symbol, and record counts per user are log-normal (most users write little, a few a lot). A GRU
reads the windows; 100 of the users are held out, and the model is scored on *their* records — users it
never saw.
]]
local rows = {}
for _, personal in ipairs { 0, 0.5, 0.9 } do
  local users = pl.data.users { users = 1100, records = 40, vocabulary = 10, context = 5, personal = personal, seed = P.seed }
  local ids_train, ids_held = {}, {}
  for k = 1, 1000 do ids_train[k] = k end
  for k = 1001, 1100 do ids_held[#ids_held + 1] = k end
  local train, held = users:subset(ids_train), users:subset(ids_held):data()
  local counts, most = held:class_counts(), 0
  for _, c in pairs(counts) do most = math.max(most, c) end
  for _, dp in ipairs { false, true } do
    local m, r = pl.federated { model = pl.rnn { cell = "gru", hidden = 32, steps = 5, lr = 0.1, batch = 10, seed = P.seed },
                                clients = train, rounds = 60, client_rate = 0.1, local_sgd = { epochs = 1 },
                                server = { lr = 1, momentum = 0.9 },
                                dp = dp and { clip = 0.5, noise = 1.0, delta = P.delta } or nil, seed = P.seed }
    rows[#rows + 1] = { personal = personal, dp = dp and "user-level" or "none",
                        epsilon = r.epsilon and string.format("%.2f", r.epsilon) or "∞",
                        accuracy = m:accuracy(held), majority = most / held:size() }
  end
end
pl.report.table(rows, { columns = { "personal", "dp", "epsilon", "accuracy", "majority" } })
local function row(personal, dp)
  for _, r in ipairs(rows) do if r.personal == personal and r.dp == dp then return r end end
end
local cost = 0
for _, p in ipairs { 0, 0.5, 0.9 } do cost = math.max(cost, row(p, "none").accuracy - row(p, "user-level").accuracy) end
pl.report.md(string.format([[
With 1,000 users and about 100 per round, user-level DP at ε = %s (z = 1, S = 0.5, 60 rounds) costs
at most %.3f accuracy on held-out users in any row — the paper's point that with enough users the price
of privacy is paid in users and rounds, not accuracy. What limits the shared model is heterogeneity:
on users it never saw, its accuracy falls from %.3f (one shared chain) to %.3f at personal = 0.5 and
%.3f at 0.9, against %.3f, %.3f and %.3f for always predicting the most common symbol — the more a
user's habits are their own, the less a population model knows about a new user (the motivation of
personalised federated learning, which this notebook does not cover).]],
  row(0, "user-level").epsilon, math.max(cost, 0), row(0, "none").accuracy, row(0.5, "none").accuracy,
  row(0.9, "none").accuracy, row(0, "none").majority, row(0.5, "none").majority, row(0.9, "none").majority))
