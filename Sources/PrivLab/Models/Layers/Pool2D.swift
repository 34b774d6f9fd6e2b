import CKernels

/// Max or average pooling over `size × size` windows of each channel (no padding; windows that do
/// not fit are dropped, as in PyTorch's default `floor` mode). A window's maximum passes its
/// gradient to the first input (row by row) holding that maximum; NaN inputs never win.
///
/// Examples are pooled on every core (each example's outputs are its own). The CNNs' 2×2,
/// stride-2 max pool has its own path in C (`CKernels/max_pool.c`): the winner of each window is
/// kept as one byte computed without a data-dependent jump (in Swift the comparison became a jump,
/// mispredicted about half the time: a sixth of a CNN epoch), and the backward pass reads those
/// bytes instead of the 16-times larger input.
public final class Pool2D: Layer {
    public enum Kind: Sendable { case max, average }
    public let kind: Kind
    public let size, stride: Int
    public let inputShape: [Int]
    public let outputShape: [Int]
    public var spec: LayerSpec { kind == .max ? .maxPool(size: size, stride: stride) : .avgPool(size: size, stride: stride) }
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    /// General max pooling: the input index that won each output (per batch element).
    private var argmax: [Int32] = []
    /// The 2×2 max pool: each window's winner (0–3, row by row), per batch element.
    private var winners: [UInt8] = []
    private var batch = 0
    let c, h, w, oh, ow: Int
    private var isMax2x2: Bool { kind == .max && size == 2 && stride == 2 }

    public init(kind: Kind, inputShape: [Int], size: Int, stride: Int) throws {
        guard inputShape.count == 3 else { throw PrivLabError.shape("pooling needs [channels, height, width] inputs, got \(inputShape)") }
        guard size >= 1, stride >= 1 else { throw PrivLabError.invalidArgument("pooling needs size ≥ 1 and stride ≥ 1") }
        (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        guard h >= size, w >= size else { throw PrivLabError.shape("a \(size)×\(size) pool does not fit a \(h)×\(w) input") }
        oh = (h - size) / stride + 1
        ow = (w - size) / stride + 1
        self.kind = kind
        self.size = size
        self.stride = stride
        self.inputShape = inputShape
        self.outputShape = [c, oh, ow]
    }

    public func forward(_ x: inout Matrix, _ ctx: inout ForwardContext) throws {
        let b = x.rows, inSize = c * h * w, outSize = c * oh * ow
        var y = Matrix.uninitialized(rows: b, cols: outSize)
        let record = ctx.training && kind == .max && !isMax2x2
        if record { argmax = [Int32](repeating: 0, count: b * outSize) }
        if ctx.training {
            batch = b
            // Every entry is written by the kernel below.
            if isMax2x2 { winners = [UInt8](unsafeUninitializedCapacity: b * outSize) { _, n in n = b * outSize } }
        }
        let keepWinners = ctx.training && isMax2x2
        x.data.withUnsafeBufferPointer { src in
            y.data.withUnsafeMutableBufferPointer { dst in
                argmax.withUnsafeMutableBufferPointer { am in
                  winners.withUnsafeMutableBufferPointer { wn in
                    let (src, dst, am, wn) = (src.baseAddress!, dst.baseAddress!, am.baseAddress, wn.baseAddress)
                    ParallelWork.forEachRange(b, grain: 4) { range in
                        for i in range {
                            let x = src + i * inSize, y = dst + i * outSize
                            if isMax2x2 {
                                pl_maxpool2x2_forward(x, y, keepWinners ? wn! + i * outSize : nil, c, h, w)
                            } else if kind == .max {
                                maxGeneral(x, y, record ? am! + i * outSize : nil)
                            } else {
                                average(x, y)
                            }
                        }
                    }
                  }
                }
            }
        }
        x = y
    }

    /// One example's max pool at any size and stride, recording each window's winner.
    @inline(__always)
    private func maxGeneral(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ am: UnsafeMutablePointer<Int32>?) {
        let (k, s) = (size, stride)
        var o = 0
        for ci in 0..<c {
            let base = ci * h * w
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let y0 = oy * s, x0 = ox * s
                    var best = -Float.infinity
                    var at = base + y0 * w + x0
                    for ky in 0..<k {
                        let r = base + (y0 + ky) * w + x0
                        for kx in 0..<k where x[r + kx] > best {
                            best = x[r + kx]
                            at = r + kx
                        }
                    }
                    y[o] = best
                    am?[o] = Int32(at)
                    o += 1
                }
            }
        }
    }

    @inline(__always)
    private func average(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        let (k, s) = (size, stride)
        let inv = 1 / Float(k * k)
        var o = 0
        for ci in 0..<c {
            let base = ci * h * w
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum: Float = 0
                    for ky in 0..<k {
                        let r = base + (oy * s + ky) * w + ox * s
                        for kx in 0..<k { sum += x[r + kx] }
                    }
                    y[o] = sum * inv
                    o += 1
                }
            }
        }
    }

    public func backward(_ g: inout Matrix) throws {
        let b = batch, inSize = c * h * w, outSize = c * oh * ow
        // Zeroed example by example on the cores below, except where the 2×2 pool writes every
        // input itself (even height and width).
        let writesAll = isMax2x2 && h % 2 == 0 && w % 2 == 0
        var dx = Matrix.uninitialized(rows: b, cols: inSize)
        g.data.withUnsafeBufferPointer { src in
            dx.data.withUnsafeMutableBufferPointer { dst in
                argmax.withUnsafeBufferPointer { am in
                    winners.withUnsafeBufferPointer { wn in
                        let (src, dst, am, wn) = (src.baseAddress!, dst.baseAddress!, am.baseAddress, wn.baseAddress)
                        ParallelWork.forEachRange(b, grain: 4) { range in
                            for i in range {
                                let g = src + i * outSize, dx = dst + i * inSize
                                if !writesAll { dx.update(repeating: 0, count: inSize) }
                                if isMax2x2 {
                                    pl_maxpool2x2_backward(wn! + i * outSize, g, dx, c, h, w)
                                } else if kind == .max {
                                    for o in 0..<outSize { dx[Int(am![i * outSize + o])] += g[o] }
                                } else {
                                    averageBackward(g, dx)
                                }
                            }
                        }
                    }
                }
            }
        }
        g = dx
    }

    @inline(__always)
    private func averageBackward(_ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>) {
        let (k, s) = (size, stride)
        let inv = 1 / Float(k * k)
        var o = 0
        for ci in 0..<c {
            let base = ci * h * w
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let v = g[o] * inv
                    for ky in 0..<k {
                        let r = base + (oy * s + ky) * w + ox * s
                        for kx in 0..<k { dx[r + kx] += v }
                    }
                    o += 1
                }
            }
        }
    }
}
