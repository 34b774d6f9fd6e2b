import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `pl.federated` and `pl.data.clients` from Lua: the fitted model works like any other, the
/// result and `privacy()` state the user-level guarantee, and bad input names the function and option.
final class FederatedBindingTests: XCTestCase {
    let setup = """
        local d = pl.data.blobs{n = 400, features = 5, classes = 3, std = 2, seed = 4}
        local train, test = d:split{test = 0.25, stratify = true, seed = 1}
        local cl = pl.data.clients{data = train, clients = 30, partition = "dirichlet", alpha = 1, seed = 2}

        """

    func testFederatedModelResultAndPrivacy() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec(setup + """
            local m, r = pl.federated{model = pl.softmax{lr = 0.1, batch = 8}, clients = cl, rounds = 6, client_rate = 0.5,
                                      local_sgd = {epochs = 2}, server = {momentum = 0.5}, dp = {clip = 1, noise = 0.8}, test = test, seed = 3}
            local eps = pl.privacy.epsilon{sample_rate = 0.5, noise = 0.8, steps = 6, delta = 1e-5}
            print(#r.rounds, math.abs(r.epsilon - eps) < 1e-9, math.abs(m:privacy().epsilon - eps) < 1e-9, m:privacy().sample_rate)
            print(m:accuracy(test) == r.rounds[6].test_accuracy, m:accuracy(test) > 0.5, r.denominator, r.expected_clients)
            print(#m:predict(test) == test:size(), cl:count(), #cl:sizes(), cl:client(1):size() == cl:sizes()[1], #cl:class_counts()[1])
            local plain, pr = pl.federated{model = pl.softmax{lr = 0.1, batch = 8}, clients = cl, rounds = 3, client_rate = 1, seed = 3}
            print(plain:privacy() == nil, pr.privacy == nil, pr.rounds[1].clients, pr.rounds[1].clip == nil)
            local a, ar = pl.federated{model = pl.softmax{lr = 0.1, batch = 8}, clients = cl, rounds = 3, client_rate = 1,
                                       dp = {adaptive = {target_quantile = 0.5, lr = 0.5, initial = 0.05}, noise = 0}, seed = 3}
            print(ar.rounds[2].clip > ar.rounds[1].clip, ar.final_clip > ar.rounds[3].clip)
            -- The accountant's own settings reach it (as dp = {…} does for a model).
            local _, pld = pl.federated{model = pl.softmax{lr = 0.1, batch = 8}, clients = cl, rounds = 2, client_rate = 0.5,
                                        dp = {clip = 1, noise = 0.8, accountant = "pld", discretization = 0.05}, seed = 3}
            print(math.abs(pld.epsilon - pl.privacy.epsilon{sample_rate = 0.5, noise = 0.8, steps = 2, delta = 1e-5, accountant = "pld", discretization = 0.05}) < 1e-9,
                  pld.privacy.accountant)
            local g = pl.data.clients{data = train, groups = {{train:ids()[1], train:ids()[2]}, {train:ids()[3]}}}
            print(g:count(), g:sizes()[1], g:subset{2}:count(), tostring(g):match("^Clients%(") ~= nil)
            """)
        XCTAssertEqual(sink.text, """
            6\ttrue\ttrue\t0.5
            true\ttrue\t15.0\t15.0
            true\t30\t30\ttrue\t3
            true\ttrue\t30\ttrue
            true\ttrue
            true\tpld
            2\t2\t1\ttrue

            """)
    }

    /// The per-user data set feeds DP-FedAvg and a recurrent model reads its windows; a model trained
    /// on the users' text beats always predicting the most common symbol.
    func testPerUserSequencesTrainARecurrentModel() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local users = pl.data.users{users = 60, records = 40, vocabulary = 6, context = 4, personal = 0.3, seed = 5}
            local held = users:subset{51, 52, 53, 54, 55, 56, 57, 58, 59, 60}
            local train = users:subset{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
                                       26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50}
            local test = held:data()
            local m, r = pl.federated{model = pl.rnn{cell = "gru", hidden = 16, steps = 4, lr = 0.5, batch = 8}, clients = train,
                                      rounds = 15, client_rate = 0.5, local_sgd = {epochs = 1}, test = test, seed = 2}
            local counts = {}
            for _, y in ipairs(test:labels()) do counts[y] = (counts[y] or 0) + 1 end
            local most = 0
            for _, k in pairs(counts) do most = math.max(most, k) end
            print(users:count(), test:nfeatures() == 24, tostring(users):find("users (personal = 0.3)", 1, true) ~= nil)
            print(m:accuracy(test) > most / test:size() + 0.05, #r.rounds)
            """)
        XCTAssertEqual(sink.text, """
            60\ttrue\ttrue
            true\t15

            """)
    }

    func testBadInputIsAClearError() throws {
        let (rt, _) = try makeRuntime()
        try rt.exec(setup.replacingOccurrences(of: "local ", with: ""))
        assertLuaError(rt, "pl.federated{model = pl.softmax{}, clients = cl, client_rate = 0}", ["federated", "client_rate"])
        assertLuaError(rt, "pl.federated{model = pl.softmax{}, clients = cl, client_rate = 1.5}", ["federated", "client_rate"])
        assertLuaError(rt, "pl.federated{model = pl.softmax{}, clients = train}", ["federated: option 'clients' must be a Clients"])
        assertLuaError(rt, "pl.federated{model = pl.softmax{}, clients = cl, dp = {clip = 1}}", ["exactly one of 'noise'"])
        assertLuaError(rt, "pl.federated{model = pl.softmax{}, clients = cl, dp = {clip = 1, adaptive = {}, noise = 1}}", ["either clip", "adaptive"])
        assertLuaError(rt, "pl.federated{model = pl.softmax{dp = {noise = 1}}, clients = cl}", ["must not train with dp"])
        assertLuaError(rt, "pl.federated{model = pl.logistic{}, clients = cl}", ["federated: the model must be a network"])
        assertLuaError(rt, "pl.federated{model = pl.softmax{}, clients = cl, dp = {adaptive = {}, noise = 1}, client_rate = 0.1}", ["count noise"])
        assertLuaError(rt, "pl.data.clients{data = train, partition = 'shards'}", ["data.clients", "partition"])
        assertLuaError(rt, "pl.data.clients{data = train, clients = 1000}", ["data.clients", "1000 clients but only 300 records"])
        assertLuaError(rt, "pl.data.clients{data = train, groups = {{train:ids()[1]}, {}}}", ["data.clients", "client 2 has no records"])
        assertLuaError(rt, "pl.data.clients{data = train, groups = {{train:ids()[1]}}, clients = 3}", ["either groups"])
        assertLuaError(rt, "pl.federated{model = pl.softmax{}, clients = cl, ['local'] = {epochs = 2}}", ["federated: option 'local' is written local_sgd"])
        assertLuaError(rt, "cl:client(31)", ["Clients.client", "no client 31"])
        assertLuaError(rt, "pl.data.users{personal = 2}", ["data.users", "personal"])
        assertLuaError(rt, "pl.data.users{users = 0}", ["data.users", "users"])
    }
}
