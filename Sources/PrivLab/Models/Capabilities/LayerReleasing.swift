/// A model whose lower layers can be released without its head — an embedding or a feature
/// extractor, as in transfer learning: what a grey-box attacker holding those layers computes
/// (Nasr et al., S&P 2019, §IV, intermediate layers; the released-layers attack). Networks.
public protocol LayerReleasing: Predictor {
    /// Layers as the model lists them (an MLP's hidden block: dense, activation, dropout).
    var layerCount: Int { get }
    /// The layers below the output layer (what a released feature extractor holds).
    var layersBelowOutput: Int { get }
    /// Classes the model was fitted on.
    var classes: Int { get }
    /// The output of the first `count` layers at inference.
    func activations(_ x: Matrix, throughLayers count: Int) throws -> Matrix
}

extension NeuralNetwork: LayerReleasing {
    public var layerCount: Int { layers.count }
}

extension Predictor {
    /// The layers this model can release, or nil for a model without separable layers (a classical
    /// model, a pipeline, a query-budgeted target: a black box).
    public var releasableLayers: LayerReleasing? { self as? LayerReleasing }
}
