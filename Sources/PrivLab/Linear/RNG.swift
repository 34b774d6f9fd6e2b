import Foundation

/// A seeded, splittable pseudo-random generator: xoshiro256** (Blackman & Vigna 2018), state
/// initialised from a 64-bit seed through SplitMix64 as its authors recommend.
///
/// Every random choice in PrivLab draws from one of these, created from an explicit seed, so the
/// same seed gives the same stream on every run and platform. `split()` derives an independent
/// child stream (for a shard, a shadow model, a worker) without disturbing the parent's sequence
/// more than one draw.
public struct RNG: Sendable {
    private var s0, s1, s2, s3: UInt64
    /// A cached second normal deviate from the polar method.
    private var spareNormal: Double?

    /// A generator determined entirely by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        func splitmix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
        spareNormal = nil
    }

    /// The four state words (for kernels that run the same generator outside Swift).
    var stateWords: [UInt64] { [s0, s1, s2, s3] }

    /// Convenience for seeds coming from Lua integers.
    public init(seed: Int) { self.init(seed: UInt64(bitPattern: Int64(seed))) }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    @inline(__always) public mutating func next() -> UInt64 {
        let result = RNG.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = RNG.rotl(s3, 45)
        return result
    }

    /// An independent child generator; the parent advances by one draw.
    public mutating func split() -> RNG {
        RNG(seed: next() ^ 0xD1B5_4A32_D192_ED03)
    }

    /// The child stream number `index` of seed `seed`: stable regardless of how many others exist
    /// (used when work items must get the same stream whatever else was created before them).
    public static func stream(seed: UInt64, index: UInt64) -> RNG {
        var r = RNG(seed: seed ^ (index &* 0x9E37_79B9_7F4A_7C15))
        _ = r.next()
        return r
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always) public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * uniform() }

    /// Uniform Float in [0, 1) with 24 random bits.
    @inline(__always) public mutating func uniformFloat() -> Float { Float(next() >> 40) * 0x1.0p-24 }

    /// Uniform integer in 0..<n (n > 0), unbiased (Lemire 2019, multiply-and-reject).
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "int(below:) needs a positive bound")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Standard normal deviate (Marsaglia's polar method; deterministic, uses only +,*,log,sqrt).
    public mutating func normal() -> Double {
        if let s = spareNormal { spareNormal = nil; return s }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * Foundation.log(s) / s).squareRoot()
                spareNormal = v * f
                return u * f
            }
        }
    }

    /// Normal deviate with the given mean and standard deviation.
    public mutating func normal(mean: Double, std: Double) -> Double { mean + std * normal() }

    /// True with probability `p`.
    public mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var a = Array(0..<n)
        shuffle(&a)
        return a
    }

    /// Shuffles `a` in place (Fisher–Yates, from the back).
    public mutating func shuffle<T>(_ a: inout [T]) {
        if a.count < 2 { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = int(below: i + 1)
            if i != j { a.swapAt(i, j) }
        }
    }

    /// `k` distinct values from 0..<n, in random order (partial Fisher–Yates for dense draws,
    /// Floyd's algorithm with a set when k ≪ n).
    public mutating func sample(_ n: Int, _ k: Int) throws -> [Int] {
        guard k >= 0, k <= n else { throw PrivLabError.invalidArgument("cannot sample \(k) of \(n) without replacement") }
        try MemoryBudget.check(Double(k * 4 >= n ? n : k) * 16, "sampling \(k) of \(n) values")
        if k * 4 >= n {
            var a = Array(0..<n)
            for i in 0..<k {
                let j = i + int(below: n - i)
                a.swapAt(i, j)
            }
            return Array(a[0..<k])
        }
        var chosen = Set<Int>()
        var out = [Int]()
        out.reserveCapacity(k)
        for j in (n - k)..<n {
            let t = int(below: j + 1)
            if chosen.insert(t).inserted { out.append(t) } else { chosen.insert(j); out.append(j) }
        }
        shuffle(&out)
        return out
    }

    /// Index drawn with probability proportional to `weights` (non-negative, not all zero).
    public mutating func categorical(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var u = uniform() * total
        for (i, w) in weights.enumerated() {
            u -= w
            if u < 0 { return i }
        }
        return weights.lastIndex { $0 > 0 } ?? 0
    }
}
