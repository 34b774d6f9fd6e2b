/// How SISA places records into shards and slices. Every rule is a function of (seed, record id,
/// label, weight) alone, so removing records never moves the others — the property exact
/// unlearning rests on (Bourtoule et al., "Machine Unlearning", S&P 2021, §IV).
public enum SISASharding: String, Codable, Sendable, CaseIterable {
    /// Shard and slice drawn uniformly per record (shard sizes are multinomial).
    case uniform
    /// Every class dealt out evenly: a class's records, in the order of a per-class keyed hash,
    /// go round-robin over the shards (and within a shard over the slices), so each shard holds
    /// ⌊n_c/S⌋ or ⌈n_c/S⌉ records of class c. The deal is over all the records the ensemble was
    /// fitted on, removed ones included, so removing records never moves the others (see
    /// `SISAOptions.placements(ids:labels:)`); per-shard class counts are reported by
    /// `SISAEnsemble.shardClassCounts`.
    case stratified
    /// Distribution-aware (§V-A): records whose deletion weight is at least `riskThreshold` go
    /// together into the first `riskShards` shards and into the later half of the slices, so
    /// likely requests touch few shards and retrain few slices; the others fill the other shards.
    case aware
}

/// How a SISA ensemble combines its constituents' outputs (Bourtoule et al. 2021, §V-B): a
/// built-in rule or a named custom aggregator (see `SISAEnsemble.customAggregator`). Stored and
/// compared as its name, so options files and checkpoint keys keep their form.
public enum SISAAggregationRule: Hashable, Sendable, Codable, RawRepresentable, CustomStringConvertible {
    /// Majority vote of the constituents' labels.
    case vote
    /// Mean of the constituents' probability vectors.
    case mean
    /// A softmax meta-learner trained on the constituents' outputs for held-out records.
    case stack
    /// A user-supplied rule, by its name.
    case custom(String)

    /// The built-in rules (the names a plugin may not take).
    public static let builtIn: [SISAAggregationRule] = [.vote, .mean, .stack]

    public init(rawValue: String) {
        self = Self.builtIn.first { $0.rawValue == rawValue } ?? .custom(rawValue)
    }

    public var rawValue: String {
        switch self {
        case .vote: return "vote"
        case .mean: return "mean"
        case .stack: return "stack"
        case .custom(let name): return name
        }
    }

    public var description: String { rawValue }
    public var isBuiltIn: Bool { if case .custom = self { return false } else { return true } }
}

/// Options of a SISA ensemble (everything but the constituent model and the data).
public struct SISAOptions: Codable, Equatable, Sendable {
    public var shards = 5
    public var slices = 1
    public var aggregation: SISAAggregationRule = .vote
    public var sharding: SISASharding = .uniform
    public var seed: UInt64 = 1
    /// Weigh each constituent's vote / probabilities by its shard's size.
    public var weightBySize = false
    /// Stacking: the fraction of records held out of the shards to train the meta-learner on.
    public var stackHoldout = 0.1
    /// Distribution-aware sharding: per-record deletion weights (record id → weight), the threshold
    /// above which a record counts as likely to be deleted, and the shards reserved for those.
    public var deletionWeights: [Int: Double]? = nil
    public var riskThreshold = 0.5
    public var riskShards: Int? = nil
    /// Shards trained at once (each with one BLAS thread when more than one runs).
    public var workers = 2

    public init() {}

    public var usesHoldout: Bool { aggregation == .stack }

    public func validate() throws {
        func check(_ ok: Bool, _ m: String) throws { if !ok { throw PrivLabError.invalidArgument("sisa: \(m)") } }
        try check(shards >= 1 && shards <= 10_000, "shards must be in 1…10000")
        try check(slices >= 1 && slices <= 1_000, "slices must be in 1…1000")
        try check(workers >= 1, "workers must be at least 1")
        try check(stackHoldout > 0 && stackHoldout < 1, "stack_holdout must be in (0, 1)")
        try check(riskThreshold.isFinite, "threshold must be a number")
        if let r = riskShards { try check(r >= 1 && r <= shards, "risk_shards must be in 1…shards") }
        if sharding == .aware {
            try check(deletionWeights != nil, "sharding = \"aware\" needs per-record deletion weights")
        }
        if let w = deletionWeights { try check(w.values.allSatisfy { $0.isFinite && $0 >= 0 }, "deletion weights must be non-negative numbers") }
    }

    /// Epochs each slice stage trains: 2e/(R+1), so the R stages (stage r sees slices 1…r) cost as
    /// many sample-gradients as e epochs over the whole shard (§IV-B, "Slicing").
    public func epochsPerStage(modelEpochs e: Int) -> Double { 2 * Double(e) / Double(slices + 1) }
}

/// Where one record goes: a shard and a slice (0-based), or the stacking hold-out.
public enum SISAPlacement: Equatable, Sendable {
    case shard(Int, slice: Int)
    case holdout
}

extension SISAOptions {
    /// The placements of a data set's records (ids and labels in row order), as an ensemble fitted
    /// on it places them. Uniform and aware sharding place each record on its own
    /// (`placement(id:label:)`). Stratified sharding deals each class out: the records not held
    /// out, ordered by the per-class hash `placement(id:label:)` uses for them (ties by id), go to
    /// shard rank mod S and, within it, to slice (rank div S) mod R — every class split as evenly
    /// as the counts allow. An ensemble deals over every record it was fitted on, removed ones
    /// included, so a removal never moves another record.
    public func placements(ids: [Int], labels: [Int]) -> [SISAPlacement] {
        guard sharding == .stratified else { return zip(ids, labels).map { placement(id: $0, label: $1) } }
        var out = [SISAPlacement](repeating: .holdout, count: ids.count)
        var byClass = [Int: [Int]]()
        for i in ids.indices where placement(id: ids[i], label: labels[i]) != .holdout { byClass[labels[i], default: []].append(i) }
        for (label, rows) in byClass {
            let key = seed ^ UInt64(label + 1) &* 0xA24B_AED4_963E_E407
            let hash = rows.map { keyedUniform(seed: key, salt: 1, key: ids[$0]) }
            let order = rows.indices.sorted { hash[$0] != hash[$1] ? hash[$0] < hash[$1] : ids[rows[$0]] < ids[rows[$1]] }
            for (rank, j) in order.enumerated() { out[rows[j]] = .shard(rank % shards, slice: (rank / shards) % slices) }
        }
        return out
    }

    /// The placement of record `id` with label `label`: a pure function of the options and the
    /// record. For stratified sharding this is the record's own per-class hash placement, which
    /// orders the class for the deal; where the record lands depends on its class's other records
    /// (`placements(ids:labels:)`).
    public func placement(id: Int, label: Int) -> SISAPlacement {
        if usesHoldout && keyedUniform(seed: seed, salt: 3, key: id) < stackHoldout { return .holdout }
        let u = keyedUniform(seed: seed, salt: 1, key: id)
        let v = keyedUniform(seed: seed, salt: 2, key: id)
        switch sharding {
        case .uniform:
            return .shard(min(Int(u * Double(shards)), shards - 1), slice: min(Int(v * Double(slices)), slices - 1))
        case .stratified:
            let uc = keyedUniform(seed: seed ^ UInt64(label + 1) &* 0xA24B_AED4_963E_E407, salt: 1, key: id)
            let vc = keyedUniform(seed: seed ^ UInt64(label + 1) &* 0xA24B_AED4_963E_E407, salt: 2, key: id)
            return .shard(min(Int(uc * Double(shards)), shards - 1), slice: min(Int(vc * Double(slices)), slices - 1))
        case .aware:
            let risky = (deletionWeights?[id] ?? 0) >= riskThreshold
            let reserved = riskShards ?? max(1, shards / 5)
            if risky || reserved == shards {
                let lateFrom = slices / 2   // the later half of the slices
                let span = slices - lateFrom
                return .shard(min(Int(u * Double(reserved)), reserved - 1),
                              slice: risky ? lateFrom + min(Int(v * Double(span)), span - 1) : min(Int(v * Double(slices)), slices - 1))
            }
            let rest = shards - reserved
            return .shard(reserved + min(Int(u * Double(rest)), rest - 1), slice: min(Int(v * Double(slices)), slices - 1))
        }
    }
}
