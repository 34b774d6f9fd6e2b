import Foundation
import PrivLab

/// A transformer (scaler, PCA, feature selection, union) as a Lua object; `fit` replaces the value
/// with the fitted one.
final class TransformerObject {
    var transformer: any Transformer
    init(_ t: any Transformer) { transformer = t }
}

extension Runtime {
    func installTransformers() {
        define(TransformerDeclarations.scaler) { call in
            let o = try call.options(1, TransformerDeclarations.scaler)
            let kind: Scaler.Kind = try o.choice("kind")
            try o.finish()
            call.pushObject(TransformerObject(Scaler(kind: kind)), "Scaler")
            return 1
        }
        define(TransformerDeclarations.pca) { call in
            let o = try call.options(1, TransformerDeclarations.pca, optional: false)
            let k = try o.integer("components")
            let whiten = try o.flag("whiten")
            var dp: PCA.Privacy? = nil
            if let d = try o.nested("dp") {
                try d.finish()   // a misspelt key first, then what is missing
                dp = PCA.Privacy(epsilon: try d.number("epsilon"), delta: try d.number("delta"), clip: try d.number("clip"), seed: 0)
            }
            let seed = try o.seed()
            try o.finish()
            if dp != nil { dp!.seed = seed }
            call.pushObject(TransformerObject(try PCA(components: k, whiten: whiten, dp: dp)), "Transformer")
            return 1
        }
        define(TransformerDeclarations.selectKBest) { call in
            let o = try call.options(1, TransformerDeclarations.selectKBest, optional: false)
            let k = try o.integer("k")
            let score: SelectKBest.Score = try o.choice("score")
            let seed = try o.seed()
            try o.finish()
            call.pushObject(TransformerObject(try SelectKBest(k: k, score: score, seed: seed)), "Transformer")
            return 1
        }
        define(TransformerDeclarations.binning) { call in
            let o = try call.options(1, TransformerDeclarations.binning, optional: false)
            let bins = try o.integer("bins")
            let strategy: Binning.Strategy = try o.choice("strategy")
            let method: Binning.QuantileMethod = try o.choice("quantile_method")
            let features = try o.optionalIntegers("features")?.map { $0 - 1 }
            try o.finish()
            call.pushObject(TransformerObject(try Binning(bins: bins, strategy: strategy, quantileMethod: method, features: features)), "Transformer")
            return 1
        }
        define(TransformerDeclarations.round) { call in
            let o = try call.options(1, TransformerDeclarations.round, optional: false)
            let step = try o.number("step")
            let features = try o.optionalIntegers("features")?.map { $0 - 1 }
            try o.finish()
            call.pushObject(TransformerObject(try Rounding(step: step, features: features)), "Transformer")
            return 1
        }
        define(TransformerDeclarations.dropIdentifying) { call in
            let o = try call.options(1, TransformerDeclarations.dropIdentifying, optional: false)
            let drop = try o.integer("drop")
            let score: DropIdentifying.Score = try o.choice("score")
            try o.finish()
            call.pushObject(TransformerObject(try DropIdentifying(drop: drop, score: score)), "Transformer")
            return 1
        }
        // pl.feature_union{ t1, t2, … }
        define("feature_union") { call in
            guard case .table(let t) = call.value(1), !t.array.isEmpty, t.fields.isEmpty else {
                throw LuaError("feature_union: expected a list of transformers, e.g. pl.feature_union{ pl.pca{components = 3}, pl.select_k_best{k = 6} }")
            }
            let parts = try t.array.enumerated().map { i, v -> any Transformer in
                guard case .object(let b) = v, let s = b.value as? TransformerObject else {
                    throw LuaError("feature_union: part \(i + 1) must be a transformer, got \(v.typeName)")
                }
                return s.transformer.unfitted
            }
            call.pushObject(TransformerObject(FeatureUnion(parts: parts)), "Transformer")
            return 1
        }
        installTransformerClass()
    }

    /// The Scaler and Transformer classes: fit, transform, fit_transform, info.
    private func installTransformerClass() {
        func this(_ call: LuaCall, _ method: String) throws -> TransformerObject {
            guard let box = LuaObjects.box(call.L, 1), let v = box.value as? TransformerObject else {
                throw LuaError("Transformer.\(method): call it as a method (obj:\(method)(...)), not obj.\(method)(...)")
            }
            return v
        }
        var m = [String: HostFunction]()
        m["fit"] = { call in
            let t = try this(call, "fit")
            t.transformer = try t.transformer.unfitted.fitted(to: try call.dataset(2, fn: "Transformer.fit", arg: "argument 1"))
            call.pushReceiver()
            return 1
        }
        m["transform"] = { call in
            let t = try this(call, "transform")
            guard t.transformer.isFitted else { throw LuaError("Transformer.transform: \(t.transformer.name) is not fitted: call fit first") }
            call.pushDataset(try t.transformer.transform(try call.dataset(2, fn: "Transformer.transform", arg: "argument 1")))
            return 1
        }
        m["fit_transform"] = { call in
            let t = try this(call, "fit_transform")
            let (f, out) = try t.transformer.unfitted.fitTransform(try call.dataset(2, fn: "Transformer.fit_transform", arg: "argument 1"))
            t.transformer = f
            call.pushDataset(out)
            return 1
        }
        // What the fitted transformer learnt: PCA's components and explained variance, the
        // selected features (1-based) and their scores.
        m["info"] = { call in
            call.push(try this(call, "info").transformer.lua)
            return 1
        }
        let describe: (AnyObject) -> String = { obj in
            let t = (obj as! TransformerObject).transformer
            if case .scaler(let s)? = try? t.stored() {
                return "Scaler(\(s.kind.rawValue), \(s.isFitted ? "fitted on \(s.offset.count) features" : "not fitted"))"
            }
            return "\(t.name)\(t.isFitted ? "" : " (not fitted)")"
        }
        for d in TransformerDeclarations.scalerMethods + TransformerDeclarations.transformerMethods { declare(d) }
        lua.register(LuaClass(name: "Scaler", methods: m, describe: describe))
        lua.register(LuaClass(name: "Transformer", methods: m, describe: describe))
    }
}

extension Transformer {
    /// The fitted state as a Lua table (the kind-specific fields come from the stored form).
    var lua: LuaValue {
        var d: [String: LuaValue] = ["name": .string(name), "fitted": .bool(isFitted)]
        switch try? stored() {
        case .pca(let p)?:
            if let dir = p.directions {
                d["components"] = .list((0..<dir.rows).map { .numbers(dir.row($0)) })
                d["explained_variance"] = .numbers(p.explainedVariance)
                if !p.explainedVarianceRatio.isEmpty { d["explained_variance_ratio"] = .numbers(p.explainedVarianceRatio) }
                d["mean"] = .numbers(p.mean)
            }
        case .selectKBest(let s)?:
            if let sel = s.selected {
                d["selected"] = .ints(sel.map { $0 + 1 })
                d["scores"] = .numbers(s.scores)
            }
        case .scaler(let s)?:
            d["offset"] = .numbers(s.offset.map(Double.init))
            d["scale"] = .numbers(s.scale.map(Double.init))
        case .binning(let b)?:
            if let e = b.edges {
                // Per feature: its edges, or false for a feature passed through (Lua lists keep no nils).
                d["edges"] = .list(e.map { $0.map { LuaValue.numbers($0) } ?? .bool(false) })
                d["n_bins"] = .ints(e.map { ($0?.count ?? 1) - 1 })
            }
        case .dropIdentifying(let t)?:
            if let k = t.kept {
                d["kept"] = .ints(k.map { $0 + 1 })
                d["dropped"] = .ints(t.dropped.map { $0 + 1 })
                d["scores"] = .numbers(t.scores)
            }
        case .rounding(let r)?:
            d["step"] = .number(r.step)
        case .union?, nil: break
        }
        return .record(d)
    }
}

/// A transformer written in Lua: `fit(train)` returns the function that transforms a Dataset (a
/// closure over whatever it learnt), so a stateless step is `function(train) return f end`. It
/// runs only on the interpreter's thread (`runsOnCallingThread`): cross-validation, SISA and the
/// attacks then fit copies in turn. At prediction time the records' labels are unknown and reach
/// the function as 0. A Lua transformer cannot be saved in a model file.
final class LuaTransformer: Transformer, @unchecked Sendable {
    let label: String
    let fitFunction: LuaRef
    let transformFunction: LuaRef?
    weak var runtime: Runtime?
    let thread: OpaquePointer
    /// The feature count the fitted function was fitted on (its input must match).
    let inputWidth: Int

    init(label: String, fit: LuaRef, transform: LuaRef? = nil, runtime: Runtime, thread: OpaquePointer, inputWidth: Int = 0) {
        self.label = label
        fitFunction = fit
        transformFunction = transform
        self.runtime = runtime
        self.thread = thread
        self.inputWidth = inputWidth
    }

    var name: String { "Lua transformer '\(label)'" }
    var isFitted: Bool { transformFunction != nil }
    var runsOnCallingThread: Bool { true }
    var unfitted: any Transformer { LuaTransformer(label: label, fit: fitFunction, runtime: runtime!, thread: thread) }
    func stored() throws -> StoredTransformer {
        throw PrivLabError.invalidArgument("\(name) cannot be saved in a model file (it is Lua code); save a pipeline of built-in steps")
    }

    private func call(_ f: LuaRef, _ ds: Dataset, _ what: String) throws -> LuaValue {
        guard let rt = runtime else { throw PrivLabError.message("\(name): its Lua state is gone") }
        do {
            return try rt.lua.call(f, [.object(LuaObjectBox(DatasetObject(ds), typeName: "Dataset"))], on: thread).first ?? .nil
        } catch let e as LuaError {
            throw PrivLabError.invalidArgument("\(name) failed in \(what): \(e.message)")
        }
    }

    func fitted(to data: Dataset) throws -> any Transformer {
        guard case .function(let t) = try call(fitFunction, data, "fit") else {
            throw PrivLabError.invalidArgument("\(name): fit must return the function that transforms a Dataset")
        }
        return LuaTransformer(label: label, fit: fitFunction, transform: t, runtime: runtime!, thread: thread, inputWidth: data.featureCount)
    }

    func transform(_ data: Dataset) throws -> Dataset {
        guard let t = transformFunction else { throw PrivLabError.invalidArgument("\(name): transform before fit") }
        guard data.featureCount == inputWidth else { throw PrivLabError.shape("\(name) was fitted on \(inputWidth) features, got \(data.featureCount)") }
        guard case .object(let b) = try call(t, data, "transform"), let out = b.value as? DatasetObject else {
            throw PrivLabError.invalidArgument("\(name): the transform function must return a Dataset")
        }
        guard out.ds.size == data.size else {
            throw PrivLabError.shape("\(name): the transform function returned \(out.ds.size) records for \(data.size)")
        }
        var d = data
        d.features = out.ds.features
        if d.features.cols != data.featureCount { d.imageShape = nil; d.featureNames = nil }
        try d.checkFinite()
        return d
    }

    func transform(_ x: Matrix) throws -> Matrix {
        // Prediction: no labels are known; the function sees 0 for each.
        let ds = try Dataset(features: x, labels: [Int](repeating: 0, count: x.rows), classes: 1, name: "query")
        return try transform(ds).features
    }
}

extension Runtime {
    func installLuaTransformers() {
        // pl.transformer{fit = function(train) … return function(ds) … end end, name = }  or  pl.transformer("plugin name")
        define(TransformerDeclarations.transformer) { call in
            let rt = Runtime.from(call)
            if case .string(let name) = call.value(1) {
                let c = try rt.components.lookup(kind: .transformer, name: name, runtime: rt, on: call.L)
                call.pushObject(TransformerObject(LuaTransformer(label: name, fit: c.function, runtime: rt, thread: rt.lua.L)), "Transformer")
                return 1
            }
            let o = try call.options(1, TransformerDeclarations.transformer, optional: false)
            guard let fit = try o.optionalFunction("fit") else {
                throw LuaError("transformer: option 'fit' is required: function(train) returning function(ds) → ds")
            }
            guard let label = try o.optionalText("name") else { throw LuaError("transformer: internal error: 'name' has no default") }
            try o.finish()
            call.pushObject(TransformerObject(LuaTransformer(label: label, fit: fit, runtime: rt, thread: rt.lua.L)), "Transformer")
            return 1
        }
    }
}
