import Foundation

/// Trains the members of an ensemble defense (PATE's teachers, PASE's and SELENA's sub-models):
/// re-seeded copies of one template, member i on its own part of the data, in parallel over the
/// cores. Results come back in member order and do not depend on the number of workers (each
/// member's training is bit-identical for any BLAS thread count).
struct EnsembleMembers {
    let template: Classifier
    let seed: UInt64
    let workers: Int

    func train(_ parts: [Dataset], progress: ((Int, Int) -> Void)? = nil) throws -> [Classifier] {
        let lock = NSLock()
        var done = 0
        return try ParallelWork.run(parts.count, workers: template.parallelWorkers(workers)) { i -> Classifier in
            let m = try template.reseededClone(seed: mix64(seed &+ UInt64(i) &* 0x5851_F42D_4C95_7F2D))
            try m.fit(parts[i])
            if let p = progress {
                lock.lock(); done += 1; let d = done; lock.unlock()
                p(d, parts.count)
            }
            return m
        }
    }

    /// The mean of the members' probability vectors for the rows of `x` — released ones, or at
    /// `temperature` when given —, over the members `chosen(row)` names for each row (all when nil).
    static func meanProbabilities(_ members: [Classifier], _ x: Matrix, temperature: Double? = nil,
                                  chosen: ((Int) -> [Int])? = nil) throws -> Matrix {
        let outputs = try members.map { m in try temperature.map { try m.predictProba(x, temperature: $0) } ?? m.releasedProbabilities(x) }
        return mean(of: outputs, rows: x.rows, chosen: chosen)
    }

    /// Row r of the result: the mean of row r of `outputs[m]` over the members `chosen(r)` names
    /// (all when nil) — Split-AI's and PASE's adaptive answer once the members have answered.
    static func mean(of outputs: [Matrix], rows: Int, chosen: ((Int) -> [Int])? = nil) -> Matrix {
        let k = outputs.first?.cols ?? 0
        var out = Matrix(rows: rows, cols: k)
        for r in 0..<rows {
            let which = chosen?(r) ?? Array(outputs.indices)
            let w = 1 / Float(which.count)
            for m in which {
                for j in 0..<k { out.data[r * k + j] += w * outputs[m].data[r * k + j] }
            }
        }
        return out
    }
}

/// Finds the rows of a feature matrix by exact content: how a query-time defense recognises that
/// it is being asked about one of its training records (PASE, SELENA's Split-AI), and how a
/// reference set is checked to share no record with the private set.
struct RowLookup {
    private var buckets = [UInt64: [Int]]()
    private let x: Matrix

    /// The rows looked up (what a model file stores).
    var rows: Matrix { x }

    init(_ x: Matrix) {
        self.x = x
        for r in 0..<x.rows { buckets[Self.hash(x, r), default: []].append(r) }
    }

    /// A hash of row `r`'s bits (−0 and +0 hash alike, as they compare equal).
    static func hash(_ m: Matrix, _ r: Int) -> UInt64 {
        var h = ContentHash()
        for j in 0..<m.cols {
            let v = m.data[r * m.cols + j]
            h.add(v == 0 ? UInt32(0) : v.bitPattern)
        }
        return h.value
    }

    /// The first row of the indexed matrix equal to row `r` of `m`, if any.
    func position(of m: Matrix, row r: Int) -> Int? {
        guard m.cols == x.cols, let candidates = buckets[Self.hash(m, r)] else { return nil }
        return candidates.first { c in (0..<m.cols).allSatisfy { x.data[c * x.cols + $0] == m.data[r * m.cols + $0] } }
    }

    /// Throws when any row of `other` is a row of the indexed (private) matrix.
    func requireDisjoint(_ other: Matrix, _ message: (_ shared: Int, _ otherRow: Int, _ privateRow: Int) -> String) throws {
        var shared = 0
        var first: (Int, Int)? = nil
        for r in 0..<other.rows {
            if let p = position(of: other, row: r) {
                shared += 1
                if first == nil { first = (r, p) }
            }
        }
        if let (o, p) = first { throw PrivLabError.invalidArgument(message(shared, o + 1, p + 1)) }
    }
}
