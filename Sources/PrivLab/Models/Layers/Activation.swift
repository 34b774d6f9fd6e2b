import Foundation

/// Element-wise ReLU, tanh or logistic sigmoid. Caches its output: every derivative here is a
/// function of the output (relu' = [y > 0], tanh' = 1 − y², σ' = y(1 − y)).
public final class Activation: Layer {
    public let kind: ActivationKind
    public var spec: LayerSpec { .activation(kind) }
    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    private var lastOutput = Matrix(rows: 0, cols: 0)

    public init(kind: ActivationKind, shape: [Int]) {
        self.kind = kind
        self.inputShape = shape
    }

    /// Element by element, so large batches are split over the cores with the same bits.
    static let grain = 1 << 16

    public func forward(_ y: inout Matrix, _ ctx: inout ForwardContext) throws {
        let kind = self.kind
        y.data.withUnsafeMutableBufferPointer { all in
            let base = all.baseAddress!
            ParallelWork.forEachRange(all.count, grain: Self.grain) { r in
                let d = UnsafeMutableBufferPointer(start: base + r.lowerBound, count: r.count)
                switch kind {
                case .relu: reluInPlace(d)
                case .tanh: for i in 0..<d.count { d[i] = tanhf(d[i]) }
                case .sigmoid: for i in 0..<d.count { d[i] = 1 / (1 + expf(-d[i])) }
                }
            }
        }
        if ctx.training { lastOutput = y }
    }

    public func backward(_ dx: inout Matrix) throws {
        let kind = self.kind
        dx.data.withUnsafeMutableBufferPointer { all in
            lastOutput.data.withUnsafeBufferPointer { out in
                let (base, yb) = (all.baseAddress!, out.baseAddress!)
                ParallelWork.forEachRange(all.count, grain: Self.grain) { r in
                    let d = UnsafeMutableBufferPointer(start: base + r.lowerBound, count: r.count)
                    let y = UnsafeBufferPointer(start: yb + r.lowerBound, count: r.count)
                    switch kind {
                    case .relu: reluGradientInPlace(d, y)
                    case .tanh: for i in 0..<d.count { d[i] *= 1 - y[i] * y[i] }
                    case .sigmoid: for i in 0..<d.count { d[i] *= y[i] * (1 - y[i]) }
                    }
                }
            }
        }
    }
}

// ReLU and its gradient in 16-wide SIMD: the scalar loops compile to a compare-and-branch per
// element (the select does not vectorise), which made them a visible share of an epoch.

/// x ← max(x, 0).
func reluInPlace(_ d: UnsafeMutableBufferPointer<Float>) {
    guard let base = d.baseAddress else { return }
    let n = d.count
    let raw = UnsafeMutableRawPointer(base)
    var i = 0
    while i + 16 <= n {
        var v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        v.replace(with: 0, where: v .< 0)
        raw.storeBytes(of: v, toByteOffset: i * 4, as: SIMD16<Float>.self)
        i += 16
    }
    while i < n { if base[i] < 0 { base[i] = 0 }; i += 1 }
}

/// g ← g where y > 0, else 0 (y is the ReLU's output).
func reluGradientInPlace(_ g: UnsafeMutableBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) {
    guard let gb = g.baseAddress, let yb = y.baseAddress else { return }
    let n = g.count
    let graw = UnsafeMutableRawPointer(gb), yraw = UnsafeRawPointer(yb)
    var i = 0
    while i + 16 <= n {
        var v = graw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        let out = yraw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        v.replace(with: 0, where: out .<= 0)
        graw.storeBytes(of: v, toByteOffset: i * 4, as: SIMD16<Float>.self)
        i += 16
    }
    while i < n { if yb[i] <= 0 { gb[i] = 0 }; i += 1 }
}
