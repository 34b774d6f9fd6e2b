import Foundation

/// Built-in evaluation metrics over true and predicted labels (and probabilities where needed).
public enum Metrics {

    public static func accuracy(_ yTrue: [Int], _ yPred: [Int]) throws -> Double {
        guard yTrue.count == yPred.count else { throw PrivLabError.shape("\(yTrue.count) labels and \(yPred.count) predictions") }
        guard !yTrue.isEmpty else { throw PrivLabError.invalidArgument("accuracy of zero records") }
        return Double(zip(yTrue, yPred).filter { $0 == $1 }.count) / Double(yTrue.count)
    }

    /// Mean −log p(yᵢ) from a probability matrix (probabilities clipped at 1e-12).
    public static func logLoss(_ yTrue: [Int], _ proba: Matrix) throws -> Double {
        guard yTrue.count == proba.rows else { throw PrivLabError.shape("\(yTrue.count) labels and \(proba.rows) probability rows") }
        guard !yTrue.isEmpty else { throw PrivLabError.invalidArgument("log loss of zero records") }
        var s = 0.0
        for (i, y) in yTrue.enumerated() {
            guard y >= 0 && y < proba.cols else { throw PrivLabError.invalidArgument("label \(y) outside the \(proba.cols) classes") }
            s -= log(max(Double(proba[i, y]), 1e-12))
        }
        return s / Double(yTrue.count)
    }
}
