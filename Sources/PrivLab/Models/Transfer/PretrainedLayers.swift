/// Starting values for a network's lower layers, copied from another (fitted) network: the
/// shared feature extractor of transfer learning. A network holding them initialises its first
/// `layers` layers with parameters from `values` instead of at random (the rest at random, from
/// the network's seed as always), so every copy — every SISA shard, every shadow model — starts
/// from the same extractor.
public struct PretrainedLayers: Equatable, Sendable {
    /// Layers with parameters covered, from the first.
    public let layers: Int
    /// The per-example input shape the extractor was trained on.
    public let inputShape: [Int]
    /// The values of each parameter of those layers, in `NeuralNetwork.parameters` order.
    public let values: [[Float]]
    /// What the extractor was, for summaries (e.g. the base network's summary).
    public let source: String

    public init(layers: Int, inputShape: [Int], values: [[Float]], source: String) {
        self.layers = layers
        self.inputShape = inputShape
        self.values = values
        self.source = source
    }

    /// A hash of the values and shape (part of the network's configuration identity, so two
    /// extractors never share SISA checkpoints).
    public var digest: String {
        var h = ContentHash()
        h.add(layers)
        h.add(inputShape)
        for v in values { h.add(v) }
        return h.hex
    }

    /// Copies the values into the first `layers` layers with parameters of `built`, checking the
    /// input shape and every parameter's size.
    func apply(to built: [Layer], inputShape shape: [Int]) throws {
        guard shape == inputShape else {
            throw PrivLabError.shape("transfer: the pretrained layers read records of shape \(inputShape) (\(inputShape.reduce(1, *)) values), the data has \(shape) (\(shape.reduce(1, *)) values)")
        }
        let params = built.filter { !$0.parameters.isEmpty }.prefix(layers).flatMap(\.parameters)
        guard params.count == values.count, zip(params, values).allSatisfy({ $0.value.count == $1.count }) else {
            throw PrivLabError.shape("transfer: the pretrained values do not match the network's first \(layers) layers")
        }
        for (p, v) in zip(params, values) { p.value.data = v }
    }

    /// The description stored in model files (the values go to the float block).
    public struct Stored: Codable, Sendable {
        var layers: Int
        var inputShape: [Int]
        var counts: [Int]
        var source: String
    }

    var stored: Stored { Stored(layers: layers, inputShape: inputShape, counts: values.map(\.count), source: source) }

    /// Reads back what `stored` described from `floats` at `cursor`.
    init(_ s: Stored, floats: [Float], cursor: inout Int, path: String) throws {
        var v = [[Float]]()
        for c in s.counts {
            guard c >= 0, cursor + c <= floats.count else { throw PrivLabError.malformedFile(location: path, reason: "too few pretrained parameters") }
            v.append(Array(floats[cursor..<(cursor + c)]))
            cursor += c
        }
        self.init(layers: s.layers, inputShape: s.inputShape, values: v, source: s.source)
    }
}
