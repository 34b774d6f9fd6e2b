/// Random labels (RL): the forgotten records get labels drawn uniformly at random from the classes
/// (possibly their own, as `torch.randint(0, num_classes)` in SalUn's `unlearn/RL.py`) and the
/// model is fine-tuned on them together with the retained records (Golatkar et al. 2020; SalUn's
/// RL, the variant that concatenates the relabelled forget set with the retain set). Where we
/// chose: labels are drawn once per call (SalUn redraws them each epoch); the draw comes from
/// `seed`'s stream 11. Defaults from SalUn's `arg_parser.py` (lr 0.01, 10 epochs).
public struct RandomLabels: ScheduledUnlearning {
    public var schedule = UnlearningSchedule(epochs: 10, learningRate: 0.01)
    public var name: String { "RL" }
    public init() {}

    public func unlearn(_ model: Classifier, forget: Dataset, retain: Dataset, seed: UInt64) throws -> Classifier {
        let net = try UnlearningInputs.network("unlearn.random_labels", model, forget: forget, retain: retain)
        try schedule.validate("unlearn.random_labels")
        let copy = try schedule.copy(of: net)
        try UnlearningInputs.train(copy, try Self.relabelled(forget, classes: net.classes, seed: seed).concatenated(retain),
                                   epochs: schedule.epochs, seed: seed)
        return copy
    }

    /// `forget` with every label replaced by one drawn uniformly from 0..<classes.
    static func relabelled(_ forget: Dataset, classes: Int, seed: UInt64) throws -> Dataset {
        var rng = RNG.stream(seed: seed, index: 11)
        var d = forget
        d.labels = forget.labels.map { _ in rng.int(below: classes) }
        d.classes = max(d.classes, classes)
        return d
    }
}
