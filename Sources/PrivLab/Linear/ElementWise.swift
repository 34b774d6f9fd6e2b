/// Element-wise arithmetic, broadcasting along rows, and reductions. Written over raw buffers so the
/// optimiser vectorises them; none of these allocate more than their result.
extension Matrix {
    private func checkSame(_ o: Matrix, _ op: String) throws {
        guard rows == o.rows, cols == o.cols else {
            throw PrivLabError.shape("\(op) of \(rows)×\(cols) and \(o.rows)×\(o.cols)")
        }
    }

    /// Applies `f` to pairs of elements of two equally shaped matrices.
    public func zipMap(_ o: Matrix, _ op: String, _ f: (Float, Float) -> Float) throws -> Matrix {
        try checkSame(o, op)
        var out = self
        out.data.withUnsafeMutableBufferPointer { d in
            o.data.withUnsafeBufferPointer { s in
                for i in 0..<d.count { d[i] = f(d[i], s[i]) }
            }
        }
        return out
    }

    public static func + (a: Matrix, b: Matrix) throws -> Matrix { try a.zipMap(b, "sum") { $0 + $1 } }
    public static func - (a: Matrix, b: Matrix) throws -> Matrix { try a.zipMap(b, "difference") { $0 - $1 } }
    /// Hadamard (element-wise) product.
    public func hadamard(_ b: Matrix) throws -> Matrix { try zipMap(b, "element-wise product") { $0 * $1 } }

    /// self ← self + alpha · other (BLAS axpy semantics, any shape of equal size).
    public mutating func addScaled(_ other: Matrix, _ alpha: Float) throws {
        try checkSame(other, "scaled sum")
        data.withUnsafeMutableBufferPointer { d in
            other.data.withUnsafeBufferPointer { s in
                for i in 0..<d.count { d[i] += alpha * s[i] }
            }
        }
    }

    /// Every element times `s`.
    public func scaled(_ s: Float) -> Matrix { map { $0 * s } }

    /// Applies `f` to every element.
    public func map(_ f: (Float) -> Float) -> Matrix {
        var out = self
        out.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<d.count { d[i] = f(d[i]) }
        }
        return out
    }

    /// Adds `v` (length `cols`) to every row.
    public mutating func addRowVector(_ v: [Float]) throws {
        guard v.count == cols else { throw PrivLabError.shape("adding a vector of \(v.count) to rows of \(cols)") }
        let c = cols
        data.withUnsafeMutableBufferPointer { d in
            v.withUnsafeBufferPointer { pv in
                for i in 0..<rows {
                    let base = i * c
                    for j in 0..<c { d[base + j] += pv[j] }
                }
            }
        }
    }

    /// Sum of all elements (accumulated in Double for accuracy).
    public func sum() -> Double {
        data.withUnsafeBufferPointer { d in
            var s = 0.0
            for x in d { s += Double(x) }
            return s
        }
    }

    /// Mean of all elements; 0 for an empty matrix.
    public func mean() -> Double { count == 0 ? 0 : sum() / Double(count) }

    /// Column sums (length `cols`), accumulated in Double.
    public func columnSums() -> [Float] {
        var acc = [Double](repeating: 0, count: cols)
        let c = cols
        data.withUnsafeBufferPointer { d in
            acc.withUnsafeMutableBufferPointer { a in
                guard let src = d.baseAddress, let dst = a.baseAddress else { return }
                // Eight columns at a time in SIMD (every column still adds its rows in order, so the
                // sums are those of the scalar loop); a bias gradient needs this at every step.
                let raw = UnsafeRawPointer(src), out = UnsafeMutableRawPointer(dst)
                let wide = c / 8 * 8
                for i in 0..<rows {
                    let base = i * c
                    var j = 0
                    while j < wide {
                        let x = SIMD8<Double>(raw.loadUnaligned(fromByteOffset: (base + j) * 4, as: SIMD8<Float>.self))
                        let s = out.loadUnaligned(fromByteOffset: j * 8, as: SIMD8<Double>.self) + x
                        out.storeBytes(of: s, toByteOffset: j * 8, as: SIMD8<Double>.self)
                        j += 8
                    }
                    while j < c { dst[j] += Double(src[base + j]); j += 1 }
                }
            }
        }
        return acc.map { Float($0) }
    }

    /// Row sums (length `rows`), accumulated in Double.
    public func rowSums() -> [Float] {
        let c = cols
        return data.withUnsafeBufferPointer { d in
            (0..<rows).map { i in
                var s = 0.0
                for j in 0..<c { s += Double(d[i * c + j]) }
                return Float(s)
            }
        }
    }

    /// Index of the largest element in each row (first one on ties).
    public func argmaxRows() -> [Int] {
        let c = cols
        return data.withUnsafeBufferPointer { d in
            (0..<rows).map { i in
                let base = i * c
                if c == 0 { return 0 }
                var best = 0
                var bv = d[base]
                for j in 1..<max(c, 1) where d[base + j] > bv {
                    bv = d[base + j]
                    best = j
                }
                return best
            }
        }
    }

    /// Largest element of each row.
    public func maxRows() -> [Float] {
        let c = cols
        return data.withUnsafeBufferPointer { d in
            (0..<rows).map { i in
                var m = -Float.infinity
                for j in 0..<c { m = Swift.max(m, d[i * c + j]) }
                return m
            }
        }
    }
}
