import Foundation
import PrivLab
import PrivLabLua
import XCTest

final class PrivacyBindingTests: XCTestCase {
    func testEpsilonNoiseForAndPhasesFromLua() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local q = 256 / 60000
            local eps, order = pl.privacy.epsilon{sample_rate = q, noise = 1.1, steps = 2344, delta = 1e-5}
            local sigma = pl.privacy.noise_for{epsilon = eps, sample_rate = q, steps = 2344, delta = 1e-5}
            local two = pl.privacy.epsilon{phases = {{sample_rate = q, noise = 1.1, steps = 1000}, {sample_rate = q, noise = 1.1, steps = 1344}}, delta = 1e-5}
            local classic = pl.privacy.epsilon{sample_rate = q, noise = 1.1, steps = 2344, delta = 1e-5, conversion = "classic"}
            local rdp, orders = pl.privacy.rdp{sample_rate = 1, noise = 2, steps = 1, orders = {2, 3}}
            local pld = pl.privacy.epsilon{sample_rate = q, noise = 1.1, steps = 2344, delta = 1e-5, accountant = "pld"}
            return eps, order, sigma, two, classic, rdp[2], #orders, pld
            """)
        // dp-accounting's PLD accountant gives 0.9189918 for this run (Fixtures/pld_reference.json).
        XCTAssertEqual(r[7].double!, 0.9189918, accuracy: 1e-4)
        let eps = r[0].double!
        XCTAssertGreaterThan(eps, 0.5)
        XCTAssertLessThan(eps, 5)
        XCTAssertEqual(r[2].double!, 1.1, accuracy: 1e-4)
        XCTAssertEqual(r[3].double!, eps, accuracy: 1e-9 * eps)
        XCTAssertGreaterThan(r[4].double!, eps)
        XCTAssertEqual(r[5].double, 3.0 / 8)
        XCTAssertEqual(r[6].asInt, 2)
    }

    /// A model trained to a target ε reports the ε `pl.privacy.epsilon` gives for its own run,
    /// under the accountant it was asked for; `pl.privacy.delta` inverts it. Catches the PLD
    /// calibration bug (σ from RDP, ε from PLD) at the level users see it.
    func testTrainedModelReportsTheEpsilonOfItsAccountant() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local d = pl.data.blobs{n = 2000, features = 5, classes = 3, seed = 4}
            local out = {}
            for _, acc in ipairs{"rdp", "pld"} do
              local m = pl.mlp{hidden = {8}, epochs = 3, batch = 100, seed = 1,
                               dp = {clip = 1, epsilon = 2, delta = 1e-5, accountant = acc}}
              m:fit(d)
              local p = m:privacy()
              local again = pl.privacy.epsilon{sample_rate = p.sample_rate, noise = p.noise, steps = p.steps, delta = 1e-5, accountant = acc}
              local sigma = pl.privacy.noise_for{epsilon = 2, sample_rate = 0.05, steps = 60, delta = 1e-5, accountant = acc}
              local delta = pl.privacy.delta{sample_rate = p.sample_rate, noise = p.noise, steps = p.steps, epsilon = p.epsilon, accountant = acc}
              out[#out + 1] = p.accountant
              out[#out + 1] = p.epsilon
              out[#out + 1] = again
              out[#out + 1] = p.noise
              out[#out + 1] = sigma
              out[#out + 1] = delta
            end
            return table.unpack(out)
            """)
        for k in 0..<2 {
            let v = Array(r[(6 * k)..<(6 * k + 6)])
            if case .string(let name) = v[0] { XCTAssertEqual(name, ["rdp", "pld"][k]) } else { XCTFail("accountant is not a string: \(v[0])") }
            XCTAssertEqual(v[1].double!, v[2].double!, "reported ε = pl.privacy.epsilon of the same run")
            XCTAssertLessThanOrEqual(v[1].double!, 2)
            XCTAssertGreaterThan(v[1].double!, 1.9998)
            XCTAssertEqual(v[3].double!, v[4].double!, "σ = pl.privacy.noise_for under the same accountant")
            XCTAssertLessThanOrEqual(v[5].double!, 1e-5 * (1 + 1e-6))
            XCTAssertGreaterThan(v[5].double!, k == 1 ? 0.99e-5 : 0)
        }
        XCTAssertEqual(r[9].double!, 1.1888, accuracy: 5e-4, "dp-accounting's σ for this run, per the issue")
    }

    func testPrivacyArgumentErrors() throws {
        let (rt, _) = try makeRuntime()
        assertLuaError(rt, "pl.privacy.epsilon{sample_rate = 1.5, noise = 1, steps = 10, delta = 1e-5}", ["privacy.epsilon: option 'sample_rate' must be at most 1, got 1.5"])
        assertLuaError(rt, "pl.privacy.epsilon{sample_rate = 0.1, noise = 0, steps = 10, delta = 1e-5}", ["privacy.epsilon: option 'noise' must be greater than 0, got 0"])
        assertLuaError(rt, "pl.privacy.epsilon{sample_rate = 0.1, noise = 1, steps = 10, delta = 1}", ["delta must be in (0, 1)"])
        assertLuaError(rt, "pl.privacy.epsilon{sample_rate = 0.1, noise = 1, steps = 10}", ["option 'delta' is required"])
        assertLuaError(rt, "pl.privacy.epsilon{sample_rate = 0.1, noise = 1, steps = 10, delta = 1e-5, accountant = 'moments'}", ["option 'accountant' must be one of \"rdp\", \"pld\""])
        assertLuaError(rt, "pl.privacy.noise_for{epsilon = -1, sample_rate = 0.1, steps = 10, delta = 1e-5}", ["epsilon must be a positive number"])
        assertLuaError(rt, "pl.privacy.epsilon{sample_rate = 0.1, noise = 1, steps = 10, delta = 1e-5, sigma = 2}", ["unknown option 'sigma'"])
        assertLuaError(rt, "pl.privacy.epsilon{sample_rate = 0.1, noise = 1, steps = 10, delta = 1e-5, accountant = 'pld', orders = {2, 3}}",
                       ["privacy.epsilon: option 'orders' needs accountant = \"rdp\""])
        assertLuaError(rt, "pl.privacy.rdp{sample_rate = 0.1, noise = 1, steps = 10, accountant = 'pld'}", ["privacy.rdp: option 'accountant' does not apply (the curve is the RDP accountant's own"])
        assertLuaError(rt, "pl.privacy.rdp{sample_rate = 0.1, noise = 1, steps = 10, discretization = 1e-3}", ["privacy.rdp: option 'discretization' does not apply"])
        assertLuaError(rt, "pl.privacy.epsilon{phases = {{sample_rate = 0, noise = 1, steps = 1}}, delta = 1e-5}",
                       ["privacy.epsilon phases[1]: option 'sample_rate' must be greater than 0, got 0"])
        assertLuaError(rt, "pl.privacy.delta{sample_rate = 0.1, noise = 1, steps = 10}", ["privacy.delta: option 'epsilon' is required"])
        // The crashing inputs (SIGILL in PLDAccountant.stepPLD) are errors now.
        assertLuaError(rt, "pl.privacy.epsilon{sample_rate = 0.01, noise = 1e-6, steps = 1000, delta = 1e-5, accountant = 'pld'}",
                       ["cannot represent noise σ = 1e-06"])
        assertLuaError(rt, "pl.mlp{hidden = {4}, epochs = 1, dp = {clip = 1, delta = 1e-5, accountant = 'pld', noise = 1e-6}}:fit(pl.data.blobs{n = 500, features = 3, classes = 2, seed = 1})",
                       ["cannot represent noise"])
        assertLuaError(rt, "pl.mlp{hidden = {4}, epochs = 1, dp = {clip = 1, delta = 1e-5, accountant = 'pld', epsilon = 1e9}}:fit(pl.data.blobs{n = 500, features = 3, classes = 2, seed = 1})",
                       ["cannot represent noise"])
        assertLuaError(rt, "pl.privacy.epsilon{phases = {{sample_rate = 0.1, noise = 1}}, delta = 1e-5}", ["phases[1]: option 'steps' is required"])
    }
}

final class DPTrainingBindingTests: XCTestCase {
    func testDPOptionOnModelsAndPrivacyStatement() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 400, features = 4, classes = 3, seed = 2}
            local m = pl.mlp{hidden = {8}, epochs = 3, batch = 40, dp = {clip = 1, noise = 1.1, delta = 1e-5}}
            local h = m:fit(d)
            local p = m:privacy()
            print(#h, h[1].epsilon < h[3].epsilon, h[3].epsilon == p.epsilon, p.steps, p.sampling, p.note == nil)
            local s = pl.softmax{epochs = 2, batch = 40, optimizer = "adam", lr = 0.01, dp = {epsilon = 1, delta = 1e-5, sampling = "shuffle"}}
            s:fit(d)
            print(s:privacy().epsilon <= 1, s:privacy().note ~= nil, pl.mlp{}:privacy() == nil)
            local t = pl.softmax{epochs = 1, batch = 40, dp = {noise = 1.1, accountant = "pld"}}
            t:fit(d)
            print(t:privacy().accountant, t:privacy().epsilon < pl.privacy.epsilon{sample_rate = 0.1, noise = 1.1, steps = 10, delta = 1e-5})
            """)
        assertPrinted(sink.text, "3\ttrue\ttrue\t30\tpoisson\ttrue\ntrue\ttrue\ttrue\npld\ttrue\n",
                      facts: ["history rows", "ε grows over the epochs", "the last epoch's ε is the report's", "steps accounted", "sampling",
                              "no note under Poisson sampling", "a target ε is met", "shuffling is noted", "a non-private model has no report",
                              "the accountant chosen", "PLD's ε is below RDP's"])
        assertLuaError(rt, "pl.mlp{dp = {clip = 1}}", ["needs exactly one of 'noise' (σ) and 'epsilon'"])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, epsilon = 2}}", ["needs exactly one of"])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, clip = -1}}", ["mlp: option 'dp.clip' must be greater than 0, got -1"])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, sampling = 'uniform'}}", ["mlp: option 'dp.sampling' must be one of \"poisson\", \"shuffle\", got \"uniform\""])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, clipping = 1}}", ["mlp: unknown option 'dp.clipping' — did you mean 'dp.clip'? (accepted: dp.accountant, dp.clip, "])
        assertLuaError(rt, "pl.mlp{dp = 1}", ["option 'dp' must be a table"])
    }
}

final class AccountantSettingsBindingTests: XCTestCase {
    /// `dp = {accountant = "pld", discretization = …}` reaches the accountant: the model's ε is the
    /// one the engine gives for the same setting, different from the default's; the statement lists
    /// its events; a setting of the other accountant is refused by name, a bad one by its bounds.
    func testDPTableSettingsReachTheAccountant() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 400, features = 4, classes = 3, seed = 2}
            local a = pl.softmax{epochs = 1, batch = 40, seed = 3, dp = {noise = 1.1, accountant = "pld"}}
            a:fit(d)
            local b = pl.softmax{epochs = 1, batch = 40, seed = 3, dp = {noise = 1.1, accountant = "pld", discretization = 0.02}}
            b:fit(d)
            local direct = pl.privacy.epsilon{sample_rate = 0.1, noise = 1.1, steps = 10, delta = 1e-5, accountant = "pld", discretization = 0.02}
            print(string.format("%.17g", b:privacy().epsilon), b:privacy().epsilon == direct, a:privacy().epsilon ~= b:privacy().epsilon)
            print(#b:privacy().events, b:privacy().events[1])
            local c = pl.softmax{epochs = 1, batch = 40, seed = 3, dp = {noise = 1.1, conversion = "classic"}}
            c:fit(d)
            print(c:privacy().epsilon == pl.privacy.epsilon{sample_rate = 0.1, noise = 1.1, steps = 10, delta = 1e-5, conversion = "classic"})
            local _, rp = pl.synth.random_mixing{data = d, m = 10, noise = 2, outputs = 50, accountant = "pld", discretization = 0.02}
            print(rp.epsilon == pl.privacy.epsilon{sample_rate = 10 / 400, noise = 2, steps = 50, delta = 1e-5, accountant = "pld", discretization = 0.02})
            """)
        let swift = try PLDAccountant(discretization: 0.02).epsilon([PrivacyPhase(sampleRate: 0.1, noise: 1.1, steps: 10)], delta: 1e-5)
        assertPrinted(sink.text, String(format: "%.17g", swift) + "\ttrue\ttrue\n"
                      + "1\t10 × Gaussian mechanism (noise multiplier σ = 1.1, sensitivity 1) on a Poisson sample (rate q = 0.1)\ntrue\ntrue\n",
                      facts: ["ε as Swift's PLD accountant with that discretization", "as pl.privacy.epsilon with it", "not the default's",
                              "one event", "in plain words", "the RDP conversion passes through too", "and a synthesis accountant's setting"])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, accountant = 'pld', orders = {2, 3}}}", ["mlp: option 'dp.orders' needs dp.accountant = \"rdp\""])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, discretization = 0.01}}", ["mlp: option 'dp.discretization' needs dp.accountant = \"pld\""])
        assertLuaError(rt, "pl.mlp{dp = {noise = 1, accountant = 'pld', discretization = 0.5}}", ["mlp: option 'dp.discretization' must be at most 0.1, got 0.5"])
    }
}

final class MechanismBindingTests: XCTestCase {
    func testMechanismsFromLua() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local v, b = pl.privacy.laplace{value = 5, sensitivity = 1, epsilon = 0.5, seed = 1}
            local w = pl.privacy.laplace{value = 5, sensitivity = 1, epsilon = 0.5, seed = 1}
            print(type(v), b, v == w)
            local xs, s = pl.privacy.gaussian{values = {1, 2, 3}, epsilon = 1, delta = 1e-5, seed = 2}
            print(#xs, string.format("%.4f", s), string.format("%.3g", pl.privacy.gaussian_delta{sigma = s, epsilon = 1}))
            local r = pl.privacy.randomized_response{values = {0, 1, 1, 0}, categories = 2, epsilon = 2, seed = 3}
            print(#r, #pl.privacy.rr_estimate{reports = r, categories = 2, epsilon = 2})
            """)
        assertPrinted(sink.text, "number\t2.0\ttrue\n3\t3.7306\t1e-05\n4\t2\n",
                      facts: ["Laplace returns a number", "Laplace scale 1/ε", "the same seed gives the same draw", "one noisy value per input",
                              "the analytic Gaussian σ", "δ at that σ is the δ asked", "one report per value", "one frequency per category"])
        assertLuaError(rt, "pl.privacy.laplace{values = {1}, epsilon = 0}", ["privacy.laplace: option 'epsilon' must be greater than 0"])
        assertLuaError(rt, "pl.privacy.gaussian{value = 1, epsilon = 2, calibration = 'classic'}", ["0 < ε < 1"])
        assertLuaError(rt, "pl.privacy.laplace{epsilon = 1}", ["option 'value' or 'values' is required"])
        assertLuaError(rt, "pl.privacy.randomized_response{values = {5}, categories = 2}", ["value 5 is outside 0..<2"])
    }
}

final class PerturbationBindingTests: XCTestCase {
    func testPerturbationFromLua() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 100, classes = 2, seed = 1}
            local noisy, g = pl.privacy.perturb_features(d, {epsilon = 1, clip = 5, seed = 2})
            print(noisy:size(), g.note:find("not its label") ~= nil, g.unit, g.sensitivity)
            local _, w = pl.privacy.perturb_features(d, {epsilon = 1, label_epsilon = 0.5, clip = 5, mechanism = "laplace", seed = 2})
            print(w.unit, w.epsilon, w.delta, w.noise, #w.events)
            local m = pl.softmax{epochs = 2}
            m:fit(d)
            local p, labels, h = pl.privacy.release_predictions(m, d:head(3), {epsilon = 2})
            print(#p, #labels, h.epsilon_per_vector, h.noise, h.epsilon, h.delta, #h.events)
            """)
        assertPrinted(sink.text, "100\ttrue\tfeatures\t10.0\nrecord\t1.5\t0.0\t10.0\t2\n3\t3\t2.0\t1.0\t6.0\t0.0\t1\n",
                      facts: ["every record released", "the guarantee says labels are not protected", "the unit is the features", "sensitivity 2·clip",
                              "with label_epsilon the unit is the record", "ε adds up", "Laplace is pure", "Laplace scale 2·clip/ε", "features then labels",
                              "probability vectors released",
                              "labels released", "ε per vector", "Laplace scale 2/ε", "the 3 vectors compose to 3ε", "pure", "one self-composed event"])
        assertLuaError(rt, "pl.privacy.perturb_features(pl.data.blobs{n = 5}, {mechanism = 'exponential'})", ["option 'mechanism' must be one of"])
        assertLuaError(rt, "pl.privacy.perturb_features(pl.data.blobs{n = 5}, {label_epsilon = 0})", ["perturb_features", "label_epsilon"])
        assertLuaError(rt, "pl.privacy.perturb_features(pl.data.blobs{n = 5}, {clip = -1})", ["perturb_features", "clip"])
        assertLuaError(rt, "pl.privacy.release_predictions(pl.data.blobs{n = 5}, {{1, 2}}, {})", ["argument 1 (model) must be a Model, got Dataset"])
    }

    /// `pl.audit.epsilon_lower_bound` from counts, from score lists and from an attack's result
    /// (the same bound either way), with the multiple-comparison note; bad counts are errors.
    func testEpsilonLowerBoundFromLua() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local c = pl.audit.epsilon_lower_bound{tp = 500, fp = 1, positives = 1000, negatives = 1000}
            local d = pl.data.blobs{n = 400, features = 10, classes = 2, std = 6, seed = 3}
            local a, b = d:split{test = 0.5, seed = 1}
            local m = pl.mlp{hidden = {64}, epochs = 100, optimizer = "adam", lr = 3e-3, seed = 1}
            m:fit(a)
            local res = pl.attack.metric{target = m}:evaluate{members = a, nonmembers = b}
            local s = pl.audit.epsilon_lower_bound{result = res}
            local members, non = {}, {}
            for i, sc in ipairs(res.scores) do if res.member[i] then members[#members + 1] = sc else non[#non + 1] = sc end end
            local s2 = pl.audit.epsilon_lower_bound{members = members, nonmembers = non}
            return c.epsilon, s.epsilon == s2.epsilon, s.epsilon > 0, s.note ~= nil and s.note:find("thresholds") ~= nil
            """)
        guard case .number(let eps) = r[0] else { return XCTFail("no epsilon") }
        XCTAssertEqual(eps, 4.434236439795830, accuracy: 1e-9, "TF Privacy's value for 500/1000 against 1/1000")
        XCTAssertEqual(r[1].scalar, true)
        XCTAssertEqual(r[2].scalar, true)
        XCTAssertEqual(r[3].scalar, true)
        assertLuaError(rt, "pl.audit.epsilon_lower_bound{tp = 11, fp = 0, positives = 10, negatives = 10}", ["audit.epsilon_lower_bound: tp must be in 0…10"])
        assertLuaError(rt, "pl.audit.epsilon_lower_bound{tp = 1, fp = 0}", ["counts need all of tp, fp, positives and negatives"])
        assertLuaError(rt, "pl.audit.epsilon_lower_bound{tp = 1, fp = 0, positives = 5, negatives = 5, alpha = 0.7}", ["option 'alpha' must be at most 0.5"])
        assertLuaError(rt, "pl.audit.epsilon_lower_bound{}", ["give tp, fp, positives and negatives; or members and nonmembers"])
    }

    /// `pl.audit.one_run` from counts: both bounds as the engine computes them, and its errors by option.
    func testOneRunAuditFromCounts() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec("""
            local a = pl.audit.one_run{canaries = 100, guesses = 80, correct = 70, delta = 1e-6}
            return a.epsilon_lower_bound, a.mu_lower_bound, a.epsilon_lower_bound_fdp, a.guesses, a.delta
            """)
        let b = try OneRunAudit.bound(canaries: 100, guesses: 80, correct: 70, delta: 1e-6)
        XCTAssertEqual(r[0].scalar, AnyHashable(b.epsilon))
        XCTAssertEqual(r[1].scalar, AnyHashable(b.fdp.mu))
        XCTAssertEqual(r[2].scalar, AnyHashable(b.fdp.epsilon))
        XCTAssertEqual(r[3].scalar, AnyHashable(Int64(80)))
        XCTAssertEqual(r[4].scalar, AnyHashable(1e-6))
        let p = try rt.exec("local a = pl.audit.one_run{canaries = 100, guesses = 80, correct = 70, p = 0.01}; return a.mu_lower_bound, a.delta")
        XCTAssertEqual(p[0].scalar, AnyHashable(try FDPOneRunAudit.muLowerBound(canaries: 100, guesses: 80, correct: 70, significance: 0.01)))
        XCTAssertEqual(p[1].scalar, AnyHashable(1e-5), "δ defaults to 1e-5")
        assertLuaError(rt, "pl.audit.one_run{canaries = 10, guesses = 11, correct = 1}", ["audit.one_run: option 'guesses", "at most 10 (canaries)"])
        assertLuaError(rt, "pl.audit.one_run{canaries = 10, guesses = 5, correct = 6}", ["audit.one_run: option 'correct", "at most 5 (guesses)"])
        assertLuaError(rt, "pl.audit.one_run{canaries = 10, guesses = 5}", ["audit.one_run: option 'correct' is required"])
        assertLuaError(rt, "pl.audit.one_run{canaries = 10, guesses = 5, correct = 1, p = 1}", ["audit.one_run: option 'p"])
        assertLuaError(rt, "pl.audit.one_run{canaries = 10, guesses = 5, correct = 1, k_plus = 2}", ["audit.one_run", "k_plus"])
    }

    /// `pl.audit.dp_sgd` from Lua: the result's fields, and its errors by option.
    func testDPSGDAuditFromLua() throws {
        let (rt, _) = try makeRuntime()
        let setup = """
            local b = pl.data.blobs{n = 300, features = 5, classes = 2, seed = 1}
            local x = {}
            for i, id in ipairs(b:ids()) do local f = b:record(id).features; for _ = 1, 20 do f[#f + 1] = 0 end; x[i] = f end
            local d = pl.data.from_table{x = x, y = b:labels(), classes = 2}
            local m = pl.softmax{epochs = 5, batch = 600, dp = {clip = 1, noise = 2}}
            """
        let r = try rt.exec(setup + """
            local a = pl.audit.dp_sgd{model = m, data = d, canaries = 20, seed = 2}
            return a.canaries, a.guesses, a.claimed_epsilon > 0, a.epsilon_lower_bound >= 0, a.method,
                   a.mu_lower_bound >= 0 and a.epsilon_lower_bound_fdp >= 0
            """)
        XCTAssertEqual(r[5].scalar, true, "the f-DP bound beside Steinke et al.'s")
        XCTAssertEqual(r[0].scalar, AnyHashable(Int64(20)))
        XCTAssertEqual(r[1].scalar, AnyHashable(Int64(10)), "a quarter each way")
        XCTAssertEqual(r[2].scalar, true)
        XCTAssertEqual(r[3].scalar, true)
        assertLuaError(rt, setup + "pl.audit.dp_sgd{model = m, data = d, canaries = 21}", ["audit.dp_sgd: Dirac canaries need one feature the data never uses per canary: 20 unused features for 21 canaries"])
        assertLuaError(rt, setup + "pl.audit.dp_sgd{model = m, data = d, kind = \"relabelled\", norm = 3}", ["option 'norm' does not apply to kind = \"relabelled\""])
        assertLuaError(rt, setup + "pl.audit.dp_sgd{model = pl.softmax{epochs = 1}, data = d, canaries = 10}", ["audit.dp_sgd: the model is not trained with DP"])
        // White-box gradient canaries: placed on the weights of the 20 unused features.
        let g = try rt.exec(setup + """
            local a = pl.audit.dp_sgd{model = m, data = d, kind = "gradient", canaries = 30, seed = 2}
            return a.canaries, a.placement
            """)
        XCTAssertEqual(g[0].scalar, AnyHashable(Int64(30)))
        XCTAssertEqual(g[1].scalar, AnyHashable("first-layer weights of features no training record uses"))
        let input = try rt.exec(setup + """
            local a = pl.audit.dp_sgd{model = m, data = d, kind = "input", canaries = 20, seed = 2}
            local b = pl.audit.dp_sgd{model = m, data = d, kind = "dirac", canaries = 20, seed = 2}
            return a.correct == b.correct and a.epsilon_lower_bound == b.epsilon_lower_bound, a.placement
            """)
        XCTAssertEqual(input[0].scalar, true, "kind = \"input\" is the Dirac input canaries")
        XCTAssertTrue(input[1].isNil, "input canaries have no parameter placement")
        assertLuaError(rt, setup + "pl.audit.dp_sgd{model = m, data = d, kind = \"gradient\", norm = 2}", ["option 'norm' does not apply to kind = \"gradient\""])
        assertLuaError(rt, setup + "pl.audit.dp_sgd{model = pl.softmax{epochs = 1}, data = d, kind = \"gradient\"}", ["audit.dp_sgd: fit: inserted gradients (gradient canaries) need DP-SGD"])
    }

    /// `pl.memorisation.*` from Lua: a feature table (1-based position), planting by record id,
    /// the score's fields; errors by option.
    func testMemorisationFromLua() throws {
        let (rt, _) = try makeRuntime()
        let setup = """
            local b = pl.data.blobs{n = 200, features = 36, classes = 3, seed = 1}
            local x = {}
            for i, id in ipairs(b:ids()) do x[i] = b:record(id).features end
            local d = pl.data.from_table{x = x, y = b:labels(), classes = 3, image_shape = {1, 6, 6}}
            local f = pl.memorisation.feature{size = 2, row = 2, col = 3, high = 9, seed = 4}
            """
        let r = try rt.exec(setup + """
            local p = pl.memorisation.plant{data = d, feature = f, id = 5}
            local rec = p:record(5).features
            local m = pl.mlp{hidden = {16}, epochs = 5, seed = 1}
            m:fit(p)
            local s = pl.memorisation.score{model = m, probes = d, feature = f, label = p:record(5).label}
            return rec[6 + 3] == f.pixels[1], rec[12 + 4] == f.pixels[4], #f.pixels, s.probes, s.p_value >= 0 and s.p_value <= 1
            """)
        XCTAssertEqual(r[0].scalar, true, "row 2, column 3 is the patch's first pixel")
        XCTAssertEqual(r[1].scalar, true, "row 3, column 4 its last")
        XCTAssertEqual(r[2].scalar, AnyHashable(Int64(4)))
        XCTAssertEqual(r[3].scalar, AnyHashable(Int64(200)))
        XCTAssertEqual(r[4].scalar, true)
        assertLuaError(rt, setup + "pl.memorisation.plant{data = d, feature = f, id = 999}", ["memorisation.plant: no record with id 999"])
        assertLuaError(rt, setup + "pl.memorisation.plant{data = d, feature = pl.memorisation.feature{size = 3, row = 5}, id = 1}",
                       ["memorisation.plant: a 3×3 feature at (4, 0) does not fit 6×6 images"])
        assertLuaError(rt, setup + "pl.memorisation.plant{data = pl.data.blobs{n = 5, features = 36}, feature = f, id = 1}", ["the data must be images"])
        // M2 is label-free (the paper's attacker does not know the label): without one, no M3.
        let free = try rt.exec(setup + """
            local m = pl.mlp{hidden = {16}, epochs = 2, seed = 1}
            m:fit(d)
            local s = pl.memorisation.score{model = m, probes = d, feature = f}
            local l = pl.memorisation.score{model = m, probes = d, feature = f, label = 1}
            return s.m3 == nil, s.p_value == nil, s.m2 == l.m2, s.m2_p_value >= 0 and s.m2_p_value <= 1, l.mann_whitney_p >= 0 and l.mann_whitney_p <= 1
            """)
        XCTAssertEqual(free.map(\.scalar), [true, true, true, true, true])
        assertLuaError(rt, setup + "pl.memorisation.score{model = pl.mlp{}, probes = d, feature = f, label = -1}", ["memorisation.score", "option 'label'"])
        // Self-influence (white box): a relabelled record by Dataset:with_label, traced through training.
        let i = try rt.exec(setup + """
            local w = d:with_label(5, (d:record(5).label + 1) % 3)
            local a = pl.memorisation.influence{model = pl.mlp{hidden = {16}, epochs = 20, seed = 1}, data = w, id = 5, trace = true}
            return w:record(5).label ~= d:record(5).label, w:record(6).label == d:record(6).label, a.records, a.rank >= 1 and a.rank <= 200, a.score > 0
            """)
        XCTAssertEqual(i.map(\.scalar), [true, true, AnyHashable(Int64(200)), true, true])
        assertLuaError(rt, setup + "pl.memorisation.influence{model = pl.mlp{}, data = d, id = 5}", ["memorisation.influence: the model is not fitted: fit it first, or give trace = true"])
        assertLuaError(rt, setup + "pl.memorisation.influence{model = pl.logistic{}, data = d, id = 5, trace = true}", ["self-influence needs the model's gradients"])
        assertLuaError(rt, setup + "d:with_label(5, 3)", ["Dataset.with_label: label must be in 0…2, got 3"])
        assertLuaError(rt, setup + "d:with_label(999, 1)", ["Dataset.with_label: no record with id 999"])
    }
}
