// Adam's elementwise step in C, because C lets the compiler vectorise it: Swift's square root
// carries C's errno contract, which keeps it scalar. The result is bit for bit the scalar loop's:
// every operation is IEEE-rounded in the written order (no contraction into fused multiply-adds),
// and vector division and square root round exactly as the scalar instructions do. Vectorising
// matters most for parameters whose gradient is always zero (dead ReLU units): their moments sink
// to subnormal numbers, which cost x86 a microcode assist per instruction, not per lane. So the
// widest vectors the CPU has are picked at load time (target_clones); every width rounds the same.
#include "cadam.h"

#pragma clang fp contract(off)

#define CADAM_STEP(NAME, T)                                                                          \
    __attribute__((target_clones("avx512f", "avx2", "default")))                                      \
    void NAME(T *restrict theta, T *restrict m, T *restrict v, const T *restrict g, long n,         \
              T beta1, T beta2, T epsilon, T step_size, T inverse_correction2) {                     \
        const T decay1 = 1 - beta1, decay2 = 1 - beta2;                                              \
        for (long i = 0; i < n; i++) {                                                               \
            const T mi = beta1 * m[i] + decay1 * g[i];                                               \
            const T vi = beta2 * v[i] + decay2 * g[i] * g[i];                                        \
            m[i] = mi;                                                                               \
            v[i] = vi;                                                                               \
            theta[i] -= step_size * mi / (__builtin_elementwise_sqrt(vi * inverse_correction2) + epsilon); \
        }                                                                                            \
    }

CADAM_STEP(cadam_step_f32, float)
CADAM_STEP(cadam_step_f64, double)
