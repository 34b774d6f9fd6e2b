import Foundation

extension MembershipLeakage {
    /// The KL membership leakage of Gaussian output perturbation for any trained model, where θ̂ has
    /// no closed form (a neural network): θ = θ̂(D) + N(0, σ²I) over the model's parameter vector,
    /// so KL(p(θ | D) ‖ p(θ | D₋ᵢ)) = ‖θ̂(D) − θ̂(D₋ᵢ)‖²/2σ² exactly as in `outputPerturbation`, with
    /// θ̂ now the model's own seeded training run, repeated without record i for each record asked.
    ///
    /// Farokhi & Kaafar (arXiv 2001.10648) bound the leakage by the model's sensitivity (derivatives
    /// of the fitness in the parameters) and conclude that models with more degrees of freedom, such
    /// as deep networks, leak more; this measures it at equal σ for any two models. Where we chose:
    /// every refit starts from the same initial weights (same seed), so the shift is the record's
    /// influence on that training run, not the spread between random starts — give the model a
    /// full batch (batch ≥ n) to make the run depend on the data alone; `sensitivity` in the report
    /// is the largest measured shift (an empirical, local sensitivity), not a global bound.
    public static func leaveOneOut(model: Classifier, data: Dataset, recordIDs: [Int], sigma: Double) throws -> MembershipLeakageReport {
        guard sigma > 0, sigma.isFinite else { throw PrivLabError.invalidArgument(.leakage, "sigma must be positive") }
        guard !recordIDs.isEmpty else { throw PrivLabError.invalidArgument(.leakage, "no record to measure") }
        guard data.size >= 2 else { throw PrivLabError.invalidArgument(.leakage, "at least 2 records are needed") }
        let position = data.positionsById()
        let rows = try recordIDs.map { id -> Int in
            guard let r = position[id] else { throw PrivLabError.invalidArgument(.leakage, "no record with id \(id)") }
            return r
        }
        if Set(recordIDs).count != recordIDs.count { throw PrivLabError.invalidArgument(.leakage, "a record id is repeated") }
        let full = try model.cloneUntrained()
        try full.fit(data)
        let theta = try full.requireParameters().parameterVector()
        let workers = model.parallelWorkers(max(1, ProcessInfo.processInfo.activeProcessorCount))
        // Leave-one-out refits are independent: spread them over the cores (the result does not
        // depend on the order they finish in).
        let shifts = try ParallelWork.run(rows.count, workers: workers) { k -> Double in
            let m = try model.cloneUntrained()
            try m.fit(data.rows((0..<data.size).filter { $0 != rows[k] }))
            let t = try m.requireParameters().parameterVector()
            guard t.count == theta.count else { throw PrivLabError.message(.leakage, "the refit has \(t.count) parameters, not \(theta.count)") }
            return zip(theta, t).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
        }
        let kls = shifts.map { $0 * $0 / (2 * sigma * sigma) }
        let n = Double(shifts.count)
        return MembershipLeakageReport(meanKL: kls.reduce(0, +) / n, maxKL: kls.max()!,
                                       successBound: kls.map(bound).reduce(0, +) / n,
                                       optimalSuccess: shifts.map { 0.5 * erfc(-$0 / (2 * sigma) / 2.squareRoot()) }.reduce(0, +) / n,
                                       sigma: sigma, sensitivity: shifts.max()!, records: shifts.count, shifts: shifts,
                                       parameters: theta.count)
    }
}
