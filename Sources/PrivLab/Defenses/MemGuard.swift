import Foundation

/// MemGuard's settings.
public struct MemGuardOptions: Sendable, Codable {
    /// ε: the distortion budget, the largest expected L1 distance between a released and a true
    /// probability vector (the paper's Phase II).
    public var budget = 1.0
    /// Gradient steps per query in Phase I (the paper's max_iter).
    public var iterations = 300
    /// The weights of the label-preservation and distance terms (the paper's c₂ and c₃).
    public var labelWeight = 10.0
    public var distanceWeight = 0.1
    public var seed: UInt64 = 1
    public init() {}
}

/// MemGuard (Jia, Salem, Backes, Zhang & Gong, "MemGuard: Defending against Black-Box Membership
/// Inference Attacks via Adversarial Examples", CCS 2019): the released confidence vector is
/// perturbed so that the defender's own membership classifier g cannot tell — g(s + n) ≈ ½ —
/// while the predicted label never changes.
///
/// - Phase I (§4.2): noise on the logits z found by gradient descent on
///   |g(softmax(z + r)) − ½| + c₂·ReLU(max_{j≠ŷ}(z + r)ⱼ − (z + r)_ŷ) + c₃·‖softmax(z + r) − s‖₂,
///   stopping as soon as g crosses ½ with the label kept.
/// - Phase II (§4.3): the perturbed vector is released with probability min(1, ε / ‖s′ − s‖₁)
///   (the true vector otherwise), so the expected distortion stays within the budget ε.
///
/// g is trained by the defender on the model's outputs for its training records (members) and a
/// reference set (non-members). Choices: g is a logistic regression on the standardised, sorted
/// log-probability vector (the attack that is strongest on PrivLab's benchmark, and whose
/// gradient is exact; the paper uses a small neural network on the sorted vector); Phase II's
/// coin is drawn from the query's content and the seed, so asking twice gives the same answer and
/// repeated queries cannot average the noise away. The label is always the model's: MemGuard
/// cannot stop label-only attacks, which is the point of comparing them.
public final class MemGuard: ReleaseDefense {
    public let reference: Dataset
    public let options: MemGuardOptions
    private var mean: [Double] = []
    private var scale: [Double] = []
    private var weights: [Double] = []
    /// Phase I outcomes on the last released batch: how many vectors were perturbed and the mean L1 distortion released.
    public private(set) var lastPerturbed = 0
    public private(set) var lastDistortion = 0.0

    public init(model: Classifier, reference: Dataset, options: MemGuardOptions) throws {
        guard options.budget.isFinite, options.budget >= 0 else { throw PrivLabError.invalidArgument(.memguard, "budget must be non-negative") }
        guard options.iterations >= 1 else { throw PrivLabError.invalidArgument(.memguard, "iterations must be at least 1") }
        guard reference.size > 0 else { throw PrivLabError.invalidArgument(.memguard, "the reference set is empty") }
        self.reference = reference
        self.options = options
        super.init(model: model)
    }

    public override var summary: String { "\(model.summary), MemGuard (budget \(formatCompact(options.budget)))" }
    public override var isFitted: Bool { model.isFitted && !weights.isEmpty }

    @discardableResult
    public override func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        try RowLookup(train.features).requireDisjoint(reference.features) { n, o, p in
            "memguard: option 'reference' shares \(n) record\(n == 1 ? "" : "s") with the private set (reference row \(o) = private row \(p)); the defense classifier needs non-members"
        }
        let history = try model.fit(train, validation: validation, observer: observer)
        try fitDefenseClassifier(members: train)
        return history
    }

    /// Trains g on the model's outputs: members 1, reference records 0 (equal weight by subsampling
    /// the larger side to the smaller).
    func fitDefenseClassifier(members: Dataset) throws {
        let n = min(members.size, reference.size)
        var rng = RNG.stream(seed: options.seed, index: 3)
        let m = members.rows(Array(try rng.sample(members.size, n)).sorted())
        let r = reference.rows(Array(try rng.sample(reference.size, n)).sorted())
        let x = try features(model.releasedLogits(m.features)) + features(model.releasedLogits(r.features))
        let d = x.first?.count ?? 0
        let count = Double(x.count)
        mean = (0..<d).map { j in x.reduce(0.0) { $0 + $1[j] } / count }
        scale = (0..<d).map { j in
            let v = x.reduce(0.0) { let t = $1[j] - mean[j]; return $0 + t * t } / count
            return v > 1e-24 ? 1 / v.squareRoot() : 0
        }
        let z = x.map { v in v.indices.map { (v[$0] - mean[$0]) * scale[$0] } }
        weights = try BinaryLogistic.fit(z, [Int](repeating: 1, count: n) + [Int](repeating: 0, count: n), l2: 1e-4)
    }

    /// Restores a fitted defense classifier g (model files).
    func restoreDefense(mean: [Double], scale: [Double], weights: [Double]) {
        self.mean = mean
        self.scale = scale
        self.weights = weights
    }

    /// The reference records' content hash (what g is trained against).
    var referenceDigest: String {
        var h = ContentHash()
        h.add(reference.features.data)
        h.add(reference.labels)
        return h.hex
    }

    /// Settings that change what is released are part of the identity (SISA's checkpoint keys).
    public override var configurationIdentity: String {
        "memguard|\(options.budget)|\(options.iterations)|\(options.labelWeight)|\(options.distanceWeight)|\(options.seed)|\(referenceDigest)|\(model.configurationIdentity)"
    }

    /// Sorted log-probabilities of each row of scores.

    func features(_ z: Matrix) -> [[Double]] {
        let lp = Softmax.logProbabilities(z)
        return (0..<lp.rows).map { r in lp.row(r).map(Double.init).sorted(by: >) }
    }

    /// g(z) = P(member) and its gradient with respect to the logits z.
    func defense(_ z: [Double]) -> (value: Double, gradient: [Double]) {
        let k = z.count
        let top = z.max()!
        let lse = top + log(z.reduce(0.0) { $0 + exp($1 - top) })
        let lp = z.map { $0 - lse }
        let p = lp.map(exp)
        let order = lp.indices.sorted { lp[$0] != lp[$1] ? lp[$0] > lp[$1] : $0 < $1 }
        var t = weights[k]
        for (i, j) in order.enumerated() { t += weights[i] * (lp[j] - mean[i]) * scale[i] }
        let g = 1 / (1 + exp(-t))
        // ∂t/∂lpⱼ = wᵢ·scaleᵢ for j at sorted position i; ∂lpⱼ/∂zₗ = δⱼₗ − pₗ.
        var dlp = [Double](repeating: 0, count: k)
        for (i, j) in order.enumerated() { dlp[j] = weights[i] * scale[i] }
        let s = dlp.reduce(0, +)
        return (g, (0..<k).map { l in g * (1 - g) * (dlp[l] - p[l] * s) })
    }

    /// Phase I for one logit vector: the perturbed logits (the input when g already says ½ or the
    /// search fails to keep the label).
    func phaseOne(_ z: [Double]) -> [Double] {
        let k = z.count
        let label = z.firstMaxIndex!
        let start = defense(z).value
        let side = start > 0.5
        let s = softmax(z)
        var r = [Double](repeating: 0, count: k)
        let step = 0.1
        for _ in 0..<options.iterations {
            let zr = zip(z, r).map(+)
            let (g, dg) = defense(zr)
            if (g > 0.5) != side, keepsLabel(zr, label) { return zr }
            // ∂/∂r of |g − ½| + c₂·ReLU(margin) + c₃·‖softmax − s‖₂.
            var grad = dg.map { (g > 0.5 ? 1.0 : -1.0) * $0 }
            let other = (0..<k).filter { $0 != label }.max { zr[$0] < zr[$1] }!
            if zr[other] - zr[label] > -1e-3 {
                grad[other] += options.labelWeight
                grad[label] -= options.labelWeight
            }
            let pr = softmax(zr)
            let diff = zip(pr, s).map(-)
            let norm = diff.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-12 {
                let dot = zip(diff, pr).reduce(0) { $0 + $1.0 * $1.1 }
                for l in 0..<k { grad[l] += options.distanceWeight * pr[l] * (diff[l] - dot) / norm }
            }
            let gn = grad.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard gn > 0 else { break }
            for l in 0..<k { r[l] -= step * grad[l] / gn }
        }
        return z
    }

    func keepsLabel(_ z: [Double], _ label: Int) -> Bool {
        z.indices.allSatisfy { $0 == label || z[$0] < z[label] }
    }

    func softmax(_ z: [Double]) -> [Double] {
        let top = z.max()!
        let e = z.map { exp($0 - top) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// The released vectors: Phase I, then Phase II's coin, per row.
    public override func releasedProbabilities(_ x: Matrix) throws -> Matrix {
        guard !weights.isEmpty else { throw PrivLabError.invalidArgument("memguard is not fitted: call fit first") }
        let z = try model.releasedLogits(x)
        var out = Softmax.probabilities(z)
        var perturbed = 0
        var distortion = 0.0
        for r in 0..<z.rows {
            let zr = z.row(r).map(Double.init)
            let noisy = phaseOne(zr)
            guard noisy != zr else { continue }
            let s = softmax(zr), s2 = softmax(noisy)
            let l1 = zip(s, s2).reduce(0) { $0 + abs($1.0 - $1.1) }
            // Phase II: release the perturbation with probability min(1, ε/‖s′ − s‖₁).
            var coin = RNG(seed: mix64(options.seed ^ RowLookup.hash(x, r)))
            guard coin.uniform() < min(1, options.budget / max(l1, 1e-12)) else { continue }
            for j in 0..<z.cols { out[r, j] = Float(s2[j]) }
            perturbed += 1
            distortion += l1
        }
        lastPerturbed = perturbed
        lastDistortion = distortion / Double(max(z.rows, 1))
        return out
    }

    /// At the release temperature, the defended vectors; at any other, the model's own.
    public override func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix {
        temperature == releaseTemperature ? try releasedProbabilities(x) : try model.predictProba(x, temperature: temperature)
    }
    public override func copy(seed: UInt64?) throws -> ReleaseDefense {
        var o = options
        if let seed { o.seed = seed }
        return try MemGuard(model: try seed.map { try model.reseededClone(seed: $0) } ?? model.cloneUntrained(), reference: reference, options: o)
    }

    public override var defenseReport: DefenseReport? {
        guard isFitted else { return nil }
        return DefenseReport(defense: "memguard", [("budget", .number(options.budget)), ("perturbed_last_query", .integer(lastPerturbed)),
                                                   ("mean_distortion_last_query", .number(lastDistortion))])
    }
}

// MARK: storage

extension MemGuard: StorableClassifier {
    public static let storedKind = StoredComponentKind("memguard")

    /// What a model file keeps of MemGuard: the settings, the defense classifier g (its
    /// standardisation and weights, on which every released vector depends) and the reference
    /// records (so untrained copies defend as this one does); the model is stored as a part.
    struct Stored: Codable {
        var options: MemGuardOptions
        var mean: [Double]
        var scale: [Double]
        var weights: [Double]
        var reference: StoredDataset
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard isFitted else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        var own = [Float]()
        let s = Stored(options: options, mean: mean, scale: scale, weights: weights, reference: StoredDataset(reference, floats: &own))
        return .component(try StoredComponent(self, state: s, parts: [model.requirePersistable("save")], own: own, floats: &floats))
    }

    public static func restoreClassifier(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                              components: ComponentRestoring) throws -> Classifier {
        try c.requireParts(parts, 1, origin: origin)
        return try MemGuard(restoring: c.decodeState(Stored.self, origin: origin), model: parts[0], own: own, origin: origin)
    }

    convenience init(restoring s: Stored, model: Classifier, own: [Float], origin: String) throws {
        var cursor = 0
        try self.init(model: model, reference: try s.reference.restore(own, &cursor, origin: origin), options: s.options)
        guard s.mean.count == s.scale.count, s.weights.count == s.mean.count + 1 else {
            throw PrivLabError.malformedFile(location: origin, reason: "memguard's defense classifier does not match its standardisation")
        }
        restoreDefense(mean: s.mean, scale: s.scale, weights: s.weights)
    }
}
