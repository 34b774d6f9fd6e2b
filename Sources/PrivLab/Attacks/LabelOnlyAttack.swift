import Foundation

/// The label-only membership attack of Choquette-Choo, Tramèr, Carlini & Papernot ("Label-Only
/// Membership Inference Attacks", ICML 2021, §4 "data augmentation" and "noise robustness"): an
/// attacker who sees only predicted labels queries perturbed copies of a record; a model is more
/// robust around the records it was trained on, so the fraction of copies still given the true
/// label is the membership score. Output defenses that keep the label — top-k, rounding, MemGuard
/// — cannot hide this signal.
///
/// Score: 1 if the record itself is classified correctly (the "gap attack"), plus the fraction of
/// its perturbed copies classified correctly. Perturbations: Gaussian noise of a given standard
/// deviation on every feature, or for images every shift by up to `d` pixels (the paper's
/// translations; the copies cover all (2d + 1)² − 1 shifts, so `queries` is ignored).
public final class LabelOnlyAttack: MembershipAttack {
    public enum Perturbation: Sendable, Equatable {
        case gaussian(sigma: Double)
        case translation(pixels: Int)
    }
    public struct Options: Sendable {
        public var perturbation: Perturbation = .gaussian(sigma: 0.5)
        /// Perturbed copies per record (Gaussian noise).
        public var queries = 20
        public var seed: UInt64 = 1
        public init() {}
    }

    public var name: String { "label-only" }
    public let target: Predictor
    public let options: Options
    public private(set) var queries = 0
    public var threshold: Double? { nil }
    public var threatModel: [String: String] {
        let how: String
        switch options.perturbation {
        case .gaussian(let s): how = "\(options.queries) copies with Gaussian noise σ = \(formatCompact(s)) per record"
        case .translation(let d): how = "every shift by up to \(d) pixel\(d == 1 ? "" : "s") per record"
        }
        return ["access": "black-box, labels only: the predicted class per query", "queries": how]
    }

    /// The fitted state (`Options.fit` checks the options): the attack learns nothing.
    init(target: Predictor, options: Options) {
        self.target = target
        self.options = options
    }

    /// The labels the target releases for the rows of `x` (one query each).
    func labels(_ x: Matrix) throws -> [Int] {
        queries += x.rows
        return try target.releasedProbabilities(x).argmaxRows()
    }

    public func scores(_ ds: Dataset) throws -> [Double] {
        var score = zip(try labels(ds.features), ds.labels).map { $0 == $1 ? 1.0 : 0.0 }
        let copies = try perturbedCopies(ds)
        for copy in copies {
            for (r, (l, y)) in zip(try labels(copy), ds.labels).enumerated() where l == y { score[r] += 1 / Double(copies.count) }
        }
        return score
    }

    /// Each copy holds one perturbed version of every record; record r's noise comes from a stream
    /// keyed by its id, so a record's score does not depend on what else is evaluated.
    public func perturbedCopies(_ ds: Dataset) throws -> [Matrix] {
        switch options.perturbation {
        case .gaussian(let sigma):
            var copies = [Matrix](repeating: ds.features, count: options.queries)
            for r in 0..<ds.size {
                var rng = RNG.stream(seed: options.seed, index: UInt64(bitPattern: Int64(ds.ids[r])))
                for c in 0..<options.queries {
                    for j in 0..<ds.featureCount { copies[c].data[r * ds.featureCount + j] += Float(sigma * rng.normal()) }
                }
            }
            return copies
        case .translation(let d):
            guard let shape = ds.imageShape, shape.count == 3 else {
                throw PrivLabError.invalidArgument("label-only attack: translate needs image data (a dataset with an image shape)")
            }
            let (ch, h, w) = (shape[0], shape[1], shape[2])
            var copies = [Matrix]()
            for dy in -d...d {
                for dx in -d...d where dx != 0 || dy != 0 {
                    var m = Matrix(rows: ds.size, cols: ds.featureCount)
                    for r in 0..<ds.size {
                        let base = r * ds.featureCount
                        for c in 0..<ch {
                            for y in 0..<h where (0..<h).contains(y - dy) {
                                for x in 0..<w where (0..<w).contains(x - dx) {
                                    m.data[base + (c * h + y) * w + x] = ds.features.data[base + (c * h + y - dy) * w + x - dx]
                                }
                            }
                        }
                    }
                    copies.append(m)
                }
            }
            return copies
        }
    }
}

extension LabelOnlyAttack.Options: AttackConfiguration {
    /// The attack against `target`, once its perturbation is checked: it trains nothing.
    public func fit(target: Predictor, inputs: AttackInputs) throws -> LabelOnlyAttack {
        if !inputs.given.isEmpty {
            throw PrivLabError.invalidArgument("label-only attack: it trains no shadow models, so data, shadow model and training size do not apply")
        }
        switch perturbation {
        case .gaussian(let s):
            guard s.isFinite, s > 0 else { throw PrivLabError.invalidArgument("label-only attack: noise must be positive, got \(formatCompact(s))") }
            guard queries >= 1 else { throw PrivLabError.invalidArgument("label-only attack: queries must be at least 1") }
        case .translation(let d):
            guard (1...8).contains(d) else { throw PrivLabError.invalidArgument("label-only attack: translate must be 1…8 pixels, got \(d)") }
        }
        return LabelOnlyAttack(target: target, options: self)
    }
}
