import CBLAS

/// Whether an operand enters a product as stored or transposed.
public enum Transpose: Sendable { case none, transposed }

extension Matrix {
    /// C ← alpha · op(A) · op(B) + beta · C through OpenBLAS `sgemm`.
    /// `c` must already have the product's shape; throws on any mismatch.
    public static func gemm(_ a: Matrix, _ b: Matrix, transA ta: Transpose = .none, transB tb: Transpose = .none,
                            alpha: Float = 1, beta: Float = 0, into c: inout Matrix) throws {
        let (m, ka) = ta == .none ? (a.rows, a.cols) : (a.cols, a.rows)
        let (kb, n) = tb == .none ? (b.rows, b.cols) : (b.cols, b.rows)
        guard ka == kb else {
            throw PrivLabError.shape("product of \(m)×\(ka) and \(kb)×\(n) (inner dimensions differ)")
        }
        guard c.rows == m, c.cols == n else {
            throw PrivLabError.shape("product is \(m)×\(n) but the output is \(c.rows)×\(c.cols)")
        }
        if m == 0 || n == 0 { return }
        if ka == 0 {
            // BLAS with k = 0 only scales C; do it here so we never pass a zero leading dimension.
            for i in c.data.indices { c.data[i] *= beta }
            return
        }
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(CblasRowMajor,
                                ta == .none ? CblasNoTrans : CblasTrans,
                                tb == .none ? CblasNoTrans : CblasTrans,
                                Int32(m), Int32(n), Int32(ka), alpha,
                                pa.baseAddress, Int32(max(a.cols, 1)),
                                pb.baseAddress, Int32(max(b.cols, 1)),
                                beta, pc.baseAddress, Int32(max(n, 1)))
                }
            }
        }
    }

    /// op(A) · op(B) as a new matrix.
    public static func matmul(_ a: Matrix, _ b: Matrix, transA ta: Transpose = .none, transB tb: Transpose = .none) throws -> Matrix {
        let m = ta == .none ? a.rows : a.cols
        let n = tb == .none ? b.cols : b.rows
        var c = Matrix(rows: m, cols: n)
        try gemm(a, b, transA: ta, transB: tb, into: &c)
        return c
    }

    /// y ← alpha · op(A) · x + beta · y through OpenBLAS `sgemv`.
    public static func gemv(_ a: Matrix, _ x: [Float], transA ta: Transpose = .none, alpha: Float = 1,
                            beta: Float = 0, into y: inout [Float]) throws {
        let (m, n) = ta == .none ? (a.rows, a.cols) : (a.cols, a.rows)
        guard x.count == n else { throw PrivLabError.shape("matrix-vector product of \(m)×\(n) and a vector of \(x.count)") }
        guard y.count == m else { throw PrivLabError.shape("matrix-vector product is \(m) long but the output is \(y.count)") }
        if m == 0 { return }
        if n == 0 { for i in y.indices { y[i] *= beta }; return }
        a.data.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    cblas_sgemv(CblasRowMajor, ta == .none ? CblasNoTrans : CblasTrans,
                                Int32(a.rows), Int32(a.cols), alpha, pa.baseAddress, Int32(max(a.cols, 1)),
                                px.baseAddress, 1, beta, py.baseAddress, 1)
                }
            }
        }
    }

    /// op(A) · x as a new vector.
    public static func matvec(_ a: Matrix, _ x: [Float], transA ta: Transpose = .none) throws -> [Float] {
        var y = [Float](repeating: 0, count: ta == .none ? a.rows : a.cols)
        try gemv(a, x, transA: ta, into: &y)
        return y
    }
}

/// Thread control for OpenBLAS, so parallel workers (SISA shards, shadow models) do not oversubscribe the cores.
public enum BLASThreads {
    /// The number of threads OpenBLAS uses for one call.
    public static var count: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }
}
