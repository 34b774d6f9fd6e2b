/// Every recoverable failure in the engine. The Lua bridge turns these into Lua errors carrying the
/// script's file and line; nothing in the engine traps on bad input.
public enum PrivLabError: Error, CustomStringConvertible, Equatable {
    /// Wrong matrix or dataset shape; the message says which shapes met.
    case shape(String)
    /// An argument outside its domain (negative count, fraction above 1, NaN, …).
    case invalidArgument(String)
    /// A file that could not be read or parsed; `location` is "path:line" or "path@offset".
    case malformedFile(location: String, reason: String)
    /// A file that could not be opened or written.
    case io(String)
    /// Anything else that the caller should see verbatim.
    case message(String)
    /// Long work stopped between steps because the host asked (`WorkBudget`): a time limit
    /// passed or the user interrupted; the reason is the host's.
    case stopped(String)
    /// A failure of one engine area, kept apart from its message so that a caller naming its own
    /// function (the Lua bridge: "audit.dp_sgd: …") composes its text without editing this one.
    indirect case area(ErrorArea, PrivLabError)

    public var description: String {
        switch self {
        case .shape(let s): return "shape mismatch: \(s)"
        case .invalidArgument(let s): return s
        case .malformedFile(let loc, let why): return "\(loc): \(why)"
        case .io(let s): return s
        case .message(let s): return s
        case .stopped(let s): return s
        case .area(let a, let e): return "\(a.rawValue): \(e.description)"
        }
    }

    /// The message without the area's name ("alpha must be in (0, 0.5), got 1" for an audit's
    /// "audit: alpha must be …"); the description itself for an error of no area.
    public var detail: String {
        if case .area(_, let e) = self { return e.detail }
        return description
    }

    /// An argument outside its domain, in `area`.
    public static func invalidArgument(_ area: ErrorArea, _ s: String) -> PrivLabError { .area(area, .invalidArgument(s)) }
    /// A shape mismatch, in `area`.
    public static func shape(_ area: ErrorArea, _ s: String) -> PrivLabError { .area(area, .shape(s)) }
    /// Any other failure, in `area`.
    public static func message(_ area: ErrorArea, _ s: String) -> PrivLabError { .area(area, .message(s)) }
}

/// The engine areas and components whose errors name themselves ("audit: …", "pate: …"): the
/// name is the raw value. A caller that names its own function (`pl.defense.pate`) shows `detail`
/// after it, so the name is never said twice.
public enum ErrorArea: String, Sendable, CaseIterable {
    case audit, leakage, chart, memorisation
    case dmp, pate, selena, pase, memguard
    case splitAI = "split_ai"
    case adversarialRegularisation = "adversarial regularisation"
}
