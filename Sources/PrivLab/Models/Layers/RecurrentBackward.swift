import CBLAS
import Foundation

/// Backpropagation through time for `Recurrent`.
extension Recurrent {
    /// Walks the steps back from ∂L/∂output (B × H, or B × T·H with `sequences`), filling `dInput`
    /// and `dRecurrent` (the pre-activation gradients of every (b, t)); block by block as the
    /// forward pass, one GEMM per step for ∂h_{t−1} += ∂pre_t · W_hh.
    func backThroughTime(_ dy: Matrix) throws {
        let b = batch, t = steps, h = hidden, g = gh, cell = self.cell
        guard dy.rows == b, dy.cols == (sequences ? t * h : h) else {
            throw PrivLabError.shape("\(cell.rawValue): output gradient is \(dy.rows)×\(dy.cols), expected \(b)×\(sequences ? t * h : h)")
        }
        var dIn = Matrix.uninitialized(rows: b * t, cols: g)
        var dRec = Matrix.uninitialized(rows: cell.separateRecurrentGradient ? b * t : 0, cols: g)
        dIn.data.withUnsafeMutableBufferPointer { dip in
            dRec.data.withUnsafeMutableBufferPointer { drp in
                dy.data.withUnsafeBufferPointer { dyp in
                    gates.data.withUnsafeBufferPointer { ap in
                        states.data.withUnsafeBufferPointer { hp in
                            extra.data.withUnsafeBufferPointer { ep in
                                weightHH.value.data.withUnsafeBufferPointer { wp in
                                    // Empty buffers (the GRU's separate recurrent gradient, the RNN's
                                    // extras) may still have a base address: nil them explicitly.
                                    let ptr = BTTPointers(dIn: dip.baseAddress!, dRec: drp.isEmpty ? nil : drp.baseAddress, dy: dyp.baseAddress!,
                                                          gates: ap.baseAddress!, states: hp.baseAddress!, extra: ep.isEmpty ? nil : ep.baseAddress,
                                                          whh: wp.baseAddress!)
                                    forEachBlock(b) { rows in walkBack(rows, ptr) }
                                }
                            }
                        }
                    }
                }
            }
        }
        dInput = dIn
        dRecurrent = cell.separateRecurrentGradient ? dRec : dIn
    }

    struct BTTPointers {
        let dIn: UnsafeMutablePointer<Float>, dRec: UnsafeMutablePointer<Float>?
        let dy, gates, states: UnsafePointer<Float>, extra: UnsafePointer<Float>?, whh: UnsafePointer<Float>
    }

    /// One block of examples walked back over all steps.
    private func walkBack(_ rows: Range<Int>, _ p: BTTPointers) {
        let t = steps, h = hidden, g = gh, n = rows.count, cell = self.cell, level = RecurrentCellKind.kernelLevel
        let dh = UnsafeMutablePointer<Float>.allocate(capacity: n * h)
        let dhPrev = UnsafeMutablePointer<Float>.allocate(capacity: n * h)
        // ∂L/∂c carried back (LSTM), then H zeros: h_{−1} and c_{−1}.
        let dc = UnsafeMutablePointer<Float>.allocate(capacity: n * h + h)
        defer { dh.deallocate(); dhPrev.deallocate(); dc.deallocate() }
        dc.update(repeating: 0, count: n * h + h)
        let zeros = UnsafePointer(dc + n * h)
        // ∂L/∂h_{T−1}: the output gradient's last step.
        for (k, e) in rows.enumerated() {
            (dh + k * h).update(from: p.dy + (sequences ? e * t * h + (t - 1) * h : e * h), count: h)
        }
        let dRecBase = p.dRec ?? p.dIn
        for s in stride(from: t - 1, through: 0, by: -1) {
            for (k, e) in rows.enumerated() {
                let row = e * t + s
                cell.backwardRow(h: h, dh: dh + k * h, gates: p.gates + row * g, extra: p.extra.map { $0 + row * h },
                                 hPrev: s > 0 ? p.states + e * t * h + (s - 1) * h : zeros,
                                 extraPrev: s > 0 && p.extra != nil ? p.extra! + (row - 1) * h : zeros,
                                 dc: dc + k * h, dIn: p.dIn + row * g, dRec: p.dRec.map { $0 + row * g }, dhPrev: dhPrev + k * h, level: level)
            }
            guard s > 0 else { break }
            // ∂h_{t−1} += ∂pre_t (n × G·H, rows T·G·H apart) · W_hh (G·H × H).
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(h), Int32(g), 1,
                        dRecBase + (rows.lowerBound * t + s) * g, Int32(t * g), p.whh, Int32(h), 1, dhPrev, Int32(h))
            if sequences {
                for (k, e) in rows.enumerated() {
                    let src = p.dy + e * t * h + (s - 1) * h, dst = dhPrev + k * h
                    for j in 0..<h { dst[j] += src[j] }
                }
            }
            dh.update(from: dhPrev, count: n * h)
        }
    }

    /// ∂X = ∂Pre_in · W_ih, (B·T) × F, which is B × (T·F) in memory (empty when not needed).
    func inputGradient() throws -> Matrix {
        guard needsInputGradient else { return Matrix(rows: 0, cols: 0) }
        var dx = Matrix.uninitialized(rows: batch * steps, cols: features)
        try Matrix.gemm(dInput, weightIH.value, into: &dx)
        return Matrix(rows: batch, cols: steps * features, storage: dx.data)
    }

    /// The pre-activation gradients with example b's T rows multiplied by scale[b].
    func scaledByExample(_ m: Matrix, _ scale: [Float]) -> Matrix {
        var out = m
        let per = steps * m.cols
        out.data.withUnsafeMutableBufferPointer { d in
            for e in 0..<batch where scale[e] != 1 {
                let base = d.baseAddress! + e * per
                for j in 0..<per { base[j] *= scale[e] }
            }
        }
        return out
    }

    /// target ← beta·target + alpha·(weight gradients of the kept pre-activation gradients, each
    /// example's scaled by rowScale): ∂W_ih = ∂Pre_inᵀ·X, ∂W_hh = ∂Pre_recᵀ·H_prev, biases their
    /// column sums. (alpha 1, beta 0): the gradient; (−lr, 1): a fused SGD step on the values.
    func weightProducts(rowScale: [Float]?, alpha: Float, beta: Float, toValues: Bool) throws {
        let dIn = rowScale.map { scaledByExample(dInput, $0) } ?? dInput
        let dRec = cell.separateRecurrentGradient ? (rowScale.map { scaledByExample(dRecurrent, $0) } ?? dRecurrent) : dIn
        func into(_ p: Parameter, _ body: (inout Matrix) throws -> Void) rethrows {
            if toValues { try body(&p.value) } else { try body(&p.grad) }
        }
        try into(weightIH) { try Matrix.gemm(dIn, input, transA: .transposed, alpha: alpha, beta: beta, into: &$0) }
        try into(weightHH) { try Matrix.gemm(dRec, previous, transA: .transposed, alpha: alpha, beta: beta, into: &$0) }
        for (bias, d) in [(biasIH, dIn), (biasHH, dRec)] {
            let sums = d.columnSums()
            into(bias) { m in for j in 0..<sums.count { m.data[j] = beta * m.data[j] + alpha * sums[j] } }
        }
    }

    public func backward(_ g: inout Matrix) throws {
        try backThroughTime(g)
        try weightProducts(rowScale: nil, alpha: 1, beta: 0, toValues: false)
        g = try inputGradient()
    }

    /// Plain SGD fused: the input gradient with the old weights, then W ← W − lr·∂W by the GEMMs'
    /// alpha and beta.
    public func backwardApplyingSGD(_ g: inout Matrix, learningRate lr: Float) throws {
        try backThroughTime(g)
        g = try inputGradient()
        try weightProducts(rowScale: nil, alpha: -lr, beta: 1, toValues: true)
    }
}
