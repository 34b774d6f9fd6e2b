/// Fully connected layer y = xW + b, with W stored `inputs × units` so the forward pass is one
/// row-major GEMM. Initialisation follows PyTorch's `nn.Linear`: W, b ~ U(−1/√fan_in, 1/√fan_in)
/// (He et al. 2015's Kaiming-uniform with a = √5), or zeros for convex models (softmax regression).
public final class Dense: Layer {
    public let spec: LayerSpec
    public let inputShape: [Int]
    public let outputShape: [Int]
    public let weight: Parameter
    public let bias: Parameter
    public var needsInputGradient = true
    public var parameters: [Parameter] { [weight, bias] }
    /// The input of the last forward pass (needed for ∂W = xᵀ·g).
    public private(set) var lastInput = Matrix(rows: 0, cols: 0)

    public init(inputShape: [Int], units: Int, zeroInit: Bool, rng: inout RNG) throws {
        guard units >= 1 else { throw PrivLabError.invalidArgument("dense layer needs at least 1 unit") }
        let fanIn = inputShape.reduce(1, *)
        self.spec = .dense(units: units, zeroInit: zeroInit)
        self.inputShape = [fanIn]
        self.outputShape = [units]
        var w = Matrix(rows: fanIn, cols: units)
        var b = Matrix(rows: 1, cols: units)
        if !zeroInit {
            let bound = 1 / Double(max(fanIn, 1)).squareRoot()
            for i in 0..<w.data.count { w.data[i] = Float(rng.uniform(-bound, bound)) }
            for i in 0..<units { b.data[i] = Float(rng.uniform(-bound, bound)) }
        }
        weight = Parameter(name: "weight", value: w, penalized: true)
        bias = Parameter(name: "bias", value: b, penalized: false)
    }

    public func forward(_ x: inout Matrix, _ ctx: inout ForwardContext) throws {
        // y starts as the bias in every row and the GEMM accumulates into it (beta = 1): no
        // separate pass to add the bias.
        let units = outputShape[0]
        var y = Matrix(rows: x.rows, cols: units)
        y.data.withUnsafeMutableBufferPointer { d in
            bias.value.data.withUnsafeBufferPointer { b in
                for r in 0..<x.rows { (d.baseAddress! + r * units).update(from: b.baseAddress!, count: units) }
            }
        }
        try Matrix.gemm(x, weight.value, beta: 1, into: &y)
        if ctx.training { lastInput = x }
        x = y
    }

    /// The output gradient kept by `backwardKeepingOutputGradient`.
    private var keptGradient = Matrix(rows: 0, cols: 0)

    public func backwardKeepingOutputGradient(_ g: inout Matrix) throws {
        keptGradient = g
        try inputGradient(&g)
    }

    /// The per-example weight gradient is the rank-one aᵢgᵢᵀ, whose squared norm is ‖aᵢ‖²‖gᵢ‖²
    /// (Goodfellow 2015): no per-example gradient is ever formed. The bias adds ‖gᵢ‖².
    public func addPerExampleSquaredNorms(_ norms: inout [Float]) throws {
        let a = lastInput.rowNormsSquared(), g = keptGradient.rowNormsSquared()
        for i in 0..<norms.count { norms[i] += a[i] * g[i] + g[i] }
    }

    public func accumulateParameterGradients(rowScale: [Float]?) throws {
        let g = rowScale.map { keptGradient.scalingRows($0) } ?? keptGradient
        try Matrix.gemm(lastInput, g, transA: .transposed, into: &weight.grad)
        bias.grad.data = g.columnSums()
    }

    /// w ← w − lr·xᵀ(s∘g) as one GEMM (alpha = −lr, beta = 1), like `backwardApplyingSGD`.
    public func applyClippedSGD(rowScale: [Float]?, learningRate lr: Float) throws {
        let g = rowScale.map { keptGradient.scalingRows($0) } ?? keptGradient
        try Matrix.gemm(lastInput, g, transA: .transposed, alpha: -lr, beta: 1, into: &weight.value)
        let db = g.columnSums()
        for j in 0..<db.count { bias.value.data[j] -= lr * db[j] }
    }

    public func backward(_ g: inout Matrix) throws {
        try Matrix.gemm(lastInput, g, transA: .transposed, into: &weight.grad)
        bias.grad.data = g.columnSums()
        try inputGradient(&g)
    }

    /// w ← w − lr·xᵀg as one GEMM (alpha = −lr, beta = 1) after the input gradient used the old w.
    public func backwardApplyingSGD(_ g: inout Matrix, learningRate lr: Float) throws {
        let out = g
        try inputGradient(&g)
        try Matrix.gemm(lastInput, out, transA: .transposed, alpha: -lr, beta: 1, into: &weight.value)
        let db = out.columnSums()
        for j in 0..<db.count { bias.value.data[j] -= lr * db[j] }
    }

    /// Replaces ∂loss/∂output by ∂loss/∂input = g·Wᵀ (empty when not needed).
    private func inputGradient(_ g: inout Matrix) throws {
        guard needsInputGradient else {
            g = Matrix(rows: 0, cols: 0)
            return
        }
        var dx = Matrix(rows: g.rows, cols: inputShape[0])
        try Matrix.gemm(g, weight.value, transB: .transposed, into: &dx)
        g = dx
    }
}
