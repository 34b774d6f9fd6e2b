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
    private func defineLoader(_ name: String, _ fn: @escaping HostFunction) {
        builtinLoaders[name] = fn
        define("data.\(name)", fn)
    }

    func installData() {
        defineLoader("fashion_mnist") { call in
            let o = try call.options(1, fn: "data.fashion_mnist")
            let split = try o.string("split", "train", oneOf: ["train", "test"])
            let n = try o.int("n", min: 1)
            let seed: UInt64? = o.has("seed") ? try o.seed() : nil
            let dir = try o.string("dir")
            if dir != nil { try Runtime.checkFileAccess(call, "data.fashion_mnist") }
            try o.finish()
            call.pushDataset(try FashionMNIST.load(split: split, directory: dir, n: n, seed: seed))
            return 1
        }

        // pl.data.digits{}, pl.data.breast_cancer{}, pl.data.wine{}: the bundled public data sets (data/README.md).
        for bundled in BundledData.allCases {
            let fn = "data.\(bundled.rawValue)"
            defineLoader(bundled.rawValue) { call in
                let o = try call.options(1, fn: fn)
                try o.finish()
                guard let dir = LibraryLocation.dataRoot() else {
                    throw LuaError("\(fn): the bundled data folder (data/ next to lua/) was not found; set PRIVLAB_HOME to the project folder")
                }
                call.pushDataset(try bundled.load(directory: dir))
                return 1
            }
        }

        define("data.csv") { call in
            try Runtime.checkFileAccess(call, "csv")
            let path = try call.string(1, fn: "csv", arg: "argument 1 (path)")
            let o = try call.options(2, fn: "csv")
            var co = CSVOptions()
            co.label = try o.string("label", "label")
            if o.has("features") { co.features = try LuaConvert.strings(o.raw("features"), fn: "csv", arg: "option 'features'") }
            co.idColumn = try o.string("id")
            let sep = try o.string("sep", ",")
            guard sep.count == 1 else { throw LuaError("csv: option 'sep' must be a single character") }
            co.separator = sep.first!
            try o.finish()
            call.pushDataset(try CSVReader.load(path: path, options: co))
            return 1
        }

        defineLoader("blobs") { call in
            let o = try call.options(1, fn: "data.blobs")
            let n = try o.int("n", 300, min: 1, max: 10_000_000)
            let f = try o.int("features", 2, min: 1, max: 100_000)
            let k = try o.int("classes", 3, min: 1, max: 10_000)
            let std = try o.double("std", 1.0, min: 0)
            let box = try o.double("box", 10.0, above: 0)
            let seed = try o.seed()
            try o.finish()
            call.pushDataset(try Synthetic.blobs(n: n, features: f, classes: k, std: std, box: box, seed: seed))
            return 1
        }

        defineLoader("purchase") { call in
            let o = try call.options(1, fn: "data.purchase")
            let n = try o.int("n", 10_000, min: 1, max: 10_000_000)
            let f = try o.int("features", 600, min: 2, max: 100_000)
            let k = try o.int("classes", 100, min: 2, max: 100)
            let density = try o.double("density", 0.05, max: 0.5, above: 0)
            let sig = try o.double("signature", 0.1, max: 1, above: 0)
            let seed = try o.seed()
            try o.finish()
            call.pushDataset(try Synthetic.purchase(n: n, features: f, classes: k, density: density, signature: sig, seed: seed))
            return 1
        }

        // pl.data.from_table{x = {{…}, …}, y = {…}, classes = k, ids = {…}, name = "…", image_shape = {c, h, w}}
        define("data.from_table") { call in
            let o = try call.options(1, fn: "data.from_table", optional: false)
            guard case .table(let xt) = o.raw("x") else { throw LuaError("data.from_table: option 'x' must be a list of rows") }
            var rows = [[Float]]()
            for (i, r) in xt.array.enumerated() {
                rows.append(try LuaConvert.numbers(r, fn: "data.from_table", arg: "x[\(i + 1)]").map(Float.init))
            }
            let y = try LuaConvert.integers(o.raw("y"), fn: "data.from_table", arg: "option 'y'")
            let k = try o.int("classes", min: 1)
            let ids = o.has("ids") ? try LuaConvert.integers(o.raw("ids"), fn: "data.from_table", arg: "option 'ids'") : nil
            if let ids = ids, ids.contains(where: { $0 < 1 }) { throw LuaError("data.from_table: ids must be positive integers") }
            let names = o.has("class_names") ? try LuaConvert.strings(o.raw("class_names"), fn: "data.from_table", arg: "option 'class_names'") : nil
            let name = try o.string("name", "table")
            let shape = o.has("image_shape") ? try LuaConvert.integers(o.raw("image_shape"), fn: "data.from_table", arg: "option 'image_shape'") : nil
            try o.finish()
            let m = try Matrix(rows)
            if m.hasNonFinite { throw LuaError("data.from_table: x contains NaN or infinite values") }
            if let s = shape, s.count != 3 || s.contains(where: { $0 < 1 }) {
                throw LuaError("data.from_table: option 'image_shape' must be {channels, height, width}")
            }
            do {
                call.pushDataset(try Dataset(features: m, labels: y, classes: k, ids: ids, classNames: names, imageShape: shape, name: name))
            } catch let e as PrivLabError { throw LuaError("data.from_table: \(e.description)") }
            return 1
        }

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

    private func installDatasetClass() {
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
        m["split"] = { call in
            let ds = try call.thisDataset("split")
            let o = try call.options(2, fn: "Dataset.split", optional: false)
            let test = try o.double("test", min: 0)
            let train = try o.double("train", min: 0)
            let stratify = try o.bool("stratify", false)
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
            let o = try call.options(2, fn: "Dataset.filter", optional: false)
            let classes = try LuaConvert.integers(o.raw("classes"), fn: "Dataset.filter", arg: "option 'classes'")
            let relabel = try o.bool("relabel", false)
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
        m["shuffle"] = { call in
            let ds = try call.thisDataset("shuffle")
            let o = try call.options(2, fn: "Dataset.shuffle")
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
            let o = try call.options(2, fn: "Dataset.sample", optional: false)
            let n = try o.int("n", 1, min: 0, max: ds.size)
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
        lua.register(LuaClass(name: "Dataset", methods: m) { ($0 as! DatasetObject).ds.description })
    }

}
