/// An array read from an IDX file (LeCun's MNIST format): big-endian header
/// `0x00 0x00 <type> <ndim>`, then `ndim` 32-bit big-endian sizes, then the values.
public struct IDXArray: Sendable {
    public var dims: [Int]
    /// Values converted to Float (exact for the 8- and 16-bit types).
    public var values: [Float]
    /// Whether the file stores integers (every value is then finite).
    public var integerValued = false
}

/// Reader for gzip'd or plain IDX files. Every malformed input (bad magic, unknown type, a size
/// that disagrees with the bytes present, truncation) is an error naming the file and byte offset.
public enum IDXReader {
    public static func read(path: String) throws -> IDXArray {
        try parse(GzipFile.readAll(path), name: path)
    }

    /// Parses IDX bytes already in memory; `name` is used in error messages.
    public static func parse(_ b: [UInt8], name: String) throws -> IDXArray {
        func fail(_ at: Int, _ why: String) -> PrivLabError { .malformedFile(location: "\(name)@\(at)", reason: why) }
        guard b.count >= 4 else { throw fail(b.count, "too short for an IDX header (\(b.count) bytes)") }
        guard b[0] == 0, b[1] == 0 else { throw fail(0, "not an IDX file (magic bytes \(b[0]) \(b[1]), expected 0 0)") }
        let type = b[2]
        let width: Int
        switch type {
        case 0x08, 0x09: width = 1
        case 0x0B: width = 2
        case 0x0C, 0x0D: width = 4
        case 0x0E: width = 8
        default: throw fail(2, String(format: "unknown IDX element type 0x%02X", type))
        }
        let ndim = Int(b[3])
        guard ndim >= 1 else { throw fail(3, "IDX file declares 0 dimensions") }
        let headerEnd = 4 + 4 * ndim
        guard b.count >= headerEnd else { throw fail(b.count, "header truncated: \(ndim) dimensions need \(headerEnd) bytes") }
        var dims = [Int]()
        var total = 1
        for d in 0..<ndim {
            let o = 4 + 4 * d
            let v = Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3])
            dims.append(v)
            total = total.multipliedReportingOverflow(by: v).overflow ? Int.max : total * v
        }
        let (bytes, overflow) = total.multipliedReportingOverflow(by: width)
        let needed = overflow ? Int.max : bytes
        let have = b.count - headerEnd
        guard have == needed else {
            if have < needed {
                throw fail(b.count, "truncated: dimensions \(dims) need \(needed) bytes of data, file has \(have)")
            }
            throw fail(headerEnd + needed, "\(have - needed) unexpected bytes after the data of dimensions \(dims)")
        }
        var values = [Float](repeating: 0, count: total)
        b.withUnsafeBufferPointer { p in
            let base = headerEnd
            switch type {
            case 0x08: for i in 0..<total { values[i] = Float(p[base + i]) }
            case 0x09: for i in 0..<total { values[i] = Float(Int8(bitPattern: p[base + i])) }
            case 0x0B:
                for i in 0..<total {
                    let o = base + 2 * i
                    values[i] = Float(Int16(bitPattern: UInt16(p[o]) << 8 | UInt16(p[o + 1])))
                }
            case 0x0C, 0x0D:
                for i in 0..<total {
                    let o = base + 4 * i
                    let u = UInt32(p[o]) << 24 | UInt32(p[o + 1]) << 16 | UInt32(p[o + 2]) << 8 | UInt32(p[o + 3])
                    values[i] = type == 0x0C ? Float(Int32(bitPattern: u)) : Float(bitPattern: u)
                }
            default:
                for i in 0..<total {
                    let o = base + 8 * i
                    var u: UInt64 = 0
                    for k in 0..<8 { u = u << 8 | UInt64(p[o + k]) }
                    values[i] = Float(Double(bitPattern: u))
                }
            }
        }
        return IDXArray(dims: dims, values: values, integerValued: type != 0x0D && type != 0x0E)
    }
}
