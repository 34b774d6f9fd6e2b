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
        // Row blocks of op(A) (and C) chosen from the shape alone, each a single-threaded sgemm, run
        // on as many threads as allowed (see `BLASThreads.rowBlocks`): the same blocks whatever the
        // thread count, so the bits never depend on it (SISA's exact unlearning retrains one shard
        // alone what was trained beside others).
        let bounds = BLASThreads.rowBlocks(m: m, n: n, k: ka)
        gemmRowBlocks(a, b, ta, tb, n: n, k: ka, alpha: alpha, beta: beta, bounds: bounds, threads: BLASThreads.count, into: &c)
    }

    /// The product computed in the given row ranges of op(A) (and C), each one single-threaded
    /// sgemm; the ranges run on up to `threads` threads (one after another with one thread).
    static func gemmRowBlocks(_ a: Matrix, _ b: Matrix, _ ta: Transpose, _ tb: Transpose, n: Int, k ka: Int,
                              alpha: Float, beta: Float, bounds: [Range<Int>], threads: Int, into c: inout Matrix) {
        let lda = Int32(max(a.cols, 1)), ldb = Int32(max(b.cols, 1))
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeMutableBufferPointer { pc in
                    let pa = pa.baseAddress!, pb = pb.baseAddress!, pc = pc.baseAddress!
                    func rows(_ r: Range<Int>) {
                        // op(A)'s rows r: rows of A, or columns of A when transposed.
                        let aStart = ta == .none ? pa + r.lowerBound * a.cols : pa + r.lowerBound
                        cblas_sgemm(CblasRowMajor,
                                    ta == .none ? CblasNoTrans : CblasTrans,
                                    tb == .none ? CblasNoTrans : CblasTrans,
                                    Int32(r.count), Int32(n), Int32(ka), alpha,
                                    aStart, lda, pb, ldb,
                                    beta, pc + r.lowerBound * n, Int32(max(n, 1)))
                    }
                    if bounds.count == 1 || threads <= 1 { return bounds.forEach(rows) }
                    DispatchQueue.concurrentPerform(iterations: bounds.count) { rows(bounds[$0]) }
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

/// How many threads one dense product may use, and the blocks a product is cut into.
///
/// PrivLab threads GEMMs itself and keeps OpenBLAS single-threaded: a product is cut into row
/// blocks chosen from its **shape alone** — never from the thread count or the kernel set — and
/// each block is one single-threaded `sgemm` call. One thread runs the blocks one after another,
/// two run them side by side; either way every block is the same call on the same operands, so the
/// bits are the same for any thread count with any OpenBLAS kernel set (Haswell, Zen, SkylakeX,
/// Cooperlake …). Whether a split product equals the same product in one call does not matter and
/// is not asked (with AVX2 kernels it does not: their tile order depends on the block). Parallel
/// workers (SISA shards, shadow models) set the count to 1 so they do not oversubscribe the cores.
public enum BLASThreads {
    /// The cores, or `PRIVLAB_THREADS` when set to a positive number (as `OMP_NUM_THREADS` for
    /// OpenMP): results do not depend on it, only the speed does.
    nonisolated(unsafe) private static var threads: Int = {
        if let s = ProcessInfo.processInfo.environment["PRIVLAB_THREADS"], let t = Int(s), t >= 1 { return min(t, 256) }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()
    nonisolated(unsafe) private static var pinned = false

    public static var count: Int {
        get { threads }
        set { threads = max(1, newValue) }
    }

    /// The most row blocks a product is cut into. Two for this project's 2-core machines: each block
    /// packs the whole of op(B) again (OpenBLAS's packing is about a tenth of an MLP epoch), so more
    /// blocks than cores cost time. Part of the result's definition: changing it changes the bits.
    public static let maximumBlocks = 2

    /// Multiply-adds a block must have: below this, waking a second thread costs more than it saves.
    static let minimumBlockWork = 1 << 20

    /// Blocks start at multiples of this many rows: whole micro-kernel tiles for every kernel set
    /// (OpenBLAS's sgemm tiles are 4 to 16 rows), small enough that a CNN's 64-example batch splits.
    public static let rowAlignment = 16

    /// The row ranges of op(A) (and C) a product with m rows, inner dimension k and n columns is
    /// computed in: up to `maximumBlocks`, starting at multiples of `rowAlignment`, each with at
    /// least `minimumBlockWork` multiply-adds. A function of the shape only.
    public static func rowBlocks(m: Int, n: Int, k: Int) -> [Range<Int>] {
        let a = rowAlignment
        let work = max(1, n) * max(1, k)
        let byWork = m * work / minimumBlockWork
        let blocks = min(maximumBlocks, (m + a - 1) / a, max(1, byWork))
        if blocks <= 1 { return [0..<m] }
        let per = ((m + blocks - 1) / blocks + a - 1) / a * a
        return stride(from: 0, to: m, by: per).map { $0..<min(m, $0 + per) }
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
