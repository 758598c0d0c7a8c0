#pragma once
// Random-mode couplings drawn the way random_mode_theory.hpp states (test-side, independent of the
// simulator's generator): J = sum_a D_a u_a v_a^T with v_a = rho u_a + sqrt(1 - rho^2) w_a, entries N(0,
// 1/N).
#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

namespace quench::testing {

// J = sum_a D_a u_a v_a^T with v_a = rho u_a + sqrt(1 - rho^2) w_a, entries N(0, 1/N):
// random_mode_theory.hpp's convention. With spread > 0 each rho_a is drawn uniform in [rho - spread, rho +
// spread] (coupling.overlap_spread).
inline std::vector<double> randomModeCoupling(const std::vector<double>& D, int n, double overlap,
                                              std::mt19937_64& rng, double spread = 0.0) {
    std::normal_distribution<double> normal(0.0, 1.0 / std::sqrt(static_cast<double>(n)));
    std::uniform_real_distribution<double> uniform(overlap - spread, overlap + spread);
    const int P = static_cast<int>(D.size());
    std::vector<double> J(static_cast<std::size_t>(n) * n, 0.0);
    std::vector<double> u(n), v(n);
    for (int a = 0; a < P; ++a) {
        const double rho = spread > 0.0 ? uniform(rng) : overlap;
        for (int i = 0; i < n; ++i) u[i] = normal(rng);
        for (int i = 0; i < n; ++i) v[i] = rho * u[i] + std::sqrt(1.0 - rho * rho) * normal(rng);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) J[i * n + j] += D[a] * u[i] * v[j];
    }
    return J;
}

}  // namespace quench::testing
