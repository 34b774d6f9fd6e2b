import Foundation

/// Reference models for the attacks that compare the target with models trained with and without
/// each record — LiRA's shadows (Carlini et al. 2022, §IV) and RMIA's reference models (Zarifzadeh,
/// Liu & Shokri 2024, §3): copies of a template, each trained on a random half of a pool, with the
/// ids it trained on. Model i depends only on (seed, i, pool), so LiRA and RMIA with the same seed
/// and pool use the same models, and the first k of n are the models a run with k would train.
public struct ReferenceModels {
    /// A trained reference model and the ids of the records it trained on.
    public struct Model {
        public let classifier: Classifier
        public let trainedOn: Set<Int>
    }
    public let models: [Model]
    /// The records the models drew their halves from (nil when unknown).
    public let pool: Dataset?

    /// Models already trained (a subset of another set's, e.g. all but a stand-in target).
    public init(models: [Model], pool: Dataset? = nil) {
        self.models = models
        self.pool = pool
    }

    /// Trains `count` re-seeded copies of `template`, each on exactly half of `pool` (each record in
    /// with probability ½), in parallel; the result does not depend on `workers`.
    public init(template: ModelArchitecture, pool: Dataset, count: Int, seed: UInt64, workers: Int,
                progress: ((Int, Int) -> Void)? = nil) throws {
        guard count >= 1 else { throw PrivLabError.invalidArgument("reference models: count must be at least 1") }
        guard pool.size >= 2 else { throw PrivLabError.invalidArgument("reference models: the pool has \(pool.size) record(s); each model trains on half of it") }
        self.pool = pool
        var shadows = ShadowModels(template: template, seed: seed, stream: 300, salt: 0x11AA, workers: workers)
        shadows.progress = progress
        models = try shadows.train(count, draw: { rng in
            (pool.rows(try rng.sample(pool.size, pool.size / 2).sorted()), ())
        }) { m, part, _ in Model(classifier: m, trainedOn: Set(part.ids)) }
    }

    /// The first `count` models — the models a run with `count` would have trained, so one set of
    /// 64 serves a sweep over 1, 2, 4, … reference models.
    public func prefix(_ count: Int) throws -> ReferenceModels {
        guard count >= 1, count <= models.count else {
            throw PrivLabError.invalidArgument("reference models: \(count) asked for, \(models.count) trained")
        }
        return ReferenceModels(models: Array(models.prefix(count)), pool: pool)
    }

    /// Checks that every record of `ds` was in the pool, so that about half the models trained on
    /// it — what an online attack needs (a record outside the pool has only OUT models).
    public func requireInPool(_ ds: Dataset, attack: String) throws {
        guard let pool else { throw PrivLabError.invalidArgument("\(attack): the reference models' pool is unknown, so they cannot serve an online attack") }
        let known = Set(pool.ids)
        if let missing = ds.ids.first(where: { !known.contains($0) }) {
            throw PrivLabError.invalidArgument("\(attack): online, every candidate must be in the reference models' pool; record id \(missing) is not (train them with the candidates)")
        }
    }

    /// The pool of an online attack: the attacker's data with the candidate records (those already
    /// in the attacker's data are not duplicated), so each candidate is IN about half the models.
    public static func onlinePool(_ data: Dataset, candidates ds: Dataset) throws -> Dataset {
        let known = Set(data.ids)
        let extra = ds.rows(ds.ids.indices.filter { !known.contains(ds.ids[$0]) })
        return extra.size > 0 ? try data.concatenated(extra) : data
    }

    /// For each record of `ds`, the statistic `signal` of every model, split by whether the model
    /// trained on the record (IN) or not (OUT), in model order.
    public func observations(_ ds: Dataset, signal: (Classifier) throws -> [Double]) throws -> (in: [[Double]], out: [[Double]]) {
        var inObs = [[Double]](repeating: [], count: ds.size), outObs = inObs
        for m in models {
            let s = try signal(m.classifier)
            for i in 0..<ds.size {
                if m.trainedOn.contains(ds.ids[i]) { inObs[i].append(s[i]) } else { outObs[i].append(s[i]) }
            }
        }
        return (inObs, outObs)
    }
}
