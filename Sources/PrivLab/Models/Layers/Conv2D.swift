import CBLAS
import Dispatch

/// 2-D convolution (cross-correlation, as in every deep-learning library) over `[C, H, W]` inputs,
/// computed as im2col + GEMM (Chellapilla et al. 2006), threaded over the examples of a batch.
///
/// The batch's patches form one `(C·k·k) × (B·P)` matrix (P = output pixels per example; column
/// i·P + p holds example i's patch at pixel p), written example by example on every core. Each
/// example's products read its own P columns through the leading dimension, so nothing is
/// transposed: the forward pass `y_i = W · patches_i` is the example's channel-first output
/// (F × P), and the input gradient is `∂patches_i = Wᵀ · g_i` followed by col2im; both run example
/// by example, and an example's bits never depend on which thread computed it. The weight gradient
/// sums over the batch as one product with inner dimension B·P, `∂W = G · patchesᵀ` (G: the
/// output gradient as F × (B·P)), cut at an example boundary fixed by the shape into two halves
/// computed side by side and added in a fixed order (the same bits with one thread or two).
/// Weights are initialised as PyTorch's Conv2d.
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
    /// The last training batch's patches, `(C·k·k) × (B·P)`.
    private var cols = Matrix(rows: 0, cols: 0)
    private var batch = 0
    /// The output gradient kept for DP-SGD's per-example norms, `B × (F·P)`.
    private var keptGradient = Matrix(rows: 0, cols: 0)
    /// P ones: per-filter pixel sums (the bias gradient) as matrix-vector products.
    private lazy var ones = [Float](repeating: 1, count: pixels)

    let c, h, w, oh, ow: Int
    /// Values per patch (C·k·k) and output pixels per example.
    var patchSize: Int { c * kernel * kernel }
    var pixels: Int { oh * ow }

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

    /// The output columns ox whose input column ox·s − pad + kx lies inside the image.
    @inline(__always)
    private func validColumns(_ kx: Int) -> Range<Int> {
        let s = stride, pad = padding
        // ox·s − pad + kx ≥ 0  and  ox·s − pad + kx ≤ w − 1.
        let lo = max(0, (pad - kx + s - 1) / s)
        let hi = min(ow, (w - 1 + pad - kx) >= 0 ? (w - 1 + pad - kx) / s + 1 : 0)
        return lo..<max(lo, hi)
    }

    /// Writes example i's patches into its P columns of the patch matrix (`d` points at column
    /// i·P of row 0; rows are `ld` apart), zero where a patch leaves the image. Each (channel, ky,
    /// kx) row is a run of contiguous copies along the output rows.
    @inline(__always)
    private func im2col(_ x: UnsafePointer<Float>, into d: UnsafeMutablePointer<Float>, ld: Int) {
        let (c, h, w, oh, ow, k, s, pad) = (self.c, self.h, self.w, self.oh, self.ow, kernel, stride, padding)
        for ci in 0..<c {
            let plane = x + ci * h * w
            for ky in 0..<k {
                for kx in 0..<k {
                    let row = d + ((ci * k + ky) * k + kx) * ld
                    let valid = validColumns(kx)
                    for oy in 0..<oh {
                        let out = row + oy * ow
                        let iy = oy * s - pad + ky
                        if iy < 0 || iy >= h || valid.isEmpty {
                            out.update(repeating: 0, count: ow)
                            continue
                        }
                        if valid.lowerBound > 0 { out.update(repeating: 0, count: valid.lowerBound) }
                        if valid.upperBound < ow { (out + valid.upperBound).update(repeating: 0, count: ow - valid.upperBound) }
                        let src = plane + iy * w - pad + kx
                        if s == 1 {
                            (out + valid.lowerBound).update(from: src + valid.lowerBound, count: valid.count)
                        } else {
                            for ox in valid { out[ox] = src[ox * s] }
                        }
                    }
                }
            }
        }
    }

    /// Adds example i's patch gradients (`d`: C·k·k rows of P values) back into its input positions
    /// (the adjoint of im2col), row segment by row segment.
    @inline(__always)
    private func col2im(_ d: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>) {
        let (c, h, w, oh, ow, k, s, pad) = (self.c, self.h, self.w, self.oh, self.ow, kernel, stride, padding)
        let p = oh * ow
        for ci in 0..<c {
            let plane = x + ci * h * w
            for ky in 0..<k {
                for kx in 0..<k {
                    let row = d + ((ci * k + ky) * k + kx) * p
                    let valid = validColumns(kx)
                    if valid.isEmpty { continue }
                    for oy in 0..<oh {
                        let iy = oy * s - pad + ky
                        if iy < 0 || iy >= h { continue }
                        let g = row + oy * ow
                        let dst = plane + iy * w - pad + kx
                        if s == 1 {
                            for ox in valid { dst[ox] += g[ox] }
                        } else {
                            for ox in valid { dst[ox * s] += g[ox] }
                        }
                    }
                }
            }
        }
    }

    public func forward(_ x: inout Matrix, _ ctx: inout ForwardContext) throws {
        guard x.cols == c * h * w else { throw PrivLabError.shape("convolution expects \(c * h * w) inputs per example, got \(x.cols)") }
        let b = x.rows, p = pixels, ck = patchSize, f = filters, inSize = c * h * w
        var patches = Matrix.uninitialized(rows: ck, cols: b * p)
        var y = Matrix.uninitialized(rows: b, cols: f * p)
        x.data.withUnsafeBufferPointer { src in
            patches.data.withUnsafeMutableBufferPointer { pt in
                y.data.withUnsafeMutableBufferPointer { out in
                    weight.value.data.withUnsafeBufferPointer { wt in
                        bias.value.data.withUnsafeBufferPointer { bb in
                            let (src, pt, out, wt, bb) = (src.baseAddress!, pt.baseAddress!, out.baseAddress!, wt.baseAddress!, bb.baseAddress!)
                            BLASThreads.pinOpenBLAS()
                            ParallelWork.forEachRange(b) { range in
                                for i in range {
                                    let cols = pt + i * p, yi = out + i * f * p
                                    im2col(src + i * inSize, into: cols, ld: b * p)
                                    // y_i = bias (broadcast over pixels) + W · patches_i.
                                    for fi in 0..<f { (yi + fi * p).update(repeating: bb[fi], count: p) }
                                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(f), Int32(p), Int32(ck), 1,
                                                wt, Int32(ck), cols, Int32(b * p), 1, yi, Int32(p))
                                }
                            }
                        }
                    }
                }
            }
        }
        if ctx.training {
            cols = patches
            batch = b
        }
        x = y
    }

    /// The example ranges the weight-gradient product is cut into: two halves when the product is
    /// worth two threads, from the shape alone (so the sum has the same bits on one thread).
    public func gradientBlocks(batch b: Int) -> [Range<Int>] {
        let work = b * pixels * patchSize * filters
        guard b >= 2, work >= 2 * BLASThreads.minimumBlockWork else { return [0..<b] }
        let half = (b + 1) / 2
        return [0..<half, half..<b]
    }

    /// target ← beta·target + alpha·Σᵢ scaleᵢ·g_i·patches_iᵀ and biasTarget ← beta·biasTarget +
    /// alpha·Σᵢ scaleᵢ·Σ_pixels g_i, from the output gradient `g` (B × F·P): the gradient
    /// (alpha 1, beta 0) or a fused SGD step on the parameters (alpha −lr, beta 1).
    private func weightProduct(_ g: Matrix, rowScale: [Float]?, alpha: Float, beta: Float, into target: inout Matrix,
                               biasTarget: inout Matrix) {
        let b = batch, p = pixels, f = filters, ck = patchSize
        // G = the scaled output gradient laid out F × (B·P); per-example filter sums beside it.
        var gm = Matrix.uninitialized(rows: f, cols: b * p)
        var sums = [Float](repeating: 0, count: b * f)
        g.data.withUnsafeBufferPointer { s in
            gm.data.withUnsafeMutableBufferPointer { d in
                sums.withUnsafeMutableBufferPointer { sm in
                    ones.withUnsafeBufferPointer { one in
                        let (s, d, sm, one) = (s.baseAddress!, d.baseAddress!, sm.baseAddress!, one.baseAddress!)
                        ParallelWork.forEachRange(b) { range in
                            for bi in range {
                                let scale = rowScale?[bi] ?? 1
                                for fi in 0..<f {
                                    let to = d + fi * b * p + bi * p, from = s + bi * f * p + fi * p
                                    if scale == 1 { to.update(from: from, count: p) } else { for q in 0..<p { to[q] = from[q] * scale } }
                                }
                                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(f), Int32(p), scale, s + bi * f * p, Int32(p),
                                            one, 1, 0, sm + bi * f, 1)
                            }
                        }
                    }
                }
            }
        }
        // Bias: the examples' sums added in example order.
        biasTarget.data.withUnsafeMutableBufferPointer { bt in
            for fi in 0..<f {
                var total: Float = 0
                for bi in 0..<b { total += sums[bi * f + fi] }
                bt[fi] = beta * bt[fi] + alpha * total
            }
        }
        let blocks = gradientBlocks(batch: b)
        BLASThreads.pinOpenBLAS()
        func product(_ r: Range<Int>, _ beta: Float, _ out: UnsafeMutablePointer<Float>) {
            gm.data.withUnsafeBufferPointer { gp in
                cols.data.withUnsafeBufferPointer { cp in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(f), Int32(ck), Int32(r.count * p), alpha,
                                gp.baseAddress! + r.lowerBound * p, Int32(b * p), cp.baseAddress! + r.lowerBound * p, Int32(b * p),
                                beta, out, Int32(ck))
                }
            }
        }
        if blocks.count == 1 {
            target.data.withUnsafeMutableBufferPointer { product(blocks[0], beta, $0.baseAddress!) }
            return
        }
        // Two partial sums (the first into the target), then target += second: the same operations
        // in the same order whether the halves ran side by side or one after the other.
        var second = [Float](repeating: 0, count: f * ck)
        target.data.withUnsafeMutableBufferPointer { t in
            second.withUnsafeMutableBufferPointer { sp in
                let (t, sp) = (t.baseAddress!, sp.baseAddress!)
                if BLASThreads.count > 1 {
                    DispatchQueue.concurrentPerform(iterations: 2) { half in
                        if half == 0 { product(blocks[0], beta, t) } else { product(blocks[1], 0, sp) }
                    }
                } else {
                    product(blocks[0], beta, t)
                    product(blocks[1], 0, sp)
                }
                for j in 0..<(f * ck) { t[j] += sp[j] }
            }
        }
    }

    private func parameterGradients(_ g: Matrix, rowScale: [Float]?) {
        weightProduct(g, rowScale: rowScale, alpha: 1, beta: 0, into: &weight.grad, biasTarget: &bias.grad)
    }

    /// ∂x_i = col2im(Wᵀ · g_i), example by example on every core.
    private func inputGradient(_ g: inout Matrix) {
        guard needsInputGradient else {
            g = Matrix(rows: 0, cols: 0)
            return
        }
        let b = batch, p = pixels, ck = patchSize, f = filters, inSize = c * h * w
        var dx = Matrix.uninitialized(rows: b, cols: inSize)
        g.data.withUnsafeBufferPointer { gs in
            dx.data.withUnsafeMutableBufferPointer { dxs in
                weight.value.data.withUnsafeBufferPointer { wt in
                    let (gs, dxs, wt) = (gs.baseAddress!, dxs.baseAddress!, wt.baseAddress!)
                    BLASThreads.pinOpenBLAS()
                    ParallelWork.forEachRange(b) { range in
                        let dcols = UnsafeMutablePointer<Float>.allocate(capacity: ck * p)
                        defer { dcols.deallocate() }
                        for i in range {
                            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(ck), Int32(p), Int32(f), 1,
                                        wt, Int32(ck), gs + i * f * p, Int32(p), 0, dcols, Int32(p))
                            // Zeroed here, example by example on the cores, then accumulated into.
                            (dxs + i * inSize).update(repeating: 0, count: inSize)
                            col2im(dcols, into: dxs + i * inSize)
                        }
                    }
                }
            }
        }
        g = dx
    }

    public func backward(_ g: inout Matrix) throws {
        parameterGradients(g, rowScale: nil)
        inputGradient(&g)
    }

    /// Plain SGD fused into the backward pass: the input gradient with the old weights, then
    /// W ← W − lr·∂W through the product's alpha and beta (no gradient buffer).
    public func backwardApplyingSGD(_ g: inout Matrix, learningRate lr: Float) throws {
        let out = g
        inputGradient(&g)
        weightProduct(out, rowScale: nil, alpha: -lr, beta: 1, into: &weight.value, biasTarget: &bias.value)
    }

    public func backwardKeepingOutputGradient(_ g: inout Matrix) throws {
        keptGradient = g
        perExampleBatch = -1
        inputGradient(&g)
    }

    /// The last DP batch's per-example gradients, one row per example: the F·C·k·k weight
    /// gradient, then the F bias gradient. Valid for the batch `perExampleBatch` was set for.
    private var perExample = [Float]()
    private var perExampleBatch = -1
    private var perExampleWidth: Int { filters * patchSize + filters }

    /// Per-example weight gradients g_i·patches_iᵀ (F × C·k·k) formed one example at a time, on
    /// every core, and kept. The Gram-matrix ("ghost") identity ‖g_i·A_iᵀ‖² = ⟨A_iᵀA_i, g_iᵀg_i⟩
    /// would avoid forming them, but its P × P Gram matrices cost P²·(F + C·k·k) against F·C·k·k·P
    /// here — more whenever the output has more pixels than F·C·k·k/(F + C·k·k), as in every
    /// layer of the course CNNs (Li et al. 2022, §4; Bu et al. 2022 choose per layer by the same
    /// comparison). Once formed, they are small (B × F·C·k·k, against the B·P·C·k·k patches), so
    /// the clipped sum Σᵢ cᵢ·∇ᵢ is one matrix-vector product over them instead of another pass
    /// over the whole batch's patches.
    public func addPerExampleSquaredNorms(_ norms: inout [Float]) throws {
        let b = batch, p = pixels, f = filters, ck = patchSize, width = perExampleWidth
        if perExample.count != b * width { perExample = [Float](repeating: 0, count: b * width) }
        norms.withUnsafeMutableBufferPointer { nb in
            keptGradient.data.withUnsafeBufferPointer { gs in
                cols.data.withUnsafeBufferPointer { cs in
                    ones.withUnsafeBufferPointer { one in
                        perExample.withUnsafeMutableBufferPointer { pe in
                            let (nb, gs, cs, one, pe) = (nb.baseAddress!, gs.baseAddress!, cs.baseAddress!, one.baseAddress!, pe.baseAddress!)
                            BLASThreads.pinOpenBLAS()
                            ParallelWork.forEachRange(b) { range in
                                for i in range {
                                    let gi = gs + i * f * p, per = pe + i * width
                                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(f), Int32(ck), Int32(p), 1,
                                                gi, Int32(p), cs + i * p, Int32(b * p), 0, per, Int32(ck))
                                    // The bias gradient of example i: its per-filter pixel sums.
                                    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(f), Int32(p), 1, gi, Int32(p), one, 1, 0, per + f * ck, 1)
                                    nb[i] += cblas_sdot(Int32(width), per, 1, per, 1)
                                }
                            }
                        }
                    }
                }
            }
        }
        perExampleBatch = b
    }

    /// target ← beta·target + alpha·Σᵢ scaleᵢ·∇ᵢ from the kept per-example gradients: one
    /// matrix-vector product (a single call, so the sum's order never depends on threads).
    private func weightedSumOfPerExample(rowScale scale: [Float], alpha: Float, beta: Float, weight w: inout Matrix, bias bt: inout Matrix) {
        let b = batch, f = filters, ck = patchSize, width = perExampleWidth
        precondition(scale.count == b, "one scale per example")
        var sum = [Float](repeating: 0, count: width)
        BLASThreads.pinOpenBLAS()
        perExample.withUnsafeBufferPointer { pe in
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(b), Int32(width), 1, pe.baseAddress, Int32(width), scale, 1, 0, &sum, 1)
        }
        w.data.withUnsafeMutableBufferPointer { wd in
            for j in 0..<(f * ck) { wd[j] = beta * wd[j] + alpha * sum[j] }
        }
        bt.data.withUnsafeMutableBufferPointer { bd in
            for j in 0..<f { bd[j] = beta * bd[j] + alpha * sum[f * ck + j] }
        }
    }

    // Without clipping (no scale) the sum is the plain gradient, computed as the non-private
    // backward pass computes it, so that DP-SGD with C = ∞ and σ = 0 is plain SGD bit for bit.
    public func accumulateParameterGradients(rowScale: [Float]?) throws {
        if perExampleBatch == batch, let scale = rowScale {
            return weightedSumOfPerExample(rowScale: scale, alpha: 1, beta: 0, weight: &weight.grad, bias: &bias.grad)
        }
        parameterGradients(keptGradient, rowScale: rowScale)
    }

    public func applyClippedSGD(rowScale: [Float]?, learningRate lr: Float) throws {
        if perExampleBatch == batch, let scale = rowScale {
            return weightedSumOfPerExample(rowScale: scale, alpha: -lr, beta: 1, weight: &weight.value, bias: &bias.value)
        }
        weightProduct(keptGradient, rowScale: rowScale, alpha: -lr, beta: 1, into: &weight.value, biasTarget: &bias.value)
    }
}
