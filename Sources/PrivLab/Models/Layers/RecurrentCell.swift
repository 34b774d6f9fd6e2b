import Foundation

/// The recurrent cells, with PyTorch's equations and gate order so that weights compare one to one
/// with `nn.RNN`, `nn.GRU` and `nn.LSTM` (two bias vectors, b_ih and b_hh, as there).
///
/// - `rnn` (Elman 1990): h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh).
/// - `gru` (Cho et al. 2014, PyTorch's variant): gates r, z, n with
///   r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
///   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
/// - `lstm` (Hochreiter & Schmidhuber 1997 with the forget gate of Gers et al. 2000): gates i, f, g, o
///   with c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
public enum RecurrentCellKind: String, Codable, Sendable, CaseIterable {
    case rnn, gru, lstm

    /// Gate blocks stacked in the weight matrices (G): W_ih is G·H × F, W_hh is G·H × H.
    public var gates: Int {
        switch self {
        case .rnn: return 1
        case .gru: return 3
        case .lstm: return 4
        }
    }

    /// Whether the cell keeps a second per-step vector: the GRU its W_hn h + b_hn (the backward pass
    /// needs it for ∂r), the LSTM its cell state c.
    var keepsExtra: Bool { self != .rnn }

    /// Whether the gradient of the recurrent pre-activation differs from the input one (only the
    /// GRU's n gate: r multiplies the recurrent part).
    var separateRecurrentGradient: Bool { self == .gru }
}

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

/// One example's step, forward and backward, on raw rows of length H or G·H.
extension RecurrentCellKind {
    /// Forward step for one example. `a` holds W_ih x_t + b_ih on entry and the activated gates on
    /// exit; `r` holds W_hh h_{t−1} (nil at t = 0, where h_{−1} = 0); `extraPrev` is c_{t−1} (LSTM).
    @inline(__always)
    func forwardRow(h: Int, a: UnsafeMutablePointer<Float>, r: UnsafePointer<Float>?, bhh: UnsafePointer<Float>,
                    hPrev: UnsafePointer<Float>?, extraPrev: UnsafePointer<Float>?,
                    hOut: UnsafeMutablePointer<Float>, extraOut: UnsafeMutablePointer<Float>?) {
        @inline(__always) func rec(_ j: Int) -> Float { (r?[j] ?? 0) + bhh[j] }
        switch self {
        case .rnn:
            for j in 0..<h {
                let v = tanhf(a[j] + rec(j))
                a[j] = v
                hOut[j] = v
            }
        case .gru:
            for j in 0..<h {
                let rg = sigmoid(a[j] + rec(j))
                let z = sigmoid(a[h + j] + rec(h + j))
                let rn = rec(2 * h + j)
                let n = tanhf(a[2 * h + j] + rg * rn)
                a[j] = rg
                a[h + j] = z
                a[2 * h + j] = n
                extraOut![j] = rn
                hOut[j] = (1 - z) * n + z * (hPrev?[j] ?? 0)
            }
        case .lstm:
            for j in 0..<h {
                let i = sigmoid(a[j] + rec(j))
                let f = sigmoid(a[h + j] + rec(h + j))
                let g = tanhf(a[2 * h + j] + rec(2 * h + j))
                let o = sigmoid(a[3 * h + j] + rec(3 * h + j))
                let c = f * (extraPrev?[j] ?? 0) + i * g
                a[j] = i
                a[h + j] = f
                a[2 * h + j] = g
                a[3 * h + j] = o
                extraOut![j] = c
                hOut[j] = o * tanhf(c)
            }
        }
    }

    /// Backward step for one example: from ∂L/∂h_t (`dh`) and, for the LSTM, ∂L/∂c_t carried from
    /// step t + 1 (`dc`, replaced by ∂L/∂c_{t−1}), writes the pre-activation gradients of the input
    /// part (`dIn`) and of the recurrent part (`dRec`, GRU only; the other cells share `dIn`), and
    /// sets `dhPrev` to the part of ∂L/∂h_{t−1} that does not pass through W_hh (the GRU's z ⊙ dh).
    @inline(__always)
    func backwardRow(h: Int, dh: UnsafePointer<Float>, gates a: UnsafePointer<Float>, extra: UnsafePointer<Float>?,
                     hPrev: UnsafePointer<Float>?, extraPrev: UnsafePointer<Float>?, dc: UnsafeMutablePointer<Float>?,
                     dIn: UnsafeMutablePointer<Float>, dRec: UnsafeMutablePointer<Float>?, dhPrev: UnsafeMutablePointer<Float>) {
        switch self {
        case .rnn:
            for j in 0..<h {
                dIn[j] = dh[j] * (1 - a[j] * a[j])
                dhPrev[j] = 0
            }
        case .gru:
            for j in 0..<h {
                let rg = a[j], z = a[h + j], n = a[2 * h + j], g = dh[j]
                let dpn = g * (1 - z) * (1 - n * n)
                let dpr = dpn * extra![j] * rg * (1 - rg)
                let dpz = g * ((hPrev?[j] ?? 0) - n) * z * (1 - z)
                dIn[j] = dpr
                dIn[h + j] = dpz
                dIn[2 * h + j] = dpn
                dRec![j] = dpr
                dRec![h + j] = dpz
                dRec![2 * h + j] = dpn * rg
                dhPrev[j] = g * z
            }
        case .lstm:
            for j in 0..<h {
                let i = a[j], f = a[h + j], g = a[2 * h + j], o = a[3 * h + j]
                let tc = tanhf(extra![j])
                let dct = dc![j] + dh[j] * o * (1 - tc * tc)
                dIn[j] = dct * g * i * (1 - i)
                dIn[h + j] = dct * (extraPrev?[j] ?? 0) * f * (1 - f)
                dIn[2 * h + j] = dct * i * (1 - g * g)
                dIn[3 * h + j] = dh[j] * tc * o * (1 - o)
                dc![j] = dct * f
                dhPrev[j] = 0
            }
        }
    }
}
