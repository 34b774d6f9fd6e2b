/// A dense, row-major matrix of `Float`. Value semantics (copy-on-write through the backing array).
///
/// Element (i, j) lives at `data[i * cols + j]`. Hot paths reach the storage through
/// `withUnsafeBufferPointer` and BLAS; the subscript is for tests and small loops.
public struct Matrix: Equatable, CustomStringConvertible, Sendable {
    public private(set) var rows: Int
    public private(set) var cols: Int
    public var data: [Float]

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.data = [Float](repeating: value, count: rows * cols)
    }

    /// Wraps `data` (row-major); throws when its count is not `rows * cols`.
    /// A matrix over `storage` whose size the caller guarantees (internal fast path).
    init(rows: Int, cols: Int, storage: [Float]) {
        precondition(storage.count == rows * cols, "storage does not fit the shape")
        self.rows = rows
        self.cols = cols
        self.data = storage
    }

    /// A `rows × cols` matrix whose values the caller overwrites before reading (no zero fill: the
    /// convolution's patch and output buffers are written in full by every forward pass).
    static func uninitialized(rows: Int, cols: Int) -> Matrix {
        precondition(rows >= 0 && cols >= 0, "Matrix dimensions must be non-negative")
        let n = rows * cols
        return Matrix(rows: rows, cols: cols, storage: [Float](unsafeUninitializedCapacity: n) { _, k in k = n })
    }

    public init(rows: Int, cols: Int, data: [Float]) throws {
        guard rows >= 0, cols >= 0, data.count == rows * cols else {
            throw PrivLabError.shape("\(data.count) values cannot fill a \(rows)×\(cols) matrix")
        }
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    /// Builds a matrix from rows of equal length.
    public init(_ rowArrays: [[Float]]) throws {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        var d = [Float]()
        d.reserveCapacity(r * c)
        for (i, row) in rowArrays.enumerated() {
            guard row.count == c else { throw PrivLabError.shape("row \(i + 1) has \(row.count) values, expected \(c)") }
            d.append(contentsOf: row)
        }
        self.rows = r
        self.cols = c
        self.data = d
    }

    /// Identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.data[i * n + i] = 1 }
        return m
    }

    public var count: Int { rows * cols }
    public var shape: (Int, Int) { (rows, cols) }

    public subscript(i: Int, j: Int) -> Float {
        get { data[i * cols + j] }
        set { data[i * cols + j] = newValue }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Float] { Array(data[(i * cols)..<((i + 1) * cols)]) }

    /// The rows at `indices` (0-based), in that order.
    public func rows(_ indices: [Int]) -> Matrix {
        let c = cols, total = indices.count * c
        // Every element is written below, so the storage starts uninitialised (no zero fill).
        let out = [Float](unsafeUninitializedCapacity: total) { dst, k in
            if total > 0 { data.withUnsafeBufferPointer { src in
                for (r, i) in indices.enumerated() {
                    precondition(i >= 0 && i < rows, "row index out of range")
                    (dst.baseAddress! + r * c).initialize(from: src.baseAddress! + i * c, count: c)
                }
            } }
            k = total
        }
        return Matrix(rows: indices.count, cols: c, storage: out)
    }

    /// Reinterprets the same data with another shape of equal size.
    public func reshaped(rows r: Int, cols c: Int) throws -> Matrix {
        guard r * c == count else { throw PrivLabError.shape("cannot reshape \(rows)×\(cols) to \(r)×\(c)") }
        return try Matrix(rows: r, cols: c, data: data)
    }

    /// Transposed copy.
    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        let r = rows, c = cols
        data.withUnsafeBufferPointer { src in
            t.data.withUnsafeMutableBufferPointer { dst in
                // Blocked transpose keeps both sides cache-friendly.
                let b = 32
                var i0 = 0
                while i0 < r {
                    var j0 = 0
                    while j0 < c {
                        for i in i0..<min(i0 + b, r) {
                            for j in j0..<min(j0 + b, c) { dst[j * r + i] = src[i * c + j] }
                        }
                        j0 += b
                    }
                    i0 += b
                }
            }
        }
        return t
    }

    /// True when any element is NaN or infinite.
    public var hasNonFinite: Bool { data.withUnsafeBufferPointer { !allFinite($0) } }

    public var description: String {
        let shown = min(rows, 6)
        var s = "Matrix(\(rows)×\(cols))"
        for i in 0..<shown {
            let r = (0..<min(cols, 8)).map { formatCompact(Double(self[i, $0])) }.joined(separator: " ")
            s += "\n  [" + r + (cols > 8 ? " …" : "") + "]"
        }
        if rows > shown { s += "\n  …" }
        return s
    }
}

/// Whether every value is finite, 16 lanes at a time: x·0 is 0 for a finite x and NaN for ±∞ or
/// NaN, so one NaN lane in the running sum flags the buffer (whole training sets are checked
/// before every fit).
public func allFinite(_ d: UnsafeBufferPointer<Float>) -> Bool {
    guard let base = d.baseAddress else { return true }
    let n = d.count
    let raw = UnsafeRawPointer(base)
    var acc = SIMD16<Float>(repeating: 0)
    var i = 0
    while i + 16 <= n {
        acc += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) * 0
        i += 16
    }
    var tail: Float = 0
    while i < n { tail += base[i] * 0; i += 1 }
    return acc.sum() == 0 && tail == 0
}
