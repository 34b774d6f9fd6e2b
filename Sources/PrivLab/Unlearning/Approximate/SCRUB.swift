import Foundation

/// SCRUB (Kurmanji et al., "Towards Unbounded Machine Unlearning", NeurIPS 2023, §3; meghdadk/SCRUB,
/// `train_distill` with `distill = "kd"`): the student starts as the trained model, the teacher is
/// the trained model frozen. For the first `maxSteps` epochs a max-step over the forget set
/// (descending −KL(teacher ‖ student)) precedes each min-step over the retain set (descending
/// α·KL + γ·CE); afterwards min-steps only. KL is DistillKL: Σ KL(softmax(t/T) ‖ softmax(s/T))·T²/B.
///
/// Through the trainer: each step is a one-epoch warm-started fit with the KL as an extra logit
/// term and the label loss weighted 0 (max) or γ (min), all sharing one optimizer
/// (`TrainingHooks.optimizer`), as the reference's single optimizer serves both. The learning rate
/// drops by `decayRate` after each epoch in `decayEpochs` (the reference's `adjust_learning_rate`).
///
/// Defaults from `small_scale_unlearning.ipynb`: Adam, lr 5e-4, α = 0.5, γ = 1, T = 2 (`kd_T`),
/// msteps = 3, 10 epochs (`sgda_epochs`), decay ×0.1 after epochs 5, 8, 9, weight decay 0.1.
/// Where we differ: weight decay is PrivLab's l2 (weights, not biases).
public struct SCRUB: ScheduledUnlearning {
    public var schedule: UnlearningSchedule = {
        var s = UnlearningSchedule(epochs: 10, learningRate: 5e-4)
        s.optimizer = .adam
        s.weightDecay = 0.1
        return s
    }()
    public var alpha = 0.5
    public var gamma = 1.0
    public var temperature = 2.0
    public var maxSteps = 3
    public var decayEpochs = [5, 8, 9]
    public var decayRate = 0.1
    public var name: String { "SCRUB" }
    public init() {}

    public func unlearn(_ model: Classifier, forget: Dataset, retain: Dataset, seed: UInt64) throws -> Classifier {
        let net = try UnlearningInputs.network("unlearn.scrub", model, forget: forget, retain: retain)
        try validate()
        let teacher = try DistillationKL(teacher: net, records: [forget, retain], temperature: temperature)
        let shared = Optimizer(kind: schedule.optimizer, momentum: schedule.momentum)
        var student = net
        for epoch in 1...schedule.epochs {
            let lr = schedule.learningRate * pow(decayRate, Double(decayEpochs.filter { epoch > $0 }.count))
            student = try schedule.copy(of: student, learningRate: lr)
            if epoch <= maxSteps {
                try step(student, forget, seed: seed, phase: 2 * epoch, labelWeight: 0, klWeight: -1, teacher: teacher, optimizer: shared)
            }
            try step(student, retain, seed: seed, phase: 2 * epoch + 1, labelWeight: Float(gamma), klWeight: alpha,
                     teacher: teacher, optimizer: shared)
        }
        return student
    }

    /// One pass over `data` minimising labelWeight·CE + klWeight·KL.
    func step(_ student: NeuralNetwork, _ data: Dataset, seed: UInt64, phase: Int, labelWeight: Float, klWeight: Double,
              teacher: DistillationKL, optimizer: Optimizer) throws {
        var hooks = TrainingHooks()
        if labelWeight != 1 { hooks.labelWeights = Dictionary(uniqueKeysWithValues: data.ids.map { ($0, labelWeight) }) }
        hooks.logitTerm = { ids, z, normalizer in try teacher.term(ids: ids, student: z, normalizer: normalizer, weight: klWeight) }
        hooks.optimizer = optimizer
        try UnlearningInputs.train(student, data, epochs: 1, seed: RNG.stream(seed: seed, index: UInt64(100 + phase)).seedValue, hooks: hooks)
    }

    func validate() throws {
        try schedule.validate("unlearn.scrub")
        func check(_ ok: Bool, _ msg: String) throws { if !ok { throw PrivLabError.invalidArgument("unlearn.scrub: \(msg)") } }
        try check(alpha.isFinite && alpha >= 0, "alpha must be non-negative")
        try check(gamma.isFinite && gamma >= 0, "gamma must be non-negative")
        try check(temperature.isFinite && temperature > 0, "temperature must be positive")
        try check(maxSteps >= 0, "msteps must be non-negative")
        try check(decayRate.isFinite && decayRate > 0, "decay_rate must be positive")
    }
}
