import Foundation

/// A stretch of code two submissions share: the lines on each side and how many fingerprints
/// place it there.
public struct MatchRegion: Sendable, Equatable {
    public var linesA: ClosedRange<Int>
    public var linesB: ClosedRange<Int>
    /// Normalised tokens the region covers on each side.
    public var tokensA: Int
    public var tokensB: Int
    public var fingerprints: Int

    /// The shared fingerprints of two submissions grouped into regions. A fingerprint at token j
    /// covers tokens j ..< j + k; inside one copied run consecutive fingerprints lie at most w
    /// k-grams apart on both sides (every window selects one), so matches that advance on both
    /// sides by at most w + k tokens belong to the same region. A hash found several times on a
    /// side pairs each occurrence with the other side's nearest in order (at most 4 each, so a
    /// repeated idiom cannot blow up the pairing).
    static func regions(_ a: SubmissionFingerprints, _ b: SubmissionFingerprints, shared: Set<UInt64>,
                        options: SimilarityOptions) -> [MatchRegion] {
        guard !shared.isEmpty else { return [] }
        let pa = a.positionsByHash, pb = b.positionsByHash
        var matches = [(Int, Int)]()
        for h in shared {
            for x in (pa[h] ?? []).prefix(4) { for y in (pb[h] ?? []).prefix(4) { matches.append((x, y)) } }
        }
        matches.sort { $0 < $1 }
        let gap = options.window + options.kgram
        // Open runs: first and last match of each.
        var runs = [(first: (Int, Int), last: (Int, Int), count: Int)]()
        for m in matches {
            if let r = runs.indices.last(where: { i in
                let l = runs[i].last
                return m.0 > l.0 && m.0 - l.0 <= gap && m.1 > l.1 && m.1 - l.1 <= gap
            }) {
                runs[r].last = m
                runs[r].count += 1
            } else {
                runs.append((m, m, 1))
            }
        }
        let k = options.kgram
        var out = runs.map { r -> MatchRegion in
            let a0 = r.first.0, a1 = min(r.last.0 + k - 1, a.tokens.count - 1)
            let b0 = r.first.1, b1 = min(r.last.1 + k - 1, b.tokens.count - 1)
            return MatchRegion(linesA: a.tokens[a0].line...a.tokens[a1].endLine, linesB: b.tokens[b0].line...b.tokens[b1].endLine,
                               tokensA: a1 - a0 + 1, tokensB: b1 - b0 + 1, fingerprints: r.count)
        }
        // A region inside a larger one on both sides (an idiom matched a second time) adds nothing.
        out = out.filter { r in !out.contains { o in o != r && o.linesA.contains(r.linesA) && o.linesB.contains(r.linesB) && o.fingerprints >= r.fingerprints } }
        return out.sorted { ($0.tokensA, $0.linesA.lowerBound) > ($1.tokensA, $1.linesA.lowerBound) }
    }
}

extension ClosedRange {
    func contains(_ other: ClosedRange<Bound>) -> Bool { lowerBound <= other.lowerBound && other.upperBound <= upperBound }
}
