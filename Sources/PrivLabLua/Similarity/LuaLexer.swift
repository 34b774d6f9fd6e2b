import Foundation

/// One token of Lua source, with where it is (1-based line, UTF-8 byte offsets).
public struct LuaToken: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case name, keyword, number, string, symbol
        /// A byte no Lua token starts with (kept, so a broken file still compares).
        case other
    }
    public var kind: Kind
    public var text: String
    public var line: Int
    /// The line of the token's last byte (long strings span lines).
    public var endLine: Int
    public var start: Int
    public var end: Int

    /// The token after normalisation: every name is one class, every number one class, every
    /// string one class, so renaming variables or changing constants does not change the stream;
    /// keywords and operators stay themselves (they are the program's structure).
    public var normalised: String {
        switch kind {
        case .name: return "N"
        case .number: return "0"
        case .string: return "\""
        case .keyword where text == "true" || text == "false": return "B"
        case .keyword, .symbol, .other: return text
        }
    }
}

/// A small Lua 5.4 lexer (the grammar of the reference manual, §3.1): names, keywords, numerals
/// (decimal and hexadecimal, fractions, exponents), short strings with escapes, long brackets of
/// any level, short and long comments. Whitespace and comments are dropped. It never fails: an
/// unterminated string or comment runs to the end of its line or of the file, and a byte that
/// starts no token becomes an `.other` token — students' files are compared even when they do not
/// compile.
public enum LuaLexer {
    static let keywords: Set<String> = ["and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
                                        "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"]
    /// Multi-byte operators, longest first (§3.1).
    static let operators: [[UInt8]] = ["...", "..", "==", "~=", "<=", ">=", "<<", ">>", "//", "::"].map { Array($0.utf8) }

    public static func tokens(_ source: String) -> [LuaToken] {
        var s = Scanner(bytes: Array(source.utf8))
        var out = [LuaToken]()
        while let t = s.next() { out.append(t) }
        return out
    }

    struct Scanner {
        let bytes: [UInt8]
        var i = 0
        var line = 1

        init(bytes: [UInt8]) {
            self.bytes = bytes
            // A first line starting with '#' (a shebang) is not Lua (lua.c skips it too).
            if bytes.first == UInt8(ascii: "#") { while i < bytes.count, bytes[i] != 10 { i += 1 } }
        }

        func peek(_ o: Int = 0) -> UInt8? { i + o < bytes.count ? bytes[i + o] : nil }

        mutating func advance() {
            if bytes[i] == 10 { line += 1 }
            i += 1
        }

        mutating func next() -> LuaToken? {
            skipSpaceAndComments()
            guard let c = peek() else { return nil }
            let start = i, startLine = line
            let kind: LuaToken.Kind
            if isNameStart(c) {
                while let d = peek(), isNameStart(d) || isDigit(d) { advance() }
                kind = LuaLexer.keywords.contains(text(start)) ? .keyword : .name
            } else if isDigit(c) || (c == UInt8(ascii: ".") && peek(1).map(isDigit) == true) {
                numeral()
                kind = .number
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                shortString(quote: c)
                kind = .string
            } else if c == UInt8(ascii: "["), let level = longBracketLevel() {
                longBracket(level: level)
                kind = .string
            } else if let op = LuaLexer.operators.first(where: { matches($0) }) {
                i += op.count
                kind = .symbol
            } else {
                advance()
                kind = c < 128 && "+-*/%^#&~|<>=(){}[];:,.".utf8.contains(c) ? .symbol : .other
            }
            return LuaToken(kind: kind, text: text(start), line: startLine, endLine: line, start: start, end: i)
        }

        func text(_ start: Int) -> String { String(decoding: bytes[start..<i], as: UTF8.self) }
        func matches(_ op: [UInt8]) -> Bool { i + op.count <= bytes.count && Array(bytes[i..<(i + op.count)]) == op }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func isNameStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }

        mutating func skipSpaceAndComments() {
            while let c = peek() {
                if c == 32 || (c >= 9 && c <= 13) {
                    advance()
                } else if c == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "-") {
                    i += 2
                    if peek() == UInt8(ascii: "["), let level = longBracketLevel() {
                        longBracket(level: level)
                    } else {
                        while let d = peek(), d != 10 { advance() }
                    }
                } else {
                    return
                }
            }
        }

        /// Lua's lexer reads a numeral greedily: digits, letters (hex digits, exponent markers),
        /// dots, and a sign right after an exponent marker (llex.c's read_numeral does the same).
        mutating func numeral() {
            let hex = peek() == UInt8(ascii: "0") && (peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X"))
            let exponent: Set<UInt8> = hex ? [UInt8(ascii: "p"), UInt8(ascii: "P")] : [UInt8(ascii: "e"), UInt8(ascii: "E")]
            if hex { i += 2 }
            while let c = peek() {
                if exponent.contains(c), let s = peek(1), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") {
                    i += 2
                } else if isDigit(c) || isNameStart(c) || c == UInt8(ascii: ".") {
                    i += 1
                } else {
                    return
                }
            }
        }

        mutating func shortString(quote: UInt8) {
            i += 1
            while let c = peek() {
                if c == quote { i += 1; return }
                if c == 10 { return }  // unterminated: the string ends with its line
                if c == UInt8(ascii: "\\"), peek(1) != nil { advance() }
                advance()
            }
        }

        /// At "[" followed by n "=" and "[": n; otherwise nil.
        func longBracketLevel() -> Int? {
            var j = i + 1, n = 0
            while j < bytes.count, bytes[j] == UInt8(ascii: "=") { j += 1; n += 1 }
            return j < bytes.count && bytes[j] == UInt8(ascii: "[") ? n : nil
        }

        /// Consumes "[==[ … ]==]" (an unterminated one runs to the end of the file).
        mutating func longBracket(level: Int) {
            i += level + 2
            let close = [UInt8(ascii: "]")] + Array(repeating: UInt8(ascii: "="), count: level) + [UInt8(ascii: "]")]
            while peek() != nil {
                if matches(close) { i += close.count; return }
                advance()
            }
        }
    }
}
