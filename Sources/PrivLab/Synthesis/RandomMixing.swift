import Foundation

/// Random mixing (Lee, Kim & Wang 2019, "Synthesizing differentially private datasets using random
/// mixing"): every output averages records drawn from the whole private set, features and one-hot
/// labels alike, plus Gaussian noise. Each record contributes (clip_C(x), C·e_y), of norm ≤ C√2;
/// the released label is the arg max of the noisy mixed label vector (post-processing), so a
/// mixture of several classes gets the class most of its records had. The baseline ClustMix
/// improves on: mixing records of different classes and far-apart regions blurs both.
public enum RandomMixing {
    public static func release(_ data: Dataset, options o: MixingOptions) throws -> SyntheticRelease {
        try o.validate(data, what: "random_mixing")
        guard o.m <= data.size else { throw PrivLabError.invalidArgument("random_mixing: m = \(o.m) exceeds the \(data.size) records") }
        let d = data.featureCount, k = data.classes
        let outputs = o.outputs ?? data.size
        let q = Double(o.m) / Double(data.size)
        let accountant = try o.accountant.make(settings: o.accountantSettings)
        let sigma = try o.noise ?? SynthesisCalibration.noise(target: o.epsilon!, delta: o.delta, accountant: accountant, fixed: [],
                                                               candidates: [(q, outputs)])
        // Each record's vector: clipped features, then C times its one-hot label.
        let pool = PoissonMixing.clipped(data.features, rows: Array(0..<data.size), clip: o.clip) { i in
            (0..<k).map { $0 == data.labels[i] ? Float(o.clip) : 0 }
        }
        let mixed = try PoissonMixing.release(pool: pool, dimension: d + k, rate: q, outputs: outputs, m: Double(o.m), noise: sigma,
                                              sensitivity: o.clip * 2.squareRoot(), seed: o.seed, workers: o.workers)
        var x = [Float](), y = [Int]()
        x.reserveCapacity(outputs * d)
        for row in mixed {
            x += row[0..<d].map { Float($0) }
            y.append(Array(row[d...]).firstMaxIndex ?? 0)
        }
        let ds = try Dataset(features: try Matrix(rows: outputs, cols: d, data: x), labels: y, classes: k,
                             classNames: data.classNames, name: "random mixing of \(data.name)")
        let event = PrivacyEvent.selfComposed(event: .poissonSampled(rate: q, event: .gaussian(noise: sigma, sensitivity: o.clip * 2.squareRoot())),
                                              count: outputs)
        return SyntheticRelease(data: ds, privacy: try PrivacyStatement(accounting: event, delta: o.delta, accountant: accountant, notes: [
            "\(outputs) outputs, each a Poisson(q = \(formatCompact(q))) mix of the clipped records (C = \(formatCompact(o.clip))) and their one-hot labels, noise multiplier σ = \(formatCompact(sigma)); the record count n is treated as public (q = m/n), as in DP-SGD"]))
    }
}
