import CBLAS
import Foundation

/// Per-example gradients of `Recurrent` for DP-SGD, by book-keeping as the other layers.
///
/// The weights are shared over the steps, so example i's gradient is a sum over its steps of outer
/// products: ∇_i W_ih = Σ_t δ_{i,t} x_{i,t}ᵀ = Δ_iᵀ X_i (Δ_i: T × G·H pre-activation gradients,
/// X_i: T × F inputs), and likewise ∇_i W_hh = Δ'_iᵀ P_i with the previous states P_i. Its squared
/// norm is exact through the Gram matrices (the "ghost norm" of Li et al. 2022, §4, as Opacus's
/// DPLSTM sums per-step gradients): ‖Δᵀ X‖²_F = ⟨X Xᵀ, Δ Δᵀ⟩ = Σ_{t,s} (x_t·x_s)(δ_t·δ_s), and the
/// bias gradient Σ_t δ_t has ‖·‖² = Σ_{t,s} δ_t·δ_s, the sum of the same Gram matrix.
///
/// Why the Gram form: it costs T²·(F + G·H) per weight against T·F·G·H for forming the gradient;
/// for the recurrent weight (F = H) with T = 28, H = 128 and a GRU that is 0.40 M against 1.38 M
/// multiply-adds per example, and for the input weight of sequential Fashion-MNIST (F = 28) the two
/// are even (0.32 M against 0.30 M). Nothing of size G·H·F is kept per example (a formed GRU
/// gradient is 64 K floats per example: 25 MB for a batch of 128), and the clipped sum Σ_i c_i ∇_i
/// is the plain weight GEMM over pre-activation gradients whose rows are scaled per example.
extension Recurrent {
    public func backwardKeepingOutputGradient(_ g: inout Matrix) throws {
        try backThroughTime(g)
        g = try inputGradient()
    }

    public func addPerExampleSquaredNorms(_ norms: inout [Float]) throws {
        let t = steps, f = features, h = hidden, g = gh, separate = cell.separateRecurrentGradient
        norms.withUnsafeMutableBufferPointer { nb in
            input.data.withUnsafeBufferPointer { xp in
                previous.data.withUnsafeBufferPointer { pp in
                    dInput.data.withUnsafeBufferPointer { dp in
                        dRecurrent.data.withUnsafeBufferPointer { rp in
                            let (nb, xp, pp, dp, rp) = (nb.baseAddress!, xp.baseAddress!, pp.baseAddress!, dp.baseAddress!, rp.baseAddress!)
                            BLASThreads.pinOpenBLAS()
                            ParallelWork.forEachRange(batch) { range in
                                // Four T × T Gram matrices: inputs, previous states, and the two gradients.
                                let gram = UnsafeMutablePointer<Float>.allocate(capacity: 4 * t * t)
                                defer { gram.deallocate() }
                                let (gx, gp, gd, gr) = (gram, gram + t * t, gram + 2 * t * t, gram + 3 * t * t)
                                func syrk(_ a: UnsafePointer<Float>, _ cols: Int, _ out: UnsafeMutablePointer<Float>) {
                                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(t), Int32(t), Int32(cols), 1,
                                                a, Int32(cols), a, Int32(cols), 0, out, Int32(t))
                                }
                                for i in range {
                                    syrk(xp + i * t * f, f, gx)
                                    syrk(pp + i * t * h, h, gp)
                                    syrk(dp + i * t * g, g, gd)
                                    if separate { syrk(rp + i * t * g, g, gr) }
                                    let gRec = separate ? gr : gd
                                    var total: Float = 0
                                    for j in 0..<(t * t) { total += gx[j] * gd[j] + gd[j] + gp[j] * gRec[j] + gRec[j] }
                                    nb[i] += total
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public func accumulateParameterGradients(rowScale: [Float]?) throws {
        try weightProducts(rowScale: rowScale, alpha: 1, beta: 0, toValues: false)
    }

    public func applyClippedSGD(rowScale: [Float]?, learningRate lr: Float) throws {
        try weightProducts(rowScale: rowScale, alpha: -lr, beta: 1, toValues: true)
    }
}
