/// Named extension points of network training, for techniques that change what a step optimises
/// without editing the loop: distillation (soft targets), adversarial regularisation (an extra
/// term on the logits plus an inner maximisation after each step), and anything per step.
///
/// Every hook sees the batch by record id (stable through splits), so a technique can keep its own
/// per-record state. Hooks run on the training thread, between the forward and backward passes
/// (`logitTerm`) or after the update (`afterStep`); with no hooks set, training is bit-identical
/// to training without them.
public struct TrainingHooks {
    /// Soft targets: a probability vector (one per class) for each training record, by record id.
    /// Training minimises the cross-entropy of softmax(z / T) against them (T: the options'
    /// temperature; label smoothing, if set, is applied on top), as knowledge distillation does
    /// (Hinton et al. 2015, §2). Records without a vector are an error.
    public var softTargets: [Int: [Float]]?

    /// An extra loss term on the batch's logits: given the batch's record ids, the logits and the
    /// normaliser the loss gradient is divided by, returns the term's summed value and its gradient
    /// with respect to the logits (batch × classes, already divided by the normaliser), which is
    /// added to the loss gradient before the backward pass — DP clipping included.
    public var logitTerm: ((_ ids: [Int], _ logits: Matrix, _ normalizer: Int) throws -> (loss: Double, gradient: Matrix))?

    /// Called after every parameter update with the update's number (1, 2, …) in this fit.
    public var afterStep: ((_ step: Int) throws -> Void)?

    public init(softTargets: [Int: [Float]]? = nil,
                logitTerm: ((_ ids: [Int], _ logits: Matrix, _ normalizer: Int) throws -> (loss: Double, gradient: Matrix))? = nil,
                afterStep: ((_ step: Int) throws -> Void)? = nil) {
        self.softTargets = softTargets
        self.logitTerm = logitTerm
        self.afterStep = afterStep
    }

    /// Whether any hook is set.
    var isEmpty: Bool { softTargets == nil && logitTerm == nil && afterStep == nil }
}
