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
        // Row blocks of op(A) (and C) go to separate threads, each a single-threaded sgemm (see
        // `BLASThreads.rowBlocks`): results are bit-identical with 1 or many threads (SISA's exact
        // unlearning retrains one shard alone what was trained in parallel).
        let bounds = BLASThreads.rowBlocks(m: m, n: n, k: ka)
        gemmRowBlocks(a, b, ta, tb, n: n, k: ka, alpha: alpha, beta: beta, bounds: bounds, into: &c)
    }

    /// The product computed in the given row ranges of op(A) (and C), each one single-threaded
    /// sgemm, the ranges on separate threads.
    static func gemmRowBlocks(_ a: Matrix, _ b: Matrix, _ ta: Transpose, _ tb: Transpose, n: Int, k ka: Int,
                              alpha: Float, beta: Float, bounds: [Range<Int>], into c: inout Matrix) {
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
                    if bounds.count == 1 { return rows(bounds[0]) }
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

    /// Multiply-adds a row block must have. OpenBLAS runs small products through other code (its
    /// "small matrix" and "direct" sgemm paths, below about 1 M and 7.3 M multiply-adds on AVX-512
    /// CPUs) that sums in another order; with every block above this, the whole product and each of
    /// its blocks take the same regular path.
    static let minimumBlockWork = 8_000_000

    /// The row ranges a product with m rows of op(A), inner dimension k and n columns is computed
    /// in: one per thread, starting at multiples of 64 rows (so each block meets the micro-kernels
    /// at the same row alignment as the whole product), none below `minimumBlockWork` (a small
    /// tail joins its neighbour). One range when splitting would not be exact.
    static func rowBlocks(m: Int, n: Int, k: Int, threads: Int = count) -> [Range<Int>] {
        guard threads > 1, m > 64, rowBlocksAreExact else { return [0..<m] }
        return candidateBlocks(m: m, n: n, k: k, threads: threads)
    }

    static func candidateBlocks(m: Int, n: Int, k: Int, threads: Int) -> [Range<Int>] {
        let blocks = min(threads, (m + 63) / 64)
        if blocks <= 1 { return [0..<m] }
        let minRows = (minimumBlockWork + max(1, n * k) - 1) / max(1, n * k)
        let per = ((m + blocks - 1) / blocks + 63) / 64 * 64
        var bounds = stride(from: 0, to: m, by: per).map { $0..<min(m, $0 + per) }
        while bounds.count > 1, bounds[bounds.count - 1].count < minRows {
            let tail = bounds.removeLast()
            bounds[bounds.count - 1] = bounds[bounds.count - 1].lowerBound..<tail.upperBound
        }
        return bounds.allSatisfy { $0.count >= minRows } ? bounds : [0..<m]
    }

    /// Whether the loaded OpenBLAS kernels give a product split by `candidateBlocks` the bits of the
    /// same product in one call. True for its AVX-512 kernels (these machines), false for its
    /// Haswell/Zen kernels (measured: their tile order depends on the block); there every product
    /// runs in one call, slower but still independent of the thread count. Checked once per process
    /// on products shaped like training's, for 2–4 threads.
    public static let rowBlocksAreExact: Bool = {
        pinOpenBLAS()
        var rng = RNG(seed: 0x5EED)
        func random(_ r: Int, _ c: Int) -> Matrix {
            var x = Matrix(rows: r, cols: c)
            for i in 0..<x.data.count { x.data[i] = rng.uniformFloat() - 0.5 }
            return x
        }
        // About 0.5 GFLOP in all (a few ms, once).
        for (m, k, n, ta, tb, alpha, beta) in [(128, 784, 256, Transpose.none, Transpose.none, Float(1), Float(1)),
                                               (784, 128, 256, .transposed, .none, -0.05, 1), (117, 784, 256, .none, .none, 1, 0),
                                               (256, 256, 300, .none, .transposed, 0.5, 0), (256, 300, 256, .transposed, .transposed, 1, 0)] {
            let a = ta == .none ? random(m, k) : random(k, m)
            let b = tb == .none ? random(k, n) : random(n, k)
            let c0 = random(m, n)
            var whole = c0
            Matrix.gemmRowBlocks(a, b, ta, tb, n: n, k: k, alpha: alpha, beta: beta, bounds: [0..<m], into: &whole)
            var tried: [[Range<Int>]] = [[0..<m]]
            for threads in 2...4 {
                let bounds = candidateBlocks(m: m, n: n, k: k, threads: threads)
                if tried.contains(bounds) { continue }
                tried.append(bounds)
                var split = c0
                Matrix.gemmRowBlocks(a, b, ta, tb, n: n, k: k, alpha: alpha, beta: beta, bounds: bounds, into: &split)
                if split.data != whole.data { return false }
            }
        }
        return true
    }()

    /// OpenBLAS's own threading splits some products differently from one thread to two (the
    /// results differ in the last bits), so it is switched off once, before the first product.
    static func pinOpenBLAS() {
        if !pinned {
            openblas_set_num_threads(1)
            pinned = true
        }
    }
}
