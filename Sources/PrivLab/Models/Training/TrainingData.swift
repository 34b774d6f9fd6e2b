/// A run's checked inputs: the training set, the validation set (given, or split off the training
/// set when the options ask), the per-example shape and the class count the network is built for.
struct TrainingData {
    let train: Dataset
    let validation: Dataset?
    let shape: [Int]
    let classes: Int

    /// Checks the data, splits off the validation set from `seed`'s stream 3 when asked.
    init(network net: NeuralNetwork, train trainIn: Dataset, validation valIn: Dataset?, seed: UInt64) throws {
        let o = net.options
        guard trainIn.size > 0 else { throw PrivLabError.invalidArgument("fit: the training set is empty") }
        guard trainIn.classes >= 2 else { throw PrivLabError.invalidArgument("fit: need at least 2 classes, the data has \(trainIn.classes)") }
        try trainIn.checkFinite()
        var train = trainIn
        var val = valIn
        if val == nil, let f = o.validationSplit {
            let (rest, part) = try trainIn.split(.fraction(f), stratified: true, seed: RNG.stream(seed: seed, index: 3).seedValue)
            train = rest
            val = part
        }
        if o.patience != nil && val == nil {
            throw PrivLabError.invalidArgument("fit: early stopping (patience) needs a validation set: pass validation = … or set validation_split")
        }
        if let v = val {
            guard v.featureCount == train.featureCount else {
                throw PrivLabError.shape("validation set has \(v.featureCount) features, training set \(train.featureCount)")
            }
            try v.checkFinite()
        }
        self.train = train
        validation = val
        shape = try net.exampleShape(for: train)
        classes = max(train.classes, val?.classes ?? 0)
    }

    /// Builds the network for this data with fresh parameters, or — continuing a stage with a
    /// warm start — checks that the fitted network matches it.
    func prepare(_ net: NeuralNetwork, warmStart: Bool) throws {
        if warmStart && net.isFitted {
            guard net.inputShape == shape, net.classes == classes else {
                throw PrivLabError.shape("fit: cannot continue training a model built for \(net.inputShape) inputs and \(net.classes) classes on data with \(shape) and \(classes)")
            }
        } else {
            try net.build(inputShape: shape, classes: classes)
        }
    }
}
