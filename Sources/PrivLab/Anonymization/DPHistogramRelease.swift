import Foundation

/// A noisy contingency table of one population (cells × sensitive values), with what it spent.
public struct DPHistogramRelease: Sendable {
    public let table: Microdata
    public let quasi: [String]
    public let sensitive: String
    public let levels: [String]
    let codes: [Int]
    let cells: DPCells
    let cellOfRow: [Int]
    /// The exact counts (kept for the informed attacker of `DPReleaseAttack`, who knows every
    /// record but the target's) and the released ones, cell by cell, value by value.
    let trueCounts: [Double]
    public let noisyCounts: [Double]
    public let mechanism: DPHistogramMechanism
    /// Laplace scale b or Gaussian σ.
    public let scale: Double
    public let delta: Double

    public var cellCount: Int { cells.count }

    /// What one release spends against adding or removing a person (the library's neighbouring
    /// relation): one count changes by 1.
    public var event: PrivacyEvent {
        switch mechanism {
        case .laplace: return .laplace(scale: scale, sensitivity: 1)
        case .gaussian: return .gaussian(noise: scale, sensitivity: 1)
        }
    }

    /// What one release spends against *replacing* a person's sensitive value (the attack's
    /// question): two counts of one cell change by 1, so L1 sensitivity 2 and L2 sensitivity √2.
    public var replacementEvent: PrivacyEvent {
        switch mechanism {
        case .laplace: return .laplace(scale: scale, sensitivity: 2)
        case .gaussian: return .gaussian(noise: scale / 2.squareRoot(), sensitivity: 2.squareRoot())
        }
    }

    /// The release's statement: pure ε for Laplace; the accountant's (ε, δ) for Gaussian.
    public func privacy(accountant: any PrivacyAccountant) throws -> PrivacyStatement {
        switch mechanism {
        case .laplace: return try PrivacyStatement(pure: event)
        case .gaussian: return try PrivacyStatement(accounting: event, delta: delta, accountant: accountant)
        }
    }

    /// The released counts of cell `cell` (one per sensitive value).
    public func counts(cell: Int) -> [Double] { Array(noisyCounts[(cell * levels.count)..<((cell + 1) * levels.count)]) }

    /// The exact counts with fresh noise of the same mechanism and scale (another draw of this
    /// release, for estimating an attacker's success probability).
    func redrawn(seed: RNG) throws -> [Double] {
        var rng = seed
        switch mechanism {
        case .laplace: return try Mechanisms.laplace(trueCounts, sensitivity: 1, epsilon: 1 / scale, rng: &rng)
        case .gaussian: return try Mechanisms.gaussian(trueCounts, sigma: scale, rng: &rng)
        }
    }
}
