import CBLAS
import CKernels
import Foundation

/// Which of OpenBLAS's CPU-specific kernel sets the process uses.
///
/// OpenBLAS picks its kernels once, when the library loads, from the CPU's features. On AMD Zen 4
/// (these machines' "AMD EPYC") it picks the AVX-512 "Cooperlake" set, but Zen 4 executes 512-bit
/// instructions on 256-bit units, and the AVX2 "Haswell" set measured faster on every product
/// PrivLab's training uses (`privlab bench gemm`: 128×784·784×256 at 173 vs 165 GFLOP/s, 784×128·128×256
/// at 183 vs 174; a training epoch 0.317 vs 0.330 s). Since the choice cannot change after loading,
/// the `privlab` command re-executes itself once with `OPENBLAS_CORETYPE=Haswell`
/// (`preferFasterKernels`). Setting `OPENBLAS_CORETYPE` yourself, to anything, keeps your choice.
public enum BLASKernel {
    /// OpenBLAS's name for the kernel set in use ("Haswell", "Cooperlake", …).
    public static var name: String { String(cString: openblas_get_corename()) }

    /// Whether re-executing with `OPENBLAS_CORETYPE=Haswell` would give faster kernels here.
    public static var prefersHaswell: Bool {
        guard getenv("OPENBLAS_CORETYPE") == nil, pl_cpu_is_amd() != 0 else { return false }
        return ["cooperlake", "skylakex", "sapphirerapids"].contains(name.lowercased())
    }

    /// Re-executes this program with the faster kernels when `prefersHaswell`; returns (and keeps
    /// the default kernels) otherwise or if the re-execution fails. Call first thing in `main`.
    public static func preferFasterKernels() {
        #if os(Linux)
        guard prefersHaswell else { return }
        setenv("OPENBLAS_CORETYPE", "Haswell", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when exec failed: carry on as we are (the variable then only affects children).
        #endif
    }
}
