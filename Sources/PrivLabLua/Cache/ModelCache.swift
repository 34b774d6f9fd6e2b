import Foundation
import PrivLab

/// Fitted models memoised on disk (`privlab run --cache`): one model file (ModelFile's format,
/// checksummed) per fit, named by the digest of the fit's key — the model's constructor and options
/// (the seed among them), the fingerprints of the training and validation data, and the engine.
/// The engine is deterministic, so a hit gives the bits the fit would have given.
///
/// The folder carries a manifest naming the engine that wrote it; a folder written by another
/// engine, or whose manifest is unreadable, is emptied of its entries and rebuilt (with a note),
/// and an entry that fails its checksum is refitted and rewritten (with a note). Never used when
/// grading: the grader's runtimes run sandboxed, and `Runtime` does not open a cache there.
public final class ModelCache {
    public let directory: String
    /// What happened to the folder or its entries that the user should hear (stderr, not the report).
    public private(set) var notes: [String] = []
    public private(set) var hits = 0
    public private(set) var stored = 0
    /// Fits that ran without the cache, by reason.
    public private(set) var skipped: [String: Int] = [:]

    static let manifestName = "privlab-cache.json"
    static let entryExtension = "plmodel"
    /// The layout of the folder (manifest and entry names); the entries' own format is ModelFile's.
    static let layoutVersion = 1

    struct Manifest: Codable, Equatable {
        var layout: Int
        var engine: String
    }

    public init(directory: String) throws {
        self.directory = directory
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let want = Manifest(layout: ModelCache.layoutVersion, engine: CacheKey.engine)
        let path = "\(directory)/\(ModelCache.manifestName)"
        let entries = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".\(ModelCache.entryExtension)") }
        if let data = fm.contents(atPath: path) {
            if let found = try? JSONDecoder().decode(Manifest.self, from: data) {
                if found == want { return }
                notes.append("cache \(directory) was written by \(found.engine) (layout \(found.layout)); this is \(want.engine): its \(entries.count) entries are ignored and the cache rebuilt")
            } else {
                notes.append("cache \(directory): the manifest is unreadable; its \(entries.count) entries are ignored and the cache rebuilt")
            }
        } else if !entries.isEmpty {
            notes.append("cache \(directory) has no manifest; its \(entries.count) entries are ignored and the cache rebuilt")
        }
        for e in entries { try? fm.removeItem(atPath: "\(directory)/\(e)") }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try enc.encode(want), to: path)
    }

    func path(_ key: String) -> String { "\(directory)/\(CacheKey.name(key)).\(ModelCache.entryExtension)" }

    /// The fitted model stored under `key`, or nil (a miss; a corrupt entry is a miss with a note).
    func lookup(_ key: String) -> Classifier? {
        let p = path(key)
        guard FileManager.default.fileExists(atPath: p) else { return nil }
        do {
            let (stored, floats) = try ModelFile.read(path: p)
            let model = try ModelFile.restoreClassifier(stored, floats: floats, origin: p)
            hits += 1
            return model
        } catch {
            notes.append("cache entry \(p) is unusable (\(error)): refitted and rewritten")
            return nil
        }
    }

    /// Stores a fitted model under `key`; a model kind the model file cannot describe is counted
    /// as skipped.
    func store(_ model: Classifier, key: String) {
        var floats = [Float]()
        do {
            let described = try model.requirePersistable("cache").storedModel(&floats)
            try ModelFile.save(stored: described, floats: floats, to: path(key))
            stored += 1
        } catch {
            skip("the model file cannot hold \(model.summary)")
        }
    }

    func skip(_ reason: String) { skipped[reason, default: 0] += 1 }

    /// One line for the end of a run.
    public var summary: String {
        var s = "cache \(directory): \(hits) fit\(hits == 1 ? "" : "s") reused, \(stored) fitted and stored"
        let n = skipped.values.reduce(0, +)
        if n > 0 { s += ", \(n) not cacheable (" + skipped.keys.sorted().map { "\($0): \(skipped[$0]!)" }.joined(separator: "; ") + ")" }
        return s
    }
}
