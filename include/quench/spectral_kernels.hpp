#pragma once
// The O(n^3) part of a covariance's statistics: the matrix products behind Tr C^3 and Tr C^4 and the
// eigenvalues. Everything else computeStatistics() does is O(n^2) and stays on the host; these two
// dominate it from n of a few hundred on (24 n x n products per realization: four covariances, six
// each), so a backend with a device supplies its own (cuBLAS DGEMM, cuSOLVER). Every implementation
// returns the same values to rounding (FP64 throughout).
#include <vector>

namespace quench {

struct SplitCovariance;

struct SpectralMoments {
    double raw_cube = 0.0;      // Tr C^3 of the pooled estimate (plug-in)
    double raw_fourth = 0.0;    // Tr C^4 of the pooled estimate
    double split_cube = 0.0;    // Tr C^3 from products of distinct groups (unbiased)
    double split_fourth = 0.0;  // Tr C^4 likewise
};

class SpectralKernels {
public:
    virtual ~SpectralKernels() = default;
    virtual SpectralMoments moments(const SplitCovariance& c) = 0;
    // The eigenvalues of each symmetric n x n matrix (row-major), ascending; several at once so that
    // a device can solve small ones in one batch.
    virtual std::vector<std::vector<double>> eigenvalues(
        const std::vector<const std::vector<double>*>& matrices, int n) = 0;
};

// BLAS and LAPACK (dsyevd) on the host. Stateless: one instance serves every thread.
SpectralKernels& hostSpectralKernels();

}  // namespace quench
