import Foundation

/// How a network was asked for — its constructor — for printing and for model files (which store
/// the raw value, as they stored the string before).
public enum NetworkKind: String, Codable, Sendable, CaseIterable {
    /// Softmax regression: one dense layer, zero-initialised (a convex model).
    case softmax
    /// A multi-layer perceptron.
    case mlp
    /// A small convolutional network.
    case cnn
    /// A recurrent network (RNN, GRU or LSTM layers, then a fully connected head).
    case rnn
    /// Any other stack of layers (built from layer specs directly).
    case net
    /// Lower layers copied from a fitted network, then a new head (`NeuralNetwork.transfer`).
    case transfer
}

/// A feed-forward classifier: a stack of layers ending in an output dense layer whose width is the
/// number of classes, trained on softmax cross-entropy. Softmax regression, the MLP and the CNN are
/// all instances, differing only in their layer specs.
///
/// Random streams (all from `options.seed`): stream 0 initialises parameters, stream 1 orders
/// mini-batches, stream 2 draws dropout masks, stream 3 picks the validation split. A model is
/// therefore a pure function of (specs, options, data).
public final class NeuralNetwork: Classifier, HookTrainable, FineTunable, WhiteBoxModel, PersistableModel {
    /// "softmax", "mlp", "cnn" or "net": how the model was asked for (for printing and saving).
    public let kind: NetworkKind
    public let specs: [LayerSpec]
    public let options: TrainingOptions
    /// Per-example input shape to assume (e.g. [1, 28, 28]); nil takes the data's image shape for
    /// convolutional specs and `[features]` otherwise.
    public let inputShapeHint: [Int]?
    /// Values the lower layers start from (transfer learning), instead of a random initialisation.
    public let pretrained: PretrainedLayers?
    /// Which layers train (all, unless `options.frozenLayers` freezes the lower ones).
    public let frozen: FrozenLayers
    public private(set) var layers: [Layer] = []
    public private(set) var classes = 0
    public private(set) var inputShape: [Int] = []
    public private(set) var history: [EpochRecord] = []
    /// What DP training spent (nil for non-private training).
    public private(set) var privacy: PrivacyStatement? = nil

    func setPrivacy(_ p: PrivacyStatement?) { privacy = p }

    /// The epoch whose parameters the model holds after early stopping restored the best one.
    public private(set) var bestEpoch: Int? = nil

    /// Epochs the model went through since it was built, over every fit that continued it
    /// (fine-tuning, SISA stages; a partial last epoch of a stage counts as one): the length of
    /// `history`, which records them all, numbered on from run to run, and is saved with the model.
    public var epochsTrained: Int { history.count }

    public init(kind: NetworkKind, specs: [LayerSpec], options: TrainingOptions, inputShape: [Int]? = nil,
                pretrained: PretrainedLayers? = nil) throws {
        try options.validate()
        guard case .dense(nil, _)? = specs.last else {
            throw PrivLabError.invalidArgument("a network must end with the output layer")
        }
        if let p = pretrained, p.layers >= specs.filter(\.hasParameters).count {
            throw PrivLabError.invalidArgument("transfer: \(p.layers) pretrained layers leave no layer for the head")
        }
        self.kind = kind
        self.specs = specs
        self.options = options
        self.inputShapeHint = inputShape
        self.pretrained = pretrained
        self.frozen = try FrozenLayers(specs: specs, count: options.frozenCount, fn: kind.rawValue)
    }

    /// Softmax (multinomial logistic) regression: one zero-initialised output layer (convex, so the
    /// seed only orders the mini-batches).
    public static func softmaxRegression(options: TrainingOptions) throws -> NeuralNetwork {
        try NeuralNetwork(kind: .softmax, specs: [.dense(units: nil, zeroInit: true)], options: options)
    }

    /// Multi-layer perceptron with the given hidden widths, activation and dropout after each hidden layer.
    public static func mlp(hidden: [Int], activation: ActivationKind = .relu, dropout: Double = 0,
                           options: TrainingOptions) throws -> NeuralNetwork {
        guard hidden.allSatisfy({ $0 >= 1 }) else { throw PrivLabError.invalidArgument("hidden layer widths must be at least 1") }
        var s = [LayerSpec]()
        for h in hidden {
            s.append(.dense(units: h, zeroInit: false))
            s.append(.activation(activation))
            if dropout > 0 { s.append(.dropout(rate: dropout)) }
        }
        s.append(.dense(units: nil, zeroInit: false))
        return try NeuralNetwork(kind: .mlp, specs: s, options: options)
    }

    /// A small CNN: for each entry of `channels`, conv(k×k, 'same' padding) → activation →
    /// pool(poolSize × poolSize, stride poolStride, by default the size: non-overlapping windows);
    /// then flatten, the hidden dense layers (with dropout) and the output layer.
    public static func cnn(channels: [Int], kernel: Int = 3, pool: Pool2D.Kind = .max, poolSize: Int = 2, poolStride: Int? = nil,
                           hidden: [Int] = [128], activation: ActivationKind = .relu, dropout: Double = 0, inputShape: [Int]? = nil,
                           options: TrainingOptions) throws -> NeuralNetwork {
        let stride = poolStride ?? poolSize
        guard poolSize >= 1, stride >= 1 else { throw PrivLabError.invalidArgument("cnn: pool size and stride must be at least 1") }
        guard !channels.isEmpty, channels.allSatisfy({ $0 >= 1 }) else {
            throw PrivLabError.invalidArgument("cnn needs at least one convolution with at least 1 channel")
        }
        guard kernel >= 1, kernel % 2 == 1 else { throw PrivLabError.invalidArgument("cnn kernel must be odd (for 'same' padding)") }
        var s = [LayerSpec]()
        for ch in channels {
            s.append(.conv2d(filters: ch, kernel: kernel, stride: 1, padding: kernel / 2))
            s.append(.activation(activation))
            s.append(pool == .max ? .maxPool(size: poolSize, stride: stride) : .avgPool(size: poolSize, stride: stride))
        }
        s.append(.flatten)
        for h in hidden {
            s.append(.dense(units: h, zeroInit: false))
            s.append(.activation(activation))
            if dropout > 0 { s.append(.dropout(rate: dropout)) }
        }
        s.append(.dense(units: nil, zeroInit: false))
        return try NeuralNetwork(kind: .cnn, specs: s, options: options, inputShape: inputShape)
    }

    /// A recurrent network: `layers` stacked recurrent layers of `hidden` units over records of
    /// `steps` × features (every layer but the last passes all its steps on; the last passes its
    /// last hidden state, or all of them with `allSteps`), then the `head` dense layers and the
    /// output layer.
    public static func rnn(cell: RecurrentCellKind, hidden: Int, layers: Int = 1, steps: Int, allSteps: Bool = false,
                           head: [Int] = [], activation: ActivationKind = .relu, dropout: Double = 0,
                           options: TrainingOptions) throws -> NeuralNetwork {
        guard hidden >= 1, layers >= 1, steps >= 1 else {
            throw PrivLabError.invalidArgument("rnn needs hidden ≥ 1, layers ≥ 1 and steps ≥ 1")
        }
        guard head.allSatisfy({ $0 >= 1 }) else { throw PrivLabError.invalidArgument("rnn: head layer widths must be at least 1") }
        var s = (0..<layers).map { l in
            LayerSpec.recurrent(cell: cell, hidden: hidden, steps: steps, sequences: l < layers - 1 || allSteps)
        }
        for h in head {
            s.append(.dense(units: h, zeroInit: false))
            s.append(.activation(activation))
            if dropout > 0 { s.append(.dropout(rate: dropout)) }
        }
        s.append(.dense(units: nil, zeroInit: false))
        return try NeuralNetwork(kind: .rnn, specs: s, options: options)
    }

    /// The steps the first layer reads each record as, for recurrent networks.
    var recurrentSteps: Int? {
        if case .recurrent(_, _, let steps, _)? = specs.first { return steps }
        return nil
    }

    public var isFitted: Bool { !layers.isEmpty }
    public var releaseTemperature: Double { options.inferenceTemperature }
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    /// The layers training visits on the way back (below them, everything is frozen).
    public var trainedLayers: ArraySlice<Layer> { layers[frozen.firstTrained...] }
    /// The parameters the optimizer updates (the frozen layers' are left out).
    public var trainedParameters: [Parameter] { trainedLayers.flatMap(\.parameters) }
    public var trainedParameterCount: Int { isFitted ? trainedParameters.reduce(0) { $0 + $1.value.count } : 0 }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
    var isConvolutional: Bool {
        specs.contains { if case .conv2d = $0 { return true }; if case .maxPool = $0 { return true }; if case .avgPool = $0 { return true }; return false }
    }

    public var summary: String {
        let o = options
        var parts = [String]()
        if kind != .softmax { parts.append(specs.map(\.summary).joined(separator: "→")) }
        if let p = pretrained { parts.append("first \(p.layers) layer\(p.layers == 1 ? "" : "s") from \(p.source) [\(p.digest.prefix(8))]") }
        if frozen.count > 0 { parts.append("frozen=\(frozen.count)") }
        parts.append(o.optimizer == .adam ? "adam lr=\(formatCompact(o.learningRate))" : "sgd lr=\(formatCompact(o.learningRate))")
        if o.momentum > 0 && o.optimizer == .sgd { parts.append("momentum=\(formatCompact(o.momentum))") }
        // A continued model went through more than one fit's epochs: the summary says so.
        parts.append(epochsTrained > o.epochs ? "epochs=\(o.epochs) (\(epochsTrained) trained in all)" : "epochs=\(o.epochs)")
        parts.append("batch=\(o.batchSize)")
        if o.l1 > 0 { parts.append("l1=\(formatCompact(o.l1))") }
        if o.l2 > 0 { parts.append("l2=\(formatCompact(o.l2))") }
        if o.temperature != 1 { parts.append("T=\(formatCompact(o.temperature))") }
        if o.labelSmoothing > 0 { parts.append("smoothing=\(formatCompact(o.labelSmoothing))") }
        if let p = o.patience { parts.append("patience=\(p)") }
        if let d = o.dp {
            let noise = d.noise.map { "σ=\(formatCompact($0))" } ?? "ε=\(formatCompact(d.targetEpsilon ?? 0))"
            parts.append("dp(C=\(formatCompact(d.clip))\(d.perLayer == true ? " per layer" : ""), \(noise), δ=\(formatCompact(d.delta)), \(d.sampling.rawValue)"
                         + (d.physicalBatch.map { ", physical batch \($0)" } ?? "") + ")")
        }
        parts.append("seed=\(o.seed)")
        let name = kind == .softmax ? "softmax regression" : kind.rawValue
        return "\(name) (\(parts.joined(separator: ", ")))"
    }

    /// An untrained copy of the configuration — kind, layers, training options, input shape — and
    /// nothing the model learnt or went through: no parameters, no history. Shadow models are
    /// such clones, so each trains the configured `options.epochs`; a model continued with
    /// `fineTune` (`fit(ds, {continue = true})`) went through more (`epochsTrained`), which a
    /// shadow meant to mimic it must be given explicitly.
    public func cloneUntrained() throws -> Classifier {
        try NeuralNetwork(kind: kind, specs: specs, options: options, inputShape: inputShapeHint, pretrained: pretrained)
    }

    /// The shape each example of `ds` has for this network.
    func exampleShape(for ds: Dataset) throws -> [Int] {
        if let s = inputShapeHint {
            if let p = pretrained, s.reduce(1, *) != ds.featureCount {
                throw PrivLabError.shape("transfer: the pretrained layers (\(p.source)) read records of \(s.reduce(1, *)) values (shape \(s)), the data has \(ds.featureCount) features")
            }
            guard s.reduce(1, *) == ds.featureCount else {
                throw PrivLabError.shape("input shape \(s) does not hold the data's \(ds.featureCount) features")
            }
            return s
        }
        if isConvolutional {
            guard let s = ds.imageShape else {
                throw PrivLabError.invalidArgument("\(kind.rawValue): convolutions need image data (a dataset with an image shape) or input_shape = {channels, height, width}")
            }
            return s
        }
        return [ds.featureCount]
    }

    /// (Re)creates the layers for this input shape and class count, with freshly initialised parameters.
    public func build(inputShape shape: [Int], classes k: Int) throws {
        if let e = estimatedTrainingBytes(inputShape: shape, classes: k, batch: options.batchSize) {
            try MemoryBudget.check(e.bytes, "this \(kind) (\(formatCompact(e.parameters)) parameters) trained at batch \(options.batchSize)")
        }
        var rng = RNG.stream(seed: options.seed, index: 0)
        var built = [Layer]()
        var s = shape
        for spec in specs {
            let l = try spec.build(inputShape: s, classes: k, rng: &rng)
            built.append(l)
            s = l.outputShape
        }
        try pretrained?.apply(to: built, inputShape: shape)
        // Nothing below the first trained layer needs ∂loss/∂input (frozen or the data).
        for l in built[...frozen.firstTrained] { l.needsInputGradient = false }
        layers = built
        classes = k
        inputShape = shape
        history = []
        bestEpoch = nil
        privacy = nil
    }

    /// Logits for a batch (training mode runs dropout and caches activations for `backward`).
    /// `from` skips the first layers: `x` is then the output of `layers[from - 1]` (the trainer
    /// feeds the frozen part's cached output this way).
    public func forward(_ x: Matrix, _ ctx: inout ForwardContext, from: Int = 0) throws -> Matrix {
        var a = x
        for l in layers[from...] { try l.forward(&a, &ctx) }
        return a
    }

    /// Back-propagates ∂loss/∂logits through the trained layers (all of them unless some are
    /// frozen), setting their parameters' gradients; returns ∂loss/∂input when the first layer
    /// computes it (`layers[0].needsInputGradient`, no frozen layers).
    @discardableResult
    public func backward(_ g: Matrix) throws -> Matrix {
        var d = g
        for l in trainedLayers.reversed() { try l.backward(&d) }
        return d
    }

    /// Back-propagates and applies a plain SGD step layer by layer (no gradient buffers).
    public func backwardApplyingSGD(_ g: Matrix, learningRate lr: Float) throws {
        var d = g
        for l in trainedLayers.reversed() { try l.backwardApplyingSGD(&d, learningRate: lr) }
    }

    /// The output of the frozen part (`layers[0..<frozen.firstTrained]`) for every row of `x`, in
    /// inference mode, by evaluation batches — what `forward(_:_:from:)` continues from.
    func frozenOutput(_ x: Matrix) throws -> Matrix {
        let end = frozen.firstTrained
        let width = end == 0 ? x.cols : layers[end - 1].outputShape.reduce(1, *)
        var out = Matrix(rows: x.rows, cols: width)
        var ctx = ForwardContext(training: false, rng: RNG(seed: 0))
        var start = 0
        while start < x.rows {
            let stop = min(start + evaluationBatch, x.rows)
            var a = x.rows(Array(start..<stop))
            for l in layers[..<end] { try l.forward(&a, &ctx) }
            out.data.replaceSubrange((start * width)..<(stop * width), with: a.data)
            start = stop
        }
        return out
    }

    /// Parameter values, for snapshots (early stopping, checkpoints).
    public func parameterValues() -> [[Float]] { parameters.map(\.value.data) }

    public func parameterVector() throws -> [Float] {
        guard isFitted else { throw PrivLabError.invalidArgument("the model is not fitted yet: call fit first") }
        return parameterValues().flatMap { $0 }
    }

    public func setParameterValues(_ v: [[Float]]) throws {
        let ps = parameters
        guard v.count == ps.count, zip(v, ps).allSatisfy({ $0.count == $1.value.count }) else {
            throw PrivLabError.shape("parameter snapshot does not match the network")
        }
        for (p, x) in zip(ps, v) { p.value.data = x }
    }

    private func checkInput(_ x: Matrix) throws {
        guard isFitted else { throw PrivLabError.invalidArgument("the model is not fitted yet: call fit first") }
        guard x.cols == inputShape.reduce(1, *) else {
            if let steps = recurrentSteps {
                throw PrivLabError.shape("this recurrent model reads records of \(steps) steps × \(inputShape.reduce(1, *) / steps) features = \(inputShape.reduce(1, *)) values, got \(x.cols)")
            }
            throw PrivLabError.shape("the model expects \(inputShape.reduce(1, *)) features, got \(x.cols)")
        }
    }

    /// Rows per evaluation batch: bounded so im2col buffers stay small.
    var evaluationBatch: Int { isConvolutional || recurrentSteps != nil ? 256 : 2048 }

    public func logits(_ x: Matrix) throws -> Matrix {
        try checkInput(x)
        var out = Matrix(rows: x.rows, cols: classes)
        var ctx = ForwardContext(training: false, rng: RNG(seed: 0))
        var start = 0
        while start < x.rows {
            let end = min(start + evaluationBatch, x.rows)
            let part = start == 0 && end == x.rows ? x : x.rows(Array(start..<end))
            let z = try forward(part, &ctx)
            out.data.replaceSubrange((start * classes)..<(end * classes), with: z.data)
            start = end
        }
        return out
    }

    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix {
        Softmax.probabilities(try logits(x), temperature: Float(temperature))
    }

    public func predict(_ x: Matrix) throws -> [Int] { try logits(x).argmaxRows() }

    public func accuracy(_ ds: Dataset) throws -> Double {
        guard ds.size > 0 else { throw PrivLabError.invalidArgument("accuracy: the dataset is empty") }
        return try Metrics.accuracy(ds.labels, predict(ds.features))
    }

    /// −log softmax(z/T)[y] per record at the inference temperature.
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] {
        let lp = Softmax.logProbabilities(try logits(ds.features), temperature: Float(options.inferenceTemperature))
        if let bad = ds.labels.first(where: { $0 >= classes }) {
            throw PrivLabError.invalidArgument("loss: label \(bad) is outside the \(classes) classes the model was trained on")
        }
        return ds.labels.enumerated().map { -Double(lp[$0.offset, $0.element]) }
    }

    /// ‖∇_θ loss(x, y)‖ per record at the current parameters (dropout off): the white-box signal of
    /// gradient-based membership inference (members sit where the loss surface is flat). Computed
    /// by the same per-example book-keeping DP-SGD clips with.
    public var whiteBox: WhiteBoxModel? { self }

    public func inputWeightPositions(feature: Int) -> [Int]? {
        // Shape-only layers (flatten, dropout) may come first; the dense weight is fan-in × units,
        // row-major, and it is the first parameter of the vector.
        guard let first = layers.firstIndex(where: { !$0.parameters.isEmpty }), let dense = layers[first] as? Dense,
              layers[..<first].allSatisfy({ $0 is Flatten || $0 is Dropout }) else { return nil }
        let units = dense.weight.value.cols
        guard feature >= 0, feature < dense.weight.value.rows else { return nil }
        return (0..<units).map { feature * units + $0 }
    }

    public func perRecordGradientNorms(_ ds: Dataset) throws -> [Double] {
        guard isFitted else { throw PrivLabError.invalidArgument("the model is not fitted yet: call fit first") }
        guard ds.featureCount == inputShape.reduce(1, *) else {
            throw PrivLabError.shape("the model expects \(inputShape.reduce(1, *)) features, got \(ds.featureCount)")
        }
        if let bad = ds.labels.first(where: { $0 >= classes }) {
            throw PrivLabError.invalidArgument("gradient norms: label \(bad) is outside the \(classes) classes the model was trained on")
        }
        let loss = SoftmaxCrossEntropy(temperature: options.temperature, labelSmoothing: options.labelSmoothing)
        var out = [Double]()
        out.reserveCapacity(ds.size)
        var ctx = ForwardContext(training: true, rng: RNG(seed: 0), dropout: false)
        var start = 0
        while start < ds.size {
            let end = min(start + min(evaluationBatch, 512), ds.size)
            let idx = Array(start..<end)
            let z = try forward(ds.features.rows(idx), &ctx)
            var g = loss.lossAndGradient(z, idx.map { ds.labels[$0] }, normalizer: 1).grad
            for l in layers.reversed() { try l.backwardKeepingOutputGradient(&g) }
            var norms = [Float](repeating: 0, count: idx.count)
            for l in layers { try l.addPerExampleSquaredNorms(&norms) }
            out += norms.map { Double($0).squareRoot() }
            start = end
        }
        return out
    }

    public func meanLoss(_ ds: Dataset) throws -> Double {
        let l = try perRecordLoss(ds)
        return l.reduce(0, +) / Double(max(l.count, 1))
    }

    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset? = nil, observer: TrainingObserver = TrainingObserver()) throws -> [EpochRecord] {
        try NetworkTrainer(network: self).fit(train, validation: validation, observer: observer)
    }

    /// Trains with hooks: soft targets, an extra loss term on the logits, per-step callbacks
    /// (distillation and adversarial regularisation plug in here; see `TrainingHooks`).
    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset? = nil, hooks: TrainingHooks,
                    observer: TrainingObserver = TrainingObserver()) throws -> [EpochRecord] {
        var trainer = NetworkTrainer(network: self)
        trainer.hooks = hooks
        return try trainer.fit(train, validation: validation, observer: observer)
    }

    /// Trains one stage of incremental training (see `TrainingStage`), with training hooks if
    /// given (e.g. `afterStep` to count the updates a fractional stage makes).
    @discardableResult
    public func fit(_ train: Dataset, stage: TrainingStage, hooks: TrainingHooks = TrainingHooks(),
                    observer: TrainingObserver = TrainingObserver()) throws -> [EpochRecord] {
        var trainer = NetworkTrainer(network: self, stage: stage)
        trainer.hooks = hooks
        return try trainer.fit(train, validation: nil, observer: observer)
    }

    public func fitStage(_ data: Dataset, stage: TrainingStage) throws { try fit(data, stage: stage) }
    public var trainingEpochs: Int { options.epochs }
    public var trainsPrivately: Bool { options.dp != nil }

    /// Kind, layers, training options and input shape, as sorted-key JSON.
    public var configurationIdentity: String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let s = (try? enc.encode(specs)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let o = (try? enc.encode(options)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return "\(kind)|\(s)|\(o)|\(inputShapeHint ?? [])" + (pretrained.map { "|pretrained \($0.layers) \($0.digest)" } ?? "")
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard isFitted else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        let values = parameterValues()
        for v in values { floats += v }
        // The starting values after the parameters, so that a reloaded model's untrained clones
        // (shadow models, SISA shards) start from the same extractor.
        for v in pretrained?.values ?? [] { floats += v }
        return .network(.init(kind: kind, specs: specs, options: options, inputShapeHint: inputShapeHint,
                              inputShape: inputShape, classes: classes, history: history, bestEpoch: bestEpoch,
                              parameterCounts: values.map(\.count), privacy: privacy, pretrained: pretrained?.stored))
    }

    /// A copy with the current parameters, history and changed training options (fine-tuning with
    /// other settings, e.g. DP after public pre-training).
    public func withTrainingOptions(_ change: (inout TrainingOptions) -> Void) throws -> NeuralNetwork {
        var o = options
        change(&o)
        let n = try NeuralNetwork(kind: kind, specs: specs, options: o, inputShape: inputShapeHint, pretrained: pretrained)
        if isFitted {
            try n.build(inputShape: inputShape, classes: classes)
            try n.setParameterValues(parameterValues())
            // The same model so far: it keeps what it went through (further fits continue it), and
            // its weights carry what training them spent.
            n.setHistory(history, bestEpoch: bestEpoch)
            n.setPrivacy(privacy)
        }
        return n
    }

    /// A copy with the same architecture and options but another seed, untrained.
    /// The attacker's copy (shadow and reference models): re-seeded, and — for a model continued
    /// with `fit(ds, {continue = true})` — trained for every epoch the model went through
    /// (`epochsTrained`, with its current options), so that a shadow of a model trained 30 epochs
    /// in two runs does not train 15. `cloneUntrained` copies the configuration alone.
    public func reseededClone(seed: UInt64) throws -> Classifier {
        try reseeded(seed, epochs: max(options.epochs, epochsTrained))
    }

    public func fineTune(_ data: Dataset, dp: DPOptions?, observer: TrainingObserver) throws -> (model: Classifier, history: [EpochRecord]) {
        guard isFitted else { throw PrivLabError.invalidArgument("fine-tuning (continue = true) needs a fitted model: call fit first") }
        let n = dp.map { d in try? withTrainingOptions { $0.dp = d } } ?? self
        guard let tuned = n else { throw PrivLabError.invalidArgument("fine-tuning: the DP options do not fit this model") }
        // Its own random streams (batch order, dropout, noise), distinct from the first fit's.
        let hist = try tuned.fit(data, stage: TrainingStage(epochs: Double(tuned.options.epochs), seed: tuned.options.seed &+ 0x9E37, warmStart: true),
                                 observer: observer)
        return (tuned, hist)
    }

    public func reseeded(_ seed: UInt64, epochs: Int? = nil) throws -> NeuralNetwork {
        var o = options
        o.seed = seed
        if let e = epochs { o.epochs = e }
        return try NeuralNetwork(kind: kind, specs: specs, options: o, inputShape: inputShapeHint, pretrained: pretrained)
    }

    func setHistory(_ h: [EpochRecord], bestEpoch: Int?) {
        history = h
        self.bestEpoch = bestEpoch
    }
}
