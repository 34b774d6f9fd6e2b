import Foundation

/// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017) from the gzip'd IDX files that Debian's
/// `dataset-fashion-mnist` installs in `/usr/share/datasets/fashion-mnist/`.
public enum FashionMNIST {
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// The directory holding the files: `$PRIVLAB_FASHION_MNIST` if set, else Debian's location.
    public static var defaultDirectory: String {
        ProcessInfo.processInfo.environment["PRIVLAB_FASHION_MNIST"] ?? "/usr/share/datasets/fashion-mnist"
    }

    /// Loads the "train" (60,000) or "test" (10,000) split. Pixels are scaled to [0, 1]; record ids
    /// are 1-based positions in the 70,000 images (train 1…60000, test 60001…70000), so they are stable
    /// across every `n` and seed and never collide when the splits are mixed (attack pools, LiRA).
    /// With `n`, keeps the first `n` records, or a seeded random sample of `n` when `seed` is given.
    public static func load(split: String, directory: String? = nil, n: Int? = nil, seed: UInt64? = nil) throws -> Dataset {
        let prefix: String
        switch split {
        case "train": prefix = "train"
        case "test": prefix = "t10k"
        default: throw PrivLabError.invalidArgument("fashion_mnist: split must be \"train\" or \"test\", got \"\(split)\"")
        }
        let dir = directory ?? defaultDirectory
        let imgPath = "\(dir)/\(prefix)-images-idx3-ubyte.gz"
        let lblPath = "\(dir)/\(prefix)-labels-idx1-ubyte.gz"
        for p in [imgPath, lblPath] where !FileManager.default.fileExists(atPath: p) {
            throw PrivLabError.io("\(p): not found (install Debian's dataset-fashion-mnist, or set PRIVLAB_FASHION_MNIST)")
        }
        var images = try IDXReader.read(path: imgPath)
        let labels = try IDXReader.read(path: lblPath)
        guard images.dims.count == 3 else {
            throw PrivLabError.malformedFile(location: imgPath, reason: "expected 3 dimensions (count, rows, cols), found \(images.dims.count)")
        }
        guard labels.dims.count == 1 else {
            throw PrivLabError.malformedFile(location: lblPath, reason: "expected 1 dimension, found \(labels.dims.count)")
        }
        guard images.dims[0] == labels.dims[0] else {
            throw PrivLabError.malformedFile(location: lblPath, reason: "\(labels.dims[0]) labels for \(images.dims[0]) images")
        }
        let count = images.dims[0], h = images.dims[1], w = images.dims[2]
        let integerPixels = images.integerValued
        // Taken out of `images` so the scaling below works in place (a second reference would make
        // it copy all 188 MB).
        var pixels = images.values
        images.values = []
        for i in pixels.indices { pixels[i] *= 1.0 / 255.0 }
        let y = labels.values.map { Int($0) }
        if let bad = y.firstIndex(where: { $0 < 0 || $0 > 9 }) {
            throw PrivLabError.malformedFile(location: "\(lblPath)@\(8 + bad)", reason: "label \(y[bad]) is not a class 0–9")
        }
        let firstId = split == "test" ? 60_001 : 1
        var ds = try Dataset(features: Matrix(rows: count, cols: h * w, data: pixels), labels: y, classes: 10,
                             ids: (0..<count).map { firstId + $0 }, classNames: classNames, imageShape: [1, h, w], name: "fashion-mnist/\(split)")
        // Integer pixels divided by 255 cannot be NaN or infinite: fits need not scan 47 M values.
        ds.featuresKnownFinite = integerPixels
        // Integer pixels divided by 255 cannot be NaN or infinite: fits need not scan 47 M values.
        ds.featuresKnownFinite = integerPixels
        if let n = n {
            guard n >= 1, n <= count else {
                throw PrivLabError.invalidArgument("fashion_mnist: n must be in 1…\(count), got \(n)")
            }
            if let seed = seed {
                var rng = RNG(seed: seed)
                ds = ds.rows(try rng.sample(count, n).sorted())
            } else {
                ds = ds.rows(Array(0..<n))
            }
        }
        return ds
    }
}
