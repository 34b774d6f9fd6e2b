import CZlib
import Foundation

/// Writes a ZIP archive (PKWARE APPNOTE 6.3: local headers, deflated data, central directory)
/// with Unix permissions, so a bundle's scripts and binaries stay executable when unpacked.
/// Deflate is zlib's raw stream (window bits −15); sizes stay under 4 GiB (no ZIP64).
public struct ZipArchive {
    struct Entry {
        var name: String
        var crc: UInt32
        var compressed: Int
        var size: Int
        var offset: Int
        var mode: UInt32
    }
    private var bytes = [UInt8]()
    private var entries = [Entry]()

    public init() {}

    /// Adds a file; `executable` sets mode 0755 (else 0644).
    public mutating func add(_ name: String, _ data: [UInt8], executable: Bool = false) throws {
        let crc = data.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        let packed = try ZipArchive.deflate(data)
        let useDeflate = packed.count < data.count
        let body = useDeflate ? packed : data
        let nameBytes = Array(name.utf8)
        let e = Entry(name: name, crc: crc, compressed: body.count, size: data.count, offset: bytes.count,
                      mode: executable ? 0o100755 : 0o100644)
        put32(0x0403_4B50)
        put16(20); put16(0x0800); put16(useDeflate ? 8 : 0); put16(0); put16(0x21)   // version, UTF-8 names, method, time, date (1980-01-01)
        put32(crc); put32(UInt32(body.count)); put32(UInt32(data.count))
        put16(UInt16(nameBytes.count)); put16(0)
        bytes += nameBytes
        bytes += body
        entries.append(e)
    }

    /// The archive's bytes (central directory appended).
    public func data() -> Data {
        var z = self
        let start = z.bytes.count
        for e in entries {
            let nameBytes = Array(e.name.utf8)
            z.put32(0x0201_4B50)
            z.put16(0x0314); z.put16(20); z.put16(0x0800)   // made by Unix, version 2.0; needs 2.0; UTF-8
            z.put16(e.compressed < e.size ? 8 : 0); z.put16(0); z.put16(0x21)
            z.put32(e.crc); z.put32(UInt32(e.compressed)); z.put32(UInt32(e.size))
            z.put16(UInt16(nameBytes.count)); z.put16(0); z.put16(0); z.put16(0); z.put16(0)
            z.put32(e.mode << 16)
            z.put32(UInt32(e.offset))
            z.bytes += nameBytes
        }
        let size = z.bytes.count - start
        z.put32(0x0605_4B50)
        z.put16(0); z.put16(0); z.put16(UInt16(entries.count)); z.put16(UInt16(entries.count))
        z.put32(UInt32(size)); z.put32(UInt32(start)); z.put16(0)
        return Data(z.bytes)
    }

    private mutating func put16(_ v: UInt16) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private mutating func put32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) } }

    /// Raw deflate (no zlib header), level 6.
    static func deflate(_ input: [UInt8]) throws -> [UInt8] {
        var s = z_stream()
        guard deflateInit2_(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw PrivLabError.message("zip: deflate could not start")
        }
        defer { deflateEnd(&s) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&s, UInt(input.count))) + 16)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { o in
                s.next_in = inp.baseAddress
                s.avail_in = UInt32(inp.count)
                s.next_out = o.baseAddress
                s.avail_out = UInt32(o.count)
                return CZlib.deflate(&s, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw PrivLabError.message("zip: deflate failed (\(status))") }
        return Array(out.prefix(Int(s.total_out)))
    }
}
