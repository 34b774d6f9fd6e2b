/// A table of already-formatted cells, rendered as a GitHub-flavoured Markdown table or as aligned
/// plain text. Numeric columns are right-aligned.
public struct ReportTable: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]
    public var caption: String?

    public init(headers: [String], rows: [[String]], caption: String? = nil) throws {
        for (i, r) in rows.enumerated() where r.count != headers.count {
            throw PrivLabError.shape("table row \(i + 1) has \(r.count) cells, the header has \(headers.count)")
        }
        self.headers = headers
        self.rows = rows
        self.caption = caption
    }

    /// Which columns hold only numbers (they are right-aligned in every format).
    public var numericColumns: [Bool] {
        headers.indices.map { j in
            !rows.isEmpty && rows.allSatisfy { Double($0[j]) != nil || $0[j].isEmpty || $0[j] == "nan" || $0[j] == "inf" || $0[j] == "-inf" }
        }
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// GFM table (with the caption as an italic line above it).
    public func markdown() -> String {
        let num = numericColumns
        var out = ""
        if let c = caption { out += "*\(c)*\n\n" }
        out += "| " + headers.map(Self.escape).joined(separator: " | ") + " |\n"
        out += "|" + num.map { $0 ? "---:" : ":---" }.map { " \($0) " }.joined(separator: "|") + "|\n"
        for r in rows { out += "| " + r.map(Self.escape).joined(separator: " | ") + " |\n" }
        return out
    }

    /// Columns padded with spaces, for terminals.
    public func plainText() -> String {
        let num = numericColumns
        var widths = headers.map { $0.count }
        for r in rows { for (j, c) in r.enumerated() { widths[j] = max(widths[j], c.count) } }
        func pad(_ s: String, _ j: Int) -> String {
            let p = String(repeating: " ", count: widths[j] - s.count)
            return num[j] ? p + s : s + p
        }
        var out = caption.map { "\($0)\n" } ?? ""
        out += headers.enumerated().map { pad($0.element, $0.offset) }.joined(separator: "  ") + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += r.enumerated().map { pad($0.element, $0.offset) }.joined(separator: "  ") + "\n" }
        return out
    }
}

/// Formats a number for a report cell: integers as integers, others with `digits` significant digits.
public func formatNumber(_ x: Double, digits: Int = 4) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
    let a = abs(x)
    if a >= 1e-4 && a < 1e6 {
        // Fixed notation with `digits` significant digits, trailing zeros kept for alignment.
        let intDigits = a >= 1 ? Int(log10Floor(a)) + 1 : 0
        let decimals = max(0, digits - intDigits + (a < 1 ? leadingZeros(a) : 0))
        return String(format: "%.\(min(decimals, 12))f", x)
    }
    return String(format: "%.\(max(0, digits - 1))e", x)
}

private func log10Floor(_ a: Double) -> Double {
    var e = 0.0
    var v = a
    while v >= 10 { v /= 10; e += 1 }
    return e
}

private func leadingZeros(_ a: Double) -> Int {
    var z = 0
    var v = a
    while v < 0.1 && z < 20 { v *= 10; z += 1 }
    return z
}
