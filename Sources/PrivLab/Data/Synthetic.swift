import Foundation

/// Seeded synthetic datasets for tests and small experiments.
public enum Synthetic {
    /// Isotropic Gaussian blobs (as scikit-learn's `make_blobs`): `classes` centres drawn uniformly
    /// in `[-box, box]^features`, each record a centre plus N(0, std²) noise. Classes are balanced
    /// (sizes differ by at most one) and records come in a random order.
    public static func blobs(n: Int, features: Int, classes: Int, std: Double = 1.0, box: Double = 10.0,
                             seed: UInt64) throws -> Dataset {
        guard n >= 1 else { throw PrivLabError.invalidArgument("blobs: n must be at least 1") }
        guard features >= 1 else { throw PrivLabError.invalidArgument("blobs: features must be at least 1") }
        guard classes >= 1 else { throw PrivLabError.invalidArgument("blobs: classes must be at least 1") }
        guard std.isFinite, std >= 0 else { throw PrivLabError.invalidArgument("blobs: std must be a non-negative number") }
        try MemoryBudget.check(Double(n) * (Double(features) * 4 + 16) + Double(classes) * Double(features) * 8, "blobs with n = \(n) and features = \(features)")
        var rng = RNG(seed: seed)
        let centres = (0..<classes).map { _ in (0..<features).map { _ in rng.uniform(-box, box) } }
        var labels = (0..<n).map { $0 % classes }
        rng.shuffle(&labels)
        var x = [Float](repeating: 0, count: n * features)
        for i in 0..<n {
            for j in 0..<features { x[i * features + j] = Float(centres[labels[i]][j] + std * rng.normal()) }
        }
        return try Dataset(features: Matrix(rows: n, cols: features, data: x), labels: labels, classes: classes,
                           featureNames: (1...features).map { "x\($0)" }, name: "blobs")
    }

    /// A Purchase-like dataset (Shokri et al., S&P 2017, §V-A): sparse binary "bought this item"
    /// features, with classes that are shopping styles. Each class has a signature of items it buys
    /// often (probability ~U(0.3, 0.8)); every other item is bought at a low base rate shared by all
    /// classes (~U(0, 2·density)). Overlapping signatures make the task hard with many classes, as in
    /// the original, so models overfit and membership inference has something to find.
    public static func purchase(n: Int, features: Int = 600, classes: Int = 100, density: Double = 0.05,
                                signature: Double = 0.1, seed: UInt64) throws -> Dataset {
        guard n >= 1 else { throw PrivLabError.invalidArgument("purchase: n must be at least 1") }
        guard features >= 2 else { throw PrivLabError.invalidArgument("purchase: features must be at least 2") }
        guard classes >= 2, classes <= 100 else { throw PrivLabError.invalidArgument("purchase: classes must be in 2…100") }
        guard density > 0, density < 0.5 else { throw PrivLabError.invalidArgument("purchase: density must be in (0, 0.5)") }
        guard signature > 0, signature <= 1 else { throw PrivLabError.invalidArgument("purchase: signature must be in (0, 1]") }
        try MemoryBudget.check(Double(n) * (Double(features) * 4 + 16) + Double(classes) * Double(features) * 8, "purchase with n = \(n) and features = \(features)")
        var rng = RNG(seed: seed)
        let base = (0..<features).map { _ in rng.uniform(0, 2 * density) }
        let sigSize = max(1, Int((signature * Double(features)).rounded()))
        var probs = [[Double]]()
        for _ in 0..<classes {
            var p = base
            for j in try rng.sample(features, sigSize) { p[j] = rng.uniform(0.3, 0.8) }
            probs.append(p)
        }
        var labels = (0..<n).map { $0 % classes }
        rng.shuffle(&labels)
        var x = [Float](repeating: 0, count: n * features)
        for i in 0..<n {
            let p = probs[labels[i]]
            for j in 0..<features where rng.uniform() < p[j] { x[i * features + j] = 1 }
        }
        return try Dataset(features: Matrix(rows: n, cols: features, data: x), labels: labels, classes: classes,
                           featureNames: (1...features).map { "item\($0)" }, name: "purchase")
    }
}
