/// A data set split into clients (users): each client's records stay together — user-level DP
/// protects all of one client's records at once (McMahan et al., ICLR 2018, §2).
public struct FederatedClients: Sendable, CustomStringConvertible {
    /// The records of every client.
    public let data: Dataset
    /// Per client, the row positions of its records in `data` (disjoint, none empty).
    public let members: [[Int]]
    /// How the clients were made ("iid", "dirichlet(α = 0.5)", "groups", …), for printing.
    public let origin: String

    /// Clients given by their members' row positions; an empty client, a position outside the data
    /// or a record in two clients is an error.
    public init(data: Dataset, members: [[Int]], origin: String) throws {
        guard !members.isEmpty else { throw PrivLabError.invalidArgument("clients: there must be at least one client") }
        var seen = Set<Int>()
        for (k, m) in members.enumerated() {
            guard !m.isEmpty else { throw PrivLabError.invalidArgument("clients: client \(k + 1) has no records") }
            for p in m {
                guard p >= 0, p < data.size else { throw PrivLabError.invalidArgument("clients: client \(k + 1) names row \(p + 1), outside the \(data.size) records") }
                guard seen.insert(p).inserted else { throw PrivLabError.invalidArgument("clients: record id \(data.ids[p]) is in two clients") }
            }
        }
        self.data = data
        self.members = members
        self.origin = origin
    }

    /// `data` partitioned by `options` (IID, Dirichlet label skew, or a few classes per client).
    public init(partitioning data: Dataset, _ options: ClientPartitionOptions) throws {
        let origin: String
        switch options.kind {
        case .iid: origin = "iid"
        case .dirichlet: origin = "dirichlet(α = \(formatCompact(options.alpha)))"
        case .classes: origin = "\(options.classesPerClient) shard(s) of sorted labels per client"
        }
        try self.init(data: data, members: try ClientPartition.positions(data, options), origin: origin)
    }

    /// Clients given as lists of record ids (a per-user data set: each user's records).
    public init(data: Dataset, groups: [[Int]]) throws {
        let pos = data.positionsById()
        let members = try groups.enumerated().map { k, ids in
            try ids.map { id in
                guard let p = pos[id] else { throw PrivLabError.invalidArgument("clients: client \(k + 1) names record id \(id), which \(data.name) does not have") }
                return p
            }
        }
        try self.init(data: data, members: members, origin: "groups")
    }

    public var count: Int { members.count }
    /// Records per client.
    public var sizes: [Int] { members.map(\.count) }

    /// Client `k`'s records (0-based k), ids kept.
    public func client(_ k: Int) throws -> Dataset {
        guard k >= 0, k < count else { throw PrivLabError.invalidArgument("clients: there is no client \(k + 1) (there are \(count))") }
        return data.rows(members[k])
    }

    /// The clients `ks` (0-based) as new clients over their records only.
    public func subset(_ ks: [Int]) throws -> FederatedClients {
        for k in ks where k < 0 || k >= count { throw PrivLabError.invalidArgument("clients: there is no client \(k + 1) (there are \(count))") }
        guard Set(ks).count == ks.count else { throw PrivLabError.invalidArgument("clients: a client is named twice") }
        let rows = ks.flatMap { members[$0] }
        var start = 0
        let parts = ks.map { k -> [Int] in
            defer { start += members[k].count }
            return Array(start..<(start + members[k].count))
        }
        return try FederatedClients(data: data.rows(rows), members: parts, origin: origin)
    }

    /// Per client, its records per class.
    public var classCounts: [[Int]] {
        members.map { m in
            var c = [Int](repeating: 0, count: data.classes)
            for p in m { c[data.labels[p]] += 1 }
            return c
        }
    }

    public var description: String {
        let s = sizes
        return "Clients(\(count) clients of \(data.name), \(origin), \(s.min() ?? 0)–\(s.max() ?? 0) records each)"
    }
}
