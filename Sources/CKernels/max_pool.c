// The CNNs' 2×2, stride-2 max pool (see CKernels.h). Swift's optimiser turned the winner selection
// into data-dependent jumps however it was written; these plain C loops over the output columns,
// with comparisons folded into 0/1 integers, have none and vectorise.
#include "CKernels.h"
#include <math.h>

void pl_maxpool2x2_forward(const float *restrict x, float *restrict y, uint8_t *restrict winner,
                           long planes, long h, long w) {
    const long oh = h / 2, ow = w / 2;
    for (long p = 0; p < planes; p++) {
        for (long oy = 0; oy < oh; oy++) {
            const float *restrict r0 = x + p * h * w + 2 * oy * w, *restrict r1 = r0 + w;
            float *restrict yr = y + (p * oh + oy) * ow;
            uint8_t *restrict wr = winner ? winner + (p * oh + oy) * ow : 0;
            for (long ox = 0; ox < ow; ox++) {
                const float v0 = r0[2 * ox], v1 = r0[2 * ox + 1], v2 = r1[2 * ox], v3 = r1[2 * ox + 1];
                float best = -INFINITY;
                best = v0 > best ? v0 : best;
                best = v1 > best ? v1 : best;
                best = v2 > best ? v2 : best;
                best = v3 > best ? v3 : best;
                yr[ox] = best;
                if (wr) {
                    // The first input equal to the maximum (0 when none is: all NaN).
                    const int b0 = v0 == best, b1 = v1 == best, b2 = v2 == best;
                    const int e1 = b1 & !b0, e2 = b2 & !(b0 | b1), e3 = !(b0 | b1 | b2) & (v3 == best);
                    wr[ox] = (uint8_t)(e1 + 2 * e2 + 3 * e3);
                }
            }
        }
    }
}

void pl_maxpool2x2_backward(const uint8_t *restrict winner, const float *restrict g, float *restrict dx,
                            long planes, long h, long w) {
    const long oh = h / 2, ow = w / 2;
    for (long p = 0; p < planes; p++) {
        for (long oy = 0; oy < oh; oy++) {
            float *restrict d0 = dx + p * h * w + 2 * oy * w, *restrict d1 = d0 + w;
            const float *restrict gr = g + (p * oh + oy) * ow;
            const uint8_t *restrict wr = winner + (p * oh + oy) * ow;
            for (long ox = 0; ox < ow; ox++) {
                const int k = wr[ox];
                const float gv = gr[ox];
                d0[2 * ox] = k == 0 ? gv : 0.0f;
                d0[2 * ox + 1] = k == 1 ? gv : 0.0f;
                d1[2 * ox] = k == 2 ? gv : 0.0f;
                d1[2 * ox + 1] = k == 3 ? gv : 0.0f;
            }
        }
    }
}
