import Foundation
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
        BLASThreads.pinOpenBLAS()
        // Row blocks of op(A) (and C) go to separate threads, each a single-threaded sgemm. Block
        // starts are multiples of 64 rows, so every block meets OpenBLAS's micro-kernels at the same
        // row alignment as the whole product: each C element is computed by the same instructions
        // in the same order whatever the thread count — results are bit-identical with 1 or many
        // threads (SISA's exact unlearning retrains one shard alone what was trained in parallel).
        let threads = BLASThreads.count
        let flops = 2 * Double(m) * Double(n) * Double(ka)
        // Any product with more than one 64-row block is split (DP-SGD's Poisson batches vary
        // around their expected size, and half of them are below it).
        let blocks = threads > 1 && m > 64 && flops >= 4e6 ? min(threads, (m + 63) / 64) : 1
        let lda = Int32(max(a.cols, 1)), ldb = Int32(max(b.cols, 1))
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeMutableBufferPointer { pc in
                    let pa = pa.baseAddress!, pb = pb.baseAddress!, pc = pc.baseAddress!
                    func rows(_ r0: Int, _ r1: Int) {
                        // op(A)'s rows r0..<r1: rows of A, or columns of A when transposed.
                        let aStart = ta == .none ? pa + r0 * a.cols : pa + r0
                        cblas_sgemm(CblasRowMajor,
                                    ta == .none ? CblasNoTrans : CblasTrans,
                                    tb == .none ? CblasNoTrans : CblasTrans,
                                    Int32(r1 - r0), Int32(n), Int32(ka), alpha,
                                    aStart, lda, pb, ldb,
                                    beta, pc + r0 * n, Int32(max(n, 1)))
                    }
                    if blocks == 1 { return rows(0, m) }
                    let per = ((m + blocks - 1) / blocks + 63) / 64 * 64
                    DispatchQueue.concurrentPerform(iterations: blocks) { i in
                        let r0 = i * per, r1 = min(m, r0 + per)
                        if r0 < r1 { rows(r0, r1) }
                    }
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
        BLASThreads.pinOpenBLAS()
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

    /// ‖row i‖² for every row, by BLAS dot products (a plain Swift loop cannot vectorise the
    /// floating-point reduction; DP-SGD needs these norms for every layer at every step).
    public func rowNormsSquared() -> [Float] {
        BLASThreads.pinOpenBLAS()
        let c = cols
        guard c > 0 else { return [Float](repeating: 0, count: rows) }
        return data.withUnsafeBufferPointer { d in
            (0..<rows).map { i in
                let p = d.baseAddress! + i * c
                return cblas_sdot(Int32(c), p, 1, p, 1)
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

/// How many threads one dense product may use. PrivLab threads GEMMs itself (row blocks, see
/// `Matrix.gemm`) and keeps OpenBLAS single-threaded, so results do not depend on the count; parallel
/// workers (SISA shards, shadow models) set it to 1 so they do not oversubscribe the cores.
public enum BLASThreads {
    nonisolated(unsafe) private static var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    nonisolated(unsafe) private static var pinned = false

    public static var count: Int {
        get { threads }
        set { threads = max(1, newValue) }
    }

    /// OpenBLAS's own threading splits some products differently from one thread to two (the
    /// results differ in the last bits), so it is switched off once, before the first product.
    static func pinOpenBLAS() {
        if !pinned {
            openblas_set_num_threads(1)
            pinned = true
        }
    }
}
