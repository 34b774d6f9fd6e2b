// Gaussian noise for DP-SGD: every step adds N(0, (σC/B)²) to each of the model's parameters
// (Abadi et al. 2016, Algorithm 1), ≈ 95 million deviates per epoch of the 784-256-10 MLP. The
// ziggurat (Marsaglia & Tsang 2000) accepts ≈ 99.3% of draws with one compare and one multiply;
// this file does that common case eight generators at a time, so the compiler can turn it into
// vector instructions, and finishes the rare misses one by one.
//
// Swift cannot compile one function for AVX2 and pick it at run time, which is why this kernel is
// C. The same source body is compiled twice (portable, AVX2) and chosen by the CPU's features; both
// give the same bits (integer work, then one float multiply and one float add per deviate —
// contraction into FMA is switched off so the vector code cannot differ). An AVX-512 build was
// measured slower on the AMD EPYC (Zen 4) machines this runs on: the compiler turns the two table
// look-ups into 16-wide gathers (≈ 35 cycles per 16 deviates there), where the AVX2 build inserts
// elements one by one (1.21 vs 1.46 ns per deviate on one core).

#include "CKernels.h"

#include <math.h>
#include <string.h>

#pragma clang fp contract(off)

#define LANES 8
#define BLOCK_WORDS 64                 // 64-bit draws per block
#define BLOCK (2 * BLOCK_WORDS)        // deviates per block (two per draw)

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// xoshiro256** (Blackman & Vigna 2018), the generator of `RNG` on the Swift side.
static inline uint64_t next_scalar(uint64_t s[4]) {
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static inline double uniform(uint64_t s[4]) { return (double)(next_scalar(s) >> 11) * 0x1.0p-53; }

// The wedge and tail tests for a draw (layer iz, signed magnitude hz) that missed its rectangle.
// A rejected draw starts over with a new 32-bit draw, as the algorithm requires.
static double slow_path(int32_t hz, uint32_t iz, const pl_ziggurat *z, uint64_t s[4]) {
    for (;;) {
        double x = (double)hz * z->w[iz];
        if (iz == 0) {
            // The tail beyond r (Marsaglia 1964).
            double xx, y;
            do {
                double u1 = uniform(s), u2 = uniform(s);
                xx = -log(u1 > 0 ? u1 : 0x1.0p-1022) / z->r;
                y = -log(u2 > 0 ? u2 : 0x1.0p-1022);
            } while (y + y < xx * xx);
            return hz > 0 ? z->r + xx : -z->r - xx;
        }
        if (z->f[iz] + uniform(s) * (z->f[iz - 1] - z->f[iz]) < exp(-0.5 * x * x)) return x;
        uint32_t u = (uint32_t)(next_scalar(s) >> 32);
        iz = u & 255;
        hz = (int32_t)u >> 8;
        uint32_t mag = hz < 0 ? (uint32_t)(-hz) : (uint32_t)hz;
        if (mag < z->k[iz]) return (double)hz * z->w[iz];
    }
}

typedef union {
    uint64_t q[BLOCK_WORDS];
    uint32_t d[BLOCK];
} draws;

static inline __attribute__((always_inline)) void
noise_body(float *restrict buf, size_t n, double scale, const float *restrict ws,
           const pl_ziggurat *restrict z, uint64_t *restrict lanes, uint64_t *restrict scalar) {
    uint64_t s0[LANES], s1[LANES], s2[LANES], s3[LANES];
    memcpy(s0, lanes, sizeof s0);
    memcpy(s1, lanes + LANES, sizeof s1);
    memcpy(s2, lanes + 2 * LANES, sizeof s2);
    memcpy(s3, lanes + 3 * LANES, sizeof s3);
    const uint32_t *restrict k = z->k;
    draws u;
    uint8_t miss[BLOCK];
    for (size_t done = 0; done < n; done += BLOCK) {
        size_t m = n - done < BLOCK ? n - done : BLOCK;
        // Eight generators side by side: draw r*8 + l comes from lane l.
        for (int r = 0; r < BLOCK_WORDS / LANES; r++) {
            for (int l = 0; l < LANES; l++) {
                uint64_t a = s0[l], b = s1[l], c = s2[l], d = s3[l];
                u.q[r * LANES + l] = rotl(b * 5, 7) * 9;
                uint64_t t = b << 17;
                c ^= a; d ^= b; b ^= c; a ^= d;
                c ^= t;
                d = rotl(d, 45);
                s0[l] = a; s1[l] = b; s2[l] = c; s3[l] = d;
            }
        }
        float *restrict out = buf + done;
        // The rectangles: low 8 bits pick the layer, the high 24 bits are a signed magnitude.
        for (size_t i = 0; i < m; i++) {
            uint32_t x = u.d[i];
            uint32_t iz = x & 255;
            int32_t hz = (int32_t)x >> 8;
            uint32_t mag = hz < 0 ? (uint32_t)(-hz) : (uint32_t)hz;
            int ok = mag < k[iz];
            float v = (float)hz * ws[iz];
            out[i] += ok ? v : 0.0f;
            miss[i] = (uint8_t)!ok;
        }
        for (size_t i = m; i < BLOCK; i++) miss[i] = 0;
        // The misses (≈ 0.7% of draws), in index order, eight flags at a time.
        for (size_t i = 0; i < BLOCK; i += 8) {
            uint64_t word;
            memcpy(&word, miss + i, 8);
            if (!word) continue;
            for (size_t j = i; j < i + 8; j++) {
                if (!miss[j]) continue;
                uint32_t x = u.d[j];
                out[j] += (float)(scale * slow_path((int32_t)x >> 8, x & 255, z, scalar));
            }
        }
    }
    memcpy(lanes, s0, sizeof s0);
    memcpy(lanes + LANES, s1, sizeof s1);
    memcpy(lanes + 2 * LANES, s2, sizeof s2);
    memcpy(lanes + 3 * LANES, s3, sizeof s3);
}

static void noise_portable(float *buf, size_t n, double scale, const float *ws, const pl_ziggurat *z,
                           uint64_t *lanes, uint64_t *scalar) {
    noise_body(buf, n, scale, ws, z, lanes, scalar);
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void noise_avx2(float *buf, size_t n, double scale, const float *ws, const pl_ziggurat *z,
                       uint64_t *lanes, uint64_t *scalar) {
    noise_body(buf, n, scale, ws, z, lanes, scalar);
}
#endif

int pl_cpu_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return 1;
#endif
    return 0;
}

int pl_gaussian_add(float *buf, size_t n, double scale, const pl_ziggurat *z,
                    uint64_t lanes[32], uint64_t scalar[4], int max_level) {
    // The layer widths times the scale, in float: the fast path's only arithmetic.
    float ws[256];
    for (int i = 0; i < 256; i++) ws[i] = (float)(scale * z->w[i]);
    int level = pl_cpu_level();
    if (level > max_level) level = max_level;
    if (level < 0) level = 0;
#if defined(__x86_64__)
    if (level == 1) { noise_avx2(buf, n, scale, ws, z, lanes, scalar); return 1; }
#endif
    noise_portable(buf, n, scale, ws, z, lanes, scalar);
    return 0;
}
