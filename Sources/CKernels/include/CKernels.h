#ifndef PRIVLAB_CKERNELS_H
#define PRIVLAB_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Tables of the 256-layer ziggurat for the standard normal (Marsaglia & Tsang 2000), for draws
/// whose low 8 bits pick the layer and whose high 24 bits are a signed magnitude (Doornik 2005:
/// index and value from disjoint bits). Built by the Swift side (`Ziggurat.tables256`).
typedef struct {
    uint32_t k[256];  ///< |hz| < k[i] accepts in layer i's rectangle
    double w[256];    ///< layer i's width divided by 2^23
    double f[256];    ///< exp(-x_i^2 / 2) at layer i's edge
    double r;         ///< start of the tail
} pl_ziggurat;

/// Makes the first Ctrl-C (SIGINT) set *flag = 1 — a script's interrupt flag, which stops its Lua
/// code at the next hook and engine work at its next step — and the second end the process as
/// SIGINT normally does. NULL restores the default.
void pl_on_interrupt(volatile int *flag);

/// Instruction-set levels of the vector kernels: 0 portable C, 1 AVX2.
int pl_cpu_level(void);

/// Adds `scale` times a standard normal deviate to each of buf[0..<n).
///
/// Randomness: eight xoshiro256** generators (`lanes`, struct of arrays: lanes[4*word + lane])
/// give the fast path's 32-bit draws in a fixed order; the rare draws that miss the ziggurat's
/// rectangles finish, in index order, on the ninth generator `scalar`. Both are advanced. The
/// result is bit-identical at every level (`max_level` caps the level; the level used is returned).
int pl_gaussian_add(float *buf, size_t n, double scale, const pl_ziggurat *z,
                    uint64_t lanes[32], uint64_t scalar[4], int max_level);

/// Forward pass of a 2×2, stride-2 max pool over `planes` planes of h × w inputs: y gets each
/// window's maximum (NaN never wins; −∞ when all four are NaN) and, unless `winner` is NULL, the
/// position (0–3, row by row) of the first input equal to it (0 when none is). Windows that do not
/// fit (an odd last row or column) are dropped. No data-dependent jump, so it vectorises.
void pl_maxpool2x2_forward(const float *restrict x, float *restrict y, uint8_t *restrict winner,
                           long planes, long h, long w);

/// Backward pass of the same pool: each window's gradient `g` goes to its winner, zeros to the
/// window's other inputs. Inputs outside every window are left as they are.
void pl_maxpool2x2_backward(const uint8_t *restrict winner, const float *restrict g, float *restrict dx,
                            long planes, long h, long w);

/// One Adam step on n parameters (Kingma & Ba 2015, with bias correction folded into `step_size` =
/// lr / (1 − β₁ᵗ) and `inv_sqrt_c2` = 1 / √(1 − β₂ᵗ)): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
/// w ← w − step_size · m / (√v · inv_sqrt_c2 + ε), in this order of operations, element by element.
void pl_adam_update(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, long n,
                    float beta1, float beta2, float step_size, float inv_sqrt_c2, float eps);

/// Training allocates and frees the same megabyte-sized activation buffers at every step; glibc
/// would map each from the kernel afresh and return it on free (zeroed pages and page faults, about
/// 3% of a CNN epoch). This keeps freed blocks up to 32 MiB in the heap for reuse (glibc only; a
/// no-op elsewhere). Called once by the command-line tool.
void pl_keep_freed_memory(void);

/// CPU features that decide OpenBLAS's kernel set (`pl_cpu_features`): AVX, AVX2, FMA, AVX-512
/// (F, BW, DQ, VL and CD together), AVX-512 BF16, and an AMD vendor.
enum {
    PL_CPU_AVX = 1, PL_CPU_AVX2 = 2, PL_CPU_FMA = 4, PL_CPU_AVX512 = 8, PL_CPU_AVX512_BF16 = 16, PL_CPU_AMD = 32
};

/// This CPU's `PL_CPU_*` features, each only where the OS also enables it (x86-64; 0 elsewhere).
unsigned pl_cpu_features(void);

/// The vector tier of an OpenBLAS kernel set by its name (case-insensitive): 3 AVX-512 (SkylakeX,
/// Cooperlake, SapphireRapids), 2 AVX2 (Haswell, Zen), 1 AVX (Sandybridge, Bulldozer … Excavator),
/// 0 any other (the SSE-only generic sets: Prescott, Core2, Nehalem, Atom, Katmai, …).
int pl_blas_set_tier(const char *name);

/// The kernel set features call for: AVX-512 → SkylakeX (Cooperlake with BF16), AVX2 + FMA →
/// Haswell (Zen on AMD), AVX → Sandybridge; NULL when none beats the generic sets.
const char *pl_blas_set_for_features(unsigned features);

/// The set to switch to when `current` is below what `features` call for, else NULL (keep it).
const char *pl_blas_upgrade(const char *current, unsigned features);

/// The recurrent cells (`RecurrentCellKind`'s order): Elman RNN, GRU, LSTM.
enum { PL_CELL_RNN = 0, PL_CELL_GRU = 1, PL_CELL_LSTM = 2 };

/// The level `pl_cell_forward`/`pl_cell_backward` run at: this CPU's `pl_cpu_level`, at most `max_level`.
int pl_cell_level(int max_level);

/// One example's forward step of a recurrent cell with H = `h` units and PyTorch's gate order (r, z,
/// n for the GRU; i, f, g, o for the LSTM). `a` (G·H) holds W_ih x_t + b_ih on entry and the activated
/// gates on exit; `r` (G·H) is W_hh h_{t−1} (zeros at t = 0), `bhh` b_hh; `hprev` and `cprev` (LSTM)
/// h_{t−1} and c_{t−1} (zeros at t = 0). Writes h_t to `hout` and to `extra` the GRU's W_hn h + b_hn or
/// the LSTM's c_t (unused by the RNN). The same bits at every level (exp and tanh: Cephes's
/// single-precision approximations, see recurrent_cells.c).
void pl_cell_forward(int cell, long h, float *a, const float *r, const float *bhh, const float *hprev,
                     const float *cprev, float *hout, float *extra, int level);

/// One example's backward step: from ∂L/∂h_t (`dh`) and, for the LSTM, ∂L/∂c_t carried from step
/// t + 1 (`dc`, replaced by ∂L/∂c_{t−1}), writes the pre-activation gradients of the input part
/// (`din`, G·H) and, for the GRU, of the recurrent part (`drec`), and sets `dhprev` to the part of
/// ∂L/∂h_{t−1} that does not pass through W_hh (the GRU's z ⊙ dh; zeros otherwise). `a` and `extra`
/// are what the forward step left; `hprev`/`cprev` as there.
void pl_cell_backward(int cell, long h, const float *dh, const float *a, const float *extra, const float *hprev,
                      const float *cprev, float *dc, float *din, float *drec, float *dhprev, int level);

/// The cells' exp and tanh, one value (for tests against the C library's).
float pl_cell_exp(float x);
float pl_cell_tanh(float x);

#endif
