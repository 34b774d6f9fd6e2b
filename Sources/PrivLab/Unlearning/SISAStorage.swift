import Foundation

/// A SISA ensemble in one model file, unlearning included.
///
/// Where the checkpoints go: **into the file**. Every slice checkpoint the ensemble still uses
/// (keyed, as in memory, by the hash of what its training depended on) is stored in the file's
/// state, its parameters in the float block; a reloaded ensemble keeps them in memory and unlearns
/// from them exactly as the original would (retraining from the last checkpoint that never saw a
/// removed record). Why not a reference to `dir`: a file that needs a directory beside it stops
/// working when one is copied without the other, and its checksum could not cover the state it
/// depends on; with one slice per shard (the default, and the rule for DP constituents) the
/// checkpoints *are* the constituents, so the file is no larger than the models it must hold anyway.
/// A reloaded ensemble has no directory (`dir`): `pl.sisa{dir = …}` is what persists request by request.
///
/// Records removed by `unlearn` leave no features in the file: the ensemble keeps their ids and
/// labels (stratified sharding deals over them, so that a removal never moves another record) and
/// zeros in place of their features; no stored checkpoint saw them.
extension SISAEnsemble: StorableClassifier {
    public static let storedKind = StoredComponentKind("sisa")

    /// One slice checkpoint: its key and its model description (its parameters, `parameters` of
    /// them, follow the data's features in the component's own floats, in order).
    struct StoredCheckpoint: Codable {
        var key: UInt64
        var model: StoredModel
        var parameters: Int
    }

    struct Stored: Codable {
        var options: SISAOptions
        var configKey: UInt64
        var data: StoredDataset
        var removedIds: [Int]
        var constituentKeys: [UInt64?]
        var checkpoints: [StoredCheckpoint]
        /// The stacking meta-learner (a network), with its parameters after the checkpoints'.
        var metaLearner: StoredCheckpoint?
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        try checkReady()
        if case .custom(let name) = options.aggregation {
            throw PrivLabError.invalidArgument("save: a SISA ensemble aggregated by '\(name)' (a Lua function) cannot be saved; use aggregate = \"vote\", \"mean\" or \"stack\"")
        }
        guard var d = data else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        // Removed records keep their id and label (placement), not their features.
        for id in removedIds {
            let r = positions[id]!
            for j in 0..<d.featureCount { d.features.data[r * d.featureCount + j] = 0 }
        }
        var own = [Float]()
        let stored = StoredDataset(d, floats: &own)
        var checkpoints = [StoredCheckpoint]()
        for key in stageKeysInUse.sorted() {
            guard let c = store.load(key, factory: factory) else { throw PrivLabError.message("sisa: checkpoint \(hex(key)) is missing") }
            checkpoints.append(StoredCheckpoint(key: key, model: c.model, parameters: c.parameters.count))
            own += c.parameters
        }
        var meta: StoredCheckpoint? = nil
        if let m = metaLearner {
            var p = [Float]()
            meta = StoredCheckpoint(key: 0, model: try m.storedModel(&p), parameters: p.count)
            own += p
        }
        let s = Stored(options: options, configKey: configKey, data: stored, removedIds: removedIds.sorted(),
                       constituentKeys: constituentKeys, checkpoints: checkpoints, metaLearner: meta)
        return .component(try StoredComponent(self, state: s, parts: [], own: own, floats: &floats))
    }

    /// A fitted ensemble with its checkpoints in memory. Its template is an untrained copy of a
    /// constituent: constituents are re-seeded copies of the template, so its seed is never used.
    public static func restoreClassifier(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                               components: ComponentRestoring) throws -> Classifier {
        try c.requireParts(parts, 0, origin: origin)
        let s = try c.decodeState(Stored.self, origin: origin)
        var cursor = 0
        let data = try s.data.restore(own, &cursor, origin: origin)
        var checkpoints = [UInt64: SISACheckpoint]()
        func take(_ sc: StoredCheckpoint) throws -> SISACheckpoint {
            guard sc.parameters >= 0, cursor + sc.parameters <= own.count else {
                throw PrivLabError.malformedFile(location: origin, reason: "sisa's checkpoints do not match its parameters")
            }
            defer { cursor += sc.parameters }
            return SISACheckpoint(model: sc.model, parameters: Array(own[cursor..<(cursor + sc.parameters)]))
        }
        for sc in s.checkpoints { checkpoints[sc.key] = try take(sc) }
        let meta = try s.metaLearner.map(take)
        let finals = s.constituentKeys.compactMap { $0 }
        guard cursor == own.count, s.constituentKeys.count == s.options.shards, let first = finals.first,
              finals.allSatisfy({ checkpoints[$0] != nil }), Set(s.removedIds).isSubset(of: Set(data.ids)) else {
            throw PrivLabError.malformedFile(location: origin, reason: "sisa's shards, checkpoints and records do not match")
        }
        let template = try ModelFile.restoreClassifier(checkpoints[first]!.model, floats: checkpoints[first]!.parameters,
                                                       origin: origin, components: components).cloneUntrained()
        let e = try SISAEnsemble(options: s.options, model: template, components: components)
        try e.restore(s, data: data, checkpoints: checkpoints, meta: meta, origin: origin)
        return e
    }

    /// Puts the stored state back: checkpoints into the (in-memory) store, constituents from the
    /// final ones, the meta-learner.
    private func restore(_ s: Stored, data d: Dataset, checkpoints: [UInt64: SISACheckpoint], meta: SISACheckpoint?, origin: String) throws {
        for (k, c) in checkpoints { try store.save(k, c) }
        data = d
        positions = d.positionsById()
        removedIds = Set(s.removedIds)
        configKey = s.configKey
        placeRecords(d)
        finalCheckpoints = s.constituentKeys.map { $0.flatMap { checkpoints[$0] } }
        constituents = try finalCheckpoints.map { try $0.map(factory.model(restoring:)) }
        constituentKeys = s.constituentKeys
        stageKeysInUse = Set(checkpoints.keys)
        if let m = meta {
            guard let net = try factory.model(restoring: m) as? NeuralNetwork else {
                throw PrivLabError.malformedFile(location: origin, reason: "sisa's meta-learner must be a network")
            }
            metaLearner = net
        }
        interrupted = false
    }
}
