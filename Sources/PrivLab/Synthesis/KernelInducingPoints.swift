import Foundation

/// The *Adapt* step of 3A (arXiv 2307.01875, §3.2) with Kernel Inducing Points (Nguyen, Chen & Lee
/// 2021) as the classifier-loss approximator: a small labelled support set S, started from points
/// of a private release (the *Approximate* step's samples), is moved so that kernel ridge regression
/// fitted on S predicts the private records' labels well,
///
///     L(S) = L2 + w·L1,   L2 = mean_t ‖y_t − k(x_t, S)(K_SS + λI)⁻¹ Y_S‖²,   L1 = mean_j ‖s_j − s_j⁰‖²,
///
/// with a Gaussian kernel k(a, b) = exp(−‖a − b‖²/(2h²)). L1 keeps each support point near the
/// sample of the approximated density it started from (the paper balances density fidelity against
/// the classifier loss; measuring fidelity as the distance to those samples is PrivLab's choice).
///
/// L2 reads the private records, so the gradient steps are DP-SGD on the support points: each step
/// samples records with probability q, clips each record's gradient of ‖y_t − …‖² with respect to
/// S to norm G, sums, adds N(0, σ²G²) and divides by the expected batch qn — the Poisson-subsampled
/// Gaussian mechanism, `steps` times, composed by the accountant with whatever the starting release
/// spent (L1 and Y_S come from the release: post-processing). The labels Y_S stay fixed.
public enum KernelInducingPoints {
    public struct Options: Sendable {
        public var support = 100
        public var steps = 200
        public var learningRate = 0.5
        /// Weight w of the fidelity term.
        public var fidelity = 0.1
        public var ridge = 1e-3
        /// Kernel bandwidth h (nil: the median distance between support points).
        public var bandwidth: Double? = nil
        public var batch = 256
        public var clip = 1.0
        /// Noise multiplier of the gradient steps (0: not private — then the result is not a DP release).
        public var noise = 1.0
        /// A total ε (release and adaptation together) to calibrate `noise` to instead.
        public var epsilon: Double? = nil
        public var delta = 1e-5
        public var accountant: AccountantKind = .rdp
        /// Settings for the release's accountant (`AccountantKind.options`); nil: its defaults.
        public var accountantSettings: AccountantSettings? = nil
        public var seed: UInt64 = 1
        public init() {}
    }

    /// The adapted support set and the privacy of release + adaptation for the worst-off record.
    public static func adapt(release start: SyntheticRelease, privateData data: Dataset, options o: Options) throws -> SyntheticRelease {
        let r = start.data
        guard r.featureCount == data.featureCount, r.classes == data.classes else {
            throw PrivLabError.invalidArgument("kip: the release and the private data differ in features or classes")
        }
        guard o.support >= 2, o.support <= r.size else { throw PrivLabError.invalidArgument("kip: support must lie in 2…\(r.size) (the release's size), got \(o.support)") }
        guard o.steps >= 1, o.batch >= 1, o.batch <= data.size else { throw PrivLabError.invalidArgument("kip: steps ≥ 1 and 1 ≤ batch ≤ \(data.size) records") }
        guard o.clip > 0, o.noise >= 0, o.ridge > 0, o.learningRate > 0, o.fidelity >= 0 else {
            throw PrivLabError.invalidArgument("kip: clip, ridge and lr must be positive, noise and fidelity non-negative")
        }
        let d = r.featureCount, k = r.classes, ns = o.support, n = data.size
        var o = o
        // The worst-off record's phases so far: the adaptation composes with them.
        let before = start.privacy.worstPart.plainParts
        let accountant = try (start.privacy.accountant ?? .rdp).make(settings: o.accountantSettings)
        if let target = o.epsilon {
            guard target > start.privacy.epsilon else {
                throw PrivLabError.invalidArgument("kip: the release already spends ε = \(formatCompact(start.privacy.epsilon)) ≥ the total \(formatCompact(target))")
            }
            guard let fixed = PrivacyEvent.composed(before).gaussianPhases else {
                throw PrivLabError.invalidArgument("kip: calibrating to a total ε needs a release made of Gaussian phases")
            }
            o.noise = try SynthesisCalibration.noise(target: target, delta: start.privacy.delta, accountant: accountant,
                                                     fixed: fixed, candidates: [(Double(o.batch) / Double(n), o.steps)])
        }
        var rng = RNG(seed: o.seed)
        // Support points: a class-balanced draw from the release (round robin over classes).
        var byClass = [[Int]](repeating: [], count: k)
        for i in try rng.sample(r.size, r.size) { byClass[r.labels[i]].append(i) }
        var picked = [Int]()
        var round = 0
        while picked.count < ns {
            var added = false
            for c in 0..<k where round < byClass[c].count && picked.count < ns { picked.append(byClass[c][round]); added = true }
            if !added { break }
            round += 1
        }
        var s = DoubleMatrix(r.features).rows(picked)
        let s0 = s
        let ys = picked.map { r.labels[$0] }
        let h = try o.bandwidth ?? medianDistance(s)
        let g = 1 / (2 * h * h)
        let q = Double(o.batch) / Double(n)
        let x = DoubleMatrix(data.features)
        for _ in 0..<o.steps {
            try WorkBudget.checkpoint()
            let model = try Fit(support: s, labels: ys, classes: k, g: g, ridge: o.ridge)
            // Poisson batch of private records.
            var batch = [Int]()
            for t in 0..<n where rng.uniform() < q { batch.append(t) }
            var total = DoubleMatrix(rows: ns, cols: d)
            for t in batch {
                let grad = model.gradient(x.row(t), label: data.labels[t])
                let norm = grad.data.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let f = min(1, o.clip / max(norm, 1e-12))
                for i in grad.data.indices { total.data[i] += f * grad.data[i] }
            }
            let std = o.noise * o.clip
            for i in total.data.indices { total.data[i] = (total.data[i] + std * rng.normal()) / (q * Double(n)) }
            for i in s.data.indices { s.data[i] -= o.learningRate * (total.data[i] + 2 * o.fidelity * (s.data[i] - s0.data[i]) / Double(ns)) }
        }
        let ds = try Dataset(features: s.float, labels: ys, classes: k, classNames: r.classNames, name: "KIP-adapted \(r.name)")
        var notes = start.privacy.notes
        notes.append("adapted by KIP: \(ns) support points, \(o.steps) DP-SGD steps on them (q = \(formatCompact(q)), G = \(formatCompact(o.clip)), σ = \(formatCompact(o.noise))), composed with the release's phases" + (o.noise > 0 ? "" : " — σ = 0: NOT private"))
        let adaptation: PrivacyEvent = o.noise > 0
            ? .selfComposed(event: .poissonSampled(rate: q, event: .gaussian(noise: o.noise, sensitivity: o.clip)), count: o.steps)
            : .nonPrivate("KIP adaptation with noise σ = 0")
        let event = PrivacyEvent.composed(before + [adaptation])
        let privacy = o.noise > 0
            ? try PrivacyStatement(accounting: event, delta: start.privacy.delta, accountant: accountant, notes: notes)
            : PrivacyStatement(epsilon: .infinity, delta: start.privacy.delta, accountant: accountant.kind, event: event, notes: notes)
        return SyntheticRelease(data: ds, privacy: privacy)
    }

    /// Kernel ridge regression on a support set: what one record's loss and its gradient with
    /// respect to the support points need.
    public struct Fit {
        let support: DoubleMatrix
        let g: Double
        let kss: DoubleMatrix
        let chol: Cholesky
        /// (K_SS + λI)⁻¹ Y_S, support × classes.
        let alpha: DoubleMatrix

        public init(support s: DoubleMatrix, labels: [Int], classes k: Int, g: Double, ridge: Double) throws {
            support = s
            self.g = g
            kss = KernelInducingPoints.kernel(s, s, g)
            var a = kss.data
            for i in 0..<s.rows { a[i * s.rows + i] += ridge }
            guard let c = Cholesky(a, dimension: s.rows) else { throw PrivLabError.message("kip: the support kernel matrix is singular; raise ridge") }
            chol = c
            var al = DoubleMatrix(rows: s.rows, cols: k)
            for cl in 0..<k {
                let col = c.solve(labels.map { $0 == cl ? 1 : 0 })
                for i in 0..<s.rows { al[i, cl] = col[i] }
            }
            alpha = al
        }

        func kernelRow(_ x: [Double]) -> [Double] {
            (0..<support.rows).map { j in
                var t = 0.0
                for c in 0..<support.cols { t += (x[c] - support[j, c]) * (x[c] - support[j, c]) }
                return exp(-g * t)
            }
        }

        /// ‖y − k(x, S)α‖² for one record.
        public func loss(_ x: [Double], label: Int) -> Double {
            let kt = kernelRow(x)
            return (0..<alpha.cols).reduce(0.0) { acc, c in
                let p = (0..<support.rows).reduce(0.0) { $0 + kt[$1] * alpha[$1, c] }
                let r = (label == c ? 1 : 0) - p
                return acc + r * r
            }
        }

        /// The gradient of `loss` with respect to the support points: through k(x, S) directly and
        /// through α = A⁻¹Y_S (dα = −A⁻¹ dA α), with ∂k(a, b)/∂b = 2g·k(a, b)·(a − b).
        public func gradient(_ x: [Double], label: Int) -> DoubleMatrix {
            let ns = support.rows, d = support.cols, k = alpha.cols
            let kt = kernelRow(x)
            var resid = [Double](repeating: 0, count: k)
            for c in 0..<k { resid[c] = (label == c ? 1 : 0) - (0..<ns).reduce(0.0) { $0 + kt[$1] * alpha[$1, c] } }
            let v = (0..<ns).map { j in (0..<k).reduce(0.0) { $0 + alpha[j, $1] * resid[$1] } }
            let u = chol.solve(kt)
            // Through α: grad_j += Σ_i W_ji (s_i − s_j) with W = 2·2g·(u vᵀ + v uᵀ) ∘ K_SS (zero
            // diagonal) — one product W·S, minus each row's weight sum times s_j.
            var w = DoubleMatrix(rows: ns, cols: ns)
            for j in 0..<ns { for i in 0..<ns where i != j { w[j, i] = 4 * g * (u[j] * v[i] + u[i] * v[j]) * kss[j, i] } }
            var grad = DoubleMatrix.product(w, support)
            for j in 0..<ns {
                let rowSum = (0..<ns).reduce(0.0) { $0 + w[j, $1] }
                // Through k(x, S): −2 v_j · 2g k_tj (x − s_j).
                let f = -4 * g * v[j] * kt[j]
                for c in 0..<d { grad[j, c] += f * (x[c] - support[j, c]) - rowSum * support[j, c] }
            }
            return grad
        }
    }

    static func kernel(_ a: DoubleMatrix, _ b: DoubleMatrix, _ g: Double) -> DoubleMatrix {
        var cross = DoubleMatrix.product(a, b, transB: true)
        let na = (0..<a.rows).map { i in (0..<a.cols).reduce(0.0) { $0 + a[i, $1] * a[i, $1] } }
        let nb = (0..<b.rows).map { i in (0..<b.cols).reduce(0.0) { $0 + b[i, $1] * b[i, $1] } }
        for i in 0..<a.rows { for j in 0..<b.rows { cross[i, j] = exp(-g * max(0, na[i] - 2 * cross[i, j] + nb[j])) } }
        return cross
    }

    static func medianDistance(_ s: DoubleMatrix) throws -> Double {
        var all = [Double]()
        for i in 0..<s.rows { for j in (i + 1)..<s.rows {
            var t = 0.0
            for c in 0..<s.cols { t += (s[i, c] - s[j, c]) * (s[i, c] - s[j, c]) }
            all.append(t.squareRoot())
        } }
        all.sort()
        guard let m = all.isEmpty ? nil : all[all.count / 2], m > 0 else { throw PrivLabError.invalidArgument("kip: the support points coincide; give bandwidth") }
        return m
    }
}
