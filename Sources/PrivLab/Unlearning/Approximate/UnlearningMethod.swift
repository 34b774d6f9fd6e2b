import Foundation

/// A way to make a trained model forget records: given the model (trained on forget ∪ retain), the
/// records to forget and the records to keep, a model that behaves as if trained without the
/// forgotten ones — exactly (retraining, SISA) or approximately (fine-tuning, gradient ascent,
/// NegGrad+, random labels, SCRUB, SalUn). One protocol, so one evaluation (`UnlearningEvaluation`,
/// U-LiRA's shadows) runs every method the same way.
public protocol UnlearningMethod {
    /// The method's short name in tables ("FT", "GA", "NegGrad+", …).
    var name: String { get }
    /// A model that has forgotten `forget`. Every random choice comes from `seed`. The model
    /// passed is left untouched (approximate methods work on a copy), except where a method says
    /// otherwise (SISA unlearns its ensemble in place, as `SISAEnsemble.unlearn` does).
    func unlearn(_ model: Classifier, forget: Dataset, retain: Dataset, seed: UInt64) throws -> Classifier
}

/// An approximate method: one that optimises a copy of the trained network on a schedule.
public protocol ScheduledUnlearning: UnlearningMethod {
    /// How long, how fast and with which update rule the copy is trained.
    var schedule: UnlearningSchedule { get set }
}

/// The optimisation every approximate method shares: how long, how fast, in what batches, with
/// which update rule — applied to a copy of the trained network that starts from its weights.
public struct UnlearningSchedule: Sendable, Equatable {
    public var epochs: Int
    public var learningRate: Double
    /// Records per batch; nil takes the model's own batch size.
    public var batchSize: Int? = nil
    public var optimizer: OptimizerKind = .sgd
    public var momentum = 0.0
    /// Coupled weight decay λ·w on the weights (the options' l2, as torch's weight_decay).
    public var weightDecay = 0.0

    public init(epochs: Int, learningRate: Double) {
        self.epochs = epochs
        self.learningRate = learningRate
    }

    func validate(_ method: String) throws {
        func check(_ ok: Bool, _ msg: String) throws { if !ok { throw PrivLabError.invalidArgument("\(method): \(msg)") } }
        try check(epochs >= 1, "epochs must be at least 1")
        try check(learningRate.isFinite && learningRate > 0, "lr must be a positive number")
        if let b = batchSize { try check(b >= 1, "batch must be at least 1") }
        try check(momentum >= 0 && momentum < 1, "momentum must be in [0, 1)")
        try check(weightDecay.isFinite && weightDecay >= 0, "weight_decay must be non-negative")
    }

    /// A copy of `net` (its current weights) that trains with this schedule and no DP, early
    /// stopping, validation split or learning-rate schedule: the original stays as it is.
    func copy(of net: NeuralNetwork, learningRate lr: Double? = nil) throws -> NeuralNetwork {
        try net.withTrainingOptions { o in
            o.epochs = epochs
            o.learningRate = lr ?? learningRate
            o.batchSize = batchSize ?? o.batchSize
            o.optimizer = optimizer
            o.momentum = momentum
            o.nesterov = false
            o.l1 = 0
            o.l2 = weightDecay
            o.schedule = .constant
            o.patience = nil
            o.validationSplit = nil
            o.dp = nil
            o.fusion = nil
        }
    }
}

/// The checks every method makes before touching a model.
enum UnlearningInputs {
    /// The trained network behind `model`, after checking the forget and retain sets against it:
    /// non-empty forget set (and retain set when `needsRetain`), the model's features, disjoint ids.
    /// A network does not remember which records it trained on, so that forget ⊂ training data
    /// cannot be checked here (SISA, which does remember, checks it).
    static func network(_ method: String, _ model: Classifier, forget: Dataset, retain: Dataset, needsRetain: Bool = true) throws -> NeuralNetwork {
        guard let net = model as? NeuralNetwork else {
            throw PrivLabError.invalidArgument("\(method): the model must be a neural network (pl.softmax, pl.mlp, pl.cnn, pl.rnn), got \(model.summary)")
        }
        guard net.isFitted else { throw PrivLabError.invalidArgument("\(method): the model is not trained: fit it first") }
        try check(method, features: net.inputShape.reduce(1, *), forget: forget, retain: retain, needsRetain: needsRetain)
        return net
    }

    /// The data checks alone (for methods on other models).
    static func check(_ method: String, features: Int?, forget: Dataset, retain: Dataset, needsRetain: Bool = true) throws {
        guard forget.size > 0 else { throw PrivLabError.invalidArgument("\(method): the forget set is empty") }
        if needsRetain { guard retain.size > 0 else { throw PrivLabError.invalidArgument("\(method): the retain set is empty") } }
        for (d, what) in [(forget, "forget"), (retain, "retain")] where d.size > 0 {
            if let f = features, d.featureCount != f {
                throw PrivLabError.shape("\(method): the \(what) set has \(d.featureCount) features, the model takes \(f)")
            }
            try d.checkFinite()
        }
        if let both = Set(forget.ids).intersection(retain.ids).min() {
            throw PrivLabError.invalidArgument("\(method): record id \(both) is in both the forget and the retain set")
        }
    }

    /// One warm-started stage of training on `data` (see `TrainingStage`): the copy continues
    /// from its weights with random streams from `seed`.
    static func train(_ net: NeuralNetwork, _ data: Dataset, epochs: Int, seed: UInt64, hooks: TrainingHooks = TrainingHooks()) throws {
        try net.fit(data, stage: TrainingStage(epochs: Double(epochs), seed: seed, warmStart: true), hooks: hooks)
    }
}
