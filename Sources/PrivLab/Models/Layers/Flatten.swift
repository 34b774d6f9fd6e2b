/// Turns `[channels, height, width]` into a vector. Activations are already stored flat per example,
/// so only the declared shape changes.
public final class Flatten: Layer {
    public var spec: LayerSpec { .flatten }
    public let inputShape: [Int]
    public var outputShape: [Int] { [inputShape.reduce(1, *)] }
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    public init(inputShape: [Int]) { self.inputShape = inputShape }
    public func forward(_ x: inout Matrix, _ ctx: inout ForwardContext) throws {}
    public func backward(_ g: inout Matrix) throws {}
}
