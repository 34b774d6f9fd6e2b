import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// From Lua: defended models save and load with identical released outputs, and serve as SISA
/// constituents that unlearn exactly (issue 27, item 3).
final class CapabilityBindingTests: XCTestCase {
    func testDefendedModelsSaveLoadAndServeInSISA() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 300, features = 5, classes = 3, std = 2, seed = 4}
            local train, test = d:split{test = 0.3, stratify = true, seed = 1}
            local m = pl.defense.output{model = pl.mlp{hidden = {8}, epochs = 4, seed = 2}, top_k = 1}
            m:fit(train)
            m:save("\(dir)/top1.plm")
            local back = pl.load("\(dir)/top1.plm")
            local same = true
            local a, b = m:predict_proba(test), back:predict_proba(test)
            for i = 1, #a do for j = 1, #a[i] do same = same and a[i][j] == b[i][j] end end
            print(same, tostring(back) == tostring(m))
            local function ens()
              return pl.sisa{shards = 2, slices = 2, seed = 3,
                             model = pl.defense.output{model = pl.mlp{hidden = {8}, epochs = 4, seed = 2}, top_k = 2}}
            end
            local e = ens()
            e:fit(train)
            local id = train:ids()[5]
            e:unlearn(id)
            local fresh = ens()
            fresh:fit(train:without{id})
            print(e:fingerprint() == fresh:fingerprint(), e:accuracy(test) > 0.6)
            """)
        assertPrinted(sink.text, "true\ttrue\ntrue\ttrue\n",
                      facts: ["a saved output defense releases the same vectors", "and describes itself alike",
                              "a SISA ensemble of defended models unlearns exactly", "and learns"])
    }
}
