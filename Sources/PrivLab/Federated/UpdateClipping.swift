/// Clipping of one client's update (a flat vector over the model's parameters): the projection
/// π(Δ, S) = Δ·min(1, S/‖Δ‖) of McMahan et al. 2018 (Alg. 1), over the whole vector or — per
/// layer (§3) — each layer's slice to S/√L, so that the whole is within S either way.
public struct UpdateClipping: Sendable {
    /// The slices of the flat vector that belong to each layer with parameters.
    public let layers: [Range<Int>]
    public let perLayer: Bool

    public init(layers: [Range<Int>], perLayer: Bool) {
        self.layers = layers
        self.perLayer = perLayer
    }

    /// Clips `delta` in place to `bound`; returns the norm before clipping (the whole vector's).
    @discardableResult
    public func clip(_ delta: inout [Float], to bound: Double) -> Double {
        let norm = Self.norm(delta, 0..<delta.count)
        if perLayer {
            let each = bound / Double(max(layers.count, 1)).squareRoot()
            for r in layers { Self.scale(&delta, r, by: Self.factor(Self.norm(delta, r), each)) }
        } else {
            Self.scale(&delta, 0..<delta.count, by: Self.factor(norm, bound))
        }
        return norm
    }

    /// min(1, S/‖Δ‖), 1 for a zero update.
    static func factor(_ norm: Double, _ bound: Double) -> Double { norm > bound ? bound / norm : 1 }

    public static func norm(_ v: [Float], _ r: Range<Int>) -> Double {
        var s = 0.0
        for i in r { s += Double(v[i]) * Double(v[i]) }
        return s.squareRoot()
    }

    static func scale(_ v: inout [Float], _ r: Range<Int>, by f: Double) {
        if f == 1 { return }
        let ff = Float(f)
        for i in r { v[i] *= ff }
    }
}
