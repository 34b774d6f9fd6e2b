import Foundation
import PrivLab

/// Two submissions that share fingerprints.
public struct SimilarPair: Sendable {
    /// Indices into `SimilarityResult.submissions`.
    public var a: Int
    public var b: Int
    /// Distinct fingerprint hashes both have (template and frequent ones excluded).
    public var shared: Int
    /// `shared` as a fraction of each side's counted fingerprints.
    public var fractionA: Double
    public var fractionB: Double
    /// The larger fraction: a copy padded with extra code still shows as a copy of the smaller.
    public var score: Double { max(fractionA, fractionB) }
    public var flagged: Bool
    /// The shared code grouped into regions (flagged pairs only).
    public var regions: [MatchRegion]
}

/// Every submission's fingerprints and every pair that shares any, most similar first.
public struct SimilarityResult: Sendable {
    public var options: SimilarityOptions
    public var submissions: [SubmissionFingerprints]
    /// Distinct fingerprint hashes of each submission that count (not the template's, not frequent).
    public var counted: [Int]
    public var pairs: [SimilarPair]
    public var templateName: String?
    public var flagged: [SimilarPair] { pairs.filter(\.flagged) }
}

/// Pairwise similarity of submissions from shared winnowed fingerprints (MOSS's method:
/// Schleimer, Wilkerson & Aiken, SIGMOD 2003, §5), with the hand-out's fingerprints removed first
/// (MOSS's base file) so that code every student was given never makes two submissions alike.
///
/// The Similarity folder lives in PrivLabLua rather than the engine or a module of its own: it
/// reads Lua source, as the assignment tooling beside it (Assignments/) does, and knows nothing of
/// machine learning; it needs no Lua state either, so the engine stays free of course tooling and
/// no new target (with its own dependencies for the CLI) is needed for five small files.
public enum SimilarityCheck {
    public static func compare(_ sources: [(name: String, source: String)], template: (name: String, source: String)? = nil,
                               options: SimilarityOptions = SimilarityOptions()) throws -> SimilarityResult {
        try options.validate()
        let docs = sources.map { SubmissionFingerprints(name: $0.name, source: $0.source, options: options) }
        let base = Set(template.map { SubmissionFingerprints(name: $0.name, source: $0.source, options: options).fingerprints.map(\.hash) } ?? [])
        // Which submissions hold each hash (once per submission).
        var holders = [UInt64: [Int]]()
        for (d, doc) in docs.enumerated() {
            for h in Set(doc.fingerprints.map(\.hash)) where !base.contains(h) { holders[h, default: []].append(d) }
        }
        holders = holders.filter { $0.value.count <= options.maximumOccurrences }
        var counted = [Int](repeating: 0, count: docs.count)
        var sharedCount = [Pair: Int]()
        var sharedHashes = [Pair: [UInt64]]()
        for (h, ds) in holders {
            for d in ds { counted[d] += 1 }
            for x in 0..<ds.count {
                for y in (x + 1)..<ds.count {
                    let p = Pair(ds[x], ds[y])
                    sharedCount[p, default: 0] += 1
                    sharedHashes[p, default: []].append(h)
                }
            }
        }
        var pairs = [SimilarPair]()
        for (p, n) in sharedCount {
            let fa = Double(n) / Double(max(counted[p.a], 1)), fb = Double(n) / Double(max(counted[p.b], 1))
            let flagged = n >= options.minimumShared && max(fa, fb) >= options.threshold
            // Regions only where a reader will look at them (a class of copies has thousands of pairs).
            let regions = flagged ? MatchRegion.regions(docs[p.a], docs[p.b], shared: Set(sharedHashes[p] ?? []), options: options) : []
            pairs.append(SimilarPair(a: p.a, b: p.b, shared: n, fractionA: fa, fractionB: fb, flagged: flagged, regions: regions))
        }
        // Most similar first; ties by name, so the report's order never depends on hashing.
        pairs.sort { ($0.score, $0.shared, docs[$1.a].name, docs[$1.b].name) > ($1.score, $1.shared, docs[$0.a].name, docs[$0.b].name) }
        return SimilarityResult(options: options, submissions: docs, counted: counted, pairs: pairs, templateName: template?.name)
    }

    struct Pair: Hashable {
        var a: Int, b: Int
        init(_ x: Int, _ y: Int) { a = min(x, y); b = max(x, y) }
    }
}
