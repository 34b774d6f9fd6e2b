import Foundation

/// U-LiRA (Hayes, Shumailov, Triantafillou, Khalifa & Papernot, "Inexact Unlearning Needs More
/// Careful Evaluations to Avoid a False Sense of Privacy", arXiv 2403.01218, §4): LiRA adapted to
/// unlearning. Shadow models train on random halves of a pool holding the candidate records; each
/// shadow then unlearns, with the method under test, the candidates it trained on. For each
/// candidate the logit-scaled confidences of the shadows that trained on it and unlearned it and of
/// those that never saw it give two Gaussians; the unlearned target's confidence is scored by the
/// log-likelihood ratio between them (online LiRA, Carlini et al. 2022 §IV, `LiRA.likelihoodRatio`).
/// Evaluated on forgotten records (members) against never-seen ones (non-members): AUC near 0.5 means
/// the method's output is indistinguishable from never having trained on the record — as retraining
/// from scratch is by construction.
///
/// Where we chose: the paper trains many target models and pairs a forgotten with a never-seen
/// example per target; here one target, whose forget set and a never-seen set of the same size are
/// the candidates, and `MembershipAttack.evaluate` measures the separation.
public final class ULiRA: MembershipAttack {
    public struct Options: Sendable {
        /// Variance pooled over records (LiRA §VI-B: better with few shadows) or per record.
        public var globalVariance = true
        public var seed: UInt64 = 1
        public var workers = 2
        public init() {}
    }

    public var name: String { "U-LiRA (\(method.name))" }
    public let target: Predictor
    public let method: UnlearningMethod
    public let references: ReferenceModels
    public let options: Options
    public private(set) var queries = 0
    public var threshold: Double? { nil }
    public var threatModel: [String: String] {
        ["access": "black-box: the unlearned target's logits per query",
         "data": "a pool holding the candidates (membership unknown)",
         "shadows": "\(references.models.count), each trained on a random half of the pool, then unlearned with \(method.name) on the candidates it saw"]
    }

    /// `references`: trained on a pool that holds every candidate (`ReferenceModels.onlinePool`).
    public init(target: Classifier, method: UnlearningMethod, references: ReferenceModels, options: Options) throws {
        guard references.models.count >= 2 else { throw PrivLabError.invalidArgument("unlearn.evaluate: U-LiRA needs at least 2 shadow models") }
        guard references.pool != nil else { throw PrivLabError.invalidArgument("unlearn.evaluate: U-LiRA's shadow models must come with their pool") }
        self.target = target
        self.method = method
        self.references = references
        self.options = options
    }

    public func scores(_ ds: Dataset) throws -> [Double] {
        try references.requireInPool(ds, attack: "U-LiRA")
        let unlearned = try unlearnedShadows(candidates: Set(ds.ids))
        queries += ds.size
        let phi = logitScaledConfidence(logits: try target.releasedLogits(ds.features), labels: ds.labels)
        let (inObs, outObs) = try unlearned.observations(ds) { logitScaledConfidence(logits: try $0.releasedLogits(ds.features), labels: ds.labels) }
        return LiRA.likelihoodRatio(target: phi, inObservations: inObs, outObservations: outObs, online: true,
                                    globalVariance: options.globalVariance)
    }

    /// Each shadow after unlearning the candidates it trained on (with the rest of its half as the
    /// retain set); shadow i unlearns with seed mix64(seed + i). In parallel; the result does not
    /// depend on the number of workers.
    func unlearnedShadows(candidates: Set<Int>) throws -> ReferenceModels {
        let pool = references.pool!
        let models = references.models
        let workers = models.first.map { $0.classifier.parallelWorkers(options.workers) } ?? 1
        let out = try ParallelWork.run(models.count, workers: workers) { i -> ReferenceModels.Model in
            let m = models[i]
            let trained = pool.ids.indices.filter { m.trainedOn.contains(pool.ids[$0]) }
            let forget = trained.filter { candidates.contains(pool.ids[$0]) }
            guard !forget.isEmpty else { return m }
            let retain = trained.filter { !candidates.contains(pool.ids[$0]) }
            let c = try method.unlearn(m.classifier, forget: pool.rows(forget), retain: pool.rows(retain),
                                       seed: mix64(options.seed &+ UInt64(i)))
            return ReferenceModels.Model(classifier: c, trainedOn: m.trainedOn)
        }
        return ReferenceModels(models: out, pool: pool)
    }
}
