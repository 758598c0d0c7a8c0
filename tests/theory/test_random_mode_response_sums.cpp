// The sampled DMFT's four-point statistics for random-mode couplings with mode overlap
// (docs/theory/sampled_dmft.md, section 8): the cavity sums of the linear-response network against the
// elliptic closed forms where they must agree (no overlap, with the kappa factor of the four-resolvent
// trace), and the sampled statistics of a linear network against its zero-frequency cavity and exact
// equal-time covariances of finite discrete networks.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include "../../host/theory/elliptic_planar.hpp"
#include "../../host/theory/linear_response_kernels.hpp"
#include "../../host/theory/random_mode_response_sums.hpp"
#include "activation_of.hpp"
#include "discrete_site.hpp"
#include "quench/theory/lyapunov.hpp"
#include "quench/theory/random_mode_theory.hpp"
#include "quench/theory/sampled_dmft.hpp"
#include "quick_sampling.hpp"
#include "random_mode_coupling.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;
using detail::Cell;

// Cells of a made-up response u = 0.7 / (1 + i w) (inside the stable disc), one on the real axis.
std::vector<Cell> someCells(const detail::RandomModeCoupling& j) {
    std::vector<Cell> cells;
    int k = 0;
    for (const double w : {0.0, 0.3, 1.1, 2.5, 7.0}) {
        Cell c;
        c.u = 0.7 / Complex(1.0, w);
        c.z = j.spectralPoint(c.u);
        c.l = 1.0 + 0.1 * k;
        c.a = 0.8 + 0.05 * k;
        c.b = 0.3 / (1.0 + k);
        cells.push_back(c);
        ++k;
    }
    return cells;
}

// Without overlap the two- and three-resolvent traces are iid J's and the four-resolvent one carries
// 1 + kappa |u|^2 |u'|^2 (docs/theory/random_mode.md): the elliptic kernels at eta = 0 plus that term.
TEST(RandomModeResponseSums, WithoutOverlapAreTheIidKernelsWithTheKappaFactor) {
    const int n = 400;
    const double g = 0.8;
    const std::vector<double> d = randomModeSpectrum(ModeSpectrum::Flat, n / 4, n, g, 0.0);
    const detail::RandomModeCoupling j(d, std::vector<double>(d.size(), 0.0), n);
    double kappa = 0.0;
    for (const double v : d) kappa += v * v * v * v / n;
    const std::vector<Cell> cells = someCells(j);
    const detail::Ensemble e{g * g, 0.0, 0.0};
    double phi = 0.0, state = 0.0;
    for (const Cell& f : cells)
        for (const Cell& c : cells) {
            phi += detail::phiKernel(e, f, c);
            state += detail::stateKernel(e, f, c);
            for (const Complex x : {c.u, std::conj(c.u)}) {
                const double extra =
                    kappa * std::norm(f.u) * std::norm(x) *
                    std::real(detail::planarFourPoint(e, f.u, std::conj(f.u), x, std::conj(x)));
                phi += 0.5 * f.l * c.l * extra;
                state += 0.5 * f.a * c.a * extra;
            }
        }
    const detail::ResponseSums got = detail::randomModeResponseSums(j, cells);
    EXPECT_NEAR(got.phi, phi, 1e-6 * phi);
    EXPECT_NEAR(got.state, state, 1e-6 * std::fabs(state));
    const std::vector<double> power = detail::randomModeResponsePower(j, {cells[1].z, cells[3].z});
    EXPECT_NEAR(power[0], std::real(detail::planarTwoPoint(e, cells[1].u, std::conj(cells[1].u))), 1e-9);
}

// Linear phi with overlap: the sampled linear-response network is the discrete linear network itself. Its
// ZF dimension is the cavity's (theta = 0 is z = 1), and its ET statistics those of exact discrete
// Lyapunov covariances X = A X A^T + s^2 1, A = a + b J, of finite realizations (N = 300, 4 of them, within
// 5 SE plus 2/N for the O(1/N) offset).
TEST(SampledDmftRandomMode, LinearPhiFourPointIsTheDiscreteLinearNetwork) {
    const int n = 300, realizations = 4;
    const double dt = 0.05, rho = -0.5;
    const std::vector<double> d = randomModeSpectrum(ModeSpectrum::Flat, n / 2, n, 0.6, 0.0);
    const std::vector<double> rhos(d.size(), rho);
    const SampledDmft s = solveSampledDmftRandomMode(
        quench::testing::activationOf(ActivationKind::Linear), d, n, rhos, 1.0, 0.0, dt,
        IntegrationMethod::ExponentialEuler, quench::testing::quickSampling(8));
    ASSERT_TRUE(s.four_point_failure.empty()) << s.four_point_failure;
    const RandomModeZeroFrequency zf = randomModeZeroFrequency(d, n, rhos, 1.0);
    EXPECT_NEAR(s.phi_zf.pr_over_n.value, zf.pr_over_n, 4.0 * s.phi_zf.pr_over_n.se + 1e-3 * zf.pr_over_n);
    EXPECT_NEAR(s.x_zf.pr_over_n.value, zf.pr_over_n, 4.0 * s.x_zf.pr_over_n.se + 1e-3 * zf.pr_over_n);
    const quench::testing::Recursion r(dt, 1.0);
    std::mt19937_64 rng(47);
    std::vector<double> pr, m2;
    for (int k = 0; k < realizations; ++k) {
        std::vector<double> a = quench::testing::randomModeCoupling(d, n, rho, rng);
        for (double& v : a) v *= r.b;
        for (int i = 0; i < n; ++i) a[static_cast<std::size_t>(i) * n + i] += r.a;
        std::vector<double> q(a.size(), 0.0);
        for (int i = 0; i < n; ++i) q[static_cast<std::size_t>(i) * n + i] = r.s * r.s;
        const std::vector<double> c = solveDiscreteLyapunov(a, n, q);
        double trace = 0.0, trace2 = 0.0;
        for (int i = 0; i < n; ++i) trace += c[static_cast<std::size_t>(i) * n + i];
        for (const double v : c) trace2 += v * v;
        pr.push_back(trace * trace / trace2 / n);
        m2.push_back(trace2 / n);
    }
    const auto mean = [](const std::vector<double>& v) {
        double m = 0.0;
        for (const double x : v) m += x / static_cast<double>(v.size());
        double var = 0.0;
        for (const double x : v) var += (x - m) * (x - m) / (static_cast<double>(v.size()) - 1.0);
        return std::pair<double, double>{m, std::sqrt(var / static_cast<double>(v.size()))};
    };
    const auto [pr_mean, pr_se] = mean(pr);
    const auto [m2_mean, m2_se] = mean(m2);
    std::printf(
        "[ finite N ] ET PR/N %.5f +- %.5f, sampled %.5f +- %.5f; m2 %.5f +- %.5f, sampled %.5f +- %.5f\n",
        pr_mean, pr_se, s.phi_et.pr_over_n.value, s.phi_et.pr_over_n.se, m2_mean, m2_se, s.phi_et.m2.value,
        s.phi_et.m2.se);
    EXPECT_NEAR(s.phi_et.pr_over_n.value, pr_mean,
                5.0 * std::hypot(pr_se, s.phi_et.pr_over_n.se) + 2.0 / n * pr_mean);
    EXPECT_NEAR(s.phi_et.m2.value, m2_mean, 5.0 * std::hypot(m2_se, s.phi_et.m2.se) + 2.0 / n * m2_mean);
    // x = phi: the state sums (the input's spectra, filtered) give phi's statistics again.
    EXPECT_NEAR(s.x_et.m2.value, s.phi_et.m2.value, 1e-3 * s.phi_et.m2.value) << "x = phi";
    EXPECT_NEAR(s.x_zf.m2.value, s.phi_zf.m2.value, 1e-3 * s.phi_zf.m2.value) << "x = phi";
}

}  // namespace
}  // namespace quench::theory
