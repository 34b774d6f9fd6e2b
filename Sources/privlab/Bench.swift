import ArgumentParser
import CBLAS
import Foundation
import PrivLab

/// `privlab bench …`: speed figures measured on this machine (never part of the test suite).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (compare with the reference implementations via bench/run.py).",
        subcommands: [BenchTrain.self, BenchGemm.self, BenchSISA.self, BenchMIA.self, BenchNoise.self])
}

/// Peak resident memory of this process so far, in MiB.
func peakMemoryMiB() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_maxrss) / 1024
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Best-of-`reps` GFLOP/s of an m×k · k×n sgemm.
func gemmGFLOPS(m: Int, k: Int, n: Int, reps: Int = 5) throws -> Double {
    var rng = RNG(seed: 1)
    var a = Matrix(rows: m, cols: k), b = Matrix(rows: k, cols: n)
    for i in 0..<a.data.count { a.data[i] = rng.uniformFloat() }
    for i in 0..<b.data.count { b.data[i] = rng.uniformFloat() }
    var c = Matrix(rows: m, cols: n)
    try Matrix.gemm(a, b, into: &c)
    var best = Double.infinity
    let inner = max(1, 2_000_000_000 / (2 * m * k * n))
    for _ in 0..<reps {
        let t0 = now()
        for _ in 0..<inner { try Matrix.gemm(a, b, into: &c) }
        best = min(best, (now() - t0) / Double(inner))
    }
    return 2 * Double(m * k * n) / best / 1e9
}

struct BenchGemm: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gemm", abstract: "OpenBLAS sgemm GFLOP/s on square and MLP-shaped products.")
    func run() throws {
        print(CPUInfo.summary)
        print(String(format: "sgemm 1024×1024×1024: %.1f GFLOP/s", try gemmGFLOPS(m: 1024, k: 1024, n: 1024)))
        print(String(format: "sgemm 128×784×256 (MLP forward): %.1f GFLOP/s", try gemmGFLOPS(m: 128, k: 784, n: 256)))
        print(String(format: "sgemm 784×128×256 (MLP ∂W): %.1f GFLOP/s", try gemmGFLOPS(m: 784, k: 128, n: 256)))
        for (m, k, n) in [(128, 256, 10), (256, 128, 10), (128, 10, 256)] {
            let g = try gemmGFLOPS(m: m, k: k, n: n)
            print(String(format: "sgemm %d×%d×%d (output layer): %.1f GFLOP/s, %.1f µs per call", m, k, n, g, 2 * Double(m * k * n) / g / 1e3))
        }
    }
}

struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "One epoch of the 784-256-10 MLP (SGD, lr 0.05, batch 128) or the small CNN (conv16-pool-conv32-pool-dense128, Adam lr 1e-3, batch 64) on the Fashion-MNIST training images.")

    enum Model: String, ExpressibleByArgument { case mlp, cnn, gru, lstm }

    @Option(help: "Timed epochs (each on a freshly initialised model).") var runs = 3
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Flag(help: "Train with DP-SGD (Poisson sampling, expected batch as the model's, σ = 1.1, C = 1).") var dp = false
    @Option(help: "Threads for dense products (default: every core).") var threads: Int?
    @Option(help: "mlp, cnn, or gru / lstm (128 units on sequential Fashion-MNIST, Adam lr 1e-3, batch 128).") var model: Model = .mlp
    @Option(help: "Train on the first N images only (default: all 60,000).") var limit: Int?

    func run() throws {
        if let t = threads { BLASThreads.count = t }
        var train = try FashionMNIST.load(split: "train")
        if let n = limit, n < train.size { train = train.rows(Array(0..<max(1, n))) }
        var o = TrainingOptions()
        switch model {
        case .mlp:
            o.learningRate = 0.05
            o.batchSize = 128
        case .cnn:
            o.optimizer = .adam
            o.learningRate = 1e-3
            o.batchSize = 64
        case .gru, .lstm:
            o.optimizer = .adam
            o.learningRate = 1e-3
            o.batchSize = 128
        }
        o.epochs = 1
        if dp {
            var d = DPOptions()
            d.clip = 1
            d.noise = 1.1
            o.dp = d
        }
        // MLP, per example: forward 2(784·256 + 256·10); backward ∂W₁ 2·784·256, ∂W₂ and ∂h
        // 2·2·256·10 (the first layer's input gradient is not computed).
        let mlpFlops = 2 * (2 * 784 * 256 + 3 * 256 * 10)
        // CNN, per example: conv1 (16 × 9 × 784) forward and ∂W; conv2 (32 × 144 × 196) forward, ∂W
        // and ∂x; dense 1568·128 and 128·10 forward, ∂W and ∂x.
        let cnnFlops = 2 * (2 * 16 * 9 * 784 + 3 * 32 * 144 * 196 + 3 * (1568 * 128 + 128 * 10))
        // Recurrent, per example and step: the input part 2·28·G·128 and the recurrent part
        // 2·128·G·128 forward; backward twice that (∂W and ∂h; ∂x of the first layer is skipped, so
        // the input part once); the output layer is negligible.
        let g = model == .lstm ? 4 : 3
        let rnnFlops = 28 * (2 * 28 * g * 128 * 2 + 2 * 128 * g * 128 * 3)
        let flopsPerEpoch = Double(train.size) * Double(model == .mlp ? mlpFlops : model == .cnn ? cnnFlops : rnnFlops)
        var times = [Double]()
        var acc = 0.0
        for r in 0..<runs {
            o.seed = UInt64(r + 1)
            let m: NeuralNetwork
            switch model {
            case .mlp: m = try NeuralNetwork.mlp(hidden: [256], options: o)
            case .cnn: m = try NeuralNetwork.cnn(channels: [16, 32], hidden: [128], options: o)
            case .gru, .lstm: m = try NeuralNetwork.rnn(cell: model == .gru ? .gru : .lstm, hidden: 128, steps: 28, options: o)
            }
            let t0 = now()
            try m.fit(train)
            times.append(now() - t0)
            acc = m.history.last!.trainAccuracy
        }
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        let peak = try gemmGFLOPS(m: 128, k: 784, n: 256)
        let achieved = flopsPerEpoch / median / 1e9
        if json {
            let obj: [String: Any] = ["seconds": times, "median": median, "gflops": achieved, "gemm_peak_gflops": peak,
                                      "peak_memory_mib": peakMemoryMiB(), "train_accuracy": acc, "blas_threads": BLASThreads.count,
                                      "blas_kernels": BLASKernel.name, "blas_choice": BLASKernel.choice.phrase,
                                      "cpu": CPUInfo.model, "images": train.size]
            let d = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
            print(String(decoding: d, as: UTF8.self))
        } else {
            print("\(model.rawValue)\(dp ? " DP-SGD" : ""), \(train.size) images; epoch seconds: " + times.map { String(format: "%.3f", $0) }.joined(separator: " ")
                  + String(format: "  (median %.3f)", median))
            print(String(format: "achieved %.1f GFLOP/s of %.1f GFLOP per epoch; sgemm 128×784×256 peak here %.1f GFLOP/s (%.0f%%)",
                         achieved, flopsPerEpoch / 1e9, peak, 100 * achieved / peak))
            print(String(format: "peak memory %.0f MiB; running train accuracy %.4f", peakMemoryMiB(), acc))
            print(CPUInfo.summary)
        }
    }
}

/// `privlab bench noise`: the Gaussian noise DP-SGD adds per epoch (469 steps × the MLP's 203,530 parameters).
struct BenchNoise: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "noise", abstract: "Gaussian noise generation speed (one DP-SGD epoch's worth).")
    @Option(help: "Steps (noise vectors).") var steps = 469
    @Option(help: "Highest vector level to use (0 portable C, 1 AVX2).") var level = 1
    @Option(help: "Threads (1 = one core).") var threads = 2
    func run() throws {
        BLASThreads.count = threads
        let sizes = [784 * 256, 256, 256 * 10, 10]
        let total = sizes.reduce(0, +)
        let storage = UnsafeMutableBufferPointer<Float>.allocate(capacity: total)
        storage.initialize(repeating: 0)
        defer { storage.deallocate() }
        var parts = [UnsafeMutableBufferPointer<Float>]()
        var at = 0
        for s in sizes { parts.append(UnsafeMutableBufferPointer(rebasing: storage[at..<(at + s)])); at += s }
        var best = Double.infinity
        for r in 0..<3 {
            let t0 = now()
            for s in 0..<steps { GaussianNoise.add(std: 1, seed: UInt64(r * steps + s), to: parts, maxLevel: level) }
            best = min(best, now() - t0)
        }
        let n = Double(steps * sizes.reduce(0, +))
        print(String(format: "%.0f deviates in %.3f s: %.2f ns per deviate (best of 3; %d thread(s), vector level %d of %d)",
                     n, best, best / n * 1e9, threads, min(level, GaussianNoise.cpuLevel), GaussianNoise.cpuLevel))
    }
}
