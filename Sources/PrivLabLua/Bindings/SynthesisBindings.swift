import Foundation
import PrivLab

/// `pl.synth.*`: private synthetic data (random mixing, ClustMix) and how faithful and how private
/// a release is (MMD, distance to the closest record).
extension Runtime {
    func installSynthesis() {
        // pl.synth.random_mixing{data=, m=10, clip=1, noise= | epsilon=, delta=1e-5, outputs=, accountant=, seed=, workers=}
        define(SynthesisDeclarations.randomMixing) { call in
            let o = try call.options(1, SynthesisDeclarations.randomMixing, optional: false)
            let data = try o.dataset("data", what: "the private records")!
            let opt = try Runtime.mixingOptions(o)
            try o.finish()
            return call.pushRelease(try RandomMixing.release(data, options: opt))
        }
        define(SynthesisDeclarations.clustMix) { call in
            let o = try call.options(1, SynthesisDeclarations.clustMix, optional: false)
            let data = try o.dataset("data", what: "the private records")!
            let opt = try Runtime.clustMixOptions(o)
            try o.finish()
            return call.pushRelease(try ClustMix.release(data, options: opt))
        }
        define(SynthesisDeclarations.dpGMM) { call in
            let o = try call.options(1, SynthesisDeclarations.dpGMM, optional: false)
            let data = try o.dataset("data", what: "the private records")!
            let opt = try Runtime.privateGMMOptions(o)
            try o.finish()
            return call.pushRelease(try PrivateGaussianMixture.release(data, options: opt))
        }
        define(SynthesisDeclarations.kipDeclaration) { call in try Runtime.adaptByKIP(call) }
        installFidelity()
    }

    /// `pl.synth.moments`, `mmd` and `dcr`: how faithful and how private a release is.
    private func installFidelity() {
        // pl.synth.moments(release, real) → {mean_gap=, covariance_gap=} (relative, averaged over classes)
        define(SynthesisDeclarations.moments) { call in
            let a = try call.dataset(1, fn: "synth.moments", arg: "argument 1 (the release)"), b = try call.dataset(2, fn: "synth.moments", arg: "argument 2 (real data)")
            let g = try Fidelity.momentGaps(a, b)
            call.push(.record(["mean_gap": .number(g.mean), "covariance_gap": .number(g.covariance)]))
            return 1
        }
        // pl.synth.mmd(a, b, {bandwidth=, limit=1000, seed=}) → {mmd2=, bandwidth=}
        define(SynthesisDeclarations.mmd) { call in
            let a = try call.dataset(1, fn: "synth.mmd", arg: "argument 1"), b = try call.dataset(2, fn: "synth.mmd", arg: "argument 2")
            let o = try call.options(3, SynthesisDeclarations.mmd)
            let bw = try o.optionalNumber("bandwidth")
            let limit = try o.integer("limit")
            let seed = try o.seed()
            try o.finish()
            let r = try Fidelity.mmd(a, b, bandwidth: bw, limit: limit, seed: seed)
            call.push(.record(["mmd2": .number(r.mmd2), "bandwidth": .number(r.bandwidth)]))
            return 1
        }
        // pl.synth.dcr{release=, members=, nonmembers=} → {auc=, member_distance=, nonmember_distance=}
        define(SynthesisDeclarations.dcr) { call in
            let o = try call.options(1, SynthesisDeclarations.dcr, optional: false)
            let release = try o.dataset("release", what: "the synthetic data")!
            let members = try o.dataset("members", what: "records the release was made from")!
            let non = try o.dataset("nonmembers", what: "records it was not")!
            try o.finish()
            let dm = try Fidelity.closestDistances(members, to: release), dn = try Fidelity.closestDistances(non, to: release)
            let m = try Fidelity.closestRecordAttack(memberDistances: dm, nonMemberDistances: dn)
            func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
            call.push(.record(["auc": .number(m.auc), "member_distance": .number(median(dm)), "nonmember_distance": .number(median(dn))]))
            return 1
        }
    }

    /// ClustMix's options: the mixing ones, the clustering, and optionally 3A's Adapt step.
    static func clustMixOptions(_ o: LuaOptions) throws -> ClustMix.Options {
        var opt = ClustMix.Options()
        opt.mixing = try Runtime.mixingOptions(o)
        opt.clusters = try o.integer("clusters")
        opt.iterations = try o.integer("iterations")
        opt.approximation = try o.choice("approximate")
        opt.emIterations = try o.integer("em_iterations")
        opt.clusterShare = try o.number("cluster_share")
        opt.clusterNoise = try o.optionalNumber("cluster_noise")
        opt.publicData = try o.dataset("public", what: "public records whose k-means gives the centres")
        // Read through its declared fields (KIP's options): messages name 'adapt.<key>'.
        if let a = try o.nested("adapt") {
            var k = try Runtime.kipOptions(a)
            try a.finish()
            k.seed = opt.mixing.seed
            opt.adapt = k
        }
        opt.adaptShare = try o.number("adapt_share")
        return opt
    }

    /// The DP Gaussian mixture's options.
    static func privateGMMOptions(_ o: LuaOptions) throws -> PrivateGaussianMixture.Options {
        var opt = PrivateGaussianMixture.Options()
        opt.components = try o.integer("components")
        opt.iterations = try o.integer("iterations")
        opt.covariance = try o.choice("covariance")
        opt.clip = try o.number("clip")
        opt.noise = try o.optionalNumber("noise")
        opt.epsilon = try o.optionalNumber("epsilon")
        opt.delta = try o.number("delta")
        opt.outputs = try o.optionalInteger("outputs")
        opt.accountant = try o.choice("accountant")
        opt.accountantSettings = try Runtime.accountantSettings(o, for: opt.accountant).nonEmpty
        opt.seed = try o.seed()
        return opt
    }

    /// pl.synth.kip{release=, privacy=, data=, support=100, steps=200, lr=0.5, fidelity=0.1, ridge=1e-3, bandwidth=, batch=256, clip=1, noise=1 | epsilon= (total), seed=}
    static func adaptByKIP(_ call: LuaCall) throws -> Int32 {
        let o = try call.options(1, SynthesisDeclarations.kipDeclaration, optional: false)
        let release = try o.dataset("release", what: "a private release to adapt")!
        let data = try o.dataset("data", what: "the private records the release was made from")!
        guard case .table(let pt) = try o.value("privacy") else {
            throw LuaError("synth.kip: option 'privacy' must be the release's privacy table (the second value pl.synth.* returned)")
        }
        let p = try LuaOptions(pt, fn: "synth.kip privacy", declaration: SynthesisDeclarations.releasePrivacy)
        let eps = try p.number("epsilon"), delta = try p.number("delta")
        let accountant: AccountantKind = try p.choice("accountant")
        // Accepted as the release's table gives it; the phases carry the noise that is accounted.
        _ = try p.number("noise")
        for key in ["notes", "events", "note", "clip", "sample_rate", "steps", "sampling"] { _ = try p.value(key) }
        let phases = try Runtime.phaseList(p.value("phases"))
        try p.finish()
        var opt = try Runtime.kipOptions(o)
        opt.epsilon = try o.optionalNumber("epsilon")
        if opt.epsilon != nil && o.has("noise") { throw LuaError("synth.kip: give noise or epsilon (a total to calibrate the noise to), not both") }
        opt.seed = try o.seed()
        try o.finish()
        // The phases as the table gives them (their sensitivities are not part of it: 1).
        let start = SyntheticRelease(data: release, privacy: PrivacyStatement(epsilon: eps, delta: delta, accountant: accountant,
                                                                              event: .composed(phases.map { .dpSGD([$0], clip: 1) })))
        return call.pushRelease(try KernelInducingPoints.adapt(release: start, privateData: data, options: opt))
    }

    /// A release's phases back from Lua ({{sample_rate=, noise=, steps=}, …}).
    static func phaseList(_ v: LuaValue) throws -> [PrivacyPhase] {
        guard case .table(let t) = v, t.fields.isEmpty, !t.array.isEmpty else {
            throw LuaError("synth.kip: the privacy table's phases must be a list of {sample_rate=, noise=, steps=}")
        }
        return try t.array.map { e in
            guard case .table(let pt) = e else { throw LuaError("synth.kip: each phase must be a table") }
            let p = try LuaOptions(pt, fn: "synth.kip phase", declaration: SynthesisDeclarations.releasePhase)
            let q = try p.number("sample_rate"), s = try p.number("noise"), n = try p.integer("steps")
            try p.finish()
            return PrivacyPhase(sampleRate: q, noise: s, steps: n)
        }
    }

    /// The KIP options `synth.kip` and ClustMix's `adapt = {…}` share.
    static func kipOptions(_ o: LuaOptions) throws -> KernelInducingPoints.Options {
        var k = KernelInducingPoints.Options()
        k.support = try o.integer("support")
        k.steps = try o.integer("steps")
        k.learningRate = try o.number("lr")
        k.fidelity = try o.number("fidelity")
        k.ridge = try o.number("ridge")
        k.bandwidth = try o.optionalNumber("bandwidth")
        k.batch = try o.integer("batch")
        k.clip = try o.number("clip")
        k.noise = try o.number("noise")
        return k
    }

    static func mixingOptions(_ o: LuaOptions) throws -> MixingOptions {
        var m = MixingOptions()
        m.m = try o.integer("m")
        m.clip = try o.number("clip")
        m.noise = try o.optionalNumber("noise")
        m.epsilon = try o.optionalNumber("epsilon")
        m.delta = try o.number("delta")
        m.outputs = try o.optionalInteger("outputs")
        m.accountant = try o.choice("accountant")
        m.accountantSettings = try Runtime.accountantSettings(o, for: m.accountant).nonEmpty
        m.seed = try o.seed()
        m.workers = try o.integer("workers")
        return m
    }
}

extension LuaCall {
    /// A release to Lua: the Dataset, then its privacy table.
    func pushRelease(_ r: SyntheticRelease) -> Int32 {
        pushDataset(r.data)
        push(r.privacyLua)
        return 2
    }
}

extension SyntheticRelease {
    /// The statement as every private thing gives it (`PrivacyStatement.lua`: epsilon, delta,
    /// accountant when one composed it, events, note), plus the synthesis's own: `notes` (the
    /// note's parts, one per phase caveat), `phases` ({sample_rate=, noise=, steps=} of the
    /// worst-off record's Gaussian phases) and `noise` (the last phase's multiplier).
    var privacyLua: LuaValue {
        let p = privacy
        let phases = p.worstPart.plainParts.compactMap(\.gaussianPhases).flatMap { $0 }
        return p.lua(adding: [
            "noise": .number(phases.last?.noise ?? 0),
            "notes": .list(p.notes.map { .string($0) }),
            "phases": .list(phases.map { .record(["sample_rate": .number($0.sampleRate), "noise": .number($0.noise), "steps": .int(Int64($0.steps))]) }),
        ])
    }
}
