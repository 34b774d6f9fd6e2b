-- Release speed on the full Fashion-MNIST training set (issue 16: "releases of 60k points in
-- seconds"): random mixing, ClustMix (DP k-means included) and the DP Gaussian mixture, 60,000
-- outputs each at ε = 4, m = 20, C = 12; the median wall-clock seconds of 3 runs.
--   .build/release/privlab exec bench/synthesis.lua
local train = pl.data.fashion_mnist { split = "train" }
local function median(t) table.sort(t) return t[(#t + 1) // 2] end
local cases = {
  { "random mixing", function() return pl.synth.random_mixing { data = train, m = 20, clip = 12, epsilon = 4, seed = 1 } end },
  { "ClustMix (5 clusters per class)", function() return pl.synth.clustmix { data = train, m = 20, clip = 12, clusters = 5, epsilon = 4, seed = 1 } end },
  { "DP-GMM (5 components, diagonal)", function() return pl.synth.dp_gmm { data = train, clip = 12, components = 5, epsilon = 4, seed = 1 } end },
}
print(("%d private records, %d features; %s"):format(train:size(), train:nfeatures(), pl.system and pl.system().cpu or ""))
for _, c in ipairs(cases) do
  local times, out = {}, nil
  for i = 1, 3 do
    local t0 = pl.clock()
    out = c[2]()
    times[i] = pl.clock() - t0
  end
  print(("%-34s %6d points  %6.2f s"):format(c[1], out:size(), median(times)))
end
