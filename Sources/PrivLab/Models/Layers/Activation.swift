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

    public func forward(_ y: inout Matrix, _ ctx: inout ForwardContext) throws {
        y.data.withUnsafeMutableBufferPointer { d in
            switch kind {
            case .relu: for i in 0..<d.count { d[i] = max(d[i], 0) }
            case .tanh: for i in 0..<d.count { d[i] = tanhf(d[i]) }
            case .sigmoid: for i in 0..<d.count { d[i] = 1 / (1 + expf(-d[i])) }
            }
        }
        if ctx.training { lastOutput = y }
    }

    public func backward(_ dx: inout Matrix) throws {
        dx.data.withUnsafeMutableBufferPointer { d in
            lastOutput.data.withUnsafeBufferPointer { y in
                switch kind {
                case .relu: for i in 0..<d.count { d[i] = y[i] > 0 ? d[i] : 0 }
                case .tanh: for i in 0..<d.count { d[i] *= 1 - y[i] * y[i] }
                case .sigmoid: for i in 0..<d.count { d[i] *= y[i] * (1 - y[i]) }
                }
            }
        }
    }
}
