/// A model that can be written to a model file and read back with identical predictions and
/// released outputs (`ModelFile`); SISA's slice checkpoints store constituents the same way.
public protocol PersistableModel: Predictor {
    /// The fitted model as a model-file description, its parameters appended to `floats`.
    func storedModel(_ floats: inout [Float]) throws -> StoredModel
}

extension Predictor {
    /// This model's storage, or an error naming `what` needed it.
    public func requirePersistable(_ what: String) throws -> PersistableModel {
        guard let p = self as? PersistableModel else {
            throw PrivLabError.invalidArgument("\(what): \(summary) cannot be saved")
        }
        return p
    }
}
