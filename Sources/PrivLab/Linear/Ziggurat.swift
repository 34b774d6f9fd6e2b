import Foundation

/// Standard normal deviates by the ziggurat method (Marsaglia & Tsang, J. Stat. Softw. 2000): almost
/// every draw is one random number, a compare and a multiply. Unlike the original, the layer index
/// and the value come from disjoint bits of the draw (Doornik 2005's fix). `RNG.gaussian()` uses 128
/// layers and 31-bit magnitudes; DP-SGD's bulk noise (`GaussianNoise`) uses 256 layers and 24-bit
/// magnitudes, two deviates per 64-bit draw, in the vector kernel of `CKernels`.
enum Ziggurat {
    static let r = 3.442619855899
    struct Tables { var k: [UInt32]; var w: [Double]; var f: [Double] }
    /// Tables for 31-bit magnitudes (one draw per deviate).
    static let tables = makeTables(m1: 2147483648.0)

    /// Marsaglia & Tsang's tables for `layers` strips of area `v` with the tail starting at `r`, for
    /// magnitudes in units of 1/`m1`.
    static func makeTables(layers: Int = 128, r: Double = r, v: Double = 9.91256303526217e-3, m1: Double) -> Tables {
        let top = layers - 1
        var k = [UInt32](repeating: 0, count: layers), w = [Double](repeating: 0, count: layers), f = [Double](repeating: 0, count: layers)
        var dn = r, tn = r
        let q = v / exp(-0.5 * dn * dn)
        k[0] = UInt32((dn / q) * m1)
        k[1] = 0
        w[0] = q / m1
        w[top] = dn / m1
        f[0] = 1
        f[top] = exp(-0.5 * dn * dn)
        for i in stride(from: top - 1, through: 1, by: -1) {
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

