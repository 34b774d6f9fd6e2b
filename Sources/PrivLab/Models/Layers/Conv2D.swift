import CBLAS

/// 2-D convolution (cross-correlation, as in every deep-learning library) over `[C, H, W]` inputs,
/// computed as im2col + one GEMM for the whole mini-batch (Chellapilla et al. 2006).
///
/// The batch's patches form a `(C·k·k) × (B·P)` matrix (P = output pixels per example), so the
/// forward pass is `W (F × C·k·k) · cols`, and the backward pass is two more GEMMs
/// (∂W = g·colsᵀ, ∂cols = Wᵀ·g) followed by col2im. Weights are initialised as PyTorch's Conv2d.
public final class Conv2D: Layer {
    public let filters, kernel, stride, padding: Int
    public let inputShape: [Int]
    public let outputShape: [Int]
    public var spec: LayerSpec { .conv2d(filters: filters, kernel: kernel, stride: stride, padding: padding) }
    /// `filters × (channels·k·k)`.
    public let weight: Parameter
    public let bias: Parameter
    public var parameters: [Parameter] { [weight, bias] }
    public var needsInputGradient = true
    private var cols = Matrix(rows: 0, cols: 0)
    private var batch = 0

    let c, h, w, oh, ow: Int

    public init(inputShape: [Int], filters: Int, kernel: Int, stride: Int, padding: Int, rng: inout RNG) throws {
        guard inputShape.count == 3 else {
            throw PrivLabError.shape("convolution needs [channels, height, width] inputs, got \(inputShape)")
        }
        guard filters >= 1, kernel >= 1, stride >= 1, padding >= 0 else {
            throw PrivLabError.invalidArgument("convolution needs filters ≥ 1, kernel ≥ 1, stride ≥ 1, padding ≥ 0")
        }
        (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        guard h + 2 * padding >= kernel, w + 2 * padding >= kernel else {
            throw PrivLabError.shape("a \(kernel)×\(kernel) kernel does not fit a \(h)×\(w) input with padding \(padding)")
        }
        oh = (h + 2 * padding - kernel) / stride + 1
        ow = (w + 2 * padding - kernel) / stride + 1
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.inputShape = inputShape
        self.outputShape = [filters, oh, ow]
        let fanIn = c * kernel * kernel
        let bound = 1 / Double(fanIn).squareRoot()
        var wm = Matrix(rows: filters, cols: fanIn)
        for i in 0..<wm.data.count { wm.data[i] = Float(rng.uniform(-bound, bound)) }
        var bm = Matrix(rows: 1, cols: filters)
        for i in 0..<filters { bm.data[i] = Float(rng.uniform(-bound, bound)) }
        weight = Parameter(name: "weight", value: wm, penalized: true)
        bias = Parameter(name: "bias", value: bm, penalized: false)
    }

    /// Visits every in-image entry of the batch's patch matrix, pairing its index (row
    /// (ci·k + ky)·k + kx, column b·P + oy·ow + ox) with the input index it copies.
    @inline(__always)
    private func walkPatches(batch b: Int, _ visit: (_ column: Int, _ input: Int) -> Void) {
        let k = kernel, p = oh * ow, n = b * p
        let (c, h, w, oh, ow, s, pad) = (self.c, self.h, self.w, self.oh, self.ow, stride, padding)
        for ci in 0..<c {
            for ky in 0..<k {
                for kx in 0..<k {
                    let row = ((ci * k + ky) * k + kx) * n
                    for bi in 0..<b {
                        let xb = bi * c * h * w + ci * h * w
                        var col = row + bi * p
                        for oy in 0..<oh {
                            let iy = oy * s - pad + ky
                            if iy < 0 || iy >= h { col += ow; continue }
                            let rowBase = xb + iy * w
                            for ox in 0..<ow {
                                let ix = ox * s - pad + kx
                                if ix >= 0 && ix < w { visit(col, rowBase + ix) }
                                col += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// The batch's patches as a `(C·k·k) × (B·P)` matrix (zero where a patch leaves the image).
    func im2col(_ x: Matrix) -> Matrix {
        var out = Matrix(rows: c * kernel * kernel, cols: x.rows * oh * ow)
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                let d = dst
                walkPatches(batch: x.rows) { col, input in d[col] = src[input] }
            }
        }
        return out
    }

    /// Adds patch gradients back into image positions (the adjoint of im2col).
    func col2im(_ dcols: Matrix, batch b: Int) -> Matrix {
        var dx = Matrix(rows: b, cols: c * h * w)
        dcols.data.withUnsafeBufferPointer { src in
            dx.data.withUnsafeMutableBufferPointer { dst in
                let d = dst
                walkPatches(batch: b) { col, input in d[input] += src[col] }
            }
        }
        return dx
    }

    public func forward(_ x: inout Matrix, _ ctx: inout ForwardContext) throws {
        guard x.cols == c * h * w else { throw PrivLabError.shape("convolution expects \(c * h * w) inputs per example, got \(x.cols)") }
        let b = x.rows, p = oh * ow
        let patches = im2col(x)
        var out = Matrix(rows: filters, cols: b * p)
        try Matrix.gemm(weight.value, patches, into: &out)
        if ctx.training {
            cols = patches
            batch = b
        }
        // F × (B·P) → B × (F·P), adding the bias.
        var y = Matrix(rows: b, cols: filters * p)
        let f = filters
        out.data.withUnsafeBufferPointer { o in
            y.data.withUnsafeMutableBufferPointer { d in
                bias.value.data.withUnsafeBufferPointer { bb in
                    for fi in 0..<f {
                        let bv = bb[fi]
                        for bi in 0..<b {
                            let src = fi * b * p + bi * p, dst = bi * f * p + fi * p
                            for q in 0..<p { d[dst + q] = o[src + q] + bv }
                        }
                    }
                }
            }
        }
        x = y
    }

    /// B × (F·P) → F × (B·P).
    private func channelMajor(_ g: Matrix) -> Matrix {
        let b = batch, p = oh * ow, f = filters
        var gm = Matrix(rows: f, cols: b * p)
        g.data.withUnsafeBufferPointer { s in
            gm.data.withUnsafeMutableBufferPointer { d in
                for fi in 0..<f {
                    for bi in 0..<b {
                        (d.baseAddress! + fi * b * p + bi * p).update(from: s.baseAddress! + bi * f * p + fi * p, count: p)
                    }
                }
            }
        }
        return gm
    }

    /// ∂W = gm·colsᵀ and ∂b = row sums of gm.
    private func parameterGradients(_ gm: Matrix) throws {
        bias.grad.data = gm.rowSums()
        try Matrix.gemm(gm, cols, transB: .transposed, into: &weight.grad)
    }

    private func inputGradient(_ gm: Matrix, _ g: inout Matrix) throws {
        guard needsInputGradient else {
            g = Matrix(rows: 0, cols: 0)
            return
        }
        var dcols = Matrix(rows: cols.rows, cols: batch * oh * ow)
        try Matrix.gemm(weight.value, gm, transA: .transposed, into: &dcols)
        g = col2im(dcols, batch: batch)
    }

    public func backward(_ g: inout Matrix) throws {
        let gm = channelMajor(g)
        try parameterGradients(gm)
        try inputGradient(gm, &g)
    }

    private var keptGradient = Matrix(rows: 0, cols: 0)

    public func backwardKeepingOutputGradient(_ g: inout Matrix) throws {
        keptGradient = channelMajor(g)
        try inputGradient(keptGradient, &g)
    }

    /// Per-example weight gradients G_i·A_iᵀ (F × C·k·k) formed one example at a time from the
    /// example's block of columns: cheaper than the Gram-matrix ("ghost") norm when the output has
    /// more pixels than the filter has weights, as here (Li et al. 2022, §4).
    public func addPerExampleSquaredNorms(_ norms: inout [Float]) throws {
        let b = batch, p = oh * ow, f = filters, k = cols.rows
        var per = [Float](repeating: 0, count: f * k)
        keptGradient.data.withUnsafeBufferPointer { g in
            cols.data.withUnsafeBufferPointer { a in
                for i in 0..<b {
                    per.withUnsafeMutableBufferPointer { w in
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(f), Int32(k), Int32(p), 1,
                                    g.baseAddress! + i * p, Int32(b * p), a.baseAddress! + i * p, Int32(b * p),
                                    0, w.baseAddress, Int32(k))
                    }
                    var s: Float = 0
                    for v in per { s += v * v }
                    for fi in 0..<f {
                        var bsum: Float = 0
                        for q in 0..<p { bsum += g[fi * b * p + i * p + q] }
                        s += bsum * bsum
                    }
                    norms[i] += s
                }
            }
        }
    }

    public func accumulateParameterGradients(rowScale: [Float]?) throws {
        guard let c = rowScale else { return try parameterGradients(keptGradient) }
        var gm = keptGradient
        let b = batch, p = oh * ow
        gm.data.withUnsafeMutableBufferPointer { d in
            for fi in 0..<filters { for i in 0..<b { for q in 0..<p { d[fi * b * p + i * p + q] *= c[i] } } }
        }
        try parameterGradients(gm)
    }
}
