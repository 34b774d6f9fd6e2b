import Foundation
import PrivLab

/// A SISA ensemble in Lua: a model (every Model method works) with unlearning on top.
final class SISAObject: ModelObject {
    let ensemble: SISAEnsemble
    /// The Lua thread of the method being run, for a Lua aggregator to be called on.
    var thread: OpaquePointer?
    init(_ e: SISAEnsemble) {
        ensemble = e
        super.init(e, onEpoch: nil)
    }
}

extension SISAWork {
    /// Shards are numbered from 1 in Lua.
    var luaFields: [String: LuaValue] {
        ["shards_touched": .ints(shardsTouched.map { $0 + 1 }), "slices_retrained": .int(Int64(stagesRetrained)),
         "samples_retrained": .number(samples), "records_retrained": .int(Int64(records)), "seconds": .number(seconds),
         "meta_seconds": .number(metaSeconds)]
    }
}

extension Runtime {
    /// Reads `pl.sisa{…}` options.
    static func sisaOptions(_ o: LuaOptions) throws -> SISAOptions {
        var s = SISAOptions()
        s.shards = try o.integer("shards")
        s.slices = try o.integer("slices")
        s.sharding = try o.choice("sharding")
        s.seed = try o.seed()
        s.weightBySize = try o.flag("weighted")
        s.stackHoldout = try o.number("stack_holdout")
        s.riskThreshold = try o.number("threshold")
        s.riskShards = try o.optionalInteger("risk_shards")
        s.workers = try o.optionalInteger("workers") ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        let weights = try o.value("weights")
        if !weights.isNil {
            guard case .table(let t) = weights else {
                throw LuaError("sisa: option 'weights' must be a table {[record id] = deletion weight, …}")
            }
            var w = [Int: Double]()
            for (i, v) in t.array.enumerated() { w[i + 1] = try LuaConvert.number(v, fn: "sisa", arg: "weights[\(i + 1)]") }
            for (k, v) in t.sparse { w[Int(k)] = try LuaConvert.number(v, fn: "sisa", arg: "weights[\(k)]") }
            if let k = t.fields.keys.sorted().first { throw LuaError("sisa: option 'weights' is keyed by record id, got key '\(k)'") }
            if let bad = w.first(where: { !$0.value.isFinite || $0.value < 0 }) {
                throw LuaError("sisa: weights[\(bad.key)] must be a non-negative number")
            }
            s.deletionWeights = w
        }
        if s.sharding == .aware && s.deletionWeights == nil {
            throw LuaError("sisa: sharding = \"aware\" needs weights = {[record id] = deletion probability, …}")
        }
        return s
    }

    func installSISA() {
        // pl.sisa{shards=, slices=, model=, aggregate=, sharding=, seed=, dir=, …}
        define(SISADeclarations.sisa) { call in
            let rt = Runtime.from(call)
            let o = try call.options(1, SISADeclarations.sisa, optional: false)
            let given = o.raw("model")
            guard case .object(let b) = given, let mo = b.value as? ModelObject, !(mo is SISAObject) else {
                throw LuaError("sisa: option 'model' must be a Model (pl.softmax, pl.mlp, pl.cnn or a pipeline), got \(given.typeName)")
            }
            var opts = try Runtime.sisaOptions(o)
            let agg = try o.value("aggregate")
            var custom: LuaRef? = nil
            var customName = ""
            switch agg {
            case .nil: opts.aggregation = .vote
            case .string(let name) where SISAAggregationRule(rawValue: name).isBuiltIn: opts.aggregation = SISAAggregationRule(rawValue: name)
            case .string(let name):
                let c = try rt.components.lookup(kind: .aggregator, name: name, runtime: rt, on: call.L)
                custom = c.function
                customName = "aggregator '\(name)' (plugin \(c.source))"
                opts.aggregation = .custom(name)
            case .function(let f):
                custom = f
                customName = "the aggregate function"
                opts.aggregation = .custom("custom")
            default:
                let names = SISAAggregationRule.builtIn.map { "\"\($0)\"" }.joined(separator: ", ")
                throw LuaError("sisa: option 'aggregate' must be \(names), an aggregator name or a function, got \(agg.typeName)")
            }
            // (A named aggregate other than "stack" is refused by the declaration; a function here.)
            if !opts.usesHoldout && o.has("stack_holdout") { throw LuaError("sisa: option 'stack_holdout' needs aggregate = \"stack\"") }
            let dir = try o.optionalText("dir")
            if dir != nil { try Runtime.checkFileAccess(call, "sisa") }
            try o.finish()
            let e: SISAEnsemble
            do { e = try SISAEnsemble(options: opts, model: try mo.model.cloneUntrained(), directory: dir) } catch let err as PrivLabError {
                throw LuaError(err.description)
            }
            let obj = SISAObject(e)
            if let f = custom {
                e.customAggregator = { [weak obj, weak rt] probs, weights in
                    guard let obj = obj, let rt = rt, let L = obj.thread else { throw PrivLabError.message("aggregator called outside Lua") }
                    let outs: [LuaValue] = probs.map { p in
                        guard let p = p else { return .bool(false) }
                        return .list((0..<p.rows).map { .numbers(p.row($0).map(Double.init)) })
                    }
                    let r: [LuaValue]
                    do { r = try rt.lua.call(f, [.list(outs), .numbers(weights)], on: L) } catch let err as LuaError {
                        throw PrivLabError.message("\(customName) failed: \(err.message)")
                    }
                    let n = probs.compactMap { $0?.rows }.first ?? 0
                    let k = probs.compactMap { $0?.cols }.first ?? 0
                    return try Runtime.aggregatorScores(r.first ?? .nil, rows: n, classes: k, what: customName)
                }
            }
            call.pushObject(obj, "SISA")
            return 1
        }
        installSISAClass()
    }

    /// An aggregator's answer: n rows of K scores, or n class labels (0-based) taken as one-hot.
    static func aggregatorScores(_ v: LuaValue, rows n: Int, classes k: Int, what: String) throws -> Matrix {
        guard case .table(let t) = v, t.array.count == n else {
            throw PrivLabError.shape("\(what) must return a list of \(n) score rows or labels, returned \(v.typeName)\(v.typeName == "table" ? " of another length" : "")")
        }
        var m = Matrix(rows: n, cols: k)
        for (i, row) in t.array.enumerated() {
            if let label = row.double {
                guard label == label.rounded(), label >= 0, label < Double(k) else {
                    throw PrivLabError.invalidArgument("\(what): label \(label) of row \(i + 1) is not a class in 0…\(k - 1)")
                }
                m[i, Int(label)] = 1
            } else {
                let xs = try LuaConvert.numbers(row, fn: what, arg: "row \(i + 1)")
                guard xs.count == k else { throw PrivLabError.shape("\(what): row \(i + 1) has \(xs.count) scores, expected \(k)") }
                for (j, x) in xs.enumerated() { m[i, j] = Float(x) }
            }
        }
        return m
    }

    private func installSISAClass() {
        var m = modelMethods()
        func ensemble(_ call: LuaCall, _ method: String) throws -> SISAObject {
            let obj = try call.this(SISAObject.self, "SISA", method: method)
            obj.thread = call.L
            return obj
        }
        // Every model method records the calling thread first (for a Lua aggregator).
        for (name, f) in m {
            m[name] = { call in
                _ = try ensemble(call, name)
                return try f(call)
            }
        }
        // ens:unlearn(ids | id, {compare = true}) → what was retrained, and what retraining from scratch costs.
        m["unlearn"] = { call in try Runtime.unlearn(call, try ensemble(call, "unlearn")) }
        m["fingerprint"] = { call in call.results(.string(try ensemble(call, "fingerprint").ensemble.fingerprint())) }
        // ens:info() → shards, slices, sizes, class counts, hold-out, removed, stage epochs.
        m["info"] = { call in
            let e = try ensemble(call, "info").ensemble
            var d: [String: LuaValue] = ["shards": .int(Int64(e.options.shards)), "slices": .int(Int64(e.options.slices)),
                                         "aggregate": .string(e.options.aggregation.rawValue), "sharding": .string(e.options.sharding.rawValue),
                                         "stage_epochs": .number(e.stageEpochs), "fitted": .bool(e.isFitted)]
            if e.data != nil {
                d["sizes"] = .ints(e.shardSizes)
                d["class_counts"] = .list(e.shardClassCounts.map { .ints($0) })
                d["slice_sizes"] = .list(e.sliceIds.map { .ints($0.map(\.count)) })
                d["holdout"] = .int(Int64(e.holdoutIds.count))
                d["removed"] = .int(Int64(e.removedIds.count))
                d["live"] = .int(Int64(e.liveCount))
                d["full_samples"] = .number(e.fullEnsembleSamples())
                if let w = e.lastFitWork { d["fit"] = .record(w.luaFields) }
            }
            if let dir = e.directory { d["dir"] = .string(dir) }
            return call.results(.record(d))
        }
        m["removed"] = { call in call.results(.ints(try ensemble(call, "removed").ensemble.removedIds.sorted())) }
        // ens:shard_of(id) → shard, slice (1-based), or "holdout"; nil for a removed or unknown id.
        m["shard_of"] = { call in
            let e = try ensemble(call, "shard_of").ensemble
            let id = try call.integer(2, fn: "SISA.shard_of", arg: "argument 1 (record id)")
            for (s, slices) in e.sliceIds.enumerated() {
                for (r, ids) in slices.enumerated() where ids.binarySearchContains(id) { return call.results(.int(Int64(s + 1)), .int(Int64(r + 1))) }
            }
            if e.holdoutIds.binarySearchContains(id) { return call.results(.string("holdout")) }
            return call.results(.nil)
        }
        // ens:expected_cost{requests = k, batched = false} → {samples, full, speedup} (Bourtoule et al. §V).
        m["expected_cost"] = { call in
            let e = try ensemble(call, "expected_cost").ensemble
            let o = try call.options(2, SISADeclarations.expectedCost)
            let k = try o.integer("requests")
            let batched = try o.flag("batched")
            let n = try o.optionalInteger("records") ?? e.liveCount
            try o.finish()
            let c = SISACostModel(records: n, shards: e.options.shards, slices: e.options.slices, epochs: e.templateModelEpochs)
            let samples = batched ? c.batched(k) : c.sequential(k)
            return call.results(.record(["samples": .number(samples), "full": .number(c.fullRetrain),
                                         "speedup": .number(c.fullRetrain * (batched ? 1 : Double(k)) / samples)]))
        }
        declare(SISADeclarations.unlearn)
        declare(SISADeclarations.expectedCost)
        for method in ["fit", "predict_proba"] { if let d = declarations["Model.\(method)"] { declare(d.renamed("SISA.\(method)")) } }
        for d in SISADeclarations.methods { declare(d) }
        lua.register(LuaClass(name: "SISA", methods: m) {
            let e = ($0 as! SISAObject).ensemble
            return "SISA(\(e.summary)\(e.isFitted ? ", \(e.liveCount) records" : ", not fitted"))"
        })
    }
}

extension Runtime {
    /// `ens:unlearn(ids | id, {compare = true})`: forgets the records, and reports what was
    /// retrained and what retraining from scratch costs (measured with `compare`).
    static func unlearn(_ call: LuaCall, _ obj: SISAObject) throws -> Int32 {
        let rt = Runtime.from(call)
        let ids: [Int]
        if let one = call.value(2).double, let id = Int(exactly: one) { ids = [id] }
        else { ids = try LuaConvert.integers(call.value(2), fn: "SISA.unlearn", arg: "argument 1 (record ids)") }
        let o = try call.options(3, SISADeclarations.unlearn)
        let compare = try o.flag("compare")
        try o.finish()
        let e = obj.ensemble
        e.progress = rt.progressObserver(label: "unlearn")
        defer { e.progress = nil }
        let r = try e.unlearn(ids)
        var d = r.work.luaFields
        d["removed"] = .int(Int64(r.removed))
        d["expected_samples"] = .number(r.expectedSamples)
        var full: [String: LuaValue] = ["samples": .number(r.fullEnsembleSamples), "seconds": .number(r.fullEnsembleSeconds), "estimated": true]
        var mono: [String: LuaValue] = ["samples": .number(r.monolithicSamples), "seconds": .number(r.monolithicSeconds), "estimated": true]
        if compare {
            // Both baselines measured on the remaining data; the fresh ensemble also checks exactness.
            var observer = TrainingObserver()
            observer.progress = rt.progressObserver(label: "monolithic retrain")
            let c = try e.compareWithRetraining(monolithicObserver: observer)
            full["seconds"] = .number(c.fullEnsembleSeconds)
            full["estimated"] = false
            d["exact"] = .bool(c.exact)
            mono["seconds"] = .number(c.monolithicSeconds)
            mono["estimated"] = false
        }
        d["full_ensemble"] = .record(full)
        d["monolithic"] = .record(mono)
        d["speedup"] = .number((mono["seconds"]?.double ?? 0) / max(r.work.seconds, 1e-9))
        return call.results(.record(d))
    }
}

extension Array where Element == Int {
    /// Membership in a sorted array.
    func binarySearchContains(_ x: Int) -> Bool {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && self[lo] == x
    }
}
