/// How much of a dataset goes to one side of a split.
public enum SplitSize: Sendable {
    /// A fraction in (0, 1).
    case fraction(Double)
    /// An exact number of records.
    case count(Int)

    func resolve(_ n: Int) throws -> Int {
        switch self {
        case .fraction(let f):
            guard f.isFinite, f > 0, f < 1 else { throw PrivLabError.invalidArgument("split fraction must be in (0, 1), got \(f)") }
            return Int((f * Double(n)).rounded())
        case .count(let c):
            guard c >= 0, c <= n else { throw PrivLabError.invalidArgument("split count \(c) is outside 0…\(n)") }
            return c
        }
    }
}

extension Dataset {
    /// Splits into (rest, part) where `part` has the requested size. Random (seeded); with
    /// `stratified`, every class is split in the same proportion (largest-remainder rounding so the
    /// total is exact). Record ids are preserved on both sides; each side keeps the original order.
    public func split(_ part: SplitSize, stratified: Bool = false, seed: UInt64) throws -> (rest: Dataset, part: Dataset) {
        let k = try part.resolve(size)
        var rng = RNG(seed: seed)
        var chosen = [Bool](repeating: false, count: size)
        if !stratified {
            for p in try rng.sample(size, k) { chosen[p] = true }
        } else {
            var byClass = [[Int]](repeating: [], count: classes)
            for (i, l) in labels.enumerated() { byClass[l].append(i) }
            // Largest-remainder apportionment of k over classes.
            let exact = byClass.map { Double($0.count) * Double(k) / Double(max(size, 1)) }
            var take = exact.map { Int($0.rounded(.down)) }
            var left = k - take.reduce(0, +)
            let order = exact.indices.sorted { (exact[$0] - Double(take[$0]), -$0) > (exact[$1] - Double(take[$1]), -$1) }
            for c in order where left > 0 && take[c] < byClass[c].count {
                take[c] += 1
                left -= 1
            }
            for c in 0..<classes where take[c] > 0 {
                for p in try rng.sample(byClass[c].count, take[c]) { chosen[byClass[c][p]] = true }
            }
        }
        let partRows = (0..<size).filter { chosen[$0] }
        let restRows = (0..<size).filter { !chosen[$0] }
        return (rows(restRows), rows(partRows))
    }
}
