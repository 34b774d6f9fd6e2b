import Foundation

/// What one `fit` or unlearning request trained.
public struct SISAWork: Sendable {
    /// Shards that were (re)trained, ascending.
    public var shardsTouched: [Int] = []
    /// Slice stages trained.
    public var stagesRetrained = 0
    /// Record-epochs processed (the paper's cost unit).
    public var samples = 0.0
    /// Distinct records in the retrained shards.
    public var records = 0
    public var seconds = 0.0
    /// Of `seconds`, the stacking meta-learner's training.
    public var metaSeconds = 0.0
}

/// The answer to an unlearning request: what was retrained, what retraining from scratch would
/// cost (the whole ensemble, or one monolithic model on all remaining data), and the paper's
/// analytic expectation for a request of this size.
public struct SISAUnlearningReport: Sendable {
    public var removed: Int
    public var work: SISAWork
    public var fullEnsembleSamples: Double
    /// Estimated at the request's own measured throughput (seconds per sample).
    public var fullEnsembleSeconds: Double
    public var monolithicSamples: Double
    public var monolithicSeconds: Double
    /// Expected samples for this many uniformly random records (`SISACostModel`).
    public var expectedSamples: Double
}
