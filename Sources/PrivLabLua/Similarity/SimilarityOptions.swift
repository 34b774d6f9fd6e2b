import Foundation
import PrivLab

/// How submissions are compared (`privlab similar`).
public struct SimilarityOptions: Sendable {
    /// Noise threshold k: a k-gram of normalised tokens is the smallest match that counts (§2).
    /// 12 tokens is about one and a half lines of Lua (`for N = 0 , # N do N [ N ] =` is 12):
    /// shorter runs are idioms every solution shares.
    public var kgram = 12
    /// Winnowing window w; the guarantee threshold is t = w + k − 1 tokens (§2).
    public var window = 8
    /// A pair is flagged when the shared fingerprints are at least this fraction of either
    /// submission's fingerprints (after the template's are removed).
    public var threshold = 0.5
    /// … and at least this many (a few shared k-grams in a nearly empty submission prove nothing).
    public var minimumShared = 8
    /// A fingerprint found in more than this many submissions is ignored, as MOSS's `-m` (SIGMOD
    /// 2003 §5: code every student got from the hand-out, the lecture or the manual).
    public var maximumOccurrences = 10
    public var tieRule: Winnowing.TieRule = .robust
    public init() {}

    /// Every match of at least this many normalised tokens is detected.
    public var guaranteeThreshold: Int { window + kgram - 1 }

    public func validate() throws {
        func bad(_ s: String) -> PrivLabError { .invalidArgument("similar: \(s)") }
        guard (1...1000).contains(kgram) else { throw bad("k-gram length must be between 1 and 1000 tokens, got \(kgram)") }
        guard (1...1000).contains(window) else { throw bad("window must be between 1 and 1000 k-grams, got \(window)") }
        guard threshold.isFinite, threshold > 0, threshold <= 1 else { throw bad("threshold must be in (0, 1], got \(threshold)") }
        guard minimumShared >= 1 else { throw bad("minimum shared fingerprints must be at least 1, got \(minimumShared)") }
        guard maximumOccurrences >= 2 else { throw bad("maximum occurrences must be at least 2, got \(maximumOccurrences)") }
    }
}
