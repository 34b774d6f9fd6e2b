/// L1 and L2 penalties on the weights (not the biases, as in scikit-learn and most papers): their
/// gradients λ₂·w + λ₁·sign(w) added to each penalised parameter's gradient before the update.
struct WeightPenalty {
    let l1: Float
    let l2: Float

    var isZero: Bool { l1 == 0 && l2 == 0 }

    func addGradients(_ params: [Parameter]) {
        if isZero { return }
        let (l1, l2) = (self.l1, self.l2)
        for p in params where p.penalized {
            p.grad.data.withUnsafeMutableBufferPointer { gd in
                p.value.data.withUnsafeBufferPointer { w in
                    for i in 0..<gd.count {
                        let wi = w[i]
                        gd[i] += l2 * wi + (wi > 0 ? l1 : (wi < 0 ? -l1 : 0))
                    }
                }
            }
        }
    }
}
