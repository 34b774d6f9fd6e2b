import PrivLab

/// A literate notebook: a valid Lua file whose prose lives in `--[[md … ]]` blocks (any level of
/// long bracket, `--[==[md … ]==]`, for prose that contains `]]`). The code between prose blocks
/// forms chunks. The runner executes the whole file as *one* Lua chunk, so locals flow from chunk
/// to chunk as in a plain `lua` run; each prose block is replaced by a marker call on its first
/// line (and blank lines for the rest), so line numbers in errors are those of the file.
public struct NotebookSource {
    public enum Segment: Equatable {
        /// Markdown text of a prose block.
        case prose(String)
        /// Code chunk `index` (0-based), its text and first line; `echo` false hides the code.
        case code(index: Int, text: String, firstLine: Int, echo: Bool)
    }

    public private(set) var segments: [Segment] = []
    /// The Lua source to execute (prose blocks replaced by `__privlab_chunk(k)` markers).
    public private(set) var executable: String = ""

    public static let markerFunction = "__privlab_chunk"

    public init(text: String, name: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { l -> String in
            l.hasSuffix("\r") ? String(l.dropLast()) : String(l)
        }
        var out = [String]()
        var codeLines = [String]()
        var codeStart = 1
        var chunk = 0
        func flushCode() {
            var body = codeLines
            // Chunk options (Quarto style): leading `--| echo: false` lines.
            var echo = true
            while let first = body.first, first.hasPrefix("--|") {
                let opt = first.dropFirst(3).trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "")
                if opt == "echo:false" { echo = false }
                body.removeFirst()
            }
            var firstLine = codeStart + (codeLines.count - body.count)
            while let f = body.first, f.trimmingCharacters(in: .whitespaces).isEmpty { body.removeFirst(); firstLine += 1 }
            while let l = body.last, l.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast() }
            segments.append(.code(index: chunk, text: body.joined(separator: "\n"), firstLine: firstLine, echo: echo))
            chunk += 1
            codeLines = []
        }
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if let (level, rest) = NotebookSource.proseOpening(line) {
                let close = "]" + String(repeating: "=", count: level) + "]"
                var prose = [String]()
                var j = i
                var remainder = rest
                var closed = false
                while true {
                    if let r = remainder.range(of: close) {
                        prose.append(String(remainder[..<r.lowerBound]))
                        let after = remainder[r.upperBound...].trimmingCharacters(in: .whitespaces)
                        if !after.isEmpty {
                            throw PrivLabError.malformedFile(location: "\(name):\(j + 1)", reason: "code after the end of a prose block; start it on the next line")
                        }
                        closed = true
                        break
                    }
                    prose.append(remainder)
                    j += 1
                    if j >= lines.count { break }
                    remainder = lines[j]
                    // A second opening before the first block closed would be swallowed into it, its
                    // `--[[md` printed as prose and the heading after it lost from the outline.
                    // (A block of another level may quote the syntax.)
                    if let (inner, _) = NotebookSource.proseOpening(remainder), inner == level {
                        throw PrivLabError.malformedFile(location: "\(name):\(j + 1)",
                                                         reason: "a prose block opens inside the one opened at line \(i + 1); close that one with \(close) first")
                    }
                }
                guard closed else {
                    throw PrivLabError.malformedFile(location: "\(name):\(i + 1)", reason: "prose block opened here is never closed with \(close)")
                }
                flushCode()
                segments.append(.prose(NotebookSource.dedent(prose)))
                out.append(";\(NotebookSource.markerFunction)(\(chunk))")
                for _ in i..<j { out.append("") }
                i = j + 1
                codeStart = i + 1
                continue
            }
            codeLines.append(line)
            out.append(line)
            i += 1
        }
        flushCode()
        executable = out.joined(separator: "\n")
    }

    /// Recognises `--[[md`, `--[==[md` at the start of a line; returns the bracket level and the
    /// text after the opening.
    static func proseOpening(_ line: String) -> (Int, String)? {
        guard line.hasPrefix("--[") else { return nil }
        var rest = line.dropFirst(3)
        var level = 0
        while rest.first == "=" { level += 1; rest = rest.dropFirst() }
        guard rest.hasPrefix("[md") else { return nil }
        rest = rest.dropFirst(3)
        // "md" must end the word: --[[mdx is an ordinary comment.
        if let c = rest.first, c.isLetter || c.isNumber || c == "_" { return nil }
        return (level, String(rest))
    }

    /// Removes blank edges and the indentation common to all non-blank lines.
    static func dedent(_ lines: [String]) -> String {
        var ls = lines
        while let f = ls.first, f.trimmingCharacters(in: .whitespaces).isEmpty { ls.removeFirst() }
        while let l = ls.last, l.trimmingCharacters(in: .whitespaces).isEmpty { ls.removeLast() }
        let indent = ls.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
        return ls.map { $0.count >= indent ? String($0.dropFirst(indent)) : $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "\n")
    }
}
