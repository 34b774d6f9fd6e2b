import Foundation

/// The mechanism both mixing releases share: each output is
///
///     ( Σ_{i ∈ S} v_i  +  N(0, (σ·Δ)² I) ) / m,     S ∋ i independently with probability q,
///
/// over the rows v_i of a pool, each of norm ≤ Δ. Adding or removing one record changes the sum by
/// at most Δ, so one output is the Poisson-subsampled Gaussian mechanism with noise multiplier σ —
/// DP-SGD's mechanism, which the accountants compose exactly — and T outputs are T steps of it.
/// (Lee et al. 2019 and the 3A paper mix exactly m records drawn without replacement; Poisson
/// sampling with q = m/n mixes m records on average and is what the accountants analyse exactly,
/// so it is what PrivLab does. Dividing by the fixed m keeps the sensitivity fixed; the output's
/// expectation is the pool's mean when q = m/n.)
enum PoissonMixing {
    /// Outputs per random stream: the streams are fixed by output index, so the release is the same
    /// bits whatever the number of workers.
    static let block = 256

    /// `outputs` mixed rows of `pool` (n × d, rows already clipped to norm ≤ `sensitivity`).
    static func release(pool: [[Float]], dimension d: Int, rate q: Double, outputs: Int, m: Double, noise sigma: Double,
                        sensitivity: Double, seed: UInt64, workers: Int = 2) throws -> [[Double]] {
        let n = pool.count
        let blocks = (outputs + block - 1) / block
        let std = sigma * sensitivity
        let parts = try ParallelWork.run(blocks, workers: workers) { b -> [[Double]] in
            var rng = RNG.stream(seed: seed, index: UInt64(b))
            let logKeep = log1p(-min(q, 1 - 1e-16))
            var out = [[Double]]()
            for _ in (b * block)..<min((b + 1) * block, outputs) {
                var sum = [Double](repeating: 0, count: d)
                // Poisson sampling by geometric gaps between included records: O(qn) per output.
                var i = -1
                while true {
                    if q >= 1 { i += 1 } else {
                        let u = 1 - rng.uniform()   // (0, 1]
                        i += 1 + Int(min(log(u) / logKeep, Double(n)))
                    }
                    if i >= n { break }
                    let row = pool[i]
                    for j in 0..<d { sum[j] += Double(row[j]) }
                }
                for j in 0..<d { sum[j] = (sum[j] + std * rng.normal()) / m }
                out.append(sum)
            }
            return out
        }
        return parts.flatMap { $0 }
    }

    /// Rows clipped to norm ≤ `clip` (Float, as the engine stores features), each followed by
    /// `extra(row)` when given; in blocks over both cores.
    static func clipped(_ x: Matrix, rows: [Int], clip: Double, extra: ((Int) -> [Float])? = nil) -> [[Float]] {
        let block = 4096
        let parts = (try? ParallelWork.run((rows.count + block - 1) / block, workers: 2) { b -> [[Float]] in
            rows[(b * block)..<min((b + 1) * block, rows.count)].map { i in
                var r = Array(x.data[(i * x.cols)..<((i + 1) * x.cols)])
                let norm = r.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                if norm > clip {
                    let f = Float(clip / norm)
                    for j in r.indices { r[j] *= f }
                }
                if let e = extra { r += e(i) }
                return r
            }
        }) ?? []
        return parts.flatMap { $0 }
    }
}

/// A released synthetic data set and its privacy statement.
public struct SyntheticRelease: Sendable {
    public var data: Dataset
    /// What the release spent, for the worst-off record: its phases (clustering steps first, then
    /// its outputs); where disjoint parts (classes, clusters) were released in parallel, the worst
    /// part comes first (`worstPart`).
    public var privacy: PrivacyStatement
    public init(data: Dataset, privacy: PrivacyStatement) {
        self.data = data
        self.privacy = privacy
    }
}

/// Noise calibration over a fixed set of phases plus one whose noise is sought: the smallest σ
/// (to a relative 10⁻⁶) whose worst-case ε over the candidate phase sets meets `target`.
enum SynthesisCalibration {
    static func noise(target: Double, delta: Double, accountant: any PrivacyAccountant, fixed: [PrivacyPhase],
                      candidates: [(rate: Double, steps: Int)]) throws -> Double {
        func eps(_ s: Double) throws -> Double {
            try candidates.map { try accountant.epsilon(fixed + [PrivacyPhase(sampleRate: $0.rate, noise: s, steps: $0.steps)], delta: delta) }.max() ?? 0
        }
        if !fixed.isEmpty, try accountant.epsilon(fixed, delta: delta) >= target {
            throw PrivLabError.invalidArgument("the clustering alone spends ε ≥ \(formatCompact(target)): raise epsilon or lower cluster_share")
        }
        return try NoiseCalibration.smallestNoise(meeting: target, floor: 1e-4, tolerance: 1e-6, eps)
    }
}
