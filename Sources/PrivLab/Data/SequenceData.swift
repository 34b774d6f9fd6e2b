import Foundation

/// Sequence data sets for recurrent models.
extension Synthetic {
    /// The symbol-order task, a seeded generated set where only the order carries the label: each
    /// record is `steps` symbols from an alphabet of `symbols`, one-hot (steps × symbols values,
    /// step by step). Two marker symbols, A (0) and B (1), appear exactly once each at two distinct
    /// random positions; every other position holds a uniformly drawn filler symbol (2 … symbols−1).
    /// The label is 1 when A comes before B, else 0 (balanced, in random order). Both classes
    /// have the same symbol counts, so a model that ignores order (bag of symbols) is at chance;
    /// a recurrent one must remember which marker it saw first across the fillers between them.
    /// (Our own choice, in the spirit of Hochreiter & Schmidhuber 1997's "temporal order" problems.)
    public static func symbolOrder(n: Int, steps: Int = 20, symbols: Int = 6, seed: UInt64) throws -> Dataset {
        guard n >= 1 else { throw PrivLabError.invalidArgument("symbol_order: n must be at least 1") }
        guard steps >= 2 else { throw PrivLabError.invalidArgument("symbol_order: steps must be at least 2 (the two markers)") }
        guard symbols >= 3 else { throw PrivLabError.invalidArgument("symbol_order: symbols must be at least 3 (two markers and a filler)") }
        let width = steps * symbols
        try MemoryBudget.check(Double(n) * (Double(width) * 4 + 16), "symbol_order with n = \(n), steps = \(steps), symbols = \(symbols)")
        var rng = RNG(seed: seed)
        var labels = (0..<n).map { $0 % 2 }
        rng.shuffle(&labels)
        var x = [Float](repeating: 0, count: n * width)
        for i in 0..<n {
            let first = rng.int(below: steps)
            var second = rng.int(below: steps - 1)
            if second >= first { second += 1 }
            // The earlier of the two positions holds A for label 1, B for label 0.
            let (early, late) = (min(first, second), max(first, second))
            for s in 0..<steps {
                let symbol: Int
                if s == early { symbol = labels[i] == 1 ? 0 : 1 } else if s == late { symbol = labels[i] == 1 ? 1 : 0 } else {
                    symbol = 2 + rng.int(below: symbols - 2)
                }
                x[i * width + s * symbols + symbol] = 1
            }
        }
        let names = (0..<steps).flatMap { s in (0..<symbols).map { "t\(s + 1)_\($0 == 0 ? "A" : $0 == 1 ? "B" : "s\($0 - 1)")" } }
        return try Dataset(features: Matrix(rows: n, cols: width, data: x), labels: labels, classes: 2, featureNames: names,
                           classNames: ["B first", "A first"], name: "symbol order")
    }

    /// Sequential Fashion-MNIST (the pixel-row benchmark of recurrent models, e.g. Le, Jaitly & Hinton
    /// 2015's sequential MNIST read by rows): the same records, read as 28 steps of 28 pixels. The
    /// rows are already step by step (row-major 28 × 28), so this is a view: only the image shape is
    /// dropped (convolutions then refuse it; a recurrent model reads it with steps = 28).
    public static func sequentialFashionMNIST(_ images: Dataset) throws -> Dataset {
        guard images.featureCount == 784 else {
            throw PrivLabError.shape("sequential_fashion_mnist: expects 784 pixels per record, got \(images.featureCount)")
        }
        var ds = images
        ds.imageShape = nil
        ds.name = "sequential fashion-mnist"
        return ds
    }
}
