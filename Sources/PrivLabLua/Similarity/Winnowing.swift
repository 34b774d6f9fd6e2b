import Foundation

/// A selected k-gram hash and the index of the k-gram (its first token) in the token stream.
public struct Fingerprint: Equatable, Sendable {
    public var hash: UInt64
    public var position: Int
}

/// Document fingerprinting by winnowing (Schleimer, Wilkerson & Aiken, "Winnowing: Local
/// Algorithms for Document Fingerprinting", SIGMOD 2003).
///
/// The document is a sequence of normalised tokens; every k consecutive tokens (a k-gram) are
/// hashed (§2, Karp–Rabin style rolling hash), and in every window of w consecutive k-gram hashes
/// the minimum is selected (§3, Definition 1). Two guarantees follow (§2): a match shorter than the
/// noise threshold k tokens is never detected, and any shared run of at least the guarantee
/// threshold t = w + k − 1 tokens is detected (both copies contain a whole window of the same w
/// hashes, so both select the same minimum). The expected density of selected hashes on random
/// input is 2/(w + 1) (§3.1).
public enum Winnowing {
    /// How a window with several minimal hashes picks one.
    public enum TieRule: String, CaseIterable, Sendable {
        /// Definition 1: the rightmost minimal hash.
        case rightmost
        /// Robust winnowing (same paper): keep the hash the previous window selected if it is
        /// still in the window and minimal, otherwise the rightmost minimum — fewer fingerprints on
        /// low-entropy runs (code repeats itself: `x = x + 1` lines).
        case robust
    }

    /// The hash of every k-gram of `codes` (position j covers codes j ..< j + k): a polynomial
    /// rolling hash modulo 2^64 (each step O(1), §2), finished by a 64-bit mixer so that the
    /// minimum of a window is a uniformly random choice among distinct k-grams, as §3 assumes.
    public static func kgramHashes(_ codes: [UInt64], k: Int) -> [UInt64] {
        precondition(k >= 1)
        guard codes.count >= k else { return [] }
        let base: UInt64 = 0x100_0000_01B3
        var top: UInt64 = 1   // base^(k-1)
        for _ in 1..<k { top = top &* base }
        var h: UInt64 = 0
        for j in 0..<k { h = h &* base &+ codes[j] }
        var out = [UInt64]()
        out.reserveCapacity(codes.count - k + 1)
        out.append(finish(h))
        for j in k..<codes.count {
            h = (h &- codes[j - k] &* top) &* base &+ codes[j]
            out.append(finish(h))
        }
        return out
    }

    /// SplitMix64's finaliser (bijective).
    static func finish(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The fingerprints of a hash sequence: each window's selected hash, recorded once per
    /// position (consecutive windows usually select the same one). A sequence shorter than one
    /// window is one window: its minimum is selected, so short documents still have a fingerprint.
    public static func winnow(_ hashes: [UInt64], window w: Int, tie: TieRule = .robust) -> [Fingerprint] {
        precondition(w >= 1)
        guard !hashes.isEmpty else { return [] }
        var out = [Fingerprint]()
        var selected = -1
        let windows = max(hashes.count - w + 1, 1)
        for start in 0..<windows {
            let end = min(start + w, hashes.count)
            // The rightmost minimum of the window (O(w) per window; windows are a few dozen hashes).
            var m = start
            for j in start..<end where hashes[j] <= hashes[m] { m = j }
            if tie == .robust, selected >= start, hashes[selected] == hashes[m] { m = selected }
            if m != selected {
                out.append(Fingerprint(hash: hashes[m], position: m))
                selected = m
            }
        }
        return out
    }
}
