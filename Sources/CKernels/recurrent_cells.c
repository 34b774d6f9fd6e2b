// The recurrent cells' element-wise work (see CKernels.h): one example's step, forward and back,
// as branch-free loops over the hidden units that vectorise. The Swift loops they replace called
// glibc's scalar expf/tanhf once per gate and unit (three to five per unit and step: about a sixth
// of a GRU epoch) and tested optional pointers per element, so they stayed scalar.
//
// exp and tanh are Cephes's single-precision approximations (S. L. Moshier, Cephes Math Library:
// expf.c, tanhf.c — a degree-5 polynomial on [−ln2/2, ln2/2] after a Cody–Waite reduction; a
// polynomial in x² below |x| = 0.625 and 1 − 2/(e^{2|x|} + 1) above), written out here from the
// formulas with plain IEEE operations: within 2 ulp of the correctly rounded value on the ranges
// the gates see, which keeps the layer within the PyTorch references' tolerance
// (RecurrentReferenceTests).
//
// Bits: the same function body is compiled twice, for the portable SSE2 baseline and for AVX2;
// with contraction into FMA off and no reassociation every lane performs the same IEEE operations
// in the same order either way, so both levels give the same bits (RecurrentKernelTests).
#include "CKernels.h"
#include <string.h>

#pragma clang fp contract(off)

static inline __attribute__((always_inline)) float cell_exp(float x) {
    // Clamped so that 2^n stays a normal float; NaN fails both tests and stays NaN.
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    const float t = x * 1.44269504088896341f + 0.5f;
    int n = (int)t;
    n -= (float)n > t;  // floor(t): truncation moves negative values up
    const float fn = (float)n;
    // x − n·ln2 in two parts (Cody & Waite): 0.693359375 is exact in 9 bits.
    float r = x - fn * 0.693359375f;
    r = r - fn * -2.12194440e-4f;
    const float z = r * r;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * z + r + 1.0f;
    const int bits = (n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline __attribute__((always_inline)) float cell_sigmoid(float x) { return 1.0f / (1.0f + cell_exp(-x)); }

static inline __attribute__((always_inline)) float cell_tanh(float x) {
    const float ax = x < 0 ? -x : x;
    const float e = cell_exp(ax + ax);
    float big = 1.0f - 2.0f / (e + 1.0f);
    big = x < 0 ? -big : big;
    const float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    const float small = p * z * x + x;
    return ax < 0.625f ? small : big;
}

// ---- forward ----------------------------------------------------------------------------------

static inline __attribute__((always_inline)) void
forward_body(int cell, long h, float *restrict a, const float *restrict r, const float *restrict bhh,
             const float *restrict hprev, const float *restrict cprev, float *restrict hout, float *restrict extra) {
    switch (cell) {
    case PL_CELL_RNN:
        for (long j = 0; j < h; j++) {
            const float v = cell_tanh(a[j] + (r[j] + bhh[j]));
            a[j] = v;
            hout[j] = v;
        }
        break;
    case PL_CELL_GRU:
        for (long j = 0; j < h; j++) {
            const float rg = cell_sigmoid(a[j] + (r[j] + bhh[j]));
            const float z = cell_sigmoid(a[h + j] + (r[h + j] + bhh[h + j]));
            const float rn = r[2 * h + j] + bhh[2 * h + j];
            const float n = cell_tanh(a[2 * h + j] + rg * rn);
            a[j] = rg;
            a[h + j] = z;
            a[2 * h + j] = n;
            extra[j] = rn;
            hout[j] = (1 - z) * n + z * hprev[j];
        }
        break;
    default:
        for (long j = 0; j < h; j++) {
            const float i = cell_sigmoid(a[j] + (r[j] + bhh[j]));
            const float f = cell_sigmoid(a[h + j] + (r[h + j] + bhh[h + j]));
            const float g = cell_tanh(a[2 * h + j] + (r[2 * h + j] + bhh[2 * h + j]));
            const float o = cell_sigmoid(a[3 * h + j] + (r[3 * h + j] + bhh[3 * h + j]));
            const float c = f * cprev[j] + i * g;
            a[j] = i;
            a[h + j] = f;
            a[2 * h + j] = g;
            a[3 * h + j] = o;
            extra[j] = c;
            hout[j] = o * cell_tanh(c);
        }
        break;
    }
}

// ---- backward ---------------------------------------------------------------------------------

static inline __attribute__((always_inline)) void
backward_body(int cell, long h, const float *restrict dh, const float *restrict a, const float *restrict extra,
              const float *restrict hprev, const float *restrict cprev, float *restrict dc,
              float *restrict din, float *restrict drec, float *restrict dhprev) {
    switch (cell) {
    case PL_CELL_RNN:
        for (long j = 0; j < h; j++) {
            din[j] = dh[j] * (1 - a[j] * a[j]);
            dhprev[j] = 0;
        }
        break;
    case PL_CELL_GRU:
        for (long j = 0; j < h; j++) {
            const float rg = a[j], z = a[h + j], n = a[2 * h + j], g = dh[j];
            const float dpn = g * (1 - z) * (1 - n * n);
            const float dpr = dpn * extra[j] * rg * (1 - rg);
            const float dpz = g * (hprev[j] - n) * z * (1 - z);
            din[j] = dpr;
            din[h + j] = dpz;
            din[2 * h + j] = dpn;
            drec[j] = dpr;
            drec[h + j] = dpz;
            drec[2 * h + j] = dpn * rg;
            dhprev[j] = g * z;
        }
        break;
    default:
        for (long j = 0; j < h; j++) {
            const float i = a[j], f = a[h + j], g = a[2 * h + j], o = a[3 * h + j];
            const float tc = cell_tanh(extra[j]);
            const float dct = dc[j] + dh[j] * o * (1 - tc * tc);
            din[j] = dct * g * i * (1 - i);
            din[h + j] = dct * cprev[j] * f * (1 - f);
            din[2 * h + j] = dct * i * (1 - g * g);
            din[3 * h + j] = dh[j] * tc * o * (1 - o);
            dc[j] = dct * f;
            dhprev[j] = 0;
        }
        break;
    }
}

// ---- the two levels and the dispatch ----------------------------------------------------------

static void forward_portable(int cell, long h, float *a, const float *r, const float *bhh, const float *hprev,
                             const float *cprev, float *hout, float *extra) {
    forward_body(cell, h, a, r, bhh, hprev, cprev, hout, extra);
}

static void backward_portable(int cell, long h, const float *dh, const float *a, const float *extra, const float *hprev,
                              const float *cprev, float *dc, float *din, float *drec, float *dhprev) {
    backward_body(cell, h, dh, a, extra, hprev, cprev, dc, din, drec, dhprev);
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void forward_avx2(int cell, long h, float *a, const float *r, const float *bhh, const float *hprev,
                         const float *cprev, float *hout, float *extra) {
    forward_body(cell, h, a, r, bhh, hprev, cprev, hout, extra);
}

__attribute__((target("avx2")))
static void backward_avx2(int cell, long h, const float *dh, const float *a, const float *extra, const float *hprev,
                          const float *cprev, float *dc, float *din, float *drec, float *dhprev) {
    backward_body(cell, h, dh, a, extra, hprev, cprev, dc, din, drec, dhprev);
}
#endif

int pl_cell_level(int max_level) {
    int level = pl_cpu_level();
    if (level > max_level) level = max_level;
    return level < 0 ? 0 : level;
}

void pl_cell_forward(int cell, long h, float *a, const float *r, const float *bhh, const float *hprev,
                     const float *cprev, float *hout, float *extra, int level) {
#if defined(__x86_64__)
    if (level == 1) { forward_avx2(cell, h, a, r, bhh, hprev, cprev, hout, extra); return; }
#endif
    forward_portable(cell, h, a, r, bhh, hprev, cprev, hout, extra);
}

void pl_cell_backward(int cell, long h, const float *dh, const float *a, const float *extra, const float *hprev,
                      const float *cprev, float *dc, float *din, float *drec, float *dhprev, int level) {
#if defined(__x86_64__)
    if (level == 1) { backward_avx2(cell, h, dh, a, extra, hprev, cprev, dc, din, drec, dhprev); return; }
#endif
    backward_portable(cell, h, dh, a, extra, hprev, cprev, dc, din, drec, dhprev);
}

float pl_cell_exp(float x) { return cell_exp(x); }
float pl_cell_tanh(float x) { return cell_tanh(x); }
