import Foundation

/// Parses CSV text (RFC 4180: comma-separated, `"`-quoted fields with `""` escapes, CRLF or LF) into
/// records, remembering the line each record starts on so errors can point at it.
public struct CSVTable: Sendable {
    public var header: [String]
    /// Records with their 1-based starting line in the file.
    public var records: [(line: Int, fields: [String])]

    public static func parse(_ text: String, name: String, separator: Character = ",") throws -> CSVTable {
        // A byte-order mark (spreadsheets write one into "CSV UTF-8") is not part of the first name.
        let text = text.first == "\u{FEFF}" ? String(text.dropFirst()) : text
        var rows: [(Int, [String])] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var quoteLine = 1
        var fieldWasQuoted = false
        var it = text.makeIterator()
        var pending: Character? = nil
        func nextChar() -> Character? {
            if let p = pending { pending = nil; return p }
            return it.next()
        }
        func endRecord() {
            fields.append(field)
            field = ""
            fieldWasQuoted = false
            // A line with nothing on it is not a record.
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append((recordLine, fields)) }
            fields = []
        }
        while let ch = nextChar() {
            if inQuotes {
                if ch == "\"" {
                    if let n = nextChar() {
                        if n == "\"" { field.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else {
                    if ch == "\n" || ch == "\r\n" { line += 1 }
                    field.append(ch)
                }
                continue
            }
            switch ch {
            case "\"":
                if !field.isEmpty || fieldWasQuoted {
                    throw PrivLabError.malformedFile(location: "\(name):\(line)", reason: "quote inside an unquoted field")
                }
                inQuotes = true
                fieldWasQuoted = true
                quoteLine = line
            case separator:
                fields.append(field)
                field = ""
                fieldWasQuoted = false
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                if fieldWasQuoted {
                    throw PrivLabError.malformedFile(location: "\(name):\(line)", reason: "text after a closing quote")
                }
                field.append(ch)
            }
        }
        if inQuotes {
            throw PrivLabError.malformedFile(location: "\(name):\(quoteLine)", reason: "unterminated quoted field")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        guard let first = rows.first else { throw PrivLabError.malformedFile(location: "\(name):1", reason: "empty file (a header line is required)") }
        let header = first.1.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>()
        for h in header {
            if h.isEmpty { throw PrivLabError.malformedFile(location: "\(name):\(first.0)", reason: "empty column name in the header") }
            if !seen.insert(h).inserted {
                throw PrivLabError.malformedFile(location: "\(name):\(first.0)", reason: "duplicate column name '\(h)'")
            }
        }
        let body = Array(rows.dropFirst())
        for r in body where r.1.count != header.count {
            throw PrivLabError.malformedFile(location: "\(name):\(r.0)", reason: "expected \(header.count) fields, found \(r.1.count)")
        }
        return CSVTable(header: header, records: body)
    }
}

/// Options for turning a CSV file into a `Dataset`.
public struct CSVOptions: Sendable {
    /// Name of the label column.
    public var label: String = "label"
    /// Feature columns to use, in order; nil means every column but the label (and `id`).
    public var features: [String]? = nil
    /// Optional column holding stable record ids (positive integers); nil means 1…n in file order.
    public var idColumn: String? = nil
    /// Field separator.
    public var separator: Character = ","
    public init() {}
}

/// Loads labelled data from a CSV file with a header row.
///
/// Feature cells must be finite numbers. Labels may be integers or strings: the distinct values,
/// sorted (numerically when all are integers), become classes `0..<k` and their text the class names.
public enum CSVReader {
    public static func load(path: String, options: CSVOptions = CSVOptions()) throws -> Dataset {
        // The text, its fields as strings and the floats: about a dozen bytes per byte of file.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber {
            try MemoryBudget.check(size.doubleValue * 12, "reading \(path) (\(size) bytes)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw PrivLabError.io("\(path): cannot read file") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PrivLabError.malformedFile(location: path, reason: "not valid UTF-8 text")
        }
        return try load(text: text, name: path, options: options)
    }

    public static func load(text: String, name: String, options: CSVOptions = CSVOptions()) throws -> Dataset {
        let table = try CSVTable.parse(text, name: name, separator: options.separator)
        let header = table.header
        guard let li = header.firstIndex(of: options.label) else {
            throw PrivLabError.malformedFile(location: "\(name):1",
                                             reason: "no label column '\(options.label)' (columns: \(header.joined(separator: ", ")))")
        }
        var idIndex: Int? = nil
        if let idc = options.idColumn {
            guard let i = header.firstIndex(of: idc) else {
                throw PrivLabError.malformedFile(location: "\(name):1", reason: "no id column '\(idc)'")
            }
            idIndex = i
        }
        let featureIdx: [Int]
        if let names = options.features {
            featureIdx = try names.map { n in
                guard let i = header.firstIndex(of: n) else {
                    throw PrivLabError.malformedFile(location: "\(name):1", reason: "no feature column '\(n)'")
                }
                if i == li { throw PrivLabError.invalidArgument("csv: column '\(n)' cannot be both label and feature") }
                return i
            }
        } else {
            featureIdx = header.indices.filter { $0 != li && $0 != idIndex }
        }
        guard !table.records.isEmpty else { throw PrivLabError.malformedFile(location: "\(name):2", reason: "no data rows after the header") }
        let n = table.records.count, d = featureIdx.count
        var x = [Float](repeating: 0, count: n * d)
        var rawLabels = [String]()
        rawLabels.reserveCapacity(n)
        var ids: [Int]? = idIndex == nil ? nil : []
        for (r, rec) in table.records.enumerated() {
            for (k, j) in featureIdx.enumerated() {
                let cell = rec.fields[j].trimmingCharacters(in: .whitespaces)
                guard !cell.isEmpty else {
                    throw PrivLabError.malformedFile(location: "\(name):\(rec.line)", reason: "column '\(header[j])': missing value")
                }
                guard let v = Double(cell), v.isFinite, abs(v) <= Double(Float.greatestFiniteMagnitude) else {
                    throw PrivLabError.malformedFile(location: "\(name):\(rec.line)",
                                                     reason: "column '\(header[j])': '\(cell)' is not a finite number")
                }
                x[r * d + k] = Float(v)
            }
            let lab = rec.fields[li].trimmingCharacters(in: .whitespaces)
            guard !lab.isEmpty else {
                throw PrivLabError.malformedFile(location: "\(name):\(rec.line)", reason: "label column '\(options.label)': missing value")
            }
            rawLabels.append(lab)
            if let ii = idIndex {
                let cell = rec.fields[ii].trimmingCharacters(in: .whitespaces)
                guard let v = Int(cell), v >= 1 else {
                    throw PrivLabError.malformedFile(location: "\(name):\(rec.line)", reason: "id '\(cell)' is not a positive integer")
                }
                ids!.append(v)
            }
        }
        if let ids = ids, Set(ids).count != ids.count {
            let dup = Dictionary(grouping: ids.indices, by: { ids[$0] }).first { $0.value.count > 1 }!
            throw PrivLabError.malformedFile(location: "\(name):\(table.records[dup.value[1]].line)", reason: "duplicate id \(dup.key)")
        }
        let distinct = Array(Set(rawLabels))
        let classNames: [String]
        if distinct.allSatisfy({ Int($0) != nil }) {
            classNames = distinct.sorted { Int($0)! < Int($1)! }
        } else {
            classNames = distinct.sorted()
        }
        let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        return try Dataset(features: Matrix(rows: n, cols: d, data: x), labels: rawLabels.map { index[$0]! },
                           classes: classNames.count, ids: ids, featureNames: featureIdx.map { header[$0] },
                           classNames: classNames, name: (name as NSString).lastPathComponent)
    }
}
