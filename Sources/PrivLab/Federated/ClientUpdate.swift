/// FedAvg's ClientUpdate (McMahan et al. 2017, Alg. 1; 2018, Alg. 1): start from the global model,
/// run local SGD on the client's records, return the difference Δ_k = θ_local − θ. The local
/// training is the engine's own trainer (`NeuralNetwork.fit` with a warm-started `TrainingStage`:
/// batches, steps, optimizer), run on a fresh network holding the global parameters.
struct ClientUpdate {
    /// The network every client trains: the model's layers with the local options (no DP, no
    /// validation split, no early stopping: the client trains its epochs).
    let template: NeuralNetwork
    let inputShape: [Int]
    let classes: Int
    let epochs: Int

    init(model: NeuralNetwork, local: LocalTraining, inputShape: [Int], classes: Int) throws {
        guard model.options.dp == nil else {
            throw PrivLabError.invalidArgument("federated: the model must not train with dp itself: give dp = {…} to pl.federated (user-level DP)")
        }
        template = try model.withTrainingOptions { o in
            if let lr = local.learningRate { o.learningRate = lr }
            if let b = local.batchSize { o.batchSize = b }
            o.epochs = local.epochs
            o.validationSplit = nil
            o.patience = nil
        }
        self.inputShape = inputShape
        self.classes = classes
        epochs = local.epochs
    }

    /// What one client sent: its update (flat, over every parameter in order), its records and
    /// its local training's last-epoch loss and accuracy.
    struct Result {
        var delta: [Float]
        let records: Int
        let loss: Double
        let accuracy: Double
    }

    /// Trains from `global` (flat parameter values) on `data` with the random streams of `seed`.
    func run(global: [Float], data: Dataset, seed: UInt64) throws -> Result {
        let net = try template.reseeded(seed)
        try net.build(inputShape: inputShape, classes: classes)
        try net.setParameterValues(Self.unflatten(global, like: net.parameters))
        let history = try net.fit(data, stage: TrainingStage(epochs: Double(epochs), seed: seed, warmStart: true))
        var delta = net.parameterValues().flatMap { $0 }
        for i in delta.indices { delta[i] -= global[i] }
        return Result(delta: delta, records: data.size, loss: history.last?.trainLoss ?? .nan, accuracy: history.last?.trainAccuracy ?? .nan)
    }

    /// A flat vector cut into arrays shaped like `parameters`.
    static func unflatten(_ v: [Float], like parameters: [Parameter]) -> [[Float]] {
        var start = 0
        return parameters.map { p in
            defer { start += p.value.count }
            return Array(v[start..<(start + p.value.count)])
        }
    }
}
