import CZlib
import Foundation

/// What a model file holds: the description of the model (JSON) and its parameters (Float32 blob).
public indirect enum StoredModel: Codable, Sendable {
    case network(NetworkState)
    /// A pipeline of scalers (files written before other transformers existed).
    case pipeline(scalers: [Scaler], model: StoredModel)
    case transformed(steps: [StoredTransformer], model: StoredModel)
    case logistic(LogisticRegression.State)
    case lda(LinearDiscriminantAnalysis.State)
    case gaussianNB(GaussianNaiveBayes.State)
    case knn(NearestNeighbors.State)
    case gmm(GMMState)
    case kmeans(options: KMeans.Options, rows: Int, cols: Int, inertia: Double, iterations: Int)
    /// A model made of other models (defenses, query-budgeted targets); files without one are unchanged.
    case component(StoredComponent)

    public struct NetworkState: Codable, Sendable {
        var kind: NetworkKind
        var specs: [LayerSpec]
        var options: TrainingOptions
        var inputShapeHint: [Int]?
        var inputShape: [Int]
        var classes: Int
        var history: [EpochRecord]
        var bestEpoch: Int?
        var parameterCounts: [Int]
        var privacy: PrivacyStatement?
        /// Transfer learning: the lower layers' starting values (after the parameters in the float block).
        var pretrained: PretrainedLayers.Stored?
    }

    public struct GMMState: Codable, Sendable {
        var options: GaussianMixture.Options
        var dimension: Int
        var weights: [Double]
        var means: [[Double]]
        var covariances: [[Double]]
        var iterations: Int
        var converged: Bool
    }
}

/// A loaded model of any kind.
public enum LoadedModel {
    case classifier(Classifier)
    /// A model that predicts but does not train: a query-budgeted target (an attacker's view).
    case predictor(Predictor)
    case gmm(GaussianMixture)
    case kmeans(KMeans)
}

/// The versioned, checksummed model file format:
///
///     "PRIVLAB\0"  u32 version  u32 header-length  header (JSON)  u64 float-count  floats (LE)  u32 CRC-32
///
/// The CRC-32 (zlib) covers every byte before it, so truncation and bit rot are detected before
/// anything is decoded; a file of another kind fails on the magic bytes.
public enum ModelFile {
    public static let magic: [UInt8] = Array("PRIVLAB".utf8) + [0]
    public static let version: UInt32 = 1

    // MARK: saving

    public static func save(_ model: LoadedModel, to path: String) throws {
        var floats = [Float]()
        let stored = try describe(model, &floats)
        try save(stored: stored, floats: floats, to: path)
    }

    static func describe(_ m: LoadedModel, _ floats: inout [Float]) throws -> StoredModel {
        switch m {
        case .classifier(let c): return try describe(classifier: c, &floats)
        case .predictor(let p): return try describe(classifier: p, &floats)
        case .gmm(let g):
            guard g.isFitted else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
            return .gmm(.init(options: g.options, dimension: g.dimension, weights: g.weights, means: g.means,
                              covariances: g.covariances, iterations: g.iterations, converged: g.converged))
        case .kmeans(let k):
            guard k.isFitted else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
            floats += k.centers.data
            return .kmeans(options: k.options, rows: k.centers.rows, cols: k.centers.cols, inertia: k.inertia, iterations: k.iterations)
        }
    }

    static func describe(classifier c: Predictor, _ floats: inout [Float]) throws -> StoredModel {
        guard c.isFitted else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        return try c.requirePersistable("save").storedModel(&floats)
    }

    /// Writes a description and its parameters (what `Classifier.storedModel` gives) as a model file.
    public static func save(stored: StoredModel, floats: [Float], to path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let header = try enc.encode(stored)
        var b = magic
        append(&b, version)
        append(&b, UInt32(header.count))
        b += header
        append(&b, UInt64(floats.count))
        floats.withUnsafeBytes { b += $0 }   // little-endian on every platform Swift runs PrivLab on
        append(&b, crc(b))
        try AtomicFile.write(Data(b), to: path)
    }

    // MARK: loading

    // `load(path:)` and `restoreClassifier` live in `Storage/ModelLoading.swift`: they consult the
    // table of stored component kinds, which names types above this layer.

    /// A fitted classifier from a description and its parameters, components restored by `components`.
    public static func restoreClassifier(_ d: StoredModel, floats: [Float], origin: String, components: ComponentRestoring) throws -> Classifier {
        var cursor = 0
        guard case .classifier(let m) = try restore(d, floats, &cursor, path: origin, components: components) else {
            throw PrivLabError.malformedFile(location: origin, reason: "not a classifier")
        }
        return m
    }

    /// The description and parameters of a model file, checked (magic, version, checksum, sizes)
    /// but not yet decoded into a model.
    public static func read(path: String) throws -> (StoredModel, [Float]) {
        guard let data = FileManager.default.contents(atPath: path) else { throw PrivLabError.io("\(path): cannot read") }
        let b = [UInt8](data)
        func fail(_ at: Int, _ why: String) -> PrivLabError { .malformedFile(location: "\(path)@\(at)", reason: why) }
        guard b.count >= magic.count + 8, Array(b[0..<magic.count]) == magic else {
            throw fail(0, "not a PrivLab model file")
        }
        let v: UInt32 = read(b, magic.count)
        guard v == version else { throw fail(magic.count, "model file version \(v); this privlab reads version \(version)") }
        guard b.count >= magic.count + 8 + 12 else { throw fail(b.count, "truncated model file") }
        let stored: UInt32 = read(b, b.count - 4)
        guard crc(Array(b[0..<(b.count - 4)])) == stored else {
            throw fail(b.count - 4, "checksum mismatch: the file is corrupt or truncated")
        }
        let hlen = Int(read(b, magic.count + 4) as UInt32)
        let hstart = magic.count + 8
        guard hstart + hlen + 8 <= b.count - 4 else { throw fail(hstart, "header length \(hlen) exceeds the file") }
        let desc: StoredModel
        do {
            desc = try JSONDecoder().decode(StoredModel.self, from: Data(b[hstart..<(hstart + hlen)]))
        } catch {
            throw fail(hstart, "unreadable model description (\(error))")
        }
        let countAt = hstart + hlen
        // The count comes from the file: checked before it becomes an Int or a size (a crafted
        // file with a valid checksum could hold any 64-bit value).
        let declared = read(b, countAt) as UInt64
        let fstart = countAt + 8
        guard declared <= UInt64(b.count), let count = Int(exactly: declared), fstart + 4 * count == b.count - 4 else {
            throw fail(countAt, "parameter block has the wrong size (\(declared) parameters declared)")
        }
        var floats = [Float](repeating: 0, count: count)
        floats.withUnsafeMutableBytes { dst in
            b.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[fstart..<(fstart + 4 * count)])) }
        }
        return (desc, floats)
    }

    /// The model `d` describes, its parameters read from `floats` at `cursor` (advanced past them).
    public static func restore(_ d: StoredModel, _ floats: [Float], _ cursor: inout Int, path: String, components: ComponentRestoring) throws -> LoadedModel {
        switch d {
        case .network(let s):
            var values = [[Float]]()
            for c in s.parameterCounts {
                guard c >= 0, cursor + c <= floats.count else { throw PrivLabError.malformedFile(location: path, reason: "too few parameters") }
                values.append(Array(floats[cursor..<(cursor + c)]))
                cursor += c
            }
            let pretrained = try s.pretrained.map { try PretrainedLayers($0, floats: floats, cursor: &cursor, path: path) }
            let net = try NeuralNetwork(kind: s.kind, specs: s.specs, options: s.options, inputShape: s.inputShapeHint, pretrained: pretrained)
            try net.build(inputShape: s.inputShape, classes: s.classes)
            do { try net.setParameterValues(values) } catch {
                throw PrivLabError.malformedFile(location: path, reason: "parameters do not match the architecture")
            }
            net.setHistory(s.history, bestEpoch: s.bestEpoch)
            net.setPrivacy(s.privacy)
            return .classifier(net)
        case .pipeline(let scalers, let inner):
            guard case .classifier(let m) = try restore(inner, floats, &cursor, path: path, components: components) else {
                throw PrivLabError.malformedFile(location: path, reason: "a pipeline must end with a classifier")
            }
            return .classifier(Pipeline(fittedSteps: scalers, model: m))
        case .transformed(let steps, let inner):
            guard case .classifier(let m) = try restore(inner, floats, &cursor, path: path, components: components) else {
                throw PrivLabError.malformedFile(location: path, reason: "a pipeline must end with a classifier")
            }
            return .classifier(Pipeline(fittedSteps: steps.map(\.transformer), model: m))
        case .logistic(let s): return .classifier(LogisticRegression(state: s))
        case .lda(let s): return .classifier(LinearDiscriminantAnalysis(state: s))
        case .gaussianNB(let s): return .classifier(GaussianNaiveBayes(state: s))
        case .knn(let s): return .classifier(NearestNeighbors(state: s))
        case .component(let c): return try restoreComponent(c, floats, &cursor, path: path, components: components)
        case .gmm(let s):
            return .gmm(try GaussianMixture(restoring: s))
        case .kmeans(let o, let r, let c, let inertia, let it):
            guard cursor + r * c <= floats.count else { throw PrivLabError.malformedFile(location: path, reason: "too few parameters") }
            let km = try KMeans(options: o)
            km.restore(centers: try Matrix(rows: r, cols: c, data: Array(floats[cursor..<(cursor + r * c)])), inertia: inertia, iterations: it)
            cursor += r * c
            return .kmeans(km)
        }
    }

    /// A component: its parts in order, then its own floats, then the restorer of its kind.
    static func restoreComponent(_ c: StoredComponent, _ floats: [Float], _ cursor: inout Int, path: String,
                                components: ComponentRestoring) throws -> LoadedModel {
        var parts = [Classifier]()
        for p in c.parts {
            guard case .classifier(let m) = try restore(p, floats, &cursor, path: path, components: components) else {
                throw PrivLabError.malformedFile(location: path, reason: "\(c.kind) must wrap classifiers")
            }
            parts.append(m)
        }
        guard c.ownFloats >= 0, cursor + c.ownFloats <= floats.count else {
            throw PrivLabError.malformedFile(location: path, reason: "too few parameters")
        }
        let own = Array(floats[cursor..<(cursor + c.ownFloats)])
        cursor += c.ownFloats
        return try components.restore(c, parts: parts, own: own, origin: path)
    }

    static func append<T: FixedWidthInteger>(_ b: inout [UInt8], _ v: T) {
        withUnsafeBytes(of: v.littleEndian) { b += $0 }
    }

    static func read<T: FixedWidthInteger>(_ b: [UInt8], _ at: Int) -> T {
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(b[at + i]) << (8 * i) }
        return v
    }

    static func crc(_ b: [UInt8]) -> UInt32 {
        b.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
    }
}

extension GaussianMixture {
    convenience init(restoring s: StoredModel.GMMState) throws {
        try self.init(options: s.options)
        try restore(s)
    }
}
