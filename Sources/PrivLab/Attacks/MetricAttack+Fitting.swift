import Foundation

extension MetricAttack.Options: AttackConfiguration {
    /// Calibrates the thresholds against `target`:
    /// - with shared reference models (`inputs.references`, each trained on a random half of its
    ///   pool) on their first `shadows` models — IN the half each trained on, OUT the rest of the
    ///   pool — and no shadow is trained;
    /// - with the attacker's data (`inputs.data`) on `shadows` shadow models, each trained on
    ///   `shadowSize` records (at most the target's training size when known) and read on as many
    ///   held out;
    /// - with neither, not at all: AUC and TPR@FPR are threshold-free, and accuracy is reported at
    ///   the best threshold, marked as an upper bound.
    /// `inputs.signal` replaces `signal` by a user's function (called on this thread only).
    public func fit(target: Predictor, inputs: AttackInputs) throws -> MetricAttack {
        try inputs.only([.data, .shadowModel, .targetTrainingSize, .references, .signal], attack: "metric attack")
        let builtin = signal
        let chosen = inputs.signal ?? MetricAttack.CustomSignal(name: builtin.rawValue) { builtin.values(probs: $0, labels: $1) }
        var threat = ["access": inputs.signal == nil && builtin == .correctness ? "black-box: the target's predicted label" : "black-box: the target's probability vector",
                      "signal": chosen.name]
        guard shadows >= 1 else { throw PrivLabError.invalidArgument("metric attack: shadows must be at least 1") }
        var calibration = MetricAttack.Calibration()
        if let references = inputs.references {
            calibration = try MetricAttack.calibrate(on: try MetricAttack.referenceOutputs(references, count: shadows), signal: chosen.function,
                                                     classWise: classWise)
            threat["threshold"] = (classWise ? "class-wise" : "global") + ", chosen on \(shadows) shared reference model(s), IN and OUT halves of their pool"
        } else if let data = inputs.data {
            let size = min(shadowSize ?? inputs.targetTrainingSize ?? data.size / 2, data.size / 2)
            guard size >= 2 else { throw PrivLabError.invalidArgument("metric attack: the attacker's data has too few records (\(data.size))") }
            let outs = try shadowOutputs(data, size: size, template: try inputs.architecture(of: target, attack: "metric attack"), progress: inputs.progress)
            calibration = try MetricAttack.calibrate(on: outs, signal: chosen.function, classWise: classWise)
            threat["threshold"] = (classWise ? "class-wise" : "global") + ", chosen on \(shadows) shadow model(s) × \(size) in + \(size) out records"
            threat["architecture"] = inputs.shadowModel.map { "guessed (\($0.summary))" } ?? "known"
        } else {
            threat["threshold"] = "none (no attacker data)"
        }
        return MetricAttack(target: target, options: self, signal: chosen, calibration: calibration, threatModel: threat)
    }

    /// Trains the shadows in parallel, each on `size` records of the attacker's data, and reads
    /// their releases on those and on `size` others; the signal is computed afterwards, on this
    /// thread (a user's signal may only run there).
    private func shadowOutputs(_ data: Dataset, size: Int, template: ModelArchitecture,
                               progress: ((Int, Int) -> Void)?) throws -> [MetricAttack.ShadowOutputs] {
        var shadowModels = ShadowModels(template: template, seed: seed, stream: 200, salt: 0x5EED, workers: workers)
        shadowModels.progress = progress
        return try shadowModels.train(shadows, draw: { rng in
            let pick = try rng.sample(data.size, 2 * size)
            return (data.rows(Array(pick[0..<size]).sorted()), data.rows(Array(pick[size...]).sorted()))
        }) { m, inSet, outSet -> MetricAttack.ShadowOutputs in
            (try m.releasedProbabilities(inSet.features), inSet.labels, try m.releasedProbabilities(outSet.features), outSet.labels)
        }
    }
}
