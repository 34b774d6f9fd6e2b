import Foundation
import PrivLab

/// Clients (a data set split into users) as a Lua object.
final class ClientsObject {
    let clients: FederatedClients
    init(_ c: FederatedClients) { clients = c }
}

extension FederatedRound {
    var lua: LuaValue {
        var d: [String: LuaValue] = ["round": .int(Int64(round)), "clients": .int(Int64(clients))]
        if let c = clip { d["clip"] = .number(c) }
        if let m = medianNorm { d["median_norm"] = .number(m) }
        if let s = unclippedShare { d["unclipped_share"] = .number(s) }
        if let l = localLoss { d["local_loss"] = .number(l) }
        if let a = localAccuracy { d["local_accuracy"] = .number(a) }
        if let a = testAccuracy { d["test_accuracy"] = .number(a) }
        return .record(d)
    }
}

extension Runtime {
    /// Reads `pl.federated{…}`'s options (the declaration checks kinds and bounds).
    static func federatedOptions(_ o: LuaOptions) throws -> FederatedOptions {
        var f = FederatedOptions()
        f.rounds = try o.integer("rounds")
        f.clientRate = try o.number("client_rate")
        if let l = try o.nested("local_sgd") {
            f.local.epochs = try l.integer("epochs")
            f.local.learningRate = try l.optionalNumber("lr")
            f.local.batchSize = try l.optionalInteger("batch")
            try l.finish()
        }
        if let s = try o.nested("server") {
            f.serverLearningRate = try s.number("lr")
            f.serverMomentum = try s.number("momentum")
            try s.finish()
        }
        f.weighting = try o.choice("weighting")
        f.weightCap = try o.optionalNumber("weight_cap")
        if let d = try o.nested("dp") { f.dp = try federatedDP(d) }
        f.workers = try o.optionalInteger("workers") ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        f.seed = try o.seed()
        return f
    }

    /// `dp = {clip = S | adaptive = {…}, noise = z | epsilon = ε, delta, per_layer, accountant}`.
    private static func federatedDP(_ d: LuaOptions) throws -> FederatedDP {
        var dp = FederatedDP()
        let clip = try d.optionalNumber("clip")
        if let a = try d.nested("adaptive") {
            if clip != nil { throw LuaError("federated: dp takes either clip (a fixed bound) or adaptive = {…}, not both") }
            dp.clipping = .adaptive(initial: try a.number("initial"), targetQuantile: try a.number("target_quantile"),
                                    learningRate: try a.number("lr"), countNoise: try a.optionalNumber("count_noise"))
            try a.finish()
        } else {
            dp.clipping = .fixed(clip ?? 1)
        }
        dp.noise = try d.optionalNumber("noise")
        dp.targetEpsilon = try d.optionalNumber("epsilon")
        if (dp.noise == nil) == (dp.targetEpsilon == nil) {
            throw LuaError("federated: dp needs exactly one of 'noise' (z) and 'epsilon' (a target user-level ε to calibrate z to)")
        }
        dp.delta = try d.number("delta")
        dp.perLayer = try d.flag("per_layer")
        dp.accountant = try d.choice("accountant")
        dp.accountantSettings = try Runtime.accountantSettings(d, for: dp.accountant).nonEmpty
        try d.finish()
        return dp
    }

    func installFederated() {
        // pl.federated{model =, clients =, rounds =, client_rate =, local_sgd = {…}, server = {…}, dp = {…}, seed =}
        define(FederatedDeclarations.federated) { call in
            let o = try call.options(1, FederatedDeclarations.federated, optional: false)
            guard let mo = try o.model("model") else { throw LuaError("federated: option 'model' is required") }
            let co = try o.requiredObject("clients", ClientsObject.self)
            let opts = try Runtime.federatedOptions(o)
            let test = try o.dataset("test", required: false)
            try o.finish()
            let result: FederatedResult
            do {
                result = try FederatedAveraging(options: opts).fit(model: mo.model, clients: co.clients, evaluation: test)
            } catch let e as PrivLabError { throw LuaError(e.description) }
            var r: [String: LuaValue] = [
                "rounds": .list(result.rounds.map(\.lua)), "noise": .number(result.noiseMultiplier),
                "update_noise": .number(result.updateNoiseMultiplier), "count_noise": .number(result.countNoise),
                "denominator": .number(result.denominator),
                "expected_clients": .number(opts.clientRate * Double(co.clients.count)),
            ]
            if let p = result.privacy { r["privacy"] = p.lua; r["epsilon"] = .number(p.epsilon) }
            if let c = result.finalClip { r["final_clip"] = .number(c) }
            call.pushObject(ModelObject(result.model, onEpoch: nil), "Model")
            call.push(.record(r))
            return 2
        }
        define(FederatedDeclarations.clients) { call in
            let o = try call.options(1, FederatedDeclarations.clients, optional: false)
            guard let data = try o.dataset("data") else { throw LuaError("data.clients: option 'data' is required") }
            let groups = try o.value("groups")
            var p = ClientPartitionOptions()
            p.kind = try o.choice("partition")
            p.clients = try o.integer("clients")
            p.alpha = try o.number("alpha")
            p.classesPerClient = try o.integer("classes")
            p.seed = try o.seed()
            try o.finish()
            let made: FederatedClients
            do {
                if groups.isNil {
                    made = try FederatedClients(partitioning: data, p)
                } else {
                    if o.has("partition") || o.has("clients") { throw LuaError("data.clients: give either groups (explicit clients) or partition/clients, not both") }
                    guard case .table(let t) = groups, !t.array.isEmpty else { throw LuaError("data.clients: option 'groups' must be a list of lists of record ids") }
                    let lists = try t.array.enumerated().map { try LuaConvert.integers($0.element, fn: "data.clients", arg: "groups[\($0.offset + 1)]") }
                    made = try FederatedClients(data: data, groups: lists)
                }
            } catch let e as PrivLabError { throw LuaError("data.\(e.description)") }
            call.pushObject(ClientsObject(made), "Clients")
            return 1
        }
        define(FederatedDeclarations.users) { call in
            let o = try call.options(1, FederatedDeclarations.users, optional: true)
            var u = UserSequenceOptions()
            u.users = try o.integer("users")
            u.vocabulary = try o.integer("vocabulary")
            u.context = try o.integer("context")
            u.records = try o.number("records")
            u.spread = try o.number("spread")
            u.minRecords = try o.integer("min_records")
            u.personal = try o.number("personal")
            u.seed = try o.seed()
            try o.finish()
            do { call.pushObject(ClientsObject(try UserSequences.generate(u)), "Clients") } catch let e as PrivLabError { throw LuaError(e.description) }
            return 1
        }
        installClientsClass()
    }

    private func installClientsClass() {
        var m = [String: HostFunction]()
        func this(_ call: LuaCall, _ method: String) throws -> FederatedClients { try call.this(ClientsObject.self, "Clients", method: method).clients }
        m["count"] = { call in call.results(.int(Int64(try this(call, "count").count))) }
        m["sizes"] = { call in call.results(.ints(try this(call, "sizes").sizes)) }
        m["class_counts"] = { call in call.results(.list(try this(call, "class_counts").classCounts.map { .ints($0) })) }
        m["data"] = { call in call.pushDataset(try this(call, "data").data); return 1 }
        // clients:client(k) → the k-th client's records (1-based) as a Dataset.
        m["client"] = { call in
            let c = try this(call, "client")
            let k = try call.integer(2, fn: "Clients.client", arg: "k")
            do { call.pushDataset(try c.client(k &- 1)) } catch let e as PrivLabError { throw LuaError("Clients.client: \(e.description)") }
            return 1
        }
        // clients:subset{k, …} → those clients (1-based) only, e.g. to hold some out of training.
        m["subset"] = { call in
            let c = try this(call, "subset")
            let ks = try LuaConvert.integers(call.value(2), fn: "Clients.subset", arg: "clients")
            do { call.pushObject(ClientsObject(try c.subset(ks.map { $0 &- 1 })), "Clients") } catch let e as PrivLabError {
                throw LuaError("Clients.subset: \(e.description)")
            }
            return 1
        }
        for d in FederatedDeclarations.clientsMethods { declare(d) }
        lua.register(LuaClass(name: "Clients", methods: m) { ($0 as! ClientsObject).clients.description })
    }
}
