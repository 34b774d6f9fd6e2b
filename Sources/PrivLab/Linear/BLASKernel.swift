import CBLAS

/// Which of OpenBLAS's CPU-specific kernel sets the process uses ("Cooperlake" on these AMD EPYC
/// machines; `OPENBLAS_CORETYPE` overrides it when the library loads).
///
/// PrivLab keeps OpenBLAS's own choice. Its AVX2 "Haswell" set measured about 4% faster here (a
/// training epoch 0.317 vs 0.330 s), but with it a product split into row blocks is no longer
/// bit-identical to the same product in one call, and SISA's exact unlearning rests on that
/// (a shard retrained alone must match its parallel training bit for bit). Cooperlake and SkylakeX
/// keep split products exact; Haswell and Zen do not, and where they are loaded (an AVX2-only CPU,
/// or `OPENBLAS_CORETYPE`) `BLASThreads.rowBlocksAreExact` turns splitting off: slower, still exact.
public enum BLASKernel {
    /// OpenBLAS's name for the kernel set in use ("Cooperlake", "Haswell", …).
    public static var name: String { String(cString: openblas_get_corename()) }
}
