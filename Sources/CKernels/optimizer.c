// Adam's element-wise update (see CKernels.h). In Swift the loop stayed scalar (the compiler could
// not prove the four arrays distinct); with `restrict` it vectorises. No contraction into fused
// multiply-adds, so the bits equal the scalar formula's at every vector width.
#include "CKernels.h"
#include <math.h>

#pragma STDC FP_CONTRACT OFF

// sqrtf may set errno (for negative inputs, which v never is), and a call that may write errno
// keeps the loop scalar; the element-wise builtin is the same correctly rounded square root.
#if defined(__has_builtin)
#if __has_builtin(__builtin_elementwise_sqrt)
#define root(x) __builtin_elementwise_sqrt(x)
#endif
#endif
#ifndef root
#define root(x) sqrtf(x)
#endif

void pl_adam_update(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, long n,
                    float beta1, float beta2, float step_size, float inv_sqrt_c2, float eps) {
    const float a1 = 1 - beta1, a2 = 1 - beta2;
    for (long i = 0; i < n; i++) {
        const float gi = g[i];
        const float mi = beta1 * m[i] + a1 * gi;
        const float vi = beta2 * v[i] + a2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] -= step_size * mi / (root(vi) * inv_sqrt_c2 + eps);
    }
}
