/// Fine-tuning (FT): continue training on the retained records only, so that the forgotten ones
/// fade by catastrophic forgetting (Golatkar et al. 2020's baseline; Jia et al. 2023 and Fan et al.
/// 2024 call it FT). Defaults from SCRUB's `small_scale_unlearning.ipynb` (`finetune`): 10 epochs
/// of plain SGD at lr 0.01.
public struct FineTuning: ScheduledUnlearning {
    public var schedule = UnlearningSchedule(epochs: 10, learningRate: 0.01)
    public var name: String { "FT" }
    public init() {}

    public func unlearn(_ model: Classifier, forget: Dataset, retain: Dataset, seed: UInt64) throws -> Classifier {
        let net = try UnlearningInputs.network("unlearn.finetune", model, forget: forget, retain: retain)
        try schedule.validate("unlearn.finetune")
        let copy = try schedule.copy(of: net)
        try UnlearningInputs.train(copy, retain, epochs: schedule.epochs, seed: seed)
        return copy
    }
}
