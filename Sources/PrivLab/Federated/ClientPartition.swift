import Foundation

/// How the records of a data set are dealt to simulated clients.
public enum ClientPartitionKind: String, Codable, Sendable, CaseIterable {
    /// Shuffled, then dealt in turn: every client gets the data's class mix (McMahan et al. 2017's IID split).
    case iid
    /// Label skew (Hsu, Qi & Brown 2019, §3): each client's class proportions are a draw from
    /// Dirichlet(α·p), p the data's class shares; small α gives clients few classes, large α the IID mix.
    case dirichlet
    /// Pathological non-IID (McMahan et al. 2017, §3): records sorted by label, cut into
    /// `classesPerClient`·N equal shards, each client given that many shards at random.
    case classes
}

/// The settings of a partition into clients.
public struct ClientPartitionOptions: Codable, Equatable, Sendable {
    public var kind: ClientPartitionKind = .iid
    public var clients = 100
    /// Dirichlet concentration α (kind `.dirichlet`).
    public var alpha = 0.5
    /// Shards (about classes) per client (kind `.classes`).
    public var classesPerClient = 2
    public var seed: UInt64 = 1
    public init() {}

    func validate(records n: Int) throws {
        func check(_ ok: Bool, _ msg: String) throws { if !ok { throw PrivLabError.invalidArgument("clients: \(msg)") } }
        try check(clients >= 1, "clients must be at least 1")
        try check(clients <= n, "\(clients) clients but only \(n) records: a client with no records cannot train")
        try check(alpha.isFinite && alpha > 0, "alpha must be a positive number")
        try check(classesPerClient >= 1, "classes must be at least 1")
        if kind == .classes {
            try check(classesPerClient * clients <= n, "\(clients) clients × \(classesPerClient) shards need at least \(classesPerClient * clients) records, the data has \(n)")
        }
    }
}

/// The partition algorithms: each returns, per client, the row positions of its records.
enum ClientPartition {
    static func positions(_ data: Dataset, _ o: ClientPartitionOptions) throws -> [[Int]] {
        try o.validate(records: data.size)
        var rng = RNG.stream(seed: o.seed, index: 0xC11E)
        switch o.kind {
        case .iid: return iid(data.size, clients: o.clients, rng: &rng)
        case .dirichlet: return dirichlet(data, clients: o.clients, alpha: o.alpha, rng: &rng)
        case .classes: return shards(data, clients: o.clients, perClient: o.classesPerClient, rng: &rng)
        }
    }

    /// A shuffle dealt round-robin: sizes differ by at most one.
    static func iid(_ n: Int, clients: Int, rng: inout RNG) -> [[Int]] {
        var out = [[Int]](repeating: [], count: clients)
        for (i, p) in rng.permutation(n).enumerated() { out[i % clients].append(p) }
        return out
    }

    /// Hsu et al. 2019: client k gets ⌊n/N⌋ or ⌈n/N⌉ records; each of its records' class is drawn
    /// from its own q_k ~ Dir(α·p) among the classes that still have records (renormalised when
    /// one runs out), and the record itself uniformly from that class's remaining ones. Every
    /// client has records (the per-class split of Yurochkin et al. 2019 can leave clients empty).
    static func dirichlet(_ data: Dataset, clients: Int, alpha: Double, rng: inout RNG) -> [[Int]] {
        var pools = [[Int]](repeating: [], count: data.classes)
        for p in rng.permutation(data.size) { pools[data.labels[p]].append(p) }
        let prior = pools.map { Double($0.count) / Double(data.size) }
        let quota = (0..<clients).map { data.size / clients + ($0 < data.size % clients ? 1 : 0) }
        var out = [[Int]]()
        for k in 0..<clients {
            // Classes absent from the data get no weight (a zero concentration is not allowed).
            let present = prior.indices.filter { prior[$0] > 0 }
            let q = rng.dirichlet(present.map { alpha * prior[$0] })
            var mix = [Double](repeating: 0, count: data.classes)
            for (j, c) in present.enumerated() { mix[c] = q[j] }
            var mine = [Int]()
            for _ in 0..<quota[k] {
                var w = mix.indices.map { pools[$0].isEmpty ? 0 : mix[$0] }
                // Its favourite classes all ran out: take from what is left, in the data's proportions.
                if !w.contains(where: { $0 > 0 }) { w = pools.map { Double($0.count) } }
                let c = rng.categorical(w)
                mine.append(pools[c].popLast()!)
            }
            out.append(mine)
        }
        return out
    }

    /// McMahan et al. 2017: sort by label (ties in a random order), cut into perClient·N shards of
    /// equal size (the last ones absorbing the remainder), deal the shards at random.
    static func shards(_ data: Dataset, clients: Int, perClient: Int, rng: inout RNG) -> [[Int]] {
        let order = rng.permutation(data.size).enumerated().sorted {
            data.labels[$0.element] != data.labels[$1.element] ? data.labels[$0.element] < data.labels[$1.element] : $0.offset < $1.offset
        }.map(\.element)
        let count = perClient * clients
        let shardOf = rng.permutation(count)
        var out = [[Int]](repeating: [], count: clients)
        for s in 0..<count {
            let lo = s * data.size / count, hi = (s + 1) * data.size / count
            out[shardOf[s] % clients].append(contentsOf: order[lo..<hi])
        }
        return out
    }
}
