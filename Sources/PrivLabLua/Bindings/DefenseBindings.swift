import PrivLab

extension Runtime {
    /// `pl.defense.*`: membership-inference defences. Each returns a Model.
    func installDefenses() {
        // pl.defense.output{model=, top_k= | round= | label_only=true} → the model, releasing defended outputs
        define("defense.output") { call in
            let o = try call.options(1, fn: "defense.output", optional: false)
            guard case .object(let b) = o.raw("model"), let mo = b.value as? ModelObject else {
                throw LuaError("defense.output: option 'model' must be a Model")
            }
            var policies = [OutputPolicy]()
            if let k = try o.int("top_k", min: 1) { policies.append(.topK(k)) }
            if let d = try o.int("round", min: 0, max: 8) { policies.append(.rounding(decimals: d)) }
            if try o.bool("label_only", false) { policies.append(.labelOnly) }
            try o.finish()
            guard policies.count == 1 else {
                throw LuaError("defense.output: give exactly one of top_k, round and label_only = true (got \(policies.count))")
            }
            do {
                call.pushObject(ModelObject(try OutputDefense(mo.model, policy: policies[0]), onEpoch: mo.onEpoch), "Model")
            } catch let e as PrivLabError { throw LuaError("defense.output: \(e.description)") }
            return 1
        }
    }
}
