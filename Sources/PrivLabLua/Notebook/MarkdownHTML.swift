import Foundation

/// The Markdown the notebooks' prose uses, as HTML: headings, paragraphs, bullet and numbered
/// lists, block quotes, fenced code, pipe tables, and inline code, bold, italics and links.
/// Everything else is escaped text — never raw HTML from the notebook, so a report cannot carry
/// a script.
enum MarkdownHTML {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Inline spans of one line or paragraph.
    static func inline(_ text: String) -> String {
        // Code spans first: their content is literal.
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "`") {
            out += emphasis(String(rest[..<open]))
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "`") else { out += emphasis(String(rest[open...])); return out }
            out += "<code>" + escape(String(rest[after..<close])) + "</code>"
            rest = rest[rest.index(after: close)...]
        }
        return out + emphasis(String(rest))
    }

    /// Bold, italics and links in text without code spans.
    static func emphasis(_ text: String) -> String {
        var s = escape(text)
        s = replace(s, #"\[([^\]]+)\]\(([^)\s]+)\)"#) { g in
            let url = g[2].hasPrefix("javascript:") ? "#" : g[2]
            return "<a href=\"\(url)\">\(g[1])</a>"
        }
        s = replace(s, #"\*\*([^*]+)\*\*"#) { "<strong>\($0[1])</strong>" }
        s = replace(s, #"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])"#) { "<em>\($0[1])</em>" }
        return s
    }

    static func replace(_ s: String, _ pattern: String, _ f: ([String]) -> String) -> String {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return s }
        let ns = s as NSString
        var out = "", last = 0
        for m in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            out += f((0..<m.numberOfRanges).map { m.range(at: $0).location == NSNotFound ? "" : ns.substring(with: m.range(at: $0)) })
            last = m.range.location + m.range.length
        }
        return out + ns.substring(from: last)
    }

    /// Block structure of a Markdown text.
    static func render(_ text: String) -> String {
        var html = ""
        let lines = text.components(separatedBy: "\n")
        var i = 0
        func isBlank(_ l: String) -> Bool { l.trimmingCharacters(in: .whitespaces).isEmpty }
        func listItem(_ l: String) -> (ordered: Bool, text: String)? {
            let t = l.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("- ") || t.hasPrefix("* ") { return (false, String(t.dropFirst(2))) }
            if let dot = t.firstIndex(of: "."), t[..<dot].allSatisfy(\.isNumber), !t[..<dot].isEmpty,
               t[t.index(after: dot)...].hasPrefix(" ") { return (true, String(t[t.index(dot, offsetBy: 2)...])) }
            return nil
        }
        while i < lines.count {
            let line = lines[i]
            if isBlank(line) { i += 1; continue }
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("```") || t.hasPrefix("~~~") {
                let fence = String(t.prefix(3))
                var body = [String]()
                i += 1
                while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).hasPrefix(fence) { body.append(lines[i]); i += 1 }
                i += 1
                html += "<pre><code>" + escape(body.joined(separator: "\n")) + "</code></pre>\n"
                continue
            }
            if let hashes = t.firstIndex(where: { $0 != "#" }), t.hasPrefix("#"), t[hashes] == " " {
                let level = min(t.distance(from: t.startIndex, to: hashes), 6)
                html += "<h\(level)>" + inline(String(t[t.index(after: hashes)...])) + "</h\(level)>\n"
                i += 1
                continue
            }
            if t.hasPrefix("|") {
                var rows = [[String]]()
                while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                    let cells = lines[i].trimmingCharacters(in: .whitespaces).dropFirst().dropLast()
                        .split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                    rows.append(cells)
                    i += 1
                }
                let body = rows.filter { !$0.allSatisfy { $0.allSatisfy { "-: ".contains($0) } } }
                html += "<table>" + body.enumerated().map { r, cells in
                    "<tr>" + cells.map { r == 0 ? "<th>\(inline($0))</th>" : "<td>\(inline($0))</td>" }.joined() + "</tr>"
                }.joined() + "</table>\n"
                continue
            }
            if t.hasPrefix(">") {
                var quote = [String]()
                while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix(">") {
                    quote.append(String(lines[i].trimmingCharacters(in: .whitespaces).dropFirst()).trimmingCharacters(in: .whitespaces))
                    i += 1
                }
                html += "<blockquote>" + render(quote.joined(separator: "\n")) + "</blockquote>\n"
                continue
            }
            if let first = listItem(line) {
                var items = [String]()
                while i < lines.count, !isBlank(lines[i]) {
                    if let item = listItem(lines[i]), item.ordered == first.ordered { items.append(item.text) }
                    else if !items.isEmpty { items[items.count - 1] += " " + lines[i].trimmingCharacters(in: .whitespaces) }
                    i += 1
                }
                let tag = first.ordered ? "ol" : "ul"
                html += "<\(tag)>" + items.map { "<li>\(inline($0))</li>" }.joined() + "</\(tag)>\n"
                continue
            }
            var para = [String]()
            while i < lines.count, !isBlank(lines[i]) {
                let l = lines[i].trimmingCharacters(in: .whitespaces)
                if !para.isEmpty && (l.hasPrefix("#") || l.hasPrefix("```") || l.hasPrefix("|") || listItem(lines[i]) != nil) { break }
                para.append(l)
                i += 1
            }
            html += "<p>" + inline(para.joined(separator: " ")) + "</p>\n"
        }
        return html
    }
}
