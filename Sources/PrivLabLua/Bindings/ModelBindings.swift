import Foundation
import PrivLab

/// A classifier as a Lua object, with the Lua callback (if any) called after each epoch.
final class ModelObject {
    let model: Classifier
    let onEpoch: LuaRef?
    init(_ model: Classifier, onEpoch: LuaRef?) {
        self.model = model
        self.onEpoch = onEpoch
    }
}

extension EpochRecord {
    /// The Lua table for one epoch: epoch, train_loss, train_accuracy, val_loss, val_accuracy, lr.
    var lua: LuaValue {
        var d: [String: LuaValue] = ["epoch": .int(Int64(epoch)), "train_loss": .number(trainLoss),
                                     "train_accuracy": .number(trainAccuracy), "lr": .number(learningRate)]
        if let v = validationLoss { d["val_loss"] = .number(v) }
        if let v = validationAccuracy { d["val_accuracy"] = .number(v) }
        return .record(d)
    }
}

extension LuaCall {
    func thisModel(_ method: String) throws -> ModelObject { try this(ModelObject.self, "Model", method: method) }

    /// Features from argument `i`: a Dataset, or a list of rows (each a list of numbers).
    func features(_ i: Int32, fn: String) throws -> Matrix {
        if let d = try? dataset(i, fn: fn) { return d.features }
        guard case .table(let t) = value(i) else {
            throw LuaError("\(fn): argument \(i - 1) must be a Dataset or a list of feature rows, got \(luaTypeName(i))")
        }
        let rows = try t.array.enumerated().map { try LuaConvert.numbers($0.element, fn: fn, arg: "row \($0.offset + 1)").map(Float.init) }
        let m = try Matrix(rows)
        if m.hasNonFinite { throw LuaError("\(fn): the feature rows contain NaN or infinite values") }
        return m
    }
}

extension Runtime {
    func installModels() {
        define("softmax") { call in
            let o = try call.options(1, fn: "softmax")
            var opt = SoftmaxRegression.Options()
            opt.learningRate = try o.double("lr", opt.learningRate, above: 0)
            opt.epochs = try o.int("epochs", opt.epochs, min: 1, max: 100_000)
            opt.batchSize = try o.int("batch", opt.batchSize, min: 1)
            opt.l2 = try o.double("l2", 0, min: 0)
            opt.momentum = try o.double("momentum", 0, min: 0, max: 0.999)
            opt.seed = try o.seed()
            let cb = try o.function("on_epoch")
            try o.finish()
            call.pushObject(ModelObject(try SoftmaxRegression(options: opt), onEpoch: cb), "Model")
            return 1
        }

        // pl.metric(name_or_fn, y_true, y_pred) → number
        define("metric") { call in
            let rt = Runtime.from(call)
            let yt = try LuaConvert.integers(call.value(2), fn: "metric", arg: "argument 2 (y_true)")
            let yp = try LuaConvert.integers(call.value(3), fn: "metric", arg: "argument 3 (y_pred)")
            return call.results(.number(try rt.metric(call.value(1), yTrue: yt, yPred: yp, proba: nil, call: call)))
        }
        installModelClass()
    }

    /// Computes a metric given by name (built-in or plugin) or as a Lua function.
    func metric(_ which: LuaValue, yTrue: [Int], yPred: [Int], proba: Matrix?, call: LuaCall) throws -> Double {
        guard yTrue.count == yPred.count else { throw LuaError("metric: \(yTrue.count) labels but \(yPred.count) predictions") }
        var comp: Component? = nil
        switch which {
        case .string("accuracy"): return try Metrics.accuracy(yTrue, yPred)
        case .string("error_rate"): return try 1 - Metrics.accuracy(yTrue, yPred)
        case .string("log_loss"):
            guard let p = proba else { throw LuaError("metric: 'log_loss' needs probabilities (use model:score)") }
            return try Metrics.logLoss(yTrue, p)
        case .string(let name): comp = try components.lookup(kind: .metric, name: name, runtime: self, on: call.L)
        case .function(let ref): comp = Component(kind: .metric, name: "(function)", function: ref, source: "inline")
        default: throw LuaError("metric: expected a metric name or a function, got \(which.typeName)")
        }
        let r = try callComponent(comp!, [.ints(yTrue), .ints(yPred)], on: call.L)
        guard let v = r.first?.double else {
            throw LuaError("metric '\(comp!.name)' (\(comp!.source)) must return a number, returned \(r.first?.typeName ?? "nothing")")
        }
        return v
    }

    private func installModelClass() {
        var m = [String: HostFunction]()
        m["fit"] = { call in
            let rt = Runtime.from(call)
            let mo = try call.thisModel("fit")
            let train = try call.dataset(2, fn: "Model.fit", arg: "argument 1 (training set)")
            let o = try call.options(3, fn: "Model.fit")
            var val: Dataset? = nil
            if o.has("validation") {
                guard case .object(let b) = o.raw("validation"), let d = b.value as? DatasetObject else {
                    throw LuaError("Model.fit: option 'validation' must be a Dataset")
                }
                val = d.ds
            } else { _ = o.raw("validation") }
            try o.finish()
            var observer = TrainingObserver()
            observer.progress = rt.progressObserver(label: "fit")
            if let cb = mo.onEpoch {
                let L = call.L
                observer.onEpoch = { rec in
                    let r = try rt.lua.call(cb, [rec.lua], on: L)
                    if case .bool(false) = r.first ?? .nil { return false }
                    return true
                }
            }
            let hist = try mo.model.fit(train, validation: val, observer: observer)
            return call.results(.list(hist.map(\.lua)))
        }
        m["history"] = { call in call.results(.list(try call.thisModel("history").model.history.map(\.lua))) }
        m["predict"] = { call in
            let mo = try call.thisModel("predict")
            return call.results(.ints(try mo.model.predict(try call.features(2, fn: "Model.predict"))))
        }
        m["predict_proba"] = { call in
            let mo = try call.thisModel("predict_proba")
            let x = try call.features(2, fn: "Model.predict_proba")
            let o = try call.options(3, fn: "Model.predict_proba")
            let t = try o.double("temperature", 1, above: 0)
            try o.finish()
            let p = try mo.model.predictProba(x, temperature: t)
            return call.results(.list((0..<p.rows).map { .numbers(p.row($0).map(Double.init)) }))
        }
        m["logits"] = { call in
            let mo = try call.thisModel("logits")
            let z = try mo.model.logits(try call.features(2, fn: "Model.logits"))
            return call.results(.list((0..<z.rows).map { .numbers(z.row($0).map(Double.init)) }))
        }
        m["accuracy"] = { call in
            let mo = try call.thisModel("accuracy")
            return call.results(.number(try mo.model.accuracy(try call.dataset(2, fn: "Model.accuracy", arg: "argument 1"))))
        }
        m["loss"] = { call in
            let mo = try call.thisModel("loss")
            let l = try mo.model.perRecordLoss(try call.dataset(2, fn: "Model.loss", arg: "argument 1"))
            return call.results(.number(l.reduce(0, +) / Double(max(l.count, 1))))
        }
        m["losses"] = { call in
            let mo = try call.thisModel("losses")
            return call.results(.numbers(try mo.model.perRecordLoss(try call.dataset(2, fn: "Model.losses", arg: "argument 1"))))
        }
        m["parameters"] = { call in call.results(.int(Int64(try call.thisModel("parameters").model.parameterCount))) }
        m["clone"] = { call in
            let mo = try call.thisModel("clone")
            call.pushObject(ModelObject(try mo.model.cloneUntrained(), onEpoch: mo.onEpoch), "Model")
            return 1
        }
        // model:score(ds, metric) with a built-in metric name, a plugin metric or a function.
        m["score"] = { call in
            let rt = Runtime.from(call)
            let mo = try call.thisModel("score")
            let ds = try call.dataset(2, fn: "Model.score", arg: "argument 1")
            let which: LuaValue = call.argCount >= 3 ? call.value(3) : .string("accuracy")
            let pred = try mo.model.predict(ds.features)
            var proba: Matrix? = nil
            if case .string("log_loss") = which { proba = try mo.model.predictProba(ds.features, temperature: 1) }
            return call.results(.number(try rt.metric(which, yTrue: ds.labels, yPred: pred, proba: proba, call: call)))
        }
        lua.register(LuaClass(name: "Model", methods: m) {
            let mo = $0 as! ModelObject
            return "Model(\(mo.model.summary)\(mo.model.isFitted ? ", \(mo.model.parameterCount) parameters" : ", not fitted"))"
        })
    }
}
