import PrivLab
import XCTest

/// The training loop's extension points (`TrainingHooks`): soft targets, an extra loss term on the
/// logits, and per-step callbacks — on every path a step can take (fused SGD, the optimizer, DP
/// fused and unfused, virtual batches).
final class TrainingHooksTests: XCTestCase {
    func configurations() -> [TrainingOptions] {
        var out = [TrainingOptions]()
        var o = TrainingOptions()
        o.epochs = 2
        o.batchSize = 32
        o.learningRate = 0.1
        out.append(o)  // fused SGD
        o.momentum = 0.5
        out.append(o)  // through the optimizer
        o.momentum = 0
        o.optimizer = .adam
        o.learningRate = 0.01
        o.labelSmoothing = 0.1
        out.append(o)
        var dp = DPOptions()
        dp.clip = .infinity
        dp.noise = 0
        dp.sampling = .shuffle
        o = TrainingOptions()
        o.epochs = 2
        o.batchSize = 32
        o.dp = dp
        out.append(o)  // DP, fused
        dp.physicalBatch = 10
        o.dp = dp
        o.momentum = 0.5
        out.append(o)  // DP, virtual batches, through the optimizer
        return out
    }

    func oneHot(_ ds: Dataset) -> [Int: [Float]] {
        Dictionary(uniqueKeysWithValues: zip(ds.ids, ds.labels).map { id, y in
            (id, (0..<ds.classes).map { Float($0 == y ? 1 : 0) })
        })
    }

    /// Hooks that change nothing change nothing, bit for bit: one-hot soft targets are the labels,
    /// a zero extra term is no term. Catches a soft target read for the wrong record (the batch's
    /// position instead of its id), smoothing applied twice, a hook path that skips the fused step.
    func testNeutralHooksLeaveTrainingBitIdentical() throws {
        let ds = try Synthetic.blobs(n: 150, features: 6, classes: 3, std: 3, seed: 2)
        for (i, o) in configurations().enumerated() {
            let plain = try NeuralNetwork.mlp(hidden: [8], options: o)
            try plain.fit(ds)
            let soft = try NeuralNetwork.mlp(hidden: [8], options: o)
            try soft.fit(ds, hooks: TrainingHooks(softTargets: oneHot(ds)))
            let zero = try NeuralNetwork.mlp(hidden: [8], options: o)
            var steps = 0
            try zero.fit(ds, hooks: TrainingHooks(logitTerm: { _, z, _ in (0, Matrix(rows: z.rows, cols: z.cols)) },
                                                  afterStep: { n in steps += 1; XCTAssertEqual(n, steps) }))
            XCTAssertEqual(soft.parameterValues(), plain.parameterValues(), "configuration \(i): one-hot soft targets")
            XCTAssertEqual(zero.parameterValues(), plain.parameterValues(), "configuration \(i): zero extra term")
            XCTAssertEqual(steps, 2 * 5, "configuration \(i): one callback per update (150 records, batch 32)")
        }
    }

    /// An extra term whose gradient cancels the loss's exactly leaves the parameters where they
    /// started, on every step path: the term's gradient is added to the very gradient the update
    /// (or DP's clipping) uses, for the batch's records (the ids the hook receives).
    func testTheExtraTermReachesTheUpdate() throws {
        let ds = try Synthetic.blobs(n: 150, features: 6, classes: 3, std: 3, seed: 2)
        let labelOf = Dictionary(uniqueKeysWithValues: zip(ds.ids, ds.labels))
        for (i, o) in configurations().enumerated() where o.labelSmoothing == 0 {
            let m = try NeuralNetwork.mlp(hidden: [8], options: o)
            var seen = Set<Int>()
            let ce = SoftmaxCrossEntropy(temperature: o.temperature)
            try m.fit(ds, hooks: TrainingHooks(logitTerm: { ids, z, normalizer in
                seen.formUnion(ids)
                var (_, g, _) = ce.lossAndGradient(z, ids.map { labelOf[$0]! }, normalizer: normalizer)
                for j in 0..<g.data.count { g.data[j] = -g.data[j] }
                return (0, g)
            }))
            let fresh = try NeuralNetwork.mlp(hidden: [8], options: o)
            try fresh.build(inputShape: [6], classes: 3)
            XCTAssertEqual(m.parameterValues(), fresh.parameterValues(), "configuration \(i)")
            XCTAssertEqual(seen, Set(ds.ids), "configuration \(i): every record reached the hook by its id")
        }
    }

    /// The soft-target loss's gradient against central differences of the loss itself, at a
    /// temperature and with smoothing: catches (p − q)/T with the wrong T or the wrong q.
    func testSoftTargetGradientMatchesFiniteDifferences() throws {
        let ce = SoftmaxCrossEntropy(temperature: 2, labelSmoothing: 0.1)
        let z = try Matrix(rows: 2, cols: 3, data: [0.3, -1.2, 2.0, 1.5, 0.1, -0.4])
        let soft: [[Float]] = [[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]]
        let (_, g, _) = ce.lossAndGradient(z, [2, 0], soft: soft)
        for j in 0..<6 {
            var up = z, down = z
            up.data[j] += 1e-2
            down.data[j] -= 1e-2
            let lu = ce.lossAndGradient(up, [2, 0], soft: soft).losses.reduce(0, +) / 2
            let ld = ce.lossAndGradient(down, [2, 0], soft: soft).losses.reduce(0, +) / 2
            XCTAssertEqual(Double(g.data[j]), (lu - ld) / 2e-2, accuracy: 1e-4)
        }
    }

    /// A distillation step by hand: softmax regression, one full batch per epoch, plain SGD. At a
    /// training temperature T the logits' gradient is (softmax(z/T) − q)/(T·n) for soft targets q
    /// (the labels, all zero here, play no part), so W ← W − lr·Xᵀ(P − Q)/(T·n) and
    /// b ← b − lr·Σᵣ(P − Q)ᵣ/(T·n). Checked for both steps of a two-epoch fit (the first from zero
    /// weights, where P is uniform; the second from the first's result, where it is not), at
    /// T = 1 and T = 3. Catches targets read for the wrong record, the labels used instead of
    /// the targets, a missing or squared 1/T, and a sum not divided by the batch size.
    func testADistillationStepIsTheSoftTargetGradientByHand() throws {
        let n = 12, f = 5, k = 3
        let ds = try Synthetic.blobs(n: n, features: f, classes: k, std: 2, seed: 8)
        var rng = RNG(seed: 4)
        var soft = [Int: [Float]]()
        for id in ds.ids {
            let w = (0..<k).map { _ in rng.uniform(0.05, 1) }
            soft[id] = w.map { Float($0 / w.reduce(0, +)) }
        }
        let blind = try Dataset(features: ds.features, labels: [Int](repeating: 0, count: n), classes: k, ids: ds.ids)
        for temperature in [1.0, 3.0] {
            var o = TrainingOptions()
            o.epochs = 2
            o.batchSize = n
            o.learningRate = 0.5
            o.temperature = temperature
            let m = try NeuralNetwork.softmaxRegression(options: o)
            var snapshots = [[[Float]]]()
            try m.fit(blind, hooks: TrainingHooks(softTargets: soft, afterStep: { _ in snapshots.append(m.parameterValues()) }))
            XCTAssertEqual(snapshots.count, 2)
            var w = [Double](repeating: 0, count: f * k), b = [Double](repeating: 0, count: k)  // zero-initialised
            for (step, after) in snapshots.enumerated() {
                var gw = [Double](repeating: 0, count: f * k), gb = [Double](repeating: 0, count: k)
                for r in 0..<n {
                    let x = ds.features.row(r).map(Double.init)
                    let z = (0..<k).map { j in b[j] + (0..<f).reduce(0.0) { $0 + x[$1] * w[$1 * k + j] } }
                    let e = z.map { exp(($0 - z.max()!) / temperature) }
                    let q = soft[ds.ids[r]]!
                    for j in 0..<k {
                        let g = (e[j] / e.reduce(0, +) - Double(q[j])) / (temperature * Double(n))
                        gb[j] += g
                        for i in 0..<f { gw[i * k + j] += x[i] * g }
                    }
                }
                for i in 0..<w.count { w[i] -= 0.5 * gw[i] }
                for j in 0..<k { b[j] -= 0.5 * gb[j] }
                for (a, e) in zip(after[0], w) { XCTAssertEqual(Double(a), e, accuracy: 1e-5, "T = \(temperature), step \(step + 1): weight") }
                for (a, e) in zip(after[1], b) { XCTAssertEqual(Double(a), e, accuracy: 1e-5, "T = \(temperature), step \(step + 1): bias") }
                // Continue from what training reached, so rounding does not accumulate.
                w = after[0].map(Double.init)
                b = after[1].map(Double.init)
            }
        }
        let student = try NeuralNetwork.softmaxRegression(options: TrainingOptions())
        XCTAssertThrowsError(try student.fit(blind, hooks: TrainingHooks(softTargets: [:]))) { XCTAssertTrue("\($0)".contains("no vector")) }
    }
}

/// Fine-tuning through the classifier interface (what `fit(ds, {continue = true, dp = …})` calls).
final class FineTuningTests: XCTestCase {
    /// It starts from the current parameters (a learning rate of ~0 leaves them where they were; a
    /// cold start would re-initialise), works through a pipeline, and private fine-tuning accounts
    /// only its own steps. Catches a fine-tune that rebuilds the network, that forgets the
    /// pipeline's scalers, or that counts the public pre-training in ε.
    func testFineTuningStartsFromTheCurrentParametersAndAccountsOnlyItself() throws {
        let ds = try Synthetic.blobs(n: 200, features: 5, classes: 3, std: 2, seed: 6)
        var o = TrainingOptions()
        o.epochs = 3
        o.batchSize = 50
        let net = try NeuralNetwork.mlp(hidden: [8], options: o)
        try net.fit(ds)
        let before = net.parameterValues()
        let frozen = try net.withTrainingOptions { $0.learningRate = 1e-30 }
        let (same, _) = try frozen.fineTune(ds, dp: nil, observer: TrainingObserver())
        for (a, b) in zip(try XCTUnwrap(same as? NeuralNetwork).parameterValues().joined(), before.joined()) { XCTAssertEqual(a, b, accuracy: 1e-12) }

        var dp = DPOptions()
        dp.clip = 1
        dp.noise = 1
        let pipe = Pipeline(scalers: [Scaler(kind: .zscore)], model: try NeuralNetwork.mlp(hidden: [8], options: o))
        try pipe.fit(ds)
        XCTAssertNil(pipe.privacy)
        let (tuned, hist) = try pipe.fineTune(ds, dp: dp, observer: TrainingObserver())
        XCTAssertEqual(hist.count, 3)
        XCTAssertTrue(tuned is Pipeline, "the pipeline keeps its scalers")
        let report = try XCTUnwrap(tuned.privacy)
        XCTAssertEqual(report.steps, 3 * 4, "ε covers the 12 private steps only")
        XCTAssertTrue(report.epsilon.isFinite, "the scaler was fitted by the earlier run: caveated, not voiding")
        XCTAssertTrue(report.note?.contains("zscore scaler fitted without noise in an earlier run") == true, "\(report.notes)")
        XCTAssertTrue(report.note?.contains("continues 3 epochs of training without DP") == true, "\(report.notes)")
        XCTAssertGreaterThan(try tuned.accuracy(ds), 0.6)
        XCTAssertThrowsError(try NeuralNetwork.mlp(hidden: [8], options: o).fineTune(ds, dp: nil, observer: TrainingObserver())) {
            XCTAssertTrue("\($0)".contains("fitted"))
        }
    }
}
