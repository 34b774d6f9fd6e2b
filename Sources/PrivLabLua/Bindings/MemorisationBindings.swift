import PrivLab

extension Runtime {
    /// A feature table → the engine's feature (Lua rows and columns count from 1).
    static func uniqueFeature(_ v: LuaValue, fn: String) throws -> UniqueFeature {
        guard case .table(let t) = v else { throw LuaError("\(fn): option 'feature' must be a table from pl.memorisation.feature{…}") }
        let o = try LuaOptions(t, fn: "\(fn) feature", declaration: MemorisationDeclarations.featureTable)
        guard ["size", "row", "col"].allSatisfy(o.has) else { throw LuaError("\(fn): a feature needs size, row, col and pixels (use pl.memorisation.feature{…})") }
        let size = try o.integer("size"), row = try o.integer("row"), col = try o.integer("col"), channel = try o.integer("channel")
        let pixels = try LuaConvert.numbers(o.raw("pixels"), fn: fn, arg: "feature.pixels").map(Float.init)
        try o.finish()
        return try UniqueFeature(height: size, width: size, row: row - 1, column: col - 1, channel: channel - 1, pixels: pixels)
    }

    /// Runs `body`, turning the engine's error into one naming `fn`.
    static func memorisation<T>(_ fn: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as PrivLabError {
            throw LuaError("\(fn): \(e.detail)")
        }
    }

    /// `pl.memorisation.*`: unique-feature memorisation (Hartley & Tsaftaris 2022).
    func installMemorisation() {
        define(MemorisationDeclarations.feature) { call in
            let o = try call.options(1, MemorisationDeclarations.feature)
            let size = try o.integer("size"), row = try o.integer("row"), col = try o.integer("col"), channel = try o.integer("channel")
            let low = try o.number("low"), high = try o.number("high")
            let seed = try o.seed()
            try o.finish()
            var f = try UniqueFeature.random(size: size, row: row - 1, column: col - 1, low: Float(low), high: Float(high), seed: seed)
            f.channel = channel - 1
            return call.results(.record(["size": .int(Int64(size)), "row": .int(Int64(row)), "col": .int(Int64(col)), "channel": .int(Int64(channel)),
                                         "pixels": .numbers(f.pixels.map(Double.init))]))
        }
        define(MemorisationDeclarations.plant) { call in
            let fn = MemorisationDeclarations.plant.path
            let o = try call.options(1, MemorisationDeclarations.plant, optional: false)
            let data = try o.dataset("data")!
            let feature = try Runtime.uniqueFeature(o.raw("feature"), fn: fn)
            let id = try o.integer("id")
            try o.finish()
            guard let row = data.positionsById()[id] else { throw LuaError("\(fn): no record with id \(id)") }
            call.pushDataset(try Self.memorisation(fn) { try FeatureMemorisation.plant(feature, in: data, row: row) })
            return 1
        }
        define(MemorisationDeclarations.influence) { call in
            let fn = MemorisationDeclarations.influence.path
            let o = try call.options(1, MemorisationDeclarations.influence, optional: false)
            let model = try o.model("model")!
            let data = try o.dataset("data")!
            let id = try o.integer("id")
            let trace = try o.flag("trace")
            try o.finish()
            if !trace && !model.model.isFitted { throw LuaError("\(fn): the model is not fitted: fit it first, or give trace = true to train it here with a checkpoint per epoch") }
            let s = try Self.memorisation(fn) { try FeatureMemorisation.selfInfluence(model: model.model, data: data, id: id, trainAndTrace: trace) }
            return call.results(.record(["score": .number(s.score), "rank": .int(Int64(s.rank)), "records": .int(Int64(s.records)),
                                         "median": .number(s.median), "scores": .numbers(s.scores)]))
        }
        define(MemorisationDeclarations.score) { call in
            let fn = MemorisationDeclarations.score.path
            let o = try call.options(1, MemorisationDeclarations.score, optional: false)
            let model = try o.model("model")!
            let probes = try o.dataset("probes")!
            let feature = try Runtime.uniqueFeature(o.raw("feature"), fn: fn)
            let label = try o.optionalInteger("label")
            let seed = try o.seed()
            try o.finish()
            let s = try Self.memorisation(fn) { try FeatureMemorisation.score(model: model.model, probes: probes, feature: feature, label: label, seed: seed) }
            var r: [String: LuaValue] = ["m2": .number(s.m2), "m2_p_value": .number(s.m2PValue), "m2_statistic": .number(s.m2Statistic),
                                         "m2_mann_whitney_p": .number(s.m2MannWhitneyPValue), "probes": .int(Int64(s.probes))]
            if let m3 = s.m3, let p = s.m3PValue, let t = s.m3Statistic, let mw = s.m3MannWhitneyPValue {
                r["m3"] = .number(m3); r["p_value"] = .number(p); r["statistic"] = .number(t); r["mann_whitney_p"] = .number(mw)
            }
            return call.results(.record(r))
        }
    }
}
