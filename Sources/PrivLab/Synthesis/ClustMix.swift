import Foundation

/// ClustMix, the anonymisation step of 3A (Amazon, arXiv 2307.01875, §4): instead of mixing records
/// drawn from the whole data set (random mixing), each output mixes records from the neighbourhood
/// of one cluster centre, so that what is averaged is alike and the average stays on the data's
/// manifold. Here the neighbourhoods are the clusters of a k-means run within each class — the
/// output's label is then its class, exact, with no label noise (per-class mixing; the 3A text
/// leaves the labelling open) — and each output of cluster j is the Poisson-subsampled Gaussian
/// mechanism of `PoissonMixing` over that cluster's records at rate q_j = m / ñ_j.
///
/// Privacy, for the worst-off record: its class's clustering steps (DP k-means: every step a
/// Gaussian mechanism, `PrivateKMeans`; or k-means on `publicData`, which costs nothing, followed by
/// one noisy count of each cluster), then the outputs of its one cluster — T_j outputs at rate q_j,
/// where T_j and q_j come from the noisy sizes ñ_j (post-processing). Classes and clusters are
/// disjoint, so a record takes part in nothing else. The accountant composes those phases; the
/// reported ε is the largest over clusters. With `epsilon`, a share of it pays the clustering and
/// the outputs' noise is calibrated so the composed total meets the target.
public enum ClustMix {
    /// How 3A's Approximate step finds the neighbourhoods: a DP Gaussian mixture per class (the
    /// paper's mixture model, `PrivateEM`; records go to their most probable component) or DP
    /// k-means (the ablation).
    public enum Approximation: String, Sendable, CaseIterable { case gmm, kmeans }

    public struct Options: Sendable {
        public var mixing = MixingOptions()
        /// Clusters per class.
        public var clusters = 5
        /// DP k-means updates (with `.gmm`: those of its DP k-means start).
        public var iterations = 5
        public var approximation: Approximation = .kmeans
        /// DP-EM iterations with `.gmm`.
        public var emIterations = 5
        /// With `mixing.epsilon`: the share of ε the clustering may spend (calibrated on its own).
        public var clusterShare = 0.3
        /// With `mixing.noise`: the clustering's noise multiplier.
        public var clusterNoise: Double? = nil
        /// Records whose k-means (not private) gives the centres instead of DP k-means.
        public var publicData: Dataset? = nil
        /// 3A's Adapt step after the release (`KernelInducingPoints`); with `mixing.epsilon`, the
        /// release gets (1 − adaptShare)·ε and the adaptation's noise is calibrated to the total ε.
        /// The release then makes `support` outputs unless `mixing.outputs` says otherwise.
        public var adapt: KernelInducingPoints.Options? = nil
        public var adaptShare = 0.3
        public init() {}
    }

    public static func release(_ data: Dataset, options o: Options) throws -> SyntheticRelease {
        guard var a = o.adapt else { return try anonymize(data, options: o) }
        var base = o
        base.adapt = nil
        // KIP releases its support points only, so a release larger than the support would spend
        // ε on outputs that are then discarded (and raise the noise on those kept): unless the
        // caller asks for a size, the Approximate/Anonymize release makes exactly `support` outputs.
        if base.mixing.outputs == nil { base.mixing.outputs = a.support }
        // The adaptation's batches and noise follow the release's seed (another seed, another run).
        a.seed = mix64(o.mixing.seed ^ 0xADA9_7000)
        if let e = o.mixing.epsilon {
            guard o.adaptShare > 0, o.adaptShare < 1 else { throw PrivLabError.invalidArgument("clustmix: adapt_share must lie in (0, 1)") }
            base.mixing.epsilon = e * (1 - o.adaptShare)
            a.epsilon = e
        }
        a.delta = o.mixing.delta
        a.accountantSettings = o.mixing.accountantSettings
        return try KernelInducingPoints.adapt(release: try anonymize(data, options: base), privateData: data, options: a)
    }

    /// The ClustMix release itself (Approximate by clusters, Anonymize by mixing).
    static func anonymize(_ data: Dataset, options o: Options) throws -> SyntheticRelease {
        let m = o.mixing
        try validate(data, options: o)
        let accountant = try m.accountant.make(settings: m.accountantSettings)
        let steps = o.publicData == nil ? approximationSteps(o) : 1
        let clusterNoise = try clusteringNoise(o, steps: steps, accountant: accountant)
        let clustering = PrivacyEvent.selfComposed(event: .gaussian(noise: clusterNoise, sensitivity: m.clip), count: steps)
        // Classes are clustered independently (each from its own seed), so in parallel.
        let perClass = try ParallelWork.run(data.classes, workers: m.workers) { c in try classPools(data, class: c, options: o, clusterNoise: clusterNoise) }
        let pools = perClass.flatMap { $0 }
        guard !pools.isEmpty else {
            throw PrivLabError.invalidArgument("clustmix: every cluster's (noisy) size is below m = \(m.m); lower m or clusters, or use more records")
        }
        let outputs = m.outputs ?? data.size
        let counts = allocate(outputs, sizes: pools.map(\.size))
        let rates = pools.map { min(1, Double(m.m) / $0.size) }
        let candidates = pools.indices.filter { counts[$0] > 0 }.map { (rates[$0], counts[$0]) }
        let sigma = try m.noise ?? SynthesisCalibration.noise(target: m.epsilon!, delta: m.delta, accountant: accountant,
                                                               fixed: clustering.gaussianPhases ?? [], candidates: candidates)
        var x = [Float](), y = [Int]()
        x.reserveCapacity(outputs * data.featureCount)
        for (p, pool) in pools.enumerated() where counts[p] > 0 {
            let mixed = try PoissonMixing.release(pool: pool.rows, dimension: data.featureCount, rate: rates[p], outputs: counts[p],
                                                  m: Double(m.m), noise: sigma, sensitivity: m.clip,
                                                  seed: mix64(m.seed ^ UInt64(p + 1) &* 0x9E37_79B9), workers: m.workers)
            for row in mixed { x += row.map { Float($0) } }
            y += [Int](repeating: pool.label, count: counts[p])
        }
        let ds = try Dataset(features: try Matrix(rows: y.count, cols: data.featureCount, data: x), labels: y, classes: data.classes,
                             classNames: data.classNames, name: "ClustMix of \(data.name)")
        let centres = o.publicData == nil
            ? (o.approximation == .gmm
               ? "neighbourhoods from a DP Gaussian mixture per class (DP-EM, \(o.emIterations) iterations from DP k-means of \(o.iterations) updates; noise multiplier \(formatCompact(clusterNoise)), \(steps) Gaussian steps)"
               : "centres by DP k-means within each class (\(o.iterations) updates, noise multiplier \(formatCompact(clusterNoise)), \(steps) Gaussian steps)")
            : "centres by k-means on public data (free), cluster sizes released with noise multiplier \(formatCompact(clusterNoise)) (1 Gaussian step)"
        let notes = [centres, "\(y.count) outputs from \(candidates.count) clusters of \(o.clusters) per class, each a Poisson(q = m/ñ) mix of m = \(m.m) records on average (C = \(formatCompact(m.clip))), noise multiplier σ = \(formatCompact(sigma)); labels are the clusters' classes"]
        // Each cluster's records: their class's clustering, then the cluster's outputs; clusters
        // (and classes) are disjoint, so the release costs the worst cluster's.
        let perCluster = try candidates.map { q, t in
            try PrivacyStatement(accounting: .composed([clustering, .selfComposed(event: .poissonSampled(rate: q, event: .gaussian(noise: sigma, sensitivity: m.clip)), count: t)]),
                                 delta: m.delta, accountant: accountant, notes: notes)
        }
        guard let privacy = PrivacyStatement.parallel(perCluster, note: "ε is the worst cluster's: its clustering steps composed with its outputs (classes and clusters are disjoint)") else {
            throw PrivLabError.invalidArgument("clustmix: no cluster received an output; raise outputs")
        }
        return SyntheticRelease(data: ds, privacy: privacy)
    }

    static func validate(_ data: Dataset, options o: Options) throws {
        try o.mixing.validate(data, what: "clustmix")
        guard o.clusters >= 1 else { throw PrivLabError.invalidArgument("clustmix: clusters must be at least 1") }
        guard o.iterations >= 1 else { throw PrivLabError.invalidArgument("clustmix: iterations must be at least 1") }
        guard o.emIterations >= 1 else { throw PrivLabError.invalidArgument("clustmix: em_iterations must be at least 1") }
        guard o.clusterShare > 0, o.clusterShare < 1 else { throw PrivLabError.invalidArgument("clustmix: cluster_share must lie in (0, 1)") }
        if let p = o.publicData {
            guard p.featureCount == data.featureCount, p.classes == data.classes else {
                throw PrivLabError.invalidArgument("clustmix: the public data must have the private data's \(data.featureCount) features and \(data.classes) classes")
            }
        }
    }

    /// Gaussian steps of the private Approximate step per class.
    static func approximationSteps(_ o: Options) -> Int {
        switch o.approximation {
        case .kmeans: return o.iterations + 2
        case .gmm: return PrivateEM(k: o.clusters, iterations: o.emIterations, kmeansIterations: o.iterations, noise: 1, clip: 1, seed: 0).steps
        }
    }

    /// The clustering's noise multiplier: given, or calibrated to its share of ε at δ/2.
    static func clusteringNoise(_ o: Options, steps: Int, accountant: any PrivacyAccountant) throws -> Double {
        if let s = o.clusterNoise {
            guard s > 0 else { throw PrivLabError.invalidArgument("clustmix: cluster_noise must be positive") }
            return s
        }
        guard let e = o.mixing.epsilon else {
            throw PrivLabError.invalidArgument("clustmix: with noise = σ, give cluster_noise too (the clustering's noise multiplier)")
        }
        return try SynthesisCalibration.noise(target: e * o.clusterShare, delta: o.mixing.delta / 2, accountant: accountant, fixed: [],
                                              candidates: [(1, steps)])
    }

    struct Pool { var rows: [[Float]]; var label: Int; var size: Double }

    /// One class's clusters (none for a class with no record): DP k-means on its clipped rows, or
    /// k-means on the public records of the class with noisy cluster sizes. A cluster whose noisy
    /// size is below m cannot be mixed m at a time: dropped (its records take part in no output).
    static func classPools(_ data: Dataset, class c: Int, options o: Options, clusterNoise: Double) throws -> [Pool] {
        let m = o.mixing
        let members = data.labels.indices.filter { data.labels[$0] == c }
        guard !members.isEmpty else { return [] }
        let rows = PoissonMixing.clipped(data.features, rows: members, clip: m.clip)
        var assignment: [Int], sizes: [Double]
        let seed = mix64(m.seed ^ 0xC1_0000 ^ UInt64(c))
        if let p = o.publicData {
            let pub = p.rows(p.labels.indices.filter { p.labels[$0] == c })
            guard pub.size >= o.clusters else {
                throw PrivLabError.invalidArgument("clustmix: the public data has \(pub.size) records of class \(c), fewer than clusters = \(o.clusters)")
            }
            var ko = KMeans.Options()
            ko.k = o.clusters
            ko.seed = seed
            let km = try KMeans(options: ko)
            try km.fit(pub.features)
            let centers = (0..<o.clusters).map { i in (0..<data.featureCount).map { Double(km.centers[i, $0]) } }
            assignment = assignNearest(rows, centers)
            var rng = RNG(seed: seed ^ 0x5EED)
            sizes = [Double](repeating: 0, count: o.clusters)
            for a in assignment { sizes[a] += 1 }
            sizes = sizes.map { $0 + clusterNoise * 2.squareRoot() * rng.normal() }
        } else if o.approximation == .gmm {
            let em = PrivateEM(k: o.clusters, iterations: o.emIterations, kmeansIterations: o.iterations, noise: clusterNoise, clip: m.clip, seed: seed)
            let f = try em.fit(rows, dimension: data.featureCount)
            (sizes, assignment) = (f.sizes, f.assignment)
        } else {
            let km = PrivateKMeans(k: o.clusters, iterations: o.iterations, noise: clusterNoise, clip: m.clip, seed: seed)
            (_, sizes, assignment) = try km.fit(rows, dimension: data.featureCount)
        }
        var pools = [Pool]()
        for j in 0..<o.clusters {
            let inCluster = assignment.indices.filter { assignment[$0] == j }.map { rows[$0] }
            if sizes[j] >= Double(m.m), !inCluster.isEmpty { pools.append(Pool(rows: inCluster, label: c, size: sizes[j])) }
        }
        return pools
    }

    /// Outputs per cluster in proportion to the noisy sizes (largest remainders).
    static func allocate(_ outputs: Int, sizes: [Double]) -> [Int] {
        let total = sizes.reduce(0, +)
        var counts = sizes.map { Int((Double(outputs) * $0 / total).rounded(.down)) }
        let order = sizes.indices.sorted { (Double(outputs) * sizes[$0] / total).truncatingRemainder(dividingBy: 1) > (Double(outputs) * sizes[$1] / total).truncatingRemainder(dividingBy: 1) }
        for i in order.prefix(outputs - counts.reduce(0, +)) { counts[i] += 1 }
        return counts
    }
}
