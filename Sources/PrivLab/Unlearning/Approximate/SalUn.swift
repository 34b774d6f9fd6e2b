/// SalUn (Fan et al., ICLR 2024, §4; OPTML-Group/Unlearn-Saliency): random-label unlearning
/// (`RandomLabels`) that updates only the salient weights — the `maskRatio` share with the
/// largest |∇ forget loss| (`SaliencyMask`); after every update the others are put back to their
/// trained values, as the reference's `_restore_masked_params` does. Defaults from the README's
/// CIFAR-10 command: lr 0.013, 10 epochs, mask `with_0.5.pt` (ratio 0.5).
public struct SalUn: ScheduledUnlearning {
    public var schedule = UnlearningSchedule(epochs: 10, learningRate: 0.013)
    public var maskRatio = 0.5
    public var name: String { "SalUn" }
    public init() {}

    public func unlearn(_ model: Classifier, forget: Dataset, retain: Dataset, seed: UInt64) throws -> Classifier {
        let net = try UnlearningInputs.network("unlearn.salun", model, forget: forget, retain: retain)
        try schedule.validate("unlearn.salun")
        let copy = try schedule.copy(of: net)
        let mask = try SaliencyMask(network: copy, forget: forget, batchSize: copy.options.batchSize, ratio: maskRatio)
        let theta0 = copy.parameterValues()
        var hooks = TrainingHooks()
        hooks.afterStep = { _ in mask.restore(copy, to: theta0) }
        try UnlearningInputs.train(copy, try RandomLabels.relabelled(forget, classes: net.classes, seed: seed).concatenated(retain),
                                   epochs: schedule.epochs, seed: seed, hooks: hooks)
        return copy
    }
}
