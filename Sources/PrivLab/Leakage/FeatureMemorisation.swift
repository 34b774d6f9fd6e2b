import Foundation

/// A unique feature: a small patch of pixel values at a fixed place in an image (Hartley &
/// Tsaftaris, "Unintended memorisation of unique features in neural networks", arXiv 2205.10079:
/// a "name on an X-ray"). Binary 5 × 5 patches, as the authors' code draws them, by default.
public struct UniqueFeature: Sendable, Equatable {
    public var height: Int
    public var width: Int
    /// Top-left corner (0-based row and column) and the channel it is drawn in.
    public var row: Int
    public var column: Int
    public var channel: Int
    /// height × width values, row-major.
    public var pixels: [Float]

    public init(height: Int, width: Int, row: Int, column: Int, channel: Int = 0, pixels: [Float]) throws {
        guard height >= 1, width >= 1, pixels.count == height * width, row >= 0, column >= 0, channel >= 0 else {
            throw PrivLabError.invalidArgument(.memorisation, "a feature needs height × width pixels at a non-negative position")
        }
        guard pixels.allSatisfy(\.isFinite) else { throw PrivLabError.invalidArgument(.memorisation, "feature pixels must be finite") }
        self.height = height; self.width = width; self.row = row; self.column = column; self.channel = channel; self.pixels = pixels
    }

    /// A random binary patch (each pixel `high` with probability ½, else `low`), from `seed`.
    public static func random(size: Int, row: Int, column: Int, low: Float = 0, high: Float = 1, seed: UInt64) throws -> UniqueFeature {
        var rng = RNG(seed: seed)
        return try UniqueFeature(height: size, width: size, row: row, column: column,
                                 pixels: (0..<(size * size)).map { _ in rng.bernoulli(0.5) ? high : low })
    }

    func check(_ shape: [Int]?) throws -> (c: Int, h: Int, w: Int) {
        guard let s = shape, s.count == 3 else { throw PrivLabError.invalidArgument(.memorisation, "the data must be images (a dataset with an image shape)") }
        guard channel < s[0], row + height <= s[1], column + width <= s[2] else {
            throw PrivLabError.invalidArgument(.memorisation, "a \(height)×\(width) feature at (\(row), \(column)) does not fit \(s[1])×\(s[2]) images")
        }
        return (s[0], s[1], s[2])
    }

    /// Draws the feature (or another patch of the same size and place) into row r of `x`.
    func draw(_ patch: [Float], into x: inout Matrix, row r: Int, shape: (c: Int, h: Int, w: Int)) {
        for i in 0..<height {
            for j in 0..<width {
                x.data[r * x.cols + (channel * shape.h + row + i) * shape.w + column + j] = patch[i * width + j]
            }
        }
    }
}

/// What the memorisation score found (Hartley & Tsaftaris 2022, §3; the authors' `experiment.py`,
/// `eval_with_augmentation_on_index`, and `metrics.py`, `metric_2` and `metric_3_alt`).
public struct MemorisationScore: Sendable, Equatable {
    /// M2 (black box, label-free — the paper's attacker knows the feature, not its label): mean
    /// KL(p_clean ‖ p_feature) − mean KL(p_clean ‖ p_random) over the probes — positive when the
    /// feature moves the model's outputs more than a random patch does.
    public var m2: Double
    /// One-sided paired t-test and Mann–Whitney test that KL(p_clean ‖ p_feature) >
    /// KL(p_clean ‖ p_random) (the authors test M3 only; the same tests for M2 are ours).
    public var m2PValue: Double
    public var m2Statistic: Double
    public var m2MannWhitneyPValue: Double
    /// M3 (needs the label y of the record that carried the feature): mean KL(e_y ‖ p_feature) −
    /// mean KL(e_y ‖ p_random) — negative when the feature pulls the outputs towards y. Nil
    /// when no label was given.
    public var m3: Double?
    /// One-sided paired t-test that KL(e_y ‖ p_random) > KL(e_y ‖ p_feature) (SciPy `ttest_rel`),
    /// and the Mann–Whitney test of the same (SciPy `mannwhitneyu`), as the authors compute them.
    public var m3PValue: Double?
    public var m3Statistic: Double?
    public var m3MannWhitneyPValue: Double?
    public var probes: Int
}

/// Where one training record stands by self-influence (`FeatureMemorisation.selfInfluence`).
public struct SelfInfluence: Sendable, Equatable {
    /// The record's summed squared gradient norm.
    public var score: Double
    /// 1 for the most influential record; ties share the better rank.
    public var rank: Int
    public var records: Int
    /// The median self-influence over all records, for scale.
    public var median: Double
    /// Every record's self-influence, in the data's order.
    public var scores: [Double]
}

/// Unique-feature memorisation: plant a feature in one training record, then score a model on
/// out-of-distribution probe images with the feature, with a random patch in its place, and clean.
/// The scorer knows the feature and the label of the record that carried it — not the training
/// data or the weights (the paper's setting). Every probe gets its own random control patch.
public enum FeatureMemorisation {
    /// The training set with the feature drawn into the record at `row` (0-based), label unchanged.
    public static func plant(_ feature: UniqueFeature, in data: Dataset, row: Int) throws -> Dataset {
        let shape = try feature.check(data.imageShape)
        guard (0..<data.size).contains(row) else { throw PrivLabError.invalidArgument(.memorisation, "row \(row + 1) is outside the data (\(data.size) records)") }
        var d = data
        var x = d.features
        feature.draw(feature.pixels, into: &x, row: row, shape: shape)
        d.features = x
        return d
    }

    /// Scores `model` on `probes`: each probe clean, with the feature drawn in, and with its own
    /// random control patch (each pixel the feature's low or high value with probability ½, from
    /// stream 17 of `seed` — the authors' `ArtifacterRandom` draws Bernoulli(½) patches). `label`
    /// (the class of the record that carried the feature) is needed for M3 only.
    public static func score(model: Classifier, probes: Dataset, feature: UniqueFeature, label: Int?, seed: UInt64 = 1) throws -> MemorisationScore {
        let shape = try feature.check(probes.imageShape)
        guard probes.size >= 2 else { throw PrivLabError.invalidArgument(.memorisation, "at least 2 probe images are needed") }
        var withFeature = probes.features, withRandom = probes.features
        var rng = RNG.stream(seed: seed, index: 17)
        let (lo, hi) = (feature.pixels.min()!, feature.pixels.max()!)
        // A constant feature (the authors' 5 × 5 zero patch) has no low and high of its own: its
        // control is then a binary patch of 0 and 1, the authors' Bernoulli(½) in [0, 1] pixels.
        let (controlLow, controlHigh) = lo == hi ? (Float(0), Float(1)) : (lo, hi)
        for r in 0..<probes.size {
            feature.draw(feature.pixels, into: &withFeature, row: r, shape: shape)
            let control = feature.pixels.map { _ in rng.bernoulli(0.5) ? controlHigh : controlLow }
            feature.draw(control, into: &withRandom, row: r, shape: shape)
        }
        return try measures(clean: try model.releasedProbabilities(probes.features), feature: try model.releasedProbabilities(withFeature),
                            random: try model.releasedProbabilities(withRandom), label: label)
    }

    /// M2 and M3 with their tests from the model's probabilities on the probes clean, with the
    /// feature, and with the control patch (one row per probe).
    public static func measures(clean: Matrix, feature pf: Matrix, random pr: Matrix, label: Int?) throws -> MemorisationScore {
        guard clean.rows == pf.rows, clean.rows == pr.rows, clean.cols == pf.cols, clean.cols == pr.cols, clean.rows >= 2 else {
            throw PrivLabError.invalidArgument(.memorisation, "the three probability tables must have the same shape and at least 2 rows")
        }
        if let label, !(0..<clean.cols).contains(label) {
            throw PrivLabError.invalidArgument(.memorisation, "label \(label) is outside the model's \(clean.cols) classes")
        }
        // KL(p ‖ q) with Keras's clipping to [1e-7, 1] (`tf.keras.losses.KLDivergence`), as the
        // reference computes it.
        func kl(_ p: [Float], _ q: [Float]) -> Double {
            zip(p, q).reduce(0.0) { acc, pq in
                let a = min(max(Double(pq.0), 1e-7), 1), b = min(max(Double(pq.1), 1e-7), 1)
                return acc + a * log(a / b)
            }
        }
        let n = clean.rows
        let kl1 = (0..<n).map { kl(clean.row($0), pf.row($0)) }, kl2 = (0..<n).map { kl(clean.row($0), pr.row($0)) }
        let mean = { (v: [Double]) in v.reduce(0, +) / Double(v.count) }
        let (t2, p2) = pairedTTestGreater(kl1, kl2)
        var s = MemorisationScore(m2: mean(kl1) - mean(kl2), m2PValue: p2, m2Statistic: t2,
                                  m2MannWhitneyPValue: MannWhitney.greater(kl1, kl2).pValue, probes: n)
        if let label {
            var onehot = [Float](repeating: 0, count: clean.cols)
            onehot[label] = 1
            let k3f = (0..<n).map { kl(onehot, pf.row($0)) }, k3r = (0..<n).map { kl(onehot, pr.row($0)) }
            let (t3, p3) = pairedTTestGreater(k3r, k3f)
            (s.m3, s.m3PValue, s.m3Statistic) = (mean(k3f) - mean(k3r), p3, t3)
            s.m3MannWhitneyPValue = MannWhitney.greater(k3r, k3f).pValue
        }
        return s
    }

    /// White-box variant (the paper's finding that images carrying a unique feature are highly
    /// influential; the authors' `influence.py`): the TracIn self-influence of every training record
    /// (Pruthi et al. 2020, TracInCP) — Σ_k η_k ‖∇_θ loss(x, y; θ_k)‖² over checkpoints θ_k — and
    /// where the record with id `id` ranks among them. With `trainAndTrace` the model is trained on
    /// `data` here and every epoch's end is a checkpoint (η_k its learning rate); otherwise the
    /// fitted model's final parameters are the one checkpoint (η = 1). Needs the weights and the
    /// training data: the model owner's check, not the paper's black-box scorer.
    public static func selfInfluence(model: Classifier, data: Dataset, id: Int, trainAndTrace: Bool) throws -> SelfInfluence {
        guard let row = data.positionsById()[id] else { throw PrivLabError.invalidArgument(.memorisation, "no record with id \(id) in the data") }
        guard model.isWhiteBox else {
            throw PrivLabError.invalidArgument(.memorisation, "self-influence needs the model's gradients (\(model.summary) is not white-box)")
        }
        var scores = [Double](repeating: 0, count: data.size)
        func checkpoint(weight: Double) throws {
            for (r, g) in try model.requireWhiteBox("memorisation").perRecordGradientNorms(data).enumerated() { scores[r] += weight * g * g }
        }
        if trainAndTrace {
            try model.fit(data, validation: nil, observer: TrainingObserver(onEpoch: { rec in
                try checkpoint(weight: rec.learningRate)
                return true
            }))
        } else {
            try checkpoint(weight: 1)
        }
        let mine = scores[row]
        return SelfInfluence(score: mine, rank: scores.filter { $0 > mine }.count + 1, records: data.size,
                             median: scores.sorted()[data.size / 2], scores: scores)
    }

    /// Student's paired t-test of mean(a − b) > 0 (SciPy's `ttest_rel(a, b, alternative="greater")`).
    public static func pairedTTestGreater(_ a: [Double], _ b: [Double]) -> (statistic: Double, pValue: Double) {
        let d = zip(a, b).map { $0 - $1 }
        let n = Double(d.count)
        let mean = d.reduce(0, +) / n
        let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        guard variance > 0 else { return (mean > 0 ? .infinity : (mean < 0 ? -.infinity : .nan), mean > 0 ? 0 : 1) }
        let t = mean / (variance / n).squareRoot()
        let nu = n - 1
        // P(T > t) = ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, 1 − that for t < 0.
        let tail = 0.5 * BetaDistribution.cdf(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return (t, t >= 0 ? tail : 1 - tail)
    }
}
