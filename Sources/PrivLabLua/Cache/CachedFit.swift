import Foundation
import PrivLab

extension Runtime {
    /// `model:fit(train, {validation = …})` through the model cache when the run has one: a hit
    /// replaces the model by the stored fit (same bits: the engine is deterministic and the key
    /// holds everything the fit depends on); a miss fits and stores. Fits whose effect the key
    /// cannot capture run as without a cache, counted by reason: a Lua `on_epoch` callback (its side
    /// effects would not happen on a hit), a Lua function inside the model (its code is not in the
    /// configuration), a model already fitted or shared with another object (replacing it would
    /// leave the other holder unfitted), a model kind the model file cannot hold.
    func fitThroughCache(_ mo: ModelObject, train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        guard let cache = modelCache else { return try mo.model.fit(train, validation: validation, observer: observer) }
        let why: String?
        if mo.onEpoch != nil { why = "on_epoch callback" }
        else if mo.model.runsOnCallingThread { why = "Lua function in the model" }
        else if mo.model.isFitted { why = "refit of a fitted model" }
        else if Runtime.isShared(mo) { why = "model shared with another object" }
        else { why = nil }
        if let why {
            cache.skip(why)
            return try mo.model.fit(train, validation: validation, observer: observer)
        }
        let keyLines = ["engine \(CacheKey.engine)", "model \(mo.model.configurationIdentity)", "train \(CacheKey.fingerprint(train))",
                   "validation \(validation.map(CacheKey.fingerprint) ?? "none")"]
            // Tracked sets change the stored history (their accuracies), not the model; keys without them stay as they were.
            + (observer.tracked.isEmpty ? [] : ["tracked " + observer.tracked.map { "\($0.name)=\(CacheKey.fingerprint($0.data))" }.joined(separator: ",")])
        let key = keyLines.joined(separator: "\n")
        if let fitted = cache.lookup(key) {
            mo.model = fitted
            return fitted.history
        }
        let history = try mo.model.fit(train, validation: validation, observer: observer)
        // A hit answers with the stored model's history: store only when that is what fit returned.
        if history == mo.model.history { cache.store(mo.model, key: key) } else { cache.skip("fit returns more than the model's history") }
        return history
    }
}

extension Runtime {
    /// Whether an object besides `mo` holds its classifier (a pipeline or defense built on it):
    /// the classifier's reference count against that of a fresh clone held only by a ModelObject,
    /// read the same way. (`isKnownUniquelyReferenced` cannot see through the `any Classifier`
    /// existential: opening it copies the reference.) When in doubt — the clone cannot be made —
    /// it says shared, and the fit runs without the cache.
    static func isShared(_ mo: ModelObject) -> Bool {
        guard let probe = try? ModelObject(mo.model.cloneUntrained(), onEpoch: nil) else { return true }
        return count(mo) > count(probe)
    }

    @inline(never) private static func count(_ mo: ModelObject) -> UInt { _getRetainCount(mo.model) }
}
