import Foundation
import PrivLab

extension Runtime {
    /// `pl.defense.*`: membership-inference defenses. Each returns a Model (fit it on the private
    /// set; `model:defense_report()` tells what it did and spent).
    func installDefenses() {
        defineDefense(DefenseDeclarations.output) { o in
            let mo = try o.model("model")!
            var policies = [OutputPolicy]()
            if let k = try o.optionalInteger("top_k") { policies.append(.topK(k)) }
            if let d = try o.optionalInteger("round") { policies.append(.rounding(decimals: d)) }
            if let t = try o.optionalNumber("temperature") { policies.append(.temperature(t)) }
            if try o.flag("label_only") { policies.append(.labelOnly) }
            try o.finish()
            guard policies.count == 1 else {
                throw LuaError("defense.output: give exactly one of top_k, round, temperature and label_only = true (got \(policies.count))")
            }
            return ModelObject(try OutputDefense(mo.model, policy: policies[0]), onEpoch: mo.onEpoch)
        }
        defineDefense(DefenseDeclarations.dmp) { o in
            let teacher = try o.model("teacher", what: "the unprotected model, trained on the private set")!
            let student = try o.model("student")
            let reference = try o.dataset("reference", what: "unlabelled records disjoint from the private set")!
            var d = DMPOptions()
            d.temperature = try o.number("temperature")
            d.keep = try o.number("keep")
            d.seed = try o.seed()
            try o.finish()
            return ModelObject(try DMP(teacher: teacher.model, student: (student ?? teacher).model, reference: reference, options: d),
                               onEpoch: student?.onEpoch)
        }
        defineDefense(DefenseDeclarations.pate) { o in try Runtime.pate(o) }
        defineDefense(DefenseDeclarations.adversarial) { o in
            let m = try o.model("model", what: "the classifier to regularise")!
            let reference = try o.dataset("reference", what: "non-member records for the inference model")!
            var a = AdversarialRegularizationOptions()
            a.lambda = try o.number("lambda")
            a.innerSteps = try o.integer("steps")
            a.attackWidth = try o.number("attack_width")
            a.attackLearningRate = try o.number("attack_lr")
            a.attackBatch = try o.integer("attack_batch")
            a.attackInput = try o.choice("attack_input")
            a.attackLoss = try o.choice("attack_loss")
            a.attackInitialisation = try o.choice("attack_init")
            a.warmupEpochs = try o.integer("warmup")
            a.attackWarmupEpochs = try o.integer("attack_warmup")
            a.seed = try o.seed()
            try o.finish()
            return ModelObject(try AdversarialRegularization(model: m.model, reference: reference, options: a), onEpoch: m.onEpoch)
        }
        defineDefense(DefenseDeclarations.memguard) { o in
            let m = try o.model("model", what: "the model whose confidence vectors are defended")!
            let reference = try o.dataset("reference", what: "non-member records for the defense classifier")!
            var g = MemGuardOptions()
            g.budget = try o.number("budget")
            g.iterations = try o.integer("iterations")
            g.seed = try o.seed()
            try o.finish()
            return ModelObject(try MemGuard(model: m.model, reference: reference, options: g), onEpoch: m.onEpoch)
        }
        installEnsembleDefenses()
    }

    /// The ensemble defenses: SELENA, its Split-AI alone, and PASE.
    private func installEnsembleDefenses() {
        defineDefense(DefenseDeclarations.selena) { o in
            let student = try o.model("student")
            if let given = try o.model("split_ai") {
                guard let fitted = given as? SplitAIObject else {
                    throw LuaError("defense.selena: option 'split_ai' must be a pl.defense.split_ai, got \(given.model.summary)")
                }
                for key in ["model", "models", "excluded", "seed"] where o.has(key) {
                    throw LuaError("defense.selena: option '\(key)' comes from the split_ai given; leave it out")
                }
                try o.finish()
                return ModelObject(try SELENA(fitted: fitted.split, student: student?.model), onEpoch: student?.onEpoch)
            }
            let s = SELENAOptions(splitAI: try Runtime.splitAIOptions(o))
            guard let m = try o.model("model", what: "what each Split-AI sub-model is") else {
                throw LuaError("defense.selena: option 'model' is required (or give a fitted split_ai)")
            }
            try o.finish()
            return ModelObject(try SELENA(model: m.model, student: student?.model, options: s), onEpoch: student?.onEpoch)
        }
        defineDefense(DefenseDeclarations.splitAI) { o in
            let m = try o.model("model", what: "what each Split-AI sub-model is")!
            let s = try Runtime.splitAIOptions(o)
            try o.finish()
            return SplitAIObject(try SplitAI(model: m.model, options: s))
        }
        defineDefense(DefenseDeclarations.pase) { o in
            let m = try o.model("model", what: "what each ensemble member is")!
            var s = PASEOptions()
            s.models = try o.integer("models")
            s.seed = try o.seed()
            s.workers = try o.optionalInteger("workers") ?? s.workers
            try o.finish()
            return ModelObject(try PASE(model: m.model, options: s), onEpoch: nil)
        }
    }

    /// Split-AI's settings, shared by `pl.defense.split_ai` and `pl.defense.selena`: K sub-models, each
    /// record left out of L of them (the authors' L = 10, at most K − 1).
    private static func splitAIOptions(_ o: LuaOptions) throws -> SplitAIOptions {
        var s = SplitAIOptions()
        s.models = try o.integer("models")
        s.excluded = try o.optionalInteger("excluded") ?? min(10, s.models - 1)
        s.seed = try o.seed()
        s.workers = try o.optionalInteger("workers") ?? s.workers
        return s
    }

    /// `pl.defense.pate`. Defaults scale the paper's MNIST setting (250 teachers: T = 200,
    /// σ₁ = 150, σ₂ = 40) to the teacher count.
    private static func pate(_ o: LuaOptions) throws -> ModelObject {
        let teacher = try o.model("teacher", what: "what each teacher is")!
        let student = try o.model("student")
        let pub = try o.dataset("public", what: "unlabelled public records the student learns from")!
        var p = PATEOptions()
        p.teachers = try o.integer("teachers")
        let n = Double(p.teachers)
        let aggregator: PATEAggregatorChoice = try o.choice("aggregator")
        switch aggregator {
        case .gnmax: p.aggregator = .gaussian(sigma: try o.optionalNumber("sigma") ?? 0.16 * n)
        case .lnmax: p.aggregator = .laplace(scale: try o.optionalNumber("lambda") ?? 0.16 * n)
        case .confident:
            p.aggregator = .confident(threshold: try o.optionalNumber("threshold") ?? 0.8 * n,
                                      thresholdSigma: try o.optionalNumber("sigma1") ?? 0.6 * n,
                                      sigma: try o.optionalNumber("sigma") ?? 0.16 * n)
        }
        p.queries = try o.optionalInteger("queries")
        if let q = p.queries, q > pub.size {
            throw LuaError("defense.pate: option 'queries' must be at most \(pub.size) (the public records), got \(q)")
        }
        p.delta = try o.number("delta")
        p.epsilonBudget = try o.optionalNumber("epsilon")
        p.seed = try o.seed()
        p.workers = try o.optionalInteger("workers") ?? p.workers
        try o.finish()
        return ModelObject(try PATE(teacher: teacher.model, student: (student ?? teacher).model, publicData: pub, options: p),
                           onEpoch: student?.onEpoch)
    }

    /// Defines `pl.defense.<name>{…}`: reads the options table through its declaration, builds the
    /// defended model, and reports engine errors under the function's name.
    private func defineDefense(_ declaration: FunctionDeclaration, _ build: @escaping (LuaOptions) throws -> ModelObject) {
        let fn = declaration.path
        define(declaration) { call in
            let o = try call.options(1, declaration, optional: false)
            do {
                call.pushObject(try build(o), "Model")
            } catch let e as PrivLabError { throw LuaError("\(fn): \(e.detail)") }   // the defense's own name is fn's
            return 1
        }
    }
}
