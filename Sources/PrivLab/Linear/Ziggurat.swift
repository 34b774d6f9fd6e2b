import Dispatch
import Foundation

/// Standard normal deviates by the ziggurat method (Marsaglia & Tsang, J. Stat. Softw. 2000) with
/// 128 layers: almost every draw is one 64-bit random number, a compare and a multiply, which
/// DP-SGD needs for the millions of noise coordinates of every step. Unlike the original, the layer
/// index and the value come from disjoint bits of the draw (Doornik 2005's fix).
enum Ziggurat {
    static let r = 3.442619855899
    struct Tables { var k: [UInt32]; var w: [Double]; var f: [Double] }
    /// Tables for 31-bit magnitudes (one draw per deviate).
    static let tables = makeTables(m1: 2147483648.0)
    /// Tables for 24-bit magnitudes: a 64-bit draw then yields two deviates (the noise hot loop).
    static let tables24 = makeTables(m1: 16777216.0)

    static func makeTables(m1: Double) -> Tables {
        let v = 9.91256303526217e-3
        var k = [UInt32](repeating: 0, count: 128), w = [Double](repeating: 0, count: 128), f = [Double](repeating: 0, count: 128)
        var dn = r, tn = r
        let q = v / exp(-0.5 * dn * dn)
        k[0] = UInt32((dn / q) * m1)
        k[1] = 0
        w[0] = q / m1
        w[127] = dn / m1
        f[0] = 1
        f[127] = exp(-0.5 * dn * dn)
        for i in stride(from: 126, through: 1, by: -1) {
            dn = (-2 * log(v / dn + exp(-0.5 * dn * dn))).squareRoot()
            k[i + 1] = UInt32((dn / tn) * m1)
            tn = dn
            f[i] = exp(-0.5 * dn * dn)
            w[i] = dn / m1
        }
        return Tables(k: k, w: w, f: f)
    }
}

extension RNG {
    /// A standard normal deviate by the ziggurat method.
    public mutating func gaussian() -> Double {
        let t = Ziggurat.tables
        return t.k.withUnsafeBufferPointer { k in
            t.w.withUnsafeBufferPointer { w in
                t.f.withUnsafeBufferPointer { f in gaussian(k, w, f) }
            }
        }
    }

    /// The ziggurat draw with the tables already at hand (the hot loop of `GaussianNoise`).
    @inline(__always)
    mutating func gaussian(_ k: UnsafeBufferPointer<UInt32>, _ w: UnsafeBufferPointer<Double>, _ f: UnsafeBufferPointer<Double>) -> Double {
        while true {
            let bits = next()
            let hz = Int32(truncatingIfNeeded: bits >> 32)
            let iz = Int(bits & 127)
            if hz.magnitude < k[iz] { return Double(hz) * w[iz] }
            let x = Double(hz) * w[iz]
            if iz == 0 {
                // The tail beyond r (Marsaglia 1964).
                var xx = 0.0, y = 0.0
                repeat {
                    xx = -log(max(uniform(), Double.leastNormalMagnitude)) / Ziggurat.r
                    y = -log(max(uniform(), Double.leastNormalMagnitude))
                } while y + y < xx * xx
                return hz > 0 ? Ziggurat.r + xx : -Ziggurat.r - xx
            }
            if f[iz] + uniform() * (f[iz - 1] - f[iz]) < exp(-0.5 * x * x) { return x }
        }
    }
}

/// Two standard normal deviates per 64-bit draw: each 32-bit half gives a layer index (7 bits) and
/// a signed 25-bit magnitude; the rare rejections fall back to the 31-bit sampler. `ws` holds the
/// layer widths already multiplied by the noise scale, so the fast path is one multiply-add.
@inline(__always)
private func addPairs(_ buf: UnsafeMutableBufferPointer<Float>, _ range: Range<Int>, std: Double, tables t: Ziggurat.Tables,
                      k: UnsafeBufferPointer<UInt32>, ws: UnsafeBufferPointer<Float>, rng: inout RNG) {
    var i = range.lowerBound
    let end = range.upperBound
    @inline(__always) func one(_ u: UInt32, _ i: Int, _ rng: inout RNG) {
        let iz = Int(u & 127)
        let hz = Int32(bitPattern: u & ~127) >> 7
        if hz.magnitude < k[iz] {
            buf[i] += Float(hz) * ws[iz]
        } else {
            buf[i] += Float(std * slowPath24(hz, iz, &rng, t))
        }
    }
    while i + 1 < end {
        let bits = rng.next()
        one(UInt32(truncatingIfNeeded: bits), i, &rng)
        one(UInt32(truncatingIfNeeded: bits >> 32), i + 1, &rng)
        i += 2
    }
    if i < end { one(UInt32(truncatingIfNeeded: rng.next()), i, &rng) }
}

/// The ziggurat's wedge and tail tests for a 24-bit draw that missed the fast rectangle; a rejected
/// draw starts over with a new (24-bit) draw, as the algorithm requires.
private func slowPath24(_ hz0: Int32, _ iz0: Int, _ rng: inout RNG, _ t: Ziggurat.Tables) -> Double {
    var hz = hz0, iz = iz0
    while true {
        let x = Double(hz) * t.w[iz]
        if iz == 0 {
            var xx = 0.0, y = 0.0
            repeat {
                xx = -log(max(rng.uniform(), Double.leastNormalMagnitude)) / Ziggurat.r
                y = -log(max(rng.uniform(), Double.leastNormalMagnitude))
            } while y + y < xx * xx
            return hz > 0 ? Ziggurat.r + xx : -Ziggurat.r - xx
        }
        if t.f[iz] + rng.uniform() * (t.f[iz - 1] - t.f[iz]) < exp(-0.5 * x * x) { return x }
        let u = UInt32(truncatingIfNeeded: rng.next() >> 32)
        iz = Int(u & 127)
        hz = Int32(bitPattern: u & ~127) >> 7
        if hz.magnitude < t.k[iz] { return Double(hz) * t.w[iz] }
    }
}

/// Adds N(0, std²) noise to buffers, split into chunks that run on two threads. Each chunk draws
/// from its own stream derived from `seed`, so the result does not depend on scheduling.
public enum GaussianNoise {
    public static func add(std: Double, seed: UInt64, to buffers: [UnsafeMutableBufferPointer<Float>]) {
        var chunks = [(Int, Range<Int>)]()
        for (b, buf) in buffers.enumerated() {
            let n = buf.count
            let parts = n >= 16384 ? 2 : 1
            for p in 0..<parts { chunks.append((b, (p * n / parts)..<((p + 1) * n / parts))) }
        }
        let t = Ziggurat.tables24
        // Layer widths times the noise scale, in Float: the fast path's only arithmetic.
        let ws = t.w.map { Float(std * $0) }
        t.k.withUnsafeBufferPointer { k in
            ws.withUnsafeBufferPointer { ws in
                DispatchQueue.concurrentPerform(iterations: chunks.count) { c in
                    let (b, range) = chunks[c]
                    var rng = RNG.stream(seed: seed, index: UInt64(c))
                    addPairs(buffers[b], range, std: std, tables: t, k: k, ws: ws, rng: &rng)
                }
            }
        }
    }
}
