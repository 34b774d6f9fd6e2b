import Foundation

/// Iterative radix-2 complex FFT (Cooley–Tukey) in Double, for convolving privacy loss distributions.
enum FFT {
    /// In-place transform of (re, im), length a power of two; `inverse` includes the 1/n scaling.
    static func transform(_ re: inout [Double], _ im: inout [Double], inverse: Bool) {
        let n = re.count
        precondition(n & (n - 1) == 0, "FFT length must be a power of two")
        var j = 0
        for i in 1..<max(n, 1) {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var len = 2
        while len <= n {
            let ang = 2 * Double.pi / Double(len) * (inverse ? 1 : -1)
            let wr = cos(ang), wi = sin(ang)
            var i = 0
            while i < n {
                var cr = 1.0, ci = 0.0
                for k in 0..<(len / 2) {
                    let a = i + k, b = a + len / 2
                    let tr = re[b] * cr - im[b] * ci, ti = re[b] * ci + im[b] * cr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                    let ncr = cr * wr - ci * wi
                    ci = cr * wi + ci * wr
                    cr = ncr
                }
                i += len
            }
            len <<= 1
        }
        if inverse {
            let s = 1 / Double(n)
            for i in 0..<n { re[i] *= s; im[i] *= s }
        }
    }

    /// Linear convolution of two non-negative sequences (tiny negative round-off clamped to 0).
    static func convolve(_ a: [Double], _ b: [Double]) -> [Double] {
        let m = a.count + b.count - 1
        if a.count * b.count <= 4096 {
            var out = [Double](repeating: 0, count: m)
            for (i, x) in a.enumerated() where x != 0 { for (j, y) in b.enumerated() { out[i + j] += x * y } }
            return out
        }
        var n = 1
        while n < m { n <<= 1 }
        var ar = a + [Double](repeating: 0, count: n - a.count), ai = [Double](repeating: 0, count: n)
        var br = b + [Double](repeating: 0, count: n - b.count), bi = [Double](repeating: 0, count: n)
        transform(&ar, &ai, inverse: false)
        transform(&br, &bi, inverse: false)
        for i in 0..<n {
            let r = ar[i] * br[i] - ai[i] * bi[i], im = ar[i] * bi[i] + ai[i] * br[i]
            ar[i] = r; ai[i] = im
        }
        transform(&ar, &ai, inverse: true)
        return (0..<m).map { max(0, ar[$0]) }
    }
}
