import CKernels
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

/// One example's step, forward and backward, on raw rows of length H or G·H: the element-wise work
/// runs in C (CKernels' recurrent_cells.c), where the loops over the hidden units vectorise with
/// the gates' exp and tanh; the same bits at every vector level.
extension RecurrentCellKind {
    /// The C side's cell code (`PL_CELL_*`).
    var code: Int32 {
        switch self {
        case .rnn: return Int32(PL_CELL_RNN)
        case .gru: return Int32(PL_CELL_GRU)
        case .lstm: return Int32(PL_CELL_LSTM)
        }
    }

    /// The highest vector level the cells may use (0 portable, 1 AVX2); tests lower it to compare the
    /// levels' bits.
    nonisolated(unsafe) static var maximumKernelLevel: Int32 = 1

    /// The level the cells run at on this CPU.
    static var kernelLevel: Int32 { pl_cell_level(maximumKernelLevel) }

    /// Forward step for one example. `a` holds W_ih x_t + b_ih on entry and the activated gates on
    /// exit; `r` holds W_hh h_{t−1}, and `hPrev`, `extraPrev` are h_{t−1} and the LSTM's c_{t−1} — all
    /// zeros at t = 0, where h_{−1} = c_{−1} = 0.
    @inline(__always)
    func forwardRow(h: Int, a: UnsafeMutablePointer<Float>, r: UnsafePointer<Float>, bhh: UnsafePointer<Float>,
                    hPrev: UnsafePointer<Float>, extraPrev: UnsafePointer<Float>,
                    hOut: UnsafeMutablePointer<Float>, extraOut: UnsafeMutablePointer<Float>?, level: Int32) {
        pl_cell_forward(code, h, a, r, bhh, hPrev, extraPrev, hOut, extraOut, level)
    }

    /// Backward step for one example: from ∂L/∂h_t (`dh`) and, for the LSTM, ∂L/∂c_t carried from
    /// step t + 1 (`dc`, replaced by ∂L/∂c_{t−1}), writes the pre-activation gradients of the input
    /// part (`dIn`) and of the recurrent part (`dRec`, GRU only; the other cells share `dIn`), and
    /// sets `dhPrev` to the part of ∂L/∂h_{t−1} that does not pass through W_hh (the GRU's z ⊙ dh).
    /// `hPrev` and `extraPrev` as in `forwardRow` (zeros at t = 0).
    @inline(__always)
    func backwardRow(h: Int, dh: UnsafePointer<Float>, gates a: UnsafePointer<Float>, extra: UnsafePointer<Float>?,
                     hPrev: UnsafePointer<Float>, extraPrev: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>,
                     dIn: UnsafeMutablePointer<Float>, dRec: UnsafeMutablePointer<Float>?, dhPrev: UnsafeMutablePointer<Float>, level: Int32) {
        pl_cell_backward(code, h, dh, a, extra, hPrev, extraPrev, dc, dIn, dRec, dhPrev, level)
    }
}

extension RecurrentCellKind {
    /// The cells' exp and tanh for one value (the C kernels inline the same code; for tests).
    static func kernelExp(_ x: Float) -> Float { pl_cell_exp(x) }
    static func kernelTanh(_ x: Float) -> Float { pl_cell_tanh(x) }
}
