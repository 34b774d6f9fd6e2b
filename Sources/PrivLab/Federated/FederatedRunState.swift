import Foundation

/// The state a DP-FedAvg run carries from round to round — global network, server optimizer,
/// clipping bound, random streams — and one round's work (`round`).
struct RunState {
    let options: FederatedOptions
    let network: NeuralNetwork
    let weights: [Double]
    let aggregate: FederatedAggregate
    let noise: FederatedNoise?
    let optimizer: Optimizer
    let initialClip: Double
    private(set) var bound: Double
    private var adaptive: AdaptiveClipping?
    private var sampling: RNG
    private var countRNG: RNG

    init(options o: FederatedOptions, clients: FederatedClients, network: NeuralNetwork) throws {
        options = o
        self.network = network
        // w_k ∈ (0, 1] (§2): uniform, or records capped at ŵ (default the largest client).
        let cap = o.weightCap ?? Double(clients.sizes.max() ?? 1)
        weights = clients.sizes.map { o.weighting == .uniform ? 1 : min(Double($0) / cap, 1) }
        let expected = o.clientRate * Double(clients.count)
        noise = try o.dp.map { try FederatedNoise($0, clientRate: o.clientRate, rounds: o.rounds, expectedClients: expected) }
        var layers = [Range<Int>](), start = 0
        for l in network.layers where !l.parameters.isEmpty {
            let n = l.parameters.reduce(0) { $0 + $1.value.count }
            layers.append(start..<(start + n))
            start += n
        }
        let clipping = o.dp.map { UpdateClipping(layers: layers, perLayer: $0.perLayer) }
        aggregate = FederatedAggregate(clipping: clipping, denominator: o.clientRate * weights.reduce(0, +))
        optimizer = Optimizer(kind: .sgd, momentum: o.serverMomentum)
        switch o.dp?.clipping {
        case .fixed(let s)?: bound = s
        case .adaptive(let c, let g, let lr, _)?:
            bound = c
            adaptive = AdaptiveClipping(initial: c, targetQuantile: g, learningRate: lr, countNoise: noise?.countNoise ?? 0, expectedClients: expected)
        case nil: bound = .infinity
        }
        initialClip = bound
        sampling = RNG.stream(seed: o.seed, index: 0xF_0001)
        countRNG = RNG.stream(seed: o.seed, index: 0xF_0002)
    }

    /// Round `t`: sample, train locally in parallel, aggregate with noise, step, adapt the bound.
    mutating func round(_ t: Int, local: ClientUpdate, clients: FederatedClients, evaluation: Dataset?) throws -> FederatedRound {
        let q = options.clientRate
        let sampled = (0..<clients.count).filter { _ in sampling.uniform() < q }
        let global = network.parameterValues().flatMap { $0 }
        let seed = options.seed
        let results = try ParallelWork.run(sampled.count, workers: options.workers) { i in
            let k = sampled[i]
            // Depends on (round, client) only: the same whichever thread trains it, whoever else was sampled.
            let s = RNG.stream(seed: seed ^ 0xC11E_47, index: UInt64(t) << 32 | UInt64(k)).seedValue
            return try local.run(global: global, data: try clients.client(k), seed: s)
        }
        let used = bound
        let std = (noise?.updateMultiplier ?? 0) * used
        let noiseSeed = RNG.stream(seed: seed, index: 0x2_0000_0000 | UInt64(t)).seedValue
        let (mean, norms) = aggregate.average(results.map(\.delta), weights: sampled.map { weights[$0] }, bound: used,
                                              noiseStd: std, noiseSeed: noiseSeed, size: global.count)
        if adaptive != nil {
            adaptive!.update(norms: norms, rng: &countRNG)
            bound = adaptive!.bound
        }
        step(mean)
        return FederatedRound(round: t, clients: sampled.count, clip: options.dp == nil ? nil : used,
                              medianNorm: Self.median(norms), unclippedShare: options.dp == nil || norms.isEmpty ? nil : Double(norms.filter { $0 <= used }.count) / Double(norms.count),
                              localLoss: Self.weightedMean(results.map { ($0.loss, $0.records) }),
                              localAccuracy: Self.weightedMean(results.map { ($0.accuracy, $0.records) }),
                              testAccuracy: try evaluation.map { try network.accuracy($0) })
    }

    /// θ ← θ + η·v with v ← μv + Δ̄: the engine's SGD-with-momentum on the gradient −Δ̄.
    private func step(_ mean: [Float]) {
        var start = 0
        for p in network.parameters {
            let n = p.value.count
            for i in 0..<n { p.grad.data[i] = -mean[start + i] }
            start += n
        }
        optimizer.update(network.parameters, lr: options.serverLearningRate)
    }

    static func median(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted(), n = s.count
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2])
    }

    static func weightedMean(_ xs: [(Double, Int)]) -> Double? {
        let n = xs.reduce(0) { $0 + $1.1 }
        guard n > 0 else { return nil }
        return xs.reduce(0.0) { $0 + $1.0 * Double($1.1) } / Double(n)
    }
}
