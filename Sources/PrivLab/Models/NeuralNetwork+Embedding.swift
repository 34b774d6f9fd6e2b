import Foundation

extension NeuralNetwork {
    /// The output of the first `count` layers (as `layers` lists them: an MLP's hidden block is a
    /// dense layer, its activation and its dropout) at inference, in evaluation batches: what a
    /// released lower part of the network — an embedding, a feature extractor — computes.
    public func activations(_ x: Matrix, throughLayers count: Int) throws -> Matrix {
        guard isFitted else { throw PrivLabError.invalidArgument("the model is not fitted yet: call fit first") }
        guard count >= 1, count < layers.count else {
            throw PrivLabError.invalidArgument("released layers: between 1 and \(layers.count - 1) of the network's \(layers.count) layers, got \(count)")
        }
        guard x.cols == inputShape.reduce(1, *) else { throw PrivLabError.shape("the model expects \(inputShape.reduce(1, *)) features, got \(x.cols)") }
        var ctx = ForwardContext(training: false, rng: RNG(seed: 0))
        var parts = [Matrix]()
        var start = 0
        while start < x.rows {
            let end = min(start + evaluationBatch, x.rows)
            var a = start == 0 && end == x.rows ? x : x.rows(Array(start..<end))
            for l in layers[0..<count] { try l.forward(&a, &ctx) }
            parts.append(a)
            start = end
        }
        guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
        var out = Matrix(rows: x.rows, cols: first.cols)
        out.data = parts.flatMap(\.data)
        return out
    }

    /// The number of layers below the output layer (what a released feature extractor holds).
    public var layersBelowOutput: Int { max(0, layers.count - 1) }
}
