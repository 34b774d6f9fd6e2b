import CZlib
import Foundation

/// Reads a whole file, transparently decompressing gzip (zlib's gzread passes plain files through).
/// Truncated or corrupt streams are errors naming the file and the byte offset reached.
enum GzipFile {
    static func readAll(_ path: String, maxBytes: Int = 1 << 32) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw PrivLabError.io("\(path): no such file") }
        guard let gz = gzopen(path, "rb") else { throw PrivLabError.io("\(path): cannot open") }
        defer { gzclose(gz) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(gz, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                var errnum: Int32 = 0
                let msg = gzerror(gz, &errnum).map { String(cString: $0) } ?? "read error"
                throw PrivLabError.malformedFile(location: "\(path)@\(out.count)", reason: "corrupt compressed data (\(msg))")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<Int(n)])
            // The bytes become 4-byte floats: a small file that inflates past the budget is refused
            // while it is read, not when the floats fail to allocate.
            try MemoryBudget.check(Double(out.count) * 5, "\(path) (decompressed so far: \(out.count) bytes)")
            if out.count > maxBytes { throw PrivLabError.malformedFile(location: path, reason: "larger than \(maxBytes) bytes") }
        }
        // gzread returns 0 both at a clean end and at a truncated stream; gzerror tells them apart.
        var errnum: Int32 = 0
        let msg = gzerror(gz, &errnum).map { String(cString: $0) } ?? ""
        if errnum != Z_OK && errnum != Z_STREAM_END {
            throw PrivLabError.malformedFile(location: "\(path)@\(out.count)", reason: "truncated or corrupt gzip stream (\(msg))")
        }
        return out
    }
}
