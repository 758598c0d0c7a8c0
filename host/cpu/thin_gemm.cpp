#include "cpu/thin_gemm.hpp"

#include <cblas.h>

#include <cstddef>
#include <cstring>

namespace quench::cpu {

namespace {

// A SIMD register's worth of Real (GCC vector extension; lowered to AVX2 with -march=native).
template <class Real, int Bytes>
struct Simd {
    typedef Real type __attribute__((vector_size(Bytes)));
    static type load(const Real* p) {
        type v;
        std::memcpy(&v, p, Bytes);
        return v;
    }
    static void store(Real* p, const type& v) { std::memcpy(p, &v, Bytes); }
};

// H = J Phi with K trials held in C vectors of Bytes each. Four rows of J share each load of a Phi
// row; the 4 C accumulators stay in registers for the whole sweep over J's columns.
template <class Real, int K, int Bytes>
void thinProduct(int n, const Real* __restrict j, const Real* __restrict phi, Real* __restrict h) {
    using V = Simd<Real, Bytes>;
    using Vec = typename V::type;
    constexpr int width = Bytes / static_cast<int>(sizeof(Real));
    constexpr int chunks = K / width;
    static_assert(chunks * width == K, "K must fill whole vectors");
    const std::size_t stride = static_cast<std::size_t>(n);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        Vec acc[4][chunks] = {};
        const Real* r0 = j + static_cast<std::size_t>(i) * stride;
        for (int c = 0; c < n; ++c) {
            const Real* p = phi + static_cast<std::size_t>(c) * K;
            Vec pv[chunks];
            for (int q = 0; q < chunks; ++q) pv[q] = V::load(p + q * width);
            for (int r = 0; r < 4; ++r) {
                const Real a = r0[r * stride + c];
                for (int q = 0; q < chunks; ++q) acc[r][q] += a * pv[q];
            }
        }
        for (int r = 0; r < 4; ++r)
            for (int q = 0; q < chunks; ++q) V::store(h + static_cast<std::size_t>(i + r) * K + q * width, acc[r][q]);
    }
    for (; i < n; ++i) {
        Vec acc[chunks] = {};
        const Real* row = j + static_cast<std::size_t>(i) * stride;
        for (int c = 0; c < n; ++c)
            for (int q = 0; q < chunks; ++q) acc[q] += row[c] * V::load(phi + static_cast<std::size_t>(c) * K + q * width);
        for (int q = 0; q < chunks; ++q) V::store(h + static_cast<std::size_t>(i) * K + q * width, acc[q]);
    }
}

void blasProduct(int n, int k, const float* j, const float* phi, float* h) {
    if (k == 1) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, n, n, 1.0f, j, n, phi, 1, 0.0f, h, 1);
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, n, 1.0f, j, n, phi, k, 0.0f, h, k);
}

void blasProduct(int n, int k, const double* j, const double* phi, double* h) {
    if (k == 1) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, n, n, 1.0, j, n, phi, 1, 0.0, h, 1);
        return;
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, n, 1.0, j, n, phi, k, 0.0, h, k);
}

}  // namespace

template <>
void couplingProduct<float>(int n, int k, const float* j, const float* phi, float* h) {
    switch (k) {
    case 2: return thinProduct<float, 2, 8>(n, j, phi, h);
    case 4: return thinProduct<float, 4, 16>(n, j, phi, h);
    case 8: return thinProduct<float, 8, 32>(n, j, phi, h);
    case 16: return thinProduct<float, 16, 32>(n, j, phi, h);
    default: return blasProduct(n, k, j, phi, h);
    }
}

template <>
void couplingProduct<double>(int n, int k, const double* j, const double* phi, double* h) {
    switch (k) {
    case 2: return thinProduct<double, 2, 16>(n, j, phi, h);
    case 4: return thinProduct<double, 4, 32>(n, j, phi, h);
    case 8: return thinProduct<double, 8, 32>(n, j, phi, h);
    default: return blasProduct(n, k, j, phi, h);
    }
}

}  // namespace quench::cpu
