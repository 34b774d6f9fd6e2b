/// A trainable tensor: its value, the gradient of the last backward pass, and whether weight
/// penalties (L1/L2) apply to it (weights yes, biases no — as in scikit-learn and most papers).
public final class Parameter {
    public let name: String
    public var value: Matrix
    public var grad: Matrix
    public let penalized: Bool

    public init(name: String, value: Matrix, penalized: Bool) {
        self.name = name
        self.value = value
        self.grad = Matrix(rows: value.rows, cols: value.cols)
        self.penalized = penalized
    }
}

/// Per-call state for a forward pass: training mode (dropout on) and the random stream dropout draws from.
public struct ForwardContext {
    /// Layers cache what `backward` needs.
    public var training: Bool
    /// Dropout draws masks (only when training); off for white-box gradients at inference.
    public var dropout: Bool
    public var rng: RNG
    public init(training: Bool, rng: RNG, dropout: Bool? = nil) {
        self.training = training
        self.dropout = dropout ?? training
        self.rng = rng
    }
}

/// One layer of a feed-forward network. Activations travel as `batch × features` matrices with each
/// example's features in row-major `[channels, height, width]` order for image layers.
///
/// `forward` replaces its argument by the layer's output (element-wise layers work in place, so a
/// batch is not copied at every layer) and caches what `backward` needs; `backward` replaces
/// ∂loss/∂output by ∂loss/∂input and *sets* each parameter's `grad` (the input gradient is left
/// empty when `needsInputGradient` is false, which the first layer uses to skip a whole GEMM).
public protocol Layer: AnyObject {
    /// The description this layer was built from (saved in model files, used by `clone`).
    var spec: LayerSpec { get }
    /// Per-example shapes, e.g. `[784]` or `[16, 14, 14]`.
    var inputShape: [Int] { get }
    var outputShape: [Int] { get }
    var parameters: [Parameter] { get }
    var needsInputGradient: Bool { get set }
    func forward(_ x: inout Matrix, _ ctx: inout ForwardContext) throws
    func backward(_ g: inout Matrix) throws

    // Per-example gradients for DP-SGD, by book-keeping (Bu et al. 2022): one backward pass that
    // passes input gradients on and keeps each layer's output gradient; per-example gradient norms
    // from those and the cached inputs; then the parameter gradients of the *clipped* examples in
    // one GEMM per layer. Layers without parameters keep the defaults below.

    /// Like `backward`, but leaves parameter gradients for `accumulateParameterGradients`.
    func backwardKeepingOutputGradient(_ g: inout Matrix) throws
    /// Adds each example's squared parameter-gradient norm (in the units of the kept gradient).
    func addPerExampleSquaredNorms(_ norms: inout [Float]) throws
    /// Sets each parameter's `grad` to Σᵢ scaleᵢ·∇ᵢ (nil scale: every scaleᵢ = 1).
    func accumulateParameterGradients(rowScale: [Float]?) throws
    /// DP-SGD's clipped sum fused with a plain SGD step: w ← w − lr·Σᵢ scaleᵢ·∇ᵢ, without
    /// materialising the gradient (the noise is then added to the parameters directly).
    func applyClippedSGD(rowScale: [Float]?, learningRate lr: Float) throws

    /// Plain SGD fused into the backward pass: passes the input gradient on (computed with the old
    /// parameters) and applies w ← w − lr·∂w directly, without materialising the gradient.
    func backwardApplyingSGD(_ g: inout Matrix, learningRate lr: Float) throws
}

extension Layer {
    public func backwardKeepingOutputGradient(_ g: inout Matrix) throws { try backward(&g) }
    public func addPerExampleSquaredNorms(_ norms: inout [Float]) throws {}
    public func accumulateParameterGradients(rowScale: [Float]?) throws {}
    public func applyClippedSGD(rowScale: [Float]?, learningRate lr: Float) throws {
        try accumulateParameterGradients(rowScale: rowScale)
        for p in parameters { try p.value.addScaled(p.grad, -lr) }
    }
    public func backwardApplyingSGD(_ g: inout Matrix, learningRate lr: Float) throws {
        try backward(&g)
        for p in parameters { try p.value.addScaled(p.grad, -lr) }
    }
}

extension Matrix {
    /// Each row multiplied by its factor.
    public func scalingRows(_ f: [Float]) -> Matrix {
        var out = self
        let c = cols
        out.data.withUnsafeMutableBufferPointer { d in
            for r in 0..<rows { for j in 0..<c { d[r * c + j] *= f[r] } }
        }
        return out
    }
}

/// Element-wise non-linearities.
public enum ActivationKind: String, Codable, Sendable, CaseIterable {
    case relu, tanh, sigmoid
}

/// A serialisable description of a layer. `.dense(units: nil)` is the output layer, whose width is
/// the number of classes, known only when the model first sees data.
public enum LayerSpec: Codable, Equatable, Sendable {
    case dense(units: Int?, zeroInit: Bool)
    case activation(ActivationKind)
    case dropout(rate: Double)
    case conv2d(filters: Int, kernel: Int, stride: Int, padding: Int)
    case maxPool(size: Int, stride: Int)
    case avgPool(size: Int, stride: Int)
    case flatten
    /// A recurrent layer over records of `steps` × features (see `Recurrent`); `sequences` passes
    /// every step's hidden state on (to a stacked layer) instead of the last one.
    case recurrent(cell: RecurrentCellKind, hidden: Int, steps: Int, sequences: Bool)

    /// Builds the layer for a given per-example input shape.
    public func build(inputShape: [Int], classes: Int, rng: inout RNG) throws -> Layer {
        switch self {
        case .dense(let units, let zero):
            return try Dense(inputShape: inputShape, units: units ?? classes, zeroInit: zero, rng: &rng)
        case .activation(let k): return Activation(kind: k, shape: inputShape)
        case .dropout(let rate): return try Dropout(rate: rate, shape: inputShape)
        case .conv2d(let f, let k, let s, let p):
            return try Conv2D(inputShape: inputShape, filters: f, kernel: k, stride: s, padding: p, rng: &rng)
        case .maxPool(let k, let s): return try Pool2D(kind: .max, inputShape: inputShape, size: k, stride: s)
        case .avgPool(let k, let s): return try Pool2D(kind: .average, inputShape: inputShape, size: k, stride: s)
        case .flatten: return Flatten(inputShape: inputShape)
        case .recurrent(let cell, let hidden, let steps, let sequences):
            return try Recurrent(inputShape: inputShape, cell: cell, hidden: hidden, steps: steps, sequences: sequences, rng: &rng)
        }
    }

    public var summary: String {
        switch self {
        case .dense(let u, _): return "dense(\(u.map(String.init) ?? "classes"))"
        case .activation(let k): return k.rawValue
        case .dropout(let r): return "dropout(\(formatCompact(r)))"
        case .conv2d(let f, let k, let s, let p): return "conv(\(f), \(k)×\(k)" + (s != 1 ? ", stride \(s)" : "") + (p != 0 ? ", pad \(p)" : "") + ")"
        case .maxPool(let k, let s): return "maxpool(\(k)" + (s != k ? ", stride \(s)" : "") + ")"
        case .avgPool(let k, let s): return "avgpool(\(k)" + (s != k ? ", stride \(s)" : "") + ")"
        case .flatten: return "flatten"
        case .recurrent(let cell, let hidden, let steps, let sequences):
            return "\(cell.rawValue)(\(hidden), \(steps) steps\(sequences ? ", all steps" : ""))"
        }
    }
}
