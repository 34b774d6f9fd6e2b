import PrivLab

/// The declarations of `pl.federated` (DP-FedAvg, McMahan et al. ICLR 2018) and `pl.data.clients`.
enum FederatedDeclarations {
    static let federated = FunctionDeclaration(
        "federated", "federated averaging over clients, with user-level DP when dp = {…} is given (DP-FedAvg: clients sampled with probability q, local SGD, updates clipped, fixed-denominator average, Gaussian noise, server momentum)",
        options: [
            OptionSpec("model", .model, "the network every client trains (pl.softmax, pl.mlp or pl.cnn, without dp); the result is a new fitted model", .required),
            OptionSpec("clients", .object("Clients"), "the clients (pl.data.clients{…} or pl.data.users{…})", .required),
            .integer("rounds", "rounds of federated averaging", default: FederatedOptions().rounds, .atLeast(1), .atMost(1_000_000)),
            .number("client_rate", "q: each client joins each round independently with this probability", default: FederatedOptions().clientRate, .above(0), .atMost(1)),
            .table("local_sgd", "the clients' local training (FedAvg's ClientUpdate; `local` itself is a Lua keyword)", .optional("1 epoch at the model's lr and batch"), fields: [
                .integer("epochs", "local epochs per round", default: 1, .atLeast(1), .atMost(10_000)),
                .number("lr", "local learning rate", .optional("the model's"), .above(0)),
                .integer("batch", "local batch size", .optional("the model's"), .atLeast(1), .atMost(1_000_000)),
            ]),
            .table("server", "the server's optimizer on the averaged update (θ ← θ + lr·v, v ← momentum·v + Δ)", .optional("lr = 1, momentum = 0: plain FedAvg"), fields: [
                .number("lr", "server learning rate η", default: 1, .above(0)),
                .number("momentum", "server momentum μ (McMahan et al. 2018 use 0.9)", default: 0, .atLeast(0), .below(1)),
            ]),
            .choice("weighting", ClientWeighting.self, "client weights w_k: \"uniform\" (1 each) or \"records\" (min(n_k/weight_cap, 1))", default: .uniform),
            .number("weight_cap", "weighting = \"records\": ŵ, the record count at which a client's weight reaches 1", .optional("the largest client's records"), .atLeast(1)),
            .table("dp", "user-level differential privacy", .optional("plain FedAvg: no clipping, no noise"), fields: [
                .number("clip", "S: the bound on every client update's L2 norm", .optional("1, unless adaptive"), .above(0)),
                .table("adaptive", "adaptive clipping (Andrew et al. 2021): the bound follows a quantile of the update norms", .optional("a fixed bound"), fields: [
                    .number("target_quantile", "γ: the share of clients whose update should be within the bound", default: 0.5, .above(0), .below(1)),
                    .number("lr", "η_C of the geometric update C ← C·exp(−η_C(b̃ − γ))", default: 0.2, .atLeast(0)),
                    .number("initial", "the first round's bound", default: 0.1, .above(0)),
                    .number("count_noise", "σ_b: std of the noise on the unclipped count", .optional("0.05 × expected clients per round"), .atLeast(0)),
                ]),
                .number("noise", "z: noise multiplier (std z·S/(qW) on the average)", .optional("calibrated to epsilon"), .atLeast(0)),
                .number("epsilon", "target user-level ε to calibrate z to", .optional("noise given"), .above(0)),
                .number("delta", "δ of the user-level guarantee", default: 1e-5, .above(0), .below(1)),
                .boolean("per_layer", "clip each layer's part of an update to S/√L", default: false),
                .choice("accountant", AccountantKind.self, "the accountant that calibrates z and states ε", default: .rdp),
            ] + AccountantDeclarations.settings),
            OptionSpec("test", .dataset, "evaluation set scored after every round (test_accuracy)", .optional("none")),
            .integer("workers", "clients trained at once (threads); the result does not depend on it", .defaulted(.described("the number of cores")), .atLeast(1), .atMost(256)),
            .seed("seed of the client sampling, local training, initialisation and noise"),
        ],
        returns: "Model, table",
        resultFields: [
            ResultField("rounds", "table[]", "per round: round, clients, clip, median_norm, unclipped_share, local_loss, local_accuracy, test_accuracy"),
            ResultField("privacy", "table", "the user-level privacy statement (as model:privacy()); nil without dp"),
            ResultField("epsilon", "number", "user-level ε (nil without dp)"),
            ResultField("noise", "number", "z, the mechanism's noise multiplier"),
            ResultField("update_noise", "number", "z_Δ, the multiplier on the update (above z with adaptive clipping)"),
            ResultField("count_noise", "number", "σ_b, the std of the clipped-count noise"),
            ResultField("denominator", "number", "qW, the fixed denominator"),
            ResultField("final_clip", "number", "the bound after the last round"),
            ResultField("expected_clients", "number", "qN, clients expected per round"),
        ],
        refused: ["local": "is written local_sgd (local is a Lua keyword)"])

    static let clients = FunctionDeclaration(
        "data.clients", "a data set split into clients whose records stay together: IID, Dirichlet label skew (Hsu et al. 2019) or a few classes per client (McMahan et al. 2017), or explicit groups of record ids",
        options: [
            OptionSpec("data", .dataset, "the records to split", .required),
            .choice("partition", ClientPartitionKind.self, "how records are dealt to clients", default: ClientPartitionOptions().kind),
            .integer("clients", "number of clients", default: ClientPartitionOptions().clients, .atLeast(1), .atMost(10_000_000)),
            .number("alpha", "partition = \"dirichlet\": concentration α of each client's class mix Dir(α·p)", default: ClientPartitionOptions().alpha, .above(0))
                .only(.equals("partition", ["dirichlet"])),
            .integer("classes", "partition = \"classes\": label-sorted shards per client (about that many classes each)", default: ClientPartitionOptions().classesPerClient, .atLeast(1), .atMost(10_000))
                .only(.equals("partition", ["classes"])),
            OptionSpec("groups", .table, "explicit clients: a list of lists of record ids (a per-user data set); replaces partition", .optional("partition the data")),
            .seed("seed of the partition"),
        ],
        returns: "Clients")

    static let users = FunctionDeclaration(
        "data.users", "a generated per-user data set for user-level DP: next-symbol prediction from each user's own text (a personal Markov chain mixed with the population's), heavy-tailed records per user, one-hot windows readable by pl.rnn{steps = context}; returns Clients",
        options: [
            .integer("users", "number of users (clients)", default: UserSequenceOptions().users, .atLeast(1), .atMost(1_000_000)),
            .integer("vocabulary", "symbols in the vocabulary (the classes)", default: UserSequenceOptions().vocabulary, .atLeast(2), .atMost(1000)),
            .integer("context", "symbols a record shows (its steps); the label is the next one", default: UserSequenceOptions().context, .atLeast(1), .atMost(1000)),
            .number("records", "mean records per user", default: UserSequenceOptions().records, .atLeast(1), .atMost(10_000)),
            .number("spread", "σ of the log-normal spread of records per user (0: all equal)", default: UserSequenceOptions().spread, .atLeast(0), .atMost(3)),
            .integer("min_records", "the fewest records a user has", default: UserSequenceOptions().minRecords, .atLeast(1), .atMost(1_000_000)),
            .number("personal", "λ: weight of each user's own chain against the population's (0: one shared chain, 1: fully personal)", default: UserSequenceOptions().personal, .atLeast(0), .atMost(1)),
            .seed("seed of the chains, the record counts and the texts"),
        ],
        returns: "Clients")
}
