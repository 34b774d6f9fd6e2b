import PrivLab

extension Runtime {
    /// `pl.audit.*`: empirical privacy measurements.
    func installAudit() {
        // pl.audit.epsilon_lower_bound{tp=, fp=, positives=, negatives=, alpha=0.05, delta=0}
        //   or {members = {scores…}, nonmembers = {scores…}, …} or {result = attack:evaluate{…}, …}
        define(AuditDeclarations.epsilonLowerBound) { call in
            let fn = AuditDeclarations.epsilonLowerBound.path
            let o = try call.options(1, AuditDeclarations.epsilonLowerBound, optional: false)
            let alpha = try o.number("alpha"), delta = try o.number("delta")
            let r: EpsilonLowerBound.Result
            do {
                if o.has("tp") || o.has("fp") {
                    guard let tp = try o.optionalInteger("tp"), let fp = try o.optionalInteger("fp"),
                          let p = try o.optionalInteger("positives"), let n = try o.optionalInteger("negatives") else {
                        throw LuaError("\(fn): counts need all of tp, fp, positives and negatives")
                    }
                    for k in ["members", "nonmembers", "result", "two_sided"] where o.has(k) {
                        throw LuaError("\(fn): option '\(k)' is for scores; with counts (tp, fp, …) give those only")
                    }
                    try o.finish()
                    r = try EpsilonLowerBound.fromCounts(tp: tp, fp: fp, positives: p, negatives: n, alpha: alpha, delta: delta)
                } else {
                    for k in ["positives", "negatives"] where o.has(k) {
                        throw LuaError("\(fn): option '\(k)' is for counts: give tp, fp, positives and negatives together")
                    }
                    let (members, nonMembers) = try Runtime.auditScores(o)
                    let twoSided = try o.flag("two_sided")
                    try o.finish()
                    r = try EpsilonLowerBound.fromScores(members: members, nonMembers: nonMembers, alpha: alpha, delta: delta, twoSided: twoSided)
                }
            } catch let e as PrivLabError { throw LuaError("\(fn): \(e.detail)") }
            var d: [String: LuaValue] = ["epsilon": .number(r.epsilon), "rate_lower": .number(r.rateLower), "rate_upper": .number(r.rateUpper),
                                         "thresholds_tried": .int(Int64(r.thresholdsTried))]
            if let t = r.threshold {
                d["threshold"] = .number(t)
                d["note"] = .string("the best of \(r.thresholdsTried) thresholds, chosen on the same scores: a valid \(formatCompact(100 * (1 - alpha)))% bound needs the threshold fixed on other data (or alpha divided by \(r.thresholdsTried))")
            }
            return call.results(.record(d))
        }

        installTrainingAudits()
    }

    /// The audits that train models with canaries (many runs or one), and the one-run bounds from counts.
    private func installTrainingAudits() {
        // pl.audit.dp_sgd{model=, data=, canaries=100, kind="dirac"|"random"|"relabelled"|"gradient", norm=, k_plus=, k_minus=, p=0.05, seed=}
        //   or {model=, data=, runs=R, kind=, norm=, alpha=0.05, seed=}: the many-run audit (R trainings, one canary)
        define(AuditDeclarations.dpSGD) { call in try Runtime.auditDPSGD(call) }

        // pl.audit.one_run{canaries=, guesses=, correct=, delta=1e-5, p=0.05}: both one-run bounds from the counts.
        define(AuditDeclarations.oneRun) { call in
            let fn = AuditDeclarations.oneRun.path
            let o = try call.options(1, AuditDeclarations.oneRun, optional: false)
            let m = try o.integer("canaries"), r = try o.integer("guesses"), v = try o.integer("correct")
            let delta = try o.number("delta"), p = try o.number("p")
            try o.finish()
            do {
                return call.results(.record(Self.oneRunRecord(try OneRunAudit.bound(canaries: m, guesses: r, correct: v, delta: delta, p: p), delta: delta)))
            } catch let e as PrivLabError {
                throw LuaError("\(fn): \(e.detail)")
            }
        }
    }

    /// A one-run audit's result table: Steinke et al.'s ε beside the f-DP bound (μ and its ε), as
    /// `AuditDeclarations.oneRunFields` documents it.
    static func oneRunRecord(_ r: OneRunAudit.Result, delta: Double) -> [String: LuaValue] {
        ["epsilon_lower_bound": .number(r.epsilon), "mu_lower_bound": .number(r.fdp.mu), "epsilon_lower_bound_fdp": .number(r.fdp.epsilon),
         "delta": .number(delta), "guesses": .int(Int64(r.guesses)), "correct": .int(Int64(r.correct)), "canaries": .int(Int64(r.canaries)),
         "method": .string("one training run: ε of Steinke, Nasr & Jagielski 2023; μ-GDP of Mahloujifar, Melis & Chaudhuri 2024")]
    }

    /// The members' and non-members' scores: given as two lists, or an attack:evaluate result.
    static func auditScores(_ o: LuaOptions) throws -> (members: [Double], nonMembers: [Double]) {
        let fn = o.fn
        if o.has("result") {
            guard case .table(let t) = try o.value("result"), let s = t.fields["scores"], let m = t.fields["member"] else {
                throw LuaError("\(fn): option 'result' must be what attack:evaluate returns (with scores and member)")
            }
            let scores = try LuaConvert.numbers(s, fn: fn, arg: "result.scores")
            guard case .table(let mt) = m, mt.array.count == scores.count else { throw LuaError("\(fn): result.member must list one boolean per score") }
            let flags = try mt.array.map { v -> Bool in
                guard case .bool(let b) = v else { throw LuaError("\(fn): result.member must hold booleans") }
                return b
            }
            for k in ["members", "nonmembers"] where o.has(k) { throw LuaError("\(fn): give result, or members and nonmembers, not both") }
            return (zip(scores, flags).filter { $0.1 }.map(\.0), zip(scores, flags).filter { !$0.1 }.map(\.0))
        }
        guard o.has("members"), o.has("nonmembers") else {
            throw LuaError("\(fn): give tp, fp, positives and negatives; or members and nonmembers (score lists); or result")
        }
        return (try LuaConvert.numbers(o.value("members"), fn: fn, arg: "option 'members'"),
                try LuaConvert.numbers(o.value("nonmembers"), fn: fn, arg: "option 'nonmembers'"))
    }

    /// pl.audit.dp_sgd{model=, data=, canaries=100, kind="dirac"|"random"|"relabelled"|"gradient", norm=, k_plus=, k_minus=, p=0.05, seed=}
    ///   or {model=, data=, runs=R, kind=, norm=, alpha=0.05, seed=}: the many-run audit (R trainings, one canary)
    static func auditDPSGD(_ call: LuaCall) throws -> Int32 {
        let fn = AuditDeclarations.dpSGD.path
        let o = try call.options(1, AuditDeclarations.dpSGD, optional: false)
        let m = try o.model("model", what: "a model with dp = {…}, re-trained by the audit")!
        let data = try o.dataset("data", what: "the training records")!
        var a = DPSGDAuditOptions()
        let norm = try o.optionalNumber("norm")
        // "input" names the input-space canaries as a family; its strongest member, Dirac, is used.
        switch try o.choice("kind", AuditDeclarations.CanaryChoice.self) {
        case .random: a.kind = .random(norm: norm)
        case .gradient:
            if norm != nil { throw LuaError("\(fn): option 'norm' does not apply to kind = \"gradient\" (a gradient canary is as large as the clipping allows)") }
            a.kind = .gradient
        case .relabelled:
            if norm != nil { throw LuaError("\(fn): option 'norm' does not apply to kind = \"relabelled\"") }
            a.kind = .relabelled
        case .dirac, .input: a.kind = .dirac(norm: norm)
        }
        if let runs = try o.optionalInteger("runs") {
            for key in ["canaries", "k_plus", "k_minus", "p"] where o.has(key) {
                throw LuaError("\(fn): option '\(key)' is for the one-run audit; with runs = \(runs) give alpha")
            }
            let alpha = try o.number("alpha")
            let seed = try o.seed()
            try o.finish()
            do {
                let r = try DPSGDAudit.manyRuns(model: m.model, data: data, runs: runs, kind: a.kind, alpha: alpha, seed: seed)
                return call.results(.record(["epsilon_lower_bound": .number(r.bound.epsilon), "claimed_epsilon": .number(r.claimedEpsilon),
                                             "delta": .number(r.delta), "runs": .int(Int64(runs)), "thresholds_tried": .int(Int64(r.bound.thresholdsTried)),
                                             "method": .string("many training runs (Jagielski, Ullman & Oprea 2020)")]))
            } catch let e as PrivLabError { throw LuaError("\(fn): \(e.detail)") }
        }
        a.canaries = try o.integer("canaries")
        a.kPlus = try o.optionalInteger("k_plus")
        a.kMinus = try o.optionalInteger("k_minus")
        a.significance = try o.number("p")
        a.seed = try o.seed()
        try o.finish()
        let r: DPSGDAuditResult
        do { r = try DPSGDAudit.run(model: m.model, data: data, options: a) } catch let e as PrivLabError { throw LuaError("\(fn): \(e.detail)") }
        var d = Self.oneRunRecord(OneRunAudit.Result(epsilon: r.epsilonLowerBound, fdp: r.fdp, guesses: r.guesses, correct: r.correct,
                                                     canaries: r.canaries), delta: r.delta)
        d["claimed_epsilon"] = .number(r.claimedEpsilon)
        d["included"] = .int(Int64(r.included))
        d["placement"] = r.placement.map { .string($0.rawValue) } ?? .nil
        return call.results(.record(d))
    }
}
