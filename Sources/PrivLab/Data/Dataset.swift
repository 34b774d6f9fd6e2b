/// A labelled dataset: one row of features per record, an integer class label, and a **stable record
/// id** that survives every subset, split and filter. Unlearning requests and membership-inference
/// evaluations name records by this id, so it must never be renumbered.
public struct Dataset: Sendable, CustomStringConvertible {
    /// `size × featureCount` features.
    public var features: Matrix { didSet { featuresKnownFinite = false } }
    /// Whether every feature is known to be finite without looking: set by loaders whose values
    /// cannot be anything else (8-bit images), kept by row selections, cleared by any change to
    /// `features`. `checkFinite` (run before every fit) then skips its scan of the whole set.
    public internal(set) var featuresKnownFinite = false
    /// Class labels in `0..<classes`.
    public var labels: [Int]
    /// Number of classes (labels may not use all of them in a subset).
    public var classes: Int
    /// Stable record ids (1-based, unique within the dataset).
    public var ids: [Int]
    /// Optional names: one per feature column, one per class.
    public var featureNames: [String]?
    public var classNames: [String]?
    /// For image data, `[channels, height, width]` (a row holds the image in that order).
    public var imageShape: [Int]?
    /// A short name for printing ("fashion-mnist/train", "blobs", a file name).
    public var name: String

    /// Builds a dataset, checking that every part agrees. Ids default to 1…n.
    public init(features: Matrix, labels: [Int], classes: Int? = nil, ids: [Int]? = nil,
                featureNames: [String]? = nil, classNames: [String]? = nil,
                imageShape: [Int]? = nil, name: String = "dataset") throws {
        guard labels.count == features.rows else {
            throw PrivLabError.shape("\(features.rows) feature rows but \(labels.count) labels")
        }
        let k = classes ?? ((labels.max() ?? -1) + 1)
        guard k >= 0 else { throw PrivLabError.invalidArgument("class count must be non-negative") }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= k }) {
            throw PrivLabError.invalidArgument("label \(labels[bad]) of row \(bad + 1) is outside 0..<\(k)")
        }
        let theIds = ids ?? (0..<labels.count).map { $0 + 1 }
        guard theIds.count == labels.count else {
            throw PrivLabError.shape("\(labels.count) records but \(theIds.count) ids")
        }
        if Set(theIds).count != theIds.count { throw PrivLabError.invalidArgument("record ids must be unique") }
        if let fn = featureNames, fn.count != features.cols {
            throw PrivLabError.shape("\(features.cols) feature columns but \(fn.count) feature names")
        }
        if let cn = classNames, cn.count != k {
            throw PrivLabError.shape("\(k) classes but \(cn.count) class names")
        }
        if let s = imageShape, s.reduce(1, *) != features.cols {
            throw PrivLabError.shape("image shape \(s) does not hold \(features.cols) features")
        }
        self.features = features
        self.labels = labels
        self.classes = k
        self.ids = theIds
        self.featureNames = featureNames
        self.classNames = classNames
        self.imageShape = imageShape
        self.name = name
    }

    public var size: Int { labels.count }
    public var featureCount: Int { features.cols }

    /// Records per class (length `classes`).
    public var classCounts: [Int] {
        var c = [Int](repeating: 0, count: classes)
        for l in labels { c[l] += 1 }
        return c
    }

    /// The records at 0-based row positions `rows`, in that order (ids, names and shape carried over).
    public func rows(_ positions: [Int]) -> Dataset {
        var d = self
        d.features = features.rows(positions)
        d.featuresKnownFinite = featuresKnownFinite
        d.labels = positions.map { labels[$0] }
        d.ids = positions.map { ids[$0] }
        return d
    }

    /// Row position of every id.
    public func positionsById() -> [Int: Int] {
        var m = [Int: Int](minimumCapacity: ids.count)
        for (i, id) in ids.enumerated() { m[id] = i }
        return m
    }

    private func positions(of wanted: [Int], _ what: String) throws -> [Int] {
        let pos = positionsById()
        return try wanted.map { id in
            guard let p = pos[id] else { throw PrivLabError.invalidArgument("\(what): no record with id \(id) in \(name)") }
            return p
        }
    }

    /// The records with these ids, in the order given. Unknown or repeated ids are errors.
    public func subset(ids wanted: [Int]) throws -> Dataset {
        if Set(wanted).count != wanted.count { throw PrivLabError.invalidArgument("subset: repeated record id") }
        return rows(try positions(of: wanted, "subset"))
    }

    /// Every record except those with these ids (order kept). Unknown ids are errors.
    public func without(ids removed: [Int]) throws -> Dataset {
        let gone = Set(try positions(of: removed, "without"))
        return rows((0..<size).filter { !gone.contains($0) })
    }

    /// Only the records of the given classes. With `relabel`, classes are renumbered 0..<k in the
    /// order given (and names follow); otherwise labels and the class count are kept.
    public func filter(classes keep: [Int], relabel: Bool = false) throws -> Dataset {
        for c in keep where c < 0 || c >= classes {
            throw PrivLabError.invalidArgument("filter: class \(c) is outside 0..<\(classes)")
        }
        if Set(keep).count != keep.count { throw PrivLabError.invalidArgument("filter: repeated class") }
        let keepSet = Set(keep)
        var d = rows((0..<size).filter { keepSet.contains(labels[$0]) })
        if relabel {
            var map = [Int: Int]()
            for (i, c) in keep.enumerated() { map[c] = i }
            d.labels = d.labels.map { map[$0]! }
            d.classes = keep.count
            d.classNames = classNames.map { names in keep.map { names[$0] } }
        }
        return d
    }

    /// The same records under new labels, one per record (e.g. cluster assignments: Shokri et al.
    /// 2017 and Bourtoule et al. 2021 label Purchase by k-means clusters). `classes` defaults to the
    /// largest label + 1; class names are dropped (the new classes are not the old ones).
    public func relabelled(_ newLabels: [Int], classes k: Int? = nil) throws -> Dataset {
        guard newLabels.count == size else {
            throw PrivLabError.invalidArgument("relabel: \(newLabels.count) labels for \(size) records")
        }
        let count = k ?? ((newLabels.max() ?? 0) + 1)
        guard count >= 1 else { throw PrivLabError.invalidArgument("relabel: classes must be at least 1, got \(count)") }
        if let bad = newLabels.first(where: { $0 < 0 || $0 >= count }) {
            throw PrivLabError.invalidArgument("relabel: label \(bad) is outside 0..<\(count)")
        }
        var d = self
        d.labels = newLabels
        d.classes = count
        d.classNames = nil
        return d
    }

    /// The same records in a seeded random order.
    public func shuffled(seed: UInt64) -> Dataset {
        var rng = RNG(seed: seed)
        return rows(rng.permutation(size))
    }

    /// Records of `other` appended (same feature count and classes; ids must stay unique).
    public func concatenated(_ other: Dataset) throws -> Dataset {
        guard other.featureCount == featureCount else {
            throw PrivLabError.shape("concatenating \(featureCount) and \(other.featureCount) features")
        }
        var f = features.data
        f.append(contentsOf: other.features.data)
        return try Dataset(features: Matrix(rows: size + other.size, cols: featureCount, data: f),
                           labels: labels + other.labels, classes: max(classes, other.classes),
                           ids: ids + other.ids, featureNames: featureNames,
                           classNames: classes >= other.classes ? classNames : other.classNames,
                           imageShape: imageShape, name: name)
    }

    /// Throws when any feature is NaN or infinite (training on them silently produces NaN models).
    public func checkFinite() throws {
        if featuresKnownFinite || features.data.withUnsafeBufferPointer(allFinite) { return }
        if let i = features.data.firstIndex(where: { !$0.isFinite }) {
            let r = i / max(featureCount, 1)
            throw PrivLabError.invalidArgument("\(name): record id \(ids[r]) has a non-finite feature (column \(i % max(featureCount, 1) + 1))")
        }
    }

    public var description: String {
        var s = "Dataset(\(name): \(size) records, \(featureCount) features, \(classes) classes"
        if let sh = imageShape { s += ", images \(sh.map(String.init).joined(separator: "×"))" }
        return s + ")"
    }
}
