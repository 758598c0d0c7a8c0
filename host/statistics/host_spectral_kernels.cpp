// The spectral moments and eigenvalues on the host: OpenBLAS dgemm and LAPACK dsyevd.
#include <cblas.h>
#include <lapacke.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "quench/spectral_kernels.hpp"
#include "quench/statistics.hpp"

namespace quench {

namespace {

using Matrix = std::vector<double>;

Matrix multiply(const Matrix& a, const Matrix& b, int n) {
    Matrix c(static_cast<size_t>(n) * n);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a.data(), n, b.data(), n, 0.0,
                c.data(), n);
    return c;
}

// sum_ij A_ij B_ji = Tr(A B).
double traceOfProduct(const Matrix& a, const Matrix& b, int n) {
    double t = 0.0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            t += a[static_cast<size_t>(i) * n + j] * b[static_cast<size_t>(j) * n + i];
    return t;
}

class HostSpectralKernels final : public SpectralKernels {
public:
    SpectralMoments moments(const SplitCovariance& c) override {
        static_assert(kSplitGroups == 4, "the triple and quadruple products below enumerate four groups");
        const int n = c.n;
        SpectralMoments m;
        const Matrix c2 = multiply(c.pooled, c.pooled, n);
        m.raw_cube = traceOfProduct(c2, c.pooled, n);
        m.raw_fourth = traceOfProduct(c2, c2, n);
        // For symmetric factors every ordering of three has the same trace, and four factors have three
        // distinct orderings.
        const Matrix p01 = multiply(c.group[0], c.group[1], n);
        const Matrix p23 = multiply(c.group[2], c.group[3], n);
        const Matrix p02 = multiply(c.group[0], c.group[2], n);
        const Matrix p13 = multiply(c.group[1], c.group[3], n);
        m.split_cube = (traceOfProduct(p01, c.group[2], n) + traceOfProduct(p01, c.group[3], n) +
                        traceOfProduct(p23, c.group[0], n) + traceOfProduct(p23, c.group[1], n)) /
                       4.0;
        // Tr(C0 C1 C2 C3) = Tr(P01 P23), Tr(C0 C1 C3 C2) = Tr(P01 P23^T) = sum_ij (P01)_ij (P23)_ij
        // (P32 = P23^T for symmetric factors), and Tr(C0 C2 C1 C3) = Tr(P02 P13).
        const double p01_dot_p23 = cblas_ddot(n * n, p01.data(), 1, p23.data(), 1);
        m.split_fourth = (traceOfProduct(p01, p23, n) + p01_dot_p23 + traceOfProduct(p02, p13, n)) / 3.0;
        return m;
    }

    std::vector<std::vector<double>> eigenvalues(const std::vector<const std::vector<double>*>& matrices,
                                                 int n) override {
        std::vector<std::vector<double>> out;
        out.reserve(matrices.size());
        for (const std::vector<double>* matrix : matrices) {
            std::vector<double> a = *matrix;
            std::vector<double> w(static_cast<size_t>(n));
            const lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'N', 'U', n, a.data(), n, w.data());
            if (info != 0)
                throw std::runtime_error("LAPACKE_dsyevd failed with info = " + std::to_string(info));
            out.push_back(std::move(w));
        }
        return out;
    }
};

}  // namespace

SpectralKernels& hostSpectralKernels() {
    static HostSpectralKernels kernels;
    return kernels;
}

}  // namespace quench
