import Foundation

/// scikit-learn's Pipeline: transformers (scalers, PCA, feature selection, unions) fitted in turn
/// on the training data, each on the previous one's output, then a classifier on the result; at
/// prediction time the same fitted transforms run first. A pipeline is a `Classifier` itself, so it
/// goes wherever a model goes — SISA, attacks, cross-validation (where each fold fits every step on
/// its training part only).
public final class Pipeline: Classifier, HookTrainable, FineTunable, WhiteBoxModel, PersistableModel {
    public private(set) var steps: [any Transformer]
    public let model: Classifier
    /// Whether the steps were fitted in an earlier run than the model's last one: after
    /// fine-tuning (`fit(ds, {continue = true})`) they are the pre-training's, not fitted on the
    /// data the last run used (the privacy statement then caveats them instead of voiding it).
    /// Not kept in model files: a reloaded pipeline reads its steps as fitted on its training data.
    public private(set) var stepsFittedEarlier = false

    public init(steps: [any Transformer], model: Classifier) {
        self.steps = steps.map(\.unfitted)
        self.model = model
    }

    /// Scalers, then the model.
    public convenience init(scalers: [Scaler], model: Classifier) {
        self.init(steps: scalers, model: model)
    }

    /// Restores a fitted pipeline (model files).
    init(fittedSteps: [any Transformer], model: Classifier) {
        steps = fittedSteps
        self.model = model
    }

    public var summary: String {
        (steps.map(\.name) + [model.summary]).joined(separator: " → ")
    }
    public var isFitted: Bool { model.isFitted && steps.allSatisfy(\.isFitted) }
    public var parameterCount: Int { model.parameterCount }
    public var trainedParameterCount: Int { model.trainedParameterCount }
    public var history: [EpochRecord] { model.history }
    public var releaseTemperature: Double { model.releaseTemperature }
    /// White-box exactly when the model is (the steps are fitted transforms an attacker can apply).
    public var whiteBox: WhiteBoxModel? { model.whiteBox == nil ? nil : self }
    public func perRecordGradientNorms(_ ds: Dataset) throws -> [Double] {
        try model.requireWhiteBox("gradient norms").perRecordGradientNorms(try transform(ds))
    }
    /// The steps transform the features, so no input feature has weights of its own here.
    public func inputWeightPositions(feature: Int) -> [Int]? { nil }

    public func parameterVector() throws -> [Float] {
        guard let m = model as? ParameterizedModel else {
            throw PrivLabError.invalidArgument("\(summary) gives no access to its parameters")
        }
        return try m.parameterVector()
    }
    /// Unfitted steps (private ones re-seeded) and a reseeded model.
    public func reseededClone(seed: UInt64) throws -> Classifier {
        Pipeline(steps: steps.map { $0.reseeded(seed) }, model: try model.reseededClone(seed: seed))
    }

    /// Fine-tunes the model on the data as the fitted steps transform it (the steps stay).
    public func fineTune(_ data: Dataset, dp: DPOptions?, observer: TrainingObserver) throws -> (model: Classifier, history: [EpochRecord]) {
        guard isFitted else { throw PrivLabError.invalidArgument("fine-tuning (continue = true) needs a fitted pipeline: call fit first") }
        guard let m = model as? FineTunable else {
            throw PrivLabError.invalidArgument("fine-tuning (continue = true) needs a fitted softmax/MLP/CNN (or a pipeline of one)")
        }
        let (tuned, hist) = try m.fineTune(try transform(data), dp: dp, observer: observer)
        let result = tuned === model ? self : replacingModel(tuned)
        result.stepsFittedEarlier = true
        return (result, hist)
    }

    public func transform(_ x: Matrix) throws -> Matrix {
        var out = x
        for s in steps { out = try s.transform(out) }
        return out
    }

    public func transform(_ ds: Dataset) throws -> Dataset {
        var d = ds
        for s in steps { d = try s.transform(d) }
        return d
    }

    /// Fits every step in turn on `train` as the steps before it transform it; returns the
    /// transformed training data.
    func fitSteps(_ train: Dataset) throws -> Dataset {
        var d = train
        var fitted = [any Transformer]()
        for (i, s) in steps.enumerated() {
            let f: any Transformer
            do { f = try s.unfitted.fitted(to: d) } catch {
                throw PrivLabError.invalidArgument("pipeline step \(i + 1) (\(s.name)): \(error)")
            }
            d = try f.transform(d)
            fitted.append(f)
        }
        steps = fitted
        stepsFittedEarlier = false
        return d
    }

    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        let t = try fitSteps(train)
        return try model.fit(t, validation: try validation.map(transform), observer: observer)
    }

    /// Fits the steps, then the model with the hooks (record ids, which the hooks key on, pass
    /// through the steps unchanged).
    @discardableResult
    public func fit(_ train: Dataset, validation: Dataset?, hooks: TrainingHooks, observer: TrainingObserver) throws -> [EpochRecord] {
        if hooks.isEmpty { return try fit(train, validation: validation, observer: observer) }
        let m = try model.requireHooks()
        let t = try fitSteps(train)
        return try m.fit(t, validation: try validation.map(transform), hooks: hooks, observer: observer)
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard isFitted else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        return .transformed(steps: try steps.map { try $0.stored() }, model: try model.requirePersistable("save").storedModel(&floats))
    }

    /// A first stage fits the steps on its data; later stages keep them, since moving the
    /// features under a warm-started model would change what its parameters mean.
    public func fitStage(_ data: Dataset, stage: TrainingStage) throws {
        if stage.warmStart {
            try model.fitStage(try transform(data), stage: stage)
        } else {
            try model.fitStage(try fitSteps(data), stage: stage)
        }
    }
    public var runsOnCallingThread: Bool { model.runsOnCallingThread || steps.contains { $0.runsOnCallingThread } }
    public var trainingEpochs: Int { model.trainingEpochs }
    public var trainsPrivately: Bool { model.trainsPrivately }
    public var configurationIdentity: String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let described = steps.map { s in (try? s.unfitted.stored()).flatMap { try? enc.encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? s.name }
        return "\(model.configurationIdentity)|\(described)"
    }

    public func logits(_ x: Matrix) throws -> Matrix { try model.logits(transform(x)) }
    public func predictProba(_ x: Matrix, temperature: Double) throws -> Matrix { try model.predictProba(transform(x), temperature: temperature) }
    public func predict(_ x: Matrix) throws -> [Int] { try model.predict(transform(x)) }
    public func accuracy(_ ds: Dataset) throws -> Double { try model.accuracy(transform(ds)) }
    public func perRecordLoss(_ ds: Dataset) throws -> [Double] { try model.perRecordLoss(transform(ds)) }

    /// The same fitted scalers in front of another model.
    public func replacingModel(_ m: Classifier) -> Pipeline { Pipeline(fittedSteps: steps, model: m) }

    public func cloneUntrained() throws -> Classifier {
        Pipeline(steps: steps, model: try model.cloneUntrained())
    }
}
