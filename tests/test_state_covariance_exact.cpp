// The state covariance of linear equivalence (docs/theory/state_covariance.md) against exact finite-N
// covariances of the linear-equivalent model itself: phi = gamma x + r with white residual noise r of
// power s_r, i.e. dx = (-(1 - gamma J) x) dt + sigma dW + J r dt. Its ET covariance solves
// (1 - gamma J) C + C (1 - gamma J)^T = sigma^2 1 + s_r J J^T and its ZF covariance is
// (1 - gamma J)^-1 (sigma^2 1 + s_r J J^T) (1 - gamma J)^-T, per realization and exactly. The disorder
// averages at N = 50..400, fitted as S_inf + c / N, must reach the large-N trace formulas.
#include <gtest/gtest.h>
#include <lapacke.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "exact_statistics.hpp"
#include "quench/coupling.hpp"
#include "quench/ensemble_spec.hpp"
#include "quench/realization_result.hpp"
#include "quench/scaling_fit.hpp"
#include "quench/statistics.hpp"
#include "quench/theory/lyapunov.hpp"
#include "quench/theory/state_covariance.hpp"

namespace quench::testing {
namespace {

using Matrix = std::vector<double>;

constexpr double kG = 0.6, kGamma = 0.8, kSigma = 1.0, kResidual = 0.5;

struct ExactPair {
    Matrix equal_time;
    Matrix zero_frequency;
};

// A^-1 (sigma^2 1 + s_r J J^T) A^-T = sigma^2 G G^T + s_r (G J)(G J)^T with G = A^-1.
Matrix zeroFrequency(Matrix drift, const Matrix& j, int n) {
    const size_t nn = static_cast<size_t>(n) * n;
    Matrix rhs(2 * nn, 0.0);  // [1 | J], n x 2n row-major
    for (int i = 0; i < n; ++i) {
        rhs[static_cast<size_t>(i) * 2 * n + i] = 1.0;
        for (int k = 0; k < n; ++k)
            rhs[static_cast<size_t>(i) * 2 * n + n + k] = j[static_cast<size_t>(i) * n + k];
    }
    std::vector<lapack_int> pivots(n);
    const lapack_int info =
        LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, 2 * n, drift.data(), n, pivots.data(), rhs.data(), 2 * n);
    if (info != 0) throw std::runtime_error("dgesv failed");
    Matrix c(nn, 0.0);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k <= i; ++k) {
            const double* gi = &rhs[static_cast<size_t>(i) * 2 * n];
            const double* gk = &rhs[static_cast<size_t>(k) * 2 * n];
            double direct = 0.0, mixed = 0.0;
            for (int m = 0; m < n; ++m) {
                direct += gi[m] * gk[m];
                mixed += gi[n + m] * gk[n + m];
            }
            c[static_cast<size_t>(i) * n + k] = c[static_cast<size_t>(k) * n + i] =
                kSigma * kSigma * direct + kResidual * mixed;
        }
    return c;
}

ExactPair exactCovariances(const Matrix& j, int n) {
    Matrix drift(j.size()), noise(j.size(), 0.0);
    for (size_t k = 0; k < j.size(); ++k) drift[k] = -kGamma * j[k];
    for (int i = 0; i < n; ++i) {
        drift[static_cast<size_t>(i) * n + i] += 1.0;
        noise[static_cast<size_t>(i) * n + i] = kSigma * kSigma;
        for (int k = 0; k < n; ++k) {
            double jj = 0.0;
            for (int m = 0; m < n; ++m)
                jj += j[static_cast<size_t>(i) * n + m] * j[static_cast<size_t>(k) * n + m];
            noise[static_cast<size_t>(i) * n + k] += kResidual * jj;
        }
    }
    return {theory::solveContinuousLyapunov(drift, n, noise), zeroFrequency(drift, j, n)};
}

// Disorder averages of the exact covariances of the couplings `spec` draws, N = 50..400, fitted as
// S_inf + c / N, against the trace formulas with `kappa` (0 for iid J).
void expectTheTraceFormulasReached(EnsembleSpec spec, double kappa) {
    const struct { int n, realizations; } sizes[] = {{50, 32}, {100, 16}, {200, 8}, {400, 4}};
    theory::LinearEquivalentSpectra spectra{kG, kGamma, [](double) { return kSigma * kSigma; },
                                            [](double) { return kResidual; }};
    spectra.kappa = kappa;
    const theory::LinearMoments want[] = {
        theory::stateEqualTime(spectra, std::sqrt(1.0 - kG * kG * kGamma * kGamma)),
        theory::stateZeroFrequency(spectra)};
    spec.coupling.g = kG;
    std::vector<ScalingPoint> points[2][3];  // [ET, ZF][a, N dc2, PR/N]
    for (const auto& size : sizes) {
        spec.network.n = size.n;
        std::vector<double> values[2][3];
        for (int r = 0; r < size.realizations; ++r) {
            const ExactPair c = exactCovariances(couplingMatrix(spec, r), size.n);
            int k = 0;
            for (const Matrix* m : {&c.equal_time, &c.zero_frequency}) {
                const StatisticValues s = exactStatistics(*m, size.n);
                values[k][0].push_back(s[static_cast<int>(Statistic::AutoMean)]);
                values[k][1].push_back(size.n * s[static_cast<int>(Statistic::CrossVar)]);
                values[k][2].push_back(s[static_cast<int>(Statistic::PrOverN)]);
                ++k;
            }
        }
        for (int k = 0; k < 2; ++k)
            for (int q = 0; q < 3; ++q) {
                const Estimate e = estimate(values[k][q]);
                points[k][q].push_back({static_cast<double>(size.n), e.mean, e.sem});
            }
    }
    const char* const names[] = {"auto_mean", "n_cross_var", "pr_over_n"};
    for (int k = 0; k < 2; ++k) {
        const double expected[] = {want[k].auto_mean, want[k].n_cross_var, want[k].pr_over_n};
        for (int q = 0; q < 3; ++q) {
            const ScalingFit fit = fitInverseNAuto(points[k][q]);
            ASSERT_TRUE(fit.ok) << fit.reason;
            const double z = (fit.s_inf - expected[q]) / fit.s_inf_se;
            EXPECT_LT(std::fabs(z), 4.0)
                << (k == 0 ? "ET " : "ZF ") << names[q] << ": fitted " << fit.s_inf << " +- " << fit.s_inf_se
                << " (1/N coefficient " << fit.a << "), theory " << expected[q] << ", z = " << z;
        }
    }
}

TEST(StateCovarianceExact, LinearEquivalentModelReachesTheTraceFormulas) {
    EnsembleSpec spec;
    spec.ensemble.seed = 11;
    expectTheTraceFormulasReached(spec, 0.0);
}

// Random-mode couplings without overlap, flat spectrum with P = N/4 modes: kappa = (1/N) sum D^4 = g^4 / 0.25
// at every N. Only the K K' trace changes (by 1 + kappa |chi|^2 |chi'|^2); without that factor the formulas
// miss x's N dc2 by a factor 2.5 here (|z| > 9 for every four-point statistic).
TEST(StateCovarianceExact, RandomModeCouplingsReachTheTraceFormulasWithTheKappaFactor) {
    EnsembleSpec spec;
    spec.ensemble.seed = 12;
    spec.coupling.model = CouplingModel::RandomMode;
    spec.coupling.mode_ratio = 0.25;
    expectTheTraceFormulasReached(spec, kG * kG * kG * kG / 0.25);
}

}  // namespace
}  // namespace quench::testing
