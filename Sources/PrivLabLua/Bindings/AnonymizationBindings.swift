import PrivLab

/// A Microdata table, an anonymised release and a DP release as Lua objects (values in the engine;
/// every method returns new ones).
final class MicrodataObject {
    let table: Microdata
    init(_ t: Microdata) { table = t }
}

final class ReleaseObject {
    let release: AnonymizedRelease
    init(_ r: AnonymizedRelease) { release = r }
}

final class DPReleaseObject {
    let release: DPHistogramRelease
    init(_ r: DPHistogramRelease) { release = r }
}

extension LuaOptions {
    /// Option `key` as a list of column names (one name is a one-element list).
    func names(_ key: String) throws -> [String] {
        let v = try value(key)
        if case .string(let s) = v { return [s] }
        return try LuaConvert.strings(v, fn: fn, arg: "option '\(key)'")
    }

    /// Option `key` as a non-empty list of engine objects of class `typeName`.
    func objects<T: AnyObject>(_ key: String, _ type: T.Type, _ typeName: String) throws -> [T] {
        guard case .table(let t) = try value(key), !t.array.isEmpty, t.fields.isEmpty else {
            throw LuaError("\(fn): option '\(key)' must be a list of \(typeName)s")
        }
        return try t.array.enumerated().map { i, v in
            guard case .object(let b) = v, let o = b.value as? T, b.typeName == typeName else {
                throw LuaError("\(fn): option '\(key)'[\(i + 1)] must be a \(typeName), got \(v.typeName)")
            }
            return o
        }
    }
}

extension Runtime {
    func installAnonymization() {
        define(AnonymizationDeclarations.census) { call in
            let o = try call.options(1, AnonymizationDeclarations.census)
            var g = CensusGenerator()
            g.size = try o.integer("n")
            g.regions = try o.integer("regions")
            g.seed = try o.seed()
            try o.finish()
            call.pushObject(MicrodataObject(try g.generate()), "Microdata")
            return 1
        }
        define(AnonymizationDeclarations.microdata) { call in
            let o = try call.options(1, AnonymizationDeclarations.microdata, optional: false)
            call.pushObject(MicrodataObject(try Runtime.microdata(from: o)), "Microdata")
            return 1
        }
        define(AnonymizationDeclarations.kAnonymity) { call in
            let o = try call.options(1, AnonymizationDeclarations.kAnonymity, optional: false)
            let table = try o.requiredObject("data", MicrodataObject.self).table
            var a = AnonymizationOptions(quasi: try o.names("quasi"), sensitive: try LuaConvert.string(try o.value("sensitive"), fn: o.fn, arg: "option 'sensitive'"))
            a.k = try o.integer("k")
            a.method = try o.choice("method")
            a.l = try o.optionalNumber("l")
            a.diversity = try o.choice("diversity")
            a.t = try o.optionalNumber("t")
            a.distance = try o.optionalChoice("distance")
            try o.finish()
            call.pushObject(ReleaseObject(try a.anonymize(table, fn: o.fn)), "Release")
            return 1
        }
        define(AnonymizationDeclarations.lDiversity) { call in
            let o = try call.options(1, AnonymizationDeclarations.lDiversity, optional: false)
            let r = try o.requiredObject("release", ReleaseObject.self).release
            let l = try o.optionalNumber("l")
            let kind: DiversityKind = try o.choice("kind")
            try o.finish()
            let per: [Double] = kind == .distinct ? r.distinctL.map(Double.init) : r.entropyL
            return call.results(Runtime.check(per, limit: l, worst: per.min() ?? 0, key: "l") { $0 >= $1 * (1 - 1e-12) })
        }
        define(AnonymizationDeclarations.tCloseness) { call in
            let o = try call.options(1, AnonymizationDeclarations.tCloseness, optional: false)
            let r = try o.requiredObject("release", ReleaseObject.self).release
            let t = try o.optionalNumber("t")
            let distance: SensitiveDistance? = try o.optionalChoice("distance")
            try o.finish()
            let per = r.closeness(distance: distance)
            return call.results(Runtime.check(per, limit: t, worst: per.max() ?? 0, key: "t") { $0 <= $1 + 1e-12 })
        }
        define(AnonymizationDeclarations.intersection) { call in
            let o = try call.options(1, AnonymizationDeclarations.intersection, optional: false)
            let releases = try o.objects("releases", ReleaseObject.self, "Release").map(\.release)
            let targets = try o.optionalIntegers("targets")
            let details = try o.flag("details")
            try o.finish()
            let r = try IntersectionAttack.run(releases, targets: targets, fn: o.fn)
            var d: [String: LuaValue] = [
                "targets": .int(Int64(r.targets)), "exposed": .number(r.exposed), "narrowed": .number(r.narrowed),
                "mean_candidates": .number(r.meanCandidates), "exposed_single": .number(r.exposedBySingleRelease),
                "mean_single_candidates": .number(r.meanSingleCandidates), "truth_kept": .int(Int64(r.truthKept)),
            ]
            if details {
                d["ids"] = .ints(r.ids)
                d["candidates"] = .list(r.candidates.map { .list($0.map { .string($0) }) })
            }
            return call.results(.record(d))
        }
        installDPRelease()
        installMicrodataClass()
        installReleaseClasses()
    }

    /// {per_class, l|t = worst, satisfied, violating}: `ok(value, limit)` says whether a class meets the limit.
    static func check(_ per: [Double], limit: Double?, worst: Double, key: String, ok: (Double, Double) -> Bool) -> LuaValue {
        var d: [String: LuaValue] = ["per_class": .numbers(per), key: .number(worst)]
        if let lim = limit {
            let bad = per.filter { !ok($0, lim) }.count
            d["satisfied"] = .bool(bad == 0)
            d["violating"] = .int(Int64(bad))
        }
        return .record(d)
    }

    private func installDPRelease() {
        define(AnonymizationDeclarations.dpRelease) { call in
            let o = try call.options(1, AnonymizationDeclarations.dpRelease, optional: false)
            let table = try o.requiredObject("data", MicrodataObject.self).table
            var d = DPHistogramOptions(quasi: try o.names("quasi"), sensitive: try LuaConvert.string(try o.value("sensitive"), fn: o.fn, arg: "option 'sensitive'"))
            d.mechanism = try o.choice("mechanism")
            d.epsilon = try o.optionalNumber("epsilon")
            d.noise = try o.optionalNumber("noise")
            d.delta = try o.number("delta")
            if case .table(let t) = try o.value("bins") {
                guard t.array.isEmpty else { throw LuaError("\(o.fn): option 'bins' must be {column = {edges…}, …}") }
                for (name, edges) in t.fields { d.bins[name] = try LuaConvert.numbers(edges, fn: o.fn, arg: "option 'bins'.\(name)") }
            } else if !(try o.value("bins")).isNil {
                throw LuaError("\(o.fn): option 'bins' must be {column = {edges…}, …}")
            }
            d.defaultBins = try o.integer("default_bins")
            d.seed = try o.seed()
            try o.finish()
            call.pushObject(DPReleaseObject(try d.release(table, fn: o.fn)), "DPRelease")
            return 1
        }
        define(AnonymizationDeclarations.dpAttack) { call in
            let o = try call.options(1, AnonymizationDeclarations.dpAttack, optional: false)
            let releases = try o.objects("releases", DPReleaseObject.self, "DPRelease").map(\.release)
            let targets = try o.optionalIntegers("targets")
            let trials = try o.integer("trials")
            let accountant: AccountantKind = try o.choice("accountant")
            let delta = try o.number("delta")
            let seed = try o.seed()
            let settings = try Runtime.accountantSettings(o, for: accountant).nonEmpty
            try o.finish()
            let r = try DPReleaseAttack.run(releases, accountant: try accountant.make(settings: settings), delta: delta, seed: seed, targets: targets, trials: trials, fn: o.fn)
            var d: [String: LuaValue] = [
                "targets": .int(Int64(r.targets)), "trials": .int(Int64(r.trials)), "accuracy": .number(r.accuracy), "mean_posterior": .number(r.meanPosterior),
                "baseline": .number(r.baseline), "bound": .number(r.bound), "values": .int(Int64(r.values)),
                "privacy": r.privacy.lua, "replacement": r.replacement.lua,
            ]
            if let p = r.privacyRDP { d["privacy_rdp"] = p.lua }
            return call.results(.record(d))
        }
    }
}

extension Runtime {
    /// A Microdata from `pl.data.microdata`'s options: lists of numbers or of strings by column name.
    static func microdata(from o: LuaOptions) throws -> Microdata {
        let fn = o.fn
        guard case .table(let cols) = try o.value("columns"), !cols.fields.isEmpty else {
            throw LuaError("\(fn): option 'columns' must be {name = {values…}, …}")
        }
        let order = o.has("order") ? try o.names("order") : cols.fields.keys.sorted()
        guard Set(order) == Set(cols.fields.keys), order.count == cols.fields.count else {
            throw LuaError("\(fn): option 'order' must name every column once (columns: \(cols.fields.keys.sorted().joined(separator: ", ")))")
        }
        var levels = [String: [String]](), domains = [String: [Double]]()
        if case .table(let t) = try o.value("levels") { for (k, v) in t.fields { levels[k] = try LuaConvert.strings(v, fn: fn, arg: "option 'levels'.\(k)") } }
        if case .table(let t) = try o.value("domains") { for (k, v) in t.fields { domains[k] = try LuaConvert.numbers(v, fn: fn, arg: "option 'domains'.\(k)") } }
        let ids = try o.optionalIntegers("ids")
        try o.finish()
        var columns = [MicrodataColumn]()
        for name in order {
            guard case .table(let t) = cols.fields[name]!, !t.array.isEmpty, t.fields.isEmpty else {
                throw LuaError("\(fn): column '\(name)' must be a non-empty list of numbers or of strings")
            }
            if case .string = t.array[0] {
                let values = try LuaConvert.strings(.table(t), fn: fn, arg: "column '\(name)'")
                let lv = levels[name] ?? Array(Set(values)).sorted()
                let code = Dictionary(lv.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
                columns.append(.categorical(codes: try values.map { v in
                    guard let c = code[v] else { throw LuaError("\(fn): column '\(name)': '\(v)' is not one of its levels") }
                    return c
                }, levels: lv))
            } else {
                var domain: ClosedRange<Double>? = nil
                if let d = domains[name] {
                    guard d.count == 2, d[0] < d[1] else { throw LuaError("\(fn): option 'domains'.\(name) must be {low, high} with low < high") }
                    domain = d[0]...d[1]
                }
                columns.append(.numeric(values: try LuaConvert.numbers(.table(t), fn: fn, arg: "column '\(name)'"), domain: domain))
            }
        }
        return try Microdata(names: order, columns: columns, ids: ids)
    }

    /// A column's values as Lua sees them: numbers, or level names.
    static func lua(_ c: MicrodataColumn) -> LuaValue {
        switch c {
        case .numeric(let v, _): return .numbers(v)
        case .categorical(let codes, let levels): return .list(codes.map { .string(levels[$0]) })
        }
    }

    func installMicrodataClass() {
        var m = [String: HostFunction]()
        func table(_ call: LuaCall, _ name: String) throws -> Microdata { try call.this(MicrodataObject.self, "Microdata", method: name).table }
        m["size"] = { call in call.results(.int(Int64(try table(call, "size").size))) }
        m["columns"] = { call in call.results(.list(try table(call, "columns").names.map { .string($0) })) }
        m["ids"] = { call in call.results(.ints(try table(call, "ids").ids)) }
        m["column"] = { call in
            let t = try table(call, "column")
            let name = try call.string(2, fn: "Microdata.column", arg: "argument 1 (column name)")
            return call.results(Runtime.lua(try t.column(name, fn: "Microdata.column")))
        }
        m["head"] = { call in
            let t = try table(call, "head")
            let n = call.argCount >= 2 ? try call.integer(2, fn: "Microdata.head", arg: "argument 1 (rows)") : 5
            guard n >= 0 else { throw LuaError("Microdata.head: rows must be non-negative, got \(n)") }
            return call.results(.list((0..<min(n, t.size)).map { i in
                var d: [String: LuaValue] = ["id": .int(Int64(t.ids[i]))]
                for (name, c) in zip(t.names, t.columns) { d[name] = c.isNumeric ? .number(c.ordinal(i)) : .string(c.text(i)) }
                return .record(d)
            }))
        }
        m["subset"] = { call in
            let t = try table(call, "subset")
            call.pushObject(MicrodataObject(try t.subset(ids: try call.ids(2, fn: "Microdata.subset"))), "Microdata")
            return 1
        }
        m["sample"] = { call in
            let t = try table(call, "sample")
            let o = try call.options(2, AnonymizationDeclarations.sample, optional: false)
            let n = try o.optionalInteger("n"), share = try o.optionalNumber("share")
            let seed = try o.seed()
            try o.finish()
            guard (n == nil) != (share == nil) else { throw LuaError("Microdata.sample: give exactly one of n and share") }
            let count = n ?? max(1, Int((share! * Double(t.size)).rounded()))
            guard count <= t.size else { throw LuaError("Microdata.sample: n = \(count) is more than the \(t.size) rows") }
            call.pushObject(MicrodataObject(try t.sample(count, seed: seed)), "Microdata")
            return 1
        }
        declare(AnonymizationDeclarations.sample)
        for d in AnonymizationDeclarations.microdataMethods { declare(d) }
        lua.register(LuaClass(name: "Microdata", methods: m) {
            let t = ($0 as! MicrodataObject).table
            return "Microdata(\(t.size) records: \(t.names.joined(separator: ", ")))"
        })
    }

    func installReleaseClasses() {
        var r = [String: HostFunction]()
        func release(_ call: LuaCall, _ name: String) throws -> AnonymizedRelease { try call.this(ReleaseObject.self, "Release", method: name).release }
        r["info"] = { call in
            let x = try release(call, "info")
            let o = x.options
            var d: [String: LuaValue] = [
                "method": .string(o.method.rawValue), "k": .int(Int64(o.k)), "quasi": .list(x.quasi.map { .string($0) }),
                "sensitive": .string(o.sensitive), "records": .int(Int64(x.table.size)), "classes": .int(Int64(x.classes.count)),
                "smallest": .int(Int64(x.smallestClass)), "largest": .int(Int64(x.classes.map(\.size).max() ?? 0)),
                "discernibility": .number(x.discernibility), "ncp": .number(x.ncp), "average_class_size": .number(x.averageClassSize),
                "l_distinct": .int(Int64(x.distinctL.min() ?? 0)), "l_entropy": .number(x.entropyL.min() ?? 0),
                "t": .number(x.closeness().max() ?? 0), "cuts": .int(Int64(x.cuts.count)), "distance": .string(x.sensitive.distance.rawValue),
            ]
            if let l = o.l { d["l"] = .number(l); d["diversity"] = .string(o.diversity.rawValue) }
            if let t = o.t { d["t_limit"] = .number(t) }
            return call.results(.record(d))
        }
        r["classes"] = { call in
            let x = try release(call, "classes")
            return call.results(.list(x.classes.map { e in
                var g = [String: LuaValue](), s = [String: LuaValue]()
                for (q, gen) in zip(x.quasi, e.generalisation) { g[q] = .string(gen.text) }
                for v in e.sensitiveValues { s[x.sensitive.levels[v]] = .int(Int64(e.sensitiveCounts[v])) }
                return .record(["size": .int(Int64(e.size)), "generalisation": .record(g), "sensitive": .record(s),
                                "ids": .ints(e.rows.map { x.table.ids[$0] })])
            }))
        }
        r["rows"] = { call in
            let x = try release(call, "rows")
            let o = try call.options(2, AnonymizationDeclarations.rows)
            let n = try o.integer("n")
            try o.finish()
            var out = [LuaValue]()
            outer: for e in x.classes {
                for row in e.rows {
                    if out.count >= n { break outer }
                    var d: [String: LuaValue] = [x.sensitive.name: .string(x.sensitive.levels[x.sensitive.codes[row]])]
                    for (q, gen) in zip(x.quasi, e.generalisation) { d[q] = .string(gen.text) }
                    out.append(.record(d))
                }
            }
            return call.results(.list(out))
        }
        r["data"] = { call in
            call.pushObject(MicrodataObject(try release(call, "data").table), "Microdata")
            return 1
        }
        declare(AnonymizationDeclarations.rows)
        for d in AnonymizationDeclarations.releaseMethods { declare(d) }
        lua.register(LuaClass(name: "Release", methods: r) {
            let x = ($0 as! ReleaseObject).release
            return "Release(\(x.options.method.rawValue), k = \(x.options.k): \(x.table.size) records in \(x.classes.count) classes)"
        })
        var p = [String: HostFunction]()
        func dp(_ call: LuaCall, _ name: String) throws -> DPHistogramRelease { try call.this(DPReleaseObject.self, "DPRelease", method: name).release }
        p["privacy"] = { call in
            let x = try dp(call, "privacy")
            return call.results(try x.privacy(accountant: try AccountantKind.rdp.make()).lua)
        }
        p["info"] = { call in
            let x = try dp(call, "info")
            return call.results(.record(["cells": .int(Int64(x.cellCount)), "values": .int(Int64(x.levels.count)), "records": .int(Int64(x.table.size)),
                                         "mechanism": .string(x.mechanism.rawValue), "noise": .number(x.scale)]))
        }
        p["counts"] = { call in
            let x = try dp(call, "counts")
            let cell = try call.integer(2, fn: "DPRelease.counts", arg: "argument 1 (cell, 1-based)")
            guard cell >= 1 && cell <= x.cellCount else { throw LuaError("DPRelease.counts: cell must be in 1 … \(x.cellCount), got \(cell)") }
            return call.results(.numbers(x.counts(cell: cell - 1)))
        }
        for d in AnonymizationDeclarations.dpReleaseMethods { declare(d) }
        lua.register(LuaClass(name: "DPRelease", methods: p) {
            let x = ($0 as! DPReleaseObject).release
            return "DPRelease(\(x.mechanism.rawValue), noise \(formatCompact(x.scale)): \(x.table.size) records in \(x.cellCount) cells)"
        })
    }
}
