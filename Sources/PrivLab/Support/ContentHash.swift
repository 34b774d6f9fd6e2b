/// FNV-1a (64-bit) over bytes: the content keys of SISA checkpoints and parameter fingerprints.
///
/// Not cryptographic: it detects accidental differences (a changed parameter bit, a different
/// record set), which is all a checkpoint key or a reproducibility fingerprint needs.
public struct ContentHash: Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325
    public init() {}

    public mutating func add(bytes: UnsafeRawBufferPointer) {
        var h = value
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        value = h
    }

    public mutating func add<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { add(bytes: $0) }
    }

    public mutating func add(_ floats: [Float]) {
        add(floats.count)
        floats.withUnsafeBytes { add(bytes: $0) }
    }

    public mutating func add(_ ints: [Int]) {
        add(ints.count)
        ints.withUnsafeBytes { add(bytes: $0) }
    }

    public mutating func add(_ s: String) {
        add(s.utf8.count)
        Array(s.utf8).withUnsafeBytes { add(bytes: $0) }
    }

    /// 16 lowercase hex digits.
    public var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// SplitMix64's finaliser: a bijective 64-bit mixer, used to derive per-record and per-stage keys
/// from (seed, id, salt) without any state.
@inline(__always) func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A uniform number in [0, 1) determined by (seed, salt, key) alone.
@inline(__always) func keyedUniform(seed: UInt64, salt: UInt64, key: Int) -> Double {
    let h = mix64(mix64(seed ^ (salt &* 0xD6E8_FEB8_6659_FD93)) ^ UInt64(bitPattern: Int64(key)))
    return Double(h >> 11) * 0x1.0p-53
}
