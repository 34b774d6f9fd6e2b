--[[md
# The model zoo: capacity, over-fitting and regularisation

Membership-inference attacks feed on the gap between how a model treats its training records and
how it treats everything else. This notebook trains each of PrivLab's models on Fashion-MNIST,
measures that gap, and shows what L1, L2, elastic-net, dropout, early stopping, label smoothing and
softmax temperature do to it. The second half fits a Gaussian mixture (the basis of the
synthetic-data notebooks) on a 2-D toy set.

Every figure is measured by running this file: `privlab run notebooks/models.lua`. A smaller
training set over-fits more; try `-P n_train=2000` or `-P n_train=60000`.
]]
local P = pl.params { n_train = 5000, epochs = 30, cnn_epochs = 10, rnn_epochs = 10, seed = 1 }

local full = pl.data.fashion_mnist { split = "train" }
local test = pl.data.fashion_mnist { split = "test" }
local pool = full:sample { n = P.n_train + 5000, seed = P.seed }
local train, val = pool:split { test = 5000, stratify = true, seed = P.seed }
print(("training %d, validation %d, test %d records"):format(train:size(), val:size(), test:size()))

--[[md
## Three models

Softmax regression (linear), an MLP with one hidden layer of 256 ReLU units (both SGD with
momentum 0.9), and a small CNN (two 3×3 convolutions with 16 and 32 channels, each followed by 2×2
max pooling, then a dense layer of 128 units; Adam). Pixels stay in [0, 1]. For each model: accuracy on its training records and on
the unseen test set, the **generalisation gap** (train − test accuracy) and the **loss gap** (mean
test loss − mean training loss), the quantity the loss-threshold attack of Yeom et al. (2018) exploits.
]]
local function gaps(name, m)
  local tr, te = m:accuracy(train), m:accuracy(test)
  local ltr, lte = m:loss(train), m:loss(test)
  return { model = name, parameters = m:parameters(), train_acc = tr, test_acc = te,
           gap = tr - te, train_loss = ltr, test_loss = lte, loss_gap = lte - ltr }
end
local columns = { "model", "parameters", "train_acc", "test_acc", "gap", "train_loss", "test_loss", "loss_gap" }

local zoo = {
  { "softmax regression", pl.softmax { lr = 0.05, momentum = 0.9, epochs = P.epochs, batch = 128, seed = P.seed } },
  { "MLP 784-256-10", pl.mlp { hidden = { 256 }, lr = 0.05, momentum = 0.9, epochs = P.epochs, batch = 128, seed = P.seed } },
  { "CNN 16-32-128", pl.cnn { channels = { 16, 32 }, hidden = { 128 }, epochs = P.cnn_epochs, seed = P.seed } },
}
local rows, curves = {}, {}
for _, entry in ipairs(zoo) do
  local name, model = entry[1], entry[2]
  local history = pl.time(name, model.fit, model, train, { validation = val })
  rows[#rows + 1] = gaps(name, model)
  curves[#curves + 1] = { name = name, history = history }
end
pl.report.table(rows, { columns = columns, caption = "Accuracy and generalisation gap per model" })

local series = {}
for _, c in ipairs(curves) do
  local x, y = {}, {}
  for i, h in ipairs(c.history) do x[i], y[i] = h.epoch, h.val_accuracy end
  series[#series + 1] = { name = c.name, x = x, y = y }
end
pl.report.chart { kind = "line", title = "Validation accuracy per epoch", xlabel = "epoch",
                  ylabel = "validation accuracy", series = series }

--[[md
More capacity buys test accuracy, and also a larger gap between members and non-members: the MLP
and the CNN fit their training records far better than unseen ones.

## Regularisation of the MLP

The same MLP under different regularisers, all else equal. The penalties act on weights, not biases.
Early stopping watches the validation loss with a patience of 3 epochs and restores the best epoch.
]]
local function mlp(extra)
  local o = { hidden = { 256 }, lr = 0.05, momentum = 0.9, epochs = P.epochs, batch = 128, seed = P.seed }
  for k, v in pairs(extra) do o[k] = v end
  return pl.mlp(o)
end
local variants = {
  { "none", mlp {} },
  { "L2 1e-3", mlp { l2 = 1e-3 } },
  { "L1 1e-4", mlp { l1 = 1e-4 } },
  { "elastic net 1e-3 (ratio 0.5)", mlp { elastic_net = 1e-3, l1_ratio = 0.5 } },
  { "dropout 0.5", mlp { dropout = 0.5 } },
  { "early stopping (patience 3)", mlp { patience = 3 } },
  { "label smoothing 0.1", mlp { label_smoothing = 0.1 } },
}
local reg_rows = {}
for _, v in ipairs(variants) do
  local h = v[2]:fit(train, { validation = val })
  local r = gaps(v[1], v[2])
  r.epochs = #h
  reg_rows[#reg_rows + 1] = r
end
pl.report.table(reg_rows, { columns = { "model", "epochs", "train_acc", "test_acc", "gap", "loss_gap" },
                            caption = "MLP 784-256-10 under different regularisers" })

local names, gap_values, loss_gap_values = {}, {}, {}
for i, r in ipairs(reg_rows) do names[i], gap_values[i], loss_gap_values[i] = r.model, r.gap, r.loss_gap end
pl.report.chart { kind = "bar", title = "Generalisation gap by regulariser", categories = names,
                  ylabel = "gap", width = 900,
                  series = { { name = "accuracy gap", y = gap_values }, { name = "loss gap", y = loss_gap_values } } }

--[[md
## Softmax temperature

Dividing the logits by a temperature T > 1 before the softmax flattens the output distribution
(Hinton et al. 2015). Trained at T = 1, the MLP's confidence on its own training records and on
unseen records, read out at different inference temperatures: the ranking of records (hence the
accuracy) never changes, but the confidence values an attacker sees do.
]]
local base = variants[1][2]
local function mean_conf(model, ds, t)
  local p = model:predict_proba(ds:head(2000), { temperature = t })
  local s = 0
  for _, row in ipairs(p) do s = s + math.max(table.unpack(row)) end
  return s / #p
end
local trows = {}
for _, t in ipairs { 0.5, 1, 2, 5 } do
  local cm, cn = mean_conf(base, train, t), mean_conf(base, test, t)
  trows[#trows + 1] = { temperature = tostring(t), members = cm, non_members = cn, difference = cm - cn }
end
pl.report.table(trows, { columns = { "temperature", "members", "non_members", "difference" },
                         caption = "Mean top-class confidence (first 2,000 records of each set)" })

--[[md
Training *at* a temperature changes the model itself: with T = 4 the network must produce larger
logits to reach the same training loss, as in defensive distillation (Papernot et al. 2016).
]]
local hot = mlp { temperature = 4 }
hot:fit(train)
pl.report.table({ gaps("trained at T = 1", base), gaps("trained at T = 4", hot) },
  { columns = { "model", "train_acc", "test_acc", "gap", "loss_gap" } })

--[[md
## A recurrent model on sequential Fashion-MNIST

The same images read as sequences: 28 steps of one 28-pixel row each (`pl.data.sequential_fashion_mnist`
loads them so; the training records above are the same rows). A GRU with 64 hidden units reads the
rows top to bottom and classifies from its last hidden state (Adam, lr 0.005, `rnn_epochs` epochs). It sees
each pixel once, in order, and must carry what it needs in 64 numbers; its gaps sit beside the
zoo's above.
]]
local gru = pl.rnn { cell = "gru", hidden = 64, steps = 28, lr = 0.005, epochs = P.rnn_epochs, seed = P.seed }
pl.time("GRU 64", gru.fit, gru, train)
local rnn_rows = { gaps("GRU 64 (28 steps × 28 pixels)", gru) }
pl.report.table(rnn_rows, { columns = columns, caption = "A GRU on the same records" })
pl.report.md(("The GRU reaches %.1f%% test accuracy with %d parameters, against the CNN's %.1f%%."):format(
  100 * rnn_rows[1].test_acc, rnn_rows[1].parameters, 100 * rows[3].test_acc))

--[[md
## A Gaussian mixture on 2-D data

Three Gaussian blobs; full-covariance mixtures with 1 to 6 components fitted by EM (k-means++
initialisation). The Bayesian information criterion, −2 log L + p ln n, trades fit against the
number of parameters p and should bottom out at the true number of components.
]]
local blobs = pl.data.blobs { n = 900, features = 2, classes = 3, std = 1.2, seed = P.seed }
local bic_rows, ks, bics = {}, {}, {}
for k = 1, 6 do
  local g = pl.gmm { components = k, covariance = "full", n_init = 2, seed = P.seed }:fit(blobs)
  bic_rows[#bic_rows + 1] = { components = k, log_likelihood = g:score(blobs), bic = g:bic(blobs),
                              iterations = g:iterations(), converged = g:converged() }
  ks[k], bics[k] = k, g:bic(blobs)
end
pl.report.table(bic_rows, { columns = { "components", "log_likelihood", "bic", "iterations", "converged" } })
pl.report.chart { kind = "line", title = "BIC by number of components", xlabel = "components", ylabel = "BIC",
                  x = ks, y = bics }

local g3 = pl.gmm { components = 3, covariance = "full", seed = P.seed }:fit(blobs)
local synth = g3:sample { n = 300, seed = P.seed }
local function xy(ds)
  local x, y = {}, {}
  for i, id in ipairs(ds:ids()) do
    local f = ds:record(id).features
    x[i], y[i] = f[1], f[2]
  end
  return x, y
end
local rx, ry = xy(blobs:head(300))
local sx, sy = xy(synth)
pl.report.chart { kind = "scatter", title = "Real records and samples from the fitted mixture",
                  series = { { name = "real", x = rx, y = ry }, { name = "GMM samples", x = sx, y = sy } } }

local km = pl.kmeans { k = 3, seed = P.seed }:fit(blobs)
local agree = 0
local gp, kp = g3:predict(blobs), km:predict(blobs)
-- Cluster numbers are arbitrary: count pairs of records that both methods put together or apart.
local n = 300
for i = 1, n do for j = i + 1, n do
  if (gp[i] == gp[j]) == (kp[i] == kp[j]) then agree = agree + 1 end
end end
pl.report.md(("k-means (inertia %.1f) and the mixture agree on %.1f%% of record pairs (Rand index, first %d records)."):format(
  km:inertia(), 100 * agree / (n * (n - 1) / 2), n))
