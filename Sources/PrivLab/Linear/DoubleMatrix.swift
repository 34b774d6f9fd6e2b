import CBLAS

/// A dense, row-major matrix of `Double`: what the classical models (logistic regression, LDA,
/// PCA, naive Bayes) compute in, because their optima are compared with scikit-learn's to 1e-6 and
/// their eigen- and singular-value problems lose too much in single precision. Element (i, j) lives
/// at `data[i * cols + j]`.
public struct DoubleMatrix: Equatable, Sendable, Codable {
    public let rows: Int
    public let cols: Int
    public var data: [Double]

    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.rows = rows
        self.cols = cols
        data = [Double](repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, data: [Double]) {
        precondition(data.count == rows * cols, "DoubleMatrix: \(data.count) values cannot fill \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    enum CodingKeys: String, CodingKey { case rows, cols, data }

    /// Decodes and checks the shape (a model file that passed its checksum can still be crafted).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let r = try c.decode(Int.self, forKey: .rows), k = try c.decode(Int.self, forKey: .cols)
        let d = try c.decode([Double].self, forKey: .data)
        guard r >= 0, k >= 0, r.multipliedReportingOverflow(by: k).partialValue == d.count, !r.multipliedReportingOverflow(by: k).overflow else {
            throw DecodingError.dataCorruptedError(forKey: .data, in: c, debugDescription: "\(d.count) values cannot fill \(r)×\(k)")
        }
        self.init(rows: r, cols: k, data: d)
    }

    /// The values of a `Float` matrix, widened.
    public init(_ m: Matrix) {
        self.init(rows: m.rows, cols: m.cols, data: m.data.map(Double.init))
    }

    public subscript(i: Int, j: Int) -> Double {
        get { data[i * cols + j] }
        set { data[i * cols + j] = newValue }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] { Array(data[(i * cols)..<((i + 1) * cols)]) }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> DoubleMatrix {
        var d = [Double]()
        d.reserveCapacity(indices.count * cols)
        for i in indices { d += data[(i * cols)..<((i + 1) * cols)] }
        return DoubleMatrix(rows: indices.count, cols: cols, data: d)
    }

    public var transposed: DoubleMatrix {
        var t = DoubleMatrix(rows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { t.data[j * rows + i] = data[i * cols + j] } }
        return t
    }

    /// Narrowed to `Float` (what the rest of the engine consumes).
    public var float: Matrix {
        var m = Matrix(rows: rows, cols: cols)
        m.data = data.map { Float($0) }
        return m
    }

    /// op(A) · op(B) through OpenBLAS `dgemm` (single-threaded: callers parallelise over folds,
    /// shards or shadow models, and the bits never depend on a thread count).
    public static func product(_ a: DoubleMatrix, _ b: DoubleMatrix, transA ta: Bool = false, transB tb: Bool = false) -> DoubleMatrix {
        let (m, k) = ta ? (a.cols, a.rows) : (a.rows, a.cols)
        let (kb, n) = tb ? (b.cols, b.rows) : (b.rows, b.cols)
        precondition(k == kb, "DoubleMatrix.product: inner dimensions \(k) and \(kb) differ")
        var c = DoubleMatrix(rows: m, cols: n)
        if m == 0 || n == 0 || k == 0 { return c }
        BLASThreads.pinOpenBLAS()
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), 1, pa.baseAddress, Int32(max(a.cols, 1)),
                                pb.baseAddress, Int32(max(b.cols, 1)), 0, pc.baseAddress, Int32(max(n, 1)))
                }
            }
        }
        return c
    }

    /// Column means.
    public var columnMeans: [Double] {
        var mean = [Double](repeating: 0, count: cols)
        for i in 0..<rows { for j in 0..<cols { mean[j] += data[i * cols + j] } }
        return rows > 0 ? mean.map { $0 / Double(rows) } : mean
    }

    /// Rows scaled down to norm ≤ `clip` (rows already inside are unchanged): the clipping that
    /// bounds one record's influence in every private fit.
    public func clippingRows(toNorm clip: Double) -> DoubleMatrix {
        var out = self
        for i in 0..<rows {
            var n2 = 0.0
            for j in 0..<cols { n2 += self[i, j] * self[i, j] }
            let n = n2.squareRoot()
            if n > clip { for j in 0..<cols { out[i, j] *= clip / n } }
        }
        return out
    }

    /// Subtracts `v` from every row.
    public func subtractingRow(_ v: [Double]) -> DoubleMatrix {
        var out = self
        for i in 0..<rows { for j in 0..<cols { out.data[i * cols + j] -= v[j] } }
        return out
    }
}
