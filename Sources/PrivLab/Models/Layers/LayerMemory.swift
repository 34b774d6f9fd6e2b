/// Shapes and sizes of a layer stack worked out from the specs alone (in Double: products of
/// user-given sizes must not overflow before they are checked), for `MemoryBudget`.
extension LayerSpec {
    /// (parameters, output shape, per-example scratch floats such as the convolution's patches).
    func footprint(inputShape s: [Double], classes: Int) -> (parameters: Double, output: [Double], scratch: Double)? {
        let size = s.reduce(1, *)
        switch self {
        case .dense(let units, _):
            let u = Double(units ?? classes)
            return ((size + 1) * u, [u], 0)
        case .activation, .dropout: return (0, s, 0)
        case .flatten: return (0, [size], 0)
        case .conv2d(let filters, let kernel, let stride, let padding):
            guard s.count == 3, stride >= 1 else { return nil }
            let k = Double(kernel), p = Double(padding), st = Double(stride)
            let oh = ((s[1] + 2 * p - k) / st).rounded(.down) + 1, ow = ((s[2] + 2 * p - k) / st).rounded(.down) + 1
            guard oh >= 1, ow >= 1 else { return nil }
            return (Double(filters) * (s[0] * k * k + 1), [Double(filters), oh, ow], s[0] * k * k * oh * ow)
        case .maxPool(let size, let stride), .avgPool(let size, let stride):
            guard s.count == 3, stride >= 1 else { return nil }
            let oh = ((s[1] - Double(size)) / Double(stride)).rounded(.down) + 1, ow = ((s[2] - Double(size)) / Double(stride)).rounded(.down) + 1
            guard oh >= 1, ow >= 1 else { return nil }
            return (0, [s[0], oh, ow], 0)
        case .recurrent(let cell, let hidden, let steps, let sequences):
            // Weights and biases; per example the gates, states, cell extras, both pre-activation
            // gradients and the previous states, over all steps (kept for backpropagation through time).
            guard steps >= 1 else { return nil }
            let h = Double(hidden), g = Double(cell.gates) * h, t = Double(steps), f = size / t
            return (g * (f + h + 2), sequences ? [t, h] : [h], t * (3 * g + 3 * h))
        }
    }
}

extension NeuralNetwork {
    /// Bytes training needs at `batch`: parameters four times over (values, gradients, two
    /// optimiser moments), every layer's output for the batch three times (forward cache,
    /// gradient, a working copy), and the largest per-layer scratch for the batch; nil when the
    /// shapes do not fit (building then reports that).
    func estimatedTrainingBytes(inputShape: [Int], classes: Int, batch: Int) -> (bytes: Double, parameters: Double)? {
        var s = inputShape.map(Double.init)
        var parameters = 0.0, activations = s.reduce(1, *), scratch = 0.0
        for spec in specs {
            guard let f = spec.footprint(inputShape: s, classes: classes) else { return nil }
            parameters += f.parameters
            activations += f.output.reduce(1, *)
            scratch = max(scratch, f.scratch)
            s = f.output
        }
        let b = Double(max(batch, 1))
        return (4 * (4 * parameters + 3 * b * activations + b * scratch), parameters)
    }
}
