import Foundation

/// Where SISA keeps its slice checkpoints: in memory, or also in a directory (one model file per
/// checkpoint, named by its key and written atomically, so a file that exists is complete).
/// Safe to use from several training workers at once.
final class SISACheckpointStore: @unchecked Sendable {
    let directory: String?
    /// How many checkpoints the ensemble keeps (shards × slices), for the memory check.
    let capacity: Int
    private var cache: [UInt64: SISACheckpoint] = [:]
    private let lock = NSLock()

    init(directory: String?, capacity: Int) throws {
        self.directory = directory
        self.capacity = capacity
        if let d = directory {
            do {
                try FileManager.default.createDirectory(atPath: "\(d)/checkpoints", withIntermediateDirectories: true)
            } catch {
                throw PrivLabError.io("sisa: cannot create the directory \(d)/checkpoints (\(error.localizedDescription))")
            }
        }
    }

    static func hex(_ key: UInt64) -> String {
        let s = String(key, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    func path(_ key: UInt64) -> String? { directory.map { "\($0)/checkpoints/\(SISACheckpointStore.hex(key)).plm" } }

    /// The checkpoint for `key`, from memory or disk; nil if absent or unreadable (it is then
    /// simply retrained — a damaged file costs time, never correctness).
    func load(_ key: UInt64, factory: SISAModelFactory) -> SISACheckpoint? {
        lock.lock()
        if let c = cache[key] { lock.unlock(); return c }
        lock.unlock()
        guard let p = path(key), FileManager.default.fileExists(atPath: p),
              let (stored, floats) = try? ModelFile.read(path: p) else { return nil }
        let c = SISACheckpoint(model: stored, parameters: floats)
        lock.lock()
        cache[key] = c
        lock.unlock()
        return c
    }

    /// Whether a usable checkpoint exists: a file that fails its checksum counts as missing.
    func contains(_ key: UInt64, factory: SISAModelFactory) -> Bool { load(key, factory: factory) != nil }

    func save(_ key: UInt64, _ c: SISACheckpoint) throws {
        // All checkpoints stay in memory: the first one tells what all of them will take.
        try MemoryBudget.check(Double(c.parameters.count) * 4 * Double(capacity),
                               "sisa: \(capacity) slice checkpoints of \(c.parameters.count) parameters")
        if let p = path(key) { try ModelFile.save(stored: c.model, floats: c.parameters, to: p) }
        lock.lock()
        cache[key] = c
        lock.unlock()
    }

    /// Forgets every checkpoint whose key is not in `keep` (memory and disk).
    func collectGarbage(keep: Set<UInt64>) {
        lock.lock()
        cache = cache.filter { keep.contains($0.key) }
        lock.unlock()
        guard let d = directory else { return }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(d)/checkpoints")) ?? []
        let wanted = Set(keep.map { "\(SISACheckpointStore.hex($0)).plm" })
        for f in files where f.hasSuffix(".plm") && !wanted.contains(f) {
            try? FileManager.default.removeItem(atPath: "\(d)/checkpoints/\(f)")
        }
    }
}

/// The request log of a persistent SISA ensemble (`<dir>/requests.json`, replaced atomically).
/// A request is logged *before* any checkpoint changes; reopening applies every logged request, so
/// an interrupted one is completed (its result is the same whenever it is computed).
struct SISARequestLog: Codable {
    struct Request: Codable {
        var ids: [Int]
        var done: Bool
    }
    var format = 1
    /// Hash of the options, the model and the dataset the ensemble was fitted with.
    var config: String
    var requests: [Request] = []

    static func path(_ dir: String) -> String { "\(dir)/requests.json" }

    static func read(_ dir: String) throws -> SISARequestLog? {
        let p = path(dir)
        guard FileManager.default.fileExists(atPath: p) else { return nil }
        guard let data = FileManager.default.contents(atPath: p) else { throw PrivLabError.io("sisa: cannot read \(p)") }
        do { return try JSONDecoder().decode(SISARequestLog.self, from: data) } catch {
            throw PrivLabError.malformedFile(location: p, reason: "not a SISA request log (\(error))")
        }
    }

    func write(_ dir: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try enc.encode(self), to: SISARequestLog.path(dir))
    }
}
