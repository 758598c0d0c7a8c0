// Annealed disorder in the theory (docs/theory/annealed.md): the redraw-transient deficits against
// quadratures of the N = infinity transients they come from, the free-cumulant averaging over epochs
// against exact covariances of independent couplings, and predict() for annealed specs.
#include "quench/theory/annealed_theory.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "quench/theory/linear_theory.hpp"
#include "quench/theory/lyapunov.hpp"
#include "quench/theory/prediction.hpp"

namespace quench::theory {
namespace {

using Matrix = std::vector<double>;

// Equal time, linear iid J at N = infinity, sigma = 1: after a redraw at t = 0 the variance of a site is
// C(t) = int_0^t e^{-2s} I_0(2gs) ds + a e^{-2t} I_0(2gt) (old state independent of the new J), and
// the deficit is int_0^inf (a - C(t)) dt / a.
TEST(RedrawDeficit, EqualTimeIsTheIntegratedVarianceDipAfterARedraw) {
    for (const double g : {0.3, 0.5, 0.8}) {
        const double a = 1.0 / (2.0 * std::sqrt(1.0 - g * g));
        const double h = 1e-3;
        double noise_part = 0.0, deficit = 0.0;
        for (double t = 0.0; t < 80.0; t += h) {
            const double f0 = std::exp(-2.0 * t) * std::cyl_bessel_i(0.0, 2.0 * g * t);
            const double f1 = std::exp(-2.0 * (t + h)) * std::cyl_bessel_i(0.0, 2.0 * g * (t + h));
            const double c0 = noise_part + a * f0;
            noise_part += 0.5 * h * (f0 + f1);
            const double c1 = noise_part + a * f1;
            deficit += 0.5 * h * ((a - c0) + (a - c1));
        }
        // Trapezoid with h = 1e-3: the cumulative noise term makes the error O(h) relative (~3e-5 here).
        EXPECT_NEAR(deficit / a, equalTimeRedrawDeficit(g), 1e-4) << "g = " << g;
    }
}

// Zero frequency: the derivation's end-of-epoch term Q = int int (e^{-u-u'} - e^{-u} - e^{-u'}) F(u-u'),
// F = delta + g^2 C_x, C_x(tau) = e^{-lambda |tau|} / (2 lambda), must satisfy a + Q = -1 / (1 - g^2),
// which is what makes the deficit g^2 / (1 - g^2).
TEST(RedrawDeficit, ZeroFrequencyFollowsFromTheEndOfEpochIntegral) {
    for (const double g : {0.3, 0.5, 0.8}) {
        const double lambda = std::sqrt(1.0 - g * g);
        const double a = 1.0 / (2.0 * lambda);
        const double h = 0.02;
        const int steps = 2000;
        double smooth = 0.0;
        for (int i = 0; i < steps; ++i)
            for (int k = 0; k < steps; ++k) {
                const double u = (i + 0.5) * h, v = (k + 0.5) * h;
                smooth +=
                    (std::exp(-u - v) - std::exp(-u) - std::exp(-v)) * std::exp(-lambda * std::fabs(u - v));
            }
        // Midpoint rule, h = 0.02: accurate to ~1e-5 relative (the kink of e^{-lambda |u - v|} is on the
        // grid's cell diagonals).
        const double q = -1.5 + g * g * a * smooth * h * h;
        EXPECT_NEAR(a + q, -1.0 / (1.0 - g * g), 1e-4) << "g = " << g;
        EXPECT_NEAR(zeroFrequencyRedrawDeficit(g), -g * g * (a + q), 1e-4) << "g = " << g;
    }
}

CovariancePrediction quenchedZeroFrequency(double g) {
    const LinearMoments m = linearZeroFrequencyIid(g, 1.0);
    CovariancePrediction c;
    c.at(Statistic::AutoMean) = TheoryQuantity::of(m.auto_mean, Basis::Exact);
    c.at(Statistic::M2) = TheoryQuantity::of(m.m2, Basis::Exact);
    c.at(Statistic::M3) = TheoryQuantity::of(m.m3, Basis::Exact);
    c.n_cross_var = TheoryQuantity::of(m.n_cross_var, Basis::Exact);
    return c;
}

TEST(AnnealedCovariance, DividesTheSecondFreeCumulantByTheEpochCount) {
    const double g = 0.5, epochs = 5.0;
    const CovariancePrediction q = quenchedZeroFrequency(g);
    const CovariancePrediction a = annealedCovariance(q, epochs, 1.0, Basis::Exact);
    const double aq = *q.at(Statistic::AutoMean).value;
    EXPECT_DOUBLE_EQ(*a.at(Statistic::AutoMean).value, aq);
    EXPECT_NEAR(*a.n_cross_var.value, *q.n_cross_var.value / epochs, 1e-12);
    EXPECT_NEAR(*a.at(Statistic::PrOverN).value, 1.0 / (1.0 + *q.n_cross_var.value / (epochs * aq * aq)),
                1e-12);
    EXPECT_EQ(a.at(Statistic::PrOverN).basis, Basis::Derived);
    EXPECT_FALSE(a.firstOrder(Statistic::PrOverN).available());
    const CovariancePrediction one = annealedCovariance(q, 1.0, 1.0, Basis::Exact);
    EXPECT_NEAR(*one.at(Statistic::M3).value, *q.at(Statistic::M3).value, 1e-10 * *q.at(Statistic::M3).value);
}

// Spectral moments Tr C^k / N, k = 1..3.
std::array<double, 3> moments(const Matrix& c, int n) {
    double m1 = 0.0, m2 = 0.0, m3 = 0.0;
    for (int i = 0; i < n; ++i) m1 += c[static_cast<size_t>(i) * n + i];
    for (const double v : c) m2 += v * v;  // symmetric: Tr C^2 = sum C_ij^2
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            double cc = 0.0;  // (C^2)_ij
            for (int k = 0; k < n; ++k)
                cc += c[static_cast<size_t>(i) * n + k] * c[static_cast<size_t>(k) * n + j];
            m3 += cc * c[static_cast<size_t>(j) * n + i];
        }
    return {m1 / n, m2 / n, m3 / n};
}

// The epoch mean of exact ZF covariances of independent iid J's (N = 200) against the free-cumulant
// prediction built from the epochs' own moments (so that only freeness is tested, not the N = infinity
// values, whose 1/N terms are several % for m_3): they agree to the O(1/N) size of non-freeness.
TEST(AnnealedCovariance, EpochMeanOfIndependentCouplingsHasTheFreeMoments) {
    const int n = 200, epochs = 4;
    const double g = 0.5;
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal(0.0, g / std::sqrt(static_cast<double>(n)));
    Matrix mean(static_cast<size_t>(n) * n, 0.0);
    std::array<double, 3> epoch_moments{};
    for (int e = 0; e < epochs; ++e) {
        Matrix j(static_cast<size_t>(n) * n);
        for (double& v : j) v = normal(rng);
        const Matrix c = zeroFrequencyCovariance(j, n, 1.0);
        const std::array<double, 3> m = moments(c, n);
        for (int k = 0; k < 3; ++k) epoch_moments[k] += m[k] / epochs;
        for (size_t k = 0; k < c.size(); ++k) mean[k] += c[k] / epochs;
    }
    CovariancePrediction one_epoch;
    one_epoch.at(Statistic::AutoMean) = TheoryQuantity::of(epoch_moments[0], Basis::Exact);
    one_epoch.at(Statistic::M2) = TheoryQuantity::of(epoch_moments[1], Basis::Exact);
    one_epoch.at(Statistic::M3) = TheoryQuantity::of(epoch_moments[2], Basis::Exact);
    const CovariancePrediction p = annealedCovariance(one_epoch, epochs, 1.0, Basis::Exact);
    const std::array<double, 3> m = moments(mean, n);
    // Measured: -0.15 % (m_2), -0.5 % (m_3); held to 3 / N.
    EXPECT_NEAR(m[1] / *p.at(Statistic::M2).value, 1.0, 3.0 / n);
    EXPECT_NEAR(m[2] / *p.at(Statistic::M3).value, 1.0, 3.0 / n);
    // A single epoch's moments are far off: the averaging is what the numbers show.
    EXPECT_GT(epoch_moments[2] / m[2], 1.3);
}

EnsembleSpec linearAnnealed(double g, double redraw_interval) {
    EnsembleSpec s;
    s.network.activation.kind = ActivationKind::Linear;
    s.coupling.g = g;
    s.coupling.disorder = Disorder::Annealed;
    s.coupling.redraw_interval = redraw_interval;
    s.integration.t_max = 200.0;
    s.integration.t_bin = 20.0;
    return s;
}

TEST(PredictAnnealed, OneEpochIsTheQuenchedPrediction) {
    EnsembleSpec quenched = linearAnnealed(0.5, 200.0);
    quenched.coupling.disorder = Disorder::Quenched;
    quenched.coupling.redraw_interval.reset();
    const TheoryPrediction q = predict(quenched);
    const TheoryPrediction a = predict(linearAnnealed(0.5, 200.0));
    for (const Variable v : {Variable::X, Variable::Phi})
        for (const CovarianceKind c : {CovarianceKind::EqualTime, CovarianceKind::ZeroFrequency})
            for (int s = 0; s < kStatisticCount; ++s) {
                EXPECT_EQ(q.at(v, c).statistic[s].value, a.at(v, c).statistic[s].value);
                EXPECT_EQ(q.at(v, c).statistic[s].basis, a.at(v, c).statistic[s].basis);
            }
}

TEST(PredictAnnealed, MeansCarryTheTransientAndDispersionsTheEpochCount) {
    const double g = 0.5;
    EnsembleSpec quenched = linearAnnealed(g, 200.0);
    quenched.coupling.disorder = Disorder::Quenched;
    quenched.coupling.redraw_interval.reset();
    const TheoryPrediction q = predict(quenched);
    const TheoryPrediction a = predict(linearAnnealed(g, 40.0));  // 5 epochs, 4 redraws
    const auto& qz = q.at(Variable::X, CovarianceKind::ZeroFrequency);
    const auto& az = a.at(Variable::X, CovarianceKind::ZeroFrequency);
    EXPECT_NEAR(*az.at(Statistic::AutoMean).value,
                *qz.at(Statistic::AutoMean).value * (1.0 - 4.0 * zeroFrequencyRedrawDeficit(g) / 200.0),
                1e-12);
    EXPECT_EQ(az.at(Statistic::AutoMean).basis, Basis::Exact);
    EXPECT_NEAR(*az.n_cross_var.value, *qz.n_cross_var.value / 5.0, 1e-12);
    EXPECT_GT(*az.at(Statistic::PrOverN).value, *qz.at(Statistic::PrOverN).value);
    const auto& ae = a.at(Variable::Phi, CovarianceKind::EqualTime);
    const auto& qe = q.at(Variable::Phi, CovarianceKind::EqualTime);
    EXPECT_NEAR(*ae.at(Statistic::AutoMean).value,
                *qe.at(Statistic::AutoMean).value * (1.0 - 4.0 * equalTimeRedrawDeficit(g) / 200.0), 1e-12);
    EXPECT_FALSE(a.zero_frequency_density[0].has_value());
    EXPECT_FALSE(a.density_reason.empty());
}

TEST(PredictAnnealed, EpochsShorterThanThreeRelaxationTimesAreOmittedWithTheReason) {
    EnsembleSpec s = linearAnnealed(1.5, 40.0);
    s.network.activation.kind = ActivationKind::Tanh;
    s.noise.sigma = 0.5;  // chaotic, g_eff = 0.97: relaxation time ~ 38
    const TheoryPrediction p = predict(s);
    const TheoryQuantity& a = p.at(Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::AutoMean);
    EXPECT_FALSE(a.available());
    EXPECT_NE(a.reason.find("relaxation time"), std::string::npos) << a.reason;
    EXPECT_TRUE(p.delta0.available());  // the single-site solution itself is still reported
}

}  // namespace
}  // namespace quench::theory
