import Foundation
import PrivLab
import PrivLabLua
import XCTest

final class BridgeTests: XCTestCase {
    func testModuleIsGlobalAndRequirable() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("return require('privlab') == pl, type(pl.softmax), pl.version")
        XCTAssertEqual(r[0].asBool, true)
        XCTAssertEqual(r[1].asString, "function")
        XCTAssertEqual(r[2].asString, privlabVersion)
    }

    func testUnknownAndIllTypedOptionsNameFunctionAndKey() throws {
        let (rt, _) = try makeRuntime()
        assertLuaError(rt, "pl.softmax{lerning_rate = 0.1}", ["script.lua:1:", "softmax: unknown option 'lerning_rate'", "accepted:", "lr"])
        assertLuaError(rt, "pl.softmax{epochs = 'ten'}", ["softmax: option 'epochs' must be an integer, got string"])
        // A near miss is named (issue 18): a typo, a missing letter, a swap, a singular.
        assertLuaError(rt, "pl.mlp{epoch = 3}", ["mlp: unknown option 'epoch' — did you mean 'epochs'?"])
        assertLuaError(rt, "pl.mlp{hiden = {8}}", ["did you mean 'hidden'?"])
        assertLuaError(rt, "pl.mlp{optimzier = 'adam'}", ["did you mean 'optimizer'?"])
        assertLuaError(rt, "pl.defense.output{model = pl.mlp{}, topk = 2}", ["did you mean 'top_k'?"])
        // Nothing close: no guess.
        assertLuaError(rt, "pl.mlp{wobble = 1}", ["mlp: unknown option 'wobble' (accepted:"])
        assertLuaError(rt, "pl.softmax{epochs = 2.5}", ["option 'epochs' must be an integer, got 2.5"])
        assertLuaError(rt, "pl.softmax{lr = -1}", ["option 'lr' must be greater than 0"])
        assertLuaError(rt, "pl.softmax{lr = 0/0}", ["option 'lr' must be a finite number"])
        assertLuaError(rt, "pl.data.blobs{n = 10, classes = 0}", ["blobs: option 'classes' must be at least 1"])
        assertLuaError(rt, "pl.data.fashion_mnist{split = 'valid'}", ["option 'split' must be one of \"train\", \"test\""])
        assertLuaError(rt, "pl.softmax(42)", ["softmax: expected an options table, got number"])
        assertLuaError(rt, "pl.softmax{3, lr = 1}", ["softmax: unexpected positional value"])
        assertLuaError(rt, "pl.scaler{kind = 'robust'}", ["scaler: option 'kind' must be one of \"minmax\", \"zscore\""])
    }

    func testEngineErrorsCarryFileAndLineAndAreCatchable() throws {
        let (rt, _) = try makeRuntime()
        assertLuaError(rt, "local d = pl.data.blobs{n=10}\n\nlocal x = d:subset{99}", ["script.lua:3:", "no record with id 99"])
        assertLuaError(rt, "local m = pl.softmax{}\nm:predict({{1, 2}})", ["script.lua:2:", "not fitted"])
        let r = try rt.exec("""
            local ok, err = pcall(function() return pl.data.csv('/nonexistent.csv') end)
            return ok, err
            """)
        XCTAssertEqual(r[0].asBool, false)
        XCTAssertTrue(r[1].asString!.contains("script.lua:1:"), r[1].asString!)
        XCTAssertTrue(r[1].asString!.contains("cannot read"))
        // The state is intact after the error.
        XCTAssertEqual(try rt.exec("return 1 + 1").first?.asInt, 2)
    }

    func testMethodsObjectsAndTostring() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 30, features = 2, classes = 3, seed = 4}
            print(d)
            print(pl.softmax{epochs = 2})
            local a, b = d:split{test = 10, seed = 1}
            print(a:size(), b:size(), #b:ids(), type(d))
            """)
        XCTAssertEqual(sink.text, """
            Dataset(blobs: 30 records, 2 features, 3 classes)
            Model(softmax regression (sgd lr=0.1, epochs=2, batch=64, seed=1), not fitted)
            20\t10\t10\tuserdata

            """)
        assertLuaError(rt, "local d = pl.data.blobs{n = 5}\nd.size()", ["Dataset.size: call it as a method (obj:size(...))"])
        assertLuaError(rt, "local m = pl.softmax{}\nm:fit(42)", ["Model.fit: argument 1 (training set) must be a Dataset, got number"])
        assertLuaError(rt, "local m = pl.softmax{}\nm:fit(pl.scaler{})", ["must be a Dataset, got Scaler"])
        XCTAssertEqual(try rt.exec("return getmetatable(pl.data.blobs{n=2})").first?.asString, "locked")
    }

    func testNonStringErrorObjectsAndErrorsInCallbacks() throws {
        let (rt, _) = try makeRuntime()
        assertLuaError(rt, "error({code = 1})", ["error object is a table value"])
        assertLuaError(rt, "error({message = 'structured'})", ["structured"])
        assertLuaError(rt, "error(nil)", ["error object is a nil value"])
        // A Lua callback raising inside an engine call (on_epoch) comes back as a Lua error.
        assertLuaError(rt, """
            local d = pl.data.blobs{n = 20}
            local m = pl.softmax{epochs = 3, on_epoch = function(h) error('stop at ' .. h.epoch) end}
            m:fit(d)
            """, ["script.lua:2: stop at 1"])
        // A callback returning false stops training early.
        let r = try rt.exec("""
            local m = pl.softmax{epochs = 10, on_epoch = function(h) return h.epoch < 4 end}
            return #m:fit(pl.data.blobs{n = 20})
            """)
        XCTAssertEqual(r.first?.asInt, 4)
    }

    func testMathRandomIsSeededDeterministically() throws {
        let (a, _) = try makeRuntime()
        let (b, _) = try makeRuntime()
        let code = "local t = {} for i = 1, 5 do t[i] = math.random(1000) end return table.concat(t, ',')"
        XCTAssertEqual(try a.exec(code).first?.asString, try b.exec(code).first?.asString)
        // pl.params with a seed reseeds math.random.
        let s1 = try a.exec("pl.params{seed = 7}\n" + code).first?.asString
        let s2 = try b.exec("pl.params{seed = 7}\n" + code).first?.asString
        XCTAssertEqual(s1, s2)
    }

    func testInstructionLimitStopsInfiniteLoops() throws {
        let (rt, _) = try makeRuntime(limits: LuaLimits(instructions: 1_000_000))
        assertLuaError(rt, "while true do end", ["instruction limit exceeded"])
        XCTAssertEqual(rt.lua.trippedLimit, .instructions)
        // pcall cannot swallow it: the loop around the pcall is stopped too.
        rt.lua.resetBudget()
        assertLuaError(rt, "while true do pcall(function() while true do end end) end", ["instruction limit exceeded"])
        rt.lua.resetBudget()
        XCTAssertEqual(try rt.exec("local s = 0 for i = 1, 1000 do s = s + i end return s").first?.asInt, 500500)
    }

    func testMemoryLimitStopsRunawayAllocation() throws {
        let (rt, _) = try makeRuntime(limits: LuaLimits(memoryBytes: 32 << 20))
        assertLuaError(rt, "local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end", ["not enough memory"])
        XCTAssertTrue(rt.lua.memoryLimitHit)
        XCTAssertNil(rt.lua.trippedLimit)
        // Memory is released and the state still works.
        try rt.exec("collectgarbage()")
        XCTAssertEqual(try rt.exec("return #string.rep('a', 1000)").first?.asInt, 1000)
        XCTAssertLessThanOrEqual(rt.lua.memoryPeak, (32 << 20) + (1 << 20))
        // A script that swallows memory errors with pcall is stopped by the instruction limit.
        let (both, _) = try makeRuntime(limits: LuaLimits(instructions: 5_000_000, memoryBytes: 8 << 20))
        assertLuaError(both, "while true do pcall(function() local t = {} for i = 1, 1e9 do t[i] = {} end end) end",
                       ["instruction limit exceeded"])
    }

    /// A loop with no end is stopped by the 0.2 s limit. Asserted by which limit stopped it, not by
    /// seconds: a watchdog interrupts the script after a generous deadline, so a time limit that
    /// never fires fails the test (tripped: interrupted) instead of hanging it, and a loaded machine
    /// that takes longer than usual to reach the next hook cannot fail it.
    func testWallTimeLimit() throws {
        let (rt, _) = try makeRuntime(limits: LuaLimits(wallSeconds: 0.2))
        let watchdog = Watchdog(rt.lua)
        assertLuaError(rt, "while true do end", ["time limit exceeded"])
        watchdog.cancel()
        XCTAssertEqual(rt.lua.trippedLimit, .time, "stopped by the time limit, not by the watchdog after \(generousDeadline) s")
    }

    /// A limit's error names the line where the script was stopped (issue 32): in the main chunk
    /// (where nothing was named before) and inside a function (where its caller's line was).
    func testLimitErrorsNameTheLineWhereTheScriptStopped() throws {
        let (top, _) = try makeRuntime(limits: LuaLimits(wallSeconds: 0.2))
        assertLuaError(top, "local n = 0\nwhile true do n = n + 1 end", ["script.lua:2: time limit exceeded"])
        let (inner, _) = try makeRuntime(limits: LuaLimits(instructions: 1_000_000))
        assertLuaError(inner, "local function spin()\n  local n = 0\n  while true do n = n + 1 end\nend\nspin()",
                       ["script.lua:3: instruction limit exceeded"])
        let (stopped, _) = try makeRuntime()
        stopped.lua.interrupt()
        assertLuaError(stopped, "local n = 0\nfor i = 1, 1e9 do n = n + i end", ["script.lua:2: interrupted"])
    }

    /// An unknown name under pl or one of its tables is an error at the script's line with the
    /// nearest name — the did-you-mean of unknown options — instead of "attempt to call a nil value"
    /// (issue 32). Names the Lua-side library and the script add are known too; rawget still probes
    /// quietly, and plugins register and load as before.
    func testUnknownPlNamesSuggestTheNearest() throws {
        let (rt, _) = try makeRuntime()
        assertLuaError(rt, "local x = 1\nlocal m = pl.mpl{}", ["script.lua:2: pl.mpl: no such function (did you mean pl.mlp?)"])
        assertLuaError(rt, "pl.attack.metrc{}", ["script.lua:1: pl.attack.metrc: no such function (did you mean pl.attack.metric?)"])
        assertLuaError(rt, "pl.privacy.epsilom{}", ["pl.privacy.epsilom: no such function (did you mean pl.privacy.epsilon?)"])
        assertLuaError(rt, "pl.data.blob{}", ["pl.data.blob: no such function (did you mean pl.data.blobs?)"])
        assertLuaError(rt, "print(pl.inspekt({}))", ["pl.inspekt: no such function (did you mean pl.inspect?)"])
        assertLuaError(rt, "pl.fashion_mnist{}", ["pl.fashion_mnist: no such function (did you mean pl.data.fashion_mnist?)"])
        assertLuaError(rt, "pl.qqqqqqqq()", ["script.lua:1: pl.qqqqqqqq: no such function"])
        XCTAssertEqual(try rt.exec("return rawget(pl, 'mpl') == nil, rawget(pl.data, 'x') == nil").map(\.asBool), [true, true])
        try rt.exec("pl.my_helper = function() return 1 end")
        XCTAssertEqual(try rt.exec("return pl.my_helper()").first?.asInt, 1)
        assertLuaError(rt, "pl.my_helpr()", ["did you mean pl.my_helper?"])
        XCTAssertEqual(try rt.exec("pl.use('two_moons'); return pl.metric('macro_f1', {0, 1}, {0, 1})").first?.double, 1)
    }

    /// pl.inspect takes a depth or, as every pl function, an options table {depth = n} (issue 32);
    /// anything else is an error naming inspect and the argument at the script's line (of a call
    /// that is not a tail call: Lua keeps no line for those).
    func testInspectTakesADepthOrAnOptionsTable() throws {
        let (rt, _) = try makeRuntime()
        let t = "local t = {a = {b = {c = 1}}}\n"
        XCTAssertEqual(try rt.exec(t + "return pl.inspect(t, {depth = 1})").first?.asString, "{a = {…}}")
        XCTAssertEqual(try rt.exec(t + "return pl.inspect(t, 1)").first?.asString, "{a = {…}}")
        XCTAssertEqual(try rt.exec(t + "return pl.inspect(t)").first?.asString, "{a = {b = {c = 1}}}")
        XCTAssertEqual(try rt.exec(t + "return pl.inspect(t, {})").first?.asString, "{a = {b = {c = 1}}}")
        assertLuaError(rt, t + "local s = pl.inspect(t, {deep = 1})", ["script.lua:2: inspect: unknown option 'deep' (accepted: depth)"])
        assertLuaError(rt, t + "local s = pl.inspect(t, {depth = 'all'})",
                       ["script.lua:2: inspect: option 'depth' must be a non-negative integer (or {depth = n}), got string"])
        assertLuaError(rt, t + "local s = pl.inspect(t, -1)", ["script.lua:2: inspect: argument 2 (the depth) must be a non-negative integer", "got -1"])
        assertLuaError(rt, t + "local s = pl.inspect(t, 1.5)", ["script.lua:2: inspect: argument 2 (the depth)", "got 1.5"])
    }

    func testParamsOverridesAreTypedAndChecked() throws {
        let (rt, _) = try makeRuntime(parameters: ["epochs": "12", "lr": "0.5", "name": "x", "fast": "true"])
        let r = try rt.exec("local P = pl.params{epochs = 3, lr = 0.1, name = 'a', fast = false, seed = 1}\nreturn P.epochs, P.lr, P.name, P.fast, P.seed, math.type(P.epochs)")
        XCTAssertEqual(r[0].asInt, 12)
        XCTAssertEqual(r[1].double, 0.5)
        XCTAssertEqual(r[2].asString, "x")
        XCTAssertEqual(r[3].asBool, true)
        XCTAssertEqual(r[4].asInt, 1)
        XCTAssertEqual(r[5].asString, "integer")
        XCTAssertEqual(rt.declaredParameters.map(\.name), ["epochs", "fast", "lr", "name", "seed"])
        XCTAssertEqual(rt.declaredParameters.first?.overridden, true)
        XCTAssertEqual(rt.declaredParameters.last?.overridden, false)
        XCTAssertTrue(rt.unusedOverrides.isEmpty)
        // The error names the script's line of the pl.params call, not lua/privlab/init.lua (issue 32).
        let (bad, _) = try makeRuntime(parameters: ["epochs": "many"])
        do {
            try bad.exec("local x = 1\nlocal P = pl.params{epochs = 3}")
            XCTFail("a bad -P value is an error")
        } catch {
            XCTAssertTrue("\(error)".hasPrefix("script.lua:2: params: -P epochs=many: expected an integer (the notebook's default is epochs = 3)"), "\(error)")
            XCTAssertFalse("\(error)".contains("init.lua"), "\(error)")
        }
        XCTAssertEqual(bad.parameterError, "params: -P epochs=many: expected an integer (the notebook's default is epochs = 3)")
        assertLuaError(bad, "pl.params(3)", ["script.lua:1: params: expected a table"])
        let (unused, _) = try makeRuntime(parameters: ["typo": "1"])
        try unused.exec("pl.params{epochs = 3}")
        XCTAssertEqual(unused.unusedOverrides, ["typo"])
    }

    func testDataBindingsRoundTrip() throws {
        let dir = try temporaryDirectory()
        try "id,a,b,label\n5,1,2,cat\n6,3,4,dog\n7,5,6,cat\n".write(toFile: "\(dir)/d.csv", atomically: true, encoding: .utf8)
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local d = pl.data.csv('\(dir)/d.csv', {label = 'label', id = 'id'})
            local rec = d:record(6)
            local w = d:without{5}
            local f = d:filter{classes = {1}, relabel = true}
            return d:size(), table.concat(d:ids(), ','), rec.label, rec.features[2], table.concat(w:ids(), ','),
                   table.concat(d:class_names(), ','), f:size(), f:nclasses(), d:nfeatures()
            """)
        XCTAssertEqual(r.map { "\($0.asString ?? $0.asInt.map(String.init) ?? $0.double.map { "\($0)" } ?? "?")" },
                       ["3", "5,6,7", "1", "4.0", "6,7", "cat,dog", "1", "1", "2"])
        assertLuaError(rt, "pl.data.csv('\(dir)/d.csv', {label = 'nope'})", ["no label column 'nope'"])
        assertLuaError(rt, "pl.data.from_table{x = {{1, 2}, {3}}, y = {0, 1}}", ["row 2 has 1 values"])
        assertLuaError(rt, "pl.data.from_table{x = {{1, 0/0}}, y = {0}}", ["x[1][2] must be a finite number"])
        assertLuaError(rt, "pl.data.blobs{n=10}:split{test = 0.2, train = 0.8}", ["exactly one of 'test' or 'train'"])
        let s = try rt.exec("local a, b = pl.data.blobs{n=100, classes=2}:split{train = 0.7, stratify = true}\nreturn a:size(), b:size()")
        XCTAssertEqual(s.map(\.asInt), [70, 30])
    }

    /// `pl.rng` is the engine's `RNG`, draw for draw: every method's values from a seeded Lua
    /// generator equal the same calls on `RNG(seed:)` in Swift (integers shifted to Lua's 1-based
    /// convention), interleaved so each call must consume the stream exactly as the engine does,
    /// and `split()` gives the engine's child stream. Catches a method bound to the wrong draw, an
    /// off-by-one in int/permutation/sample, a normal that ignores mean or std, and a seed read
    /// differently from the engine's.
    func testRNGObject() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local a = pl.rng{seed = 3}
            local out = {a:uniform(), a:uniform(-2, 5), a:normal(), a:normal(10, 0.5), a:int(6), a:int(1000000)}
            out[#out + 1] = a:bernoulli(0.3) and 1 or 0
            out[#out + 1] = a:bernoulli(0.9) and 1 or 0
            for _, v in ipairs(a:permutation(7)) do out[#out + 1] = v end
            for _, v in ipairs(a:sample(50, 5)) do out[#out + 1] = v end
            local child = a:split()
            out[#out + 1] = child:uniform()
            out[#out + 1] = a:uniform()
            out[#out + 1] = pl.rng{seed = -5}:uniform()
            return out
            """)
        var a = RNG(seed: 3)
        var expected: [Double] = [a.uniform(), a.uniform(-2, 5), a.normal(), a.normal(mean: 10, std: 0.5),
                                  Double(a.int(below: 6) + 1), Double(a.int(below: 1_000_000) + 1)]
        expected.append(a.bernoulli(0.3) ? 1 : 0)
        expected.append(a.bernoulli(0.9) ? 1 : 0)
        expected += a.permutation(7).map { Double($0 + 1) }
        expected += try a.sample(50, 5).map { Double($0 + 1) }
        var child = a.split()
        expected.append(child.uniform())
        expected.append(a.uniform())
        var negative = RNG(seed: -5)
        expected.append(negative.uniform())
        guard case .table(let t) = r.first else { return XCTFail("the script returns its draws") }
        XCTAssertEqual(t.array.map(\.double), expected.map { Optional($0) })
        assertLuaError(rt, "pl.rng{}:int(0)", ["RNG.int: n must be at least 1"])
    }

    func testReportBindings() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            pl.report.table({{a = 1, b = 0.123456}, {a = 2, b = 'x'}}, {columns = {'b', 'a'}, caption = 'c'})
            pl.report.table({{'k', 'v'}, {'x', true}})
            pl.report.md('**bold**')
            pl.report.chart{kind = 'line', title = 'T', x = {1, 2}, y = {3, 4}}
            pl.report.scatter{series = {{name = 's', x = {1}, y = {2}}}}
            pl.time('nothing', function() end)
            """)
        XCTAssertEqual(sink.tables.count, 2)
        XCTAssertEqual(sink.tables[0].headers, ["b", "a"])
        XCTAssertEqual(sink.tables[0].rows, [["0.1235", "1"], ["x", "2"]])
        XCTAssertEqual(sink.tables[1].headers, ["k", "v"])
        XCTAssertEqual(sink.tables[1].rows, [["x", "true"]])
        XCTAssertEqual(sink.markdownBlocks, ["**bold**"])
        XCTAssertEqual(sink.figures.map(\.title), ["T", ""])
        XCTAssertEqual(sink.timings, ["nothing"])
        assertLuaError(rt, "pl.report.chart{x = {1, 2}, y = {1}}", ["report.chart:", "2 x values and 1 y values"])
        assertLuaError(rt, "pl.report.chart{y = {1}, colour = 'red'}", ["unknown option 'colour'"])
        assertLuaError(rt, "pl.report.table({{1, 2}, {3}})", ["row 1 has 1 cells"])
    }
}

/// The script's time limit stops engine work too, between its steps (issue 19, bounded work).
final class WorkBudgetTests: XCTestCase {
    /// A training run asked for 100,000 epochs stops when the limit passes — not when the epochs
    /// are done — at the first step after it, with the limit as its reason and the limit marked
    /// tripped (the grader reads its status from that); a pcall around the call cannot swallow it
    /// (the script stops at its next instruction, as for a Lua loop); the PLD accountant stops likewise.
    /// Asserted in steps, not seconds (a busy machine stretches seconds, not steps): a probe counts
    /// the engine's checkpoints; the stop must come from one of them (the engine saw the limit, not
    /// Lua's hook after the engine returned), no step may follow it, and the training must have
    /// checked at every one of its steps (125 an epoch), so "the first checkpoint after the limit"
    /// is "the first step after the limit".
    /// Catches a training loop without the checkpoint (the test would run for hours), one checked
    /// only now and then (fewer checkpoints than steps), a checkpoint that does not mark the limit
    /// tripped, and engine errors a pcall or the engine itself can hide (steps after the stop).
    func testATimeLimitStopsEngineWorkBetweenSteps() throws {
        let stepsPerEpoch = 125  // 2000 records in batches of 16
        for (name, code) in [("training", "m = pl.mlp{hidden = {64}, epochs = 100000, batch = 16}\nlocal d = pl.data.blobs{n = 2000, features = 20, seed = 1}\nstart_clock()\nm:fit(d)"),
                             ("pld", "start_clock()\npl.privacy.epsilon{sample_rate = 0.01, noise = 1, steps = 1000000, delta = 1e-5, accountant = 'pld'}")] {
            let (rt, sink) = try makeRuntime(limits: LuaLimits(wallSeconds: 0.5))
            let probe = StepProbe()
            defer { probe.uninstall() }
            // The limit's 0.5 s start here, right before the engine call: setting up on a slow
            // machine cannot use them up before the engine's first step.
            rt.lua.setGlobal("start_clock") { call in
                call.state.resetBudget()
                probe.install()
                return 0
            }
            let watchdog = Watchdog(rt.lua)
            XCTAssertThrowsError(try rt.exec("local ok, e = pcall(function()\n\(code)\nend)\nprint('swallowed', ok, e)")) { e in
                XCTAssertTrue("\(e)".contains("time limit exceeded"), "\(name): \(e)")
            }
            watchdog.cancel()
            probe.uninstall()
            XCTAssertEqual(rt.lua.trippedLimit, .time, "\(name): stopped by the time limit, not by the watchdog after \(generousDeadline) s")
            XCTAssertEqual(probe.stops, 1, "\(name): the engine's checkpoint saw the limit (1), and no step ran after it (\(max(0, probe.stops - 1)) did)")
            XCTAssertFalse(sink.text.contains("swallowed"), "\(name): a pcall cannot swallow a limit: \(sink.text)")
            if name == "training" {
                rt.lua.resetBudget()
                let epochs = Int(try rt.exec("return #m:history()").first?.asInt ?? -1)
                XCTAssertGreaterThanOrEqual(probe.goOn, epochs * stepsPerEpoch,
                                            "a checkpoint at every step: \(probe.goOn) checkpoints in \(epochs) finished epochs of \(stepsPerEpoch) steps")
            }
        }
        // Without a limit the same kind of work runs to its end.
        let (free, sink) = try makeRuntime()
        try free.exec("local m = pl.mlp{hidden = {4}, epochs = 3}; m:fit(pl.data.blobs{n = 50, seed = 1}); print(#m:history())")
        XCTAssertEqual(sink.text, "3\n")
    }
}
