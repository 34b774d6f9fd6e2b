// sgemm rate at the shapes PrivLab's MLP and CNN epochs multiply (bench/blas/compare.sh builds
// this once against OpenBLAS and once against BLIS and prints both side by side).
//
// PrivLab runs each product on one thread per row block (two blocks side by side on two cores, or
// examples split between the cores for the CNN's per-example products), so the one-thread rate
// at each shape is what an epoch gets; the two-thread rate of the library's own threading is
// printed beside it for the larger shapes.
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern void openblas_set_num_threads(int) __attribute__((weak));
extern void bli_thread_set_num_threads(long) __attribute__((weak));

static void set_threads(int n) {
    if (openblas_set_num_threads) openblas_set_num_threads(n);
    if (bli_thread_set_num_threads) bli_thread_set_num_threads(n);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

typedef struct { const char *name; int ta, tb, m, n, k; } shape;

// Row-major C[m×n] = op(A)[m×k] · op(B)[k×n]; ta/tb: A or B stored transposed.
static const shape shapes[] = {
    {"MLP forward 128x784 . 784x256", 0, 0, 128, 256, 784},
    {"MLP dW1 (784x128)T' . 128x256", 1, 0, 784, 256, 128},
    {"MLP forward 128x256 . 256x10", 0, 0, 128, 10, 256},
    {"MLP dH 128x10 . (256x10)'", 0, 1, 128, 256, 10},
    {"CNN conv1 per example 16x9 . 9x784", 0, 0, 16, 784, 9},
    {"CNN conv1 dW 16x25088 . (9x25088)'", 0, 1, 16, 9, 25088},
    {"CNN conv2 per example 32x144 . 144x196", 0, 0, 32, 196, 144},
    {"CNN conv2 dW 32x6272 . (144x6272)'", 0, 1, 32, 144, 6272},
    {"CNN conv2 dX per example (32x144)' . 32x196", 1, 0, 144, 196, 32},
    {"CNN dense 64x1568 . 1568x128", 0, 0, 64, 128, 1568},
    {"CNN dense dW (64x1568)' . 64x128", 1, 0, 1568, 128, 64},
    {"CNN dense dX 64x128 . (1568x128)'", 0, 1, 64, 1568, 128},
    {"square 1024^3", 0, 0, 1024, 1024, 1024},
};

static double rate(const shape *s, float *a, float *b, float *c) {
    int lda = s->ta ? s->m : s->k, ldb = s->tb ? s->k : s->n;
    double flops = 2.0 * s->m * s->n * s->k;
    // Enough repetitions for ~0.2 s, best of five such batches (the machine is shared).
    int reps = (int)(2e8 / flops) + 1;
    double best = 1e30;
    for (int round = 0; round < 6; round++) {
        double t0 = now();
        for (int r = 0; r < reps; r++)
            cblas_sgemm(CblasRowMajor, s->ta ? CblasTrans : CblasNoTrans, s->tb ? CblasTrans : CblasNoTrans, s->m, s->n,
                        s->k, 1.0f, a, lda, b, ldb, 0.0f, c, s->n);
        double t = (now() - t0) / reps;
        if (round > 0 && t < best) best = t;  // round 0 warms caches and thread pools
    }
    return flops / best / 1e9;
}

int main(int argc, char **argv) {
    const char *label = argc > 1 ? argv[1] : "BLAS";
    size_t big = 1568 * 25088;
    float *a = malloc(big * sizeof *a), *b = malloc(big * sizeof *b), *c = malloc(big * sizeof *c);
    srand(1);
    for (size_t i = 0; i < big; i++) { a[i] = (float)rand() / RAND_MAX - 0.5f; b[i] = (float)rand() / RAND_MAX - 0.5f; }
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        set_threads(1);
        double one = rate(&shapes[i], a, b, c);
        set_threads(2);
        double two = rate(&shapes[i], a, b, c);
        printf("%s\t%s\t%.1f\t%.1f\n", label, shapes[i].name, one, two);
        fflush(stdout);
    }
    return 0;
}
