import Foundation

/// The Likelihood Ratio Attack (Carlini et al., "Membership Inference Attacks From First
/// Principles", S&P 2022, §IV). For each candidate record, shadow models trained with it (IN) and
/// without it (OUT) give two distributions of the logit-scaled confidence φ; LiRA fits a Gaussian to
/// each and scores the target's φ by the likelihood ratio.
///
/// - Online: shadows train on random halves of (attacker data ∪ candidates), so every candidate has
///   IN and OUT shadows; score = log N(φ; μ_in, σ_in²) − log N(φ; μ_out, σ_out²).
/// - Offline: shadows never see the candidates; score = (φ − μ_out)/σ_out, the one-sided test
///   (monotone in the paper's p-value, so ROC and AUC are the same).
/// - Per-example variances (the paper's default with many shadows) or one global variance
///   (better with few shadows, §VI-B).
public final class LiRA: MembershipAttack {
    public struct Options: Sendable {
        public var shadows = 16
        public var online = true
        public var globalVariance = false
        public var seed: UInt64 = 1
        public var workers = 2
        public init() {}
    }

    public var name: String { "LiRA (\(options.online ? "online" : "offline"), \(options.globalVariance ? "global" : "per-example") variance)" }
    public let target: Predictor
    public let data: Dataset
    public let options: Options
    /// The architecture online shadows copy (trained per scoring, on the candidates too).
    let template: ModelArchitecture
    public private(set) var queries = 0
    public var threshold: Double? { nil }
    public var threatModel: [String: String] {
        ["access": "black-box: the target's logits (or log-probabilities) per query",
         "data": options.online ? "attacker data plus the candidate records (membership unknown)" : "attacker data only",
         "shadows": "\(options.shadows), each on a random half of its pool" + (shared ? " (shared reference models)" : ""),
         "architecture": template === target ? "known" : "guessed (\(template.summary))"]
    }
    /// Shadows fitted beforehand: shared reference models (their first `shadows`), or offline
    /// shadows trained on the attacker's data by `fit` (nil: online, trained per scoring).
    private let fitted: ReferenceModels?
    /// Whether `fitted` are reference models shared with other attacks.
    private let shared: Bool
    /// Hears (shadows trained, total) whenever online shadows train.
    private let progress: ((Int, Int) -> Void)?

    /// The fitted state (`Options.fit` computes it): nothing is trained here.
    init(target: Predictor, data: Dataset, options: Options, template: ModelArchitecture, fitted: ReferenceModels?, shared: Bool,
         progress: ((Int, Int) -> Void)?) {
        self.target = target
        self.data = data
        self.options = options
        self.template = template
        self.fitted = fitted
        self.shared = shared
        self.progress = progress
    }

    /// Shadows on random halves of a pool (the reference models RMIA uses too): online, the
    /// attacker data with the candidates, trained per scoring; offline, the attacker data, once.
    public func scores(_ ds: Dataset) throws -> [Double] {
        let shadows: ReferenceModels
        if let fitted {
            if options.online { try fitted.requireInPool(ds, attack: "lira") }
            shadows = fitted
        } else {
            shadows = try ReferenceModels(template: template, pool: try ReferenceModels.onlinePool(data, candidates: ds), count: options.shadows,
                                          seed: options.seed, workers: options.workers, progress: progress)
        }
        queries += ds.size
        let phiTarget = logitScaledConfidence(logits: try target.releasedLogits(ds.features), labels: ds.labels)
        let (inObs, outObs) = try shadows.observations(ds) { logitScaledConfidence(logits: try $0.releasedLogits(ds.features), labels: ds.labels) }
        return Self.likelihoodRatio(target: phiTarget, inObservations: inObs, outObservations: outObs,
                                    online: options.online, globalVariance: options.globalVariance)
    }

    /// LiRA's score for each record from its target statistic and the shadow models' statistics
    /// when the record was IN and OUT of their training data (§IV): the Gaussian log-likelihood
    /// ratio log N(x; μ_in, σ_in²) − log N(x; μ_out, σ_out²) online, the z-score (x − μ_out)/σ_out
    /// offline. Means and unbiased variances (n − 1) per record, floored at 1e-6; with
    /// `globalVariance`, or for a record with fewer than two observations on a side, the mean of the
    /// per-record variances over the records that have two or more. A record with no IN (OUT)
    /// observation borrows its OUT (IN) mean shifted by the average IN − OUT gap.
    ///
    /// Where this differs from the authors' code (`research/mi_lira_2021/plot.py`): they take the
    /// median rather than the mean, np.std (divisor n), and for the fixed variance the spread of all
    /// IN observations pooled; the test against a NumPy recomputation also measures how closely the
    /// two rank records.
    public static func likelihoodRatio(target: [Double], inObservations inObs: [[Double]], outObservations outObs: [[Double]],
                                       online: Bool, globalVariance: Bool) -> [Double] {
        func meanVar(_ v: [Double]) -> (Double, Double) {
            let m = v.reduce(0, +) / Double(v.count)
            return (m, v.count > 1 ? v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1) : .nan)
        }
        // Global statistics: pooled within-record variances, and the mean IN−OUT shift (used for a
        // record that happens to have no IN shadow).
        let pooledOut = outObs.filter { $0.count > 1 }.map { meanVar($0).1 }
        let pooledIn = inObs.filter { $0.count > 1 }.map { meanVar($0).1 }
        let gOut = max(pooledOut.isEmpty ? 1 : pooledOut.reduce(0, +) / Double(pooledOut.count), 1e-6)
        let gIn = max(pooledIn.isEmpty ? gOut : pooledIn.reduce(0, +) / Double(pooledIn.count), 1e-6)
        let both = target.indices.filter { !inObs[$0].isEmpty && !outObs[$0].isEmpty }
        let shift = both.isEmpty ? 0 : both.reduce(0.0) { $0 + meanVar(inObs[$1]).0 - meanVar(outObs[$1]).0 } / Double(both.count)
        func logNormal(_ x: Double, _ m: Double, _ v: Double) -> Double { -0.5 * Foundation.log(2 * .pi * v) - (x - m) * (x - m) / (2 * v) }
        return target.indices.map { i in
            let x = target[i]
            let (mo, vo0) = outObs[i].isEmpty ? (meanVar(inObs[i]).0 - shift, Double.nan) : meanVar(outObs[i])
            let vo = globalVariance || !vo0.isFinite ? gOut : max(vo0, 1e-6)
            if !online { return (x - mo) / vo.squareRoot() }
            let (mi, vi0) = inObs[i].isEmpty ? (mo + shift, Double.nan) : meanVar(inObs[i])
            let vi = globalVariance || !vi0.isFinite ? gIn : max(vi0, 1e-6)
            return logNormal(x, mi, vi) - logNormal(x, mo, vo)
        }
    }
}

extension LiRA.Options: AttackConfiguration {
    /// Offline, trains the shadows on halves of the attacker's data; online, they train when
    /// scoring (each candidate must be IN about half of them). With shared reference models
    /// (`inputs.references`) their first `shadows` are the shadows and nothing is trained — so
    /// LiRA, RMIA and a calibrated metric attack can be compared on the same models.
    public func fit(target: Predictor, inputs: AttackInputs) throws -> LiRA {
        if inputs.targetTrainingSize != nil { throw PrivLabError.invalidArgument("lira: each shadow trains on half of its pool; the target's training size does not apply") }
        try inputs.only([.data, .shadowModel, .references], attack: "lira")
        let data = try inputs.requireData("lira")
        guard shadows >= 2 else { throw PrivLabError.invalidArgument("lira: at least 2 shadow models are needed") }
        guard data.size >= 4 else { throw PrivLabError.invalidArgument("lira: the attacker's data set is too small") }
        let template = try inputs.architecture(of: target, attack: "lira")
        let fitted = try inputs.offlineModels(online: online, template: template, pool: data, count: shadows, seed: seed, workers: workers)
        return LiRA(target: target, data: data, options: self, template: template, fitted: fitted, shared: inputs.references != nil,
                    progress: inputs.progress)
    }
}
