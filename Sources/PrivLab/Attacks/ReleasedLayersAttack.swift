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
    public let target: Predictor
    public let options: Options
    public let queries = 0
    public var threshold: Double? { nil }
    public let threatModel: [String: String]
    /// Layers released (of the network's).
    public let releasedLayers: Int
    /// The rebuilt model's accuracy on the attacker's own records (the head's training data).
    public let headTrainingAccuracy: Double
    private let network: LayerReleasing
    private let head: NeuralNetwork

    /// The fitted state (`Options.fit` trains the head): nothing is trained here.
    init(target: Predictor, options: Options, network: LayerReleasing, releasedLayers: Int, head: NeuralNetwork, headTrainingAccuracy: Double) {
        self.target = target
        self.options = options
        self.network = network
        self.releasedLayers = releasedLayers
        self.head = head
        self.headTrainingAccuracy = headTrainingAccuracy
        threatModel = [
            "access": "grey-box: the target's first \(releasedLayers) of \(network.layerCount) layers (weights); neither its head nor its outputs",
            "data": "the attacker's public records, disjoint from the target's training set (they train the head)",
            "attack": "minus the loss of the attacker's head (\(options.headHidden.isEmpty ? "softmax regression" : "MLP \(options.headHidden)"), \(options.headEpochs) epochs) on the released layers' output",
        ]
    }

    static func embedded(_ net: LayerReleasing, _ ds: Dataset, layers k: Int, classes: Int) throws -> Dataset {
        try Dataset(features: try net.activations(ds.features, throughLayers: k), labels: ds.labels, classes: classes, ids: ds.ids, name: "\(ds.name) (released layers)")
    }

    /// Minus the rebuilt model's loss per record (no query to the target: the layers are held).
    public func scores(_ ds: Dataset) throws -> [Double] {
        try head.perRecordLoss(try Self.embedded(network, ds, layers: releasedLayers, classes: head.classes)).map { -$0 }
    }
}

extension ReleasedLayersAttack.Options: AttackConfiguration {
    /// Fits the attacker's head on `inputs.data` (the attacker's public records, not the target's
    /// training set) seen through the target's first `layers` layers. The target must release
    /// layers (`LayerReleasing`): a black box — a classical model, a query-budgeted target — has none.
    public func fit(target: Predictor, inputs: AttackInputs) throws -> ReleasedLayersAttack {
        try inputs.only([.data], attack: "released-layers attack")
        guard let net = target.releasableLayers else {
            throw PrivLabError.invalidArgument("released-layers attack: the target must be a network (softmax, MLP, CNN or RNN), got \(target.summary)")
        }
        guard net.isFitted else { throw PrivLabError.invalidArgument("released-layers attack: the target is not fitted") }
        let k = layers ?? net.layersBelowOutput
        guard k >= 1 else { throw PrivLabError.invalidArgument("released-layers attack: the network has no layer below its output layer to release") }
        let data = try inputs.requireData("released-layers attack")
        guard data.size >= 2 else { throw PrivLabError.invalidArgument("released-layers attack: the attacker's data set is too small") }
        var o = TrainingOptions()
        o.optimizer = .adam
        o.learningRate = headLearningRate
        o.epochs = headEpochs
        o.batchSize = 64
        o.seed = seed
        let head = headHidden.isEmpty ? try NeuralNetwork.softmaxRegression(options: o) : try NeuralNetwork.mlp(hidden: headHidden, options: o)
        let public_ = try ReleasedLayersAttack.embedded(net, data, layers: k, classes: max(data.classes, net.classes))
        try head.fit(public_)
        return ReleasedLayersAttack(target: target, options: self, network: net, releasedLayers: k, head: head,
                                    headTrainingAccuracy: try head.accuracy(public_))
    }
}
