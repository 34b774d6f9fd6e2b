import Foundation
import PrivLab
import PrivLabLua
import XCTest

final class PluginTests: XCTestCase {
    func testBundledMetricPluginLoadsOnFirstUse() throws {
        let (rt, _) = try makeRuntime()
        // y_true = {0,0,1,1}, y_pred = {0,1,1,1}: F1(0) = 2/3, F1(1) = 4/5, macro = 11/15.
        let r = try rt.exec("return pl.metric('macro_f1', {0, 0, 1, 1}, {0, 1, 1, 1}), pl.metric('accuracy', {0, 0, 1, 1}, {0, 1, 1, 1})")
        XCTAssertEqual(r[0].double!, 11.0 / 15, accuracy: 1e-12)
        XCTAssertEqual(r[1].double!, 0.75)
        // The same metric through a model, and a Lua function in its place.
        let s = try rt.exec("""
            local d = pl.data.blobs{n = 90, classes = 3, std = 0.3, seed = 2}
            local m = pl.softmax{epochs = 100}
            m:fit(d)
            return m:score(d, 'macro_f1'), m:score(d, function(t, p) return 0.25 end), m:score(d), m:score(d, 'log_loss')
            """)
        XCTAssertGreaterThan(s[0].double!, 0.9)
        XCTAssertEqual(s[1].double, 0.25)
        XCTAssertGreaterThan(s[2].double!, 0.9)
        XCTAssertLessThan(s[3].double!, 0.5)
        let names = try rt.exec("return table.concat(pl.components('metric'), ',')").first?.asString
        XCTAssertEqual(names, "accuracy,error_rate,log_loss,macro_f1")
    }

    func testDatasetPluginThroughDataLoad() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local d = pl.data.load('two_moons', {n = 200, noise = 0.05, seed = 1})
            local e = pl.data.load('two_moons', {n = 200, noise = 0.05, seed = 1})
            local b = pl.data.load('blobs', {n = 12, classes = 2})
            return d:size(), table.concat(d:class_counts(), ','), d:record(7).features[1] == e:record(7).features[1], b:size()
            """)
        XCTAssertEqual(r[0].asInt, 200)
        XCTAssertEqual(r[1].asString, "100,100")
        XCTAssertEqual(r[2].asBool, true)
        XCTAssertEqual(r[3].asInt, 12)
        assertLuaError(rt, "pl.data.load('two_moons', {wobble = 1})", ["two_moons: unknown option 'wobble'"])
        assertLuaError(rt, "pl.data.load('no_such_data')", ["unknown dataset 'no_such_data'", "available:", "two_moons"])
        assertLuaError(rt, "pl.data.load('blobs', {classes = 'x'})", ["blobs: option 'classes' must be an integer"])
    }

    func testFaultyPluginsGiveErrorsNamingThem() throws {
        let dir = try temporaryDirectory()
        try "pl.register('metric', 'broken_syntax', function(a, b) return end end)\n".write(toFile: "\(dir)/broken_syntax.lua", atomically: true, encoding: .utf8)
        try "local x = nil\nx.field = 1\n".write(toFile: "\(dir)/crashes.lua", atomically: true, encoding: .utf8)
        try "pl.register('metric', 'raises', function(t, p)\n  error('bad metric input')\nend)\n".write(toFile: "\(dir)/raises.lua", atomically: true, encoding: .utf8)
        try "pl.register('metric', 'wrong_type', function() return 'high' end)\n".write(toFile: "\(dir)/wrong_type.lua", atomically: true, encoding: .utf8)
        try "pl.register('dataset', 'not_data', function() return {} end)\n".write(toFile: "\(dir)/not_data.lua", atomically: true, encoding: .utf8)
        try "pl.register('metric', 'accuracy', function() return 1 end)\n".write(toFile: "\(dir)/accuracy.lua", atomically: true, encoding: .utf8)
        let (rt, _) = try makeRuntime(plugins: [dir])
        let y = "{0, 1}, {0, 1}"
        assertLuaError(rt, "pl.metric('broken_syntax', \(y))", ["plugin", "broken_syntax.lua failed to load", "broken_syntax.lua:1:"])
        assertLuaError(rt, "pl.use('crashes')", ["plugin", "crashes.lua failed to load", "crashes.lua:2:", "attempt to index a nil value"])
        assertLuaError(rt, "pl.metric('raises', \(y))", ["metric 'raises' (plugin", "raises.lua:1) failed", "raises.lua:2: bad metric input"])
        assertLuaError(rt, "pl.metric('wrong_type', \(y))", ["metric 'wrong_type'", "must return a number, returned string"])
        assertLuaError(rt, "pl.data.load('not_data')", ["dataset plugin 'not_data'", "must return a Dataset, returned table"])
        assertLuaError(rt, "pl.use('accuracy')", ["'accuracy' is a built-in metric"])
        assertLuaError(rt, "pl.use('nothing_here')", ["use: no plugin 'nothing_here'"])
        assertLuaError(rt, "pl.register('optimizer', 'x', print)", ["register: unknown kind 'optimizer'", "aggregator"])
        assertLuaError(rt, "pl.register('metric', 'bad name', print)", ["letters, digits"])
        assertLuaError(rt, "pl.register('metric', 'fine', 42)", ["argument 3 must be a function, got number"])
        // The engine state is intact afterwards.
        XCTAssertEqual(try rt.exec("return pl.metric('accuracy', {1}, {1})").first?.double, 1)
    }

    func testInspectListsComponentsPerFile() throws {
        let (rt, _) = try makeRuntime()
        let files = rt.pluginFiles()
        XCTAssertTrue(files.contains { $0.hasSuffix("/macro_f1.lua") })
        let comps = try rt.inspectPlugin(files.first { $0.hasSuffix("/two_moons.lua") }!)
        XCTAssertEqual(comps.map(\.kind), ["dataset"])
        XCTAssertEqual(comps.map(\.name), ["two_moons"])
        XCTAssertTrue(comps[0].source.contains("two_moons.lua:"))
    }

    func testChartPlugin() throws {
        let dir = try temporaryDirectory()
        try """
            pl.register('chart', 'dot', function(opts)
              return '<svg xmlns="http://www.w3.org/2000/svg"><circle r="' .. (opts.r or 1) .. '"/></svg>'
            end)
            """.write(toFile: "\(dir)/dot.lua", atomically: true, encoding: .utf8)
        let (rt, sink) = try makeRuntime(plugins: [dir])
        try rt.exec("pl.report.chart{kind = 'dot', r = 3, title = 'Dot'}")
        XCTAssertEqual(sink.figures.first?.title, "Dot")
        XCTAssertTrue(sink.figures.first!.svg.contains("r=\"3\""))
        assertLuaError(rt, "pl.report.chart{kind = 'pie'}", ["unknown chart 'pie'"])
    }
}
