import PrivLab

/// What kind of value an option takes, as a Lua user names it.
public enum OptionKind: Equatable, Sendable {
    case number, integer, boolean, string, function, dataset, model, table
    /// A list of integers (a single integer is taken as a one-element list).
    case integers
    /// A list of numbers.
    case numbers
    /// One of the given strings (an enum's Lua names).
    case choice([String])
    /// Anything; the meaning says what is accepted (a name or a function, a number or "auto", …).
    case any
    /// An object of a Lua class other than Dataset and Model (its class name, e.g. "ReferenceModels").
    case object(String)

    /// The type as the Lua Language Server spells it.
    public var luaType: String {
        switch self {
        case .number: return "number"
        case .integer: return "integer"
        case .boolean: return "boolean"
        case .string: return "string"
        case .function: return "function"
        case .dataset: return "Dataset"
        case .model: return "Model"
        case .table: return "table"
        case .integers: return "integer[]"
        case .numbers: return "number[]"
        case .choice(let names): return names.map { "\"\($0)\"" }.joined(separator: "|")
        case .any: return "any"
        case .object(let name): return name
        }
    }

    /// The type as `privlab doc` prints it.
    public var docText: String {
        switch self {
        case .choice(let names): return names.map { "\"\($0)\"" }.joined(separator: " | ")
        case .integers: return "list of integers"
        case .numbers: return "list of numbers"
        default: return luaType
        }
    }

    /// A table, a data set, a model or another object: a number given there must be a clear error.
    public var takesAnObject: Bool {
        switch self {
        case .table, .dataset, .model, .object: return true
        default: return false
        }
    }

    /// A numeric kind, tried with extreme values by the bad-value suite (lists too, as one element).
    public var isNumeric: Bool { [.number, .integer, .integers, .numbers, .any].contains(self) }

    /// The Lua names of an enum's cases.
    public static func choice<E: CaseIterable & RawRepresentable>(_ e: E.Type) -> OptionKind where E.RawValue == String {
        .choice(E.allCases.map(\.rawValue))
    }
}

/// An option's default value, typed as the accessor returns it.
public enum OptionDefault: Equatable, Sendable {
    case number(Double)
    case integer(Int)
    case boolean(Bool)
    case string(String)
    case integers([Int])
    /// Computed by the binding when the call is made ("the number of cores"): the words say how.
    case described(String)

    /// The default as Lua text (`0.05`, `"relu"`, `{16, 32}`) or the words of a computed one.
    public var luaText: String {
        switch self {
        case .number(let x): return formatCompact(x)
        case .integer(let i): return String(i)
        case .boolean(let b): return String(b)
        case .string(let s): return "\"\(s)\""
        case .integers(let xs): return "{" + xs.map(String.init).joined(separator: ", ") + "}"
        case .described(let words): return words
        }
    }
}

/// Whether an option may be left out, and what leaving it out means.
public enum OptionPresence: Equatable, Sendable {
    /// The call fails without it.
    case required
    /// Absent means this value.
    case defaulted(OptionDefault)
    /// Absent means what the words say ("no early stopping", "all records"); nil: nothing is done.
    case optional(String?)
}

/// A bound on an option's value: fixed, or a rule naming another option or the data.
public enum OptionBound: Equatable, Sendable {
    case atLeast(Double)
    case above(Double)
    case atMost(Double)
    case below(Double)
    /// At most the value of another option of the same call (its default when absent), minus `less`.
    case atMostOption(String, less: Double = 0)
    /// Odd (a kernel size with a centre).
    case odd
    /// A rule checked where the data is known ("≤ the public records"): documented, not read here.
    case rule(String)

    /// The bound as `privlab doc` writes it ("≥ 1", "≤ shards", "odd").
    public var text: String {
        switch self {
        case .atLeast(let x): return "≥ \(formatCompact(x))"
        case .above(let x): return "> \(formatCompact(x))"
        case .atMost(let x): return "≤ \(formatCompact(x))"
        case .below(let x): return "< \(formatCompact(x))"
        case .atMostOption(let k, let less): return less == 0 ? "≤ \(k)" : "≤ \(k) − \(formatCompact(less))"
        case .odd: return "odd"
        case .rule(let r): return r
        }
    }
}

/// When an option applies: only with another option at one of some values (its default counts),
/// or only when another is given. Checked when the options table is opened, so a setting that
/// would be ignored is an error naming what it needs.
public enum OptionCondition: Equatable, Sendable {
    case equals(String, [String])
    case given(String, why: String? = nil)

    /// Values as Lua writes them: "boosting" quoted, true and false not.
    public static func values(_ vs: [String]) -> String {
        vs.map { $0 == "true" || $0 == "false" ? $0 : "\"\($0)\"" }.joined(separator: " or ")
    }

    /// "with attack_model = "boosting"", "with data".
    public var text: String {
        switch self {
        case .equals(let k, let vs): return "with \(k) = " + OptionCondition.values(vs)
        case .given(let k, _): return "with \(k)"
        }
    }
}

/// One option of one function: its name, kind, what it means *in that function*, whether it may
/// be left out, and its bounds. Bindings read options through these (`DeclaredOptions`), and
/// `privlab doc`, the editor stubs and the bad-value suite are written from them.
public struct OptionSpec: Equatable, Sendable {
    public var key: String
    public var kind: OptionKind
    public var meaning: String
    public var presence: OptionPresence
    public var bounds: [OptionBound]
    /// The keys of a nested options table (`dp = {epsilon=, clip=}`), read through them too.
    public var fields: [OptionSpec]
    /// When the option applies (nil: always).
    public var only: OptionCondition? = nil

    public init(_ key: String, _ kind: OptionKind, _ meaning: String, _ presence: OptionPresence, _ bounds: [OptionBound] = [],
                fields: [OptionSpec] = []) {
        self.key = key
        self.kind = kind
        self.meaning = meaning
        self.presence = presence
        self.bounds = bounds
        self.fields = fields
    }

    public var isRequired: Bool { presence == .required }
    /// The default, nil when there is none.
    public var defaultValue: OptionDefault? {
        if case .defaulted(let d) = presence { return d }
        return nil
    }
    /// The option, applying only under `condition`.
    public func only(_ condition: OptionCondition) -> OptionSpec {
        var o = self
        o.only = condition
        return o
    }
    /// The bounds as text ("> 0, ≤ 0.5"), nil when unbounded.
    public var boundsText: String? { bounds.isEmpty ? nil : bounds.map(\.text).joined(separator: ", ") }
}

/// A named result field: what a function's (or method's) result table holds.
public struct ResultField: Equatable, Sendable {
    public var key: String
    public var type: String
    public var meaning: String
    public init(_ key: String, _ type: String, _ meaning: String) {
        self.key = key
        self.type = type
        self.meaning = meaning
    }
}

/// A positional argument (before any options table).
public struct ArgumentSpec: Equatable, Sendable {
    public var name: String
    public var type: String
    public var meaning: String
    public var optional: Bool
    public init(_ name: String, _ type: String, _ meaning: String, optional: Bool = false) {
        self.name = name
        self.type = type
        self.meaning = meaning
        self.optional = optional
    }
}

/// One Lua function (`pl.mlp`) or method (`Dataset.split`) as data: what it does, its positional
/// arguments, its options table, and what it returns. Declared once, next to its binding.
public struct FunctionDeclaration: Equatable, Sendable {
    /// Dotted path under `pl` ("mlp", "attack.shadow") or "Class.method" ("Dataset.split").
    public var path: String
    public var summary: String
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    /// The Lua class of the result ("Model"), or a plain Lua type ("table", "number").
    public var returns: String?
    /// The fields of a result table, when it is one.
    public var resultFields: [ResultField]
    /// Options a kindred function takes (or this one took) that it refuses, each with what to say
    /// ("does not apply (…)", "is now called …"): not documented as options; given, they are an
    /// error saying why rather than "unknown".
    public var refused: [String: String]

    public init(_ path: String, _ summary: String, arguments: [ArgumentSpec] = [], options: [OptionSpec] = [],
                returns: String? = nil, resultFields: [ResultField] = [], refused: [String: String] = [:]) {
        self.path = path
        self.refused = refused
        self.summary = summary
        self.arguments = arguments
        self.options = options
        self.returns = returns
        self.resultFields = resultFields
        var seen = Set<String>()
        for o in options { precondition(seen.insert(o.key).inserted, "\(path): option '\(o.key)' declared twice") }
    }

    /// The option `key`, nil when not declared.
    public func option(_ key: String) -> OptionSpec? { options.first { $0.key == key } }

    /// The same declaration under another path (a method another class shares).
    public func renamed(_ path: String) -> FunctionDeclaration {
        var d = self
        d.path = path
        return d
    }

    /// Whether this is a method ("Dataset.split") rather than a `pl` function.
    public var isMethod: Bool { path.first?.isUppercase ?? false }
}

/// Short constructors for option lists: `.number("lr", "learning rate", default: 0.05, .above(0))`.
public extension OptionSpec {
    static func number(_ key: String, _ meaning: String, default d: Double, _ bounds: OptionBound...) -> OptionSpec {
        OptionSpec(key, .number, meaning, .defaulted(.number(d)), bounds)
    }
    static func number(_ key: String, _ meaning: String, _ presence: OptionPresence, _ bounds: OptionBound...) -> OptionSpec {
        OptionSpec(key, .number, meaning, presence, bounds)
    }
    static func integer(_ key: String, _ meaning: String, default d: Int, _ bounds: OptionBound...) -> OptionSpec {
        OptionSpec(key, .integer, meaning, .defaulted(.integer(d)), bounds)
    }
    static func integer(_ key: String, _ meaning: String, _ presence: OptionPresence, _ bounds: OptionBound...) -> OptionSpec {
        OptionSpec(key, .integer, meaning, presence, bounds)
    }
    static func boolean(_ key: String, _ meaning: String, default d: Bool) -> OptionSpec {
        OptionSpec(key, .boolean, meaning, .defaulted(.boolean(d)))
    }
    static func choice<E: CaseIterable & RawRepresentable>(_ key: String, _ e: E.Type, _ meaning: String, default d: E) -> OptionSpec
    where E.RawValue == String {
        OptionSpec(key, .choice(e), meaning, .defaulted(.string(d.rawValue)))
    }
    /// A nested options table whose keys are declared too.
    static func table(_ key: String, _ meaning: String, _ presence: OptionPresence, fields: [OptionSpec]) -> OptionSpec {
        OptionSpec(key, .table, meaning, presence, fields: fields)
    }
    static func seed(_ meaning: String = "seed of every random choice the function makes", default d: Int = 1) -> OptionSpec {
        OptionSpec("seed", .integer, meaning, .defaulted(.integer(d)))
    }
}
