import Foundation
import PrivLab
import XCTest

/// DP-FedAvg (McMahan et al. 2018, Alg. 1) and its parts: rounds pinned to a NumPy reference
/// (Fixtures/make_federated_reference.py), one round of plain FedAvg computed by hand, the
/// user-level ε against the accountant, the clipping bound against an adversarial client,
/// determinism across worker counts, adaptive clipping (Andrew et al. 2021) and the partitions.
final class FederatedTests: XCTestCase {
    struct Reference: Decodable {
        struct Config: Decodable {
            var rounds: Int, epochs: Int, lr: Double, clip: Double?, weighting: String, momentum: Double
            var server_lr: Double
        }
        struct Case: Decodable { var name: String; var config: Config; var rounds: [[Double]] }
        var features: Int, classes: Int, x: [Double], y: [Int], members: [[Int]], cases: [Case]
    }

    func referenceClients(_ r: Reference) throws -> FederatedClients {
        let data = try Dataset(features: try Matrix(rows: r.y.count, cols: r.features, data: r.x.map(Float.init)), labels: r.y, classes: r.classes)
        return try FederatedClients(data: data, members: r.members, origin: "reference")
    }

    func softmax(lr: Double, batch: Int = 1000) throws -> NeuralNetwork {
        var t = TrainingOptions()
        t.learningRate = lr
        t.batchSize = batch
        return try NeuralNetwork.softmaxRegression(options: t)
    }

    /// Every round's parameters equal the reference's, for plain FedAvg and for clipped rounds
    /// with server momentum and either weighting. Float32 against float64: 2e-5.
    func testRoundsMatchTheNumPyReference() throws {
        let r = try Fixture.decode(Reference.self, "federated_reference.json")
        let clients = try referenceClients(r)
        XCTAssertEqual(r.cases.count, 3)
        for c in r.cases {
            var o = FederatedOptions()
            o.clientRate = 1
            o.local.epochs = c.config.epochs
            o.serverMomentum = c.config.momentum
            o.serverLearningRate = c.config.server_lr
            o.weighting = ClientWeighting(rawValue: c.config.weighting)!
            if let s = c.config.clip {
                var dp = FederatedDP()
                dp.clipping = .fixed(s)
                dp.noise = 0
                o.dp = dp
            }
            var got = [[Float]]()
            for rounds in 1...c.config.rounds {
                o.rounds = rounds
                let m = try FederatedAveraging(options: o).fit(model: try softmax(lr: c.config.lr), clients: clients).model
                got.append(try m.parameterVector())
            }
            for (t, (g, want)) in zip(got, c.rounds).enumerated() {
                XCTAssertEqual(g.count, want.count)
                let worst = zip(g, want).map { abs(Double($0) - $1) }.max() ?? 0
                XCTAssertLessThan(worst, 2e-5, "\(c.name), round \(t + 1)")
            }
        }
    }

    /// One round, every client, no noise: the global model is Σ n_k θ_k / Σ n_k (McMahan et al.
    /// 2017's FedAvg) where θ_k is one full-batch gradient step from zero — computed here by hand.
    func testOneFullRoundWithoutNoiseIsPlainFedAvgByHand() throws {
        let data = try Synthetic.blobs(n: 30, features: 3, classes: 3, seed: 4)
        let clients = try FederatedClients(data: data, members: [Array(0..<5), Array(5..<17), Array(17..<30)], origin: "hand")
        var o = FederatedOptions()
        o.rounds = 1
        o.clientRate = 1
        o.weighting = .records
        let lr = 0.3
        let got = try FederatedAveraging(options: o).fit(model: try softmax(lr: lr), clients: clients).model.parameterVector()
        // Softmax regression from zero: p = 1/K for every record, ∂W = Xᵀ(P − Y)/n, ∂b = mean(P − Y).
        let (d, k) = (3, 3)
        var want = [Double](repeating: 0, count: d * k + k)
        for m in clients.members {
            for p in m {
                for c in 0..<k {
                    let g = 1.0 / Double(k) - (data.labels[p] == c ? 1 : 0)
                    // θ_k = −lr·g/n_k; weighted by n_k / Σn = 30: each record adds −lr·g/30.
                    for j in 0..<d { want[j * k + c] -= lr * g * Double(data.features[p, j]) / 30 }
                    want[d * k + c] -= lr * g / 30
                }
            }
        }
        for (g, w) in zip(got, want) { XCTAssertEqual(Double(g), w, accuracy: 1e-5) }
    }

    /// The run's user-level ε is the accountant's for T Poisson-subsampled Gaussian rounds at rate
    /// q; a target ε calibrates z to the accountant's smallest noise meeting it.
    func testUserLevelEpsilonIsTheAccountants() throws {
        let data = try Synthetic.blobs(n: 200, features: 3, classes: 2, seed: 1)
        let clients = try FederatedClients(partitioning: data, { var p = ClientPartitionOptions(); p.clients = 40; return p }())
        var o = FederatedOptions()
        o.rounds = 7
        o.clientRate = 0.25
        var dp = FederatedDP()
        dp.noise = 1.3
        o.dp = dp
        let r = try FederatedAveraging(options: o).fit(model: try softmax(lr: 0.1, batch: 8), clients: clients)
        let want = try RDPAccountant().epsilon([PrivacyPhase(sampleRate: 0.25, noise: 1.3, steps: 7)], delta: 1e-5)
        XCTAssertEqual(r.privacy?.epsilon ?? 0, want, accuracy: 1e-12)
        XCTAssertEqual(r.model.privacy, r.privacy)
        XCTAssertEqual(r.denominator, 0.25 * 40, accuracy: 1e-12)

        dp.noise = nil
        dp.targetEpsilon = 2
        o.dp = dp
        let c = try FederatedAveraging(options: o).fit(model: try softmax(lr: 0.1, batch: 8), clients: clients)
        let z = try RDPAccountant().noise(forEpsilon: 2, phases: [PrivacyPhase(sampleRate: 0.25, noise: 1, steps: 7)], delta: 1e-5)
        XCTAssertEqual(c.noiseMultiplier, z, accuracy: 1e-12)
        XCTAssertLessThanOrEqual(c.privacy?.epsilon ?? 99, 2)
        XCTAssertGreaterThan(c.privacy?.epsilon ?? 0, 1.9)
    }

    /// The fixed denominator qW, not the sample's weight: with every client holding the same
    /// records (so the same update Δ), a round that samples m of N clients at rate q moves the
    /// model by m·Δ/(qN) — what q = 1 moves it by, times m/(qN).
    func testTheDenominatorIsFixed() throws {
        let one = try Synthetic.blobs(n: 6, features: 3, classes: 2, seed: 8)
        var data = one
        for k in 1..<10 {
            var copy = one
            copy.ids = one.ids.map { $0 + 6 * k }
            data = try data.concatenated(copy)
        }
        let clients = try FederatedClients(data: data, members: (0..<10).map { k in Array((6 * k)..<(6 * k + 6)) }, origin: "copies")
        func run(_ q: Double) throws -> (theta: [Float], sampled: Int) {
            var o = FederatedOptions()
            o.rounds = 1
            o.clientRate = q
            o.seed = 5
            let r = try FederatedAveraging(options: o).fit(model: try softmax(lr: 0.4), clients: clients)
            return (try r.model.parameterVector(), r.rounds[0].clients)
        }
        let full = try run(1), half = try run(0.5)
        XCTAssertEqual(full.sampled, 10)
        XCTAssertTrue(half.sampled > 0 && half.sampled != 5, "the test needs a sample whose size is not qN (got \(half.sampled))")
        let scale = Float(half.sampled) / 5
        for (h, f) in zip(half.theta, full.theta) { XCTAssertEqual(h, scale * f, accuracy: 1e-5) }
    }

    /// The noise on the average has std z·S/(qW) with a fixed bound, and z_Δ·C/(qW) with adaptive
    /// clipping (z_Δ > z pays for the count's noise): measured as the difference between a run
    /// with noise and the same run without (same clients, same local training) over 510 parameters.
    func testNoiseOnTheAverageHasStdZSOverQW() throws {
        let data = try Synthetic.blobs(n: 120, features: 50, classes: 10, seed: 6)
        let clients = try FederatedClients(partitioning: data, { var p = ClientPartitionOptions(); p.clients = 12; return p }())
        func run(_ clipping: ClientClipping, z: Double) throws -> (theta: [Float], result: FederatedResult) {
            var o = FederatedOptions()
            o.rounds = 1
            o.clientRate = 1
            var dp = FederatedDP()
            dp.clipping = clipping
            dp.noise = z
            o.dp = dp
            let r = try FederatedAveraging(options: o).fit(model: try softmax(lr: 0.1, batch: 5), clients: clients)
            return (try r.model.parameterVector(), r)
        }
        func std(_ a: [Float], _ b: [Float]) -> Double {
            let d = zip(a, b).map { Double($0 - $1) }
            let mean = d.reduce(0, +) / Double(d.count)
            return (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count - 1)).squareRoot()
        }
        let fixed = try run(.fixed(0.5), z: 2), quiet = try run(.fixed(0.5), z: 0)
        XCTAssertEqual(std(fixed.theta, quiet.theta), 2 * 0.5 / 12, accuracy: 0.1 * 2 * 0.5 / 12)
        let adaptive = ClientClipping.adaptive(initial: 0.5, targetQuantile: 0.5, learningRate: 0.2, countNoise: nil)
        let noisy = try run(adaptive, z: 1), still = try run(adaptive, z: 0)
        let zDelta = 1 / (1 - 1 / (1.2 * 1.2)).squareRoot()
        XCTAssertEqual(noisy.result.updateNoiseMultiplier, zDelta, accuracy: 1e-12)
        XCTAssertEqual(std(noisy.theta, still.theta), zDelta * 0.5 / 12, accuracy: 0.1 * zDelta * 0.5 / 12)
    }

    /// An adversarial client's update, however large, moves the average by at most S/(qW) before
    /// noise (the estimator's sensitivity, §2); without clipping it moves it by far more.
    func testClippingBoundsEveryClientsContribution() throws {
        let clipping = UpdateClipping(layers: [0..<3, 3..<5], perLayer: false)
        let perLayer = UpdateClipping(layers: [0..<3, 3..<5], perLayer: true)
        let honest: [[Float]] = [[0.1, -0.2, 0.05, 0.3, 0.0], [0.0, 0.1, 0.1, -0.1, 0.2]]
        let huge: [Float] = [1e4, -3e3, 5e3, 2e4, -7e3]
        let zero = [Float](repeating: 0, count: 5)
        for c in [clipping, perLayer] {
            let agg = FederatedAggregate(clipping: c, denominator: 0.5 * 4)
            let with = agg.average(honest + [huge], weights: [1, 1, 1], bound: 0.7, noiseStd: 0, noiseSeed: 1, size: 5).mean
            let without = agg.average(honest + [zero], weights: [1, 1, 1], bound: 0.7, noiseStd: 0, noiseSeed: 1, size: 5).mean
            let moved = zip(with, without).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +).squareRoot()
            XCTAssertLessThanOrEqual(moved, 0.7 / 2 + 1e-6)
            XCTAssertGreaterThan(moved, 0.7 / 2 * 0.99, "the adversary uses its whole budget")
        }
        // End to end: an adversarial client whose records are scaled by 10⁴ (so its local update
        // is huge) moves the model of a round by at most 2S/(qW) (its clipped update against an
        // honest one, both within S); plain FedAvg lets it move the model by far more.
        let data = try Synthetic.blobs(n: 60, features: 4, classes: 3, seed: 2)
        var loud = data
        for p in 0..<10 { for j in 0..<4 { loud.features[p, j] *= 1e4 } }
        func run(_ d: Dataset, clip: Bool) throws -> [Float] {
            let clients = try FederatedClients(data: d, members: stride(from: 0, to: 60, by: 10).map { Array($0..<($0 + 10)) }, origin: "blocks")
            var o = FederatedOptions()
            o.rounds = 1
            o.clientRate = 1
            if clip { var dp = FederatedDP(); dp.clipping = .fixed(0.5); dp.noise = 0; o.dp = dp }
            return try FederatedAveraging(options: o).fit(model: try softmax(lr: 0.5, batch: 10), clients: clients).model.parameterVector()
        }
        func distance(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +).squareRoot() }
        XCTAssertLessThanOrEqual(distance(try run(data, clip: true), try run(loud, clip: true)), 2 * 0.5 / 6 + 1e-5)
        XCTAssertGreaterThan(distance(try run(data, clip: false), try run(loud, clip: false)), 10)
    }

    /// The same bits with one worker or two, and with one or two dense-product threads: every
    /// (round, client) has its own stream and the sum is taken in client order.
    func testDeterministicForAnyWorkerCount() throws {
        let data = try Synthetic.blobs(n: 300, features: 6, classes: 3, seed: 3)
        let clients = try FederatedClients(partitioning: data, { var p = ClientPartitionOptions(); p.clients = 20; p.kind = .dirichlet; return p }())
        func run(workers: Int) throws -> [Float] {
            var o = FederatedOptions()
            o.rounds = 3
            o.clientRate = 0.5
            o.workers = workers
            o.serverMomentum = 0.9
            var dp = FederatedDP()
            dp.clipping = .adaptive(initial: 0.1, targetQuantile: 0.5, learningRate: 0.2, countNoise: nil)
            dp.noise = 0.3
            o.dp = dp
            let model = try NeuralNetwork.mlp(hidden: [8], options: { var t = TrainingOptions(); t.batchSize = 4; t.learningRate = 0.05; return t }())
            return try FederatedAveraging(options: o).fit(model: model, clients: clients).model.parameterVector()
        }
        let one = try withThreads(1) { try run(workers: 1) }
        XCTAssertEqual(one, try withThreads(2) { try run(workers: 2) })
        XCTAssertEqual(one, try withThreads(2) { try run(workers: 1) })
        XCTAssertNotEqual(one, try withThreads(1) { try { () throws -> [Float] in
            var o = FederatedOptions(); o.rounds = 3; o.clientRate = 0.5; o.seed = 2
            return try FederatedAveraging(options: o).fit(model: try softmax(lr: 0.1), clients: clients).model.parameterVector()
        }() })
    }

    /// The geometric rule settles where the share of norms within the bound is γ: norms uniform
    /// on [0, 2] have their γ-quantile at 2γ; with noise on the count it still gets there.
    func testAdaptiveClippingConvergesToTheTargetQuantile() throws {
        var rng = RNG(seed: 9)
        for (gamma, noise) in [(0.3, 0.0), (0.7, 5.0), (0.5, 2.0)] {
            var a = AdaptiveClipping(initial: 0.01, targetQuantile: gamma, learningRate: 0.2, countNoise: noise, expectedClients: 100)
            var late = [Double]()
            for t in 0..<400 {
                let norms = (0..<100).map { _ in 2 * rng.uniform() }
                a.update(norms: norms, rng: &rng)
                if t >= 300 { late.append(a.bound) }
            }
            let mean = late.reduce(0, +) / Double(late.count)
            XCTAssertEqual(mean, 2 * gamma, accuracy: 0.06 * 2 * gamma, "γ = \(gamma), σ_b = \(noise)")
        }
    }

    /// The noise split of Andrew et al. 2021 (§3.1), as TFF's adaptive_clip_noise_params computes it.
    func testAdaptiveNoiseSplit() throws {
        var dp = FederatedDP()
        dp.clipping = .adaptive(initial: 0.1, targetQuantile: 0.5, learningRate: 0.2, countNoise: nil)
        dp.noise = 1.0
        let n = try FederatedNoise(dp, clientRate: 0.1, rounds: 10, expectedClients: 100)
        XCTAssertEqual(n.countNoise, 5, accuracy: 1e-12)
        XCTAssertEqual(n.updateMultiplier, 1 / (1 - 1.0 / 100).squareRoot(), accuracy: 1e-12)
        XCTAssertThrowsError(try FederatedNoise(dp, clientRate: 0.1, rounds: 10, expectedClients: 10)) {
            XCTAssertTrue("\($0)".contains("count noise"), "\($0)")
        }
    }

    /// Partitions keep every record in exactly one client; the Dirichlet skew and the shards give
    /// clients few classes, IID the data's mix.
    func testPartitions() throws {
        let data = try Synthetic.blobs(n: 2000, features: 2, classes: 10, seed: 5)
        func dominant(_ c: FederatedClients) -> Double {
            c.classCounts.map { Double($0.max()!) / Double($0.reduce(0, +)) }.reduce(0, +) / Double(c.count)
        }
        var p = ClientPartitionOptions()
        p.clients = 50
        for kind in ClientPartitionKind.allCases {
            p.kind = kind
            let c = try FederatedClients(partitioning: data, p)
            XCTAssertEqual(c.members.flatMap { $0 }.sorted(), Array(0..<2000), "\(kind)")
            XCTAssertEqual(c.count, 50)
        }
        p.kind = .iid
        XCTAssertLessThan(dominant(try FederatedClients(partitioning: data, p)), 0.4)
        p.kind = .dirichlet
        p.alpha = 0.05
        let skewed = dominant(try FederatedClients(partitioning: data, p))
        p.alpha = 100
        let mixed = dominant(try FederatedClients(partitioning: data, p))
        XCTAssertGreaterThan(skewed, 0.75)
        XCTAssertLessThan(mixed, 0.4)
        p.kind = .classes
        p.classesPerClient = 1
        let one = try FederatedClients(partitioning: data, p)
        XCTAssertGreaterThan(one.classCounts.filter { $0.filter { $0 > 0 }.count == 1 }.count, 40)
        XCTAssertTrue(one.classCounts.allSatisfy { $0.filter { $0 > 0 }.count <= 2 })
    }

    func testErrors() throws {
        let data = try Synthetic.blobs(n: 20, features: 2, classes: 2, seed: 1)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message { _ = try FederatedClients(data: data, members: [[0, 1], []], origin: "x") }.contains("client 2 has no records"))
        XCTAssertTrue(message { _ = try FederatedClients(data: data, members: [[0, 1], [1]], origin: "x") }.contains("in two clients"))
        XCTAssertTrue(message { _ = try FederatedClients(data: data, groups: [[1, 2], [99]]) }.contains("record id 99"))
        var p = ClientPartitionOptions()
        p.clients = 21
        XCTAssertTrue(message { _ = try FederatedClients(partitioning: data, p) }.contains("21 clients but only 20 records"))
        for q in [0.0, -0.1, 1.5, .nan] {
            var o = FederatedOptions()
            o.clientRate = q
            XCTAssertTrue(message { _ = try FederatedAveraging(options: o) }.contains("client_rate must be in (0, 1]"), "q = \(q)")
        }
        var o = FederatedOptions()
        o.dp = FederatedDP()
        XCTAssertTrue(message { _ = try FederatedAveraging(options: o) }.contains("exactly one of noise"))
        let clients = try FederatedClients(partitioning: data, { var p = ClientPartitionOptions(); p.clients = 4; return p }())
        var t = TrainingOptions()
        t.dp = DPOptions()
        t.dp?.noise = 1
        let privateModel = try NeuralNetwork.softmaxRegression(options: t)
        XCTAssertTrue(message { _ = try FederatedAveraging(options: FederatedOptions()).fit(model: privateModel, clients: clients) }.contains("must not train with dp"))
        let tree = try GaussianNaiveBayes(options: .init())
        XCTAssertTrue(message { _ = try FederatedAveraging(options: FederatedOptions()).fit(model: tree, clients: clients) }.contains("must be a network"))
    }
}
