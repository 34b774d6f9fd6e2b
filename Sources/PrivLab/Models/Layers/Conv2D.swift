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

    /// Patches of a batch: row (ci·k + ky)·k + kx, column b·P + oy·ow + ox.
    func im2col(_ x: Matrix) -> Matrix {
        let b = x.rows, k = kernel, p = oh * ow
        var out = Matrix(rows: c * k * k, cols: b * p)
        let (c, h, w, oh, ow, s, pad) = (self.c, self.h, self.w, self.oh, self.ow, stride, padding)
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                let n = b * p
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
                                        dst[col] = (ix >= 0 && ix < w) ? src[rowBase + ix] : 0
                                        col += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Adds patch gradients back into image positions (the adjoint of im2col).
    func col2im(_ dcols: Matrix, batch b: Int) -> Matrix {
        let k = kernel, p = oh * ow
        var dx = Matrix(rows: b, cols: c * h * w)
        let (c, h, w, oh, ow, s, pad) = (self.c, self.h, self.w, self.oh, self.ow, stride, padding)
        dcols.data.withUnsafeBufferPointer { src in
            dx.data.withUnsafeMutableBufferPointer { dst in
                let n = b * p
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
                                        if ix >= 0 && ix < w { dst[rowBase + ix] += src[col] }
                                        col += 1
                                    }
                                }
                            }
                        }
                    }
                }
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

    public func backward(_ g: inout Matrix) throws {
        let b = batch, p = oh * ow, f = filters
        // B × (F·P) → F × (B·P).
        var gm = Matrix(rows: f, cols: b * p)
        var db = [Float](repeating: 0, count: f)
        g.data.withUnsafeBufferPointer { s in
            gm.data.withUnsafeMutableBufferPointer { d in
                for fi in 0..<f {
                    var acc: Float = 0
                    for bi in 0..<b {
                        let src = bi * f * p + fi * p, dst = fi * b * p + bi * p
                        for q in 0..<p {
                            let v = s[src + q]
                            d[dst + q] = v
                            acc += v
                        }
                    }
                    db[fi] = acc
                }
            }
        }
        bias.grad.data = db
        try Matrix.gemm(gm, cols, transB: .transposed, into: &weight.grad)
        guard needsInputGradient else {
            g = Matrix(rows: 0, cols: 0)
            return
        }
        var dcols = Matrix(rows: cols.rows, cols: b * p)
        try Matrix.gemm(weight.value, gm, transA: .transposed, into: &dcols)
        g = col2im(dcols, batch: b)
    }
}
