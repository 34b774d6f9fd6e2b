/// Transfer learning (Yosinski et al., NeurIPS 2014; in SISA, Bourtoule et al., S&P 2021, §VII
/// "transfer learning": a feature extractor pre-trained on public data, shared by every shard):
/// a new network whose lower part is the first `layers` layers with parameters of a fitted
/// network (with the activations, pooling and flattening that follow them), initialised to that
/// network's values, and whose upper part is a new head of dense layers and an output layer.
extension NeuralNetwork {
    /// The network `base`'s first `layers` layers with parameters, then `head` (dense widths, each
    /// followed by `activation` and dropout), then the output layer. `options.frozenLayers` says how
    /// many of the copied layers keep their values (all of them: a fixed extractor; 0: fine-tuning
    /// everything from the copied start). `fn` names the caller in errors.
    public static func transfer(base: Classifier, layers k: Int, head: [Int], activation: ActivationKind = .relu, dropout: Double = 0,
                                options: TrainingOptions, fn: String = "transfer") throws -> NeuralNetwork {
        let b = try fittedBase(base, fn: fn)
        let withParameters = b.specs.indices.filter { b.specs[$0].hasParameters }
        guard k >= 1, k < withParameters.count else {
            throw PrivLabError.invalidArgument("\(fn): option 'layers' = \(k) is out of range: the base has \(withParameters.count) layers with parameters, the last being its output layer, so layers must be in 1…\(withParameters.count - 1)")
        }
        if let f = options.frozenLayers, f > k {
            throw PrivLabError.invalidArgument("\(fn): option 'frozen' = \(f) is out of range: only the \(k) copied layers can be frozen (0…\(k))")
        }
        guard head.allSatisfy({ $0 >= 1 }) else { throw PrivLabError.invalidArgument("\(fn): option 'head' widths must be at least 1") }
        // The copied part ends before the next layer with parameters, dropout excluded (it belongs
        // to training, not to the extractor's function).
        var end = withParameters[k - 1] + 1
        while end < withParameters[k], !b.specs[end].isDropout { end += 1 }
        var specs = Array(b.specs[..<end])
        for h in head {
            specs.append(.dense(units: h, zeroInit: false))
            specs.append(.activation(activation))
            if dropout > 0 { specs.append(.dropout(rate: dropout)) }
        }
        specs.append(.dense(units: nil, zeroInit: false))
        let copied = b.layers.filter { !$0.parameters.isEmpty }.prefix(k).flatMap(\.parameters).map(\.value.data)
        let pretrained = PretrainedLayers(layers: k, inputShape: b.inputShape, values: copied,
                                          source: "\(b.kind.rawValue) \(b.specs[..<end].map(\.summary).joined(separator: "→"))")
        do {
            return try NeuralNetwork(kind: .transfer, specs: specs, options: options, inputShape: b.inputShape, pretrained: pretrained)
        } catch let PrivLabError.invalidArgument(m) {
            throw PrivLabError.invalidArgument(m.hasPrefix(fn) ? m : "\(fn): \(m)")
        }
    }
}

extension NeuralNetwork {
    /// The layers `transfer` copies by default: all the base's layers with parameters but its output layer.
    public static func transferableLayers(_ base: Classifier, fn: String = "transfer") throws -> Int {
        let b = try fittedBase(base, fn: fn)
        let n = b.specs.filter(\.hasParameters).count - 1
        guard n >= 1 else { throw PrivLabError.invalidArgument("\(fn): option 'base' has no layer below its output layer to copy (a softmax regression); give an mlp, cnn or rnn") }
        return n
    }

    private static func fittedBase(_ base: Classifier, fn: String) throws -> NeuralNetwork {
        guard let b = base as? NeuralNetwork else {
            throw PrivLabError.invalidArgument("\(fn): option 'base' must be a network (mlp, cnn, rnn or transfer), got \(base.summary)")
        }
        guard b.isFitted else { throw PrivLabError.invalidArgument("\(fn): option 'base' must be fitted (pre-trained, e.g. on public data) first") }
        return b
    }
}

extension LayerSpec {
    var isDropout: Bool { if case .dropout = self { return true }; return false }
}
