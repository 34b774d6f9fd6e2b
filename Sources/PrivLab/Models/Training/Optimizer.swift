import CKernels
import Foundation

/// Which update rule a trainer uses.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    /// Plain SGD, or heavy-ball momentum when `momentum > 0` (PyTorch's formulation:
    /// v ← μv + g, w ← w − lr·v; Nesterov optional).
    case sgd
    /// Adam (Kingma & Ba, ICLR 2015) with bias correction.
    case adam
}

/// Optimizer state over a fixed list of parameters.
public final class Optimizer {
    public let kind: OptimizerKind
    public var momentum: Double
    public var nesterov: Bool
    public var beta1: Double, beta2: Double, epsilon: Double
    private var state1: [[Float]] = []
    private var state2: [[Float]] = []
    private var step = 0

    public init(kind: OptimizerKind, momentum: Double = 0, nesterov: Bool = false,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.kind = kind
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Applies one update with learning rate `lr` using each parameter's `grad`.
    public func update(_ params: [Parameter], lr: Double) {
        if state1.count != params.count {
            state1 = params.map { [Float](repeating: 0, count: $0.value.count) }
            state2 = kind == .adam ? params.map { [Float](repeating: 0, count: $0.value.count) } : []
        }
        step += 1
        let lrf = Float(lr)
        switch kind {
        case .sgd:
            let mu = Float(momentum)
            for (pi, p) in params.enumerated() {
                p.value.data.withUnsafeMutableBufferPointer { w in
                    p.grad.data.withUnsafeBufferPointer { g in
                        if mu == 0 {
                            for i in 0..<w.count { w[i] -= lrf * g[i] }
                        } else {
                            state1[pi].withUnsafeMutableBufferPointer { v in
                                for i in 0..<w.count {
                                    v[i] = mu * v[i] + g[i]
                                    w[i] -= lrf * (nesterov ? g[i] + mu * v[i] : v[i])
                                }
                            }
                        }
                    }
                }
            }
        case .adam:
            let b1 = Float(beta1), b2 = Float(beta2), eps = Float(epsilon)
            let c1 = Float(1 - pow(beta1, Double(step))), c2 = Float(1 - pow(beta2, Double(step)))
            let stepSize = lrf / c1
            let invSqrtC2 = 1 / c2.squareRoot()
            for (pi, p) in params.enumerated() {
                p.value.data.withUnsafeMutableBufferPointer { w in
                    p.grad.data.withUnsafeBufferPointer { g in
                        state1[pi].withUnsafeMutableBufferPointer { m in
                            state2[pi].withUnsafeMutableBufferPointer { v in
                                // Element by element (vectorised C), so split over the cores with the same bits.
                                let n = w.count
                                let (w, g, m, v) = (w.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!)
                                ParallelWork.forEachRange(n, grain: 32768) { r in
                                    let o = r.lowerBound
                                    pl_adam_update(w + o, g + o, m + o, v + o, r.count, b1, b2, stepSize, invSqrtC2, eps)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
