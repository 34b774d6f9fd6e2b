import PrivLab

extension PrivacyStatement {
    /// The statement as Lua sees it: {epsilon=, delta=, accountant=, note=, events={…plain words…}},
    /// plus the DP-SGD settings of its last DP-SGD phase (noise=, clip=, sample_rate=, steps=,
    /// sampling=), output perturbation's (mechanism="output_perturbation", noise=, clip=) and
    /// PATE's epsilon_data_dependent where they apply.
    var lua: LuaValue { lua(adding: [:]) }

    /// The statement with a mechanism's own figures beside its fields (a release's noise and
    /// unit, a synthesis's phases); a field of `extra` replaces the statement's of that name.
    func lua(adding extra: [String: LuaValue]) -> LuaValue {
        var d: [String: LuaValue] = ["epsilon": .number(epsilon), "delta": .number(delta),
                                     "events": .list(events.map { .string($0) })]
        if let a = accountant { d["accountant"] = .string(a.rawValue) }
        if let p = event.lastDPSGDPhase {
            d["noise"] = .number(p.noise)
            d["clip"] = .number(p.clip)
            d["sample_rate"] = .number(p.sampleRate)
            d["steps"] = .int(Int64(p.steps))
            d["sampling"] = .string(p.sampling.rawValue)
        } else if case .pure(_, .outputPerturbation(let scale, let clip, _)) = event {
            d["mechanism"] = .string("output_perturbation")
            d["noise"] = .number(scale)
            d["clip"] = .number(clip)
        }
        if let e = dataDependentEpsilon { d["epsilon_data_dependent"] = .number(e) }
        if let n = note { d["note"] = .string(n) }
        d.merge(extra) { _, new in new }
        return .record(d)
    }
}
