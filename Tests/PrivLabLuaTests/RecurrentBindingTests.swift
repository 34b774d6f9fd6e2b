import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `pl.rnn`, `pl.data.symbol_order` and the CNN's pooling options from Lua: the options reach the
/// engine (the model trained from Lua, saved and loaded, equals the Swift model bit for bit), and
/// bad input is a Lua error naming the function and what is wrong.
final class RecurrentBindingTests: XCTestCase {
    func testRNNFromLuaEqualsTheSwiftModel() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (rt, _) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.symbol_order{n = 200, steps = 6, symbols = 4, seed = 2}
            local m = pl.rnn{cell = "lstm", hidden = 5, layers = 2, steps = 6, all_steps = true, head = {7}, epochs = 2, batch = 50, seed = 3}
            m:fit(d)
            m:save("\(dir)/rnn.plm")
            """)
        let d = try Synthetic.symbolOrder(n: 200, steps: 6, symbols: 4, seed: 2)
        var o = TrainingOptions()
        o.optimizer = .adam
        o.learningRate = 1e-3
        o.epochs = 2
        o.batchSize = 50
        o.seed = 3
        let m = try NeuralNetwork.rnn(cell: .lstm, hidden: 5, layers: 2, steps: 6, allSteps: true, head: [7], options: o)
        try m.fit(d)
        guard case .classifier(let lua) = try ModelFile.load(path: "\(dir)/rnn.plm") else { return XCTFail("not a classifier") }
        XCTAssertEqual(try lua.requireParameters().parameterVector(), try m.parameterVector())
        XCTAssertEqual(lua.summary, m.summary)
    }

    func testBadRecurrentInputIsALuaError() throws {
        let (rt, _) = try makeRuntime()
        assertLuaError(rt, """
            pl.rnn{cell = "gru", hidden = 4, steps = 7, epochs = 1}:fit(pl.data.symbol_order{n = 20, steps = 5, symbols = 3})
            """, ["15 values is not steps × features with steps = 7"])
        assertLuaError(rt, "pl.rnn{cell = \"transformer\"}", ["rnn", "cell"])
        assertLuaError(rt, """
            local m = pl.rnn{hidden = 3, steps = 5, epochs = 1}
            m:fit(pl.data.symbol_order{n = 20, steps = 5, symbols = 3})
            m:predict(pl.data.blobs{n = 4, features = 12})
            """, ["5 steps × 3 features = 15 values, got 12"])
    }

    /// pool_size and pool_stride reach the pooling layers: 4×4 windows on 8×8 images leave 2×2.
    func testCNNPoolSizeAndStride() throws {
        let (rt, _) = try makeRuntime()
        let out = try rt.exec("""
            local d = pl.data.from_table{x = (function() local r = {} for i = 1, 8 do local row = {} for j = 1, 64 do row[j] = (i * j) % 7 / 7 end r[i] = row end return r end)(),
                                         y = {0, 1, 0, 1, 0, 1, 0, 1}, image_shape = {1, 8, 8}}
            local a = pl.cnn{channels = {2}, pool_size = 4, hidden = {}, epochs = 1}
            a:fit(d)
            local b = pl.cnn{channels = {2}, pool_size = 3, pool_stride = 1, pool = "avg", hidden = {}, epochs = 1}
            b:fit(d)
            return tostring(a), tostring(b)
            """)
        XCTAssertTrue("\(out[0])".contains("maxpool(4)"), "\(out[0])")
        XCTAssertTrue("\(out[1])".contains("avgpool(3, stride 1)"), "\(out[1])")
        assertLuaError(rt, "pl.cnn{pool_size = 0}", ["cnn", "pool_size"])
    }
}
