import CBLAS

/// Symmetric eigendecomposition and the singular value decomposition through the LAPACK routines
/// OpenBLAS ships (`dsyevd`, divide and conquer; `dgesdd`, divide and conquer) — what
/// scikit-learn's PCA and LDA call through SciPy. LAPACK is column-major: a row-major m×n matrix is
/// the column-major n×m transpose, which the SVD below uses instead of copying.
public enum Decompositions {
    /// Eigenvalues in decreasing order and the matching unit eigenvectors as the rows of `vectors`.
    public static func symmetricEigen(_ a: DoubleMatrix) throws -> (values: [Double], vectors: DoubleMatrix) {
        precondition(a.rows == a.cols, "symmetricEigen: the matrix is not square")
        BLASThreads.pinOpenBLAS()   // one OpenBLAS thread: callers parallelise, bits never depend on it
        var n = Int32(a.rows)
        guard n > 0 else { return ([], DoubleMatrix(rows: 0, cols: 0)) }
        var m = a.data          // symmetric: its row-major and column-major readings agree
        var w = [Double](repeating: 0, count: a.rows)
        var lda = n, info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var wq = [Double](repeating: 0, count: 1), iq = [Int32](repeating: 0, count: 1)
        dsyevd_("V", "L", &n, &m, &lda, &w, &wq, &lwork, &iq, &liwork, &info, 1, 1)
        lwork = Int32(wq[0]); liwork = iq[0]
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_("V", "L", &n, &m, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        guard info == 0 else { throw PrivLabError.message("eigendecomposition failed (LAPACK dsyevd info \(info))") }
        // Column j of the column-major result is eigenvector j: row j of the row-major reading.
        let d = a.rows
        var vectors = DoubleMatrix(rows: d, cols: d)
        for (out, j) in (0..<d).reversed().enumerated() {
            for i in 0..<d { vectors.data[out * d + i] = m[j * d + i] }
        }
        return (w.reversed(), vectors)
    }

    /// The thin SVD A = U·diag(s)·Vt with k = min(m, n) singular values in decreasing order.
    public static func svd(_ a: DoubleMatrix) throws -> (u: DoubleMatrix, s: [Double], vt: DoubleMatrix) {
        let k = min(a.rows, a.cols)
        guard k > 0 else { return (DoubleMatrix(rows: a.rows, cols: 0), [], DoubleMatrix(rows: 0, cols: a.cols)) }
        BLASThreads.pinOpenBLAS()
        // LAPACK sees B = Aᵀ (cols × rows, column-major). B = U_B S Vt_B with U_B = V and Vt_B = Uᵀ;
        // U_B stored column-major (cols × k) is Vt row-major (k × cols), and Vt_B column-major
        // (k × rows) is U row-major (rows × k).
        var m = Int32(a.cols), n = Int32(a.rows), lda = Int32(a.cols)
        var b = a.data
        var s = [Double](repeating: 0, count: k)
        var ub = [Double](repeating: 0, count: a.cols * k), vtb = [Double](repeating: 0, count: k * a.rows)
        var ldu = Int32(a.cols), ldvt = Int32(k), info: Int32 = 0, lwork: Int32 = -1
        var iwork = [Int32](repeating: 0, count: 8 * k), wq = [Double](repeating: 0, count: 1)
        dgesdd_("S", &m, &n, &b, &lda, &s, &ub, &ldu, &vtb, &ldvt, &wq, &lwork, &iwork, &info, 1)
        lwork = Int32(wq[0])
        var work = [Double](repeating: 0, count: Int(lwork))
        dgesdd_("S", &m, &n, &b, &lda, &s, &ub, &ldu, &vtb, &ldvt, &work, &lwork, &iwork, &info, 1)
        guard info == 0 else { throw PrivLabError.message("singular value decomposition failed (LAPACK dgesdd info \(info))") }
        return (DoubleMatrix(rows: a.rows, cols: k, data: vtb), s, DoubleMatrix(rows: k, cols: a.cols, data: ub))
    }
}
