import Foundation

/// The name a model file gives a kind of stored component ("memguard", "pase", "dmp", …). The set
/// is open: each storable type declares its own (`StorableComponent.storedKind`), so the model
/// layer knows none of the defenses or attacks that use it. Encoded as the bare name, as the enum
/// it replaces was, so older files read unchanged.
public struct StoredComponentKind: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ name: String) { rawValue = name }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }
}

/// A model made of other models that a model file can hold (a defense, an ensemble, a
/// query-budgeted target): it names its kind and restores itself from a `StoredComponent` whose
/// parts are already restored. The table of kinds lives above every layer that defines one
/// (`Storage/ComponentRegistry.swift`); a new kind is its type's conformance plus one line there.
public protocol StorableComponent: PersistableModel {
    /// The name model files give this kind.
    static var storedKind: StoredComponentKind { get }
    /// The fitted component `c` describes, given its parts (restored, in order) and its own floats;
    /// `components` restores any model it keeps in its own state (SISA's checkpoints).
    static func restore(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                        components: ComponentRestoring) throws -> LoadedModel
}

/// A stored kind that comes back as a classifier that trains — every kind but an attacker's
/// query-budgeted view, which only predicts.
public protocol StorableClassifier: StorableComponent {
    /// The fitted classifier `c` describes (see `StorableComponent.restore`).
    static func restoreClassifier(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                                  components: ComponentRestoring) throws -> Classifier
}

extension StorableClassifier {
    public static func restore(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                               components: ComponentRestoring) throws -> LoadedModel {
        .classifier(try restoreClassifier(c, parts: parts, own: own, origin: origin, components: components))
    }
}

/// Turns stored components back into models: what `ModelFile` asks when a file holds one. The
/// model layer defines the question, the composition root (`Storage/`) answers it.
public protocol ComponentRestoring {
    func restore(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String) throws -> LoadedModel
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

    /// A description of `model` (its kind is the type's), parts stored first, then its own floats.
    public init<S: Encodable>(_ model: some StorableComponent, state: S, parts: [PersistableModel], own: [Float] = [], floats: inout [Float]) throws {
        try self.init(kind: type(of: model).storedKind, state: state, parts: parts, own: own, floats: &floats)
    }

    /// Throws unless the file gave exactly `n` parts (a component's restorer checks its shape
    /// before indexing into them).
    public func requireParts(_ parts: [Classifier], _ n: Int, origin: String) throws {
        guard parts.count == n else {
            throw PrivLabError.malformedFile(location: origin, reason: "\(kind) wraps \(n) model\(n == 1 ? "" : "s"), the file holds \(parts.count)")
        }
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
    /// Image data's `[channels, height, width]`, when the dataset has one (absent in older files).
    public var imageShape: [Int]?
    public var featureNames: [String]?
    public var classNames: [String]?

    /// The description of `d`, its features appended to `floats`.
    public init(_ d: Dataset, floats: inout [Float]) {
        rows = d.size
        cols = d.featureCount
        labels = d.labels
        classes = d.classes
        ids = d.ids
        name = d.name
        imageShape = d.imageShape
        featureNames = d.featureNames
        classNames = d.classNames
        floats += d.features.data
    }

    /// The dataset back, its features read from `floats` at `cursor` (advanced past them).
    public func restore(_ floats: [Float], _ cursor: inout Int, origin: String) throws -> Dataset {
        guard rows >= 0, cols >= 0, cursor + rows * cols <= floats.count, labels.count == rows, ids.count == rows else {
            throw PrivLabError.malformedFile(location: origin, reason: "a stored dataset does not match its parameters")
        }
        let x = try Matrix(rows: rows, cols: cols, data: Array(floats[cursor..<(cursor + rows * cols)]))
        cursor += rows * cols
        do {
            return try Dataset(features: x, labels: labels, classes: classes, ids: ids, featureNames: featureNames,
                               classNames: classNames, imageShape: imageShape, name: name)
        } catch { throw PrivLabError.malformedFile(location: origin, reason: "a stored dataset is invalid (\(error))") }
    }
}
