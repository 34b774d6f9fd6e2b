import CBLAS
import Dispatch
import Foundation

/// One recurrent layer (Elman RNN, GRU or LSTM; see `RecurrentCellKind`) over sequences stored flat:
/// each record is a row of `steps × features` values, step by step (`[t][f]`, so sequential
/// Fashion-MNIST's 784 pixels are 28 steps of a 28-pixel image row). The output is the last hidden
/// state (`H` values) or, with `sequences`, every step's (`steps × H`, the input of a stacked layer).
///
/// Layout and products (B examples, T steps, F features, H hidden units, G gates):
/// - the input part of every step at once: the batch viewed as a (B·T) × F matrix (row b·T + t is
///   x_{b,t}: the same memory) times W_ihᵀ, one GEMM, plus b_ih;
/// - the recurrent part one step at a time: H_{t−1} (B × H, read in place from the output sequence
///   through the leading dimension T·H) times W_hhᵀ, one GEMM per step;
/// - backpropagation through time (Werbos 1990) walks the steps back with one GEMM per step
///   (∂h_{t−1} += ∂pre_t · W_hh), then the weight gradients are one GEMM each over all (b, t):
///   ∂W_ih = ∂Preᵀ · X, ∂W_hh = ∂Preᵀ · H_prev, and ∂X = ∂Pre · W_ih.
/// Examples are independent along the recurrence, so the batch is cut into row blocks chosen from
/// the shape alone (`BLASThreads.rowBlocks`), each walking all its steps on its own core: one
/// synchronisation per pass instead of one per step, and the same bits on one thread or two.
///
/// Parameters are named and laid out as PyTorch's (weight_ih G·H × F, weight_hh G·H × H, bias_ih,
/// bias_hh) and initialised as there: all U(−1/√H, 1/√H).
public final class Recurrent: Layer {
    public let cell: RecurrentCellKind
    public let steps, features, hidden: Int
    public let sequences: Bool
    public let inputShape: [Int]
    public let outputShape: [Int]
    public var spec: LayerSpec { .recurrent(cell: cell, hidden: hidden, steps: steps, sequences: sequences) }
    public let weightIH, weightHH, biasIH, biasHH: Parameter
    public var parameters: [Parameter] { [weightIH, weightHH, biasIH, biasHH] }
    public var needsInputGradient = true

    var gh: Int { cell.gates * hidden }

    // The last training batch (set by `forward` in training mode).
    var batch = 0
    /// The input viewed as (B·T) × F.
    var input = Matrix(rows: 0, cols: 0)
    /// Activated gates, (B·T) × G·H.
    var gates = Matrix(rows: 0, cols: 0)
    /// Hidden states, B × (T·H).
    var states = Matrix(rows: 0, cols: 0)
    /// Per step: the GRU's W_hn h + b_hn or the LSTM's c, (B·T) × H.
    var extra = Matrix(rows: 0, cols: 0)
    /// Pre-activation gradients of the last backward pass, (B·T) × G·H: of the input part and of
    /// the recurrent part (the same matrix except for the GRU).
    var dInput = Matrix(rows: 0, cols: 0)
    var dRecurrent = Matrix(rows: 0, cols: 0)
    /// h_{t−1} for every (b, t), zero at t = 0: (B·T) × H, the left factor of ∂W_hh.
    var previous = Matrix(rows: 0, cols: 0)

    public init(inputShape: [Int], cell: RecurrentCellKind, hidden: Int, steps: Int, sequences: Bool, rng: inout RNG) throws {
        let width = inputShape.reduce(1, *)
        guard hidden >= 1, steps >= 1 else { throw PrivLabError.invalidArgument("\(cell.rawValue): hidden and steps must be at least 1") }
        guard width % steps == 0, width >= steps else {
            throw PrivLabError.shape("\(cell.rawValue): a record of \(width) values is not steps × features with steps = \(steps)")
        }
        self.cell = cell
        self.steps = steps
        self.features = width / steps
        self.hidden = hidden
        self.sequences = sequences
        self.inputShape = [steps, features]
        self.outputShape = sequences ? [steps, hidden] : [hidden]
        let g = cell.gates * hidden, bound = 1 / Double(hidden).squareRoot()
        func uniform(_ r: Int, _ c: Int) -> Matrix {
            var m = Matrix(rows: r, cols: c)
            for i in 0..<m.data.count { m.data[i] = Float(rng.uniform(-bound, bound)) }
            return m
        }
        weightIH = Parameter(name: "weight_ih", value: uniform(g, features), penalized: true)
        weightHH = Parameter(name: "weight_hh", value: uniform(g, hidden), penalized: true)
        biasIH = Parameter(name: "bias_ih", value: uniform(1, g), penalized: false)
        biasHH = Parameter(name: "bias_hh", value: uniform(1, g), penalized: false)
    }

    /// The row blocks of the batch, each walking its own steps (a function of the shape only).
    func blocks(_ b: Int) -> [Range<Int>] { BLASThreads.rowBlocks(m: b, n: gh, k: hidden) }

    /// Runs `body` on every block, side by side when there are several blocks and threads.
    func forEachBlock(_ b: Int, _ body: (Range<Int>) -> Void) {
        let bl = blocks(b)
        BLASThreads.pinOpenBLAS()
        if bl.count == 1 || BLASThreads.count <= 1 { return bl.forEach(body) }
        DispatchQueue.concurrentPerform(iterations: bl.count) { body(bl[$0]) }
    }

    public func forward(_ x: inout Matrix, _ ctx: inout ForwardContext) throws {
        guard x.cols == steps * features else {
            throw PrivLabError.shape("\(cell.rawValue): expects records of \(steps) steps × \(features) features = \(steps * features) values, got \(x.cols)")
        }
        let b = x.rows, t = steps, h = hidden, g = gh
        let xs = Matrix(rows: b * t, cols: features, storage: x.data)
        // Pre-activations of the input part for all steps: b_ih in every row, then one GEMM.
        var a = Matrix.uninitialized(rows: b * t, cols: g)
        a.data.withUnsafeMutableBufferPointer { d in
            biasIH.value.data.withUnsafeBufferPointer { bb in
                for r in 0..<(b * t) { (d.baseAddress! + r * g).update(from: bb.baseAddress!, count: g) }
            }
        }
        try Matrix.gemm(xs, weightIH.value, transB: .transposed, beta: 1, into: &a)
        var hs = Matrix.uninitialized(rows: b, cols: t * h)
        var ex = Matrix.uninitialized(rows: cell.keepsExtra ? b * t : 0, cols: h)
        walkForward(batch: b, gates: &a, states: &hs, extra: &ex)
        if ctx.training {
            batch = b
            input = xs
            gates = a
            states = hs
            extra = ex
            previous = shiftedStates(hs, batch: b)
        }
        x = sequences ? hs : lastStates(hs, batch: b)
    }

    /// The recurrence, block by block: one GEMM for W_hh h_{t−1}, then each example's cell step.
    private func walkForward(batch b: Int, gates a: inout Matrix, states hs: inout Matrix, extra ex: inout Matrix) {
        let t = steps, h = hidden, g = gh, cell = self.cell, level = RecurrentCellKind.kernelLevel
        a.data.withUnsafeMutableBufferPointer { ap in
            hs.data.withUnsafeMutableBufferPointer { hp in
                ex.data.withUnsafeMutableBufferPointer { ep in
                    weightHH.value.data.withUnsafeBufferPointer { wp in
                        biasHH.value.data.withUnsafeBufferPointer { bp in
                            let (ap, hp, ep, wp, bp) = (ap.baseAddress!, hp.baseAddress!, ep.isEmpty ? nil : ep.baseAddress, wp.baseAddress!, bp.baseAddress!)
                            forEachBlock(b) { rows in
                                // W_hh h_{t−1} for the block's rows, then H zeros: h_{−1} and c_{−1}.
                                let rec = UnsafeMutablePointer<Float>.allocate(capacity: rows.count * g + h)
                                defer { rec.deallocate() }
                                let zeros = UnsafePointer(rec + rows.count * g)
                                (rec + rows.count * g).update(repeating: 0, count: h)
                                for s in 0..<t {
                                    if s > 0 {
                                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows.count), Int32(g), Int32(h), 1,
                                                    hp + rows.lowerBound * t * h + (s - 1) * h, Int32(t * h), wp, Int32(h), 0, rec, Int32(g))
                                    } else {
                                        rec.update(repeating: 0, count: rows.count * g)
                                    }
                                    for (k, e) in rows.enumerated() {
                                        let row = e * t + s
                                        cell.forwardRow(h: h, a: ap + row * g, r: rec + k * g, bhh: bp,
                                                        hPrev: s > 0 ? UnsafePointer(hp + e * t * h + (s - 1) * h) : zeros,
                                                        extraPrev: s > 0 && ep != nil ? UnsafePointer(ep! + (row - 1) * h) : zeros,
                                                        hOut: hp + e * t * h + s * h, extraOut: ep.map { $0 + row * h }, level: level)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The last step's hidden states, B × H.
    func lastStates(_ hs: Matrix, batch b: Int) -> Matrix {
        let t = steps, h = hidden
        var out = Matrix.uninitialized(rows: b, cols: h)
        out.data.withUnsafeMutableBufferPointer { o in
            hs.data.withUnsafeBufferPointer { s in
                for e in 0..<b { (o.baseAddress! + e * h).update(from: s.baseAddress! + e * t * h + (t - 1) * h, count: h) }
            }
        }
        return out
    }

    /// (B·T) × H with row b·T + t holding h_{b,t−1} and zeros at t = 0.
    func shiftedStates(_ hs: Matrix, batch b: Int) -> Matrix {
        let t = steps, h = hidden
        var out = Matrix(rows: b * t, cols: h)
        out.data.withUnsafeMutableBufferPointer { o in
            hs.data.withUnsafeBufferPointer { s in
                for e in 0..<b where t > 1 {
                    (o.baseAddress! + (e * t + 1) * h).update(from: s.baseAddress! + e * t * h, count: (t - 1) * h)
                }
            }
        }
        return out
    }
}
