/// A model that is a membership-inference defense: it says what it did and spent. A capability
/// of its own (not a requirement of every `Classifier`), so the model layer knows nothing of
/// defenses; the bridge asks for it where a user asks for the report.
public protocol DefendedClassifier: Classifier {
    /// What the defense did and spent (teachers, queries answered, privacy bounds, …); nil for a
    /// defense with nothing to report.
    var defenseReport: DefenseReport? { get }
}

/// What a membership-inference defense did and spent, in order, for reports and the Lua bridge
/// (which turns it into a table without knowing the defense).
public struct DefenseReport: Sendable, Equatable {
    /// One reported value.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case integer(Int)
        case text(String)
        case flag(Bool)
    }
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: Value
    }
    /// The defense's name ("pate", "dmp", …).
    public var defense: String
    public var entries: [Entry]

    public init(defense: String, _ entries: [(String, Value)]) {
        self.defense = defense
        self.entries = entries.map { Entry(key: $0.0, value: $0.1) }
    }

    /// The value under `key`, if reported.
    public subscript(_ key: String) -> Value? { entries.first { $0.key == key }?.value }
}
