// Nonlinear random-mode networks with mode overlap: the Gaussian closure of linear equivalence with the
// random-mode cavities (docs/theory/random_mode.md, "Nonlinear networks with overlap") against the exact
// white-noise DMFT at rho = 0, the exact linear cavities for linear phi, and exact finite-N traces for the
// mean resolvent it rests on.
#include "quench/theory/random_mode_overlap_closure.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

// LAPACKE's complex type as std::complex (its documented C++ hook), so zgesv takes Complex directly.
#define lapack_complex_float std::complex<float>
#define lapack_complex_double std::complex<double>
#include <lapacke.h>

#include "activation_of.hpp"
#include "closure_grid.hpp"
#include "quench/theory/random_mode_theory.hpp"

namespace quench::theory {
namespace {

using quench::testing::activationOf;
using quench::testing::closureGrid;
using Complex = std::complex<double>;

TEST(RandomModeOverlapClosure, AtZeroOverlapItIsTheExactDmftWithWhiteAndColoredNoise) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    const int n = 200;
    for (const double g : {0.5, 1.5}) {
        const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, g, 0.0);
        const DmftCorrelation closure = solveRandomModeOverlapCorrelation(
            tanh_phi, D, n, std::vector<double>(D.size(), 0.0), 1.0, closureGrid());
        const DmftCorrelation dmft = solveWhiteNoiseCorrelation(tanh_phi, g, 1.0, closureGrid());
        EXPECT_NEAR(closure.delta0, dmft.delta0, 1e-4 * dmft.delta0) << "g = " << g;
        EXPECT_NEAR(closure.c_phi.front(), dmft.c_phi.front(), 1e-4 * dmft.c_phi.front()) << "g = " << g;
        EXPECT_NEAR(closure.g_eff, dmft.g_eff, 1e-4) << "g = " << g;
        // OU noise: the colored-noise DMFT.
        const DmftCorrelation colored = solveRandomModeOverlapCorrelation(
            tanh_phi, D, n, std::vector<double>(D.size(), 0.0), 1.0, closureGrid(), 10.0);
        const DmftCorrelation colored_dmft =
            solveColoredNoiseCorrelation(tanh_phi, g, 1.0, 10.0, closureGrid());
        EXPECT_NEAR(colored.delta0, colored_dmft.delta0, 1e-4 * colored_dmft.delta0) << "g = " << g;
        EXPECT_NEAR(colored.c_phi.front(), colored_dmft.c_phi.front(), 1e-4 * colored_dmft.c_phi.front());
    }
}

// For phi = x the closure is the linear network itself: Delta0 is the exact ET auto mean of the cavity at
// every frequency, S_phi(0) the ZF one, and the equivalent noise is the white noise (L = sigma^2).
TEST(RandomModeOverlapClosure, LinearPhiIsTheExactLinearCavity) {
    const int n = 200;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, 0.6, 0.0);
    const std::vector<double> rho(D.size(), -0.5);
    const DmftCorrelation c = solveRandomModeOverlapCorrelation(activationOf(ActivationKind::Linear), D, n,
                                                                rho, 1.0, closureGrid());
    EXPECT_NEAR(c.delta0, randomModeEqualTimeAutoMean(D, n, rho, 1.0), 2e-4);
    EXPECT_NEAR(activationSpectrum(c, 0.0), randomModeZeroFrequency(D, n, rho, 1.0).auto_mean, 2e-3);
    const TabulatedSpectrum noise = randomModeOverlapEquivalentNoise(c, D, n, rho, 0.25 / c.dt);
    for (const double w : {0.0, 0.5, 3.0}) EXPECT_NEAR(noise(w), 1.0, 3e-3) << "w = " << w;
    const DmftCorrelation colored = solveRandomModeOverlapCorrelation(activationOf(ActivationKind::Linear), D,
                                                                      n, rho, 1.0, closureGrid(), 1.0);
    EXPECT_NEAR(colored.delta0, randomModeEqualTimeAutoMean(D, n, rho, 1.0, 1.0), 2e-4);
}

// (1/N) Tr (K - J)^-1 by LU for finite-N random-mode matrices (flat P = N/2, g = 0.8, N = 400), against the
// large-N root G = 1 / (K - (1/N) sum_a rho_a D_a / (1 - rho_a D_a G)), within 5 SE plus 2/N.
TEST(RandomModeOverlapClosure, MeanResolventMatchesExactTracesAtFiniteN) {
    const int n = 400, modes = n / 2, realizations = 3;
    const double rho = -0.5;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, modes, n, 0.8, 0.0);
    const Complex k(1.0, 0.7);
    EXPECT_NEAR(std::abs(randomModeMeanResolvent(D, n, std::vector<double>(modes, 0.0), k) - 1.0 / k), 0.0,
                1e-12);
    const Complex theory = randomModeMeanResolvent(D, n, std::vector<double>(modes, rho), k);
    std::mt19937_64 rng(43);
    std::normal_distribution<double> normal(0.0, 1.0 / std::sqrt(static_cast<double>(n)));
    std::vector<Complex> traces;
    for (int r = 0; r < realizations; ++r) {
        std::vector<Complex> m(static_cast<std::size_t>(n) * n, 0.0), b(m.size(), 0.0);
        std::vector<double> u(n), v(n);
        for (int a = 0; a < modes; ++a) {
            for (int i = 0; i < n; ++i) u[i] = normal(rng);
            for (int i = 0; i < n; ++i) v[i] = rho * u[i] + std::sqrt(1.0 - rho * rho) * normal(rng);
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < n; ++j) m[i * n + j] -= D[a] * u[i] * v[j];
        }
        for (int i = 0; i < n; ++i) {
            m[i * n + i] += k;
            b[i * n + i] = 1.0;
        }
        std::vector<lapack_int> pivots(n);
        ASSERT_EQ(LAPACKE_zgesv(LAPACK_ROW_MAJOR, n, n, m.data(), n, pivots.data(), b.data(), n), 0);
        Complex trace = 0.0;
        for (int i = 0; i < n; ++i) trace += b[i * n + i];
        traces.push_back(trace / static_cast<double>(n));
    }
    for (const bool real_part : {true, false}) {
        double mean = 0.0, var = 0.0;
        for (const Complex t : traces) mean += (real_part ? t.real() : t.imag()) / realizations;
        for (const Complex t : traces)
            var += std::pow((real_part ? t.real() : t.imag()) - mean, 2) / (realizations - 1);
        const double se = std::sqrt(var / realizations), expected = real_part ? theory.real() : theory.imag();
        std::printf("[ finite N ] (1/N) Tr (K - J)^-1 %s part: %.5f +- %.5f, theory %.5f (rho = 0: %.5f)\n",
                    real_part ? "real" : "imaginary", mean, se, expected,
                    real_part ? (1.0 / k).real() : (1.0 / k).imag());
        EXPECT_NEAR(mean, expected, 5.0 * se + 2.0 / n);
    }
    EXPECT_GT(std::abs(theory - 1.0 / k), 0.01) << "the overlap must change the mean resolvent";
}

void expectDomainErrorMentioning(const std::function<void()>& f, const std::string& name) {
    try {
        f();
        ADD_FAILURE() << "no std::domain_error mentioning " << name;
    } catch (const std::domain_error& e) {
        EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
}

TEST(RandomModeOverlapClosure, RejectsBadInputAndUnstableNetworksNamingTheCause) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    const int n = 100;
    const std::vector<double> D = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, 0.5, 0.0);
    const std::vector<double> rho(D.size(), -0.5);
    expectDomainErrorMentioning(
        [&] { solveRandomModeOverlapCorrelation(tanh_phi, D, n, rho, 0.0, closureGrid()); }, "sigma");
    expectDomainErrorMentioning(
        [&] {
            solveRandomModeOverlapCorrelation(tanh_phi, D, n, std::vector<double>(D.size(), 1.5), 1.0,
                                              closureGrid());
        },
        "rho");
    expectDomainErrorMentioning(
        [&] {
            solveRandomModeOverlapCorrelation(activationOf(ActivationKind::Relu), D, n, rho, 1.0,
                                              closureGrid());
        },
        "phi");
    // A linear network whose bulk reaches 1 (rho = 0.5 shifts it right by 0.5 sum D / N).
    const std::vector<double> strong = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, 0.9, 0.0);
    expectDomainErrorMentioning(
        [&] {
            solveRandomModeOverlapCorrelation(activationOf(ActivationKind::Linear), strong, n,
                                              std::vector<double>(D.size(), 0.5), 1.0, closureGrid());
        },
        "no stationary state");
}

}  // namespace
}  // namespace quench::theory
