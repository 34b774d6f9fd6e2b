/// A model whose trained parameters can be read as one vector (networks, logistic regression,
/// LDA, Gaussian naive Bayes): estimates over the distribution of trained models (Monte-Carlo and
/// leave-one-out leakage) and gradient canaries read it.
public protocol ParameterizedModel: Predictor {
    /// All trained parameters as one vector.
    func parameterVector() throws -> [Float]
}

/// White-box access: what an attacker holding a released network's parameters can compute
/// (the gradient signal of Nasr et al. 2019, the input-weight layout gradient canaries plant in).
/// Reached through `Predictor.whiteBox`, so a wrapper grants it exactly when what it wraps does.
public protocol WhiteBoxModel: ParameterizedModel {
    /// The norm of the loss gradient with respect to all parameters at each record.
    func perRecordGradientNorms(_ ds: Dataset) throws -> [Double]
    /// The positions in `parameterVector()` of the weights through which input feature `feature`
    /// enters the model (one per first-layer unit), for models whose first parameters connect each
    /// feature to its own weights (a dense first layer); nil otherwise (convolutions share weights
    /// across features). Built models only.
    func inputWeightPositions(feature: Int) -> [Int]?
}

extension Predictor {
    /// This model's parameter vector access, or the error a model without it gives.
    public func requireParameters() throws -> ParameterizedModel {
        guard let p = self as? ParameterizedModel else {
            throw PrivLabError.invalidArgument("\(summary) gives no access to its parameters")
        }
        return p
    }
}
