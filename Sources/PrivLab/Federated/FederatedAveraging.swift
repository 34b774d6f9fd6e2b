import Foundation

/// Federated averaging with user-level differential privacy: DP-FedAvg (McMahan, Ramage, Talwar &
/// Zhang, ICLR 2018, Alg. 1), with Andrew et al. 2021's adaptive clipping as an option. Each round
/// samples every client independently with probability q, trains the sampled clients locally from
/// the global model (in parallel, `ClientUpdate`), clips their updates, averages them with the
/// fixed-denominator estimator, adds Gaussian noise (`FederatedAggregate`) and lets the server's
/// optimizer (SGD with momentum) take the step. Without `dp` the same rounds run with no clipping
/// and no noise: plain FedAvg (McMahan et al. 2017) with the fixed denominator.
///
/// Random streams, all from `options.seed`: the client sampling, each (round, client)'s local
/// training, each round's noise and the clipped-count noise each have their own, so the result is
/// the same for any number of workers.
public struct FederatedAveraging {
    public let options: FederatedOptions

    public init(options: FederatedOptions) throws {
        try options.validate()
        self.options = options
    }

    /// Trains `model`'s architecture on `clients`; `evaluation`, when given, is scored after every round.
    public func fit(model: any Classifier, clients: FederatedClients, evaluation: Dataset? = nil) throws -> FederatedResult {
        guard let template = model as? NeuralNetwork else {
            throw PrivLabError.invalidArgument("federated: the model must be a network (pl.softmax, pl.mlp or pl.cnn), got \(model.summary)")
        }
        let o = options, data = clients.data
        guard data.classes >= 2 else { throw PrivLabError.invalidArgument("federated: the clients' data needs at least 2 classes") }
        try data.checkFinite()
        if let e = evaluation, e.featureCount != data.featureCount {
            throw PrivLabError.shape("federated: the evaluation set has \(e.featureCount) features, the clients' data \(data.featureCount)")
        }
        let shape = try template.exampleShape(for: data)
        let local = try ClientUpdate(model: template, local: o.local, inputShape: shape, classes: data.classes)
        let global = try local.template.reseeded(o.seed)
        try global.build(inputShape: shape, classes: data.classes)
        var state = try RunState(options: o, clients: clients, network: global)
        var rounds = [FederatedRound]()
        for t in 1...o.rounds {
            try WorkBudget.checkpoint()
            rounds.append(try state.round(t, local: local, clients: clients, evaluation: evaluation))
        }
        let privacy = try state.noise?.statement(rounds: o.rounds, initialClip: state.initialClip)
        global.setHistory(rounds.map { $0.epochRecord(serverRate: o.serverLearningRate) }, bestEpoch: nil)
        global.setPrivacy(privacy)
        return FederatedResult(model: global, rounds: rounds, privacy: privacy, noiseMultiplier: state.noise?.multiplier ?? 0,
                               updateNoiseMultiplier: state.noise?.updateMultiplier ?? 0, countNoise: state.noise?.countNoise ?? 0,
                               denominator: state.aggregate.denominator, finalClip: o.dp == nil ? nil : state.bound)
    }
}

extension FederatedRound {
    /// The round as the global model's history entry (an "epoch" per round, the server's rate).
    func epochRecord(serverRate: Double) -> EpochRecord {
        EpochRecord(epoch: round, trainLoss: localLoss ?? 0, trainAccuracy: localAccuracy ?? 0,
                    validationAccuracy: testAccuracy, learningRate: serverRate)
    }
}
