import Foundation
import PrivLab

/// `pl.synth.*`: private synthetic data (random mixing, ClustMix) and how faithful and how private
/// a release is (MMD, distance to the closest record).
extension Runtime {
    func installSynthesis() {
        // pl.synth.random_mixing{data=, m=10, clip=1, noise= | epsilon=, delta=1e-5, outputs=, accountant=, seed=, workers=}
        define("synth.random_mixing") { call in
            let o = try call.options(1, fn: "synth.random_mixing", optional: false)
            let data = try o.dataset("data", what: "the private records")!
            let opt = try Runtime.mixingOptions(o)
            try o.finish()
            let r = try RandomMixing.release(data, options: opt)
            return call.pushRelease(r)
        }
        // pl.synth.clustmix{data=, clusters=5, iterations=5, approximate="kmeans"|"gmm", em_iterations=5, cluster_share=0.3, cluster_noise=, public=, adapt={KIP options}, adapt_share=0.3, + the mixing options}
        define("synth.clustmix") { call in
            let o = try call.options(1, fn: "synth.clustmix", optional: false)
            let data = try o.dataset("data", what: "the private records")!
            var opt = ClustMix.Options()
            opt.mixing = try Runtime.mixingOptions(o)
            opt.clusters = try o.int("clusters", opt.clusters, min: 1)
            opt.iterations = try o.int("iterations", opt.iterations, min: 1)
            opt.approximation = try o.choice("approximate", opt.approximation)
            opt.emIterations = try o.int("em_iterations", opt.emIterations, min: 1)
            opt.clusterShare = try o.double("cluster_share", opt.clusterShare, above: 0)
            opt.clusterNoise = try o.double("cluster_noise", above: 0)
            opt.publicData = try o.dataset("public", required: false, what: "public records whose k-means gives the centres")
            if o.has("adapt") {
                guard case .table(let t) = o.raw("adapt") else { throw LuaError("synth.clustmix: option 'adapt' must be a table of KIP options {support=, steps=, …}") }
                let a = try LuaOptions(t, fn: "synth.clustmix adapt")
                var k = try Runtime.kipOptions(a)
                try a.finish()
                k.seed = opt.mixing.seed
                opt.adapt = k
            }
            opt.adaptShare = try o.double("adapt_share", opt.adaptShare, above: 0)
            try o.finish()
            let r = try ClustMix.release(data, options: opt)
            return call.pushRelease(r)
        }
        // pl.synth.dp_gmm{data=, components=3, iterations=5, covariance="diag"|"full", clip=1, noise= | epsilon=, delta=, outputs=, accountant=, seed=}
        define("synth.dp_gmm") { call in
            let o = try call.options(1, fn: "synth.dp_gmm", optional: false)
            let data = try o.dataset("data", what: "the private records")!
            var opt = PrivateGaussianMixture.Options()
            opt.components = try o.int("components", opt.components, min: 1)
            opt.iterations = try o.int("iterations", opt.iterations, min: 1)
            opt.covariance = try o.choice("covariance", opt.covariance)
            opt.clip = try o.double("clip", opt.clip, above: 0)
            opt.noise = try o.double("noise", above: 0)
            opt.epsilon = try o.double("epsilon", above: 0)
            opt.delta = try o.double("delta", opt.delta, max: 0.5, above: 0)
            opt.outputs = try o.int("outputs", min: 1)
            opt.accountant = try o.choice("accountant", opt.accountant)
            opt.accountantSettings = try Runtime.accountantSettings(o, for: opt.accountant).nonEmpty
            opt.seed = try o.seed()
            try o.finish()
            let r = try PrivateGaussianMixture.release(data, options: opt)
            return call.pushRelease(r)
        }
        // pl.synth.kip{release=, privacy=, data=, support=100, steps=200, lr=0.5, fidelity=0.1, ridge=1e-3, bandwidth=, batch=256, clip=1, noise=1 | epsilon= (total), seed=}
        define("synth.kip") { call in
            let o = try call.options(1, fn: "synth.kip", optional: false)
            let release = try o.dataset("release", what: "a private release to adapt")!
            let data = try o.dataset("data", what: "the private records the release was made from")!
            guard case .table(let pt) = o.raw("privacy") else {
                throw LuaError("synth.kip: option 'privacy' must be the release's privacy table (the second value pl.synth.* returned)")
            }
            let p = try LuaOptions(pt, fn: "synth.kip privacy")
            guard let eps = try p.double("epsilon", min: 0), let delta = try p.double("delta", above: 0) else {
                throw LuaError("synth.kip: the privacy table needs epsilon and delta")
            }
            let accountant = try p.choice("accountant", AccountantKind.rdp)
            // Accepted as the release's table gives it; the phases carry the noise that is accounted.
            _ = try p.double("noise", 1, min: 0)
            _ = p.raw("notes")
            _ = p.raw("events")
            let phases = try Runtime.phaseList(p.raw("phases"))
            try p.finish()
            var opt = try Runtime.kipOptions(o)
            opt.epsilon = try o.double("epsilon", above: 0)
            if opt.epsilon != nil && o.has("noise") { throw LuaError("synth.kip: give noise or epsilon (a total to calibrate the noise to), not both") }
            opt.seed = try o.seed()
            try o.finish()
            // The phases as the table gives them (their sensitivities are not part of it: 1).
            let start = SyntheticRelease(data: release, privacy: PrivacyStatement(epsilon: eps, delta: delta, accountant: accountant,
                                                                                  event: .composed(phases.map { .dpSGD([$0], clip: 1) })))
            let r = try KernelInducingPoints.adapt(release: start, privateData: data, options: opt)
            return call.pushRelease(r)
        }
        // pl.synth.moments(release, real) → {mean_gap=, covariance_gap=} (relative, averaged over classes)
        define("synth.moments") { call in
            let a = try call.dataset(1, fn: "synth.moments", arg: "argument 1 (the release)"), b = try call.dataset(2, fn: "synth.moments", arg: "argument 2 (real data)")
            let g = try Fidelity.momentGaps(a, b)
            call.push(.record(["mean_gap": .number(g.mean), "covariance_gap": .number(g.covariance)]))
            return 1
        }
        // pl.synth.mmd(a, b, {bandwidth=, limit=1000, seed=}) → {mmd2=, bandwidth=}
        define("synth.mmd") { call in
            let a = try call.dataset(1, fn: "synth.mmd", arg: "argument 1"), b = try call.dataset(2, fn: "synth.mmd", arg: "argument 2")
            let o = try call.options(3, fn: "synth.mmd")
            let bw = try o.double("bandwidth", above: 0)
            let limit = try o.int("limit", 1000, min: 2, max: 20000)
            let seed = try o.seed()
            try o.finish()
            let r = try Fidelity.mmd(a, b, bandwidth: bw, limit: limit, seed: seed)
            call.push(.record(["mmd2": .number(r.mmd2), "bandwidth": .number(r.bandwidth)]))
            return 1
        }
        // pl.synth.dcr{release=, members=, nonmembers=} → {auc=, tpr_at_fpr=, member_distance=, nonmember_distance=}
        define("synth.dcr") { call in
            let o = try call.options(1, fn: "synth.dcr", optional: false)
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

    /// A release's phases back from Lua ({{sample_rate=, noise=, steps=}, …}).
    static func phaseList(_ v: LuaValue) throws -> [PrivacyPhase] {
        guard case .table(let t) = v, t.fields.isEmpty, !t.array.isEmpty else {
            throw LuaError("synth.kip: the privacy table's phases must be a list of {sample_rate=, noise=, steps=}")
        }
        return try t.array.map { e in
            guard case .table(let pt) = e else { throw LuaError("synth.kip: each phase must be a table") }
            let p = try LuaOptions(pt, fn: "synth.kip phase")
            let q = try p.double("sample_rate", 1, max: 1, above: 0), s = try p.double("noise", 1, above: 0), n = try p.int("steps", 1, min: 1)
            try p.finish()
            return PrivacyPhase(sampleRate: q, noise: s, steps: n)
        }
    }

    /// The KIP options `synth.kip` and ClustMix's `adapt = {…}` share.
    static func kipOptions(_ o: LuaOptions) throws -> KernelInducingPoints.Options {
        var k = KernelInducingPoints.Options()
        k.support = try o.int("support", k.support, min: 2)
        k.steps = try o.int("steps", k.steps, min: 1)
        k.learningRate = try o.double("lr", k.learningRate, above: 0)
        k.fidelity = try o.double("fidelity", k.fidelity, min: 0)
        k.ridge = try o.double("ridge", k.ridge, above: 0)
        k.bandwidth = try o.double("bandwidth", above: 0)
        k.batch = try o.int("batch", k.batch, min: 1)
        k.clip = try o.double("clip", k.clip, above: 0)
        k.noise = try o.double("noise", k.noise, min: 0)
        return k
    }

    static func mixingOptions(_ o: LuaOptions) throws -> MixingOptions {
        var m = MixingOptions()
        m.m = try o.int("m", m.m, min: 1)
        m.clip = try o.double("clip", m.clip, above: 0)
        m.noise = try o.double("noise", above: 0)
        m.epsilon = try o.double("epsilon", above: 0)
        m.delta = try o.double("delta", m.delta, max: 0.5, above: 0)
        m.outputs = try o.int("outputs", min: 1)
        m.accountant = try o.choice("accountant", m.accountant)
        m.accountantSettings = try Runtime.accountantSettings(o, for: m.accountant).nonEmpty
        m.seed = try o.seed()
        m.workers = try o.int("workers", 2, min: 1, max: 64)
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
    /// {epsilon=, delta=, accountant=, noise=, notes={…}, phases={{sample_rate=, noise=, steps=}, …}, events={…}}: the
    /// worst-off record's Gaussian phases, and the noise multiplier of the last of them.
    var privacyLua: LuaValue {
        let p = privacy
        let phases = p.worstPart.plainParts.compactMap(\.gaussianPhases).flatMap { $0 }
        return .record(["epsilon": .number(p.epsilon), "delta": .number(p.delta), "accountant": .string((p.accountant ?? .rdp).rawValue),
                        "noise": .number(phases.last?.noise ?? 0), "notes": .list(p.notes.map { .string($0) }),
                        "events": .list(p.events.map { .string($0) }),
                        "phases": .list(phases.map { .record(["sample_rate": .number($0.sampleRate), "noise": .number($0.noise), "steps": .int(Int64($0.steps))]) })])
    }
}
