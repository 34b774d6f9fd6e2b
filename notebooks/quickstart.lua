--[[md
# Quickstart: softmax regression on Fashion-MNIST

This notebook is the smallest complete PrivLab workflow: load real data, scale it, train a model,
and report what it measured. Every number below comes from running this file
(`privlab run notebooks/quickstart.lua`); change a parameter with `-P`, e.g. `-P epochs=10`.

Fashion-MNIST (Xiao et al., 2017) has 60,000 training and 10,000 test images of clothing,
28×28 grey levels, in 10 classes. PrivLab reads the gzip'd IDX files that Debian's
`dataset-fashion-mnist` package installs.
]]
local P = pl.params { epochs = 8, lr = 0.1, batch = 128, l2 = 1e-4, seed = 1 }

local train = pl.data.fashion_mnist { split = "train" }
local test = pl.data.fashion_mnist { split = "test" }
print(train)
print(test)

--[[md
## The data

Each record keeps a **stable id** (its position in the original file), so later notebooks can
talk about "record 1234" across splits, subsets and unlearning requests. The classes are balanced:
]]
local names = train:class_names()
local counts, test_counts = train:class_counts(), test:class_counts()
local rows = {}
for c = 1, #names do
  rows[#rows + 1] = { class = c - 1, name = names[c], train = counts[c], test = test_counts[c] }
end
pl.report.table(rows, { columns = { "class", "name", "train", "test" } })

--[[md
## Scaling

Pixels are already in [0, 1]; a z-score scaler centres each pixel and gives it unit variance,
which makes plain SGD converge faster. The scaler is fitted on the training set only and applied
unchanged to the test set, so nothing about the test images leaks into training.
]]
local scaler = pl.scaler { kind = "zscore" }
train = scaler:fit_transform(train)
test = scaler:transform(test)
print(scaler)

--[[md
## Training

Multinomial logistic regression, p(y | x) = softmax(xW + b), trained by mini-batch SGD on the
cross-entropy with a small L2 penalty. A validation split (5,000 records, stratified) is held out
from the training set to watch for overfitting.
]]
local fit_set, val = train:split { test = 5000, stratify = true, seed = P.seed }
local model = pl.softmax { lr = P.lr, epochs = P.epochs, batch = P.batch, l2 = P.l2, seed = P.seed }
local history = pl.time("training", model.fit, model, fit_set, { validation = val })
print(model)

pl.report.table(history, {
  columns = { "epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy" },
  caption = "Per-epoch history",
})

--[[md
## Results
]]
local train_acc, test_acc = model:accuracy(fit_set), model:accuracy(test)
pl.report.table({
  { "training set", fit_set:size(), train_acc, model:loss(fit_set) },
  { "validation set", val:size(), model:accuracy(val), model:loss(val) },
  { "test set", test:size(), test_acc, model:loss(test) },
}, { header = { "data", "records", "accuracy", "mean loss" } })
pl.report.md(("Test accuracy **%.4f** (macro-F1 %.4f, from the `macro_f1` plugin in `lua/plugins/`)."):format(
  test_acc, model:score(test, "macro_f1")))

local epochs, tl, vl = {}, {}, {}
for i, h in ipairs(history) do epochs[i], tl[i], vl[i] = h.epoch, h.train_loss, h.val_loss end
pl.report.chart {
  kind = "line", title = "Loss per epoch", xlabel = "epoch", ylabel = "cross-entropy",
  series = { { name = "train", x = epochs, y = tl }, { name = "validation", x = epochs, y = vl } },
}

--[[md
The gap between training and test loss is small: a linear model has too little capacity to
memorise individual images. That gap is exactly what membership-inference attacks exploit, and
later notebooks show how it grows with model capacity and shrinks with regularisation and DP.
]]
