import CKernels
import Dispatch

/// Adds N(0, std²) noise to buffers — DP-SGD's noise on every parameter at every step.
///
/// The deviates come from a 256-layer ziggurat (Marsaglia & Tsang 2000) run eight xoshiro256**
/// generators side by side in vector instructions (`CKernels/gaussian_noise.c`; AVX2 or portable C
/// by the CPU, identical bits at either level). Buffers are cut into chunks, each with
/// its own generators derived from `seed` and the chunk's number, and the chunks run on up to
/// `BLASThreads.count` threads: the result depends only on the seed and the buffer sizes.
public enum GaussianNoise {
    /// The kernel's tables, built once.
    nonisolated(unsafe) static let tables: UnsafeMutablePointer<pl_ziggurat> = {
        // 256 layers (Marsaglia & Tsang's constants); magnitudes are 24-bit signed, in 2⁻²³ units.
        let t = Ziggurat.makeTables(layers: 256, r: 3.6541528853610088, v: 0.00492867323399, m1: 8388608)
        let p = UnsafeMutablePointer<pl_ziggurat>.allocate(capacity: 1)
        p.initialize(to: pl_ziggurat())
        withUnsafeMutableBytes(of: &p.pointee.k) { $0.bindMemory(to: UInt32.self).update(fromContentsOf: t.k) }
        withUnsafeMutableBytes(of: &p.pointee.w) { $0.bindMemory(to: Double.self).update(fromContentsOf: t.w) }
        withUnsafeMutableBytes(of: &p.pointee.f) { $0.bindMemory(to: Double.self).update(fromContentsOf: t.f) }
        p.pointee.r = 3.6541528853610088
        return p
    }()

    /// The vector level the noise kernel uses on this CPU: 0 portable, 1 AVX2.
    public static var cpuLevel: Int { Int(pl_cpu_level()) }

    /// Adds std · N(0, 1) to every element of `buffers`. `maxLevel` caps the instruction set (tests
    /// compare the levels); the bits do not depend on it.
    public static func add(std: Double, seed: UInt64, to buffers: [UnsafeMutableBufferPointer<Float>], maxLevel: Int = 1) {
        var chunks = [(Int, Range<Int>)]()
        for (b, buf) in buffers.enumerated() {
            let n = buf.count
            let parts = n >= 16384 ? 2 : 1
            for p in 0..<parts { chunks.append((b, (p * n / parts)..<((p + 1) * n / parts))) }
        }
        let z = tables
        func run(_ c: Int) {
            let (b, range) = chunks[c]
            if range.isEmpty { return }
            // Eight lane generators and one for the rare misses, all from the chunk's own stream.
            var root = RNG.stream(seed: seed, index: UInt64(c))
            let lanes = (0..<8).map { _ in RNG(seed: root.next()).stateWords }
            var soa = [UInt64](repeating: 0, count: 32)
            for l in 0..<8 { for w in 0..<4 { soa[w * 8 + l] = lanes[l][w] } }
            var scalar = RNG(seed: root.next()).stateWords
            _ = pl_gaussian_add(buffers[b].baseAddress! + range.lowerBound, range.count, std, z, &soa, &scalar, Int32(maxLevel))
        }
        if BLASThreads.count > 1 && chunks.count > 1 {
            DispatchQueue.concurrentPerform(iterations: chunks.count, execute: run)
        } else {
            for c in chunks.indices { run(c) }
        }
    }
}
