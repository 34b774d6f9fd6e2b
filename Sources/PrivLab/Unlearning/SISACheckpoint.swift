import Foundation

/// A constituent's fitted state after one slice stage, as a model file holds it (its description
/// and its parameters). Checkpoints are keyed by `SISAEnsemble.stageKey`, the hash of everything
/// the stage's training depended on, so a key that is still wanted after a deletion names a
/// reusable state.
public struct SISACheckpoint: Sendable {
    public var model: StoredModel
    public var parameters: [Float]

    /// A fitted constituent's checkpoint.
    init(_ m: Classifier) throws {
        var floats = [Float]()
        do { model = try m.requirePersistable("sisa").storedModel(&floats) } catch {
            throw PrivLabError.invalidArgument("sisa: constituents must be models that can be checkpointed (\(error))")
        }
        parameters = floats
    }

    init(model: StoredModel, parameters: [Float]) {
        self.model = model
        self.parameters = parameters
    }

    /// Adds everything the checkpoint holds to `h` (equal hashes mean bit-identical constituents;
    /// the description is sorted-key JSON and holds no wall-clock figures).
    func hash(into h: inout ContentHash) {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        h.add((try? enc.encode(model)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        h.add(parameters)
    }
}

/// Builds, restores and trains constituents of one template model — any classifier that can be
/// stored (`Classifier.storedModel`) and trained stage by stage (`Classifier.fitStage`).
struct SISAModelFactory {
    let template: Classifier
    /// Restores constituents made of other models (defenses) from their checkpoints.
    let components: ComponentRestoring

    init(_ template: Classifier, slices: Int, components: ComponentRestoring) throws {
        self.template = template
        self.components = components
        // With one slice, a DP constituent is one DP training run on its shard, and the shards are
        // disjoint: by parallel composition the ensemble has the constituents' (ε, δ). Slicing would
        // train on slices 1…r repeatedly, which needs accounting across stages (not implemented).
        if template.trainsPrivately && slices > 1 {
            throw PrivLabError.invalidArgument("sisa: dp constituents need slices = 1 (privacy accounting across slice stages is not implemented)")
        }
    }

    /// A stable description of the template, part of every checkpoint key.
    var identity: String { template.configurationIdentity }

    /// The template's passes over the data (SISA's e).
    var epochs: Int { template.trainingEpochs }

    /// The constituent of shard `s`: the template re-seeded so shards start from different points.
    func freshModel(seed: UInt64, shard s: Int) throws -> Classifier {
        try template.reseededClone(seed: mix64(seed ^ UInt64(s + 1) &* 0x9FB2_1C65_1E98_DF25))
    }

    /// The fitted constituent a checkpoint holds.
    func model(restoring c: SISACheckpoint) throws -> Classifier {
        try ModelFile.restoreClassifier(c.model, floats: c.parameters, origin: "sisa checkpoint", components: components)
    }

    /// Trains one stage on `data` (the records of slices 1…r), continuing from `from` or starting
    /// from a fresh initialisation, and returns the checkpoint after it.
    func trainStage(data: Dataset, from: SISACheckpoint?, seed: UInt64, shard: Int, stage: TrainingStage) throws -> SISACheckpoint {
        let m = try from.map(model(restoring:)) ?? freshModel(seed: seed, shard: shard)
        try m.fitStage(data, stage: stage)
        return try SISACheckpoint(m)
    }
}
