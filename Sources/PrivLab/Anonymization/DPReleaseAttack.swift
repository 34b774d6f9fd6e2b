import Foundation

/// What the strongest attacker learnt from DP releases, beside what DP promises.
public struct DPReleaseAttackResult: Sendable {
    public var targets: Int
    /// Independent draws of the releases' noise the accuracy is averaged over.
    public var trials: Int
    /// Share of targets whose sensitive value the attacker's guess got right (over the trials).
    public var accuracy: Double
    /// Mean posterior probability the attacker put on the true value.
    public var meanPosterior: Double
    /// Guessing at random among the m values: 1/m.
    public var baseline: Double
    /// The ceiling DP puts on that accuracy: (e^ε + (m − 1)δ)/(e^ε + m − 1) at the replacement (ε, δ).
    public var bound: Double
    /// The sensitive attribute's number of values.
    public var values: Int
    /// The composed guarantee against adding or removing a person (what a report states).
    public var privacy: PrivacyStatement
    /// The same mechanisms accounted with the RDP accountant at δ (Laplace only: RDP can beat basic
    /// composition after many releases); nil for Gaussian releases, whose `privacy` is already an accountant's.
    public var privacyRDP: PrivacyStatement?
    /// The composed guarantee against replacing one person's sensitive value (the bound's ε, δ).
    public var replacement: PrivacyStatement
}

/// The attack on DP releases that mirrors the intersection attack, with DP's own threat model: the
/// attacker knows every record but the target's (the "informed adversary" DP is defined against)
/// and the target's quasi-identifiers, so each release's counts in the target's cell, minus the
/// others' counts, are the target's one-hot value plus noise. With a uniform prior over the m values
/// the Bayes-optimal guess maximises the likelihood over all releases (Laplace: Σ_r −|x_rv − 1| + |x_rv|
/// over b_r; Gaussian: Σ_r (2x_rv − 1)/2σ_r²), ties broken at random from the seed. By symmetry its
/// accuracy is the same for every true value, so it is bounded by e^ε/(e^ε + m − 1) for ε-DP against
/// replacement (and (e^ε + (m−1)δ)/(e^ε + m − 1) for (ε, δ)-DP: from P[guess v | v] ≤ e^ε P[guess v | u] + δ
/// summed over the m values) — whatever the data's distribution of values.
public enum DPReleaseAttack {
    /// Attacks the people in every release (or `targets`, ids that must be in every release).
    public static func run(_ releases: [DPHistogramRelease], accountant: any PrivacyAccountant, delta: Double, seed: UInt64,
                           targets: [Int]? = nil, trials: Int = 1, fn: String = "dp_attack") throws -> DPReleaseAttackResult {
        guard trials >= 1 else { throw PrivLabError.invalidArgument("\(fn): trials must be at least 1, got \(trials)") }
        guard let first = releases.first else { throw PrivLabError.invalidArgument("\(fn): give at least one release") }
        guard delta > 0 && delta < 1 else { throw PrivLabError.invalidArgument("\(fn): delta must be in (0, 1)") }
        for r in releases where r.levels != first.levels || r.sensitive != first.sensitive || r.mechanism != first.mechanism {
            throw PrivLabError.invalidArgument("\(fn): the releases must share the sensitive attribute, its values and the mechanism")
        }
        let m = first.levels.count
        let positions = releases.map { r in Dictionary(uniqueKeysWithValues: r.table.ids.enumerated().map { ($1, $0) }) }
        let ids = try targets.map { t in
            for id in t where positions.contains(where: { $0[id] == nil }) {
                throw PrivLabError.invalidArgument("\(fn): target id \(id) is not in every release")
            }
            return t
        } ?? first.table.ids.filter { id in positions.allSatisfy { $0[id] != nil } }.sorted()
        // Every target of a cell shares the cell's noise, so one set of releases is one draw of the
        // mechanism for all of them: the attacker's success probability (what DP bounds) is
        // estimated over `trials` independent draws of the releases' noise on the same data, the
        // first being the releases as published.
        var rng = RNG(seed: seed)
        var correct = 0.0, posterior = 0.0
        for trial in 0..<trials {
            let noisy = try releases.enumerated().map { r, release in
                trial == 0 ? release.noisyCounts : try release.redrawn(seed: RNG.stream(seed: seed, index: UInt64(trial * releases.count + r)))
            }
            for id in ids {
                let rows = positions.map { $0[id]! }
                let (guess, truth, post) = Self.guess(releases, noisy, rows: rows, rng: &rng)
                if guess == truth { correct += 1 }
                posterior += post
            }
        }
        let n = Double(max(1, ids.count * trials))
        let composed = PrivacyEvent.composed(releases.map(\.event))
        let replaced = PrivacyEvent.composed(releases.map(\.replacementEvent))
        let privacy: PrivacyStatement, replacement: PrivacyStatement, rdp: PrivacyStatement?
        switch first.mechanism {
        case .laplace:
            // Basic composition of pure ε-DP releases (Dwork & Roth 2014, Thm 3.16); the PLD
            // accountant does not account Laplace, RDP does (Mironov 2017, Prop. 6) and is shown beside.
            privacy = try PrivacyStatement(pure: composed, notes: ["basic composition of \(releases.count) Laplace release(s)"])
            replacement = try PrivacyStatement(pure: replaced)
            rdp = try PrivacyStatement(accounting: composed, delta: delta, accountant: try RDPAccountant())
        case .gaussian:
            privacy = try PrivacyStatement(accounting: composed, delta: delta, accountant: accountant)
            replacement = try PrivacyStatement(accounting: replaced, delta: delta, accountant: accountant)
            rdp = nil
        }
        let e = replacement.epsilon, d = replacement.delta
        let bound = e > 700 ? 1 : min(1, (exp(e) + Double(m - 1) * d) / (exp(e) + Double(m - 1)))
        return DPReleaseAttackResult(targets: ids.count, trials: trials, accuracy: correct / n, meanPosterior: posterior / n, baseline: 1 / Double(m),
                                     bound: bound, values: m, privacy: privacy, privacyRDP: rdp, replacement: replacement)
    }

    /// The Bayes-optimal guess for one target (table rows `rows`, one per release) from counts
    /// `noisy`: (guess, true value, posterior on the true value).
    static func guess(_ releases: [DPHistogramRelease], _ noisy: [[Double]], rows: [Int], rng: inout RNG) -> (Int, Int, Double) {
        let m = releases[0].levels.count
        var score = [Double](repeating: 0, count: m)
        var truth = -1
        for (r, release) in releases.enumerated() {
            truth = release.codes[rows[r]]
            let cell = release.cellOfRow[rows[r]]
            for v in 0..<m {
                let i = cell * m + v
                // The target's own contribution plus the noise: released − everyone else's count.
                let x = noisy[r][i] - (release.trueCounts[i] - (v == truth ? 1 : 0))
                switch release.mechanism {
                case .laplace: score[v] += (abs(x) - abs(x - 1)) / release.scale
                case .gaussian: score[v] += (2 * x - 1) / (2 * release.scale * release.scale)
                }
            }
        }
        let best = score.max()!
        let ties = score.indices.filter { score[$0] == best }
        let guess = ties.count == 1 ? ties[0] : ties[rng.int(below: ties.count)]
        let z = score.reduce(0) { $0 + exp($1 - best) }
        return (guess, truth, exp(score[truth] - best) / z)
    }
}
