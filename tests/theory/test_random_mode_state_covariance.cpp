// x's covariance statistics in the linear-equivalent network of random-mode couplings with mode overlap
// (random_mode_state_covariance.hpp). Their one new ingredient, P(k1, k2) = (1/N) Tr [(k1 - J)^-1
// (k2 - J^T)^-1] away from k2 = conj k1, against exact traces of finite networks; without overlap, against
// state_covariance.hpp's independent derivation (iid traces with the kappa factor); with overlap, against the
// exact covariances of the linear-equivalent network itself at finite N.
#include "quench/theory/random_mode_state_covariance.hpp"

#include <gtest/gtest.h>
#include <lapacke.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "quench/activation.hpp"
#include "quench/theory/lyapunov.hpp"
#include "quench/theory/random_mode_overlap_closure.hpp"
#include "quench/theory/random_mode_theory.hpp"
#include "quench/theory/state_covariance.hpp"
#include "random_mode_coupling.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;
using Matrix = std::vector<double>;
using quench::testing::randomModeCoupling;

struct Sample {
    double mean = 0.0, standard_error = 0.0;
};

Sample sampleOf(const std::vector<double>& values) {
    const double count = static_cast<double>(values.size());
    double mean = 0.0, var = 0.0;
    for (const double x : values) mean += x / count;
    for (const double x : values) var += (x - mean) * (x - mean) / (count - 1.0);
    return {mean, std::sqrt(var / count)};
}

// (k - A)^-1 for a real n x n matrix A (row-major), transposed first if asked.
std::vector<Complex> resolvent(const Matrix& a, int n, Complex k, bool transposed) {
    std::vector<Complex> m(a.size()), inv(a.size(), 0.0);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) m[i * n + j] = -(transposed ? a[j * n + i] : a[i * n + j]);
        m[i * n + i] += k;
        inv[i * n + i] = 1.0;
    }
    std::vector<lapack_int> pivots(n);
    const lapack_int info =
        LAPACKE_zgesv(LAPACK_ROW_MAJOR, n, n, reinterpret_cast<lapack_complex_double*>(m.data()), n,
                      pivots.data(), reinterpret_cast<lapack_complex_double*>(inv.data()), n);
    if (info != 0) throw std::runtime_error("zgesv failed");
    return inv;
}

TEST(RandomModeResolventProducts, MatchExactTracesOfFiniteNetworksAwayFromTheConjugatePair) {
    const int n = 400, realizations = 3;
    const double g = 0.5, rho = -0.5;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, g, 0.0);
    const std::vector<std::pair<Complex, Complex>> points = {{Complex(1.0, 0.7), Complex(1.0, 0.2)},
                                                             {1.0, Complex(1.0, -0.5)},
                                                             {Complex(1.0, 0.3), Complex(1.0, -0.3)},
                                                             {Complex(1.2, 0.0), 1.0}};
    const std::vector<Complex> theory =
        randomModeResolventProducts(D, n, std::vector<double>(D.size(), rho), points);
    std::mt19937_64 rng(41);
    std::vector<std::vector<double>> re(points.size()), im(points.size());
    for (int r = 0; r < realizations; ++r) {
        const Matrix J = randomModeCoupling(D, n, rho, rng);
        for (std::size_t q = 0; q < points.size(); ++q) {
            const std::vector<Complex> a = resolvent(J, n, points[q].first, false);
            const std::vector<Complex> b = resolvent(J, n, points[q].second, true);
            Complex trace = 0.0;
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < n; ++j) trace += a[i * n + j] * b[j * n + i];
            re[q].push_back(trace.real() / n);
            im[q].push_back(trace.imag() / n);
        }
    }
    for (std::size_t q = 0; q < points.size(); ++q) {
        const Sample sr = sampleOf(re[q]), si = sampleOf(im[q]);
        std::printf("[ finite N ] P(%.1f%+.1fi, %.1f%+.1fi): %.5f%+.5fi (+- %.5f, %.5f), theory %.5f%+.5fi\n",
                    points[q].first.real(), points[q].first.imag(), points[q].second.real(),
                    points[q].second.imag(), sr.mean, si.mean, sr.standard_error, si.standard_error,
                    theory[q].real(), theory[q].imag());
        EXPECT_NEAR(sr.mean, theory[q].real(), 5.0 * sr.standard_error + 2.0 / n);
        EXPECT_NEAR(si.mean, theory[q].imag(), 5.0 * si.standard_error + 2.0 / n);
    }
}

void expectSameMoments(const LinearMoments& got, const LinearMoments& want, double rel, const char* what) {
    EXPECT_NEAR(got.auto_mean, want.auto_mean, rel * want.auto_mean) << what << " auto_mean";
    EXPECT_NEAR(got.n_cross_var, want.n_cross_var, rel * want.n_cross_var) << what << " n_cross_var";
    EXPECT_NEAR(got.pr_over_n, want.pr_over_n, rel * want.pr_over_n) << what << " pr_over_n";
    EXPECT_FALSE(got.m3_available);
}

constexpr double kG = 0.6, kGamma = 0.8, kResidual = 0.5;

// White noise of power 1 and a residual of spectrum kResidual / (1 + w^2) (an OU process of unit time).
RandomModeLinearEquivalent linearEquivalent(const std::vector<double>& D, int n, double rho) {
    RandomModeLinearEquivalent s;
    s.d = D;
    s.rho = std::vector<double>(D.size(), rho);
    s.n = n;
    s.gamma = kGamma;
    s.noise = [](double) { return 1.0; };
    s.residual = [](double w) { return kResidual / (1.0 + w * w); };
    return s;
}

// rho = 0: the two- and three-resolvent traces are iid J's and the four-resolvent one carries the factor
// 1 + kappa |chi|^2 |chi'|^2 (docs/theory/random_mode.md): state_covariance.hpp's derivation, another route.
TEST(RandomModeState, WithoutOverlapIsTheStateCovarianceWithTheKappaFactor) {
    const int n = 400;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n / 4, n, kG, 0.0);
    const RandomModeLinearEquivalent s = linearEquivalent(D, n, 0.0);
    LinearEquivalentSpectra spectra{kG, kGamma, s.noise, s.residual};
    for (const double d : D) spectra.kappa += d * d * d * d / n;
    const LinearMoments zf = randomModeStateZeroFrequency(s), et = randomModeStateEqualTime(s);
    std::printf("[ rho = 0 ] ZF a %.6f N dc2 %.6f PR/N %.6f; ET a %.6f N dc2 %.6f PR/N %.6f\n", zf.auto_mean,
                zf.n_cross_var, zf.pr_over_n, et.auto_mean, et.n_cross_var, et.pr_over_n);
    expectSameMoments(zf, stateZeroFrequency(spectra), 1e-6, "ZF");
    expectSameMoments(et, stateEqualTime(spectra, std::sqrt(1.0 - kG * kG * kGamma * kGamma)), 1e-5, "ET");
}

// The linear-equivalent network with its residual as an OU process of unit time,
//     dx = (-(1 - gamma J) x + J r) dt + dW,   dr = -r dt + sqrt(kResidual) dW',
// has the ET covariance of x in the x block of the (x, r) Lyapunov solution and the ZF covariance
// R (1 + kResidual J J^T) R^T, R = (1 - gamma J)^-1 (S_r(0) = kResidual): both exact per realization.
struct ExactStatistics {
    double auto_mean, n_cross_var, pr_over_n;
};

ExactStatistics statisticsOf(const Matrix& c, int n) {
    double trace = 0.0, trace2 = 0.0, diagonal2 = 0.0;
    for (int i = 0; i < n; ++i) {
        trace += c[i * n + i];
        diagonal2 += c[i * n + i] * c[i * n + i];
    }
    for (const double x : c) trace2 += x * x;
    const double a = trace / n;
    return {a, (trace2 - diagonal2) / n, trace * trace / trace2 / n};
}

Matrix equalTimeState(const Matrix& j, int n) {
    const std::size_t m = 2 * static_cast<std::size_t>(n);
    Matrix drift(m * m, 0.0), noise(m * m, 0.0);
    for (int i = 0; i < n; ++i) {
        for (int k = 0; k < n; ++k) {
            drift[i * m + k] = -kGamma * j[i * n + k];
            drift[i * m + n + k] = -j[i * n + k];
        }
        drift[i * m + i] += 1.0;
        drift[(n + i) * m + n + i] = 1.0;
        noise[i * m + i] = 1.0;
        noise[(n + i) * m + n + i] = kResidual;
    }
    const Matrix full = solveContinuousLyapunov(drift, 2 * n, noise);
    Matrix c(static_cast<std::size_t>(n) * n);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k) c[i * n + k] = full[i * m + k];
    return c;
}

Matrix zeroFrequencyState(const Matrix& j, int n) {
    Matrix m(j.size()), rhs(2 * j.size(), 0.0);  // [1 | J], n x 2n
    for (std::size_t q = 0; q < j.size(); ++q) m[q] = -kGamma * j[q];
    for (int i = 0; i < n; ++i) {
        m[i * n + i] += 1.0;
        rhs[i * 2 * n + i] = 1.0;
        for (int k = 0; k < n; ++k) rhs[i * 2 * n + n + k] = j[i * n + k];
    }
    std::vector<lapack_int> pivots(n);
    if (LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, 2 * n, m.data(), n, pivots.data(), rhs.data(), 2 * n) != 0)
        throw std::runtime_error("dgesv failed");
    Matrix c(j.size(), 0.0);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k) {
            double direct = 0.0, mixed = 0.0;
            for (int q = 0; q < n; ++q) {
                direct += rhs[i * 2 * n + q] * rhs[k * 2 * n + q];
                mixed += rhs[i * 2 * n + n + q] * rhs[k * 2 * n + n + q];
            }
            c[i * n + k] = direct + kResidual * mixed;
        }
    return c;
}

// With overlap (flat P = N/2, rho = -0.5 and +0.2): exact covariances of N = 300 realizations, within 5 SE
// plus the O(1/N) offset (2/N relative) of the large-N values.
TEST(RandomModeState, WithOverlapMatchesExactCovariancesOfTheLinearEquivalentNetwork) {
    const int n = 300, realizations = 4;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, kG, 0.0);
    const double uncorrelated = randomModeStateEqualTime(linearEquivalent(D, n, 0.0)).pr_over_n;
    for (const double rho : {-0.5, 0.2}) {
        const RandomModeLinearEquivalent s = linearEquivalent(D, n, rho);
        const LinearMoments theory[2] = {randomModeStateEqualTime(s), randomModeStateZeroFrequency(s)};
        EXPECT_GT(std::fabs(theory[0].pr_over_n - uncorrelated), 0.05)
            << "the overlap must change x's dimension";
        std::mt19937_64 rng(43);
        std::vector<double> values[2][3];
        for (int r = 0; r < realizations; ++r) {
            const Matrix j = randomModeCoupling(D, n, rho, rng);
            int k = 0;
            for (const Matrix& c : {equalTimeState(j, n), zeroFrequencyState(j, n)}) {
                const ExactStatistics e = statisticsOf(c, n);
                values[k][0].push_back(e.auto_mean);
                values[k][1].push_back(e.n_cross_var);
                values[k][2].push_back(e.pr_over_n);
                ++k;
            }
        }
        const char* const kinds[] = {"ET", "ZF"};
        const char* const names[] = {"auto_mean", "n_cross_var", "pr_over_n"};
        for (int k = 0; k < 2; ++k) {
            const double want[] = {theory[k].auto_mean, theory[k].n_cross_var, theory[k].pr_over_n};
            for (int q = 0; q < 3; ++q) {
                const Sample got = sampleOf(values[k][q]);
                std::printf("[ finite N ] rho = %+.1f %s %s: %.5f +- %.5f, theory %.5f\n", rho, kinds[k],
                            names[q], got.mean, got.standard_error, want[q]);
                EXPECT_NEAR(got.mean, want[q], 5.0 * got.standard_error + 2.0 / n * std::fabs(want[q]))
                    << kinds[k] << " " << names[q] << " at rho = " << rho;
            }
        }
    }
}

// The closure's network (nonlinear phi, rho = -0.5): its x auto means are the closure's own (S_x(0) and
// Delta0, the latter to the closure's tau grid); for linear phi the residual vanishes and x's statistics are
// the linear network's (randomModeEqualTime, randomModeZeroFrequency) to that grid.
TEST(RandomModeOverlapClosureState, AutoMeansAreTheClosuresAndLinearPhiGivesTheLinearNetwork) {
    const int n = 400;
    const double rho = -0.5;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, 1.0, 0.0);
    const std::vector<double> rhos(D.size(), rho);
    DmftGridOptions options;
    options.dt = 0.02;
    for (const ActivationKind kind : {ActivationKind::Tanh, ActivationKind::Linear}) {
        Activation phi;
        phi.kind = kind;
        const std::vector<double> d =
            kind == ActivationKind::Linear ? randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, 0.6, 0.0) : D;
        const DmftCorrelation c = solveRandomModeOverlapCorrelation(phi, d, n, rhos, 1.0, options);
        const RandomModeLinearEquivalent s = randomModeOverlapLinearEquivalent(
            c, d, n, rhos, 1.0, 0.0, randomModeOverlapEquivalentNoise(c, d, n, rhos, 0.25 / c.dt));
        const LinearMoments zf = randomModeStateZeroFrequency(s), et = randomModeStateEqualTime(s);
        EXPECT_NEAR(zf.auto_mean, randomModeOverlapStateSpectrum(c, d, n, rhos, 1.0, {0.0}).front(), 1e-9);
        EXPECT_NEAR(et.auto_mean, c.delta0, 1e-4 * c.delta0);
        if (kind != ActivationKind::Linear) continue;
        LinearMoments want_zf;
        const RandomModeZeroFrequency z = randomModeZeroFrequency(d, n, rhos, 1.0);
        want_zf.auto_mean = z.auto_mean;
        want_zf.n_cross_var = z.n_cross_var;
        want_zf.pr_over_n = z.pr_over_n;
        const RandomModeZeroFrequency e = randomModeEqualTime(d, n, rhos, 1.0);
        LinearMoments want_et = want_zf;
        want_et.auto_mean = e.auto_mean;
        want_et.n_cross_var = e.n_cross_var;
        want_et.pr_over_n = e.pr_over_n;
        expectSameMoments(zf, want_zf, 2e-3, "linear ZF");
        expectSameMoments(et, want_et, 2e-3, "linear ET");
    }
}

}  // namespace
}  // namespace quench::theory
