import Foundation

/// Where a shadow-model attacker's training data comes from (Shokri et al., "Membership Inference
/// Attacks against Machine Learning Models", S&P 2017, §V-C).
public enum ShadowDataSource: Sendable, Equatable {
    /// Real records from the same distribution, disjoint from the target's training set.
    case real
    /// Statistics-based synthesis: each feature drawn independently from its marginal within the
    /// record's class (the attacker knows per-class marginals, not joint structure).
    case marginals
    /// Noisy real data: in each record, `fraction` of the features are replaced — flipped for 0/1
    /// features, redrawn from the feature's marginal otherwise.
    case noisy(fraction: Double)
    /// Model-based synthesis: hill climbing on the target's confidence (Algorithm 1 of the paper).
    case synthesis(ShadowSynthesis.Options)
}

public enum ShadowDataGenerator {
    /// Shadow data of `count` records from the attacker's `data` (and the target, for synthesis).
    /// Reproducible from `seed`. Synthetic records get fresh ids above the attacker data's.
    public static func make(_ source: ShadowDataSource, data: Dataset, count: Int, target: Predictor?,
                            seed: UInt64) throws -> (Dataset, queries: Int, queriesPerRecord: Double?) {
        var rng = RNG.stream(seed: seed, index: 31)
        let firstId = (data.ids.max() ?? 0) + 1
        switch source {
        case .real:
            return (data, 0, nil)
        case .marginals:
            // Per class: the empirical marginal of each feature (sample a value of that feature
            // from a random record of the class).
            var byClass = [[Int]](repeating: [], count: data.classes)
            for (i, y) in data.labels.enumerated() { byClass[y].append(i) }
            let present = (0..<data.classes).filter { !byClass[$0].isEmpty }
            let weights = present.map { Double(byClass[$0].count) }
            var x = Matrix(rows: count, cols: data.featureCount)
            var labels = [Int]()
            for r in 0..<count {
                let c = present[rng.categorical(weights)]
                labels.append(c)
                for j in 0..<data.featureCount {
                    x[r, j] = data.features[byClass[c][rng.int(below: byClass[c].count)], j]
                }
            }
            return (try synthetic(x, labels, data, firstId: firstId, name: "marginals"), 0, nil)
        case .noisy(let f):
            guard f >= 0, f <= 1 else { throw PrivLabError.invalidArgument("noisy shadow data: fraction must be in [0, 1]") }
            let d = data.featureCount
            let binary = (0..<d).map { j in (0..<data.size).allSatisfy { data.features[$0, j] == 0 || data.features[$0, j] == 1 } }
            var x = data.features
            let flips = Int((f * Double(d)).rounded())
            for r in 0..<data.size {
                for j in try rng.sample(d, min(flips, d)) {
                    x[r, j] = binary[j] ? 1 - x[r, j] : data.features[rng.int(below: data.size), j]
                }
            }
            var out = data
            out.features = x
            out.name = "\(data.name) (noisy \(formatCompact(f * 100))%)"
            return (out, 0, nil)
        case .synthesis(let o):
            guard let t = target else { throw PrivLabError.invalidArgument("model-based synthesis needs the target model") }
            let s = try ShadowSynthesis(target: t, options: o, features: data.featureCount, featureRange: try featureRange(data), binary: isBinary(data))
            var x = Matrix(rows: 0, cols: data.featureCount)
            var labels = [Int]()
            var rows = [[Float]]()
            let perClass = max(1, count / data.classes)
            var records = 0
            for c in 0..<data.classes {
                for _ in 0..<perClass {
                    if let rec = try s.synthesize(class: c, rng: &rng) {
                        rows.append(rec)
                        labels.append(c)
                    }
                    records += 1
                }
            }
            guard !rows.isEmpty else {
                throw PrivLabError.message("model-based synthesis produced no record within iter_max (lower conf_min or raise iter_max)")
            }
            x = try Matrix(rows)
            return (try synthetic(x, labels, data, firstId: firstId, name: "synthesis"), s.queries, Double(s.queries) / Double(records))
        }
    }

    static func synthetic(_ x: Matrix, _ labels: [Int], _ like: Dataset, firstId: Int, name: String) throws -> Dataset {
        try Dataset(features: x, labels: labels, classes: like.classes, ids: (0..<labels.count).map { firstId + $0 },
                    featureNames: like.featureNames, classNames: like.classNames, imageShape: like.imageShape, name: "shadow data (\(name))")
    }

    static func featureRange(_ d: Dataset) throws -> (Float, Float) {
        guard d.size > 0 else { throw PrivLabError.invalidArgument("shadow data: the attacker's dataset is empty") }
        var lo = Float.infinity, hi = -Float.infinity
        for v in d.features.data { lo = min(lo, v); hi = max(hi, v) }
        return (lo, hi)
    }

    static func isBinary(_ d: Dataset) -> Bool { d.features.data.allSatisfy { $0 == 0 || $0 == 1 } }
}

/// Shokri et al.'s model-based synthesis (Algorithm 1): search for records the target classifies
/// as class c with high confidence, by randomised hill climbing that only queries the target.
public final class ShadowSynthesis {
    public struct Options: Sendable, Equatable {
        /// Features re-randomised per proposal start at kMax and halve (not below kMin) after
        /// rejMax consecutive rejections.
        public var kMax = 64
        public var kMin = 4
        /// Proposals below this confidence are never accepted as records.
        public var confMin = 0.8
        public var rejMax = 10
        public var iterMax = 200
        public init() {}
    }

    let target: Predictor
    let options: Options
    let range: (Float, Float)
    let binary: Bool
    let features: Int
    public private(set) var queries = 0

    init(target: Predictor, options: Options, features: Int, featureRange: (Float, Float), binary: Bool) throws {
        guard options.kMin >= 1, options.kMax >= options.kMin, options.rejMax >= 1, options.iterMax >= 1,
              options.confMin > 0, options.confMin < 1 else {
            throw PrivLabError.invalidArgument("synthesis: need 1 ≤ k_min ≤ k_max, rej_max ≥ 1, iter_max ≥ 1, conf_min in (0, 1)")
        }
        self.target = target
        self.options = options
        self.range = featureRange
        self.binary = binary
        self.features = features
    }

    func randomValue(_ rng: inout RNG) -> Float {
        binary ? (rng.bernoulli(0.5) ? 1 : 0) : range.0 + Float(rng.uniform()) * (range.1 - range.0)
    }

    func confidence(_ x: [Float], _ c: Int) throws -> [Float] {
        queries += 1
        return try target.releasedProbabilities(try Matrix([x])).row(0)
    }

    /// One synthetic record of class `c`, or nil if none was found within iter_max queries.
    /// Paper's loop: propose x* (k random features of x changed); if y_c(x*) ≥ y_c(x) then, when
    /// y_c(x*) > conf_min and c is the argmax, accept x* as a record with probability y_c(x*);
    /// otherwise move to x*. Count rejections; halve k after rej_max of them.
    func synthesize(class c: Int, rng: inout RNG) throws -> [Float]? {
        let d = features
        var x = (0..<d).map { _ in randomValue(&rng) }
        var yc: Float = 0
        var k = min(options.kMax, d)
        var rejections = 0
        for it in 0..<options.iterMax {
            try WorkBudget.checkpoint()
            var proposal = x
            if it > 0 {
                for j in try rng.sample(d, min(k, d)) { proposal[j] = randomValue(&rng) }
            }
            let p = try confidence(proposal, c)
            let pc = p[c]
            if pc >= yc {
                var arg = 0
                for j in 1..<p.count where p[j] > p[arg] { arg = j }
                if Double(pc) > options.confMin && arg == c {
                    if rng.uniform() < Double(pc) { return proposal }
                }
                x = proposal
                yc = pc
                rejections = 0
            } else {
                rejections += 1
                if rejections > options.rejMax {
                    k = max(options.kMin, k / 2)
                    rejections = 0
                }
            }
        }
        return nil
    }

}
