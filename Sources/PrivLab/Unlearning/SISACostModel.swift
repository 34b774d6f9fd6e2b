import Foundation

/// The analytic retraining cost of SISA (Bourtoule et al. 2021, §IV-B and §V), in *samples*: one
/// sample is one record passing once through training (a record-epoch). It assumes the paper's
/// setting: N records spread evenly over S shards of R slices, stage r of a shard training
/// 2e/(R+1) epochs on slices 1…r, and deleted records drawn uniformly at random.
public struct SISACostModel: Sendable {
    public let records: Int
    public let shards: Int
    public let slices: Int
    public let epochs: Int

    public init(records: Int, shards: Int, slices: Int, epochs: Int) {
        self.records = records
        self.shards = shards
        self.slices = slices
        self.epochs = epochs
    }

    /// Samples per stage-slice unit: (2e/(R+1)) · N/(S·R); stage r costs r of these.
    var unit: Double { 2 * Double(epochs) / Double(slices + 1) * Double(records) / Double(shards * slices) }

    /// Training from scratch: e·N for a monolithic model, the same for the whole ensemble.
    public var fullRetrain: Double { Double(epochs) * Double(records) }

    /// Stages r…R retrained when the earliest affected slice is r: unit · Σ_{j=r}^{R} j.
    func stagesFrom(_ r: Int) -> Double { unit * Double((r...slices).reduce(0, +)) }

    /// One request for one record: E_r[Σ_{j≥r} j]·unit = e·N·(2R+1)/(3·S·R).
    public var singleRequest: Double {
        Double(epochs) * Double(records) * Double(2 * slices + 1) / Double(3 * shards * slices)
    }

    /// `k` single-record requests served one after another.
    public func sequential(_ k: Int) -> Double { Double(k) * singleRequest }

    /// `k` records removed in one batched request: each shard restarts from the earliest slice any
    /// of its records is in. With p_r = P(no record falls in this shard's slices < r) = (1 − (r−1)/(SR))^k,
    /// a shard's expected cost is Σ_r (p_r − p_{r+1})·stagesFrom(r).
    public func batched(_ k: Int) -> Double {
        let sr = Double(shards * slices)
        var perShard = 0.0
        for r in 1...slices {
            let pr = pow(1 - Double(r - 1) / sr, Double(k))
            let next = pow(1 - Double(r) / sr, Double(k))
            perShard += (pr - next) * stagesFrom(r)
        }
        return Double(shards) * perShard
    }
}
