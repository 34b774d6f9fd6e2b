import Foundation

/// The DP Gaussian-mixture baseline of the 3A comparison: a mixture per class whose components are
/// the clusters of `PrivateKMeans` (hard-assignment EM), each with a privately released second
/// moment, sampled to make the release. Every look at the data is a Gaussian mechanism with the
/// same noise multiplier σ on clipped rows (‖x‖ ≤ C): the DP k-means steps (sensitivity √2 on
/// (Σx/C, count)), then one step releasing each cluster's second moments — Σxxᵀ/C² for full
/// covariances (Frobenius sensitivity ‖x‖²/C² ≤ 1) or Σx_j²/C² for diagonal ones (same bound).
/// Covariance = noisy second moment/ñ − μμᵀ, made positive definite by flooring its eigenvalues
/// at `floor`·C²/d. Classes are disjoint, so a record's cost is its class's `iterations + 3` steps.
public enum PrivateGaussianMixture {
    public enum Covariance: String, Sendable, CaseIterable { case full, diag }

    public struct Options: Sendable {
        public var components = 3
        public var iterations = 5
        public var covariance: Covariance = .diag
        public var clip = 1.0
        public var noise: Double? = nil
        public var epsilon: Double? = nil
        public var delta = 1e-5
        public var outputs: Int? = nil
        public var floor = 1e-3
        public var accountant: AccountantKind = .rdp
        /// The accountant's own settings (`AccountantKind.options`); nil: its defaults.
        public var accountantSettings: AccountantSettings? = nil
        public var seed: UInt64 = 1
        public init() {}
    }

    public static func release(_ data: Dataset, options o: Options) throws -> SyntheticRelease {
        var check = MixingOptions()
        (check.clip, check.noise, check.epsilon, check.delta, check.outputs, check.m) = (o.clip, o.noise, o.epsilon, o.delta, o.outputs, 1)
        try check.validate(data, what: "dp_gmm")
        guard o.components >= 1 else { throw PrivLabError.invalidArgument("dp_gmm: components must be at least 1") }
        let d = data.featureCount
        let steps = o.iterations + 3
        let accountant = try o.accountant.make(settings: o.accountantSettings)
        let sigma = try o.noise ?? SynthesisCalibration.noise(target: o.epsilon!, delta: o.delta, accountant: accountant, fixed: [],
                                                               candidates: [(1, steps)])
        // Classes are fitted independently (each from its own seed), so in parallel.
        let perClass = try ParallelWork.run(data.classes, workers: 2) { c in try classComponents(data, class: c, options: o, noise: sigma) }
        let comps = perClass.flatMap { $0 }
        guard !comps.isEmpty else { throw PrivLabError.invalidArgument("dp_gmm: every component's noisy size is below 2; lower components or the noise") }
        let outputs = o.outputs ?? data.size
        let (x, y) = try sample(comps, outputs: outputs, dimension: d, covariance: o.covariance, seed: o.seed)
        let ds = try Dataset(features: try Matrix(rows: outputs, cols: d, data: x), labels: y, classes: data.classes,
                             classNames: data.classNames, name: "DP-GMM samples of \(data.name)")
        // Every look at the data is a Gaussian mechanism of multiplier σ on rows clipped to C, the
        // classes disjoint: a record's cost is its class's `steps` of them.
        let event = PrivacyEvent.selfComposed(event: .gaussian(noise: sigma, sensitivity: o.clip), count: steps)
        return SyntheticRelease(data: ds, privacy: try PrivacyStatement(accounting: event, delta: o.delta, accountant: accountant, notes: [
            "a Gaussian mixture per class, \(o.components) components (\(o.covariance.rawValue) covariance) from DP k-means (\(o.iterations) updates) and one release of second moments: \(steps) Gaussian steps of noise multiplier σ = \(formatCompact(sigma)) on rows clipped to C = \(formatCompact(o.clip)); \(outputs) samples drawn from it (post-processing)"]))
    }

    struct Component { var label: Int; var weight: Double; var mean: [Double]; var factor: DoubleMatrix }

    /// One class's components: DP k-means on its clipped rows, then each cluster's noisy second
    /// moments (std σ·C²) turned into a covariance factor.
    static func classComponents(_ data: Dataset, class c: Int, options o: Options, noise sigma: Double) throws -> [Component] {
        let d = data.featureCount
        var comps = [Component]()
        let members = data.labels.indices.filter { data.labels[$0] == c }
        guard !members.isEmpty else { return [] }
        let rows = PoissonMixing.clipped(data.features, rows: members, clip: o.clip)
        let seed = mix64(o.seed ^ 0x6A_0000 ^ UInt64(c))
        let km = PrivateKMeans(k: o.components, iterations: o.iterations, noise: sigma, clip: o.clip, seed: seed)
        let (centers, sizes, assignment) = try km.fit(rows, dimension: d)
        var rng = RNG(seed: seed ^ 0xC0FA)
        let std = sigma * o.clip * o.clip
        for j in 0..<o.components where sizes[j] >= 2 {
            let inCluster = assignment.indices.filter { assignment[$0] == j }
            let n = sizes[j]
            var cov = DoubleMatrix(rows: d, cols: d)
            switch o.covariance {
            case .full:
                var second = DoubleMatrix(rows: d, cols: d)
                for i in inCluster { let r = rows[i]; for a in 0..<d { for b in a..<d { second[a, b] += Double(r[a]) * Double(r[b]) } } }
                for a in 0..<d { for b in a..<d {
                    second[a, b] += std * rng.normal()
                    second[b, a] = second[a, b]
                } }
                for a in 0..<d { for b in 0..<d { cov[a, b] = second[a, b] / n - centers[j][a] * centers[j][b] } }
            case .diag:
                for a in 0..<d {
                    var s = 0.0
                    for i in inCluster { s += Double(rows[i][a]) * Double(rows[i][a]) }
                    cov[a, a] = (s + std * rng.normal()) / n - centers[j][a] * centers[j][a]
                }
            }
            let factor = try covarianceFactor(cov, floor: o.floor * o.clip * o.clip / Double(d), covariance: o.covariance)
            comps.append(Component(label: c, weight: n, mean: centers[j], factor: factor))
        }
        return comps
    }

    /// Square root of the covariance with eigenvalues floored at `minimum`: samples are mean + factor·z.
    static func covarianceFactor(_ cov: DoubleMatrix, floor minimum: Double, covariance: Covariance) throws -> DoubleMatrix {
        let d = cov.rows
        var factor = DoubleMatrix(rows: d, cols: d)
        if covariance == .diag {
            for a in 0..<d { factor[a, a] = max(cov[a, a], minimum).squareRoot() }
        } else {
            let (values, vectors) = try Decompositions.symmetricEigen(cov)
            for a in 0..<d { for b in 0..<d {
                var s = 0.0
                for e in 0..<d { s += vectors[e, a] * max(values[e], minimum).squareRoot() * vectors[e, b] }
                factor[a, b] = s
            } }
        }
        return factor
    }

    /// `outputs` samples of the mixture, in fixed blocks each from its own random stream: the same
    /// bits for any worker count.
    static func sample(_ comps: [Component], outputs: Int, dimension d: Int, covariance: Covariance, seed: UInt64) throws -> ([Float], [Int]) {
        let total = comps.reduce(0) { $0 + $1.weight }
        let blockSize = 512
        let blocks = (outputs + blockSize - 1) / blockSize
        let parts = try ParallelWork.run(blocks, workers: 2) { b -> ([Float], [Int]) in
            var rng = RNG.stream(seed: mix64(seed ^ 0x5A3), index: UInt64(b))
            var x = [Float](), y = [Int]()
            for _ in (b * blockSize)..<min((b + 1) * blockSize, outputs) {
                var u = rng.uniform() * total, k = 0
                while k < comps.count - 1 && u >= comps[k].weight { u -= comps[k].weight; k += 1 }
                let z = (0..<d).map { _ in rng.normal() }
                let comp = comps[k]
                for a in 0..<d {
                    var v = comp.mean[a]
                    if covariance == .diag { v += comp.factor[a, a] * z[a] } else { for b in 0..<d { v += comp.factor[a, b] * z[b] } }
                    x.append(Float(v))
                }
                y.append(comp.label)
            }
            return (x, y)
        }
        return (parts.flatMap(\.0), parts.flatMap(\.1))
    }
}
