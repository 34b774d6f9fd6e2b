import Foundation

/// Coarsening by rounding: each chosen feature is rounded to the nearest multiple of `step`
/// (`step · round(x / step)`, ties to even as NumPy's `np.round`). Nothing is learnt from the data;
/// fitting only checks the chosen features exist. Against leakage it does what binning does with
/// fixed-width bins in the feature's own units (ages to 5 years, incomes to 10k): records share
/// values, so fewer of them stand out.
public struct Rounding: Transformer, Codable, Equatable {
    public let step: Double
    /// The features rounded (0-based); nil: every feature.
    public let features: [Int]?
    /// Fitted: the feature count of the training data.
    public private(set) var width: Int? = nil

    /// Rounding reads only the data's width, none of its values.
    public var nonPrivateFits: [String] { [] }

    public init(step: Double, features: [Int]? = nil) throws {
        guard step.isFinite, step > 0 else { throw PrivLabError.invalidArgument("round: step must be a positive number, got \(step)") }
        if let f = features {
            guard !f.isEmpty, Set(f).count == f.count, f.allSatisfy({ $0 >= 0 }) else {
                throw PrivLabError.invalidArgument("round: features must be distinct feature numbers ≥ 1, at least one")
            }
        }
        self.step = step
        self.features = features
    }

    public var name: String { "Rounding(step \(formatCompact(step))\(features.map { " on \($0.count) features" } ?? ""))" }
    public var isFitted: Bool { width != nil }
    public var unfitted: any Transformer {
        var copy = self
        copy.width = nil
        return copy
    }
    public func stored() throws -> StoredTransformer { .rounding(self) }

    public func fitted(to data: Dataset) throws -> any Transformer {
        if let bad = features?.first(where: { $0 >= data.featureCount }) {
            throw PrivLabError.invalidArgument("round: feature \(bad + 1) does not exist (the data has \(data.featureCount) features)")
        }
        var out = self
        out.width = data.featureCount
        return out
    }

    public func transform(_ x: Matrix) throws -> Matrix {
        guard let w = width else { throw PrivLabError.invalidArgument("round: transform before fit") }
        guard x.cols == w else { throw PrivLabError.shape("round was fitted on \(w) features, got \(x.cols)") }
        var out = x
        for j in features ?? Array(0..<w) {
            for i in 0..<x.rows {
                out[i, j] = Float(step * (Double(x[i, j]) / step).rounded(.toNearestOrEven))
            }
        }
        // x / step overflows Double for a step far below the values' scale: say so, never release ∞ or NaN.
        if out.hasNonFinite && !x.hasNonFinite {
            throw PrivLabError.invalidArgument("round: step \(formatCompact(step)) is too small for these values (x / step overflows)")
        }
        return out
    }
}
