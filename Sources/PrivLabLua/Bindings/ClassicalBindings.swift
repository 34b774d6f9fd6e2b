import Foundation
import PrivLab

/// Classical models (`pl.logistic`, `pl.lda`, `pl.gaussian_nb`, `pl.knn`) and model selection
/// (`pl.cross_validate`, `pl.grid_search`). Each constructor reads its options into the engine's
/// `Options` and returns a Model like any other.
extension Runtime {
    func installClassical() {
        define(ClassicalDeclarations.logistic) { call in
            let o = try call.options(1, ClassicalDeclarations.logistic)
            var opt = LogisticRegression.Options()
            opt.penalty = try o.choice("penalty")
            opt.c = try o.number("C")
            opt.solver = try o.choice("solver")
            opt.intercept = try o.flag("intercept")
            opt.tolerance = try o.number("tol")
            opt.maxIterations = try o.integer("max_iter")
            if let d = try o.nested("dp") {
                try d.finish()   // a misspelt key first, then what is missing
                opt.dp = .init(epsilon: try d.number("epsilon"), clip: try d.number("clip"), seed: 0)
            }
            let seed = try o.seed()
            if opt.dp != nil { opt.dp!.seed = seed }
            try o.finish()
            call.pushObject(ModelObject(try LogisticRegression(options: opt), onEpoch: nil), "Model")
            return 1
        }
        define(ClassicalDeclarations.lda) { call in
            let o = try call.options(1, ClassicalDeclarations.lda)
            var opt = LinearDiscriminantAnalysis.Options()
            opt.solver = try o.choice("solver")
            switch try o.value("shrinkage") {
            case .nil: break
            case .string("auto"): opt.shrinkage = .ledoitWolf
            case .number(let a): opt.shrinkage = .fixed(a)
            case .int(let a): opt.shrinkage = .fixed(Double(a))
            case let v: throw LuaError("lda: option 'shrinkage' must be \"auto\" or a number in [0, 1], got \(v.typeName)")
            }
            opt.tolerance = try o.number("tol")
            try o.finish()
            call.pushObject(ModelObject(try LinearDiscriminantAnalysis(options: opt), onEpoch: nil), "Model")
            return 1
        }
        define(ClassicalDeclarations.gaussianNB) { call in
            let o = try call.options(1, ClassicalDeclarations.gaussianNB)
            var opt = GaussianNaiveBayes.Options()
            opt.smoothing = try o.number("var_smoothing")
            try o.finish()
            call.pushObject(ModelObject(try GaussianNaiveBayes(options: opt), onEpoch: nil), "Model")
            return 1
        }
        define(ClassicalDeclarations.knn) { call in
            let o = try call.options(1, ClassicalDeclarations.knn)
            var opt = NearestNeighbors.Options()
            opt.k = try o.integer("k")
            opt.weights = try o.choice("weights")
            try o.finish()
            call.pushObject(ModelObject(try NearestNeighbors(options: opt), onEpoch: nil), "Model")
            return 1
        }
        installModelSelection()
    }

    private func installModelSelection() {
        // pl.cross_validate{model=, data=, folds=10, stratify=true, shuffle=true, metric= | metrics=, seed=, fold_of=, workers=}
        define(ClassicalDeclarations.crossValidate) { call in
            let o = try call.options(1, ClassicalDeclarations.crossValidate, optional: false)
            let model = try o.model("model", what: "the model or pipeline to validate")!.model
            let data = try o.dataset("data", what: "the records to split into folds")!
            let cv = try Runtime.crossValidation(o, data: data)
            let given = try Runtime.foldList(o, size: data.size)
            try o.finish()
            call.push(try cv.run(model, on: data, foldOf: given).lua)
            return 1
        }

        // pl.grid_search{model=pl.logistic, grid={C={0.1, 1, 10}}, options={…}, data=, folds=, metric=, seed=}
        define(ClassicalDeclarations.gridSearch) { call in
            let o = try call.options(1, ClassicalDeclarations.gridSearch, optional: false)
            guard case .function(let constructor) = try o.value("model") else {
                throw LuaError("grid_search: option 'model' must be a model constructor such as pl.logistic, got \(try o.value("model").typeName)")
            }
            let rt = Runtime.from(call)
            let grid = try Runtime.gridCombinations(try o.value("grid"))
            var base = [String: LuaValue]()
            if case .table(let t) = try o.value("options") {
                guard t.array.isEmpty else { throw LuaError("grid_search: option 'options' must hold name = value pairs, not a list") }
                base = t.fields
            } else if !(try o.value("options")).isNil {
                throw LuaError("grid_search: option 'options' must be a table of the constructor's fixed options")
            }
            let data = try o.dataset("data", what: "the records to split into folds")!
            let cv = try Runtime.crossValidation(o, data: data)
            try o.finish()
            // Each combination is built by the constructor itself, so its own checks apply.
            var candidates = [Classifier]()
            for combo in grid {
                var opts = base
                for (k, v) in combo { opts[k] = v }
                let built = try rt.lua.call(constructor, [.record(opts)], on: call.L).first ?? .nil
                guard case .object(let b) = built, let mo = b.value as? ModelObject else {
                    throw LuaError("grid_search: the constructor returned \(built.typeName), not a Model")
                }
                candidates.append(mo.model)
            }
            let out = try GridSearch(validation: cv).run(candidates, on: data)
            let m = cv.metrics[0]
            let rows: [LuaValue] = zip(grid, out.results).map { combo, r in
                var d = [String: LuaValue]()
                for (k, v) in combo { d[k] = v }
                d["mean"] = .number(r.mean(m))
                d["std"] = .number(r.standardDeviation(m))
                return .record(d)
            }
            var best = [String: LuaValue]()
            for (k, v) in grid[out.best] { best[k] = v }
            call.push(.record(["results": .list(rows), "best": .record(best), "best_index": .int(Int64(out.best + 1)),
                               "metric": .string(m.rawValue), "best_score": .number(out.results[out.best].mean(m))]))
            return 1
        }
    }

    /// The cross-validation options shared by cross_validate and grid_search.
    static func crossValidation(_ o: LuaOptions, data: Dataset) throws -> CrossValidation {
        var cv = CrossValidation()
        cv.folds = try o.integer("folds")
        cv.stratify = try o.flag("stratify")
        cv.shuffle = try o.flag("shuffle")
        cv.seed = try o.seed()
        cv.workers = try o.integer("workers")
        let names = FoldMetric.allCases.map(\.rawValue)
        let metrics = try o.value("metrics")
        if !metrics.isNil {
            guard !o.has("metric") else { throw LuaError("\(o.fn): give 'metric' or 'metrics', not both") }
            cv.metrics = try LuaConvert.strings(metrics, fn: o.fn, arg: "option 'metrics'").map { s in
                guard let m = FoldMetric(rawValue: s) else {
                    throw LuaError("\(o.fn): unknown metric \"\(s)\" (one of \(names.map { "\"\($0)\"" }.joined(separator: ", ")))")
                }
                return m
            }
        } else {
            cv.metrics = [try o.choice("metric")]
        }
        return cv
    }

    /// `fold_of`: a 1-based fold per record (to reproduce given folds, e.g. a reference's).
    static func foldList(_ o: LuaOptions, size: Int) throws -> [Int]? {
        let v = try o.value("fold_of")
        if v.isNil { return nil }
        let folds = try LuaConvert.numbers(v, fn: o.fn, arg: "option 'fold_of'")
        guard folds.count == size, folds.allSatisfy({ $0 == $0.rounded() && $0 >= 1 }) else {
            throw LuaError("\(o.fn): option 'fold_of' must hold one fold number (1, 2, …) per record (\(size))")
        }
        return folds.map { Int($0) - 1 }
    }

    /// Every combination of a grid {name = {values…}, …}, names in sorted order, values in list order.
    static func gridCombinations(_ v: LuaValue) throws -> [[(String, LuaValue)]] {
        guard case .table(let t) = v, t.array.isEmpty, !t.fields.isEmpty else {
            throw LuaError("grid_search: option 'grid' must be a table {option = {values…}, …}")
        }
        var combos: [[(String, LuaValue)]] = [[]]
        for key in t.fields.keys.sorted() {
            guard case .table(let values) = t.fields[key]!, !values.array.isEmpty, values.fields.isEmpty else {
                throw LuaError("grid_search: grid entry '\(key)' must be a non-empty list of values")
            }
            combos = combos.flatMap { c in values.array.map { c + [(key, $0)] } }
        }
        guard combos.count <= 1000 else { throw LuaError("grid_search: the grid has \(combos.count) combinations (at most 1000)") }
        return combos
    }
}

extension CrossValidationResult {
    /// {metrics = {names}, scores = {name = {per fold}}, mean = {…}, std = {…}, fold = {1-based per
    /// record}, predictions = {per record}, fit_seconds = {per fold, wall clock}}.
    var lua: LuaValue {
        var scores = [String: LuaValue](), mean = [String: LuaValue](), std = [String: LuaValue]()
        for m in metrics {
            scores[m.rawValue] = .list(self.scores(m).map { .number($0) })
            mean[m.rawValue] = .number(self.mean(m))
            std[m.rawValue] = .number(standardDeviation(m))
        }
        return .record(["metrics": .list(metrics.map { .string($0.rawValue) }), "scores": .record(scores), "mean": .record(mean),
                        "std": .record(std), "fold": .ints(fold.map { $0 + 1 }), "predictions": .ints(predictions),
                        "fit_seconds": .list(fitSeconds.map { .number($0) })])
    }
}
