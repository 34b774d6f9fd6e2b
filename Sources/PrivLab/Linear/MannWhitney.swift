import Foundation

/// The Mann–Whitney U test that a sample tends to be larger than another — the rank test Hartley &
/// Tsaftaris report beside the paired t-test for M3 (the authors' `experiment.py` calls SciPy's
/// `mannwhitneyu(kl_random, kl_feature, alternative="greater")`). Asymptotic form, as SciPy
/// uses for samples this large: U of the first sample from mid-ranks, the normal approximation
/// with the tie correction of the variance and a continuity correction of ½.
public enum MannWhitney {
    /// U of `a` and the one-sided p-value of "a is stochastically greater than b"
    /// (SciPy's `mannwhitneyu(a, b, alternative="greater", method="asymptotic")`).
    public static func greater(_ a: [Double], _ b: [Double]) -> (statistic: Double, pValue: Double) {
        let n1 = Double(a.count), n2 = Double(b.count)
        guard !a.isEmpty, !b.isEmpty else { return (.nan, .nan) }
        let pooled = (a.map { ($0, true) } + b.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSumA = 0.0, tieTerm = 0.0
        var i = 0
        while i < pooled.count {
            var j = i
            while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
            let midRank = Double(i + j) / 2 + 1, t = Double(j - i + 1)
            for k in i...j where pooled[k].1 { rankSumA += midRank }
            tieTerm += t * t * t - t
            i = j + 1
        }
        let u = rankSumA - n1 * (n1 + 1) / 2
        let n = n1 + n2
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else { return (u, 0.5) }
        let z = (u - n1 * n2 / 2 - 0.5) / variance.squareRoot()
        return (u, 0.5 * erfc(z / 2.0.squareRoot()))
    }
}
