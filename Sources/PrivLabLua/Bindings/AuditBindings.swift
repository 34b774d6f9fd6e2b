import PrivLab

extension Runtime {
    /// `pl.audit.*`: empirical privacy measurements.
    func installAudit() {
        // pl.audit.epsilon_lower_bound{tp=, fp=, positives=, negatives=, alpha=0.05, delta=0}
        //   or {members = {scores…}, nonmembers = {scores…}, …} or {result = attack:evaluate{…}, …}
        define("audit.epsilon_lower_bound") { call in
            let fn = "audit.epsilon_lower_bound"
            let o = try call.options(1, fn: fn, optional: false)
            let alpha = try o.double("alpha", 0.05, max: 0.5, above: 0)
            let delta = try o.double("delta", 0, min: 0, max: 1)
            let r: EpsilonLowerBound.Result
            do {
                if o.has("tp") || o.has("fp") {
                    guard let tp = try o.int("tp"), let fp = try o.int("fp"), let p = try o.int("positives"), let n = try o.int("negatives") else {
                        throw LuaError("\(fn): counts need all of tp, fp, positives and negatives")
                    }
                    try o.finish()
                    r = try EpsilonLowerBound.fromCounts(tp: tp, fp: fp, positives: p, negatives: n, alpha: alpha, delta: delta)
                } else {
                    var members: [Double], nonMembers: [Double]
                    if o.has("result") {
                        guard case .table(let t) = o.raw("result"), let s = t.fields["scores"], let m = t.fields["member"] else {
                            throw LuaError("\(fn): option 'result' must be what attack:evaluate returns (with scores and member)")
                        }
                        let scores = try LuaConvert.numbers(s, fn: fn, arg: "result.scores")
                        guard case .table(let mt) = m, mt.array.count == scores.count else { throw LuaError("\(fn): result.member must list one boolean per score") }
                        let flags = try mt.array.map { v -> Bool in
                            guard case .bool(let b) = v else { throw LuaError("\(fn): result.member must hold booleans") }
                            return b
                        }
                        members = zip(scores, flags).filter { $0.1 }.map(\.0)
                        nonMembers = zip(scores, flags).filter { !$0.1 }.map(\.0)
                    } else {
                        guard o.has("members"), o.has("nonmembers") else {
                            throw LuaError("\(fn): give tp, fp, positives and negatives; or members and nonmembers (score lists); or result")
                        }
                        members = try LuaConvert.numbers(o.raw("members"), fn: fn, arg: "option 'members'")
                        nonMembers = try LuaConvert.numbers(o.raw("nonmembers"), fn: fn, arg: "option 'nonmembers'")
                    }
                    let twoSided = try o.bool("two_sided", true)
                    try o.finish()
                    r = try EpsilonLowerBound.fromScores(members: members, nonMembers: nonMembers, alpha: alpha, delta: delta, twoSided: twoSided)
                }
            } catch let e as PrivLabError { throw LuaError("\(fn): \(e.description.replacingOccurrences(of: "audit: ", with: ""))") }
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
        define("audit.dp_sgd") { call in
            let fn = "audit.dp_sgd"
            let o = try call.options(1, fn: fn, optional: false)
            let m = try o.model("model", what: "a model with dp = {…}, re-trained by the audit")!
            let data = try o.dataset("data", what: "the training records")!
            var a = DPSGDAuditOptions()
            let norm = try o.double("norm", min: nil, max: nil, above: 0)
            // "input" names the input-space canaries as a family; its strongest member, Dirac, is used.
            switch try o.string("kind", "dirac", oneOf: ["dirac", "input", "random", "relabelled", "gradient"]) {
            case "random": a.kind = .random(norm: norm)
            case "gradient":
                if norm != nil { throw LuaError("\(fn): option 'norm' does not apply to kind = \"gradient\" (a gradient canary is as large as the clipping allows)") }
                a.kind = .gradient
            case "relabelled":
                if norm != nil { throw LuaError("\(fn): option 'norm' does not apply to kind = \"relabelled\"") }
                a.kind = .relabelled
            default: a.kind = .dirac(norm: norm)
            }
            if let runs = try o.int("runs", min: 4, max: 100_000) {
                for key in ["canaries", "k_plus", "k_minus", "p"] where o.has(key) {
                    throw LuaError("\(fn): option '\(key)' is for the one-run audit; with runs = \(runs) give alpha")
                }
                let alpha = try o.double("alpha", 0.05, max: 0.5, above: 0)
                let seed = try o.seed()
                try o.finish()
                do {
                    let r = try DPSGDAudit.manyRuns(model: m.model, data: data, runs: runs, kind: a.kind, alpha: alpha, seed: seed)
                    return call.results(.record(["epsilon_lower_bound": .number(r.bound.epsilon), "claimed_epsilon": .number(r.claimedEpsilon),
                                                 "delta": .number(r.delta), "runs": .int(Int64(runs)), "thresholds_tried": .int(Int64(r.bound.thresholdsTried)),
                                                 "method": .string("many training runs (Jagielski, Ullman & Oprea 2020)")]))
                } catch let e as PrivLabError {
                    throw LuaError("\(fn): \(e.description.replacingOccurrences(of: "audit: ", with: ""))")
                }
            }
            a.canaries = try o.int("canaries", 100, min: 2, max: 1_000_000)
            a.kPlus = try o.int("k_plus", min: 0)
            a.kMinus = try o.int("k_minus", min: 0)
            a.significance = try o.double("p", 0.05, max: 1, above: 0)
            a.seed = try o.seed()
            try o.finish()
            let r: DPSGDAuditResult
            do { r = try DPSGDAudit.run(model: m.model, data: data, options: a) } catch let e as PrivLabError {
                throw LuaError("\(fn): \(e.description.replacingOccurrences(of: "audit: ", with: ""))")
            }
            var d = Self.oneRunRecord(OneRunAudit.Result(epsilon: r.epsilonLowerBound, fdp: r.fdp, guesses: r.guesses, correct: r.correct,
                                                         canaries: r.canaries), delta: r.delta)
            d["claimed_epsilon"] = .number(r.claimedEpsilon)
            d["included"] = .int(Int64(r.included))
            d["placement"] = r.placement.map { .string($0.rawValue) } ?? .nil
            return call.results(.record(d))
        }

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
                throw LuaError("\(fn): \(e.description.replacingOccurrences(of: "audit: ", with: ""))")
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
}
