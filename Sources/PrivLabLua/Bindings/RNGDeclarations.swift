import PrivLab

/// The RNG methods (`pl.rng{seed =}`): what each takes and returns, so `privlab doc RNG.<method>`
/// and the stubs say it. Every draw advances the stream.
extension CoreDeclarations {
    static let rngMethods: [FunctionDeclaration] = [
        FunctionDeclaration("RNG.uniform", "a uniform draw in [0, 1), or in [low, high) when both are given",
                            arguments: [ArgumentSpec("low", "number", "the lower end (with high)", optional: true),
                                        ArgumentSpec("high", "number", "the upper end, excluded", optional: true)],
                            returns: "number"),
        FunctionDeclaration("RNG.normal", "a normal draw (Marsaglia's polar method)",
                            arguments: [ArgumentSpec("mean", "number", "its mean (default 0)", optional: true),
                                        ArgumentSpec("std", "number", "its standard deviation (default 1)", optional: true)],
                            returns: "number"),
        FunctionDeclaration("RNG.int", "a uniform integer in 1 … n (unbiased)",
                            arguments: [ArgumentSpec("n", "integer", "the largest value (≥ 1)")], returns: "integer"),
        FunctionDeclaration("RNG.bernoulli", "true with probability p",
                            arguments: [ArgumentSpec("p", "number", "the probability, in [0, 1]")], returns: "boolean"),
        FunctionDeclaration("RNG.permutation", "the integers 1 … n in a uniformly random order (Fisher–Yates)",
                            arguments: [ArgumentSpec("n", "integer", "how many (0 … 1e7)")], returns: "integer[]"),
        FunctionDeclaration("RNG.sample", "k distinct integers of 1 … n, in random order (sampling without replacement)",
                            arguments: [ArgumentSpec("n", "integer", "the largest value"), ArgumentSpec("k", "integer", "how many (0 … n, at most 1e7)")],
                            returns: "integer[]"),
        FunctionDeclaration("RNG.split", "an independent child stream; this stream advances by one draw", returns: "RNG"),
    ]
}
