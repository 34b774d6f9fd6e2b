import PrivLab

/// The learning-rate schedules by their Lua names.
enum ScheduleChoice: String, CaseIterable { case constant, step, cosine }

/// CNN pooling by its Lua names.
enum PoolChoice: String, CaseIterable {
    case max, avg
    var kind: Pool2D.Kind { self == .max ? .max : .average }
}

/// The declarations of the network constructors (`pl.softmax`, `pl.mlp`, `pl.cnn`): each network's
/// own options, then the training options every network shares with that network's defaults.
enum ModelDeclarations {
    /// The training options, with the defaults a network changes (the rest are `TrainingOptions()`'s).
    static func training(optimizer: OptimizerKind = .sgd, lr: Double, batch: Int, epochs: Int = TrainingOptions().epochs) -> [OptionSpec] {
        let t = TrainingOptions()
        return [
            .choice("optimizer", OptimizerKind.self, "optimiser of the training steps", default: optimizer),
            .number("lr", "learning rate", default: lr, .above(0)),
            .number("momentum", "SGD momentum", default: t.momentum, .atLeast(0), .atMost(0.999)),
            .boolean("nesterov", "Nesterov momentum (with momentum > 0)", default: t.nesterov),
            .number("beta1", "Adam's first-moment decay", default: t.beta1, .atLeast(0), .atMost(0.9999)),
            .number("beta2", "Adam's second-moment decay", default: t.beta2, .atLeast(0), .atMost(0.99999)),
            .number("adam_eps", "Adam's denominator constant ε̂ (Kingma & Ba 2015; named apart from dp.epsilon, the privacy budget)",
                    default: t.epsilon, .above(0)),
            .integer("epochs", "passes over the training data", default: epochs, .atLeast(1), .atMost(100_000)),
            .integer("batch", "records per mini-batch (the expected batch size under DP-SGD's Poisson sampling)", default: batch, .atLeast(1)),
            .number("l1", "L1 penalty on the weights", default: t.l1, .atLeast(0)),
            .number("l2", "L2 penalty (weight decay) on the weights", default: t.l2, .atLeast(0)),
            .number("elastic_net", "weight α of the elastic-net penalty α·(ρ‖w‖₁ + (1 − ρ)/2·‖w‖²) (instead of l1/l2)",
                    .optional("no elastic net"), .atLeast(0)),
            .number("l1_ratio", "elastic net's share ρ of L1", default: 0.5, .atLeast(0), .atMost(1)).only(.given("elastic_net")),
            .choice("schedule", ScheduleChoice.self, "learning-rate schedule", default: .constant),
            .integer("step_size", "epochs between learning-rate drops", .defaulted(.integer(10)), .atLeast(1)).only(.equals("schedule", ["step"])),
            .number("gamma", "factor the learning rate is multiplied by every step_size epochs",
                    .defaulted(.number(0.1)), .above(0)).only(.equals("schedule", ["step"])),
            .number("lr_min", "the final learning rate", .defaulted(.number(0)), .atLeast(0), .atMostOption("lr"))
                .only(.equals("schedule", ["cosine"])),
            .number("temperature", "softmax temperature during training", default: t.temperature, .above(0)),
            .number("inference_temperature", "softmax temperature of the released probabilities", default: t.inferenceTemperature, .above(0)),
            .number("label_smoothing", "mass moved from the true label to the others in the training targets",
                    default: t.labelSmoothing, .atLeast(0), .atMost(0.99)),
            .integer("patience", "early stopping: epochs without improvement of the validation loss (or accuracy, with monitor) before stopping",
                     .optional("no early stopping"), .atLeast(1)),
            .number("min_delta", "early stopping: smallest improvement of the validation loss that counts", default: t.minDelta, .atLeast(0)),
            .boolean("restore_best", "early stopping: keep the parameters of the best validation epoch", default: t.restoreBest),
            OptionSpec("monitor", .choice(StoppingMetric.self),
                       "early stopping and restore_best: what the validation set is watched for (\"loss\": lowest loss, \"accuracy\": highest accuracy)",
                       .optional("the validation loss")),
            .number("validation_split", "share of the training data held out for validation", .optional("no validation"),
                    .above(0), .below(1)),
            .seed("seed of the initial weights, the batches and the noise"),
            .table("dp", "train with DP-SGD (Abadi et al. 2016): every example's gradient clipped, Gaussian noise on their sum; give noise or epsilon",
                   .optional("no differential privacy"), fields: dpSGD),
            OptionSpec("on_epoch", .function, "function(history_row) called after each epoch; return false to stop", .optional(nil)),
        ]
    }

    /// DP-SGD's `dp = {…}` (Abadi et al., CCS 2016, with Opacus's clipping and noise), read
    /// through these fields by `Runtime.dpOptions`; the accountant's own settings come from the
    /// accountants' declarations. Exactly one of noise and epsilon is given (the binding checks).
    static var dpSGD: [OptionSpec] {
        let d = DPOptions()
        return [
            .number("clip", "C: every example's gradient is scaled by min(1, C/(‖g‖ + 1e-6))", default: d.clip, .above(0)),
            .number("noise", "σ: the noise multiplier (std σ·C on the sum of clipped gradients)", .optional("calibrated to epsilon"), .atLeast(0)),
            .number("epsilon", "a target ε (at delta, after all epochs) σ is calibrated to", .optional("noise given"), .above(0)),
            .number("delta", "δ of the guarantee (and of the calibration)", default: d.delta, .above(0), .atMost(0.999999)),
            .choice("sampling", DPSampling.self, "how batches are drawn: \"poisson\" (each record with probability batch/n: what the accountant assumes) or \"shuffle\" (fixed-size batches, accounted as if Poisson, and the statement says so)",
                    default: d.sampling),
            .choice("accountant", AccountantKind.self, "the accountant that calibrates σ to epsilon and states ε after each epoch", default: d.accountant),
        ] + AccountantDeclarations.settings + [
            .boolean("per_layer", "clip each layer's part of an example's gradient to C/√L (McMahan et al. 2018, §3) instead of the whole to C", default: false),
            .integer("physical_batch", "virtual batches: records whose gradients are computed at once; the sampled batch is processed in chunks of this size before its one noisy step",
                     .optional("the whole sampled batch at once"), .atLeast(1)),
        ]
    }

    /// Training options renamed (issue 27: `eps` read as a privacy ε next to dp.epsilon).
    static let renamed = ["eps": "is now called adam_eps (Adam's constant; dp.epsilon is the privacy budget)"]

    static let softmax = FunctionDeclaration(
        "softmax", "multinomial logistic regression trained by (optionally DP-) SGD: a network without hidden layers",
        options: training(lr: 0.1, batch: 64), returns: "Model", refused: renamed)

    /// A hidden-layer option and the activation and dropout that go with it.
    static func hiddenLayers(_ d: [Int]) -> [OptionSpec] {
        [
            OptionSpec("hidden", .integers, "units of each fully connected hidden layer, e.g. {256, 128}", .defaulted(.integers(d)), [.atLeast(1)]),
            .choice("activation", ActivationKind.self, "non-linearity after each hidden layer", default: .relu),
            .number("dropout", "probability of zeroing a hidden unit during training", default: 0, .atLeast(0), .atMost(0.95)),
        ]
    }

    static let mlp = FunctionDeclaration(
        "mlp", "a multi-layer perceptron classifier trained by (optionally DP-) SGD or Adam",
        options: hiddenLayers([128]) + [frozen()] + training(lr: 0.05, batch: 128), returns: "Model", refused: renamed)

    static let cnn = FunctionDeclaration(
        "cnn", "a convolutional classifier for images: convolution and pooling blocks, then fully connected layers",
        options: [
            OptionSpec("channels", .integers, "filters of each convolutional layer (one block per entry), e.g. {16, 32}",
                       .defaulted(.integers([16, 32])), [.atLeast(1)]),
            .integer("kernel", "side of the square convolution kernel (odd, so it has a centre: 'same' padding)", default: 3,
                     .atLeast(1), .atMost(15), .odd),
            .choice("pool", PoolChoice.self, "the pooling after each convolution", default: .max),
            .integer("pool_size", "side of the square pooling window (e.g. 4 for 4×4)", default: 2, .atLeast(1), .atMost(64)),
            .integer("pool_stride", "step between pooling windows", .optional("pool_size: windows side by side"), .atLeast(1), .atMost(64)),
        ] + hiddenLayers([128]) + [
            OptionSpec("input_shape", .integers, "{channels, height, width} of each record", .optional("the data's image shape"), [.atLeast(1)]),
            frozen(),
        ] + training(optimizer: .adam, lr: 1e-3, batch: 64, epochs: 5),
        returns: "Model", refused: renamed)
}

/// The recurrent network's declaration.
extension ModelDeclarations {
    static let rnn = FunctionDeclaration(
        "rnn", "a recurrent classifier for sequences (e.g. sequential Fashion-MNIST: 28 steps of 28 pixels): stacked Elman RNN, GRU or LSTM layers (PyTorch's equations), the last hidden state, then fully connected layers",
        options: [
            .choice("cell", RecurrentCellKind.self, "the recurrent cell: rnn (Elman, tanh), gru or lstm", default: .gru),
            .integer("hidden", "hidden units of each recurrent layer", default: 128, .atLeast(1), .atMost(100_000)),
            .integer("layers", "stacked recurrent layers", default: 1, .atLeast(1), .atMost(64)),
            .integer("steps", "time steps each record is read as (its width must be steps × features)", default: 28, .atLeast(1)),
            .boolean("all_steps", "feed the head every step's hidden state (steps × hidden values) instead of the last one", default: false),
            OptionSpec("head", .integers, "units of each fully connected layer between the recurrent part and the output, e.g. {64}",
                       .defaulted(.integers([])), [.atLeast(1)]),
            .choice("activation", ActivationKind.self, "non-linearity after each head layer", default: .relu),
            .number("dropout", "probability of zeroing a head unit during training", default: 0, .atLeast(0), .atMost(0.95)),
            frozen(),
        ] + training(optimizer: .adam, lr: 1e-3, batch: 128, epochs: 5),
        returns: "Model", refused: renamed)
}

/// Freezing and transfer learning (`frozen` on the networks with hidden layers; `pl.transfer`).
extension ModelDeclarations {
    /// The `frozen` option: how many of the lowest layers with parameters keep their values.
    static func frozen(_ d: OptionPresence = .optional("none: every layer trains")) -> OptionSpec {
        .integer("frozen", "layers with parameters, from the input, whose values training keeps (the optimizer skips them and backpropagation stops above them); the output layer always trains",
                 d, .atLeast(0), .atMost(10_000))
    }

    static let transfer = FunctionDeclaration(
        "transfer", "transfer learning: a new network whose lower layers are copied from a fitted network (e.g. pre-trained on public data), frozen or fine-tuned, under a new head — as a SISA constituent, every shard shares the copied extractor",
        options: [
            OptionSpec("base", .model, "the fitted network (pl.mlp, pl.cnn, pl.rnn, …) whose lower layers are copied with their values", .required),
            .integer("layers", "layers with parameters copied from the base, from the input (with the activations, pooling and flattening after them)",
                     .defaulted(.described("all the base's layers but its output layer")), .atLeast(1), .atMost(10_000)),
            frozen(.defaulted(.described("= layers (the copied extractor stays fixed; 0 fine-tunes it)"))),
            OptionSpec("head", .integers, "units of each new fully connected layer between the copied layers and the new output layer, e.g. {64}",
                       .defaulted(.integers([])), [.atLeast(1)]),
            .choice("activation", ActivationKind.self, "non-linearity after each head layer", default: .relu),
            .number("dropout", "probability of zeroing a head unit during training", default: 0, .atLeast(0), .atMost(0.95)),
        ] + training(lr: 0.05, batch: 128),
        returns: "Model", refused: renamed)
}

/// The declarations of the Model methods that take options.
extension ModelDeclarations {
    static let fit = FunctionDeclaration(
        "Model.fit", "trains the model (from scratch, or on from its parameters with continue = true)",
        arguments: [ArgumentSpec("data", "Dataset", "the training set")],
        options: [
            OptionSpec("validation", .dataset, "records to report validation loss and accuracy on each epoch (and for early stopping)",
                       .optional("none, or validation_split's")),
            OptionSpec("track", .table,
                       "{name = Dataset, …}: data sets whose accuracy each history row carries as <name>_accuracy (e.g. the test curve beside the validation set that selects the epoch); they never influence training",
                       .optional("none")),
            .boolean("continue", "fine-tune from the current parameters for the model's epochs (e.g. after pre-training on public data)",
                     default: false),
            .table("dp", "DP-SGD settings for this run (with continue = true): its steps compose with the model's earlier private runs; earlier training without DP is not counted (the statement's note says so: it holds only if those records were public)",
                   .optional("the model's own"), fields: dpSGD).only(.equals("continue", ["true"])),
            OptionSpec("private_step", .function,
                       "function(grads, ctx) replacing DP-SGD's clipping and noise (needs dp): grads[i] is example i's gradient (model:parameters() order), ctx = {clip, noise_multiplier, step, gaussian = one N(0,1) draw per parameter}; returns the noisy sum. ε is claimed only if every step matches the built-in on the same gradients and draws, otherwise the privacy statement says unaccounted",
                       .optional("the built-in clipping and noise")),
        ],
        returns: "table[]",
        resultFields: [
            ResultField("epoch", "integer", "per epoch: its number"),
            ResultField("train_loss", "number", "the mean training loss"),
            ResultField("train_accuracy", "number", "the training accuracy"),
            ResultField("val_loss", "number", "with validation: the validation loss"),
            ResultField("val_accuracy", "number", "with validation: the validation accuracy"),
            ResultField("lr", "number", "the learning rate used"),
            ResultField("epsilon", "number", "with DP-SGD: ε spent so far"),
            ResultField("<name>_accuracy", "number", "with track: the accuracy on each tracked data set"),
            ResultField("attack_gain", "number", "pl.defense.adversarial: its inference model's gain G on 1,024 private and reference records each (2·ln ½ when it answers ½)"),
            ResultField("attack_accuracy", "number", "pl.defense.adversarial: its inference model's balanced accuracy on them"),
            ResultField("attack_logit", "number", "pl.defense.adversarial: the largest |logit| of its membership probability on them"),
        ])

    static let predictProba = FunctionDeclaration(
        "Model.predict_proba", "the released class probabilities of each record",
        arguments: [ArgumentSpec("x", "Dataset|number[][]", "the records, or feature rows")],
        options: [.number("temperature", "softmax temperature", .defaulted(.described("the model's inference_temperature")), .above(0))],
        returns: "number[][]")
}

/// The Model methods without options: what each takes and returns, so `privlab doc Model.privacy`
/// and the stubs say it (and `m:clone()` completes as a Model).
extension ModelDeclarations {
    static let records = ArgumentSpec("x", "Dataset|number[][]", "the records, or feature rows")
    static let data = ArgumentSpec("data", "Dataset", "labelled records")

    /// What every privacy statement carries in Lua (`model:privacy()` and every other `privacy`).
    static let privacyFields: [ResultField] = [
        ResultField("epsilon", "number", "ε of the guarantee"),
        ResultField("delta", "number", "δ of the guarantee (0 for pure ε-DP)"),
        ResultField("accountant", "string", "the accountant that composed the events (\"rdp\", \"pld\")"),
        ResultField("events", "string[]", "what the mechanism did, in plain words"),
        ResultField("noise", "number", "DP-SGD: σ of its last phase; output perturbation: the noise scale"),
        ResultField("clip", "number", "the clipping norm"),
        ResultField("sample_rate", "number", "DP-SGD: the sampling rate q"),
        ResultField("steps", "integer", "DP-SGD: the steps of its last phase"),
        ResultField("sampling", "string", "DP-SGD: \"poisson\" or \"shuffle\""),
        ResultField("mechanism", "string", "\"output_perturbation\" for output-perturbed models"),
        ResultField("epsilon_data_dependent", "number", "PATE: the data-dependent ε"),
        ResultField("note", "string", "a caveat on the statement, when there is one"),
    ]

    static let methods: [FunctionDeclaration] = [
        FunctionDeclaration("Model.predict", "the predicted class (a 0-based label) of each record", arguments: [records], returns: "integer[]"),
        FunctionDeclaration("Model.logits", "the scores of each record before the softmax", arguments: [records], returns: "number[][]"),
        FunctionDeclaration("Model.accuracy", "the share of records whose predicted class is their label", arguments: [data], returns: "number"),
        FunctionDeclaration("Model.loss", "the mean over the records of each one's loss (cross-entropy of its label)", arguments: [data], returns: "number"),
        FunctionDeclaration("Model.losses", "each record's loss (cross-entropy of its label), in the data set's order", arguments: [data], returns: "number[]"),
        FunctionDeclaration("Model.score", "a metric of the model's predictions on labelled records",
                            arguments: [data, ArgumentSpec("metric", "string|function",
                                                           "\"accuracy\" (default), \"error_rate\", \"log_loss\", a registered metric's name, or function(y_true, y_pred) → number",
                                                           optional: true)],
                            returns: "number"),
        FunctionDeclaration("Model.save", "writes the fitted model to a model file; pl.load reads it back with identical outputs",
                            arguments: [ArgumentSpec("path", "string", "the file to write")]),
        FunctionDeclaration("Model.history", "one row per epoch of every fit so far (a continued fit numbers its epochs on)",
                            returns: "table[]", resultFields: fit.resultFields),
        FunctionDeclaration("Model.privacy", "the model's privacy statement; nil when nothing in it is private; ε = inf (math.huge) when a part learnt from the training data without noise (a pipeline's scaler, a non-private model after DP-PCA), the note saying which",
                            returns: "table|nil",
                            resultFields: privacyFields),
        FunctionDeclaration("Model.defense_report", "what a defense did and spent; nil for a model without one",
                            returns: "table|nil", resultFields: [ResultField("defense", "string", "the defense's name; its own figures beside it")]),
        FunctionDeclaration("Model.summary", "a one-line description of the model", returns: "string"),
        FunctionDeclaration("Model.parameters", "the number of parameters", returns: "integer"),
        FunctionDeclaration("Model.trained_parameters", "the number of parameters training changes (frozen layers' excluded)", returns: "integer"),
        FunctionDeclaration("Model.clone", "an untrained model with the same configuration (and on_epoch callback)", returns: "Model"),
    ]
}
