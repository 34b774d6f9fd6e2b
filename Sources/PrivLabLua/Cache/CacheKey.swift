import Foundation
import PrivLab

/// The pieces of a fit's cache key: the model's configuration (`Classifier.configurationIdentity`,
/// the kind and every hyper-parameter, the seed among them — what SISA's checkpoints are keyed by
/// too), the data it is fitted on, and which engine fits it. The engine is deterministic, so equal
/// keys mean bit-identical fits.
enum CacheKey {
    /// A 64-bit digest of bytes, eight at a time in four independent lanes (one multiply each, so
    /// the lanes overlap in the CPU): data sets are hundreds of megabytes, and FNV's byte loop
    /// would take a second on Fashion-MNIST. Lanes and length are mixed by SplitMix64's finaliser.
    /// Not cryptographic: it tells accidental differences apart, which is all a cache key needs.
    struct Digest {
        private(set) var value: UInt64 = 0x243F_6A88_85A3_08D3
        mutating func add(bytes: UnsafeRawBufferPointer) {
            let p: UInt64 = 0x9E37_79B9_7F4A_7C15
            var lane: (UInt64, UInt64, UInt64, UInt64) = (value, value ^ 0x1, value ^ 0x2, value ^ 0x3)
            let blocks = bytes.count / 32
            for b in 0..<blocks {
                let o = 32 * b
                lane.0 = rotate((lane.0 ^ bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self)) &* p)
                lane.1 = rotate((lane.1 ^ bytes.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self)) &* p)
                lane.2 = rotate((lane.2 ^ bytes.loadUnaligned(fromByteOffset: o + 16, as: UInt64.self)) &* p)
                lane.3 = rotate((lane.3 ^ bytes.loadUnaligned(fromByteOffset: o + 24, as: UInt64.self)) &* p)
            }
            var h = Digest.mix(lane.0 ^ UInt64(bytes.count))
            h = Digest.mix(h ^ lane.1)
            h = Digest.mix(h ^ lane.2)
            h = Digest.mix(h ^ lane.3)
            for j in (32 * blocks)..<bytes.count { h = Digest.mix(h ^ UInt64(bytes[j])) }
            value = h
        }
        @inline(__always) func rotate(_ x: UInt64) -> UInt64 { x << 31 | x >> 33 }
        mutating func add<T>(_ array: [T]) { array.withUnsafeBytes { add(bytes: $0) } }
        mutating func add(_ s: String) { add(Array(s.utf8)) }
        mutating func add(_ i: Int) { add([i]) }
        /// SplitMix64's finaliser after a multiply: every input bit reaches every output bit.
        static func mix(_ x: UInt64) -> UInt64 {
            var z = (x &* 0x9E37_79B9_7F4A_7C15) &+ 0x6A09_E667_F3BC_C909
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var hex: String { let s = String(value, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
    }

    /// Everything about a data set that training can see: shape, features (bit for bit), labels,
    /// classes, record ids, names and image shape.
    static func fingerprint(_ ds: Dataset) -> String {
        var d = Digest()
        d.add(ds.features.rows)
        d.add(ds.features.cols)
        d.add(ds.features.data)
        d.add(ds.labels)
        d.add(ds.classes)
        d.add(ds.ids)
        d.add(ds.imageShape ?? [])
        d.add((ds.featureNames ?? []).joined(separator: "\u{1}") + "\u{2}" + (ds.classNames ?? []).joined(separator: "\u{1}") + "\u{2}" + ds.name)
        return d.hex
    }

    /// The running engine: its version and the executable's size and modification time, so a
    /// rebuild with any change is another engine (read from the file system, not by hashing the
    /// binary: that took half a second on a busy machine). A copied binary counts as another
    /// engine too; its cache is then rebuilt once.
    static let engine: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var st = stat()
        guard stat(exe, &st) == 0 else { return "privlab \(privlabVersion) (\(exe): unknown build)" }
        return "privlab \(privlabVersion) (\(st.st_size) bytes, built \(st.st_mtim.tv_sec).\(String(format: "%09ld", st.st_mtim.tv_nsec)))"
    }()

    /// 128 bits of digest of `text` as 32 hex digits (a file name).
    static func name(_ text: String) -> String {
        var a = Digest(), b = Digest()
        a.add(text)
        b.add("\u{0}" + text)
        return a.hex + b.hex
    }
}
