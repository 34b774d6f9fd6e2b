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

    public var description: String {
        switch self {
        case .shape(let s): return "shape mismatch: \(s)"
        case .invalidArgument(let s): return s
        case .malformedFile(let loc, let why): return "\(loc): \(why)"
        case .io(let s): return s
        case .message(let s): return s
        case .stopped(let s): return s
        }
    }
}
