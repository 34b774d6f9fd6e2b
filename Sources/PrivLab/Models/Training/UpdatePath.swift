/// Whether a run may fold plain SGD into the backward pass (`TrainingOptions.fusion`).
public enum UpdateFusion: String, Codable, Sendable, CaseIterable {
    /// Apply each update inside the backward pass, layer by layer, with no gradient buffers and no
    /// separate update pass (for DP-SGD: the clipped sum goes straight into the weights, the noise
    /// after it). Needs plain SGD: no momentum, no L1/L2 penalty, not Adam.
    case fused
    /// Compute gradients into buffers, then add the penalty and let the optimizer update — the
    /// reference path. Its result equals the fused one up to rounding (the order of the additions).
    case separate
}

/// How a run computes and applies each update: decided once, from the options, before the first
/// step (`choose`), and never re-tested in the loop. Each case is one `TrainingStep` type.
enum UpdatePath: Equatable {
    /// Plain SGD applied inside the backward pass (`NeuralNetwork.backwardApplyingSGD`).
    case sgdInBackward
    /// Gradients into buffers, then the penalty and the optimizer (momentum, Nesterov, Adam).
    case optimizer
    /// DP-SGD whose clipped sum is applied inside the backward pass and whose noise is added to
    /// the weights. Virtual batches still sum into buffers and go through the (plain SGD) optimizer.
    case privateInBackward
    /// DP-SGD / DP-Adam: the clipped sum and the noise into buffers, then penalty and optimizer.
    case privateOptimizer

    /// The path for these options: fused whenever the update is plain SGD (no momentum, no
    /// penalty) unless `fusion` asks for the separate path; `validate` refused `.fused` otherwise.
    /// A shared optimizer (`TrainingHooks.optimizer`) keeps state across fits, so never fuses.
    static func choose(_ o: TrainingOptions, sharedOptimizer: Bool = false) -> UpdatePath {
        let fusable = o.optimizer == .sgd && o.momentum == 0 && o.l1 == 0 && o.l2 == 0 && !sharedOptimizer
        let fused = fusable && o.fusion != .separate
        switch (o.dp != nil, fused) {
        case (false, true): return .sgdInBackward
        case (false, false): return .optimizer
        case (true, true): return .privateInBackward
        case (true, false): return .privateOptimizer
        }
    }
}
