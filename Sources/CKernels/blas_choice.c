// Which OpenBLAS kernel set this CPU's features call for (see CKernels.h: pl_blas_*).
//
// OpenBLAS (DYNAMIC_ARCH builds) picks its kernels once, when the library loads, from the CPU's
// family and model numbers; a CPU newer than the library is not recognised and gets the generic
// Prescott (SSE3) set — a tenth of the machine's speed. The decision here looks at instruction-set
// features instead, which a newer CPU still reports. Detection and decision live in C because the
// start-up check (blas_startup.c) runs before any Swift code; the Swift side reads the same
// functions to report what runs.
#include "CKernels.h"
#include <stddef.h>
#include <strings.h>

unsigned pl_cpu_features(void) {
    unsigned f = 0;
#if defined(__x86_64__)
    // __builtin_cpu_supports reports AVX and AVX-512 only where the OS saves their registers
    // (XCR0), so a feature found here is one a kernel may use.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx")) f |= PL_CPU_AVX;
    if (__builtin_cpu_supports("avx2")) f |= PL_CPU_AVX2;
    if (__builtin_cpu_supports("fma")) f |= PL_CPU_FMA;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512cd"))
        f |= PL_CPU_AVX512;
    if (__builtin_cpu_supports("avx512bf16")) f |= PL_CPU_AVX512_BF16;
    if (__builtin_cpu_is("amd")) f |= PL_CPU_AMD;
#endif
    return f;
}

int pl_blas_set_tier(const char *name) {
    if (!name) return 0;
    // OpenBLAS's x86-64 kernel sets by the widest vector instructions their kernels use. Every
    // other name (Prescott, Core2, Nehalem, Atom, Katmai, Barcelona, …, "Unknown") is SSE-only.
    static const char *const avx512[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};
    static const char *const avx2[] = {"Haswell", "Zen"};
    // Bulldozer to Excavator run AVX/FMA4-era kernels, below Haswell's on any AVX2 CPU.
    static const char *const avx[] = {"Sandybridge", "Bulldozer", "Piledriver", "Steamroller", "Excavator"};
    for (size_t i = 0; i < sizeof avx512 / sizeof *avx512; i++) if (!strcasecmp(name, avx512[i])) return 3;
    for (size_t i = 0; i < sizeof avx2 / sizeof *avx2; i++) if (!strcasecmp(name, avx2[i])) return 2;
    for (size_t i = 0; i < sizeof avx / sizeof *avx; i++) if (!strcasecmp(name, avx[i])) return 1;
    return 0;
}

const char *pl_blas_set_for_features(unsigned f) {
    if ((f & PL_CPU_AVX512) && (f & PL_CPU_AVX2) && (f & PL_CPU_FMA))
        // Cooperlake is SkylakeX's set plus bfloat16 kernels (the single- and double-precision
        // products are SkylakeX's); OpenBLAS itself picks it on CPUs with AVX-512 BF16.
        return (f & PL_CPU_AVX512_BF16) ? "Cooperlake" : "SkylakeX";
    if ((f & PL_CPU_AVX2) && (f & PL_CPU_FMA)) return (f & PL_CPU_AMD) ? "Zen" : "Haswell";
    if (f & PL_CPU_AVX) return "Sandybridge";
    return NULL;
}

const char *pl_blas_upgrade(const char *current, unsigned f) {
    const char *best = pl_blas_set_for_features(f);
    if (!best || pl_blas_set_tier(current) >= pl_blas_set_tier(best)) return NULL;
    return best;
}
