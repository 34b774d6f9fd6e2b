import Foundation

/// A constituent's state after one slice stage: its parameters and (for pipelines) its fitted
/// scalers. Checkpoints are keyed by `SISAEnsemble.stageKey`, the hash of everything the stage's
/// training depended on, so a key that is still wanted after a deletion names a reusable state.
public struct SISACheckpoint: Sendable {
    public var parameters: [[Float]]
    public var scalers: [Scaler]
    public var inputShape: [Int]
    public var classes: Int
    /// What DP training spent (DP constituents only).
    public var privacy: PrivacyReport? = nil
}

/// Builds, restores and trains constituents of one template model (a `NeuralNetwork`, or a
/// `Pipeline` of scalers and a `NeuralNetwork`).
struct SISAModelFactory {
    let template: Classifier
    let network: NeuralNetwork
    let scalerKinds: [Scaler.Kind]

    init(_ template: Classifier, slices: Int) throws {
        self.template = template
        if let n = template as? NeuralNetwork {
            network = n
            scalerKinds = []
        } else if let p = template as? Pipeline, let n = p.model as? NeuralNetwork {
            network = n
            scalerKinds = p.scalers.map(\.kind)
        } else {
            throw PrivLabError.invalidArgument("sisa: the model must be a softmax regression, MLP, CNN or a pipeline ending in one")
        }
        // With one slice, a DP constituent is one DP training run on its shard, and the shards are
        // disjoint: by parallel composition the ensemble has the constituents' (ε, δ). Slicing would
        // train on slices 1…r repeatedly, which needs accounting across stages (not implemented).
        if network.options.dp != nil && slices > 1 {
            throw PrivLabError.invalidArgument("sisa: dp constituents need slices = 1 (privacy accounting across slice stages is not implemented)")
        }
    }

    /// A stable description of the template, part of every checkpoint key.
    var identity: String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let specs = (try? enc.encode(network.specs)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let opts = (try? enc.encode(network.options)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return "\(network.kind)|\(specs)|\(opts)|\(network.inputShapeHint ?? [])|\(scalerKinds.map(\.rawValue))"
    }

    /// The constituent of shard `s`: the template re-seeded so shards start from different points.
    func model(seed: UInt64, shard s: Int, restoring c: SISACheckpoint?) throws -> Classifier {
        let net = try network.reseeded(mix64(seed ^ UInt64(s + 1) &* 0x9FB2_1C65_1E98_DF25))
        var scalers = scalerKinds.map { Scaler(kind: $0) }
        if let c = c {
            try net.build(inputShape: c.inputShape, classes: c.classes)
            try net.setParameterValues(c.parameters)
            net.setPrivacy(c.privacy)
            scalers = c.scalers
        }
        return scalerKinds.isEmpty ? net : Pipeline(fittedScalers: scalers, model: net)
    }

    /// Trains one stage on `data`, starting from `from` (or from a fresh initialisation), and
    /// returns the checkpoint after it. A pipeline fits its scalers on its first stage's data and
    /// keeps them: later stages must not move the features under a trained network.
    func trainStage(data: Dataset, from: SISACheckpoint?, seed: UInt64, shard: Int, stage: TrainingStage) throws -> SISACheckpoint {
        let m = try model(seed: seed, shard: shard, restoring: from)
        let net = (m as? NeuralNetwork) ?? ((m as! Pipeline).model as! NeuralNetwork)
        var scalers = from?.scalers ?? []
        var x = data
        if from == nil {
            scalers = []
            for k in scalerKinds {
                var s = Scaler(kind: k)
                try s.fit(x.features)
                x = try s.transform(x)
                scalers.append(s)
            }
        } else {
            for s in scalers { x = try s.transform(x) }
        }
        try net.fit(x, stage: stage)
        return SISACheckpoint(parameters: net.parameterValues(), scalers: scalers, inputShape: net.inputShape, classes: net.classes,
                              privacy: net.privacy)
    }
}
