import CLua
import Foundation
import PrivLab

/// A scaler as a Lua object (fitting changes it in place, as in scikit-learn).

/// A dataset as a Lua object (datasets are values in the engine; Lua holds them by reference and
/// every method returns a new one, so a script can never change a dataset another object uses).
final class DatasetObject {
    let ds: Dataset
    init(_ ds: Dataset) { self.ds = ds }
}

extension LuaCall {
    func pushDataset(_ ds: Dataset) { pushObject(DatasetObject(ds), "Dataset") }

    func dataset(_ i: Int32, fn: String, arg: String? = nil) throws -> Dataset {
        try object(i, DatasetObject.self, "Dataset", fn: fn, arg: arg).ds
    }

    /// The receiver of a Dataset method.
    func thisDataset(_ method: String) throws -> Dataset { try this(DatasetObject.self, "Dataset", method: method).ds }

    /// A list of record ids (or a single id) at argument `i`.
    func ids(_ i: Int32, fn: String) throws -> [Int] {
        try LuaConvert.integers(value(i), fn: fn, arg: "ids")
    }
}

extension Runtime {
    /// A built-in dataset loader: `pl.data.<name>(opts)`, also reachable as `pl.data.load(name, opts)`.
    /// A built-in loader with its declaration.
    private func defineLoader(_ declaration: FunctionDeclaration, _ fn: @escaping HostFunction) {
        builtinLoaders[String(declaration.path.dropFirst("data.".count))] = fn
        define(declaration, fn)
    }

    /// The Fashion-MNIST images an options table of `declaration` asks for (split, n, seed, dir).
    private static func fashionMNIST(_ call: LuaCall, _ declaration: FunctionDeclaration) throws -> Dataset {
        let o = try call.options(1, declaration)
        let split: FashionSplitChoice = try o.choice("split")
        let n = try o.optionalInteger("n")
        let seed = try o.optionalInteger("seed").map { UInt64(bitPattern: Int64($0)) }
        let dir = try o.optionalText("dir")
        if dir != nil { try Runtime.checkFileAccess(call, declaration.path) }
        try o.finish()
        return try FashionMNIST.load(split: split.rawValue, directory: dir, n: n, seed: seed)
    }

    func installData() {
        defineLoader(DataDeclarations.fashionMNIST) { call in
            call.pushDataset(try Runtime.fashionMNIST(call, DataDeclarations.fashionMNIST))
            return 1
        }

        defineLoader(DataDeclarations.sequentialFashionMNIST) { call in
            call.pushDataset(try Synthetic.sequentialFashionMNIST(try Runtime.fashionMNIST(call, DataDeclarations.sequentialFashionMNIST)))
            return 1
        }

        defineLoader(DataDeclarations.symbolOrder) { call in
            let o = try call.options(1, DataDeclarations.symbolOrder)
            let n = try o.integer("n")
            let steps = try o.integer("steps")
            let symbols = try o.integer("symbols")
            let seed = try o.seed()
            try o.finish()
            call.pushDataset(try Synthetic.symbolOrder(n: n, steps: steps, symbols: symbols, seed: seed))
            return 1
        }

        // pl.data.digits{}, pl.data.breast_cancer{}, pl.data.wine{}: the bundled public data sets (data/README.md).
        for bundled in BundledData.allCases {
            let declaration = CoreDeclarations.bundled(bundled), fn = declaration.path
            defineLoader(declaration) { call in
                let o = try call.options(1, declaration)
                try o.finish()
                guard let dir = LibraryLocation.dataRoot() else {
                    throw LuaError("\(fn): the bundled data folder (data/ next to lua/) was not found; set PRIVLAB_HOME to the project folder")
                }
                call.pushDataset(try bundled.load(directory: dir))
                return 1
            }
        }

        installTableData()
    }

    /// Tabular loaders: CSV files, generated tables, Lua tables, saved data sets.
    private func installTableData() {
        define(CoreDeclarations.csv) { call in try Runtime.loadCSV(call) }

        defineLoader(DataDeclarations.blobs) { call in
            let o = try call.options(1, DataDeclarations.blobs)
            let n = try o.integer("n")
            let f = try o.integer("features")
            let k = try o.integer("classes")
            let std = try o.number("std")
            let box = try o.number("box")
            let seed = try o.seed()
            try o.finish()
            call.pushDataset(try Synthetic.blobs(n: n, features: f, classes: k, std: std, box: box, seed: seed))
            return 1
        }

        defineLoader(DataDeclarations.purchase) { call in
            let o = try call.options(1, DataDeclarations.purchase)
            let n = try o.integer("n")
            let f = try o.integer("features")
            let k = try o.integer("classes")
            let density = try o.number("density")
            let sig = try o.number("signature")
            let seed = try o.seed()
            try o.finish()
            call.pushDataset(try Synthetic.purchase(n: n, features: f, classes: k, density: density, signature: sig, seed: seed))
            return 1
        }

        define(DataDeclarations.fromTable) { call in try Runtime.datasetFromTable(call) }

        // pl.data.load(name, opts): a built-in loader or a registered dataset plugin.
        define("data.load") { call in
            let rt = Runtime.from(call)
            let name = try call.string(1, fn: "data.load", arg: "argument 1 (dataset name)")
            if let loader = rt.builtinLoaders[name] {
                // The same function as pl.data.<name>, with the options moved to argument 1.
                pl_remove(call.L, 1)
                return try loader(call)
            }
            let comp = try rt.components.lookup(kind: .dataset, name: name, runtime: rt, on: call.L)
            let r = try rt.callComponent(comp, [call.value(2)], on: call.L)
            guard case .object(let box) = r.first ?? .nil, box.typeName == "Dataset" else {
                throw LuaError("dataset plugin '\(name)' (\(comp.source)) must return a Dataset, returned \(r.first?.typeName ?? "nothing")")
            }
            call.push(.object(box))
            return 1
        }

        installDatasetClass()
    }

    /// pl.data.csv(path, {label=, features=, id=, sep=})
    static func loadCSV(_ call: LuaCall) throws -> Int32 {
        try Runtime.checkFileAccess(call, "data.csv")
        let path = try call.string(1, fn: "data.csv", arg: "argument 1 (path)")
        let o = try call.options(2, CoreDeclarations.csv)
        var co = CSVOptions()
        co.label = try o.text("label")
        if o.has("features") { co.features = try LuaConvert.strings(o.value("features"), fn: "data.csv", arg: "option 'features'") }
        co.idColumn = try o.optionalText("id")
        let sep = try o.text("sep")
        guard sep.count == 1 else { throw LuaError("data.csv: option 'sep' must be a single character") }
        co.separator = sep.first!
        try o.finish()
        call.pushDataset(try CSVReader.load(path: path, options: co))
        return 1
    }

    /// pl.data.from_table{x = {{…}, …}, y = {…}, classes = k, ids = {…}, name = "…", image_shape = {c, h, w}}
    static func datasetFromTable(_ call: LuaCall) throws -> Int32 {
        let o = try call.options(1, DataDeclarations.fromTable, optional: false)
        guard case .table(let xt) = try o.value("x") else { throw LuaError("data.from_table: option 'x' must be a list of rows") }
        var rows = [[Float]]()
        for (i, r) in xt.array.enumerated() {
            rows.append(try LuaConvert.numbers(r, fn: "data.from_table", arg: "x[\(i + 1)]").map(Float.init))
        }
        let y = try o.integers("y")
        let k = try o.optionalInteger("classes")
        let ids = try o.optionalIntegers("ids")
        let classNames = try o.value("class_names")
        let names = classNames.isNil ? nil : try LuaConvert.strings(classNames, fn: "data.from_table", arg: "option 'class_names'")
        guard let name = try o.optionalText("name") else { throw LuaError("data.from_table: internal error: 'name' has no default") }
        let shape = try o.optionalIntegers("image_shape")
        try o.finish()
        let m = try Matrix(rows)
        if m.hasNonFinite { throw LuaError("data.from_table: x contains NaN or infinite values") }
        if let s = shape, s.count != 3 {
            throw LuaError("data.from_table: option 'image_shape' must be {channels, height, width}")
        }
        do {
            call.pushDataset(try Dataset(features: m, labels: y, classes: k, ids: ids, classNames: names, imageShape: shape, name: name))
        } catch let e as PrivLabError { throw LuaError("data.from_table: \(e.description)") }
        return 1
    }

    private func installDatasetClass() {
        var m = Runtime.datasetAccessors()
        m["split"] = Runtime.datasetSplit
        m["map"] = Runtime.datasetMap
        m.merge(Runtime.datasetSelections()) { own, _ in own }
        for d in [DataDeclarations.split, DataDeclarations.filter, DataDeclarations.relabel, DataDeclarations.shuffle, DataDeclarations.sample, DataDeclarations.map] { declare(d) }
        for d in DataDeclarations.accessors + DataDeclarations.selections { declare(d) }
        lua.register(LuaClass(name: "Dataset", methods: m) { ($0 as! DatasetObject).ds.description })
    }

    /// The Dataset methods that answer a question about it (size, labels, one record, …).
    static func datasetAccessors() -> [String: HostFunction] {
        var m = [String: HostFunction]()
        m["size"] = { call in call.results(.int(Int64(try call.thisDataset("size").size))) }
        m["nfeatures"] = { call in call.results(.int(Int64(try call.thisDataset("nfeatures").featureCount))) }
        m["nclasses"] = { call in call.results(.int(Int64(try call.thisDataset("nclasses").classes))) }
        m["name"] = { call in call.results(.string(try call.thisDataset("name").name)) }
        m["ids"] = { call in call.results(.ints(try call.thisDataset("ids").ids)) }
        m["labels"] = { call in call.results(.ints(try call.thisDataset("labels").labels)) }
        m["feature_names"] = { call in
            let ds = try call.thisDataset("feature_names")
            return call.results(.list((ds.featureNames ?? (1...max(ds.featureCount, 1)).prefix(ds.featureCount).map { "x\($0)" }).map { .string($0) }))
        }
        m["class_counts"] = { call in call.results(.ints(try call.thisDataset("class_counts").classCounts)) }
        m["class_names"] = { call in
            let ds = try call.thisDataset("class_names")
            return call.results(.list((ds.classNames ?? (0..<ds.classes).map(String.init)).map { .string($0) }))
        }
        m["image_shape"] = { call in
            let ds = try call.thisDataset("image_shape")
            return call.results(ds.imageShape.map { .ints($0) } ?? .nil)
        }
        // ds:record(id) → {id=, label=, features={…}}
        m["record"] = { call in
            let ds = try call.thisDataset("record")
            let id = try call.integer(2, fn: "Dataset.record", arg: "argument 1 (id)")
            guard let p = ds.positionsById()[id] else { throw LuaError("Dataset.record: no record with id \(id) in \(ds.name)") }
            return call.results(.record(["id": .int(Int64(id)), "label": .int(Int64(ds.labels[p])),
                                         "features": .numbers(ds.features.row(p).map(Double.init))]))
        }
        return m
    }

    /// `ds:split{test= | train=, stratify=, seed=}` → the rest and the part.
    static func datasetSplit(_ call: LuaCall) throws -> Int32 {
        let ds = try call.thisDataset("split")
        let o = try call.options(2, DataDeclarations.split, optional: false)
        let test = try o.optionalNumber("test")
        let train = try o.optionalNumber("train")
        let stratify = try o.flag("stratify")
        let seed = try o.seed()
        try o.finish()
        func size(_ v: Double, _ key: String) throws -> SplitSize {
            if v > 0 && v < 1 { return .fraction(v) }
            guard v == v.rounded(), v >= 1 else {
                throw LuaError("Dataset.split: option '\(key)' must be a fraction in (0, 1) or a whole count, got \(formatCompact(v))")
            }
            guard v <= Double(ds.size) else {
                throw LuaError("Dataset.split: option '\(key)' asks for \(formatCompact(v)) records of \(ds.size)")
            }
            return .count(Int(v))
        }
        let part: SplitSize
        switch (train, test) {
        case (nil, let t?): part = try size(t, "test")
        case (let tr?, nil):
            switch try size(tr, "train") {
            case .fraction(let f): part = .fraction(1 - f)
            case .count(let c):
                guard c <= ds.size else { throw LuaError("Dataset.split: train count \(c) exceeds the \(ds.size) records") }
                part = .count(ds.size - c)
            }
        default: throw LuaError("Dataset.split: give exactly one of 'test' or 'train'")
        }
        let (rest, p) = try ds.split(part, stratified: stratify, seed: seed)
        call.pushDataset(rest)
        call.pushDataset(p)
        return 2
    }

    /// The Dataset methods that select, relabel or combine records (each returns a new Dataset).
    static func datasetSelections() -> [String: HostFunction] {
        var m = [String: HostFunction]()
        m["subset"] = { call in
            let ds = try call.thisDataset("subset")
            call.pushDataset(try ds.subset(ids: try call.ids(2, fn: "Dataset.subset")))
            return 1
        }
        m["without"] = { call in
            let ds = try call.thisDataset("without")
            call.pushDataset(try ds.without(ids: try call.ids(2, fn: "Dataset.without")))
            return 1
        }
        m["filter"] = { call in
            let ds = try call.thisDataset("filter")
            let o = try call.options(2, DataDeclarations.filter, optional: false)
            let classes = try o.integers("classes")
            let relabel = try o.flag("relabel")
            try o.finish()
            call.pushDataset(try ds.filter(classes: classes, relabel: relabel))
            return 1
        }
        m["with_label"] = { call in
            let fn = "Dataset.with_label"
            var ds = try call.thisDataset("with_label")
            let id = try call.integer(2, fn: fn, arg: "argument 1 (id)")
            let label = try call.integer(3, fn: fn, arg: "argument 2 (label)")
            guard let row = ds.positionsById()[id] else { throw LuaError("\(fn): no record with id \(id)") }
            guard label >= 0, label < ds.classes else { throw LuaError("\(fn): label must be in 0…\(ds.classes - 1), got \(label)") }
            ds.labels[row] = label
            call.pushDataset(ds)
            return 1
        }
        m["relabel"] = { call in
            let ds = try call.thisDataset("relabel")
            let o = try call.options(2, DataDeclarations.relabel, optional: false)
            let labels = try o.integers("labels")
            let classes = try o.optionalInteger("classes")
            try o.finish()
            call.pushDataset(try ds.relabelled(labels, classes: classes))
            return 1
        }
        m["shuffle"] = { call in
            let ds = try call.thisDataset("shuffle")
            let o = try call.options(2, DataDeclarations.shuffle)
            let seed = try o.seed()
            try o.finish()
            call.pushDataset(ds.shuffled(seed: seed))
            return 1
        }
        m["head"] = { call in
            let ds = try call.thisDataset("head")
            let n = try call.integer(2, fn: "Dataset.head", arg: "argument 1 (n)")
            guard n >= 0 else { throw LuaError("Dataset.head: n must be non-negative") }
            call.pushDataset(ds.rows(Array(0..<min(n, ds.size))))
            return 1
        }
        m["sample"] = { call in
            let ds = try call.thisDataset("sample")
            let o = try call.options(2, DataDeclarations.sample, optional: false)
            let n = try o.integer("n")
            if n > ds.size { throw LuaError("Dataset.sample: option 'n' must be at most \(ds.size) (the records), got \(n)") }
            let seed = try o.seed()
            try o.finish()
            var rng = RNG(seed: seed)
            call.pushDataset(ds.rows(try rng.sample(ds.size, n).sorted()))
            return 1
        }
        m["concat"] = { call in
            let ds = try call.thisDataset("concat")
            call.pushDataset(try ds.concatenated(try call.dataset(2, fn: "Dataset.concat", arg: "argument 1")))
            return 1
        }
        return m
    }
}

extension Runtime {
    /// `Dataset:map(fn)`: every record through a Lua function in one bulk pass (`LuaState.mapRows`),
    /// new labels checked against the classes; a width change drops feature names and image shape.
    static func datasetMap(_ call: LuaCall) throws -> Int32 {
        let ds = try call.thisDataset("map")
        guard lua_type(call.L, 2) == LUA_TFUNCTION else {
            throw LuaError("Dataset.map: argument 1 must be a function(features, label), got \(call.luaTypeName(2))")
        }
        let mapped = try Runtime.from(call).lua.mapRows(fn: 2, on: call.L, rows: ds.size, cols: ds.featureCount,
                                                        values: ds.features.data, labels: ds.labels, what: "Dataset.map")
        if let bad = mapped.labels.first(where: { $0 < 0 || $0 >= ds.classes }) {
            throw LuaError("Dataset.map: new label \(bad) is outside 0…\(ds.classes - 1)")
        }
        var out = ds
        out.features = try Matrix(rows: ds.size, cols: mapped.width, data: mapped.values)
        out.labels = mapped.labels
        if mapped.width != ds.featureCount { out.featureNames = nil; out.imageShape = nil }
        call.pushDataset(out)
        return 1
    }
}
