import PrivLab

extension Runtime {
    /// A feature table → the engine's feature (Lua rows and columns count from 1).
    static func uniqueFeature(_ v: LuaValue, fn: String) throws -> UniqueFeature {
        guard case .table(let t) = v else { throw LuaError("\(fn): option 'feature' must be a table from pl.memorisation.feature{…}") }
        let o = try LuaOptions(t, fn: "\(fn) feature")
        let size = try o.int("size", min: 1, max: 1000)
        let row = try o.int("row", min: 1), col = try o.int("col", min: 1), channel = try o.int("channel", 1, min: 1)
        let pixels = try LuaConvert.numbers(o.raw("pixels"), fn: fn, arg: "feature.pixels").map(Float.init)
        try o.finish()
        guard let size, let row, let col else { throw LuaError("\(fn): a feature needs size, row, col and pixels (use pl.memorisation.feature{…})") }
        return try UniqueFeature(height: size, width: size, row: row - 1, column: col - 1, channel: channel - 1, pixels: pixels)
    }

    /// `pl.memorisation.*`: unique-feature memorisation (Hartley & Tsaftaris 2022).
    func installMemorisation() {
        // pl.memorisation.feature{size=5, row=1, col=1, channel=1, low=0, high=1, seed=} → a random binary patch
        define("memorisation.feature") { call in
            let fn = "memorisation.feature"
            let o = try call.options(1, fn: fn)
            let size = try o.int("size", 5, min: 1, max: 1000)
            let row = try o.int("row", 1, min: 1), col = try o.int("col", 1, min: 1), channel = try o.int("channel", 1, min: 1)
            let low = try o.double("low", 0), high = try o.double("high", 1)
            let seed = try o.seed()
            try o.finish()
            var f = try UniqueFeature.random(size: size, row: row - 1, column: col - 1, low: Float(low), high: Float(high), seed: seed)
            f.channel = channel - 1
            return call.results(.record(["size": .int(Int64(size)), "row": .int(Int64(row)), "col": .int(Int64(col)), "channel": .int(Int64(channel)),
                                         "pixels": .numbers(f.pixels.map(Double.init))]))
        }
        // pl.memorisation.plant{data=, feature=, id=} → the data with the feature drawn into record `id`
        define("memorisation.plant") { call in
            let fn = "memorisation.plant"
            let o = try call.options(1, fn: fn, optional: false)
            let data = try o.dataset("data")!
            let feature = try Runtime.uniqueFeature(o.raw("feature"), fn: fn)
            guard let id = try o.int("id") else { throw LuaError("\(fn): option 'id' (the record to carry the feature) is required") }
            try o.finish()
            guard let row = data.positionsById()[id] else { throw LuaError("\(fn): no record with id \(id)") }
            do { call.pushDataset(try FeatureMemorisation.plant(feature, in: data, row: row)) } catch let e as PrivLabError {
                throw LuaError("\(fn): \(e.description.replacingOccurrences(of: "memorisation: ", with: ""))")
            }
            return 1
        }
        // pl.memorisation.influence{model=, data=, id=, trace=false} → {score, rank, records, median}
        define("memorisation.influence") { call in
            let fn = "memorisation.influence"
            let o = try call.options(1, fn: fn, optional: false)
            let model = try o.model("model", what: "a network; trained here on data when trace = true")!
            let data = try o.dataset("data", what: "the training records")!
            guard let id = try o.int("id") else { throw LuaError("\(fn): option 'id' (the record to rank) is required") }
            let trace = try o.bool("trace", false)
            try o.finish()
            if !trace && !model.model.isFitted { throw LuaError("\(fn): the model is not fitted: fit it first, or give trace = true to train it here with a checkpoint per epoch") }
            do {
                let s = try FeatureMemorisation.selfInfluence(model: model.model, data: data, id: id, trainAndTrace: trace)
                return call.results(.record(["score": .number(s.score), "rank": .int(Int64(s.rank)), "records": .int(Int64(s.records)),
                                             "median": .number(s.median)]))
            } catch let e as PrivLabError {
                throw LuaError("\(fn): \(e.description.replacingOccurrences(of: "memorisation: ", with: ""))")
            }
        }
        // pl.memorisation.score{model=, probes=, feature=, label=, seed=} → {m2, m3, p_value, statistic, probes}
        define("memorisation.score") { call in
            let fn = "memorisation.score"
            let o = try call.options(1, fn: fn, optional: false)
            let model = try o.model("model")!
            let probes = try o.dataset("probes", what: "out-of-distribution images")!
            let feature = try Runtime.uniqueFeature(o.raw("feature"), fn: fn)
            guard let label = try o.int("label", min: 0) else { throw LuaError("\(fn): option 'label' (the class of the record that carried the feature) is required") }
            let seed = try o.seed()
            try o.finish()
            do {
                let s = try FeatureMemorisation.score(model: model.model, probes: probes, feature: feature, label: label, seed: seed)
                return call.results(.record(["m2": .number(s.m2), "m3": .number(s.m3), "p_value": .number(s.m3PValue),
                                             "statistic": .number(s.m3Statistic), "probes": .int(Int64(s.probes))]))
            } catch let e as PrivLabError {
                throw LuaError("\(fn): \(e.description.replacingOccurrences(of: "memorisation: ", with: ""))")
            }
        }
    }
}
