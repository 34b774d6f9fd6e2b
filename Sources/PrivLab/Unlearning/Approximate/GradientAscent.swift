/// Gradient ascent (GA): training on the forget set with the loss's sign flipped, pushing the
/// forgotten records' loss up (Thudi et al. 2022; SalUn's `unlearn/GA.py`: loss = −CE on the forget
/// loader). Through the trainer as a label weight of −1 on every forgotten record. Defaults from
/// SalUn's `arg_parser.py` (`--unlearn_lr 0.01`, `--unlearn_epochs 10`) — with so few records this
/// is few updates, and GA's known weakness is that more of them wreck the retained accuracy.
public struct GradientAscent: ScheduledUnlearning {
    public var schedule = UnlearningSchedule(epochs: 10, learningRate: 0.01)
    public var name: String { "GA" }
    public init() {}

    public func unlearn(_ model: Classifier, forget: Dataset, retain: Dataset, seed: UInt64) throws -> Classifier {
        let net = try UnlearningInputs.network("unlearn.gradient_ascent", model, forget: forget, retain: retain, needsRetain: false)
        try schedule.validate("unlearn.gradient_ascent")
        let copy = try schedule.copy(of: net)
        var hooks = TrainingHooks()
        hooks.labelWeights = Dictionary(uniqueKeysWithValues: forget.ids.map { ($0, Float(-1)) })
        try UnlearningInputs.train(copy, forget, epochs: schedule.epochs, seed: seed, hooks: hooks)
        return copy
    }
}
