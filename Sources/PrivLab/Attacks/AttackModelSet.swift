import Foundation

/// One attack-model configuration of the shadow attack: the membership classifier, whether there
/// is one per class or one for all, and what it reads of each released vector.
public struct AttackModelConfiguration: Sendable, Equatable {
    public var model: AttackModelKind
    public var perClass: Bool
    public var features: AttackFeatures
    /// Whether the released vector is sorted in decreasing order before the model reads it.
    public var sorted: Bool

    public init(model: AttackModelKind, perClass: Bool, features: AttackFeatures, sorted: Bool) {
        (self.model, self.perClass, self.features, self.sorted) = (model, perClass, features, sorted)
    }

    /// A short name for tables: "boosting, per class, log".
    public var name: String {
        let m: String
        switch model {
        case .logistic: m = "logistic"
        case .boostedTrees: m = "boosting"
        case .mlp(let h, _): m = h > 0 ? "mlp" : "softmax"
        }
        return "\(m), \(perClass ? "per class" : "global"), \(features.rawValue)"
    }

    /// The attack model's input for one released vector `p` (probabilities, log-probabilities or
    /// logits, as `features` says): the vector (sorted or not) and, on the log and logit scales, the
    /// true class's entry as one more feature — the record's label is the attacker's, and with it a
    /// single attack model for all classes can learn at least the loss threshold; sorting alone
    /// throws the label away, and per-class models rank members on scales that differ by class.
    func vector(_ p: [Float], label: Int) -> [Float] {
        var f = sorted ? p.sorted(by: >) : p
        if features != .probabilities, label < p.count { f.append(p[label]) }
        return f
    }
}

/// The fitted attack models of one configuration: one per class, or one global model under key 0.
struct AttackModelSet {
    let configuration: AttackModelConfiguration
    private(set) var models: [Int: MembershipClassifier] = [:]

    /// Fits on feature vectors `x` with their records' labels and membership (1 = in). A class
    /// whose shadow records are all in or all out gets no model (its records score 0.5).
    init(_ configuration: AttackModelConfiguration, x: [[Float]], labels: [Int], member: [Int], seed: UInt64) throws {
        self.configuration = configuration
        let groups: [Int: [Int]] = configuration.perClass ? Dictionary(grouping: x.indices, by: { labels[$0] }) : [0: Array(x.indices)]
        for c in groups.keys.sorted() {
            let idx = groups[c]!
            let y = idx.map { member[$0] }
            guard Set(y).count == 2 else { continue }
            var m = MembershipClassifier(kind: configuration.model, seed: mix64(seed ^ UInt64(c + 1) &* 0xA11C))
            try m.fit(idx.map { x[$0] }, y)
            models[c] = m
        }
        guard !models.isEmpty else { throw PrivLabError.message("shadow attack: no class had both in and out shadow records") }
    }

    /// P(member) per feature vector; 0.5 for a class no model saw (no evidence either way).
    func scores(_ x: [[Float]], labels: [Int]) throws -> [Double] {
        var out = [Double](repeating: 0.5, count: x.count)
        let groups = configuration.perClass ? Dictionary(grouping: x.indices, by: { labels[$0] }) : [0: Array(x.indices)]
        for c in groups.keys.sorted() {
            guard let m = models[c], let idx = groups[c] else { continue }
            let q = try m.scores(idx.map { x[$0] })
            for (r, i) in idx.enumerated() { out[i] = q[r] }
        }
        return out
    }
}
