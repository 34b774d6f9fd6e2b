/// How records are drawn for each DP-SGD step.
public enum DPSampling: String, Codable, Sendable, CaseIterable {
    /// Each record joins each step's batch independently with probability q (Abadi et al. 2016;
    /// what the accountant assumes). Batches have random size and can be empty.
    case poisson
    /// Fixed-size batches from a shuffle. The accountant treats it *as if* it were Poisson sampling
    /// with q = batch/n — a common approximation without the same guarantee, and reports say so.
    case shuffle
}

