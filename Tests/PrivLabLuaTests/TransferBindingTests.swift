import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `pl.transfer` and `frozen` from Lua: the options reach the engine (the Lua model equals the
/// Swift one), and bad input is a Lua error naming the function and the option.
final class TransferBindingTests: XCTestCase {
    func testTransferFromLuaEqualsTheSwiftModel() throws {
        let (rt, _) = try makeRuntime()
        let dir = NSTemporaryDirectory() + "/transfer-lua-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try rt.exec("""
            local d = pl.data.blobs{n = 200, features = 6, classes = 4, seed = 3}
            local base = pl.mlp{hidden = {8, 5}, epochs = 2, seed = 2}
            base:fit(d:filter{classes = {0, 1}})
            base:save("\(dir)/base.plm")
            local t = pl.transfer{base = base, layers = 2, frozen = 1, head = {4}, epochs = 2, lr = 0.1, seed = 7}
            local private = d:filter{classes = {2, 3}, relabel = true}
            t:fit(private)
            t:save("\(dir)/t.plm")
            assert(t:trained_parameters() == 8 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2, t:trained_parameters())
            assert(t:parameters() == 6 * 8 + 8 + t:trained_parameters())
            """)
        guard case .classifier(let base) = try ModelFile.load(path: "\(dir)/base.plm"),
              case .classifier(let lua) = try ModelFile.load(path: "\(dir)/t.plm") else { return XCTFail("not classifiers") }
        var o = TrainingOptions()
        o.epochs = 2
        o.learningRate = 0.1
        o.batchSize = 128
        o.seed = 7
        o.frozenLayers = 1
        let t = try NeuralNetwork.transfer(base: base, layers: 2, head: [4], options: o)
        let d = try Synthetic.blobs(n: 200, features: 6, classes: 4, seed: 3)
        try t.fit(try d.filter(classes: [2, 3], relabel: true))
        XCTAssertEqual(try lua.requireParameters().parameterVector(), try t.parameterVector())
        XCTAssertEqual(lua.summary, t.summary)
    }

    func testBadTransferInputIsALuaError() throws {
        let (rt, _) = try makeRuntime()
        try rt.exec("""
            d = pl.data.blobs{n = 60, features = 6, classes = 2, seed = 1}
            base = pl.mlp{hidden = {5, 4}, epochs = 1}
            base:fit(d)
            """)
        assertLuaError(rt, "pl.transfer{base = base, layers = 3}", ["transfer: option 'layers' = 3 is out of range", "1…2"])
        assertLuaError(rt, "pl.transfer{base = base, layers = 1, frozen = 2}", ["transfer: option 'frozen' = 2 is out of range", "0…1"])
        assertLuaError(rt, "pl.transfer{base = pl.mlp{}}", ["transfer: option 'base' must be fitted"])
        assertLuaError(rt, "pl.transfer{base = d}", ["transfer: option 'base'"])
        assertLuaError(rt, "local s = pl.softmax{epochs = 1}; s:fit(d); pl.transfer{base = s}", ["transfer: option 'base' has no layer below its output layer"])
        assertLuaError(rt, "pl.mlp{hidden = {3}, frozen = 2}", ["mlp: frozen = 2 is out of range", "0…1"])
        // The frozen extractor reads 6 values; these records have 9.
        assertLuaError(rt, "pl.transfer{base = base}:fit(pl.data.blobs{n = 30, features = 9, classes = 2})",
                       ["transfer: the pretrained layers", "read records of 6 values", "9 features"])
        assertLuaError(rt, """
            pl.sisa{shards = 2, model = pl.transfer{base = base}}:fit(pl.data.blobs{n = 30, features = 9, classes = 2})
            """, ["sisa: option 'model'", "read records of 6 values", "9 features"])
        // Recurrent constituents fed flat records of the wrong width.
        assertLuaError(rt, """
            pl.sisa{shards = 2, model = pl.rnn{hidden = 3, steps = 4, epochs = 1}}:fit(pl.data.symbol_order{n = 20, steps = 5, symbols = 3})
            """, ["sisa: option 'model'", "15 values is not steps × features with steps = 4"])
    }
}
