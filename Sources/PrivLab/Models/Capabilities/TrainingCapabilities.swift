/// A model whose training loop takes hooks — soft targets, an extra loss term on the logits,
/// per-step callbacks, a custom private step (`TrainingHooks`): the extension point distillation
/// (DMP, SELENA), adversarial regularisation, gradient canaries and approximate unlearning plug
/// into. Networks, and pipelines ending in one.
public protocol HookTrainable: Classifier {
    @discardableResult
    func fit(_ train: Dataset, validation: Dataset?, hooks: TrainingHooks, observer: TrainingObserver) throws -> [EpochRecord]
}

/// A model that can continue training from its current parameters for its epochs (fine-tuning,
/// e.g. private fine-tuning after public pre-training), with other DP settings when `dp` is given.
public protocol FineTunable: Classifier {
    /// Returns the model that holds the result (this one, or a copy with the new training options)
    /// and the run's history. A private run's statement composes with the model's earlier private
    /// runs; earlier training without DP is not counted, and the statement's note says so.
    func fineTune(_ data: Dataset, dp: DPOptions?, observer: TrainingObserver) throws -> (model: Classifier, history: [EpochRecord])
}

extension Classifier {
    /// This model's training hooks, or the error every hook user gives for a model without them
    /// (`what` names the hook's user).
    public func requireHooks(_ what: String = "") throws -> HookTrainable {
        guard let h = self as? HookTrainable else {
            throw PrivLabError.invalidArgument("\(what.isEmpty ? "" : "\(what): ")\(summary) cannot be trained on soft labels, extra loss terms or gradient canaries (a softmax, MLP or CNN can, or a pipeline ending in one)")
        }
        return h
    }

}
