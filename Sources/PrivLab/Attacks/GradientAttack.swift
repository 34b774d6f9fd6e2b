import Foundation

/// White-box attack: the norm of the loss gradient at the target's parameters (members sit where
/// the training loss is flat; cf. Nasr et al., S&P 2019), or the exact per-record loss.
public final class GradientAttack: MembershipAttack {
    public enum Signal: String, CaseIterable, Sendable { case gradnorm, loss }
    /// The configuration: which white-box signal.
    public struct Options: Sendable {
        public var signal = Signal.gradnorm
        public init(signal: Signal = .gradnorm) { self.signal = signal }
    }

    public var name: String { "white-box (\(signal.rawValue))" }
    public let target: Predictor
    public let signal: Signal
    public private(set) var queries = 0
    public var threshold: Double? { nil }
    public var threatModel: [String: String] {
        ["access": "white-box: the target's parameters (gradients of the loss at every record)", "signal": signal.rawValue]
    }

    /// Checks the target gives white-box access (no training: the attack learns nothing).
    public init(target: Predictor, signal: Signal) throws {
        // Through the interface: a query-budgeted target is a black box, so it is refused too.
        guard target.isWhiteBox else {
            throw PrivLabError.invalidArgument("gradient attack: the target must be a softmax regression, MLP, CNN or a pipeline of one")
        }
        self.target = target
        self.signal = signal
    }

    public func scores(_ ds: Dataset) throws -> [Double] {
        queries += ds.size
        switch signal {
        case .loss: return try target.perRecordLoss(ds).map { -$0 }
        case .gradnorm: return try target.requireWhiteBox("gradient attack").perRecordGradientNorms(ds).map { -$0 }
        }
    }
}

extension GradientAttack.Options: AttackConfiguration {
    /// The attack against `target`: it needs the target's parameters and nothing more.
    public func fit(target: Predictor, inputs: AttackInputs) throws -> GradientAttack {
        try inputs.only([], attack: "gradient attack")
        return try GradientAttack(target: target, signal: signal)
    }
}
