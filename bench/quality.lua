-- Quality bars of the model-zoo issue on the full Fashion-MNIST (60k train / 10k test):
--   MLP 784-256-10, SGD lr 0.05, batch 128, 10 epochs: test accuracy >= 0.87
--   small CNN: >= 0.89 in <= 5 epochs
-- Run: .build/release/privlab exec bench/quality.lua   (about two minutes on 2 cores)
local train = pl.data.fashion_mnist { split = "train" }
local test = pl.data.fashion_mnist { split = "test" }

local function run(name, model, bar)
  local t0 = pl.clock()
  model:fit(train)
  local secs = pl.clock() - t0
  local acc = model:accuracy(test)
  print(("%-44s test accuracy %.4f (bar %.2f: %s)  %.1f s"):format(name, acc, bar, acc >= bar and "met" or "MISSED", secs))
  return acc >= bar
end

local ok = true
ok = run("MLP 784-256-10, z-scored pixels, 10 epochs",
  pl.pipeline { pl.scaler { kind = "zscore" }, pl.mlp { hidden = { 256 }, lr = 0.05, batch = 128, epochs = 10, seed = 1 } }, 0.87) and ok
ok = run("CNN conv16-pool-conv32-pool-128, Adam, 5 epochs",
  pl.cnn { channels = { 16, 32 }, hidden = { 128 }, epochs = 5, seed = 1 }, 0.89) and ok
if not ok then error("a quality bar was missed") end
