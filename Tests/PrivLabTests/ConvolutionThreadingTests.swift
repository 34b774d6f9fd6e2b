import PrivLab
import XCTest

/// The CNN's layers run example by example on every core and cut the weight gradient at a fixed
/// example boundary; training must give the same bits on one thread and on two.
final class ConvolutionThreadingTests: XCTestCase {
    /// Catches: a weight-gradient split chosen from the thread count, partial sums added in the
    /// order the threads finish, per-example buffers shared between threads, an example's columns
    /// read with another example's offset (the parameters then also differ from one thread's).
    /// The second convolution's gradient is large enough to be split (checked below), so the split
    /// path runs on every machine.
    func testCNNTrainingIsTheSameOnOneAndTwoThreads() throws {
        var rng = RNG(seed: 21)
        let n = 160, side = 16
        var x = Matrix(rows: n, cols: side * side)
        var y = [Int]()
        for i in 0..<n {
            let cls = i % 3
            y.append(cls)
            for p in 0..<(side * side) {
                let stripe = (cls == 0 ? p / side : cls == 1 ? p % side : (p / side + p % side)) % 4 == 0
                x.data[i * side * side + p] = (stripe ? 1 : 0) + 0.3 * Float(rng.normal())
            }
        }
        let ds = try Dataset(features: x, labels: y, classes: 3, imageShape: [1, side, side])
        let conv2 = try Conv2D(inputShape: [8, 8, 8], filters: 16, kernel: 3, stride: 1, padding: 1, rng: &rng)
        XCTAssertEqual(conv2.gradientBlocks(batch: 64).count, 2, "the test must exercise the split weight gradient")
        var configs = [TrainingOptions]()
        var o = TrainingOptions()
        o.epochs = 2
        o.batchSize = 64
        o.learningRate = 0.05
        configs.append(o)  // fused SGD
        o.optimizer = .adam
        o.learningRate = 1e-3
        configs.append(o)
        var dp = DPOptions()
        dp.clip = 1
        dp.noise = 0.8
        o.dp = dp
        configs.append(o)  // DP-Adam
        o.optimizer = .sgd
        o.learningRate = 0.05
        configs.append(o)  // fused DP-SGD
        for (i, opts) in configs.enumerated() {
            let results = try [1, 2].map { threads in
                try withThreads(threads) { () -> [[Float]] in
                    let m = try NeuralNetwork.cnn(channels: [8, 16], hidden: [32], options: opts)
                    try m.fit(ds)
                    return m.parameterValues()
                }
            }
            XCTAssertEqual(results[0], results[1], "configuration \(i)")
        }
    }
}
