import Foundation

/// A grey-box attacker who holds the target's lower layers — a released embedding or feature
/// extractor, as in transfer learning — but not its head, and no query access to its outputs.
/// It trains its own head (softmax regression, or a small MLP) on its public records passed
/// through the released layers, and scores a candidate by minus the loss of that rebuilt model:
/// Yeom et al.'s loss threshold (CSF 2018) on the features the released layers compute. The head
/// sees no member, so any gap between members and non-members comes from what the lower layers
/// memorised: members' embeddings are where the target's own head fitted them, closer to their
/// class than a non-member's (the intermediate-layer signal of Nasr et al., S&P 2019, §IV, read
/// through a probe; cf. Song & Raghunathan, CCS 2020, on membership leaking from embeddings).
public final class ReleasedLayersAttack: MembershipAttack {
    public struct Options: Sendable {
        /// Layers released, counted as the network lists them (nil: all below the output layer).
        public var layers: Int? = nil
        /// The attacker's head: hidden widths (empty: softmax regression).
        public var headHidden: [Int] = []
        public var headEpochs = 30
        public var headLearningRate = 1e-3
        public var seed: UInt64 = 1
        public init() {}
    }

    public let name = "released layers"
    public let target: Classifier
    public let options: Options
    public let queries = 0
    public var threshold: Double? { nil }
    public private(set) var threatModel: [String: String] = [:]
    /// Layers released (of the network's).
    public let releasedLayers: Int
    /// The rebuilt model's accuracy on the attacker's own records (the head's training data).
    public let headTrainingAccuracy: Double
    private let network: NeuralNetwork
    private let head: NeuralNetwork

    /// Fits the attacker's head on `data` (the attacker's public records, not the target's
    /// training set) seen through the target's first `options.layers` layers.
    public init(target: Classifier, data: Dataset, options: Options) throws {
        guard let net = target as? NeuralNetwork else {
            throw PrivLabError.invalidArgument("released-layers attack: the target must be a network (softmax, MLP, CNN or RNN), got \(target.summary)")
        }
        guard net.isFitted else { throw PrivLabError.invalidArgument("released-layers attack: the target is not fitted") }
        let k = options.layers ?? net.layersBelowOutput
        guard k >= 1 else { throw PrivLabError.invalidArgument("released-layers attack: the network has no layer below its output layer to release") }
        guard data.size >= 2 else { throw PrivLabError.invalidArgument("released-layers attack: the attacker's data set is too small") }
        var o = TrainingOptions()
        o.optimizer = .adam
        o.learningRate = options.headLearningRate
        o.epochs = options.headEpochs
        o.batchSize = 64
        o.seed = options.seed
        let head = options.headHidden.isEmpty ? try NeuralNetwork.softmaxRegression(options: o) : try NeuralNetwork.mlp(hidden: options.headHidden, options: o)
        let public_ = try Self.embedded(net, data, layers: k, classes: max(data.classes, net.classes))
        try head.fit(public_)
        self.target = target
        self.options = options
        self.network = net
        self.head = head
        releasedLayers = k
        headTrainingAccuracy = try head.accuracy(public_)
        threatModel = [
            "access": "grey-box: the target's first \(k) of \(net.layers.count) layers (weights); neither its head nor its outputs",
            "data": "the attacker's public records, disjoint from the target's training set (they train the head)",
            "attack": "minus the loss of the attacker's head (\(options.headHidden.isEmpty ? "softmax regression" : "MLP \(options.headHidden)"), \(options.headEpochs) epochs) on the released layers' output",
        ]
    }

    static func embedded(_ net: NeuralNetwork, _ ds: Dataset, layers k: Int, classes: Int) throws -> Dataset {
        try Dataset(features: try net.activations(ds.features, throughLayers: k), labels: ds.labels, classes: classes, ids: ds.ids, name: "\(ds.name) (released layers)")
    }

    /// Minus the rebuilt model's loss per record (no query to the target: the layers are held).
    public func scores(_ ds: Dataset) throws -> [Double] {
        try head.perRecordLoss(try Self.embedded(network, ds, layers: releasedLayers, classes: head.classes)).map { -$0 }
    }
}
