import Foundation

/// Stacking aggregation: a softmax meta-learner trained on the constituents' outputs for the
/// held-out records (Bourtoule et al. 2021, §V-B).
extension SISAEnsemble {
    /// Stacking: a softmax regression on the constituents' probabilities for the held-out records
    /// (never seen by any constituent). Deterministic and cheap, so it is retrained after every change.
    func trainMetaLearner() throws {
        guard let d = data else { return }
        guard holdoutIds.count >= 2 else {
            throw PrivLabError.invalidArgument("sisa: stacking needs held-out records; raise stack_holdout (only \(holdoutIds.count) held out)")
        }
        let held = d.rows(holdoutIds.map { positions[$0]! })
        let probs = try constituents.map { try $0?.predictProba(held.features, temperature: 1) }
        let x = SISAAggregation.stackFeatures(probs, classes: d.classes, rows: held.size)
        var o = TrainingOptions()
        o.optimizer = .adam
        o.learningRate = 0.01
        o.epochs = 30
        o.batchSize = 64
        o.seed = mix64(options.seed ^ 0x57AC)
        let meta = try NeuralNetwork.softmaxRegression(options: o)
        var ds = try Dataset(features: x, labels: held.labels, classes: d.classes, ids: held.ids, name: "stacking")
        ds.name = "stacking"
        try meta.fit(ds)
        metaLearner = meta
    }
}
