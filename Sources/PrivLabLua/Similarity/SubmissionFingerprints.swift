import Foundation
import PrivLab

/// One submission read for comparison: its tokens and winnowed fingerprints.
public struct SubmissionFingerprints: Sendable {
    public var name: String
    public var source: String
    public var tokens: [LuaToken]
    public var fingerprints: [Fingerprint]

    /// Lexes, normalises and winnows `source` (see `SimilarityOptions` for k and w).
    public init(name: String, source: String, options: SimilarityOptions) {
        self.name = name
        self.source = source
        tokens = LuaLexer.tokens(source)
        let codes = tokens.map { SubmissionFingerprints.code($0.normalised) }
        fingerprints = Winnowing.winnow(Winnowing.kgramHashes(codes, k: options.kgram), window: options.window, tie: options.tieRule)
    }

    /// A normalised token as a 64-bit number (FNV-1a of its text).
    static func code(_ normalised: String) -> UInt64 {
        var h = ContentHash()
        h.add(normalised)
        return h.value
    }

    /// Every position of each distinct fingerprint hash.
    var positionsByHash: [UInt64: [Int]] {
        var out = [UInt64: [Int]]()
        for f in fingerprints { out[f.hash, default: []].append(f.position) }
        return out
    }

    /// Source lines `first...last` (1-based, clamped), for showing a region.
    public func lines(_ range: ClosedRange<Int>) -> [String] {
        let all = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let lo = max(range.lowerBound, 1), hi = min(range.upperBound, all.count)
        return lo <= hi ? Array(all[(lo - 1)..<hi]) : []
    }
}
