/// A step that learns a feature transformation from training data and then applies it unchanged to
/// any data — scikit-learn's transformer (`fit`, `transform`). The value is the configuration;
/// `fitted(to:)` returns a fitted copy, so one configuration can be fitted on many folds at once.
/// A pipeline fits its steps in turn, each on the output of the previous one, so no step ever sees
/// the data it will be evaluated on.
public protocol Transformer: Sendable {
    /// A short description with the hyper-parameters ("PCA(5 components)").
    var name: String { get }
    var isFitted: Bool { get }
    /// The transformer fitted to `data` (supervised steps such as feature selection use its labels).
    func fitted(to data: Dataset) throws -> any Transformer
    /// Applies the fitted transformation.
    func transform(_ x: Matrix) throws -> Matrix
    /// The same configuration, unfitted.
    var unfitted: any Transformer { get }
    /// What a model file stores; transformers that cannot be stored (Lua functions) throw.
    func stored() throws -> StoredTransformer
    /// Applies the fitted transformation to a data set (labels and ids ride along; the default
    /// transforms the features).
    func transform(_ data: Dataset) throws -> Dataset
    /// Whether the transformer may only run on the thread that called into the engine (a Lua
    /// function: the interpreter is single-threaded); whoever fits models in parallel then runs
    /// them one after another.
    var runsOnCallingThread: Bool { get }
    /// The same configuration, unfitted, with any random stream of its own drawn from `seed`
    /// (a private step's noise): re-seeded copies of a pipeline — SISA's shards, shadow models —
    /// must not share noise, or comparing them would cancel it. Steps without randomness return
    /// their configuration.
    func reseeded(_ seed: UInt64) -> any Transformer
    /// The steps (by name) that learn from the data they are fitted to without a privacy
    /// guarantee — a z-score scaler's means and deviations, a PCA's directions, a Lua step's
    /// closure: fitted on private data, they release it through every prediction, so a pipeline
    /// holding one has no guarantee whatever its model spends. Empty for steps that learn nothing
    /// from the records' values (rounding) or learn privately (DP-PCA).
    var nonPrivateFits: [String] { get }
}

extension Transformer {
    public var runsOnCallingThread: Bool { false }
    public func reseeded(_ seed: UInt64) -> any Transformer { unfitted }
    /// A step learns from its data unless it says otherwise (the safe reading of a new step).
    public var nonPrivateFits: [String] { [name] }

    /// `data` with transformed features (ids, labels and classes unchanged; the image shape kept
    /// when the feature count is).
    public func transform(_ data: Dataset) throws -> Dataset {
        var d = data
        d.features = try transform(data.features)
        if d.features.cols != data.features.cols {   // new features: no longer an image, nor named
            d.imageShape = nil
            d.featureNames = nil
        }
        return d
    }

    /// Fits to `data`, then transforms it.
    public func fitTransform(_ data: Dataset) throws -> (any Transformer, Dataset) {
        let t = try fitted(to: data)
        return (t, try t.transform(data))
    }
}

/// The transformers a model file can hold.
public indirect enum StoredTransformer: Codable, Sendable, Equatable {
    case scaler(Scaler)
    case pca(PCA)
    case selectKBest(SelectKBest)
    case binning(Binning)
    case rounding(Rounding)
    case dropIdentifying(DropIdentifying)
    case union([StoredTransformer])

    /// The transformer this describes.
    public var transformer: any Transformer {
        switch self {
        case .scaler(let s): return s
        case .pca(let p): return p
        case .selectKBest(let s): return s
        case .binning(let b): return b
        case .rounding(let r): return r
        case .dropIdentifying(let d): return d
        case .union(let parts): return FeatureUnion(parts: parts.map(\.transformer))
        }
    }
}

extension Scaler: Transformer {
    public var name: String { "\(kind.rawValue) scaler" }
    public func fitted(to data: Dataset) throws -> any Transformer {
        var s = Scaler(kind: kind)
        try s.fit(data.features)
        return s
    }
    public var unfitted: any Transformer { Scaler(kind: kind) }
    public func stored() throws -> StoredTransformer { .scaler(self) }
}
