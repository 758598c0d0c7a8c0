// The coupling product H = J Phi of the CPU backend against a plain triple loop, for every code
// path: register-blocked widths (k <= 16), BLAS (other k), row counts that leave remainders.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cpu/thin_gemm.hpp"

namespace quench::cpu {
namespace {

template <class Real>
void expectProductMatchesNaive(int n, int k, double tolerance) {
    std::vector<Real> j(static_cast<size_t>(n) * n), jt(j.size()), phi(static_cast<size_t>(n) * k), h(phi.size());
    for (int i = 0; i < n; ++i)
        for (int c = 0; c < n; ++c) {
            j[i * n + c] = static_cast<Real>(std::sin(0.37 * (i * n + c)) / std::sqrt(n));
            jt[c * n + i] = j[i * n + c];
        }
    for (size_t e = 0; e < phi.size(); ++e) phi[e] = static_cast<Real>(std::cos(0.11 * e));
    couplingProduct<Real>(n, k, jt.data(), phi.data(), h.data());
    for (int i = 0; i < n; ++i)
        for (int t = 0; t < k; ++t) {
            double expected = 0.0;
            for (int c = 0; c < n; ++c) expected += static_cast<double>(j[i * n + c]) * phi[c * k + t];
            ASSERT_NEAR(h[i * k + t], expected, tolerance) << "n=" << n << " k=" << k << " row " << i << " trial " << t;
        }
}

TEST(CouplingProduct, MatchesTheNaiveProductForEveryTrialCountAndRemainder) {
    for (const int n : {1, 5, 8, 23, 24, 50, 97})
        for (int k = 1; k <= 18; ++k) {
            expectProductMatchesNaive<float>(n, k, 2e-5 * std::sqrt(n));
            expectProductMatchesNaive<double>(n, k, 1e-12 * std::sqrt(n));
        }
}

}  // namespace
}  // namespace quench::cpu
