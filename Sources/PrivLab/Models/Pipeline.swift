/// scikit-learn's Pipeline idea: scalers fitted in turn on the training data, then a classifier on
/// the transformed data; at prediction time the same (already fitted) transforms run first. A
/// pipeline is a `Classifier` itself, so it goes wherever a model goes.
public final class Pipeline: Classifier {
    public private(set) var scalers: [Scaler]
    public let model: Classifier

    public init(scalers: [Scaler], model: Classifier) {
        self.scalers = scalers
        self.model = model
    }

    /// Restores a fitted pipeline (model files).
    init(fittedScalers: [Scaler], model: Classifier) {
        scalers = fittedScalers
        self.model = model
    }

    public var summary: String {
        (scalers.map { "\($0.kind.rawValue) scaler" } + [model.summary]).joined(separator: " → ")
    }
    public var isFitted: Bool { model.isFitted && scalers.allSatisfy(\.isFitted) }
    public var parameterCount: Int { model.parameterCount }
    public var history: [EpochRecord] { model.history }
    public var releaseTemperature: Double { model.releaseTemperature }
    public var privacy: PrivacyReport? { model.privacy }
    public var isWhiteBox: Bool { model.isWhiteBox }
    public func perRecordGradientNorms(_ ds: Dataset) throws -> [Double] { try model.perRecordGradientNorms(try transform(ds)) }

    /// Fresh scalers and a reseeded model.
    public func parameterVector() throws -> [Float] { try model.parameterVector() }
    public func reseededClone(seed: UInt64) throws -> Classifier {
        Pipeline(scalers: scalers.map { Scaler(kind: $0.kind) }, model: try model.reseededClone(seed: seed))
    }

    /// Fine-tunes the model on the data as the fitted scalers transform it (the scalers stay).
    public func fineTune(_ data: Dataset, dp: DPOptions?, observer: TrainingObserver) throws -> (model: Classifier, history: [EpochRecord]) {
        guard isFitted else { throw PrivLabError.invalidArgument("fine-tuning (continue = true) needs a fitted pipeline: call fit first") }
        let (tuned, hist) = try model.fineTune(try transform(data), dp: dp, observer: observer)
        return (tuned === model ? self : replacingModel(tuned), hist)
    }

    public func transform(_ x: Matrix) throws -> Matrix {
        var out = x
        for s in scalers { out = try s.transform(out) }
        return out
    }

    public func transform(_ ds: Dataset) throws -> Dataset {
        var d = ds
        d.features = try transform(ds.features)
        return d
    }

    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        try fit(train, validation: validation, hooks: TrainingHooks(), observer: observer)
    }

    /// Fits the scalers, then the model with the hooks (record ids, which the hooks key on, pass
    /// through the scalers unchanged).
    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, hooks: TrainingHooks, observer: TrainingObserver) throws -> [EpochRecord] {
        var x = train.features
        var fitted = [Scaler]()
        for var s in scalers {
            try s.fit(x)
            x = try s.transform(x)
            fitted.append(s)
        }
        scalers = fitted
        var t = train
        t.features = x
        return try model.fit(t, validation: try validation.map(transform), hooks: hooks, observer: observer)
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard isFitted else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        return .pipeline(scalers: scalers, model: try model.storedModel(&floats))
    }

    /// A first stage fits the scalers on its data; later stages keep them, since moving the
    /// features under a warm-started model would change what its parameters mean.
    public func fitStage(_ data: Dataset, stage: TrainingStage) throws {
        if stage.warmStart {
            try model.fitStage(try transform(data), stage: stage)
            return
        }
        var x = data.features
        var fitted = [Scaler]()
        for var s in scalers {
            try s.fit(x)
            x = try s.transform(x)
            fitted.append(s)
        }
        scalers = fitted
        var t = data
        t.features = x
        try model.fitStage(t, stage: stage)
    }
    public var trainingEpochs: Int { model.trainingEpochs }
    public var trainsPrivately: Bool { model.trainsPrivately }
    public var configurationIdentity: String { "\(model.configurationIdentity)|\(scalers.map(\.kind.rawValue))" }

    public func logits(_ x: Matrix) throws -> Matrix { try model.logits(transform(x)) }
    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix { try model.predictProba(transform(x), temperature: temperature) }
    public func predict(_ x: Matrix) throws -> [Int] { try model.predict(transform(x)) }
    public func accuracy(_ ds: Dataset) throws -> Double { try model.accuracy(transform(ds)) }
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] { try model.perRecordLoss(transform(ds)) }

    /// The same fitted scalers in front of another model.
    public func replacingModel(_ m: Classifier) -> Pipeline { Pipeline(fittedScalers: scalers, model: m) }

    public func cloneUntrained() throws -> Classifier {
        Pipeline(scalers: scalers.map { Scaler(kind: $0.kind) }, model: try model.cloneUntrained())
    }
}
