import Foundation

/// Where gradient canaries were put, which decides how strong the audit can be.
public enum CanaryPlacement: String, Sendable, Equatable {
    /// First-layer weights of input features that are zero in every training record: the data's
    /// gradients on them are exactly zero (∂loss/∂W[f, u] = x_f·δ_u), so only the canaries and the
    /// DP noise move them — the audit measures the mechanism itself.
    case unusedFeatures = "first-layer weights of features no training record uses"
    /// First-layer weights of the features the fewest records use: the data's gradients add drift,
    /// which weakens the audit but cannot make it wrong.
    case rarestFeatures = "first-layer weights of the features the fewest records use"
    /// Random coordinates of the parameter vector (models without a dense first layer): the
    /// data's gradients add drift there too.
    case anywhere = "random coordinates of the parameter vector"
}

/// White-box gradient canaries for auditing DP-SGD (Nasr et al. 2021, "Dirac" gradient canaries;
/// Steinke, Nasr & Jagielski 2023, §7): each canary is a gradient equal to the clipping bound on
/// one coordinate of the parameter vector and zero elsewhere, inserted into the clipped sum — before
/// the noise — at every step where Poisson sampling at the accountant's rate picks it, exactly as a
/// record whose clipped gradient it were. Its score is how far its coordinate moved against it,
/// θ₀ − θ_T (the sum of every step's update projected on the canary: the all-iterates white-box
/// score telescopes to the last iterate's).
public struct GradientCanaries {
    /// Each canary's coordinate in `Classifier.parameterVector()`.
    public private(set) var positions: [Int] = []
    public private(set) var placement = CanaryPlacement.anywhere
    private(set) var initial: [Float] = []
    /// Whether each canary takes part in training at all (the audit's coin).
    public let included: [Bool]
    private var sampling: RNG
    private var choice: RNG

    /// `samplingSeed` draws which steps pick each canary; `choiceSeed` the coordinates where the
    /// model has no dense first layer (the many-run audit keeps it fixed: one canary, one place).
    init(included: [Bool], samplingSeed: UInt64, choiceSeed: UInt64) {
        self.included = included
        sampling = RNG.stream(seed: samplingSeed, index: 13)
        choice = RNG.stream(seed: choiceSeed, index: 14)
    }

    /// Chooses the coordinates once the model's parameters exist (`TrainingHooks.beforeFirstStep`)
    /// and keeps θ₀. Features are ranked by how many training records use them (ties by position),
    /// and their first-layer weights taken in that order; without such a layout, random distinct
    /// coordinates.
    mutating func start(model: WhiteBoxModel, data: Dataset) throws {
        initial = try model.parameterVector()
        let m = included.count
        guard m <= initial.count else {
            throw PrivLabError.invalidArgument(.audit, "\(m) gradient canaries need as many parameters; the model has \(initial.count)")
        }
        if model.inputWeightPositions(feature: 0) != nil {
            var used = [Int](repeating: 0, count: data.featureCount)
            data.features.data.withUnsafeBufferPointer { x in
                for r in 0..<data.size { for f in 0..<data.featureCount where x[r * data.featureCount + f] != 0 { used[f] += 1 } }
            }
            var picked = [Int]()
            var rare = false
            for f in (0..<data.featureCount).sorted(by: { (used[$0], $0) < (used[$1], $1) }) where picked.count < m {
                guard let p = model.inputWeightPositions(feature: f) else { break }
                picked += p.prefix(m - picked.count)
                rare = rare || used[f] > 0
            }
            if picked.count == m {
                positions = picked
                placement = rare ? .rarestFeatures : .unusedFeatures
                return
            }
        }
        positions = try choice.sample(initial.count, m)
        placement = .anywhere
    }

    /// The canaries Poisson sampling picks at this step, each as a gradient of the step's bound.
    mutating func gradients(_ step: PrivateStep) -> [(position: Int, value: Float)] {
        var out = [(position: Int, value: Float)]()
        for (i, p) in positions.enumerated() where included[i] {
            if sampling.bernoulli(step.sampleRate) { out.append((p, Float(step.coordinateBound))) }
        }
        return out
    }

    /// θ₀ − θ_T at each canary's coordinate: large where the canary pushed its weight down.
    func scores(final: [Float]) -> [Double] {
        positions.map { Double(initial[$0]) - Double(final[$0]) }
    }

    /// Trains a copy of `model` re-seeded with `seed` on `data` with one canary per entry of
    /// `included` (inserted only where it is true); returns each canary's score θ₀ − θ_T, the
    /// training's privacy report and where the canaries were put.
    public static func train(_ model: Classifier, seed: UInt64, data: Dataset, included: [Bool], samplingSeed: UInt64, choiceSeed: UInt64) throws
        -> (scores: [Double], privacy: PrivacyStatement, placement: CanaryPlacement) {
        let audited = try model.reseededClone(seed: seed)
        guard audited.isWhiteBox else {
            throw PrivLabError.invalidArgument(.audit, "gradient canaries need a white-box model (a network trained by DP-SGD)")
        }
        var canaries = GradientCanaries(included: included, samplingSeed: samplingSeed, choiceSeed: choiceSeed)
        var hooks = TrainingHooks()
        hooks.beforeFirstStep = { try canaries.start(model: audited.requireWhiteBox("audit"), data: data) }
        hooks.insertedGradients = { canaries.gradients($0) }
        _ = try audited.requireHooks().fit(data, validation: nil, hooks: hooks, observer: TrainingObserver())
        guard let privacy = audited.privacy else {
            throw PrivLabError.invalidArgument(.audit, "the model is not trained with DP (no ε to audit): give it dp = {…}")
        }
        return (canaries.scores(final: try audited.requireWhiteBox("audit").parameterVector()), privacy, canaries.placement)
    }
}
