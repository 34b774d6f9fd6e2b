/// Hyper-parameters of gradient training shared by every network (softmax regression, MLP, CNN).
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var optimizer: OptimizerKind = .sgd
    public var learningRate = 0.1
    public var momentum = 0.0
    public var nesterov = false
    public var beta1 = 0.9
    public var beta2 = 0.999
    public var epsilon = 1e-8
    public var epochs = 10
    public var batchSize = 64
    /// Penalty l1·‖W‖₁ + (l2/2)·‖W‖² on weights (not biases); elastic net is both at once.
    public var l1 = 0.0
    public var l2 = 0.0
    public var schedule: LearningRateSchedule = .constant
    /// Softmax temperature of the training loss, and of predict_proba / per-record losses.
    public var temperature = 1.0
    public var inferenceTemperature = 1.0
    public var labelSmoothing = 0.0
    /// Early stopping: stop after `patience` epochs without the validation loss improving by more
    /// than `minDelta`; with `restoreBest`, keep the best epoch's parameters.
    public var patience: Int? = nil
    public var minDelta = 0.0
    public var restoreBest = true
    /// What early stopping watches: the validation loss (nil, the default) or accuracy.
    /// Optional so that model files and configuration identities written before it read the same.
    public var monitor: StoppingMetric? = nil
    /// Hold out this fraction of the training set (stratified, seeded) as the validation set when
    /// `fit` gets none.
    public var validationSplit: Double? = nil
    public var seed: UInt64 = 1
    /// Differentially private training (DP-SGD, or DP-Adam with `optimizer = .adam`).
    public var dp: DPOptions? = nil
    /// Which update path plain SGD takes: nil (the default) fuses the update into the backward
    /// pass whenever the options allow it (SGD without momentum or penalty), `.separate` always
    /// computes gradients into buffers and runs the optimizer — the reference path tests compare
    /// the fused one with —, and `.fused` insists on fusing (an error when the options forbid it).
    public var fusion: UpdateFusion? = nil
    /// Transfer learning: the first `frozenLayers` layers with parameters keep their values (the
    /// optimizer skips them, backpropagation stops above them; see `FrozenLayers`). nil: all train.
    /// Optional so that model files and configuration identities written before it read the same.
    public var frozenLayers: Int? = nil

    public init() {}

    /// k, the frozen layers with parameters (0 when none).
    public var frozenCount: Int { frozenLayers ?? 0 }

    public func validate() throws {
        func check(_ ok: Bool, _ msg: String) throws { if !ok { throw PrivLabError.invalidArgument(msg) } }
        try check(learningRate.isFinite && learningRate > 0, "lr must be a positive number")
        try check(epochs >= 1, "epochs must be at least 1")
        try check(batchSize >= 1, "batch must be at least 1")
        try check(l1.isFinite && l1 >= 0, "l1 must be non-negative")
        try check(l2.isFinite && l2 >= 0, "l2 must be non-negative")
        try check(momentum >= 0 && momentum < 1, "momentum must be in [0, 1)")
        try check(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam betas must be in [0, 1)")
        try check(epsilon > 0, "epsilon must be positive")
        try check(temperature.isFinite && temperature > 0, "temperature must be positive")
        try check(inferenceTemperature.isFinite && inferenceTemperature > 0, "inference temperature must be positive")
        try check(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing must be in [0, 1)")
        if let p = patience { try check(p >= 1, "patience must be at least 1") }
        try dp?.validate()
        if fusion == .fused {
            try check(optimizer == .sgd && momentum == 0 && l1 == 0 && l2 == 0,
                      "fused updates need plain SGD: no momentum, no l1/l2 penalty, not Adam")
        }
        if let f = frozenLayers { try check(f >= 0, "frozen must be non-negative") }
        if let v = validationSplit { try check(v > 0 && v < 1, "validation split must be in (0, 1)") }
        switch schedule {
        case .constant: break
        case .step(let every, let gamma): try check(every >= 1 && gamma > 0 && gamma.isFinite, "step schedule needs every ≥ 1 and gamma > 0")
        case .cosine(let lo): try check(lo >= 0 && lo <= learningRate, "cosine schedule minimum must be in [0, lr]")
        }
    }
}
