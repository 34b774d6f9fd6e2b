/// Max or average pooling over `size × size` windows of each channel (no padding; windows that do
/// not fit are dropped, as in PyTorch's default `floor` mode).
public final class Pool2D: Layer {
    public enum Kind: Sendable { case max, average }
    public let kind: Kind
    public let size, stride: Int
    public let inputShape: [Int]
    public let outputShape: [Int]
    public var spec: LayerSpec { kind == .max ? .maxPool(size: size, stride: stride) : .avgPool(size: size, stride: stride) }
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    /// For max pooling: the input index that won each output (per batch element).
    private var argmax: [Int32] = []
    private var batch = 0
    let c, h, w, oh, ow: Int

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
        let (c, h, w, oh, ow, k, s) = (self.c, self.h, self.w, self.oh, self.ow, size, stride)
        let record = ctx.training && kind == .max
        if record { argmax = [Int32](repeating: 0, count: b * outSize) }
        if ctx.training { batch = b }
        let inv = 1 / Float(k * k)
        let kind = self.kind
        x.data.withUnsafeBufferPointer { src in
            y.data.withUnsafeMutableBufferPointer { dst in
                argmax.withUnsafeMutableBufferPointer { am in
                    let (src, dst, am) = (src.baseAddress!, dst.baseAddress!, am.baseAddress)
                    // Example by example on every core (each example's outputs are its own).
                    ParallelWork.forEachRange(b, grain: 4) { range in
                        for bi in range {
                            var o = bi * outSize
                            for ci in 0..<c {
                                let base = bi * inSize + ci * h * w
                                for oy in 0..<oh {
                                    for ox in 0..<ow {
                                        let y0 = oy * s, x0 = ox * s
                                        if kind == .max {
                                            var best = -Float.infinity
                                            var at = base + y0 * w + x0
                                            for ky in 0..<k {
                                                let r = base + (y0 + ky) * w + x0
                                                for kx in 0..<k where src[r + kx] > best {
                                                    best = src[r + kx]
                                                    at = r + kx
                                                }
                                            }
                                            dst[o] = best
                                            if record { am![o] = Int32(at - bi * inSize) }
                                        } else {
                                            var sum: Float = 0
                                            for ky in 0..<k {
                                                let r = base + (y0 + ky) * w + x0
                                                for kx in 0..<k { sum += src[r + kx] }
                                            }
                                            dst[o] = sum * inv
                                        }
                                        o += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        x = y
    }

    public func backward(_ g: inout Matrix) throws {
        let b = batch, inSize = c * h * w, outSize = c * oh * ow
        let (c, h, w, oh, ow, k, s) = (self.c, self.h, self.w, self.oh, self.ow, size, stride)
        var dx = Matrix(rows: b, cols: inSize)
        let inv = 1 / Float(k * k)
        let kind = self.kind
        g.data.withUnsafeBufferPointer { src in
            dx.data.withUnsafeMutableBufferPointer { dst in
                argmax.withUnsafeBufferPointer { am in
                    let (src, dst, am) = (src.baseAddress!, dst.baseAddress!, am.baseAddress)
                    ParallelWork.forEachRange(b, grain: 4) { range in
                        for bi in range {
                            let exBase = bi * inSize
                            var o = bi * outSize
                            for ci in 0..<c {
                                let base = exBase + ci * h * w
                                for oy in 0..<oh {
                                    for ox in 0..<ow {
                                        if kind == .max {
                                            dst[exBase + Int(am![o])] += src[o]
                                        } else {
                                            let v = src[o] * inv
                                            for ky in 0..<k {
                                                let r = base + (oy * s + ky) * w + ox * s
                                                for kx in 0..<k { dst[r + kx] += v }
                                            }
                                        }
                                        o += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        g = dx
    }
}
