import XCTest
import PrivLab

final class MatrixTests: XCTestCase {
    func testGemmMatchesNaiveForAllTransposes() throws {
        var rng = RNG(seed: 7)
        for (m, k, n) in [(1, 1, 1), (3, 5, 2), (17, 33, 9), (64, 128, 10), (5, 1, 7)] {
            let a = randomMatrix(m, k, &rng), b = randomMatrix(k, n, &rng)
            let ref = naiveProduct(toRows(a), toRows(b))
            let variants: [(Matrix, Matrix, Transpose, Transpose)] = [
                (a, b, .none, .none), (a.transposed, b, .transposed, .none),
                (a, b.transposed, .none, .transposed), (a.transposed, b.transposed, .transposed, .transposed),
            ]
            for (x, y, tx, ty) in variants {
                let c = try Matrix.matmul(x, y, transA: tx, transB: ty)
                XCTAssertEqual(c.rows, m)
                XCTAssertEqual(c.cols, n)
                for i in 0..<m { for j in 0..<n { XCTAssertEqual(Double(c[i, j]), ref[i][j], accuracy: 1e-4 * Double(k)) } }
            }
        }
    }

    func testGemmAlphaBetaAccumulate() throws {
        var rng = RNG(seed: 3)
        let a = randomMatrix(4, 6, &rng), b = randomMatrix(6, 3, &rng)
        var c = randomMatrix(4, 3, &rng)
        let c0 = c
        try Matrix.gemm(a, b, alpha: 2, beta: 0.5, into: &c)
        let ref = naiveProduct(toRows(a), toRows(b))
        for i in 0..<4 { for j in 0..<3 { XCTAssertEqual(Double(c[i, j]), 2 * ref[i][j] + 0.5 * Double(c0[i, j]), accuracy: 1e-4) } }
    }

    /// Exact unlearning compares parameters bit for bit between a shard trained alongside others
    /// (one thread per product) and the same shard retrained alone (all threads): products must not
    /// depend on the thread count, including ragged row counts and transposes.
    func testGemmIsBitIdenticalForAnyThreadCount() throws {
        var rng = RNG(seed: 12)
        GlobalSettings.lock.lock()  // the test sets the thread count throughout; restored at the end
        let saved = BLASThreads.count
        defer {
            BLASThreads.count = saved
            GlobalSettings.lock.unlock()
        }
        // Ragged Poisson-batch sizes around the 64-row blocks, products near OpenBLAS's small and
        // "direct" code paths (alpha = 1, beta = 0 below), transposes.
        for (m, k, n, ta, tb) in [(128, 784, 256, Transpose.none, Transpose.none), (200, 300, 130, .none, .transposed),
                                  (784, 128, 256, .transposed, .none), (333, 129, 257, .transposed, .transposed),
                                  (100, 784, 256, .none, .none), (96, 200, 300, .none, .transposed), (70, 90, 1000, .transposed, .transposed),
                                  (66, 784, 256, .none, .none), (117, 784, 256, .none, .none), (139, 784, 256, .none, .none),
                                  (100, 400, 256, .none, .none), (150, 300, 200, .none, .none)] {
            let a = ta == .none ? randomMatrix(m, k, &rng) : randomMatrix(k, m, &rng)
            let b = tb == .none ? randomMatrix(k, n, &rng) : randomMatrix(n, k, &rng)
            var results = [Matrix]()
            for alpha: Float in [1, 0.5] {
                results = []
                for t in [1, 2, 3, 4] {
                    BLASThreads.count = t
                    var out = Matrix(rows: m, cols: n)
                    try Matrix.gemm(a, b, transA: ta, transB: tb, alpha: alpha, into: &out)
                    results.append(out)
                }
                for t in 1...3 { XCTAssertEqual(results[0], results[t], "\(m)×\(k)×\(n), alpha \(alpha), \(t + 1) threads") }
            }
            func rowsOf(_ x: Matrix, _ t: Transpose) -> [[Double]] {
                t == .none ? toRows(x) : (0..<x.cols).map { j in (0..<x.rows).map { Double(x[$0, j]) } }
            }
            let ref = naiveProduct(rowsOf(a, ta), rowsOf(b, tb))
            XCTAssertEqual(Double(results[1][m - 1, n - 1]), 0.5 * ref[m - 1][n - 1], accuracy: 1e-3)
        }
    }

    /// Products are cut into row blocks by their shape alone, so the thread-count test above runs
    /// the split path on every machine, whatever kernels OpenBLAS loaded. Catches: splitting turned
    /// off (every product on one core, the bit-identity test comparing the code with itself), blocks
    /// that depend on the thread count, blocks that miss or overlap rows.
    func testProductsAreSplitFromTheirShapeAlone() {
        GlobalSettings.lock.lock()  // the test sets the thread count throughout; restored at the end
        let saved = BLASThreads.count
        defer {
            BLASThreads.count = saved
            GlobalSettings.lock.unlock()
        }
        var byThreads = [[[Range<Int>]]]()
        for t in [1, 2, 3] {
            BLASThreads.count = t
            byThreads.append([(128, 784, 256), (784, 128, 256), (100, 784, 256), (66, 784, 256), (333, 129, 257)].map {
                BLASThreads.rowBlocks(m: $0.0, n: $0.2, k: $0.1)
            })
        }
        XCTAssertEqual(byThreads[0], byThreads[1])
        XCTAssertEqual(byThreads[0], byThreads[2])
        for (blocks, m) in zip(byThreads[0], [128, 784, 100, 66, 333]) {
            XCTAssertEqual(blocks.count, BLASThreads.maximumBlocks, "\(m) rows")
            XCTAssertEqual(blocks.first?.lowerBound, 0)
            XCTAssertEqual(blocks.last?.upperBound, m)
            for (a, b) in zip(blocks, blocks.dropFirst()) {
                XCTAssertEqual(a.upperBound, b.lowerBound)
                XCTAssertEqual(b.lowerBound % BLASThreads.rowAlignment, 0)
            }
        }
        // Too little work to be worth a second thread, or a single row tile: one block.
        XCTAssertEqual(BLASThreads.rowBlocks(m: 128, n: 10, k: 256), [0..<128])
        XCTAssertEqual(BLASThreads.rowBlocks(m: BLASThreads.rowAlignment, n: 4096, k: 4096), [0..<BLASThreads.rowAlignment])
        // The CNN's dense layer on a 64-example batch is split.
        XCTAssertEqual(BLASThreads.rowBlocks(m: 64, n: 128, k: 1568), [0..<32, 32..<64])
    }

    func testGemvMatchesNaive() throws {
        var rng = RNG(seed: 9)
        let a = randomMatrix(7, 5, &rng)
        let x = (0..<5).map { _ in Float(rng.normal()) }
        let y = try Matrix.matvec(a, x)
        let yt = try Matrix.matvec(a.transposed, x, transA: .transposed)
        for i in 0..<7 {
            var s = 0.0
            for j in 0..<5 { s += Double(a[i, j]) * Double(x[j]) }
            XCTAssertEqual(Double(y[i]), s, accuracy: 1e-5)
            XCTAssertEqual(Double(yt[i]), s, accuracy: 1e-5)
        }
    }

    func testShapeErrorsAreThrownNotTrapped() {
        let a = Matrix(rows: 2, cols: 3), b = Matrix(rows: 4, cols: 2)
        assertThrows(["inner dimensions"]) { _ = try Matrix.matmul(a, b) }
        var c = Matrix(rows: 5, cols: 5)
        assertThrows(["output is 5×5"]) { try Matrix.gemm(a, a, transB: .transposed, into: &c) }
        assertThrows(["cannot fill"]) { _ = try Matrix(rows: 2, cols: 2, data: [1, 2, 3]) }
        assertThrows(["row 2"]) { _ = try Matrix([[1, 2], [3]]) }
        assertThrows(["sum of 2×3 and 4×2"]) { _ = try a + b }
        assertThrows(["vector of 2"]) { _ = try Matrix.matvec(a, [1, 2]) }
    }

    func testEmptyInnerDimensionScalesOutput() throws {
        let a = Matrix(rows: 2, cols: 0), b = Matrix(rows: 0, cols: 3)
        var c = Matrix(rows: 2, cols: 3, repeating: 4)
        try Matrix.gemm(a, b, beta: 0.5, into: &c)
        XCTAssertEqual(c.data, [Float](repeating: 2, count: 6))
    }

    func testTransposeRowsAndElementWise() throws {
        let m = try Matrix([[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(m.transposed, try Matrix([[1, 4], [2, 5], [3, 6]]))
        var rng = RNG(seed: 1)
        let big = randomMatrix(45, 70, &rng)
        XCTAssertEqual(big.transposed.transposed, big)
        XCTAssertEqual(m.rows([1, 0, 1]), try Matrix([[4, 5, 6], [1, 2, 3], [4, 5, 6]]))
        XCTAssertEqual(try m + m, m.scaled(2))
        XCTAssertEqual(try m - m, Matrix(rows: 2, cols: 3))
        XCTAssertEqual(try m.hadamard(m), try Matrix([[1, 4, 9], [16, 25, 36]]))
        var n = m
        try n.addRowVector([10, 20, 30])
        XCTAssertEqual(n, try Matrix([[11, 22, 33], [14, 25, 36]]))
        try n.addScaled(m, -1)
        XCTAssertEqual(n, try Matrix([[10, 20, 30], [10, 20, 30]]))
        XCTAssertEqual(m.sum(), 21)
        XCTAssertEqual(m.mean(), 3.5)
        XCTAssertEqual(m.columnSums(), [5, 7, 9])
        XCTAssertEqual(m.rowSums(), [6, 15])
        XCTAssertEqual(try Matrix([[1, 9, 9], [-5, -7, -6]]).argmaxRows(), [1, 0])
        XCTAssertEqual(m.maxRows(), [3, 6])
        XCTAssertEqual(try m.reshaped(rows: 3, cols: 2).row(2), [5, 6])
        XCTAssertTrue(try Matrix([[1, .nan]]).hasNonFinite)
    }
}

final class SoftmaxTests: XCTestCase {
    func testMatchesNaiveOnModerateLogits() throws {
        let x = try Matrix([[1, 2, 3], [-1, 0, 0.5]])
        let p = Softmax.probabilities(x)
        for i in 0..<2 {
            let e = x.row(i).map { exp(Double($0)) }
            let s = e.reduce(0, +)
            for j in 0..<3 { XCTAssertEqual(Double(p[i, j]), e[j] / s, accuracy: 1e-6) }
            XCTAssertEqual(Double(Softmax.logSumExpRows(x)[i]), log(s), accuracy: 1e-5)
        }
    }

    func testStableForHugeLogits() throws {
        let x = try Matrix([[1000, 1001, 999], [-1000, -1000, -1000]])
        let p = Softmax.probabilities(x)
        XCTAssertFalse(p.hasNonFinite)
        XCTAssertEqual(Double(p[0, 1]), 1 / (1 + exp(-1) + exp(-2)), accuracy: 1e-6)
        XCTAssertEqual(Double(p[1, 0]), 1.0 / 3, accuracy: 1e-6)
        let lse = Softmax.logSumExpRows(x)
        XCTAssertEqual(Double(lse[0]), 1001 + log(1 + exp(-1) + exp(-2)), accuracy: 1e-3)
        let lp = Softmax.logProbabilities(x)
        XCTAssertEqual(Double(lp[0, 0]), -1 - log(1 + exp(-1) + exp(-2)), accuracy: 1e-4)
        XCTAssertFalse(lp.hasNonFinite)
    }

    func testTemperatureFlattensAndSharpens() throws {
        let x = try Matrix([[2, 0]])
        let hot = Softmax.probabilities(x, temperature: 10)
        let cold = Softmax.probabilities(x, temperature: 0.1)
        XCTAssertEqual(Double(hot[0, 0]), 1 / (1 + exp(-0.2)), accuracy: 1e-6)
        XCTAssertGreaterThan(cold[0, 0], 0.999)
        XCTAssertEqual(Double(Softmax.logProbabilities(x, temperature: 2)[0, 1]), -log(1 + exp(1)), accuracy: 1e-5)
    }
}
