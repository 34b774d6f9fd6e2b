import Foundation

/// Learning rate as a function of the epoch (1-based), applied at the start of each epoch.
public enum LearningRateSchedule: Codable, Equatable, Sendable {
    case constant
    /// Multiply by `gamma` every `every` epochs.
    case step(every: Int, gamma: Double)
    /// Cosine annealing from the base rate to `minimum` over the training run (Loshchilov & Hutter 2017).
    case cosine(minimum: Double)

    public func rate(base: Double, epoch: Int, epochs: Int) -> Double {
        switch self {
        case .constant: return base
        case .step(let every, let gamma): return base * pow(gamma, Double((epoch - 1) / max(every, 1)))
        case .cosine(let lo):
            let t = Double(epoch - 1) / Double(max(epochs - 1, 1))
            return lo + 0.5 * (base - lo) * (1 + cos(Double.pi * t))
        }
    }
}
