import Foundation

/// What the canaries are.
public enum CanaryKind: Sendable, Equatable {
    /// Records taken out of the data and given a random other label: realistic inputs the model
    /// can only fit by memorising them (weak canaries; the audit is loose).
    case relabelled
    /// Random directions of length `norm` (nil: 10 × the largest record's norm) with random labels,
    /// far from the data: one included canary moves the model's output at its own input by the
    /// most a clipped gradient can — the strongest input-space canaries (Steinke et al. 2023, §6;
    /// Nasr et al. 2021's "crafted" inputs).
    case random(norm: Double?)
    /// One canary per feature the data never uses (always zero), at `norm` (nil: 10 × the largest
    /// record's norm) on that feature alone, with a random label: nothing but the canary and the
    /// DP noise ever touches the weights its input reaches, so the audit measures the mechanism
    /// itself (the input-space analogue of the paper's Dirac gradient canaries; on images, border
    /// pixels that are zero in every record serve).
    case dirac(norm: Double?)
    /// White-box gradient canaries (`GradientCanaries`): a gradient of the clipping bound on one
    /// parameter, inserted into the clipped sum whenever Poisson sampling picks it — the strongest
    /// canaries a DP-SGD audit can use, since nothing but the mechanism stands between them and the
    /// weights (Steinke, Nasr & Jagielski 2023, §7). Needs a network trained by DP-SGD.
    case gradient
}

/// Settings of an end-to-end audit of a DP training run.
public struct DPSGDAuditOptions: Sendable {
    public var kind: CanaryKind = .random(norm: nil)
    /// Canary records, each included in training with probability ½.
    public var canaries = 200
    /// Guesses: "in" for the k₊ highest scores, "out" for the k₋ lowest (nil: a quarter each).
    public var kPlus: Int? = nil
    public var kMinus: Int? = nil
    /// Significance level: the bound holds with probability 1 − p.
    public var significance = 0.05
    public var seed: UInt64 = 1
    public init() {}
}

/// What an audit found, beside what the training claims.
public struct DPSGDAuditResult: Sendable, Equatable {
    /// Steinke et al.'s ε lower bound.
    public var epsilonLowerBound: Double
    /// The f-DP reading of the same guesses (Mahloujifar et al. 2024): the largest μ-GDP rejected
    /// and its ε at the training's δ.
    public var fdp: FDPOneRunAudit.Result
    public var claimedEpsilon: Double
    public var delta: Double
    public var guesses: Int
    public var correct: Int
    public var canaries: Int
    public var included: Int
    /// Where gradient canaries were put (nil for input-space canaries).
    public var placement: CanaryPlacement? = nil
}

/// An audit of a DP-trained model in one training run, with input-space canaries (Steinke, Nasr &
/// Jagielski 2023, §6, "black-box" auditing): `canaries` canaries (`CanaryKind`) are each added
/// to the training set with probability ½; the model (a re-seeded copy of the one given, with its
/// DP settings) is trained once; each canary's score is minus its loss under its label;
/// `OneRunAudit` turns the guesses into an ε lower bound at the training's δ. With
/// `CanaryKind.gradient` the canaries are gradients inserted inside the DP step instead (§7,
/// white-box), scored by how far each moved its own weight.
///
/// If the lower bound exceeds the ε the training claims, the training is not what it claims — or
/// a (1 − p)-probability event happened.
public enum DPSGDAudit {
    /// The given canary norm, or 10 × the largest record's.
    static func canaryNorm(_ given: Double?, _ data: Dataset) throws -> Double {
        let norm = given ?? 10 * (0..<data.size).map { r in data.features.row(r).reduce(0.0) { $0 + Double($1 * $1) }.squareRoot() }.max()!
        guard norm.isFinite, norm > 0 else { throw PrivLabError.invalidArgument(.audit, "canary norm must be positive") }
        return norm
    }

    /// `m` canaries of `kind` and the data they leave (relabelled canaries are taken out of it).
    static func makeCanaries(_ m: Int, kind: CanaryKind, data: Dataset, rng: inout RNG) throws -> (rest: Dataset, canaries: Dataset) {
        var rest = data
        var canaries: Dataset
        switch kind {
        case .gradient:
            throw PrivLabError.invalidArgument(.audit, "gradient canaries are inserted into training, not records")
        case .relabelled:
            let picked = try rng.sample(data.size, m)
            let chosen = Set(picked)
            rest = data.rows((0..<data.size).filter { !chosen.contains($0) })
            canaries = data.rows(picked)
            canaries.labels = canaries.labels.map { y in (y + 1 + rng.int(below: data.classes - 1)) % data.classes }
        case .dirac(let given):
            let d = data.featureCount
            let unused = (0..<d).filter { j in (0..<data.size).allSatisfy { data.features[$0, j] == 0 } }
            guard unused.count >= m else {
                throw PrivLabError.invalidArgument(.audit, "Dirac canaries need one feature the data never uses per canary: \(unused.count) unused features for \(m) canaries")
            }
            let norm = try canaryNorm(given, data)
            var x = [Float](repeating: 0, count: m * d)
            for i in 0..<m { x[i * d + unused[i]] = Float(norm) }
            let first = (data.ids.max() ?? 0) + 1
            canaries = try Dataset(features: try Matrix(rows: m, cols: d, data: x), labels: (0..<m).map { _ in rng.int(below: data.classes) },
                                   classes: data.classes, ids: Array(first..<(first + m)), name: "canaries")
        case .random(let given):
            let d = data.featureCount
            let norm = try canaryNorm(given, data)
            var x = [Float]()
            for _ in 0..<m {
                let v = (0..<d).map { _ in rng.normal() }
                let len = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                x += v.map { Float($0 / len * norm) }
            }
            let first = (data.ids.max() ?? 0) + 1
            canaries = try Dataset(features: try Matrix(rows: m, cols: d, data: x), labels: (0..<m).map { _ in rng.int(below: data.classes) },
                                   classes: data.classes, ids: Array(first..<(first + m)), name: "canaries")
        }
        return (rest, canaries)
    }

    /// The many-run audit (Jagielski, Ullman & Oprea 2020): `runs` trainings, each with one canary
    /// included with probability ½; the canary's score in each run (minus its loss) separates the
    /// runs that had it from those that did not, and `EpsilonLowerBound.fromScores` turns the best
    /// threshold into an ε lower bound (the caveat of choosing the threshold on the same runs is in
    /// its result). Costs `runs` trainings; free of the one-run method's ceiling.
    public static func manyRuns(model: Classifier, data: Dataset, runs: Int, kind: CanaryKind = .dirac(norm: nil),
                                alpha: Double = 0.05, seed: UInt64 = 1) throws -> (bound: EpsilonLowerBound.Result, claimedEpsilon: Double, delta: Double) {
        guard runs >= 4 else { throw PrivLabError.invalidArgument(.audit, "runs must be at least 4") }
        var rng = RNG.stream(seed: seed, index: 12)
        if kind == .gradient {
            let included = (0..<runs).map { _ in rng.bernoulli(0.5) }
            // The same coordinate in every run (the choice is seeded alike); the coin and the
            // canary's sampling differ per run.
            let outcomes = try ParallelWork.run(runs, workers: model.parallelWorkers(max(1, ProcessInfo.processInfo.activeProcessorCount))) { i in
                try GradientCanaries.train(model, seed: mix64(seed &+ UInt64(i) &* 0xA0D2), data: data, included: [included[i]],
                                           samplingSeed: mix64(seed ^ UInt64(i) &* 0xA0D3), choiceSeed: seed)
            }
            return try manyRunBound(scores: outcomes.map { $0.scores[0] }, included: included, alpha: alpha, privacy: outcomes[0].privacy)
        }
        let (rest, canary) = try makeCanaries(1, kind: kind, data: data, rng: &rng)
        let included = (0..<runs).map { _ in rng.bernoulli(0.5) }
        let outcomes = try ParallelWork.run(runs, workers: model.parallelWorkers(max(1, ProcessInfo.processInfo.activeProcessorCount))) { i -> (Double, PrivacyStatement) in
            let m = try model.reseededClone(seed: mix64(seed &+ UInt64(i) &* 0xA0D2))
            try m.fit(included[i] ? try rest.concatenated(canary) : rest)
            guard let p = m.privacy else {
                throw PrivLabError.invalidArgument(.audit, "the model is not trained with DP (no ε to audit): give it dp = {…}")
            }
            return (-(try m.perRecordLoss(canary)[0]), p)
        }
        return try manyRunBound(scores: outcomes.map(\.0), included: included, alpha: alpha, privacy: outcomes[0].1)
    }

    static func manyRunBound(scores: [Double], included: [Bool], alpha: Double, privacy: PrivacyStatement) throws
        -> (bound: EpsilonLowerBound.Result, claimedEpsilon: Double, delta: Double) {
        let bound = try EpsilonLowerBound.fromScores(members: zip(scores, included).filter { $0.1 }.map(\.0),
                                                     nonMembers: zip(scores, included).filter { !$0.1 }.map(\.0),
                                                     alpha: alpha, delta: privacy.delta)
        return (bound, privacy.epsilon, privacy.delta)
    }

    public static func run(model: Classifier, data: Dataset, options: DPSGDAuditOptions = DPSGDAuditOptions()) throws -> DPSGDAuditResult {
        let m = options.canaries
        let kPlus = options.kPlus ?? m / 4, kMinus = options.kMinus ?? m / 4
        guard kPlus >= 0, kMinus >= 0, kPlus + kMinus <= m else { throw PrivLabError.invalidArgument(.audit, "k_plus + k_minus must be at most canaries (\(m))") }
        var rng = RNG.stream(seed: options.seed, index: 11)
        if options.kind == .gradient {
            guard m >= 2 else { throw PrivLabError.invalidArgument(.audit, "canaries must be at least 2, got \(m)") }
            let included = (0..<m).map { _ in rng.bernoulli(0.5) }
            let t = try GradientCanaries.train(model, seed: mix64(options.seed ^ 0xA0D1), data: data, included: included,
                                             samplingSeed: options.seed, choiceSeed: options.seed)
            let r = try OneRunAudit.audit(scores: t.scores, included: included, kPlus: kPlus, kMinus: kMinus, delta: t.privacy.delta, p: options.significance)
            return DPSGDAuditResult(epsilonLowerBound: r.epsilon, fdp: r.fdp, claimedEpsilon: t.privacy.epsilon, delta: t.privacy.delta, guesses: r.guesses,
                                    correct: r.correct, canaries: m, included: included.filter { $0 }.count, placement: t.placement)
        }
        guard m >= 2, m < data.size else { throw PrivLabError.invalidArgument(.audit, "canaries must be in 2…\(data.size - 1) (fewer than the records), got \(m)") }
        guard data.classes >= 2 else { throw PrivLabError.invalidArgument(.audit, "relabelled canaries need at least 2 classes") }
        let (rest, canaries) = try makeCanaries(m, kind: options.kind, data: data, rng: &rng)
        let included = (0..<m).map { _ in rng.bernoulli(0.5) }
        let train = try rest.concatenated(canaries.rows((0..<m).filter { included[$0] }))
        let audited = try model.reseededClone(seed: mix64(options.seed ^ 0xA0D1))
        try audited.fit(train)
        guard let privacy = audited.privacy else {
            throw PrivLabError.invalidArgument(.audit, "the model is not trained with DP (no ε to audit): give it dp = {…}")
        }
        let scores = try audited.perRecordLoss(canaries).map { -$0 }
        let r = try OneRunAudit.audit(scores: scores, included: included, kPlus: kPlus, kMinus: kMinus, delta: privacy.delta, p: options.significance)
        return DPSGDAuditResult(epsilonLowerBound: r.epsilon, fdp: r.fdp, claimedEpsilon: privacy.epsilon, delta: privacy.delta,
                                guesses: r.guesses, correct: r.correct, canaries: m, included: included.filter { $0 }.count)
    }
}
