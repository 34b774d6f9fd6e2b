/// What a membership-inference defence did and spent, in order, for reports and the Lua bridge
/// (which turns it into a table without knowing the defence).
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
    /// The defence's name ("pate", "dmp", …).
    public var defense: String
    public var entries: [Entry]

    public init(defense: String, _ entries: [(String, Value)]) {
        self.defense = defense
        self.entries = entries.map { Entry(key: $0.0, value: $0.1) }
    }

    /// The value under `key`, if reported.
    public subscript(_ key: String) -> Value? { entries.first { $0.key == key }?.value }
}
