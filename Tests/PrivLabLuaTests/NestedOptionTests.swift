import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// Nested option tables (`dp = {…}`, `dp.adaptive = {…}`, `local_sgd = {…}`) are read through their
/// declared fields as the top-level options are (issue 27, item 5): bounds, defaults, choices (the
/// engine's enums by their Lua names), conditions and did-you-mean all come from the one
/// declaration, and messages name the function and the key as written (`mlp: option 'dp.clip'`).
final class NestedOptionTests: XCTestCase {
    /// Good values for what the functions with nested tables require, and for the tables' own
    /// required fields.
    static let setup = """
        d = pl.data.blobs{n = 60, features = 4, classes = 3, seed = 1}
        fitted = pl.mlp{hidden = {3}, epochs = 1}
        fitted:fit(d)
        good = {model = pl.softmax{epochs = 1}, clients = pl.data.clients{data = d, clients = 4}, components = 2, base = fitted, data = d,
                epsilon = 1, delta = 1e-5, noise = 1}
        function base(keys)
          local o = {}
          for _, k in ipairs(keys) do o[k] = good[k] end
          return o
        end
        """

    /// Every fixed bound of every nested field of every function is what the binding checks, with
    /// the function and `<table>.<field>` named: each is called with one field just outside one bound.
    func testEveryDeclaredNestedBoundIsChecked() throws {
        let doc = try OptionDocumentation.collect()
        let (rt, _) = try makeRuntime()
        try rt.exec(Self.setup)
        var checked = Set<String>()
        for f in doc.functions where f.declared {
            let required = f.options.filter(\.isRequired).map { "\"\($0.key)\"" }.joined(separator: ", ")
            for table in f.options where !table.fields.isEmpty {
                // The table's required fields, and one of noise and epsilon where the binding needs it.
                var inner = table.fields.filter(\.isRequired).map { "\($0.key) = good.\($0.key)" }
                if inner.isEmpty, table.fields.contains(where: { $0.key == "noise" }) { inner = ["noise = good.noise"] }
                for o in table.fields where o.kind == .number || o.kind == .integer {
                    for b in o.bounds {
                        guard let bad = b.violatingValue(integer: o.kind == .integer) else { continue }
                        var companion = ""
                        if case .equals(let k, let vs)? = o.only { companion = "t.\(k) = '\(vs[0])'; " }
                        if o.key == "epsilon" { companion += "t.noise = nil; " }
                        let code = "local o = base({\(required)}); local t = {\(inner.joined(separator: ", "))}; o.\(table.key) = t; \(companion)t.\(o.key) = \(formatCompact(bad)); return pl.\(f.path)(o)"
                        assertLuaError(rt, code, ["\(f.path): option '\(table.key).\(o.key)' must be", "got \(formatCompact(bad))"])
                        checked.insert("\(f.path) \(table.key).\(o.key)")
                    }
                }
            }
        }
        for c in ["mlp dp.clip", "mlp dp.delta", "mlp dp.physical_batch", "mlp dp.discretization", "softmax dp.noise", "cnn dp.epsilon",
                  "rnn dp.clip", "transfer dp.clip", "logistic dp.epsilon", "pca dp.clip", "federated dp.delta", "federated local_sgd.epochs",
                  "federated server.momentum", "synth.clustmix adapt.steps"] {
            XCTAssertTrue(checked.contains(c), c)
        }
        XCTAssertGreaterThan(checked.count, 40)
    }

    /// A misspelt key of a nested table gets the declared one, named with its table, in every
    /// function and method that takes one.
    func testUnknownNestedKeysSuggestTheDeclaredOne() throws {
        let (rt, _) = try makeRuntime()
        try rt.exec(Self.setup)
        assertLuaError(rt, "pl.mlp{dp = {noize = 1}}", ["mlp: unknown option 'dp.noize' — did you mean 'dp.noise'? (accepted: dp.accountant, dp.clip, dp.conversion, dp.delta, dp.discretization, dp.epsilon, dp.noise, dp.orders, dp.per_layer, dp.physical_batch, dp.sampling)"])
        assertLuaError(rt, "pl.cnn{dp = {noise = 1, acountant = 'pld'}}", ["cnn: unknown option 'dp.acountant' — did you mean 'dp.accountant'?"])
        assertLuaError(rt, "fitted:fit(d, {continue = true, dp = {noise = 1, cilp = 2}})", ["Model.fit: unknown option 'dp.cilp' — did you mean 'dp.clip'?"])
        assertLuaError(rt, "pl.federated{model = good.model, clients = good.clients, dp = {noise = 1, adaptive = {target_quantil = 0.5}}}",
                       ["federated: unknown option 'dp.adaptive.target_quantil' — did you mean 'dp.adaptive.target_quantile'?"])
        assertLuaError(rt, "pl.federated{model = good.model, clients = good.clients, local_sgd = {epoch = 2}}",
                       ["federated: unknown option 'local_sgd.epoch' — did you mean 'local_sgd.epochs'?"])
        assertLuaError(rt, "pl.pca{components = 2, dp = {epsilon = 1, clipp = 1}}", ["pca: unknown option 'dp.clipp' — did you mean 'dp.clip'?"])
        assertLuaError(rt, "pl.synth.clustmix{data = d, noise = 1, adapt = {step = 10}}", ["synth.clustmix: unknown option 'adapt.step' — did you mean 'adapt.steps'?"])
        // Reported before any value is read (a bad value beside it does not hide the typo).
        assertLuaError(rt, "pl.mlp{dp = {noise = -1, clipping = 1}}", ["mlp: unknown option 'dp.clipping' — did you mean 'dp.clip'?"])
        // Not a table, or a list: the table's fields are named.
        assertLuaError(rt, "pl.mlp{dp = 1}", ["mlp: option 'dp' must be a table {clip=, noise=, epsilon=, delta=, sampling=, accountant="])
        assertLuaError(rt, "pl.softmax{dp = {1, 2}}", ["softmax: option 'dp' must be a table {clip="])
    }

    /// Choices are the engine's enums by their Lua names; absent fields take the declared
    /// defaults; a setting of another accountant is refused by its declared condition.
    func testChoicesDefaultsAndConditionsComeFromTheDeclaration() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec(Self.setup)
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, accountant = 'moments'}}", ["mlp: option 'dp.accountant' must be one of \"rdp\", \"pld\", got \"moments\""])
        assertLuaError(rt, "pl.rnn{dp = {noise = 1, sampling = 'uniform'}}", ["rnn: option 'dp.sampling' must be one of \"poisson\", \"shuffle\", got \"uniform\""])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, conversion = 'tight'}}", ["mlp: option 'dp.conversion' must be one of \"improved\", \"classic\", got \"tight\""])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, per_layer = 1}}", ["mlp: option 'dp.per_layer' must be a boolean, got number"])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, orders = {2, 0.5}}}", ["mlp: option 'dp.orders' entries must be greater than 1, got 0.5"])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, accountant = 'pld', conversion = 'classic'}}", ["mlp: option 'dp.conversion' needs dp.accountant = \"rdp\""])
        assertLuaError(rt, "pl.privacy.epsilon{sample_rate = 0.1, noise = 1, steps = 10, delta = 1e-5, discretization = 1e-3}",
                       ["privacy.epsilon: option 'discretization' needs accountant = \"pld\""])
        assertLuaError(rt, "fitted:fit(d, {dp = {noise = 1}})", ["Model.fit: option 'dp' needs continue = true"])
        // The defaults a DP-SGD run states are the declaration's.
        try rt.exec("""
            local m = pl.softmax{epochs = 1, batch = 20, dp = {noise = 1.3}}
            m:fit(d)
            local p = m:privacy()
            print(p.accountant, p.sampling, p.delta == 1e-5, p.clip == 1, p.noise)
            local s = pl.softmax{epochs = 1, batch = 20, dp = {noise = 1.3, sampling = "shuffle", accountant = "pld", discretization = 1e-3}}
            s:fit(d)
            p = s:privacy()
            print(p.accountant, p.sampling)
            """)
        assertPrinted(sink.text, "rdp\tpoisson\ttrue\ttrue\t1.3\npld\tshuffle\n",
                      facts: ["default accountant", "default sampling", "default δ", "default clip", "the given σ",
                              "the chosen accountant", "the chosen sampling"])
    }

    /// `privlab doc` and the stubs list every nested field, as deep as tables nest.
    func testDocAndStubsListTheNestedFields() throws {
        let doc = try OptionDocumentation.collect()
        let mlp = try doc.text(for: "mlp")
        for key in ["clip", "noise", "epsilon", "delta", "sampling", "accountant", "orders", "conversion", "discretization", "per_layer", "physical_batch"] {
            XCTAssertTrue(mlp.contains("\n      \(key) "), "pl.mlp's dp.\(key) is documented")
        }
        XCTAssertTrue(mlp.contains("only with accountant = \"pld\""), mlp)
        XCTAssertTrue(try doc.text(for: "Model.fit").contains("\n      physical_batch "))
        XCTAssertTrue(try doc.text(for: "federated").contains("\n          target_quantile "), "dp.adaptive's fields, indented beneath it")
        let stubs = doc.luaStubs()
        XCTAssertTrue(stubs.contains("---@class pl.mlp.options.dp\n"))
        XCTAssertTrue(stubs.contains("---@field dp? pl.mlp.options.dp "))
        XCTAssertTrue(stubs.contains("---@field accountant? \"rdp\"|\"pld\" "))
        XCTAssertTrue(stubs.contains("---@class pl.federated.options.dp.adaptive\n"))
        XCTAssertTrue(stubs.contains("---@field adaptive? pl.federated.options.dp.adaptive "))
    }

    /// The bad-value suite lists nested fields from the declarations (no hand-kept list) and sets
    /// what a field needs to apply, so the value itself is what the call trips over.
    func testBadValueSuiteTakesNestedFieldsFromTheDeclarations() throws {
        let listing = try runPrivlab(["check-options", "--list"])
        XCTAssertEqual(listing.status, 0)
        let cases = Set(listing.stdout.split(separator: "\n").map(String.init))
        for c in ["mlp\tdp.noise", "mlp\tdp.orders", "mlp\tdp.discretization", "rnn\tdp.physical_batch", "transfer\tdp.clip",
                  "logistic\tdp.epsilon", "pca\tdp.delta", "federated\tdp.adaptive", "federated\tdp.adaptive.lr", "federated\tserver.momentum"] {
            XCTAssertTrue(cases.contains(c), c)
        }
        let r = try runPrivlab(["check-options", "--function", "mlp", "--option", "dp.discretization", "--value=nan"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("nan\terror\t") && r.stdout.contains("mlp: option 'dp.discretization' must be"), r.stdout)
        let e = try runPrivlab(["check-options", "--function", "federated", "--option", "dp.epsilon", "--value=0"])
        XCTAssertTrue(e.stdout.contains("federated: option 'dp.epsilon' must be greater than 0, got 0"), e.stdout)
    }
}
