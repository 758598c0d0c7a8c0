#include "cpu/thin_gemm.hpp"

#include <cblas.h>

#include <cstddef>
#include <cstring>

namespace quench::cpu {

namespace {

// A 32-byte SIMD register of Real (GCC vector extension; AVX2 with -march=native).
template <class Real>
struct Simd {
    typedef Real type __attribute__((vector_size(32)));
    static constexpr int width = 32 / static_cast<int>(sizeof(Real));
    static type load(const Real* p) {
        type v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
};

// Register block: RV vectors of rows (RV x width rows of H) times kTrialBlock trials. Per column c
// of J: RV vector loads of J^T and kTrialBlock broadcasts of Phi feed RV x kTrialBlock FMAs. With
// RV = 3 that is 12 FMAs per 7 loads (12 accumulators + 4 operands fill the 16 AVX registers), so
// the loop is bound by the FMA units rather than by the load ports.
constexpr int kTrialBlock = 4;

template <class Real, int K, int RV>
void rowBlock(int n, int i, const Real* __restrict jt, const Real* __restrict phi, Real* __restrict h) {
    using V = Simd<Real>;
    using Vec = typename V::type;
    constexpr int w = V::width;
    const std::size_t stride = static_cast<std::size_t>(n);
    for (int t0 = 0; t0 < K; t0 += kTrialBlock) {
        Vec acc[RV][kTrialBlock] = {};
        for (int c = 0; c < n; ++c) {
            const Real* col = jt + static_cast<std::size_t>(c) * stride + i;
            Vec jv[RV];
            for (int v = 0; v < RV; ++v) {
                jv[v] = V::load(col + v * w);
                // Pin the J vectors in registers: otherwise GCC folds a reload into every FMA and
                // the loop becomes bound by the load ports.
#if defined(__x86_64__) && defined(__GNUC__) && defined(__AVX__)
                asm("" : "+x"(jv[v]));
#endif
            }
            const Real* p = phi + static_cast<std::size_t>(c) * K + t0;
            for (int t = 0; t < kTrialBlock; ++t) {
                if (t0 + t < K) {
                    const Real b = p[t];
                    for (int v = 0; v < RV; ++v) acc[v][t] += jv[v] * b;
                }
            }
        }
        for (int t = 0; t < kTrialBlock && t0 + t < K; ++t)
            for (int v = 0; v < RV; ++v)
                for (int r = 0; r < w; ++r) h[static_cast<std::size_t>(i + v * w + r) * K + t0 + t] = acc[v][t][r];
    }
}

template <class Real, int K>
void blockedProduct(int n, const Real* __restrict jt, const Real* __restrict phi, Real* __restrict h) {
    constexpr int w = Simd<Real>::width;
    const std::size_t stride = static_cast<std::size_t>(n);
    int i = 0;
    for (; i + 3 * w <= n; i += 3 * w) rowBlock<Real, K, 3>(n, i, jt, phi, h);
    for (; i + w <= n; i += w) rowBlock<Real, K, 1>(n, i, jt, phi, h);
    for (; i < n; ++i) {  // the last n mod width rows
        Real acc[K] = {};
        for (int c = 0; c < n; ++c) {
            const Real a = jt[static_cast<std::size_t>(c) * stride + i];
            for (int t = 0; t < K; ++t) acc[t] += a * phi[static_cast<std::size_t>(c) * K + t];
        }
        for (int t = 0; t < K; ++t) h[static_cast<std::size_t>(i) * K + t] = acc[t];
    }
}

void blasProduct(int n, int k, const float* jt, const float* phi, float* h) {
    if (k == 1) {
        cblas_sgemv(CblasRowMajor, CblasTrans, n, n, 1.0f, jt, n, phi, 1, 0.0f, h, 1);
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, k, n, 1.0f, jt, n, phi, k, 0.0f, h, k);
}

void blasProduct(int n, int k, const double* jt, const double* phi, double* h) {
    if (k == 1) {
        cblas_dgemv(CblasRowMajor, CblasTrans, n, n, 1.0, jt, n, phi, 1, 0.0, h, 1);
        return;
    }
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, k, n, 1.0, jt, n, phi, k, 0.0, h, k);
}

}  // namespace

template <class Real>
void couplingProduct(int n, int k, const Real* jt, const Real* phi, Real* h) {
    switch (k) {
        case 1:
            return blockedProduct<Real, 1>(n, jt, phi, h);
        case 2:
            return blockedProduct<Real, 2>(n, jt, phi, h);
        case 3:
            return blockedProduct<Real, 3>(n, jt, phi, h);
        case 4:
            return blockedProduct<Real, 4>(n, jt, phi, h);
        case 5:
            return blockedProduct<Real, 5>(n, jt, phi, h);
        case 6:
            return blockedProduct<Real, 6>(n, jt, phi, h);
        case 7:
            return blockedProduct<Real, 7>(n, jt, phi, h);
        case 8:
            return blockedProduct<Real, 8>(n, jt, phi, h);
        case 12:
            return blockedProduct<Real, 12>(n, jt, phi, h);
        case 16:
            return blockedProduct<Real, 16>(n, jt, phi, h);
        default:
            return blasProduct(n, k, jt, phi, h);
    }
}

template void couplingProduct<float>(int, int, const float*, const float*, float*);
template void couplingProduct<double>(int, int, const double*, const double*, double*);

}  // namespace quench::cpu
