import PrivLab

extension Runtime {
    /// `pl.leakage.*`: membership information leakage (Farokhi & Kaafar 2020).
    func installLeakage() {
        // pl.leakage.kl{learner="logistic"|"ridge", data=, lambda=, sigma= | epsilon=, delta=1e-5}
        define(LeakageDeclarations.kl) { call in
            let fn = LeakageDeclarations.kl.path
            let o = try call.options(1, LeakageDeclarations.kl, optional: false)
            let data = try o.dataset("data", what: "two classes, every row of norm ≤ 1")!
            let lambda = try o.number("lambda")
            let learner: LeakageLearner
            switch try o.choice("learner", LeakageLearnerChoice.self) {
            case .ridge: learner = .ridge(lambda: lambda)
            case .logistic: learner = .logistic(lambda: lambda)
            }
            let sigma = try o.optionalNumber("sigma")
            let epsilon = try o.optionalNumber("epsilon")
            let delta = try o.number("delta")
            try o.finish()
            guard (sigma == nil) != (epsilon == nil) else { throw LuaError("\(fn): give exactly one of sigma and epsilon") }
            let r: MembershipLeakageReport
            do {
                r = try sigma.map { try MembershipLeakage.outputPerturbation(learner, data: data, sigma: $0) }
                    ?? MembershipLeakage.outputPerturbation(learner, data: data, epsilon: epsilon!, delta: delta)
            } catch let e as PrivLabError { throw LuaError("\(fn): \(e.detail)") }
            return call.results(.record(["mean_kl": .number(r.meanKL), "max_kl": .number(r.maxKL), "success_bound": .number(r.successBound),
                                         "optimal_success": .number(r.optimalSuccess), "sigma": .number(r.sigma),
                                         "sensitivity": .number(r.sensitivity), "records": .int(Int64(r.records))]))
        }
        define(LeakageDeclarations.leaveOneOut) { call in
            let fn = "leakage.leave_one_out"
            let o = try call.options(1, LeakageDeclarations.leaveOneOut, optional: false)
            let m = try o.model("model", what: "the learner")!
            let data = try o.dataset("data", what: "the training records")!
            let sigma = try o.number("sigma")
            let count = try o.integer("records")
            let seed = try o.seed()
            try o.finish()
            guard count <= data.size else { throw LuaError("\(fn): option 'records' must be ≤ the records (\(data.size)), got \(count)") }
            do {
                var rng = RNG(seed: seed)
                let ids = try rng.sample(data.size, count).map { data.ids[$0] }
                let r = try MembershipLeakage.leaveOneOut(model: m.model, data: data, recordIDs: ids, sigma: sigma)
                return call.results(.record(["mean_kl": .number(r.meanKL), "max_kl": .number(r.maxKL), "success_bound": .number(r.successBound),
                                             "optimal_success": .number(r.optimalSuccess),
                                             "mean_shift": .number(r.shifts.reduce(0, +) / Double(r.shifts.count)), "max_shift": .number(r.sensitivity),
                                             "parameters": .int(Int64(r.parameters)), "records": .int(Int64(r.records))]))
            } catch let e as PrivLabError { throw LuaError("\(fn): \(e.detail)") }
        }
        // pl.leakage.monte_carlo{model=, data=, id=, runs=100, seed=} → {kl, ci_low, ci_high, runs}
        define(LeakageDeclarations.monteCarlo) { call in
            let fn = LeakageDeclarations.monteCarlo.path
            let o = try call.options(1, LeakageDeclarations.monteCarlo, optional: false)
            let m = try o.model("model", what: "a small randomised learner, e.g. pl.softmax{dp = {…}}")!
            let data = try o.dataset("data")!
            let id = try o.integer("id")
            let runs = try o.integer("runs")
            let seed = try o.seed()
            try o.finish()
            do {
                let r = try MembershipLeakage.monteCarlo(model: m.model, data: data, recordID: id, runs: runs, seed: seed)
                return call.results(.record(["kl": .number(r.kl), "ci_low": .number(r.low), "ci_high": .number(r.high), "runs": .int(Int64(runs))]))
            } catch let e as PrivLabError { throw LuaError("\(fn): \(e.detail)") }
        }
    }
}
