import Foundation
@testable import PrivLab
import XCTest

/// The recurrent cells' C kernels (CKernels/recurrent_cells.c): their exp and tanh against the C
/// library's, the same bits at the portable and the AVX2 level, and training that gives the same
/// bits on one thread or two for every cell (RecurrentTests checks the GRU under DP-SGD too).
final class RecurrentKernelTests: XCTestCase {
    /// Units in the last place between two floats of the same sign.
    func ulps(_ a: Float, _ b: Float) -> Int {
        a == b ? 0 : abs(Int(Int32(bitPattern: a.bitPattern)) - Int(Int32(bitPattern: b.bitPattern)))
    }

    /// Within 1 ulp of the double-precision function rounded to float over the gates' ranges
    /// (exp of a sigmoid's −x over ±87; tanh over ±20 and near 0, where 1 − 2/(e^{2x} + 1) would
    /// lose every digit). A wrong coefficient, or the large-|x| branch used below 0.625, fails.
    func testExpAndTanhAreWithinOneULP() {
        var worstExp = 0, worstTanh = 0
        for i in 0..<200_001 {
            let x = Float(-87 + 175 * Double(i) / 200_000)
            worstExp = max(worstExp, ulps(RecurrentCellKind.kernelExp(x), Float(Foundation.exp(Double(x)))))
            for y in [Float(-20 + 40 * Double(i) / 200_000), Float(-1e-2 + 2e-2 * Double(i) / 200_000)] {
                worstTanh = max(worstTanh, ulps(RecurrentCellKind.kernelTanh(y), Float(Foundation.tanh(Double(y)))))
            }
        }
        XCTAssertLessThanOrEqual(worstExp, 1, "exp")
        XCTAssertLessThanOrEqual(worstTanh, 1, "tanh")
        XCTAssertTrue(RecurrentCellKind.kernelTanh(.nan).isNaN)
        XCTAssertTrue(RecurrentCellKind.kernelExp(.nan).isNaN)
        XCTAssertEqual(RecurrentCellKind.kernelTanh(-100), -1)
    }

    /// One Adam epoch of two stacked layers of `cell` (batches of 200: two row blocks); parameters and logits.
    func train(_ cell: RecurrentCellKind, _ ds: Dataset) throws -> [Float] {
        var o = TrainingOptions()
        o.epochs = 1
        o.batchSize = 200
        o.optimizer = .adam
        o.learningRate = 0.01
        // 128 units for the Elman cell: with 64 its one gate is too little work for two row blocks.
        let net = try NeuralNetwork.rnn(cell: cell, hidden: cell == .rnn ? 128 : 64, layers: 2, steps: 8, allSteps: false, options: o)
        try net.fit(ds)
        return try net.parameterVector() + net.logits(ds.features).data
    }

    func testPortableAndAVX2LevelsGiveTheSameBits() throws {
        guard RecurrentCellKind.kernelLevel >= 1 else { throw XCTSkip("this CPU runs the portable level only") }
        let ds = try Synthetic.symbolOrder(n: 400, steps: 8, symbols: 5, seed: 4)
        defer { RecurrentCellKind.maximumKernelLevel = 1 }
        for cell in RecurrentCellKind.allCases {
            var results = [[Float]]()
            for level: Int32 in [0, 1] {
                RecurrentCellKind.maximumKernelLevel = level
                results.append(try train(cell, ds))
            }
            XCTAssertEqual(results[0], results[1], "\(cell)")
        }
    }

    /// Batches of 200 are cut into two row blocks: each walks its steps on its own core or both on one.
    func testEveryCellTrainsIdenticallyOnOneThreadOrTwo() throws {
        let ds = try Synthetic.symbolOrder(n: 400, steps: 8, symbols: 5, seed: 4)
        for cell in RecurrentCellKind.allCases {
            var results = [[Float]]()
            for threads in [1, 2] {
                let saved = BLASThreads.count
                BLASThreads.count = threads
                defer { BLASThreads.count = saved }
                results.append(try train(cell, ds))
            }
            XCTAssertEqual(results[0], results[1], "\(cell)")
        }
    }
}
