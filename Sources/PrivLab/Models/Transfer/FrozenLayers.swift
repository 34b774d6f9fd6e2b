/// Which layers of a network train, given `TrainingOptions.frozenLayers` (k): the first k layers
/// *with parameters* (dense, convolution, recurrent) keep their values — the optimizer skips them
/// and the backward pass stops above them, which is where freezing saves time (Yosinski et al.,
/// "How transferable are features in deep neural networks?", NeurIPS 2014, §2: the copied lower
/// layers "frozen" or "fine-tuned").
///
/// The output layer always trains, so k is at most (layers with parameters − 1).
public struct FrozenLayers: Equatable, Sendable {
    /// k: frozen layers with parameters.
    public let count: Int
    /// Index (in the layer list) of the first layer the backward pass visits: the (k+1)-th layer
    /// with parameters, moved back over the dropout layers just before it (so dropout stays in the
    /// trained part and the frozen part stays deterministic).
    public let firstTrained: Int
    /// Whether the frozen part `layers[0..<firstTrained]` draws nothing at random (no dropout), so
    /// its output is a fixed function of the record and the trainer may compute it once per fit.
    public let cacheable: Bool

    /// The split of `specs` with `count` frozen layers; throws (naming `fn`'s option `frozen`)
    /// when `count` is out of range.
    public init(specs: [LayerSpec], count k: Int, fn: String = "fit") throws {
        let withParameters = specs.indices.filter { specs[$0].hasParameters }
        guard k >= 0, k < withParameters.count else {
            throw PrivLabError.invalidArgument("\(fn): frozen = \(k) is out of range: the network has \(withParameters.count) layers with parameters and the output layer always trains, so frozen must be in 0…\(withParameters.count - 1)")
        }
        count = k
        guard k > 0 else { firstTrained = 0; cacheable = true; return }
        var first = withParameters[k]
        while first - 1 > withParameters[k - 1], specs[first - 1].isDropout { first -= 1 }
        firstTrained = first
        cacheable = !specs[..<first].contains(where: \.isDropout)
    }
}

extension LayerSpec {
    /// Whether the layer holds parameters (what `frozen` counts).
    public var hasParameters: Bool {
        switch self {
        case .dense, .conv2d, .recurrent: return true
        case .activation, .dropout, .maxPool, .avgPool, .flatten: return false
        }
    }
}
