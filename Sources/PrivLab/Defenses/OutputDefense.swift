import Foundation

/// What an output defense does to each released probability vector — the defenses that change only
/// what a model releases, not how it was trained (Shokri et al., "Membership Inference Attacks
/// Against Machine Learning Models", S&P 2017, §VI: restrict to the top k classes, coarsen the
/// precision; and label-only release, which Choquette-Choo et al. (ICML 2021) show label-only
/// attacks still break).
public enum OutputPolicy: Equatable, Sendable, Codable, CustomStringConvertible {
    /// Keep the k largest probabilities, zero the rest, and renormalise so the vector still sums to
    /// one. (Shokri et al. release the top-k probabilities as they are; renormalising is our choice,
    /// so that what is released stays a distribution — the ranking, all a top-k attacker can use
    /// beyond the values, is the same either way.)
    case topK(Int)
    /// Round every probability to `decimals` decimal places (no renormalisation: rounding is what
    /// is published).
    case rounding(decimals: Int)
    /// Release the predicted label only, as a one-hot vector.
    case labelOnly
    /// Release softmax(log p / T): above 1 flattens the vector (less confidence to read), below 1
    /// sharpens it; the label is unchanged (the temperature defense of Shokri et al. §VI.B, here
    /// applied to the released vector rather than the training loss).
    case temperature(Double)

    public var description: String {
        switch self {
        case .topK(let k): return "top-\(k)"
        case .rounding(let d): return "rounded to \(d) decimal\(d == 1 ? "" : "s")"
        case .labelOnly: return "label only"
        case .temperature(let t): return "at temperature \(formatCompact(t))"
        }
    }

    func validate(classes: Int?) throws {
        switch self {
        case .topK(let k):
            guard k >= 1 else { throw PrivLabError.invalidArgument("output defense: top_k must be at least 1, got \(k)") }
            if let c = classes, k > c { throw PrivLabError.invalidArgument("output defense: top_k = \(k) but the model has \(c) classes") }
        case .rounding(let d):
            guard (0...8).contains(d) else { throw PrivLabError.invalidArgument("output defense: round must be in 0…8 decimals, got \(d)") }
        case .labelOnly: break
        case .temperature(let t):
            guard t.isFinite, t > 0 else { throw PrivLabError.invalidArgument("output defense: temperature must be positive and finite, got \(formatCompact(t))") }
        }
    }

    /// The policy applied to one probability vector (in place). Ties at the k-th value keep the
    /// lower class index, so the result is deterministic.
    public func apply(_ p: inout [Float]) {
        switch self {
        case .topK(let k):
            let keep = Set(p.indices.sorted { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }.prefix(k))
            var sum: Float = 0
            for j in p.indices { if keep.contains(j) { sum += p[j] } else { p[j] = 0 } }
            if sum > 0 { for j in p.indices { p[j] /= sum } }
        case .rounding(let d):
            let scale = pow(10, Float(d))
            for j in p.indices { p[j] = (p[j] * scale).rounded() / scale }
        case .temperature(let t):
            // In log space: a probability of 0 stays 0, and no power overflows.
            let logs = p.map { $0 > 0 ? Double(log($0)) / t : -Double.infinity }
            let m = logs.max() ?? 0
            let e = logs.map { exp($0 - m) }
            let s = e.reduce(0, +)
            for j in p.indices { p[j] = Float(e[j] / s) }
        case .labelOnly:
            let top = p.firstMaxIndex ?? 0
            for j in p.indices { p[j] = j == top ? 1 : 0 }
        }
    }
}

/// A model whose released outputs pass through an output defense. Training, prediction and
/// everything else are the wrapped model's; what attacks (and users) receive from
/// `releasedProbabilities` is defended. Wraps any classifier.
public final class OutputDefense: ReleaseDefense {
    public let policy: OutputPolicy

    public init(_ model: Classifier, policy: OutputPolicy) throws {
        try policy.validate(classes: nil)
        self.policy = policy
        super.init(model: model)
    }

    public override var summary: String { "\(model.summary), released \(policy)" }
    /// The defended vectors (what a user of the released model sees).
    public override func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix {
        try defended(try model.predictProba(x, temperature: temperature))
    }
    /// What the wrapped model releases, defended (so defenses compose).
    public override func releasedProbabilities(_ x: Matrix) throws -> Matrix { try defended(try model.releasedProbabilities(x)) }
    public override func copy(seed: UInt64?) throws -> ReleaseDefense {
        try OutputDefense(try seed.map { try model.reseededClone(seed: $0) } ?? model.cloneUntrained(), policy: policy)
    }

    func defended(_ probabilities: Matrix) throws -> Matrix {
        var p = probabilities
        try policy.validate(classes: p.cols)
        let k = p.cols
        p.data.withUnsafeMutableBufferPointer { d in
            for r in 0..<p.rows {
                var row = Array(d[(r * k)..<((r + 1) * k)])
                policy.apply(&row)
                for j in 0..<k { d[r * k + j] = row[j] }
            }
        }
        return p
    }
}

// MARK: storage

extension OutputDefense: StorableClassifier {
    public static let storedKind = StoredComponentKind("output_defense")

    /// The policy, and the wrapped model as a part.
    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        .component(try StoredComponent(self, state: policy, parts: [model.requirePersistable("save")], floats: &floats))
    }

    public static func restoreClassifier(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                              components: ComponentRestoring) throws -> Classifier {
        try c.requireParts(parts, 1, origin: origin)
        return try OutputDefense(parts[0], policy: c.decodeState(OutputPolicy.self, origin: origin))
    }
}
