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
    public struct Options: Sendable {
        public var mixing = MixingOptions()
        /// Clusters per class.
        public var clusters = 5
        /// DP k-means updates.
        public var iterations = 5
        /// With `mixing.epsilon`: the share of ε the clustering may spend (calibrated on its own).
        public var clusterShare = 0.3
        /// With `mixing.noise`: the clustering's noise multiplier.
        public var clusterNoise: Double? = nil
        /// Records whose k-means (not private) gives the centres instead of DP k-means.
        public var publicData: Dataset? = nil
        /// 3A's Adapt step after the release (`KernelInducingPoints`); with `mixing.epsilon`, the
        /// release gets (1 − adaptShare)·ε and the adaptation's noise is calibrated to the total ε.
        public var adapt: KernelInducingPoints.Options? = nil
        public var adaptShare = 0.3
        public init() {}
    }

    public static func release(_ data: Dataset, options o: Options) throws -> SyntheticRelease {
        guard var a = o.adapt else { return try anonymize(data, options: o) }
        var base = o
        base.adapt = nil
        if let e = o.mixing.epsilon {
            guard o.adaptShare > 0, o.adaptShare < 1 else { throw PrivLabError.invalidArgument("clustmix: adapt_share must lie in (0, 1)") }
            base.mixing.epsilon = e * (1 - o.adaptShare)
            a.epsilon = e
        }
        a.delta = o.mixing.delta
        return try KernelInducingPoints.adapt(release: try anonymize(data, options: base), privateData: data, options: a)
    }

    /// The ClustMix release itself (Approximate by clusters, Anonymize by mixing).
    static func anonymize(_ data: Dataset, options o: Options) throws -> SyntheticRelease {
        let m = o.mixing
        try m.validate(data, what: "clustmix")
        guard o.clusters >= 1 else { throw PrivLabError.invalidArgument("clustmix: clusters must be at least 1") }
        guard o.iterations >= 1 else { throw PrivLabError.invalidArgument("clustmix: iterations must be at least 1") }
        guard o.clusterShare > 0, o.clusterShare < 1 else { throw PrivLabError.invalidArgument("clustmix: cluster_share must lie in (0, 1)") }
        if let p = o.publicData {
            guard p.featureCount == data.featureCount, p.classes == data.classes else {
                throw PrivLabError.invalidArgument("clustmix: the public data must have the private data's \(data.featureCount) features and \(data.classes) classes")
            }
        }
        let accountant = try m.accountant.make()
        let steps = o.publicData == nil ? o.iterations + 2 : 1
        let clusterNoise: Double
        if let s = o.clusterNoise {
            guard s > 0 else { throw PrivLabError.invalidArgument("clustmix: cluster_noise must be positive") }
            clusterNoise = s
        } else if let e = m.epsilon {
            clusterNoise = try SynthesisCalibration.noise(target: e * o.clusterShare, delta: m.delta / 2, accountant: accountant, fixed: [],
                                                          candidates: [(1, steps)])
        } else {
            throw PrivLabError.invalidArgument("clustmix: with noise = σ, give cluster_noise too (the clustering's noise multiplier)")
        }
        let clusteringPhase = PrivacyPhase(sampleRate: 1, noise: clusterNoise, steps: steps)

        // Clusters within each class (classes with no record release nothing).
        struct Pool { var rows: [[Float]]; var label: Int; var size: Double }
        // Classes are clustered independently (each from its own seed), so in parallel.
        let perClass = try ParallelWork.run(data.classes, workers: m.workers) { c -> [Pool] in
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
            } else {
                let km = PrivateKMeans(k: o.clusters, iterations: o.iterations, noise: clusterNoise, clip: m.clip, seed: seed)
                (_, sizes, assignment) = try km.fit(rows, dimension: data.featureCount)
            }
            var pools = [Pool]()
            for j in 0..<o.clusters {
                let inCluster = assignment.indices.filter { assignment[$0] == j }.map { rows[$0] }
                // A cluster whose noisy size is below m cannot be mixed m at a time: dropped
                // (its records then take part in no output).
                if sizes[j] >= Double(m.m), !inCluster.isEmpty { pools.append(Pool(rows: inCluster, label: c, size: sizes[j])) }
            }
            return pools
        }
        let pools = perClass.flatMap { $0 }
        guard !pools.isEmpty else {
            throw PrivLabError.invalidArgument("clustmix: every cluster's (noisy) size is below m = \(m.m); lower m or clusters, or use more records")
        }
        let outputs = m.outputs ?? data.size
        let total = pools.reduce(0) { $0 + $1.size }
        // Outputs per cluster in proportion to the noisy sizes (largest remainders), rate m / ñ_j.
        var counts = pools.map { Int((Double(outputs) * $0.size / total).rounded(.down)) }
        let order = pools.indices.sorted { (Double(outputs) * pools[$0].size / total).truncatingRemainder(dividingBy: 1) > (Double(outputs) * pools[$1].size / total).truncatingRemainder(dividingBy: 1) }
        for i in order.prefix(outputs - counts.reduce(0, +)) { counts[i] += 1 }
        let rates = pools.map { min(1, Double(m.m) / $0.size) }
        let candidates = pools.indices.filter { counts[$0] > 0 }.map { (rates[$0], counts[$0]) }
        let sigma = try m.noise ?? SynthesisCalibration.noise(target: m.epsilon!, delta: m.delta, accountant: accountant,
                                                               fixed: [clusteringPhase], candidates: candidates)

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
        // The worst-off record: the cluster whose outputs cost most.
        var worst = (eps: -1.0, phases: [PrivacyPhase]())
        for (q, t) in candidates {
            let phases = [clusteringPhase, PrivacyPhase(sampleRate: q, noise: sigma, steps: t)]
            let e = try accountant.epsilon(phases, delta: m.delta)
            if e > worst.eps { worst = (e, phases) }
        }
        let centres = o.publicData == nil
            ? "centres by DP k-means within each class (\(o.iterations) updates, noise multiplier \(formatCompact(clusterNoise)), \(steps) Gaussian steps)"
            : "centres by k-means on public data (free), cluster sizes released with noise multiplier \(formatCompact(clusterNoise)) (1 Gaussian step)"
        return SyntheticRelease(data: ds, privacy: SynthesisPrivacy(
            epsilon: worst.eps, delta: m.delta, accountant: m.accountant, noise: sigma, phases: worst.phases,
            notes: [centres,
                    "\(y.count) outputs from \(candidates.count) clusters of \(o.clusters) per class, each a Poisson(q = m/ñ) mix of m = \(m.m) records on average (C = \(formatCompact(m.clip))), noise multiplier σ = \(formatCompact(sigma)); labels are the clusters' classes",
                    "ε is the worst cluster's: its clustering steps composed with its outputs (classes and clusters are disjoint)"]))
    }
}
