import Foundation

/// The kinds of stored model made of other models — defenses, query-budgeted targets — that a
/// model file can hold besides networks, classical models and pipelines. Files written before a
/// kind existed still load (they never name it); a file naming a kind this privlab does not know
/// fails with the kind's name.
public enum StoredComponentKind: String, Codable, CaseIterable, Sendable {
    case outputDefense = "output_defense"
    case memGuard = "memguard"
    case pase
    case queryBudget = "query_budget"
}

/// A stored model made of other models: its kind, its own state (sorted-key JSON of the kind's
/// `Codable` state), the stored models it wraps, and how many floats of its own follow theirs in
/// the parameter block (e.g. a defense's reference records).
public struct StoredComponent: Codable, Sendable {
    public var kind: StoredComponentKind
    public var state: String
    public var parts: [StoredModel]
    public var ownFloats: Int

    /// Describes a component: `parts` are stored first (their floats appended to `floats`), then
    /// the component's own floats.
    public init<S: Encodable>(kind: StoredComponentKind, state: S, parts: [PersistableModel], own: [Float] = [], floats: inout [Float]) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        self.kind = kind
        self.state = String(decoding: try enc.encode(state), as: UTF8.self)
        self.parts = try parts.map { try $0.storedModel(&floats) }
        self.ownFloats = own.count
        floats += own
    }

    /// The component's own state, decoded.
    public func decodeState<S: Decodable>(_ type: S.Type, origin: String) throws -> S {
        do { return try JSONDecoder().decode(type, from: Data(state.utf8)) } catch {
            throw PrivLabError.malformedFile(location: origin, reason: "unreadable \(kind.rawValue) state (\(error))")
        }
    }
}

/// A dataset as a component stores it (a defense's reference records, a switching ensemble's
/// private rows): everything but the features, which go to the float block.
public struct StoredDataset: Codable, Sendable {
    public var rows: Int
    public var cols: Int
    public var labels: [Int]
    public var classes: Int
    public var ids: [Int]
    public var name: String

    /// The description of `d`, its features appended to `floats`.
    public init(_ d: Dataset, floats: inout [Float]) {
        rows = d.size
        cols = d.featureCount
        labels = d.labels
        classes = d.classes
        ids = d.ids
        name = d.name
        floats += d.features.data
    }

    /// The dataset back, its features read from `floats` at `cursor` (advanced past them).
    public func restore(_ floats: [Float], _ cursor: inout Int, origin: String) throws -> Dataset {
        guard rows >= 0, cols >= 0, cursor + rows * cols <= floats.count, labels.count == rows, ids.count == rows else {
            throw PrivLabError.malformedFile(location: origin, reason: "a stored dataset does not match its parameters")
        }
        let x = try Matrix(rows: rows, cols: cols, data: Array(floats[cursor..<(cursor + rows * cols)]))
        cursor += rows * cols
        return try Dataset(features: x, labels: labels, classes: classes, ids: ids, name: name)
    }
}
