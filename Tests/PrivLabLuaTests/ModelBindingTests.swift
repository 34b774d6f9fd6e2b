import Foundation
import PrivLab
import PrivLabLua
import XCTest

final class ModelBindingTests: XCTestCase {
    /// Every model kind built and trained from Lua holds the same parameters, bit for bit, as the
    /// same model built and trained in Swift with the options the binding documents (saved from
    /// Lua, loaded here): so every option reaches the engine under its own meaning — nesterov,
    /// elastic_net/l1_ratio (scikit-learn's split into l1 = α·ρ, l2 = α·(1 − ρ)), lr_min, the step
    /// schedule, temperature, smoothing, validation split, patience, dropout, activation, the
    /// optimizer and the model's own defaults (lr, batch). For nesterov, elastic_net and lr_min the
    /// Swift model without the option differs, so a binding that dropped one would fail here.
    func testEveryModelKindTrainsFromLua() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (rt, _) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 300, features = 4, classes = 3, std = 1, seed = 1}
            for i, m in ipairs{
              pl.softmax{epochs = 5},
              pl.mlp{hidden = {16, 8}, activation = "tanh", dropout = 0.1, epochs = 10, optimizer = "adam", lr = 0.01},
              pl.mlp{hidden = {16}, l1 = 1e-4, l2 = 1e-3, schedule = "cosine", lr_min = 0.001, epochs = 10, momentum = 0.9, nesterov = true},
              pl.mlp{hidden = {16}, elastic_net = 1e-3, l1_ratio = 0.3, schedule = "step", step_size = 10, gamma = 0.5, epochs = 40,
                     temperature = 2, label_smoothing = 0.1, validation_split = 0.2, patience = 5},
              pl.pipeline{pl.scaler{kind = "minmax"}, pl.mlp{hidden = {8}, epochs = 40, batch = 16}},
            } do
              m:fit(d)
              m:save("\(dir)/" .. i .. ".plm")
            end
            """)
        let d = try Synthetic.blobs(n: 300, features: 4, classes: 3, std: 1, box: 10, seed: 1)
        func options(_ adjust: (inout TrainingOptions) -> Void) -> TrainingOptions {
            var o = TrainingOptions()
            o.learningRate = 0.05  // pl.mlp's defaults
            o.batchSize = 128
            adjust(&o)
            return o
        }
        let nesterov = options { $0.l1 = 1e-4; $0.l2 = 1e-3; $0.schedule = .cosine(minimum: 0.001); $0.epochs = 10; $0.momentum = 0.9; $0.nesterov = true }
        let elastic = options {
            $0.l1 = 1e-3 * 0.3; $0.l2 = 1e-3 * 0.7; $0.schedule = .step(every: 10, gamma: 0.5); $0.epochs = 40
            $0.temperature = 2; $0.labelSmoothing = 0.1; $0.validationSplit = 0.2; $0.patience = 5
        }
        let swift: [Classifier] = [
            try NeuralNetwork.softmaxRegression(options: options { $0.learningRate = 0.1; $0.batchSize = 64; $0.epochs = 5 }),
            try NeuralNetwork.mlp(hidden: [16, 8], activation: .tanh, dropout: 0.1,
                                  options: options { $0.epochs = 10; $0.optimizer = .adam; $0.learningRate = 0.01 }),
            try NeuralNetwork.mlp(hidden: [16], options: nesterov),
            try NeuralNetwork.mlp(hidden: [16], options: elastic),
            Pipeline(steps: [Scaler(kind: .minmax)], model: try NeuralNetwork.mlp(hidden: [8], options: options { $0.epochs = 40; $0.batchSize = 16 })),
        ]
        for (i, m) in swift.enumerated() {
            try m.fit(d)
            guard case .classifier(let lua) = try ModelFile.load(path: "\(dir)/\(i + 1).plm") else { return XCTFail("model \(i + 1) is not a classifier") }
            XCTAssertEqual(try lua.requireParameters().parameterVector(), try m.requireParameters().parameterVector(), "model \(i + 1): parameters")
            XCTAssertEqual(try lua.logits(d.features), try m.logits(d.features), "model \(i + 1): logits (a pipeline's scaler included)")
            XCTAssertEqual(lua.history.count, m.history.count, "model \(i + 1): epochs run (early stopping)")
        }
        // The options whose loss the comparison would notice: each changes the trained parameters.
        for (name, variant) in [("nesterov", options { $0 = nesterov; $0.nesterov = false }),
                                ("lr_min", options { $0 = nesterov; $0.schedule = .cosine(minimum: 0) }),
                                ("elastic_net", options { $0 = elastic; $0.l1 = 0; $0.l2 = 0 }),
                                ("l1_ratio", options { $0 = elastic; $0.l1 = 1e-3 * 0.5; $0.l2 = 1e-3 * 0.5 })] {
            let m = try NeuralNetwork.mlp(hidden: [16], options: variant)
            try m.fit(d)
            let reference = name == "nesterov" || name == "lr_min" ? swift[2] : swift[3]
            XCTAssertNotEqual(try m.parameterVector(), try reference.requireParameters().parameterVector(), "\(name) changes training")
        }
    }

    func testCNNOnImagesAndShapeErrors() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            -- 6×6 images: a bright pixel in the left or right half.
            local x, y = {}, {}
            local rng = pl.rng{seed = 1}
            for i = 1, 120 do
              local img = {}
              for j = 1, 36 do img[j] = rng:normal() * 0.1 end
              local right = i % 2
              img[(rng:int(6) - 1) * 6 + (right == 1 and 4 or 1) + rng:int(2) - 1] = 3
              x[i], y[i] = img, right
            end
            local d = pl.data.from_table{x = x, y = y, classes = 2}
            local m = pl.cnn{channels = {4}, hidden = {8}, input_shape = {1, 6, 6}, epochs = 15, lr = 0.01}
            m:fit(d)
            return m:accuracy(d), tostring(m)
            """)
        XCTAssertGreaterThan(r[0].double!, 0.9)
        XCTAssertTrue(r[1].asString!.contains("conv(4, 3×3, pad 1)"), r[1].asString!)
        assertLuaError(rt, "pl.cnn{epochs = 1}:fit(pl.data.blobs{n = 10})", ["convolutions need image data"])
        assertLuaError(rt, "pl.cnn{kernel = 4}", ["cnn: option 'kernel' must be odd"])
        assertLuaError(rt, "pl.cnn{input_shape = {1, 2}}", ["input_shape' must be {channels, height, width}"])
    }

    func testTrainingOptionErrors() throws {
        let (rt, _) = try makeRuntime()
        assertLuaError(rt, "pl.mlp{hidden = {0}}", ["mlp: option 'hidden' entries must be at least 1, got 0"])
        assertLuaError(rt, "pl.mlp{hidden = 'wide'}", ["mlp: option 'hidden' must be a list of integers"])
        assertLuaError(rt, "pl.mlp{optimizer = 'rmsprop'}", ["option 'optimizer' must be one of \"sgd\", \"adam\""])
        assertLuaError(rt, "pl.mlp{activation = 'gelu'}", ["option 'activation' must be one of"])
        assertLuaError(rt, "pl.mlp{gamma = 0.5}", ["mlp: option 'gamma' needs schedule = \"step\""])
        assertLuaError(rt, "pl.mlp{l1_ratio = 0.5}", ["'l1_ratio' needs elastic_net"])
        assertLuaError(rt, "pl.mlp{elastic_net = 0.1, l2 = 0.1}", ["either elastic_net"])
        assertLuaError(rt, "pl.mlp{validation_split = 1.5}", ["validation_split' must be in (0, 1)"])
        assertLuaError(rt, "pl.mlp{dropout = 1}", ["option 'dropout' must be at most 0.95"])
        assertLuaError(rt, "pl.mlp{eps = 1e-7}", ["mlp: option 'eps' is now called adam_eps"])
        assertLuaError(rt, "pl.mlp{patience = 2}:fit(pl.data.blobs{n = 20})", ["needs a validation set"])
        assertLuaError(rt, "pl.mlp{lr = 1e30, epochs = 3}:fit(pl.data.blobs{n = 20, box = 1e30})", ["diverged"])
        assertLuaError(rt, "pl.pipeline{pl.mlp{}, pl.mlp{}}", ["pipeline: step 1 must be a transformer", "a model can only be the last step"])
        assertLuaError(rt, "pl.pipeline{pl.scaler{}}", ["the last step must be a Model"])
        assertLuaError(rt, "pl.pipeline{}", ["expected a list of steps"])
    }

    func testHistoryCallbacksTemperatureAndClone() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 100, classes = 2, seed = 3}
            local seen = {}
            local m = pl.mlp{hidden = {4}, epochs = 3, on_epoch = function(h) seen[#seen + 1] = h.epoch end}
            local h = m:fit(d, {validation = d})
            print(table.concat(seen, ","), h[3].val_accuracy ~= nil, #m:history())
            local p1 = m:predict_proba(d, {temperature = 1})[1]
            local p9 = m:predict_proba(d, {temperature = 9})[1]
            print(math.max(p1[1], p1[2]) >= math.max(p9[1], p9[2]))
            local c = m:clone()
            print(tostring(c):find("not fitted") ~= nil, #m:losses(d), #m:logits({{0, 0}})[1])
            """)
        assertPrinted(sink.text, "1,2,3\ttrue\t3\ntrue\ntrue\t100\t2\n",
                      facts: ["on_epoch saw every epoch in order", "validation accuracy recorded", "history rows",
                              "a higher temperature flattens the probabilities", "a clone is unfitted", "one loss per record", "logits per class"])
    }

    func testSaveLoadFromLua() throws {
        let dir = try temporaryDirectory()
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 200, classes = 3, seed = 4}
            local m = pl.pipeline{pl.scaler{}, pl.mlp{hidden = {8}, epochs = 4}}
            m:fit(d)
            m:save("\(dir)/m.plm")
            local back = pl.load("\(dir)/m.plm")
            print(back:accuracy(d) == m:accuracy(d), tostring(back) == tostring(m))
            local g = pl.gmm{components = 3, covariance = "diag"}:fit(d)
            g:save("\(dir)/g.plm")
            print(pl.load("\(dir)/g.plm"):score(d) == g:score(d))
            local k = pl.kmeans{k = 3}:fit(d)
            k:save("\(dir)/k.plm")
            print(table.concat(pl.load("\(dir)/k.plm"):predict(d), ",") == table.concat(k:predict(d), ","))
            """)
        assertPrinted(sink.text, "true\ttrue\ntrue\ntrue\n",
                      facts: ["a loaded pipeline predicts the same", "and describes itself the same", "a loaded GMM scores the same",
                              "a loaded k-means assigns the same clusters"])
        try "garbage".write(toFile: "\(dir)/bad.plm", atomically: true, encoding: .utf8)
        assertLuaError(rt, "pl.load('\(dir)/bad.plm')", ["script.lua:1:", "not a PrivLab model file"])
        assertLuaError(rt, "pl.mlp{}:save('\(dir)/x.plm')", ["not fitted"])
    }

    func testClusteringFromLua() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 600, features = 2, classes = 3, std = 0.5, seed = 7}
            local g = pl.gmm{components = 3, covariance = "full", seed = 1}:fit(d)
            print(g:converged(), #g:means(), #g:weights(), g:bic(d) < pl.gmm{components = 1}:fit(d):bic(d))
            local s = g:sample{n = 50, seed = 2}
            print(s:size(), s:nclasses(), #g:score_samples(s), #g:predict_proba(s)[1])
            local k = pl.kmeans{k = 3, seed = 1}:fit(d)
            print(#k:centers(), k:inertia() > 0, #k:predict(d))
            """)
        assertPrinted(sink.text, "true\t3\t3\ttrue\n50\t3\t50\t3\n3\ttrue\t600\n",
                      facts: ["the GMM converged", "component means", "component weights", "3 components have a lower BIC than 1",
                              "samples drawn", "sample classes (components)", "a density per sample", "a posterior per component",
                              "k-means centres", "inertia is positive", "a cluster per record"])
        assertLuaError(rt, "pl.gmm{covariance = 'tied'}", ["option 'covariance' must be one of \"diag\", \"full\""])
        assertLuaError(rt, "pl.kmeans{k = 5}:fit({{1, 2}})", ["1 points cannot make 5 clusters"])
        assertLuaError(rt, "pl.gmm{}:sample{n = 3}", ["not fitted"])
    }
}

extension ModelBindingTests {
    /// Fine-tuning: continue = true starts from the current parameters; a dp table there makes the
    /// fine-tuning private (and only it is accounted).
    func testContinueTrainingAndPrivateFineTuning() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 400, features = 6, classes = 3, std = 2, seed = 4}
            local pub, priv = d:split{test = 0.5, seed = 1}
            local m = pl.mlp{hidden = {16}, epochs = 3, seed = 1}
            m:fit(pub)
            local before = m:accuracy(priv)
            local h = m:fit(priv, {continue = true})
            print(#h, m:privacy() == nil)
            m:fit(priv, {continue = true, dp = {clip = 1, epsilon = 1.5, delta = 1e-5}})
            print(string.format("%.3f", m:privacy().epsilon), m:summary():find("dp%(") ~= nil)
            print(pcall(pl.mlp{}.fit, pl.mlp{}, priv, {continue = true}))
            print(pcall(m.fit, m, priv, {dp = {clip = 1, noise = 1}}))
            """)
        let lines = sink.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "3\ttrue")
        XCTAssertEqual(lines[1], "1.500\ttrue")
        XCTAssertTrue(lines[2].contains("continue = true needs a fitted"), lines[2])
        XCTAssertTrue(lines[3].contains("needs continue = true"), lines[3])
    }
}

extension ModelBindingTests {
    func testPerLayerClippingAndVirtualBatchesFromLua() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 300, features = 6, classes = 3, std = 2, seed = 4}
            local a = pl.mlp{hidden = {16}, epochs = 2, batch = 64, seed = 1, dp = {clip = 1, noise = 1, per_layer = true}}
            local b = pl.mlp{hidden = {16}, epochs = 2, batch = 64, seed = 1, dp = {clip = 1, noise = 1, per_layer = true, physical_batch = 16}}
            a:fit(d); b:fit(d)
            print(math.abs(a:loss(d) - b:loss(d)) < 1e-4, a:privacy().epsilon == b:privacy().epsilon, b:summary():find("per layer") ~= nil)
            """)
        assertPrinted(sink.text, "true\ttrue\ttrue\n",
                      facts: ["virtual batches give the same model as one logical batch (loss within 1e-4)", "the same ε", "the summary says per layer"])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, physical_batch = 0}}", ["physical_batch"])
    }
}
