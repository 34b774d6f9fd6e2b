import Foundation

/// Finds the smallest noise multiplier whose ε does not exceed a target (ε is decreasing in σ),
/// under any accountant — the one that will report the run's ε, so the two always agree.
public enum NoiseCalibration {
    /// `phases` give the sampling rates and step counts; their noise values are replaced by σ.
    /// The returned σ meets the target (its ε ≤ target) and is within a relative 1e-7 of the
    /// smallest that does.
    public static func noise(forEpsilon target: Double, phases: [PrivacyPhase], delta: Double,
                             accountant: any PrivacyAccountant) throws -> Double {
        let eps = try epsilonOfNoise(target: target, phases: phases, delta: delta, accountant: accountant)
        return try smallestNoise(meeting: target, floor: 1e-6, tolerance: 1e-7, eps)
    }

    /// The smallest σ with `eps(σ) ≤ target` for any ε decreasing in σ: doubling from 1 to a σ
    /// that meets the target (at most 10⁶), halving down to `floor` for one that does not, then
    /// bisection to a relative width of `tolerance`; the σ returned always meets the target.
    public static func smallestNoise(meeting target: Double, floor: Double, tolerance: Double,
                                     _ eps: (Double) throws -> Double) throws -> Double {
        var hi = 1.0
        while try eps(hi) > target {
            hi *= 2
            if hi > 1e6 { throw PrivLabError.invalidArgument("epsilon \(formatCompact(target)) is unreachable (even σ = 10⁶ gives more)") }
        }
        var lo = hi / 2
        while lo > floor, try eps(lo) <= target { lo /= 2 }
        while hi - lo > tolerance * hi {
            let mid = 0.5 * (lo + hi)
            if try eps(mid) <= target { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// The same search for an accountant whose ε is costly (PLD: a fraction of a second each),
    /// in a few evaluations: the bracket starts from `upper`, a σ known or likely to meet the
    /// target (checked), and shrinks by regula falsi with the Illinois modification (Dowell &
    /// Jarratt 1971; ε is smooth and decreasing in σ) until ε is within a relative 1e-6 below the
    /// target or the bracket within 1e-7 of σ. The returned σ always meets the target.
    static func noise(forEpsilon target: Double, phases: [PrivacyPhase], delta: Double, accountant: any PrivacyAccountant,
                      upper: Double) throws -> Double {
        let eps = try epsilonOfNoise(target: target, phases: phases, delta: delta, accountant: accountant)
        func f(_ s: Double) throws -> Double { try eps(s) - target }
        var hi = upper.isFinite && upper > 0 ? upper : 1, fhi = try f(hi)
        while fhi > 0 {
            hi *= 2
            if hi > 1e6 { throw PrivLabError.invalidArgument("epsilon \(formatCompact(target)) is unreachable (even σ = 10⁶ gives more)") }
            fhi = try f(hi)
        }
        var lo = hi / 1.5, flo = try f(lo)
        while flo <= 0 {
            if lo < 1e-6 { return lo }
            (hi, fhi) = (lo, flo)
            lo /= 2
            flo = try f(lo)
        }
        var side = 0
        for _ in 0..<100 {
            if fhi >= -1e-6 * target || hi - lo <= 1e-7 * hi { break }
            // The secant through the bracket's ends, kept strictly inside it.
            var mid = hi - fhi * (hi - lo) / (fhi - flo)
            if !(mid > lo && mid < hi) { mid = 0.5 * (lo + hi) }
            let fm = try f(mid)
            if fm <= 0 {
                (hi, fhi) = (mid, fm)
                if side == 1 { flo /= 2 }  // Illinois: the end kept twice in a row counts half
                side = 1
            } else {
                (lo, flo) = (mid, fm)
                if side == -1 { fhi /= 2 }
                side = -1
            }
        }
        return hi
    }

    /// ε of the phases with noise σ, as a function of σ (after checking the target).
    private static func epsilonOfNoise(target: Double, phases: [PrivacyPhase], delta: Double,
                                       accountant: any PrivacyAccountant) throws -> (Double) throws -> Double {
        guard target.isFinite, target > 0 else { throw PrivLabError.invalidArgument("epsilon must be a positive number, got \(formatCompact(target))") }
        return { s in try accountant.epsilon(phases.map { PrivacyPhase(sampleRate: $0.sampleRate, noise: s, steps: $0.steps) }, delta: delta) }
    }
}
