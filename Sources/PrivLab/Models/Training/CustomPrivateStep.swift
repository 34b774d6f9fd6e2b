import Foundation

/// A user-written replacement for DP-SGD's clipping and noise — what course exercises ask students
/// to write themselves (per-example clipping to C, then Gaussian noise of std σ·C on the sum;
/// Abadi et al. 2016, Algorithm 1). The trainer hands it every example's gradient and the step's
/// standard normal draws (one per parameter, from the run's noise stream); it returns the noisy
/// sum. The trainer divides the sum by the expected batch size and applies the update as the
/// built-in step does.
///
/// The trainer also computes the built-in result from the same gradients and the same draws, and
/// the run is accounted as DP-SGD only if every step matched it: only then does the step provably
/// have the built-in's sensitivity (C) and noise (σ·C). Otherwise the model's privacy statement is
/// *unaccounted*, with the first step that differed.
public protocol CustomPrivateStep: AnyObject {
    /// The noisy sum of the clipped per-example gradients: `perExample` holds one example's
    /// gradient of its own loss per row (the trained parameters flattened in
    /// `Classifier.parameterVector()` order, not divided by the batch size); `gaussian` holds one
    /// N(0, 1) draw per column — the built-in adds σ·C times them. Returns one value per column.
    func noisySum(perExample: Matrix, clip: Double, noiseMultiplier: Double, step: Int, gaussian: [Double]) throws -> [Double]
}

/// The training step around a `CustomPrivateStep`: per-example gradients by one backward pass per
/// example (course-sized models: the cost is B passes per step, not one), the user's noisy sum,
/// the built-in result beside it, then the update with the user's sum over B.
struct CustomDPStep: TrainingStep {
    let network: NeuralNetwork
    let objective: BatchObjective
    let dp: DPOptions
    let sigma: Double
    let expectedBatch: Int
    let separate: OptimizerUpdate
    let custom: any CustomPrivateStep
    var noiseRNG: RNG
    var context: ForwardContext
    var from = 0
    /// The first step whose result differed from the built-in's (nil while all matched).
    private(set) var firstMismatch: (step: Int, difference: Double)? = nil

    init(network: NeuralNetwork, objective: BatchObjective, dp: DPOptions, sigma: Double, expectedBatch: Int,
         separate: OptimizerUpdate, custom: any CustomPrivateStep, noiseRNG: RNG, context: ForwardContext) {
        self.network = network
        self.objective = objective
        self.dp = dp
        self.sigma = sigma
        self.expectedBatch = expectedBatch
        self.separate = separate
        self.custom = custom
        self.noiseRNG = noiseRNG
        self.context = context
    }

    var unaccounted: String? {
        firstMismatch.map {
            "the Lua private step differed from DP-SGD's clipping and noise at step \($0.step) (largest difference \(formatCompact($0.difference))): its sensitivity and noise are unproven, so no ε is claimed"
        }
    }

    mutating func update(_ batch: PendingBatch, positions: [Int], number: Int, lr: Double, meter: inout EpochMeter) throws {
        let x = batch.take()
        let g = try perExampleGradients(x, positions: positions, meter: &meter)
        var stepRNG = RNG(seed: noiseRNG.next())
        let draws = (0..<g.cols).map { _ in stepRNG.normal() }
        // An empty Poisson batch is noise only, as in the built-in step: nothing for the user's code.
        let mine = positions.isEmpty ? builtIn(g, draws: draws)
            : try custom.noisySum(perExample: g, clip: dp.clip, noiseMultiplier: sigma, step: number, gaussian: draws)
        guard mine.count == g.cols else {
            throw PrivLabError.invalidArgument("the private step returned \(mine.count) values, expected one per trained parameter (\(g.cols))")
        }
        guard mine.allSatisfy(\.isFinite) else { throw PrivLabError.invalidArgument("the private step returned a NaN or infinite value at step \(number)") }
        if firstMismatch == nil {
            let reference = builtIn(g, draws: draws)
            let scale = max(1, reference.map(abs).max() ?? 0)
            let diff = zip(mine, reference).map { abs($0 - $1) }.max() ?? 0
            // Float32 gradients summed in a different order: agreement to 1e-4 relative is a match.
            if diff > 1e-4 * scale { firstMismatch = (number, diff) }
        }
        var offset = 0
        let b = Float(expectedBatch)
        for p in separate.parameters {
            let n = p.value.count
            p.grad = try Matrix(rows: p.value.rows, cols: p.value.cols, data: (0..<n).map { Float(mine[offset + $0]) / b })
            offset += n
        }
        separate.apply(lr: lr)
    }

    /// Σᵢ min(1, C/(‖gᵢ‖ + 1e-6))·gᵢ + σ·C·z with z the step's draws (Opacus's clipping).
    private func builtIn(_ g: Matrix, draws z: [Double]) -> [Double] {
        var sum = [Double](repeating: 0, count: g.cols)
        for i in 0..<g.rows {
            let row = g.row(i).map(Double.init)
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let f = min(1, dp.clip / (norm + 1e-6))
            for j in 0..<row.count { sum[j] += f * row[j] }
        }
        return (0..<g.cols).map { sum[$0] + sigma * dp.clip * z[$0] }
    }

    /// One row per example: the gradient of that example's loss (not divided by the batch size),
    /// by a forward and backward pass of the example alone.
    private mutating func perExampleGradients(_ x: Matrix, positions: [Int], meter: inout EpochMeter) throws -> Matrix {
        let params = separate.parameters
        let width = params.reduce(0) { $0 + $1.value.count }
        var out = Matrix(rows: positions.count, cols: width)
        context.training = true
        for (i, pos) in positions.enumerated() {
            let z = try network.forward(x.rows([i]), &context, from: from)
            let (l, g, c) = try objective.evaluate(z, [pos], normalizer: 1)
            meter.add(loss: l, correct: c, records: 1)
            _ = try network.backward(g)
            var offset = i * width
            for p in params {
                p.grad.data.withUnsafeBufferPointer { gd in
                    out.data.withUnsafeMutableBufferPointer { o in for j in 0..<gd.count { o[offset + j] = gd[j] } }
                }
                offset += p.value.count
            }
        }
        return out
    }
}
