import ArgumentParser
import Foundation
import PrivLab

/// `privlab bench mia`: the shadow-model attack end to end on Fashion-MNIST, in the setting
/// `bench/mia_reference.py` runs with IBM ART (target MLP(256) on 5,000 records; 16 shadow MLPs
/// over a disjoint 50,000-record pool; 5,000 members + 5,000 non-members).
struct BenchMIA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mia",
        abstract: "Shadow-model membership inference end to end (compare with bench/mia_reference.py, IBM ART).")

    @Option(help: "Target training records.") var targetSize = 5000
    @Option(help: "Shadow models.") var shadows = 16
    @Option(help: "Shadow pool (disjoint from the target's training set).") var pool = 50000
    @Option(help: "Epochs of the target and of every shadow (Adam, lr 1e-3, batch 200, as scikit-learn's MLPClassifier).")
    var epochs = 20
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() throws {
        let train = try FashionMNIST.load(split: "train")
        let test = try FashionMNIST.load(split: "test")
        // Same split as the reference script: target = first targetSize records, pool = the next `pool`.
        let members = train.rows(Array(0..<targetSize))
        let poolSet = train.rows(Array(targetSize..<min(train.size, targetSize + pool)))
        let nonMembers = test.rows(Array(0..<min(test.size, targetSize)))
        var o = TrainingOptions()
        o.optimizer = .adam
        o.learningRate = 1e-3
        o.batchSize = 200
        o.epochs = epochs
        o.seed = 1
        let target = try NeuralNetwork.mlp(hidden: [256], options: o)
        var t0 = now()
        try target.fit(members)
        let targetSeconds = now() - t0
        // Shadows as ART splits them: the pool cut into `shadows` disjoint parts, half in, half out.
        var a = ShadowModelAttack.Options()
        a.shadows = shadows
        a.shadowSize = poolSet.size / (2 * shadows)
        a.seed = 1
        t0 = now()
        let attack = try a.fit(target: target, data: poolSet)
        let attackSeconds = now() - t0
        t0 = now()
        let r = try attack.evaluate(members: members, nonMembers: nonMembers)
        let evalSeconds = now() - t0
        let obj: [String: Any] = ["target_seconds": targetSeconds, "shadows_and_attack_seconds": attackSeconds, "evaluation_seconds": evalSeconds,
                                  "end_to_end_seconds": attackSeconds + evalSeconds, "auc": r.metrics.auc, "accuracy": r.accuracy,
                                  "tpr_at_1pct_fpr": r.tprAtFPR[0.01] ?? 0,
                                  "target_train_accuracy": try target.accuracy(members), "target_test_accuracy": try target.accuracy(nonMembers),
                                  "shadow_size": a.shadowSize!, "peak_memory_mib": peakMemoryMiB()]
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "target MLP(256) on %d records, %d epochs: %.2f s (train acc %.4f, test acc %.4f)", targetSize, epochs, targetSeconds,
                         obj["target_train_accuracy"] as! Double, obj["target_test_accuracy"] as! Double))
            print(String(format: "%d shadows × %d in + %d out, per-class attack MLPs: %.2f s; evaluation on %d + %d records: %.2f s",
                         shadows, a.shadowSize!, a.shadowSize!, attackSeconds, members.size, nonMembers.size, evalSeconds))
            print(String(format: "end to end (shadows, attack models, evaluation): %.2f s; AUC %.4f, accuracy %.4f, TPR@1%%FPR %.4f; peak memory %.0f MiB",
                         attackSeconds + evalSeconds, r.metrics.auc, r.accuracy, r.tprAtFPR[0.01] ?? 0, peakMemoryMiB()))
        }
    }
}
