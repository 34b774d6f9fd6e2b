/// Inverted dropout (Srivastava et al., JMLR 2014): during training each unit is kept with
/// probability 1 − rate and scaled by 1/(1 − rate), so inference needs no rescaling.
public final class Dropout: Layer {
    public let rate: Double
    public var spec: LayerSpec { .dropout(rate: rate) }
    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    private var mask: [Float] = []
    private var applied = false

    public init(rate: Double, shape: [Int]) throws {
        guard rate >= 0, rate < 1 else { throw PrivLabError.invalidArgument("dropout rate must be in [0, 1), got \(rate)") }
        self.rate = rate
        self.inputShape = shape
    }

    public func forward(_ y: inout Matrix, _ ctx: inout ForwardContext) throws {
        applied = ctx.training && ctx.dropout && rate > 0
        guard applied else { return }
        let keep = 1 - rate
        let scale = Float(1 / keep)
        if mask.count != y.count { mask = [Float](repeating: 0, count: y.count) }
        // 24-bit uniform draws compared with a threshold: one RNG call per unit.
        let threshold = UInt64(keep * Double(1 << 24))
        y.data.withUnsafeMutableBufferPointer { d in
            mask.withUnsafeMutableBufferPointer { m in
                for i in 0..<d.count {
                    let k: Float = (ctx.rng.next() >> 40) < threshold ? scale : 0
                    m[i] = k
                    d[i] *= k
                }
            }
        }
    }

    public func backward(_ dx: inout Matrix) throws {
        guard applied else { return }
        dx.data.withUnsafeMutableBufferPointer { d in
            mask.withUnsafeBufferPointer { m in for i in 0..<d.count { d[i] *= m[i] } }
        }
    }
}
