import Foundation
import PrivLab

extension Runtime {
    /// `pl.defense.*`: membership-inference defences. Each returns a Model (fit it on the private
    /// set; `model:defense_report()` tells what it did and spent).
    func installDefenses() {
        // pl.defense.output{model=, top_k= | round= | temperature= | label_only=true} → the model, releasing defended outputs
        defineDefense("output") { o in
            let mo = try o.model("model")!
            var policies = [OutputPolicy]()
            if let k = try o.int("top_k", min: 1) { policies.append(.topK(k)) }
            if let d = try o.int("round", min: 0, max: 8) { policies.append(.rounding(decimals: d)) }
            if let t = try o.double("temperature", min: nil, max: nil, above: 0) { policies.append(.temperature(t)) }
            if try o.bool("label_only", false) { policies.append(.labelOnly) }
            try o.finish()
            guard policies.count == 1 else {
                throw LuaError("defense.output: give exactly one of top_k, round, temperature and label_only = true (got \(policies.count))")
            }
            return ModelObject(try OutputDefense(mo.model, policy: policies[0]), onEpoch: mo.onEpoch)
        }

        // pl.defense.dmp{teacher=, student=, reference=, temperature=1, keep=1, seed=}
        defineDefense("dmp") { o in
            let teacher = try o.model("teacher", what: "the unprotected model, trained on the private set")!
            let student = try o.model("student", required: false)
            let reference = try o.dataset("reference", what: "unlabelled records disjoint from the private set")!
            var d = DMPOptions()
            d.temperature = try o.double("temperature", 1, above: 0)
            d.keep = try o.double("keep", 1, max: 1, above: 0)
            d.seed = try o.seed()
            try o.finish()
            return ModelObject(try DMP(teacher: teacher.model, student: (student ?? teacher).model, reference: reference, options: d),
                               onEpoch: student?.onEpoch)
        }

        // pl.defense.pate{teacher=, student=, public=, teachers=10, aggregator="confident", threshold=, sigma1=, sigma=, lambda=, queries=, delta=, epsilon=, seed=, workers=}
        defineDefense("pate") { o in
            let teacher = try o.model("teacher", what: "what each teacher is")!
            let student = try o.model("student", required: false)
            let pub = try o.dataset("public", what: "unlabelled public records the student learns from")!
            var p = PATEOptions()
            p.teachers = try o.int("teachers", 10, min: 2, max: 100_000)
            // Defaults scale the paper's MNIST setting (250 teachers: T = 200, σ₁ = 150, σ₂ = 40) to the teacher count.
            let n = Double(p.teachers)
            let aggregator = try o.string("aggregator", "confident", oneOf: ["confident", "gnmax", "lnmax"])
            let applies = ["confident": ["threshold", "sigma1", "sigma"], "gnmax": ["sigma"], "lnmax": ["lambda"]]
            for key in ["threshold", "sigma1", "sigma", "lambda"] where o.has(key) && !applies[aggregator]!.contains(key) {
                throw LuaError("defense.pate: option '\(key)' does not apply to aggregator = \"\(aggregator)\" (it takes \(applies[aggregator]!.joined(separator: ", ")))")
            }
            switch aggregator {
            case "gnmax": p.aggregator = .gaussian(sigma: try o.double("sigma", 0.16 * n, above: 0))
            case "lnmax": p.aggregator = .laplace(scale: try o.double("lambda", 0.16 * n, above: 0))
            default:
                p.aggregator = .confident(threshold: try o.double("threshold", 0.8 * n),
                                          thresholdSigma: try o.double("sigma1", 0.6 * n, above: 0),
                                          sigma: try o.double("sigma", 0.16 * n, above: 0))
            }
            p.queries = try o.int("queries", min: 1, max: pub.size)
            p.delta = try o.double("delta", 1e-5, max: 1, above: 0)
            p.epsilonBudget = try o.double("epsilon", min: nil, max: nil, above: 0)
            p.seed = try o.seed()
            p.workers = try o.int("workers", p.workers, min: 1, max: 256)
            try o.finish()
            return ModelObject(try PATE(teacher: teacher.model, student: (student ?? teacher).model, publicData: pub, options: p),
                               onEpoch: student?.onEpoch)
        }

        // pl.defense.selena{model=, student=, models=25, excluded=10, seed=, workers=}
        defineDefense("selena") { o in
            let m = try o.model("model", what: "what each Split-AI sub-model is")!
            let student = try o.model("student", required: false)
            var s = SELENAOptions()
            s.models = try o.int("models", 25, min: 2, max: 10_000)
            s.excluded = try o.int("excluded", min(10, s.models - 1), min: 1, max: s.models - 1)
            s.seed = try o.seed()
            s.workers = try o.int("workers", s.workers, min: 1, max: 256)
            try o.finish()
            return ModelObject(try SELENA(model: m.model, student: student?.model, options: s), onEpoch: student?.onEpoch)
        }

        // pl.defense.adversarial{model=, reference=, lambda=1, steps=1, attack_hidden=64, attack_lr=1e-3, attack_batch=64, seed=}
        defineDefense("adversarial") { o in
            let m = try o.model("model", what: "the classifier to regularise")!
            let reference = try o.dataset("reference", what: "non-member records for the inference model")!
            var a = AdversarialRegularizationOptions()
            a.lambda = try o.double("lambda", 1, min: 0)
            a.innerSteps = try o.int("steps", 1, min: 1, max: 1000)
            a.attackHidden = try o.int("attack_hidden", 64, min: 1, max: 4096)
            a.attackLearningRate = try o.double("attack_lr", 1e-3, above: 0)
            a.attackBatch = try o.int("attack_batch", 64, min: 1, max: 1_000_000)
            a.seed = try o.seed()
            try o.finish()
            return ModelObject(try AdversarialRegularization(model: m.model, reference: reference, options: a), onEpoch: m.onEpoch)
        }

        // pl.defense.memguard{model=, reference=, budget=1, iterations=300, seed=}
        defineDefense("memguard") { o in
            let m = try o.model("model", what: "the model whose confidence vectors are defended")!
            let reference = try o.dataset("reference", what: "non-member records for the defence classifier")!
            var g = MemGuardOptions()
            g.budget = try o.double("budget", 1, min: 0)
            g.iterations = try o.int("iterations", 300, min: 1, max: 100_000)
            g.seed = try o.seed()
            try o.finish()
            return ModelObject(try MemGuard(model: m.model, reference: reference, options: g), onEpoch: m.onEpoch)
        }

        // pl.defense.pase{model=, models=5, seed=, workers=}
        defineDefense("pase") { o in
            let m = try o.model("model", what: "what each ensemble member is")!
            var s = PASEOptions()
            s.models = try o.int("models", 5, min: 2, max: 10_000)
            s.seed = try o.seed()
            s.workers = try o.int("workers", s.workers, min: 1, max: 256)
            try o.finish()
            return ModelObject(try PASE(model: m.model, options: s), onEpoch: nil)
        }
    }

    /// Defines `pl.defense.<name>{…}`: reads the options table, builds the defended model, and
    /// reports engine errors under the function's name.
    private func defineDefense(_ name: String, _ build: @escaping (LuaOptions) throws -> ModelObject) {
        let fn = "defense.\(name)"
        define(fn) { call in
            let o = try call.options(1, fn: fn, optional: false)
            do {
                call.pushObject(try build(o), "Model")
            } catch let e as PrivLabError { throw LuaError("\(fn): \(e.description)") }
            return 1
        }
    }
}
