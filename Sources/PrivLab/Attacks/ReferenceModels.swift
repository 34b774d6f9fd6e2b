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

    /// Models already trained (a subset of another set's, e.g. all but a stand-in target).
    public init(models: [Model]) { self.models = models }

    /// Trains `count` re-seeded copies of `template`, each on exactly half of `pool` (each record in
    /// with probability ½), in parallel; the result does not depend on `workers`.
    public init(template: Classifier, pool: Dataset, count: Int, seed: UInt64, workers: Int,
                progress: ((Int, Int) -> Void)? = nil) throws {
        var shadows = ShadowModels(template: template, seed: seed, stream: 300, salt: 0x11AA, workers: workers)
        shadows.progress = progress
        models = try shadows.train(count, draw: { rng in
            (pool.rows(try rng.sample(pool.size, pool.size / 2).sorted()), ())
        }) { m, part, _ in Model(classifier: m, trainedOn: Set(part.ids)) }
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
