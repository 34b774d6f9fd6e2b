import PrivLab

/// The GMM and KMeans methods without options (GMM:sample is declared with pl.gmm): what each
/// takes and returns, so `privlab doc GMM.<method>` and the stubs say it. Labels are ignored.
extension ClusteringDeclarations {
    static let records = ArgumentSpec("x", "Dataset|number[][]", "the records (labels are ignored), or feature rows")
    static let path = ArgumentSpec("path", "string", "the file to write")

    static let gmmMethods: [FunctionDeclaration] = [
        FunctionDeclaration("GMM.fit", "fits the mixture by EM (the restart with the highest log-likelihood is kept) and returns it",
                            arguments: [records], returns: "GMM"),
        FunctionDeclaration("GMM.score", "the mean log-likelihood per record under the mixture", arguments: [records], returns: "number"),
        FunctionDeclaration("GMM.score_samples", "each record's log-likelihood log p(x) under the mixture", arguments: [records], returns: "number[]"),
        FunctionDeclaration("GMM.bic", "the Bayesian information criterion −2·log L + p·ln n on the records (lower is better)", arguments: [records], returns: "number"),
        FunctionDeclaration("GMM.aic", "the Akaike information criterion −2·log L + 2p on the records (lower is better)", arguments: [records], returns: "number"),
        FunctionDeclaration("GMM.predict", "each record's most probable component (0-based)", arguments: [records], returns: "integer[]"),
        FunctionDeclaration("GMM.predict_proba", "each record's posterior probability of every component", arguments: [records], returns: "number[][]"),
        FunctionDeclaration("GMM.means", "each component's mean vector", returns: "number[][]"),
        FunctionDeclaration("GMM.weights", "each component's mixing weight", returns: "number[]"),
        FunctionDeclaration("GMM.covariances", "each component's covariance: the d×d matrix row by row (full), or its diagonal (diag)", returns: "number[][]"),
        FunctionDeclaration("GMM.iterations", "EM iterations of the kept run", returns: "integer"),
        FunctionDeclaration("GMM.converged", "whether the kept run converged: its gain in mean log-likelihood fell below tol before max_iter iterations", returns: "boolean"),
        FunctionDeclaration("GMM.save", "writes the fitted mixture to a model file; pl.load reads it back", arguments: [path]),
        FunctionDeclaration("GMM.parameters", "the number of free parameters (the p of bic and aic)", returns: "integer"),
    ]

    static let kmeansMethods: [FunctionDeclaration] = [
        FunctionDeclaration("KMeans.fit", "clusters the records (the restart with the lowest inertia is kept) and returns the KMeans",
                            arguments: [records], returns: "KMeans"),
        FunctionDeclaration("KMeans.predict", "each record's nearest centre (0-based)", arguments: [records], returns: "integer[]"),
        FunctionDeclaration("KMeans.save", "writes the fitted clustering to a model file; pl.load reads it back", arguments: [path]),
        FunctionDeclaration("KMeans.inertia", "the sum of squared distances of the training records to their nearest centre (inf before fit)", returns: "number"),
        FunctionDeclaration("KMeans.iterations", "Lloyd iterations of the kept run", returns: "integer"),
        FunctionDeclaration("KMeans.centers", "the k cluster centres", returns: "number[][]"),
    ]
}
