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

    /// The softmax temperature of this fit's loss, in place of the options' `temperature`:
    /// distillation trains the student at the temperature its soft targets were made at (Hinton et
    /// al. 2015, §2; DMP's code, `train_pub`: `log_softmax(outputs / t_softmax)`), while the model
    /// keeps answering at its own.
    public var temperature: Double?

    /// An extra loss term on the batch's logits: given the batch's record ids, the logits and the
    /// normaliser the loss gradient is divided by, returns the term's summed value and its gradient
    /// with respect to the logits (batch × classes, already divided by the normaliser), which is
    /// added to the loss gradient before the backward pass — DP clipping included.
    public var logitTerm: ((_ ids: [Int], _ logits: Matrix, _ normalizer: Int) throws -> (loss: Double, gradient: Matrix))?

    /// A weight on each record's label loss, by record id (records without one weigh 1): the
    /// step minimises Σ wᵢ·CEᵢ / normaliser plus any `logitTerm`. A negative weight ascends the
    /// record's loss (gradient ascent unlearning; NegGrad+), zero leaves only the extra term
    /// (SCRUB's max-step, whose loss is −KL alone).
    public var labelWeights: [Int: Float]?

    /// An optimizer whose state (momentum, Adam's moments and step count) carries over from fit to
    /// fit, for techniques that alternate fits sharing one optimizer, as SCRUB's max- and min-steps
    /// share one (Kurmanji et al. 2023). nil: each fit starts a fresh one from the options.
    public var optimizer: Optimizer?

    /// Called after every parameter update with the update's number (1, 2, …) in this fit.
    public var afterStep: ((_ step: Int) throws -> Void)?

    /// The first epoch of this fit that early stopping may keep as the best one (and whose lack
    /// of improvement counts against the patience); nil: every epoch. A defense whose first epochs
    /// are plain training (adversarial regularisation's warm-up) sets it so that selecting "the best
    /// epoch" cannot hand back an undefended model.
    public var firstSelectableEpoch: Int?

    /// Called once the parameters are initialised (or, when training continues, as they are),
    /// before the first update: where a white-box auditor reads θ₀.
    public var beforeFirstStep: (() throws -> Void)?

    /// Gradients inserted into DP-SGD's clipped sum at each private step, as if from extra records
    /// that are already clipped: given the step, returns sparse entries (a position in
    /// `Classifier.parameterVector()`, a value) added to the sum before the noise and divided by the
    /// expected batch size like it. This is where white-box auditing puts its gradient canaries
    /// (Nasr et al. 2021, "Dirac" gradient canaries; Steinke, Nasr & Jagielski 2023, §7): the
    /// hook draws their Poisson inclusion at `PrivateStep.sampleRate` and keeps every entry within
    /// `PrivateStep.coordinateBound`. Training without DP refuses it.
    public var insertedGradients: ((_ step: PrivateStep) throws -> [(position: Int, value: Float)])?

    /// A user-written clipping and noise replacing DP-SGD's (`CustomPrivateStep`): needs `dp`; the
    /// run is accounted only while every step matches the built-in.
    public var privateStep: (any CustomPrivateStep)?

    public init(softTargets: [Int: [Float]]? = nil,
                logitTerm: ((_ ids: [Int], _ logits: Matrix, _ normalizer: Int) throws -> (loss: Double, gradient: Matrix))? = nil,
                afterStep: ((_ step: Int) throws -> Void)? = nil,
                beforeFirstStep: (() throws -> Void)? = nil,
                insertedGradients: ((_ step: PrivateStep) throws -> [(position: Int, value: Float)])? = nil) {
        self.softTargets = softTargets
        self.logitTerm = logitTerm
        self.afterStep = afterStep
        self.beforeFirstStep = beforeFirstStep
        self.insertedGradients = insertedGradients
    }

    /// Whether any hook is set.
    var isEmpty: Bool { softTargets == nil && temperature == nil && labelWeights == nil && optimizer == nil && logitTerm == nil && afterStep == nil && firstSelectableEpoch == nil && beforeFirstStep == nil && insertedGradients == nil && privateStep == nil }
}

/// One private update, as `TrainingHooks.insertedGradients` sees it.
public struct PrivateStep: Sendable {
    /// The update's number (1, 2, …) in this fit.
    public var number: Int
    /// The Poisson sampling rate the accountant assumes for every record.
    public var sampleRate: Double
    /// The most one record's clipped gradient can put on one coordinate: the clipping norm C, or
    /// C/√L under per-layer clipping (each of L layers gets C/√L).
    public var coordinateBound: Double
}
