import Foundation
import XCTest
import PrivLab

final class DPSGDTests: XCTestCase {
    func options(_ adjust: (inout TrainingOptions) -> Void) -> TrainingOptions {
        var o = TrainingOptions()
        adjust(&o)
        return o
    }

    /// With σ = 0 and C = ∞, DP-SGD over shuffled batches is plain SGD, bit for bit (n divisible by B).
    func testNoNoiseNoClippingIsPlainSGDExactly() throws {
        let ds = try rings(n: 256, seed: 1)
        let img = try bars(n: 64, seed: 1)
        for (make, data) in [({ (o: TrainingOptions) in try NeuralNetwork.mlp(hidden: [16], dropout: 0.2, options: o) }, ds),
                             ({ (o: TrainingOptions) in try NeuralNetwork.cnn(channels: [2], hidden: [4], options: o) }, img)] {
            let plainOpts = options { $0.epochs = 3; $0.batchSize = 32; $0.momentum = 0.5 }
            var dp = DPOptions()
            dp.clip = .infinity
            dp.noise = 0
            dp.sampling = .shuffle
            var dpOpts = plainOpts
            dpOpts.dp = dp
            let plain = try make(plainOpts), priv = try make(dpOpts)
            try plain.fit(data)
            try priv.fit(data)
            XCTAssertEqual(plain.parameterValues(), priv.parameterValues())
            XCTAssertEqual(priv.history.last?.epsilon, .infinity)
        }
    }

    /// Without momentum DP-SGD's clipped sum and noise go straight into the weights (the fused
    /// path); with σ = 0 and C = ∞ that is plain (fused) SGD bit for bit, and with noise it matches
    /// the separate path (`fusion = .separate`: gradient buffers, then the optimizer) up to rounding.
    func testFusedDPSGDIsPlainSGDExactlyAndMatchesTheUnfusedPath() throws {
        let ds = try rings(n: 256, seed: 3)
        let plainOpts = options { $0.epochs = 2; $0.batchSize = 32 }
        var dp = DPOptions()
        dp.clip = .infinity
        dp.noise = 0
        dp.sampling = .shuffle
        var dpOpts = plainOpts
        dpOpts.dp = dp
        let plain = try NeuralNetwork.mlp(hidden: [16], options: plainOpts), priv = try NeuralNetwork.mlp(hidden: [16], options: dpOpts)
        try plain.fit(ds)
        try priv.fit(ds)
        XCTAssertEqual(plain.parameterValues(), priv.parameterValues())

        var noisy = DPOptions()
        noisy.clip = 0.5
        noisy.noise = 1.2
        var fusedOpts = plainOpts
        fusedOpts.dp = noisy
        var unfusedOpts = fusedOpts
        unfusedOpts.fusion = .separate
        let fused = try NeuralNetwork.mlp(hidden: [16], options: fusedOpts), unfused = try NeuralNetwork.mlp(hidden: [16], options: unfusedOpts)
        try fused.fit(ds)
        try unfused.fit(ds)
        for (a, b) in zip(fused.parameterValues().joined(), unfused.parameterValues().joined()) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertNotEqual(fused.parameterValues(), plain.parameterValues())
        XCTAssertNotEqual(fused.parameterValues(), unfused.parameterValues(), "the separate path adds in another order")
        // Fusing cannot be forced where the update is not plain SGD.
        XCTAssertThrowsError(try NeuralNetwork.mlp(hidden: [16], options: options { $0.fusion = .fused; $0.momentum = 0.9 }))
        XCTAssertNoThrow(try NeuralNetwork.mlp(hidden: [16], options: options { $0.fusion = .fused }))
    }

    /// The noise kernel gives the same bits at every vector level (portable C, AVX2) and
    /// for any number of threads.
    func testNoiseKernelLevelsAgreeBitForBit() {
        let sizes = [100_003, 5, 16_384, 40_000]
        func noise(level: Int, threads: Int) -> [[Float]] {
            GlobalSettings.lock.lock()
            let saved = BLASThreads.count
            BLASThreads.count = threads
            defer {
                BLASThreads.count = saved
                GlobalSettings.lock.unlock()
            }
            let bufs = sizes.map { UnsafeMutableBufferPointer<Float>.allocate(capacity: $0) }
            defer { for b in bufs { b.deallocate() } }
            for b in bufs { b.initialize(repeating: 0.25) }
            GaussianNoise.add(std: 0.7, seed: 99, to: bufs, maxLevel: level)
            return bufs.map(Array.init)
        }
        let reference = noise(level: 0, threads: 1)
        for level in 0...GaussianNoise.cpuLevel {
            for threads in [1, 2] { XCTAssertEqual(noise(level: level, threads: threads), reference, "level \(level), \(threads) thread(s)") }
        }
        XCTAssertNotEqual(reference[0][0], 0.25)
    }

    /// One full-batch step at lr 1 moves the parameters by the mean of the clipped per-example
    /// gradients; each per-example gradient is computed on its own (a one-record fit from the same
    /// initialisation) and clipped here by hand.
    func testClippingBoundsEveryExampleAgainstAPerExampleReference() throws {
        let mlp = { (o: TrainingOptions) in try NeuralNetwork.mlp(hidden: [5], activation: .tanh, options: o) }
        let cnn = { (o: TrainingOptions) in try NeuralNetwork.cnn(channels: [2], hidden: [3], activation: .tanh, options: o) }
        try checkClipping(make: mlp, data: try rings(n: 12, seed: 2), shape: [2])
        try checkClipping(make: cnn, data: try bars(n: 6, seed: 2), shape: [1, 8, 8])
    }

    /// Every example's gradient, each from a one-record, one-step, lr-1 fit starting at the same
    /// initialisation as `base` (the reference the clipping tests compare with).
    func perExampleGradients(_ make: (TrainingOptions) throws -> NeuralNetwork, base: TrainingOptions, data: Dataset,
                             w0: [[Float]]) throws -> [[[Double]]] {
        try (0..<data.size).map { i in
            var one = base
            one.batchSize = 1
            let m = try make(one)
            try m.fit(data.rows([i]))
            return zip(w0, m.parameterValues()).map { zip($0, $1).map { Double($0 - $1) } }
        }
    }

    /// One noiseless full-batch DP step (lr 1) from `w0`: how far each parameter moved, checked
    /// against the mean of the hand-clipped per-example gradients `expectedSum`.
    func noiselessStep(_ make: (TrainingOptions) throws -> NeuralNetwork, base: TrainingOptions, data: Dataset, clip: Double,
                       perLayer: Bool, w0: [[Float]], expectedSum sum: [[Double]],
                       file: StaticString = #filePath, line: UInt = #line) throws -> [[Double]] {
        var o = base
        var dp = DPOptions()
        dp.clip = clip
        dp.noise = 0
        dp.sampling = .shuffle
        if perLayer { dp.perLayer = true }
        o.dp = dp
        let priv = try make(o)
        try priv.fit(data)
        let moved = zip(w0, priv.parameterValues()).map { zip($0, $1).map { Double($0 - $1) } }
        for p in moved.indices {
            for j in moved[p].indices {
                XCTAssertEqual(moved[p][j], sum[p][j] / Double(data.size), accuracy: 1e-5, "clip \(clip)", file: file, line: line)
            }
        }
        return moved
    }

    func checkClipping(make: (TrainingOptions) throws -> NeuralNetwork, data full: Dataset, shape: [Int]) throws {
        let n = full.size
        for clip in [0.05, 0.5, 100.0] {
            let base = options { $0.epochs = 1; $0.learningRate = 1; $0.batchSize = n; $0.seed = 3 }
            let initial = try make(base)
            try initial.build(inputShape: shape, classes: 2)
            let w0 = initial.parameterValues()
            var sum = w0.map { [Double](repeating: 0, count: $0.count) }
            for grad in try perExampleGradients(make, base: base, data: full, w0: w0) {
                let norm = grad.joined().reduce(0) { $0 + $1 * $1 }.squareRoot()
                let factor = min(1, clip / (norm + 1e-6))
                for p in grad.indices { for j in grad[p].indices { sum[p][j] += factor * grad[p][j] } }
            }
            let moved = try noiselessStep(make, base: base, data: full, clip: clip, perLayer: false, w0: w0, expectedSum: sum)
            // The step is bounded by C whatever the data: ‖Σ clipped‖/B ≤ C.
            let stepNorm = moved.joined().reduce(0) { $0 + $1 * $1 }.squareRoot()
            XCTAssertLessThanOrEqual(stepNorm, clip + 1e-5)
        }
    }

    /// Per-layer clipping: each layer's part of every per-example gradient is clipped to C/√L on
    /// its own, checked against per-example gradients computed one record at a time.
    func testPerLayerClippingAgainstAPerExampleReference() throws {
        let data = try rings(n: 10, seed: 4)
        let make = { (o: TrainingOptions) in try NeuralNetwork.mlp(hidden: [5], activation: .tanh, options: o) }
        let n = data.size
        for clip in [0.05, 0.5] {
            let base = options { $0.epochs = 1; $0.learningRate = 1; $0.batchSize = n; $0.seed = 3 }
            let initial = try make(base)
            try initial.build(inputShape: [2], classes: 2)
            let w0 = initial.parameterValues()
            // Parameter index ranges of the layers that have parameters.
            var groups = [Range<Int>](), at = 0
            for l in initial.layers where !l.parameters.isEmpty { groups.append(at..<(at + l.parameters.count)); at += l.parameters.count }
            let cl = clip / Double(groups.count).squareRoot()
            var sum = w0.map { [Double](repeating: 0, count: $0.count) }
            for grad in try perExampleGradients(make, base: base, data: data, w0: w0) {
                for g in groups {
                    let norm = grad[g].joined().reduce(0) { $0 + $1 * $1 }.squareRoot()
                    let factor = min(1, cl / (norm + 1e-6))
                    for p in g { for j in grad[p].indices { sum[p][j] += factor * grad[p][j] } }
                }
            }
            let moved = try noiselessStep(make, base: base, data: data, clip: clip, perLayer: true, w0: w0, expectedSum: sum)
            for g in groups {
                XCTAssertLessThanOrEqual(moved[g].joined().reduce(0) { $0 + $1 * $1 }.squareRoot(), cl + 1e-5)
            }
        }
    }

    /// Virtual batches give the logical batch's update (up to summation order), noise included.
    func testVirtualBatchesMatchTheLogicalBatch() throws {
        let data = try rings(n: 200, seed: 5)
        for perLayer in [false, true] {
            var results = [[[Float]]]()
            for physical in [nil, 7, 64] as [Int?] {
                var o = options { $0.epochs = 2; $0.batchSize = 64; $0.seed = 9 }
                var dp = DPOptions()
                dp.clip = 0.3
                dp.noise = 1.1
                dp.perLayer = perLayer ? true : nil
                dp.physicalBatch = physical
                o.dp = dp
                let m = try NeuralNetwork.mlp(hidden: [8], options: o)
                try m.fit(data)
                results.append(m.parameterValues())
            }
            for r in results.dropFirst() {
                for (a, b) in zip(results[0].joined(), r.joined()) { XCTAssertEqual(a, b, accuracy: 1e-5) }
            }
        }
    }

    /// The noise has std σ·C/B on every coordinate: zero features give zero weight gradients, so a
    /// zero-initialised softmax layer after one lr-1 step holds exactly −noise.
    func testNoiseHasTheRightScale() throws {
        let n = 50, d = 200
        let ds = try Dataset(features: Matrix(rows: n, cols: d), labels: (0..<n).map { $0 % 5 }, classes: 5)
        var o = options { $0.epochs = 1; $0.learningRate = 1; $0.batchSize = n }
        var dp = DPOptions()
        dp.clip = 0.5
        dp.noise = 2
        dp.sampling = .shuffle
        o.dp = dp
        let m = try NeuralNetwork.softmaxRegression(options: o)
        try m.fit(ds)
        let w = m.parameters[0].value.data.map(Double.init)
        let mean = w.reduce(0, +) / Double(w.count)
        let sd = (w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(w.count - 1)).squareRoot()
        let expected = 2 * 0.5 / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 4 * expected / Double(w.count).squareRoot())
        // 1000 coordinates: the sample sd is within 10% of σ·C/B with overwhelming probability.
        XCTAssertEqual(sd / expected, 1, accuracy: 0.1)
    }

    /// Both samplers (one deviate per draw, and the two-per-draw noise loop) are standard normal:
    /// moments, the tail beyond 3.5 and a χ² test on 12 bins.
    func testZigguratIsStandardNormal() {
        let n = 1_000_000
        var r = RNG(seed: 12)
        checkStandardNormal((0..<n).map { _ in r.gaussian() })
        var buf = [Float](repeating: 0, count: n)
        buf.withUnsafeMutableBufferPointer { GaussianNoise.add(std: 1, seed: 7, to: [$0]) }
        checkStandardNormal(buf.map(Double.init))
        var again = [Float](repeating: 0, count: n)
        again.withUnsafeMutableBufferPointer { GaussianNoise.add(std: 1, seed: 7, to: [$0]) }
        XCTAssertEqual(buf, again, "the noise depends only on the seed, not on thread scheduling")
    }

    func checkStandardNormal(_ zs: [Double], file: StaticString = #filePath, line: UInt = #line) {
        let n = Double(zs.count)
        var s = 0.0, s2 = 0.0, s4 = 0.0, tail = 0
        var bins = [Int](repeating: 0, count: 12)
        for z in zs {
            s += z; s2 += z * z; s4 += z * z * z * z
            if abs(z) > 3.5 { tail += 1 }
            if z > -3 && z < 3 { bins[Int((z + 3) / 0.5)] += 1 }
        }
        XCTAssertEqual(s / n, 0, accuracy: 0.005, file: file, line: line)
        XCTAssertEqual(s2 / n, 1, accuracy: 0.005, file: file, line: line)
        XCTAssertEqual(s4 / n, 3, accuracy: 0.05, file: file, line: line)
        XCTAssertEqual(Double(tail) / n, 4.6525e-4, accuracy: 1e-4, file: file, line: line)
        func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.squareRoot()) }
        var chi = 0.0
        for (i, c) in bins.enumerated() {
            let lo = -3 + 0.5 * Double(i)
            let e = n * (cdf(lo + 0.5) - cdf(lo))
            chi += pow(Double(c) - e, 2) / e
        }
        XCTAssertLessThan(chi, 31.26, file: file, line: line)  // 0.999 quantile of χ²(11)
    }

    func testEpsilonPerEpochAndCalibration() throws {
        let ds = try Synthetic.blobs(n: 500, features: 4, classes: 3, seed: 4)
        var o = options { $0.epochs = 4; $0.batchSize = 50 }
        var dp = DPOptions()
        dp.noise = 1.3
        dp.delta = 1e-4
        o.dp = dp
        let m = try NeuralNetwork.mlp(hidden: [8], options: o)
        try m.fit(ds)
        let acc = try RDPAccountant()
        for h in m.history {
            let expected = try acc.epsilon([PrivacyPhase(sampleRate: 0.1, noise: 1.3, steps: 10 * h.epoch)], delta: 1e-4)
            XCTAssertEqual(h.epsilon!, expected, accuracy: 1e-12)
        }
        XCTAssertEqual(m.privacy?.steps, 40)
        XCTAssertNil(m.privacy?.note)
        XCTAssertGreaterThan(try m.accuracy(ds), 0.5)  // well above chance (1/3) despite the noise
        // A target ε: σ is calibrated so the whole run spends at most (and almost exactly) that much.
        var o2 = o
        var dp2 = DPOptions()
        dp2.targetEpsilon = 2
        dp2.delta = 1e-4
        dp2.sampling = .shuffle
        o2.dp = dp2
        let m2 = try NeuralNetwork.mlp(hidden: [8], options: o2)
        try m2.fit(ds)
        XCTAssertLessThanOrEqual(m2.privacy!.epsilon, 2)
        XCTAssertGreaterThan(m2.privacy!.epsilon, 1.99)
        XCTAssertTrue(m2.privacy!.note!.contains("accounted as Poisson"))
        XCTAssertThrowsError(try { var b = o; var d = DPOptions(); d.noise = 1; d.targetEpsilon = 1; b.dp = d; try b.validate() }())
        XCTAssertThrowsError(try { var b = o; var d = DPOptions(); d.noise = 1; d.clip = .infinity; b.dp = d; try b.validate() }())
    }

    /// Poisson sampling draws batches of random size (including, at small rates, empty ones) and
    /// still trains; the model file keeps the privacy report. The batches the training loop
    /// actually takes (sizes recorded through a zero extra loss term, which sees every non-empty
    /// batch's ids, and `afterStep`, which sees every update, empty ones included) follow
    /// Binomial(n, q): a χ² test on sizes 0…4 and ≥ 5 over all 600 steps (false alarm 0.1%), the
    /// mean within 4.5 standard errors, no record twice in a batch. Every epoch's ε is the RDP
    /// accountant's for (q, σ) and the steps so far. Catches a loop that takes fixed-size
    /// (shuffled) batches while accounting Poisson, skips empty batches, or reports ε for the wrong
    /// rate or step count.
    func testPoissonBatchesAndSavedPrivacyStatement() throws {
        let ds = try Synthetic.blobs(n: 400, features: 3, classes: 2, seed: 5)
        var o = options { $0.epochs = 3; $0.batchSize = 2 }
        var dp = DPOptions()
        dp.noise = 0.8
        o.dp = dp
        let m = try NeuralNetwork.softmaxRegression(options: o)
        var sizes = [Int](), pending: Int? = nil
        let ids = Set(ds.ids)
        let hooks = TrainingHooks(logitTerm: { batch, z, _ in
            XCTAssertEqual(Set(batch).count, batch.count, "no record twice in a batch")
            XCTAssertTrue(Set(batch).isSubset(of: ids))
            pending = batch.count
            return (0, Matrix(rows: z.rows, cols: z.cols))
        }, afterStep: { _ in
            // No forward pass since the last update: the batch was empty (a noise-only step).
            sizes.append(pending ?? 0)
            pending = nil
        })
        try m.fit(ds, hooks: hooks)
        XCTAssertEqual(m.privacy?.steps, 600)
        XCTAssertEqual(sizes.count, 600, "one update per step, empty batches included")
        XCTAssertFalse(m.parameters[0].value.hasNonFinite)

        let n = 400, q = 2.0 / 400
        func pmf(_ k: Int) -> Double {
            let logChoose: Double = lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
            let logPowers: Double = Double(k) * log(q) + Double(n - k) * log(1 - q)
            return exp(logChoose + logPowers)
        }
        var observed = [Int](repeating: 0, count: 6)
        for s in sizes { observed[min(s, 5)] += 1 }
        let p = (0..<5).map(pmf)
        let expected = (p + [1 - p.reduce(0, +)]).map { $0 * Double(sizes.count) }
        let chi = zip(observed, expected).reduce(0.0) { $0 + pow(Double($1.0) - $1.1, 2) / $1.1 }
        XCTAssertLessThan(chi, 20.52, "observed \(observed), expected \(expected)")  // 0.999 quantile of χ²(5)
        let mean = Double(sizes.reduce(0, +)) / Double(sizes.count)
        XCTAssertEqual(mean, Double(n) * q, accuracy: 4.5 * (Double(n) * q * (1 - q) / Double(sizes.count)).squareRoot())

        let accountant = try RDPAccountant()
        XCTAssertEqual(m.history.count, 3)
        for h in m.history {
            let expectedEpsilon = try accountant.epsilon([PrivacyPhase(sampleRate: q, noise: 0.8, steps: 200 * h.epoch)], delta: DPOptions().delta)
            XCTAssertEqual(try XCTUnwrap(h.epsilon), expectedEpsilon, accuracy: 1e-12, "epoch \(h.epoch)")
        }
        XCTAssertEqual(m.privacy?.epsilon, m.history.last?.epsilon)
        XCTAssertEqual(m.privacy?.sampleRate, q)

        let path = try temporaryDirectory() + "/dp.plm"
        try ModelFile.save(.classifier(m), to: path)
        guard case .classifier(let back as NeuralNetwork) = try ModelFile.load(path: path) else { return XCTFail() }
        XCTAssertEqual(back.privacy, m.privacy)
    }
}
