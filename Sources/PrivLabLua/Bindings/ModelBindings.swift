import Foundation
import PrivLab

/// A classifier as a Lua object, with the Lua callback (if any) called after each epoch.
class ModelObject {
    /// Replaced when fine-tuning switches training options (`fit(ds, {continue = true, dp = …})`).
    var model: Classifier
    let onEpoch: LuaRef?
    init(_ model: Classifier, onEpoch: LuaRef?) {
        self.model = model
        self.onEpoch = onEpoch
    }
}

/// A Split-AI ensemble (`pl.defense.split_ai`, or loaded): a Model that `pl.defense.selena{split_ai = …}`
/// can distil from once it is fitted.
final class SplitAIObject: ModelObject {
    let split: SplitAI
    init(_ s: SplitAI) {
        split = s
        super.init(s, onEpoch: nil)
    }
}

extension EpochRecord {
    /// The Lua table for one epoch: epoch, train_loss, train_accuracy, val_loss, val_accuracy, lr.
    var lua: LuaValue {
        var d: [String: LuaValue] = ["epoch": .int(Int64(epoch)), "train_loss": .number(trainLoss),
                                     "train_accuracy": .number(trainAccuracy), "lr": .number(learningRate)]
        if let v = validationLoss { d["val_loss"] = .number(v) }
        if let v = validationAccuracy { d["val_accuracy"] = .number(v) }
        if let e = epsilon { d["epsilon"] = .number(e) }
        for (name, acc) in tracked ?? [:] { d[name + "_accuracy"] = .number(acc) }
        for (name, value) in defense ?? [:] { d[name] = .number(value) }
        return .record(d)
    }
}

extension LuaCall {
    /// The receiver of a model method: a Model or a SISA ensemble (which is a model too).
    func thisModel(_ method: String) throws -> ModelObject {
        guard let box = LuaObjects.box(L, 1), let v = box.value as? ModelObject else {
            throw LuaError("Model.\(method): call it as a method (obj:\(method)(...)), not obj.\(method)(...)")
        }
        return v
    }

    /// A model argument (a Model or a SISA ensemble).
    func model(_ i: Int32, fn: String, arg: String) throws -> ModelObject {
        guard let box = LuaObjects.box(L, i), let v = box.value as? ModelObject else {
            throw LuaError("\(fn): \(arg) must be a Model, got \(luaTypeName(i))")
        }
        return v
    }

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
    /// Reads the training options every network shares, through the network's declaration (which
    /// holds its own defaults: `ModelDeclarations.training`).
    static func trainingOptions(_ o: LuaOptions) throws -> (TrainingOptions, LuaRef?) {
        var t = TrainingOptions()
        t.optimizer = try o.choice("optimizer")
        t.learningRate = try o.number("lr")
        t.momentum = try o.number("momentum")
        t.nesterov = try o.flag("nesterov")
        t.beta1 = try o.number("beta1")
        t.beta2 = try o.number("beta2")
        t.epsilon = try o.number("adam_eps")
        t.epochs = try o.integer("epochs")
        t.batchSize = try o.integer("batch")
        t.l1 = try o.number("l1")
        t.l2 = try o.number("l2")
        try readElasticNet(o, into: &t)
        try readSchedule(o, into: &t)
        t.temperature = try o.number("temperature")
        t.inferenceTemperature = try o.number("inference_temperature")
        t.labelSmoothing = try o.number("label_smoothing")
        t.patience = try o.optionalInteger("patience")
        t.minDelta = try o.number("min_delta")
        t.restoreBest = try o.flag("restore_best")
        t.monitor = try o.optionalChoice("monitor", StoppingMetric.self)
        t.validationSplit = try o.optionalNumber("validation_split")
        t.seed = try o.seed()
        if let d = try o.nested("dp") { t.dp = try dpOptions(d) }
        let cb = try o.optionalFunction("on_epoch")
        do { try t.validate() } catch let e as PrivLabError { throw LuaError("\(o.fn): \(e.description)") }
        return (t, cb)
    }

    /// elastic_net with l1_ratio, scikit-learn's parametrisation: alpha·(ρ‖w‖₁ + (1 − ρ)/2‖w‖²).
    private static func readElasticNet(_ o: LuaOptions, into t: inout TrainingOptions) throws {
        let ratio = try o.number("l1_ratio")
        if let en = try o.optionalNumber("elastic_net") {
            if t.l1 > 0 || t.l2 > 0 { throw LuaError("\(o.fn): give either elastic_net (with l1_ratio) or l1/l2, not both") }
            t.l1 = en * ratio
            t.l2 = en * (1 - ratio)
        }
    }

    /// schedule with its step_size and gamma (step) or lr_min (cosine); the declaration refuses
    /// the others' options.
    private static func readSchedule(_ o: LuaOptions, into t: inout TrainingOptions) throws {
        let schedule: ScheduleChoice = try o.choice("schedule")
        let stepSize = try o.integer("step_size"), gamma = try o.number("gamma"), lrMin = try o.number("lr_min")
        switch schedule {
        case .step: t.schedule = .step(every: stepSize, gamma: gamma)
        case .cosine: t.schedule = .cosine(minimum: lrMin)
        case .constant: t.schedule = .constant
        }
    }

    /// DP-SGD's `dp = {clip=, noise= | epsilon=, delta=, sampling=, accountant=, …the accountant's
    /// settings…, per_layer=, physical_batch=}`, read through its declared fields
    /// (`ModelDeclarations.dpSGD`: kinds, defaults, bounds and the choices as the engine's enums).
    static func dpOptions(_ d: LuaOptions) throws -> DPOptions {
        var dp = DPOptions()
        dp.clip = try d.number("clip")
        dp.noise = try d.optionalNumber("noise")
        dp.targetEpsilon = try d.optionalNumber("epsilon")
        dp.delta = try d.number("delta")
        dp.sampling = try d.choice("sampling")
        dp.accountant = try d.choice("accountant")
        dp.accountantSettings = try Runtime.accountantSettings(d, for: dp.accountant).nonEmpty
        dp.perLayer = try d.flag("per_layer") ? true : nil
        dp.physicalBatch = try d.optionalInteger("physical_batch")
        try d.finish()
        if (dp.noise == nil) == (dp.targetEpsilon == nil) {
            throw LuaError("\(d.fn): option 'dp' needs exactly one of 'noise' (σ) and 'epsilon' (a target ε to calibrate σ to)")
        }
        do { try dp.validate() } catch let e as PrivLabError { throw LuaError("\(d.fn): \(e.description)") }
        return dp
    }

    func installModels() {
        installNetworks()
        // pl.pipeline{ pl.scaler{…}, pl.pca{…}, …, <model> }: transformers then a model, usable as a model.
        define("pipeline") { call in
            guard case .table(let t) = call.value(1), !t.array.isEmpty else {
                throw LuaError("pipeline: expected a list of steps, e.g. pl.pipeline{ pl.scaler{kind = \"zscore\"}, pl.mlp{…} }")
            }
            if let k = t.fields.keys.sorted().first { throw LuaError("pipeline: unknown option '\(k)' (a pipeline is a list of steps)") }
            var steps = [any Transformer]()
            for (i, step) in t.array.dropLast().enumerated() {
                guard case .object(let b) = step, let s = b.value as? TransformerObject else {
                    let what = step.typeName == "Model" ? " — a model can only be the last step" : ""
                    throw LuaError("pipeline: step \(i + 1) must be a transformer (pl.scaler, pl.pca, pl.select_k_best, pl.feature_union)\(what), got \(step.typeName)")
                }
                steps.append(s.transformer)
            }
            guard case .object(let b) = t.array.last!, let mo = b.value as? ModelObject else {
                throw LuaError("pipeline: the last step must be a Model, got \(t.array.last!.typeName)")
            }
            let p = Pipeline(steps: steps, model: try mo.model.cloneUntrained())
            call.pushObject(ModelObject(p, onEpoch: mo.onEpoch), "Model")
            return 1
        }

        // pl.load(path) → the saved Model, GMM or KMeans.
        define("load") { call in
            try Runtime.checkFileAccess(call, "load")
            let path = try call.string(1, fn: "load", arg: "argument 1 (path)")
            switch try ModelFile.loadObject(path: path) {
            case .sisa(let e): call.pushObject(SISAObject(e), "SISA")   // unlearning goes on
            case .splitAI(let s): call.pushObject(SplitAIObject(s), "Model")   // SELENA can distil from it
            case .model(.classifier(let c)): call.pushObject(ModelObject(c, onEpoch: nil), "Model")
            case .model(.predictor(let p)):
                throw LuaError("load: \(path) holds \(p.summary) behind a query budget, an attacker's view that only predicts: load the model it wraps")
            case .model(.gmm(let g)): call.pushObject(GMMObject(g), "GMM")
            case .model(.kmeans(let k)): call.pushObject(KMeansObject(k), "KMeans")
            }
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
        let m = modelMethods()
        declare(ModelDeclarations.fit)
        declare(ModelDeclarations.predictProba)
        for d in ModelDeclarations.methods { declare(d) }
        lua.register(LuaClass(name: "Model", methods: m) {
            let mo = $0 as! ModelObject
            return "Model(\(mo.model.summary)\(mo.model.isFitted ? ", \(mo.model.parameterCount) parameters" : ", not fitted"))"
        })
    }

    /// The methods every model has (SISA ensembles add their own).
    func modelMethods() -> [String: HostFunction] {
        var m = [String: HostFunction]()
        m["fit"] = Runtime.fitModel
        m["history"] = { call in call.results(.list(try call.thisModel("history").model.history.map(\.lua))) }
        m["predict"] = { call in
            let mo = try call.thisModel("predict")
            return call.results(.ints(try mo.model.predict(try call.features(2, fn: "Model.predict"))))
        }
        m["predict_proba"] = { call in
            let mo = try call.thisModel("predict_proba")
            let x = try call.features(2, fn: "Model.predict_proba")
            let o = try call.options(3, ModelDeclarations.predictProba)
            let t = try o.optionalNumber("temperature") ?? mo.model.releaseTemperature
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
        m["save"] = { call in
            try Runtime.checkFileAccess(call, "Model.save")
            let mo = try call.thisModel("save")
            let path = try call.string(2, fn: "Model.save", arg: "argument 1 (path)")
            try ModelFile.save(.classifier(mo.model), to: path)
            return 0
        }
        // model:privacy() → {epsilon=, delta=, noise=, clip=, sample_rate=, steps=, sampling=, accountant=, note=, events=} or nil
        m["privacy"] = { call in call.results(try call.thisModel("privacy").model.privacy?.lua ?? .nil) }
        // model:defense_report() → what a defense did and spent ({defense = "pate", epsilon = …}), nil for other models
        m["defense_report"] = { call in call.results((try call.thisModel("defense_report").model as? DefendedClassifier)?.defenseReport?.lua ?? .nil) }
        m["summary"] = { call in call.results(.string(try call.thisModel("summary").model.summary)) }
        m["parameters"] = { call in call.results(.int(Int64(try call.thisModel("parameters").model.parameterCount))) }
        m["trained_parameters"] = { call in call.results(.int(Int64(try call.thisModel("trained_parameters").model.trainedParameterCount))) }
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
            if case .string("log_loss") = which { proba = try mo.model.releasedProbabilities(ds.features) }
            return call.results(.number(try rt.metric(which, yTrue: ds.labels, yPred: pred, proba: proba, call: call)))
        }
        return m
    }
}

extension Runtime {
    /// `model:fit(ds, {validation =, continue =, dp =, private_step =})`: plain training (through
    /// the fit cache), fine-tuning from the current parameters (`FineTunable`), or training with a
    /// private step of the user's.
    static func fitModel(_ call: LuaCall) throws -> Int32 {
        let rt = Runtime.from(call)
        let mo = try call.thisModel("fit")
        let train = try call.dataset(2, fn: "Model.fit", arg: "argument 1 (training set)")
        let o = try call.options(3, ModelDeclarations.fit)
        var val: Dataset? = nil
        let given = try o.value("validation")
        if !given.isNil {
            guard case .object(let b) = given, let d = b.value as? DatasetObject else {
                throw LuaError("Model.fit: option 'validation' must be a Dataset")
            }
            val = d.ds
        }
        let tracked = try Runtime.trackedSets(o)
        // continue = true: fine-tune from the current parameters (e.g. after pre-training on
        // public data) for the model's epochs; DP accounting composes with earlier private runs.
        let cont = try o.flag("continue")
        let dpOverride = try o.nested("dp").map(Runtime.dpOptions)
        let privateStep = try o.optionalFunction("private_step")
        try o.finish()
        if let f = privateStep {
            if cont { throw LuaError("Model.fit: options 'continue' and 'private_step' do not combine") }
            return try Runtime.fitWithPrivateStep(call, model: mo.model, train: train, validation: val, step: f)
        }
        if cont {
            if val != nil { throw LuaError("Model.fit: options 'continue' and 'validation' do not combine") }
            guard mo.model.isFitted else { throw LuaError("Model.fit: continue = true needs a fitted model: call fit first") }
            var observer = TrainingObserver()
            observer.progress = rt.progressObserver(label: "fit")
            guard let tunable = mo.model as? FineTunable else {
                throw LuaError("Model.fit: fine-tuning (continue = true) needs a fitted softmax/MLP/CNN (or a pipeline of one)")
            }
            let (tuned, hist) = try tunable.fineTune(train, dp: dpOverride, observer: observer)
            mo.model = tuned
            return call.results(.list(hist.map(\.lua)))
        }
        var observer = TrainingObserver()
        observer.progress = rt.progressObserver(label: "fit")
        observer.tracked = tracked
        if let cb = mo.onEpoch {
            let L = call.L
            observer.onEpoch = { rec in
                let r = try rt.lua.call(cb, [rec.lua], on: L)
                if case .bool(false) = r.first ?? .nil { return false }
                return true
            }
        }
        let hist = try rt.fitThroughCache(mo, train: train, validation: val, observer: observer)
        return call.results(.list(hist.map(\.lua)))
    }
}

extension Runtime {
    /// `fit(ds, {private_step = f})`: training whose clipping and noise are the user's Lua function
    /// (`LuaPrivateStep`), accounted only while it matches the built-in (`CustomDPStep`).
    static func fitWithPrivateStep(_ call: LuaCall, model: Classifier, train: Dataset, validation: Dataset?, step f: LuaRef) throws -> Int32 {
        let rt = Runtime.from(call)
        var hooks = TrainingHooks()
        hooks.privateStep = LuaPrivateStep(function: f, runtime: rt, thread: call.L)
        var observer = TrainingObserver()
        observer.progress = rt.progressObserver(label: "fit")
        let hist = try model.requireHooks().fit(train, validation: validation, hooks: hooks, observer: observer)
        return call.results(.list(hist.map(\.lua)))
    }
}

extension Runtime {
    /// Model.fit's `track = {name = Dataset, …}`: data sets whose accuracy each history row carries
    /// as `<name>_accuracy` (sorted by name, so the run is the same whatever the table order).
    static func trackedSets(_ o: LuaOptions) throws -> [(name: String, data: Dataset)] {
        let v = try o.value("track")
        if v.isNil { return [] }
        guard case .table(let t) = v, t.array.isEmpty, t.otherKeys.isEmpty else {
            throw LuaError("Model.fit: option 'track' must be a table of name = Dataset, e.g. track = {test = test}")
        }
        return try t.fields.keys.sorted().map { name in
            guard case .object(let b) = t.fields[name]!, let d = b.value as? DatasetObject else {
                throw LuaError("Model.fit: option 'track': '\(name)' must be a Dataset, got \(t.fields[name]!.typeName)")
            }
            guard name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
                throw LuaError("Model.fit: option 'track': name '\(name)' must be an identifier (it becomes the history field \(name)_accuracy)")
            }
            return (name, d.ds)
        }
    }
}
