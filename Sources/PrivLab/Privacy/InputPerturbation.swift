import Foundation

/// Input perturbation (local differential privacy on the training records): every record is
/// randomised by itself before anyone trains on it, so whatever is learnt from the released
/// records is post-processing and inherits their guarantee.
///
/// - Features: each record's feature vector is clipped to norm `clip` (L1 for Laplace, L2 for
///   Gaussian) and released with independent noise calibrated to sensitivity 2·clip — two clipped
///   vectors differ by at most that much — so the released vector is ε-DP (Laplace, Dwork et al.
///   2006) or (ε, δ)-DP (the analytic Gaussian mechanism, Balle & Wang 2018, exact for one release)
///   with respect to *replacing* that record's features.
/// - Labels: released unchanged unless `labelEpsilon` is given; then each label goes through k-ary
///   randomised response (Warner 1965; Kairouz et al. 2016), ε_label-DP, and the whole record
///   (features and label) is protected with ε + ε_label (basic composition, Dwork & Roth 2014,
///   Thm 3.16).
///
/// The unit of privacy is one record's released content under replace-one adjacency: the record
/// count and the ids are public. Each record is perturbed once, by itself, so the released data
/// set as a whole has the same (ε, δ) (parallel composition, McSherry 2009, Thm 4).
public struct InputPerturbation: Sendable, Equatable {
    /// Laplace (L1 clipping, pure ε) or Gaussian (L2 clipping, (ε, δ)): output perturbation's choices.
    public typealias Mechanism = Perturbation.Mechanism

    public struct Options: Sendable, Equatable {
        public var mechanism: Mechanism = .gaussian
        /// ε of the features' release.
        public var epsilon: Double = 1
        /// δ of the Gaussian release (Laplace is pure: δ = 0).
        public var delta: Double = 1e-5
        /// The norm every feature vector is clipped to (L1 for Laplace, L2 for Gaussian).
        public var clip: Double = 1
        /// ε of the labels' randomised response; nil leaves the labels unprotected.
        public var labelEpsilon: Double? = nil
        public var seed: UInt64 = 1
        public init() {}

        public func validate() throws {
            func bad(_ s: String) -> PrivLabError { .invalidArgument("perturb_features: \(s)") }
            guard epsilon.isFinite, epsilon > 0 else { throw bad("epsilon must be a positive number, got \(epsilon)") }
            guard clip.isFinite, clip > 0 else { throw bad("clip must be a positive number, got \(clip)") }
            if mechanism == .gaussian, !(delta > 0 && delta < 1) { throw bad("delta must be in (0, 1) for the Gaussian mechanism, got \(delta)") }
            if let e = labelEpsilon, !(e.isFinite && e > 0) { throw bad("label_epsilon must be a positive number, got \(e)") }
        }
    }

    /// What one unit of privacy is: a record's features (labels public) or the whole record.
    public enum Unit: String, Sendable, CaseIterable { case features, record }

    /// What one perturbation released and what it states.
    public struct Release: Sendable {
        public var data: Dataset
        public var privacy: PrivacyStatement
        /// Laplace scale or Gaussian standard deviation on each feature.
        public var noise: Double
        /// The probability that a released label is not the true one (0 when labels are not perturbed).
        public var labelFlipProbability: Double
        /// 2·clip: how far apart two clipped feature vectors can be (L1 or L2 by mechanism).
        public var sensitivity: Double
        public var unit: Unit
    }

    public let options: Options
    public init(_ options: Options) throws {
        try options.validate()
        self.options = options
    }

    /// Sensitivity of the clipped feature vector: 2·clip (L1 for Laplace, L2 for Gaussian).
    public var sensitivity: Double { 2 * options.clip }

    /// The noise on each feature: Laplace scale 2·clip/ε, or the analytic Gaussian σ for (ε, δ).
    public func noiseScale() throws -> Double {
        switch options.mechanism {
        case .laplace: return try Mechanisms.laplaceScale(sensitivity: sensitivity, epsilon: options.epsilon)
        case .gaussian: return try Mechanisms.gaussianSigmaAnalytic(sensitivity: sensitivity, epsilon: options.epsilon, delta: options.delta)
        }
    }

    /// Perturbs every record of `data` (features, and labels when asked).
    public func perturb(_ data: Dataset) throws -> Release {
        try data.checkFinite()
        let noise = try noiseScale()
        var rng = RNG(seed: options.seed)
        var out = data
        for i in 0..<data.size {
            let row = clipped(data.features.row(i).map(Double.init))
            let noisy = options.mechanism == .laplace
                ? try Mechanisms.laplace(row, sensitivity: sensitivity, epsilon: options.epsilon, rng: &rng)
                : try Mechanisms.gaussian(row, sigma: noise, rng: &rng)
            for j in 0..<data.featureCount { out.features[i, j] = Float(noisy[j]) }
        }
        if out.features.hasNonFinite {
            throw PrivLabError.invalidArgument("perturb_features: noise of scale \(formatCompact(noise)) overflows the features' Float32 range; lower clip or raise epsilon")
        }
        var flip = 0.0
        if let le = options.labelEpsilon {
            // A separate stream, so the features' noise is the same with and without label noise.
            var labelRNG = RNG(seed: options.seed &+ 0x9E37_79B9_7F4A_7C15)
            out.labels = try Mechanisms.randomizedResponse(data.labels, categories: data.classes, epsilon: le, rng: &labelRNG)
            flip = 1 - Mechanisms.truthProbability(categories: data.classes, epsilon: le)
        }
        return Release(data: out, privacy: try statement(noise: noise, classes: data.classes), noise: noise, labelFlipProbability: flip,
                       sensitivity: sensitivity, unit: options.labelEpsilon == nil ? .features : .record)
    }

    /// The row scaled onto the ball of radius `clip` when it lies outside (L1 or L2 by mechanism).
    func clipped(_ row: [Double]) -> [Double] {
        let norm = options.mechanism == .laplace ? row.reduce(0) { $0 + abs($1) } : row.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > options.clip ? row.map { $0 * options.clip / norm } : row
    }

    /// The statement: the features' event, then the labels' randomised response when there is one;
    /// ε and δ add (basic composition). No accountant: each record is released once.
    public func statement(noise: Double, classes: Int) throws -> PrivacyStatement {
        let o = options
        let norm = o.mechanism == .laplace ? "L1" : "L2"
        let features: PrivacyEvent = o.mechanism == .laplace ? .laplace(scale: noise, sensitivity: sensitivity)
                                                             : .gaussian(noise: noise / sensitivity, sensitivity: sensitivity)
        let delta = o.mechanism == .laplace ? 0 : o.delta
        var notes = ["input perturbation (local DP): each record's features clipped to \(norm) norm \(formatCompact(o.clip)) and perturbed by itself, once; replace-one adjacency (the record count and ids are public)"]
        if o.mechanism == .gaussian { notes.append("σ from the analytic Gaussian mechanism (Balle & Wang 2018): exact (ε, δ) for one release") }
        guard let le = o.labelEpsilon else {
            notes.append("labels released unchanged: the guarantee covers each record's features, not its label (set label_epsilon to protect whole records)")
            return PrivacyStatement(epsilon: o.epsilon, delta: delta, accountant: nil, event: features, notes: notes)
        }
        notes.append("labels by \(classes)-ary randomised response at ε = \(formatCompact(le)): the whole record is protected, ε adds up (basic composition)")
        let labels = PrivacyEvent.pure(epsilon: le, mechanism: .randomizedResponse(categories: classes))
        return PrivacyStatement(epsilon: o.epsilon + le, delta: delta, accountant: nil, event: .composed([features, labels]), notes: notes)
    }
}
