import XCTest
import PrivLab

/// Every layer's backward pass against central finite differences of the loss, computed in Double
/// from Float forward passes (h = 1e-2 keeps Float rounding below the tolerance; smooth activations
/// avoid ReLU/max kinks where finite differences are meaningless).
final class NetworkGradientTests: XCTestCase {
    func check(_ specs: [LayerSpec], inputShape: [Int], classes: Int = 3, batch: Int = 4,
               temperature: Double = 1, smoothing: Double = 0, step: Float = 1e-2, file: StaticString = #filePath, line: UInt = #line) throws {
        var o = TrainingOptions()
        o.temperature = temperature
        o.labelSmoothing = smoothing
        o.seed = 11
        let net = try NeuralNetwork(kind: .net, specs: specs, options: o)
        try net.build(inputShape: inputShape, classes: classes)
        net.layers[0].needsInputGradient = true
        var rng = RNG(seed: 5)
        let d = inputShape.reduce(1, *)
        var x = Matrix(rows: batch, cols: d)
        for i in 0..<x.data.count { x.data[i] = Float(rng.normal()) }
        let y = (0..<batch).map { $0 % classes }
        let lossFn = SoftmaxCrossEntropy(temperature: temperature, labelSmoothing: smoothing)
        let dropoutSeed = RNG(seed: 99)
        func loss(_ input: Matrix) throws -> Double {
            var ctx = ForwardContext(training: true, rng: dropoutSeed)
            let (l, _, _) = lossFn.lossAndGradient(try net.forward(input, &ctx), y)
            return l.reduce(0, +) / Double(batch)
        }
        var ctx = ForwardContext(training: true, rng: dropoutSeed)
        let z = try net.forward(x, &ctx)
        let (_, g, _) = lossFn.lossAndGradient(z, y)
        let dx = try net.backward(g)
        let analytic = net.parameters.map(\.grad)
        let h = step
        var worst = 0.0
        func compare(_ a: Double, _ numeric: Double) {
            let err = abs(a - numeric) / max(1e-3, abs(a) + abs(numeric))
            worst = max(worst, err)
        }
        for (pi, p) in net.parameters.enumerated() {
            // Up to 25 entries per parameter, spread over the tensor.
            let n = p.value.data.count
            for t in stride(from: 0, to: n, by: max(1, n / 25)) {
                let old = p.value.data[t]
                p.value.data[t] = old + h
                let up = try loss(x)
                p.value.data[t] = old - h
                let down = try loss(x)
                p.value.data[t] = old
                compare(Double(analytic[pi].data[t]), (up - down) / Double(2 * h))
            }
        }
        for t in stride(from: 0, to: x.data.count, by: max(1, x.data.count / 25)) {
            var xp = x, xm = x
            xp.data[t] += h
            xm.data[t] -= h
            compare(Double(dx.data[t]), (try loss(xp) - loss(xm)) / Double(2 * h))
        }
        XCTAssertLessThan(worst, 2e-2, "largest relative gradient error", file: file, line: line)
    }

    func testDenseAndSmoothActivations() throws {
        try check([.dense(units: 5, zeroInit: false), .activation(.tanh), .dense(units: 4, zeroInit: false),
                   .activation(.sigmoid), .dense(units: nil, zeroInit: false)], inputShape: [6])
    }

    func testReLUAwayFromKinks() throws {
        try check([.dense(units: 7, zeroInit: false), .activation(.relu), .dense(units: nil, zeroInit: false)], inputShape: [5])
    }

    func testTemperatureAndLabelSmoothingInTheLoss() throws {
        try check([.dense(units: nil, zeroInit: false)], inputShape: [4], classes: 5, temperature: 2.5, smoothing: 0.2)
    }

    func testDropoutWithAFixedMask() throws {
        try check([.dense(units: 8, zeroInit: false), .activation(.tanh), .dropout(rate: 0.4), .dense(units: nil, zeroInit: false)], inputShape: [5])
    }

    func testConvolutionWithPaddingAndAveragePooling() throws {
        try check([.conv2d(filters: 3, kernel: 3, stride: 1, padding: 1), .activation(.tanh), .avgPool(size: 2, stride: 2),
                   .flatten, .dense(units: nil, zeroInit: false)], inputShape: [2, 6, 6], batch: 3)
    }

    func testStridedConvolutionAndMaxPooling() throws {
        try check([.conv2d(filters: 4, kernel: 3, stride: 2, padding: 0), .activation(.tanh), .maxPool(size: 2, stride: 1),
                   .flatten, .dense(units: nil, zeroInit: false)], inputShape: [1, 7, 7], batch: 2, step: 2e-3)
    }

    /// The CNNs' 2×2, stride-2 max pool (its own C path) against a direct computation, on an
    /// odd-sized input whose last row and column belong to no window: catches a winner stored for
    /// the wrong window, gradients written into the dropped row, another example's winners.
    func testTwoByTwoMaxPoolingOnAnOddInputMatchesADirectComputation() throws {
        var rng = RNG(seed: 8)
        let (b, c, h, w) = (3, 2, 7, 7)
        let pool = try Pool2D(kind: .max, inputShape: [c, h, w], size: 2, stride: 2)
        var x = Matrix(rows: b, cols: c * h * w)
        for i in 0..<x.data.count { x.data[i] = Float(rng.normal()) }
        var y = x
        var ctx = ForwardContext(training: true, rng: rng)
        try pool.forward(&y, &ctx)
        var g = Matrix(rows: b, cols: c * 9)
        for i in 0..<g.data.count { g.data[i] = Float(rng.normal()) }
        var dx = g
        try pool.backward(&dx)
        var expected = Matrix(rows: b, cols: c * h * w)
        for e in 0..<b { for ci in 0..<c { for oy in 0..<3 { for ox in 0..<3 {
            var best = -Float.infinity, at = 0
            for ky in 0..<2 { for kx in 0..<2 {
                let i = ci * h * w + (2 * oy + ky) * w + 2 * ox + kx
                if x[e, i] > best { best = x[e, i]; at = i }
            } }
            XCTAssertEqual(y[e, ci * 9 + oy * 3 + ox], best)
            expected[e, at] = g[e, ci * 9 + oy * 3 + ox]
        } } } }
        XCTAssertEqual(dx, expected)
    }

    /// Ties go to the first input of a window (row by row) in both max-pool paths, as in the
    /// general loop; all-equal windows (ReLU's zeros) are the common case.
    func testMaxPoolTiesGoToTheFirstInput() throws {
        for (size, stride) in [(2, 2), (2, 1)] {
            let pool = try Pool2D(kind: .max, inputShape: [1, 4, 4], size: size, stride: stride)
            var x = try Matrix(rows: 1, cols: 16, data: [0, 0, 1, 5,
                                                        0, 0, 5, 2,
                                                        3, 7, 4, 4,
                                                        7, 1, 4, 4])
            var ctx = ForwardContext(training: true, rng: RNG(seed: 1))
            try pool.forward(&x, &ctx)
            var g = Matrix(rows: 1, cols: x.cols, repeating: 1)
            try pool.backward(&g)
            if stride == 2 {
                XCTAssertEqual(x.data, [0, 5, 7, 4])
                XCTAssertEqual(g.data, [1, 0, 0, 1,
                                        0, 0, 0, 0,
                                        0, 1, 1, 0,
                                        0, 0, 0, 0])
            } else {
                XCTAssertEqual(x.data, [0, 5, 5, 7, 7, 5, 7, 7, 4])
                XCTAssertEqual(g.data.reduce(0, +), 9)
                XCTAssertEqual(g.data[0], 1, "the all-zero window's gradient goes to its first input")
            }
        }
    }

    /// Convolution against a direct (no im2col) reference implementation, for strides and paddings
    /// that take each im2col path (contiguous copies at stride 1, gathers at larger strides, patches
    /// leaving the image on every side). Catches: a wrong valid-column range at the borders, a
    /// patch matrix read with the wrong leading dimension (examples mixed up), a missing bias.
    func testConvolutionForwardMatchesDirectSum() throws {
        var rng = RNG(seed: 3)
        for (kernel, stride, padding) in [(3, 2, 1), (3, 1, 1), (5, 1, 2), (3, 3, 0), (1, 1, 0), (3, 1, 0)] {
            let (c, h, w, b) = (2, 5, 4, 3)
            let conv = try Conv2D(inputShape: [c, h, w], filters: 3, kernel: kernel, stride: stride, padding: padding, rng: &rng)
            let oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1
            var x = Matrix(rows: b, cols: c * h * w)
            for i in 0..<x.data.count { x.data[i] = Float(rng.normal()) }
            var ctx = ForwardContext(training: false, rng: rng)
            var y = x
            try conv.forward(&y, &ctx)
            XCTAssertEqual(conv.outputShape, [3, oh, ow])
            for e in 0..<b { for f in 0..<3 { for oy in 0..<oh { for ox in 0..<ow {
                var s = Double(conv.bias.value.data[f])
                for ci in 0..<c { for ky in 0..<kernel { for kx in 0..<kernel {
                    let iy = oy * stride - padding + ky, ix = ox * stride - padding + kx
                    if iy >= 0 && iy < h && ix >= 0 && ix < w {
                        s += Double(conv.weight.value[f, (ci * kernel + ky) * kernel + kx]) * Double(x[e, ci * h * w + iy * w + ix])
                    }
                } } }
                XCTAssertEqual(Double(y[e, f * oh * ow + oy * ow + ox]), s, accuracy: 1e-5, "k \(kernel) s \(stride) p \(padding)")
            } } } }
        }
    }

    /// The input gradient of a convolution is the adjoint of its forward map: ⟨conv(x) − b, g⟩ =
    /// ⟨x, ∂x⟩ for any g, which pins col2im against im2col at every stride and padding.
    func testConvolutionInputGradientIsTheAdjoint() throws {
        var rng = RNG(seed: 4)
        for (kernel, stride, padding) in [(3, 2, 1), (3, 1, 1), (5, 1, 2), (3, 3, 0)] {
            let (c, h, w, b) = (2, 6, 5, 2)
            let conv = try Conv2D(inputShape: [c, h, w], filters: 3, kernel: kernel, stride: stride, padding: padding, rng: &rng)
            for i in 0..<conv.bias.value.data.count { conv.bias.value.data[i] = 0 }
            var x = Matrix(rows: b, cols: c * h * w)
            for i in 0..<x.data.count { x.data[i] = Float(rng.normal()) }
            var ctx = ForwardContext(training: true, rng: rng)
            var y = x
            try conv.forward(&y, &ctx)
            var g = Matrix(rows: y.rows, cols: y.cols)
            for i in 0..<g.data.count { g.data[i] = Float(rng.normal()) }
            let lhs = zip(y.data, g.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            var dx = g
            try conv.backward(&dx)
            let rhs = zip(x.data, dx.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(lhs, rhs, accuracy: 1e-3 * max(1, abs(lhs)), "k \(kernel) s \(stride) p \(padding)")
        }
    }
}
