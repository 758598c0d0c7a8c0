// predict(): what `quench theory` reports for a model, with tags, and reasons for what it omits.
#include "quench/theory/prediction.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "../../host/step_coefficients.hpp"
#include "../../host/theory/discrete_gaussian_site.hpp"
#include "quench/neuron_parameters.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/random_mode_overlap_closure.hpp"
#include "quench/theory/random_mode_theory.hpp"

namespace quench::theory {
namespace {

EnsembleSpec model(ActivationKind kind, double g, double sigma) {
    EnsembleSpec spec;
    spec.network.activation.kind = kind;
    spec.coupling.g = g;
    spec.noise.sigma = sigma;
    return spec;
}

double valueOf(const TheoryQuantity& q) {
    EXPECT_TRUE(q.available()) << q.reason;
    return q.value.value_or(-1.0);
}

const CovariancePrediction& cov(const TheoryPrediction& p, Variable v, CovarianceKind c) {
    return p.at(v, c);
}

// Every quantity is a finite value or absent with a reason.
void expectWellFormed(const TheoryQuantity& q, const std::string& what) {
    if (q.available())
        EXPECT_TRUE(std::isfinite(*q.value)) << what;
    else
        EXPECT_FALSE(q.reason.empty()) << what << " is absent without a reason";
}

void expectWellFormed(const TheoryPrediction& p, const std::string& where) {
    for (const auto& per_variable : p.covariance)
        for (const CovariancePrediction& c : per_variable) {
            for (const TheoryQuantity& q : c.statistic) expectWellFormed(q, where);
            expectWellFormed(c.n_cross_var, where + " n_cross_var");
            expectWellFormed(c.z_n_cross_var, where + " z_n_cross_var");
            for (const TheoryQuantity& q : c.one_over_n) expectWellFormed(q, where + " one_over_n");
            expectWellFormed(c.z_n_cross_var_one_over_n, where + " z_n_cross_var.one_over_n");
        }
    for (const TheoryQuantity* q : {&p.delta0, &p.gamma, &p.g_eff, &p.stability_margin, &p.chaotic})
        expectWellFormed(*q, where);
    for (const auto& d : p.zero_frequency_density)
        if (d)
            for (const double v : d->density) EXPECT_TRUE(std::isfinite(v)) << where;
}

// iid J with a smooth phi and white noise: the ET statistics are those of the simulator's recursion at its
// dt (the discrete Gaussian site), the ZF ones and the gains the continuous DMFT's; with sampling off
// (curves,
// --quick) the ET ones are continuous too. At dt = 0.05 the two differ by a few per cent in N dc2 and agree
// to 1e-3 in the single-site values.
// The discrete site's four-point statistics at the spec's g and dt, predict()'s values, and predict()'s
// continuous-time values (no single-site sampling) for the same spec.
struct SiteAndPredictions {
    detail::SampledFourPoints exact;
    TheoryPrediction p, q;
};

SiteAndPredictions siteAndPredictions(const EnsembleSpec& spec) {
    const StepCoefficients step = stepCoefficients(spec);
    const double g = spec.coupling.g, dt = spec.integration.dt;
    const detail::DiscreteGaussianSite site =
        detail::discreteGaussianSiteUntilDecayed(spec.network.activation, g, step, dt);
    PredictOptions continuous;
    continuous.sample_single_site = false;
    return {detail::discreteGaussianSiteFourPoints(site, g, step, dt), predict(spec),
            predict(spec, continuous)};
}

TEST(Prediction, EqualTimeStatisticsAreThoseOfTheSimulatorsRecursion) {
    EnsembleSpec spec = model(ActivationKind::Tanh, 1.0, 1.0);
    spec.integration.dt = 0.05;
    const auto [exact, p, q] = siteAndPredictions(spec);
    for (const auto& [v, four] :
         {std::pair{Variable::Phi, &exact.phi_et}, std::pair{Variable::X, &exact.x_et}}) {
        const CovariancePrediction& et = cov(p, v, CovarianceKind::EqualTime);
        const CovariancePrediction& et_continuous = cov(q, v, CovarianceKind::EqualTime);
        EXPECT_NEAR(valueOf(et.at(Statistic::PrOverN)), four->pr_over_n.value, 1e-12);
        EXPECT_NEAR(valueOf(et.n_cross_var), four->n_cross_var.value, 1e-12 * four->n_cross_var.value);
        EXPECT_EQ(et.at(Statistic::PrOverN).basis, Basis::Derived);
        EXPECT_NEAR(valueOf(et.at(Statistic::AutoMean)), valueOf(et_continuous.at(Statistic::AutoMean)),
                    1e-3 * valueOf(et_continuous.at(Statistic::AutoMean)));
        EXPECT_GT(std::fabs(valueOf(et.n_cross_var) / valueOf(et_continuous.n_cross_var) - 1.0), 0.01)
            << "at dt = 0.05 the discrete N dc2 differs from the continuous one by a few per cent";
        EXPECT_EQ(valueOf(cov(p, v, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN)),
                  valueOf(cov(q, v, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN)));
    }
}

// The same with Ornstein-Uhlenbeck noise: the site's input then carries the noise's covariance
// (discrete_gaussian_site.hpp), and the single-site values stay within 1e-3 of the continuous-time colored
// DMFT.
TEST(Prediction, WithColoredNoiseTheEqualTimeStatisticsAreThoseOfTheSimulatorsRecursion) {
    EnsembleSpec spec = model(ActivationKind::Tanh, 1.0, 1.0);
    spec.integration.dt = 0.05;
    spec.noise.tau = 1.0;
    const auto [exact, p, q] = siteAndPredictions(spec);
    EXPECT_EQ(p.route, "dmft_colored_noise");
    for (const auto& [v, four] :
         {std::pair{Variable::Phi, &exact.phi_et}, std::pair{Variable::X, &exact.x_et}}) {
        const CovariancePrediction& et = cov(p, v, CovarianceKind::EqualTime);
        EXPECT_NEAR(valueOf(et.at(Statistic::PrOverN)), four->pr_over_n.value, 1e-12);
        EXPECT_NEAR(valueOf(et.at(Statistic::AutoMean)), four->auto_mean.value, 1e-12);
        EXPECT_NEAR(valueOf(et.at(Statistic::AutoMean)),
                    valueOf(cov(q, v, CovarianceKind::EqualTime).at(Statistic::AutoMean)),
                    1e-3 * four->auto_mean.value);
    }
}

TEST(Prediction, LinearIidZeroFrequencyIsTheClosedForm) {
    const double g = 0.6, sigma = 1.3;
    const TheoryPrediction p = predict(model(ActivationKind::Linear, g, sigma));
    const LinearMoments m = linearZeroFrequencyIid(g, sigma);
    for (const Variable v : {Variable::X, Variable::Phi}) {
        const CovariancePrediction& zf = cov(p, v, CovarianceKind::ZeroFrequency);
        EXPECT_DOUBLE_EQ(valueOf(zf.at(Statistic::AutoMean)), sigma * sigma / (1 - g * g));
        EXPECT_DOUBLE_EQ(valueOf(zf.at(Statistic::PrOverN)), (1 - g * g) * (1 - g * g));
        EXPECT_DOUBLE_EQ(valueOf(zf.n_cross_var), m.n_cross_var);
        EXPECT_DOUBLE_EQ(valueOf(zf.at(Statistic::M2)), m.m2);
        EXPECT_DOUBLE_EQ(valueOf(zf.at(Statistic::M3)), m.m3);
        EXPECT_EQ(valueOf(zf.at(Statistic::CrossMean)), 0.0);
        EXPECT_EQ(zf.at(Statistic::PrOverN).basis, Basis::Exact);
    }
    EXPECT_EQ(p.route, "linear");
    EXPECT_NEAR(valueOf(p.delta0), sigma * sigma / (2 * std::sqrt(1 - g * g)), 1e-12);
    ASSERT_TRUE(p.zero_frequency_density[0].has_value());
    EXPECT_EQ(p.zero_frequency_density[0]->density.size(), static_cast<size_t>(kDensityGridPoints));
}

TEST(Prediction, LinearEqualTimeDimensionMatchesTheCheckValue) {
    const TheoryPrediction p = predict(model(ActivationKind::Linear, 0.5, 1.0));
    EXPECT_NEAR(valueOf(cov(p, Variable::X, CovarianceKind::EqualTime).at(Statistic::PrOverN)), 0.8477, 1e-4);
}

TEST(Prediction, LinearPastTheInstabilityIsOmittedWithAReason) {
    const TheoryPrediction p = predict(model(ActivationKind::Linear, 1.2, 1.0));
    const TheoryQuantity& pr = cov(p, Variable::X, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN);
    EXPECT_FALSE(pr.available());
    EXPECT_NE(pr.reason.find("stationary"), std::string::npos) << pr.reason;
    EXPECT_FALSE(p.delta0.available());
    EXPECT_LT(valueOf(p.stability_margin), 0.0);
}

TEST(Prediction, TanhDmftMatchesTheCheckValues) {
    const struct {
        double g, sigma2, delta0, gamma, pr_phi_zf;
    } checks[] = {{0.5, 1, 0.5361, 0.7149, -1},
                  {0.8, 1, 0.6044, 0.6948, 0.4776},
                  {1.5, 2, 1.6393, 0.5156, 0.1614},
                  {2.0, 1, 2.0920, 0.4721, -1}};
    for (const auto& c : checks) {
        const TheoryPrediction p = predict(model(ActivationKind::Tanh, c.g, std::sqrt(c.sigma2)));
        EXPECT_EQ(p.route, "dmft_white_noise");
        EXPECT_NEAR(valueOf(p.delta0), c.delta0, 1e-4) << "g = " << c.g;
        EXPECT_NEAR(valueOf(p.gamma), c.gamma, 1e-4) << "g = " << c.g;
        EXPECT_NEAR(valueOf(cov(p, Variable::X, CovarianceKind::EqualTime).at(Statistic::AutoMean)), c.delta0,
                    1e-4);
        const TheoryQuantity& pr =
            cov(p, Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN);
        EXPECT_EQ(pr.basis, Basis::LinearEquivalence);
        if (c.pr_phi_zf > 0) EXPECT_NEAR(valueOf(pr), c.pr_phi_zf, 1e-4);
    }
}

TEST(Prediction, TanhEqualTimeDimensionIsDerivedAndMatchesTheCheckValue) {
    const TheoryPrediction p = predict(model(ActivationKind::Tanh, 1.2, 1.0));
    const TheoryQuantity& pr = cov(p, Variable::Phi, CovarianceKind::EqualTime).at(Statistic::PrOverN);
    EXPECT_EQ(pr.basis, Basis::Derived);
    EXPECT_NEAR(valueOf(pr), 0.5212, 2e-3);
}

// x's four-point statistics come from linear equivalence (docs/theory/state_covariance.md): ZF tagged
// linear_equivalence like phi's, ET derived like phi's; the auto means stay the exact DMFT ones.
TEST(Prediction, TanhStateCovarianceRestsOnLinearEquivalence) {
    const TheoryPrediction p = predict(model(ActivationKind::Tanh, 1.2, 1.0));
    const CovariancePrediction& et = cov(p, Variable::X, CovarianceKind::EqualTime);
    const CovariancePrediction& zf = cov(p, Variable::X, CovarianceKind::ZeroFrequency);
    EXPECT_EQ(et.at(Statistic::PrOverN).basis, Basis::Derived);
    EXPECT_EQ(zf.at(Statistic::PrOverN).basis, Basis::LinearEquivalence);
    EXPECT_EQ(et.at(Statistic::AutoMean).basis, Basis::Exact);
    for (const CovariancePrediction* c : {&et, &zf}) {
        const double a = valueOf(c->at(Statistic::AutoMean));
        EXPECT_NEAR(valueOf(c->at(Statistic::M2)), a * a + valueOf(c->n_cross_var), 1e-12);
        EXPECT_NEAR(valueOf(c->at(Statistic::PrOverN)), a * a / valueOf(c->at(Statistic::M2)), 1e-12);
    }
    // Low-pass filtering makes x lower-dimensional than phi at equal time.
    EXPECT_LT(valueOf(et.at(Statistic::PrOverN)),
              valueOf(cov(p, Variable::Phi, CovarianceKind::EqualTime).at(Statistic::PrOverN)));
}

// The heterogeneous-neuron route knows quenched disorder only: annealed redraws there are omitted, not
// silently given the quenched values.
TEST(Prediction, AnnealedDisorderWithHeterogeneousNeuronsIsOmitted) {
    EnsembleSpec spec = model(ActivationKind::Linear, 0.5, 1.0);
    spec.network.gain = {NeuronDistribution::Lognormal, 1.0, 0.3};
    spec.coupling.disorder = Disorder::Annealed;
    const TheoryPrediction p = predict(spec);
    const TheoryQuantity& pr = cov(p, Variable::X, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN);
    EXPECT_FALSE(pr.available());
    EXPECT_NE(pr.reason.find("annealed"), std::string::npos) << pr.reason;
}

TEST(Prediction, WhatTheTheoryDoesNotCoverIsOmittedWithAReason) {
    const TheoryPrediction tanh = predict(model(ActivationKind::Tanh, 0.8, 1.0));
    const TheoryQuantity& x_m3 = cov(tanh, Variable::X, CovarianceKind::EqualTime).at(Statistic::M3);
    EXPECT_FALSE(x_m3.available());
    EXPECT_FALSE(x_m3.reason.empty());
    EXPECT_FALSE(cov(tanh, Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::CrossVar).available());
    EXPECT_FALSE(tanh.zero_frequency_density[0].has_value());
    EXPECT_FALSE(tanh.density_reason.empty());

    EnsembleSpec relu = model(ActivationKind::Relu, 0.5, 1.0);
    const TheoryPrediction p = predict(relu);
    EXPECT_EQ(p.route, "none");
    EXPECT_FALSE(p.delta0.available());
    EXPECT_NE(p.delta0.reason.find("odd"), std::string::npos) << p.delta0.reason;
    expectWellFormed(p, "relu");
}

// z-scored statistics (docs/theory/zscored.md): at large N the diagonal of C concentrates at a, so
// R = D^-1/2 C D^-1/2 is C / a up to O(1/N): c / a, N dc2 / a^2, m2 / a^2 and PR/N itself, tagged
// derived. The zero cross mean is exact (R -> D R D under the sign symmetry), at every N.
TEST(Prediction, ZScoredStatisticsOfALinearIidNetworkAreTheRescaledCovarianceStatistics) {
    const TheoryPrediction p = predict(model(ActivationKind::Linear, 0.6, 1.3));
    for (const Variable v : {Variable::X, Variable::Phi})
        for (const CovarianceKind k : {CovarianceKind::EqualTime, CovarianceKind::ZeroFrequency}) {
            const CovariancePrediction& c = cov(p, v, k);
            const double a = valueOf(c.at(Statistic::AutoMean));
            EXPECT_DOUBLE_EQ(valueOf(c.at(Statistic::ZPrOverN)), valueOf(c.at(Statistic::PrOverN)));
            EXPECT_DOUBLE_EQ(valueOf(c.at(Statistic::ZM2)), valueOf(c.at(Statistic::M2)) / (a * a));
            EXPECT_DOUBLE_EQ(valueOf(c.z_n_cross_var), valueOf(c.n_cross_var) / (a * a));
            // 1 + N dc2_z = m2_z = 1 / (PR/N) at this order.
            EXPECT_NEAR(valueOf(c.at(Statistic::ZM2)), 1.0 + valueOf(c.z_n_cross_var), 1e-12);
            EXPECT_NEAR(valueOf(c.at(Statistic::ZM2)), 1.0 / valueOf(c.at(Statistic::ZPrOverN)), 1e-12);
            for (const Statistic s : {Statistic::ZPrOverN, Statistic::ZM2})
                EXPECT_EQ(c.at(s).basis, Basis::Derived) << static_cast<int>(s);
            EXPECT_EQ(c.z_n_cross_var.basis, Basis::Derived);
            EXPECT_EQ(valueOf(c.at(Statistic::ZCrossMean)), 0.0);
            EXPECT_EQ(c.at(Statistic::ZCrossMean).basis, Basis::Exact);
            EXPECT_EQ(valueOf(c.firstOrder(Statistic::ZCrossMean)), 0.0);
            // O(1/N) statistics and the underived 1/N terms are absent, with reasons.
            EXPECT_FALSE(c.at(Statistic::ZCrossVar).available());
            EXPECT_NE(c.at(Statistic::ZCrossVar).reason.find("z_n_cross_var"), std::string::npos);
            EXPECT_FALSE(c.firstOrder(Statistic::ZPrOverN).available());
            EXPECT_FALSE(c.z_n_cross_var_one_over_n.available());
            EXPECT_FALSE(c.z_n_cross_var_one_over_n.reason.empty());
        }
}

TEST(Prediction, ZScoredStatisticsAreOmittedWhereTheCovarianceStatisticsAre) {
    // Without single-site sampling, per-neuron time constants leave a linear network without ET theory (the
    // discrete site with classes of time constant is off): no dimension, hence no z-scored one.
    EnsembleSpec heterogeneous = model(ActivationKind::Linear, 0.4, 1.0);
    heterogeneous.network.tau = {NeuronDistribution::Lognormal, 2.0, 0.5};
    PredictOptions no_sampling;
    no_sampling.sample_single_site = false;
    const TheoryPrediction partial = predict(heterogeneous, no_sampling);
    const CovariancePrediction& x_et = cov(partial, Variable::X, CovarianceKind::EqualTime);
    EXPECT_FALSE(x_et.at(Statistic::ZPrOverN).available());
    EXPECT_EQ(x_et.at(Statistic::ZPrOverN).reason, x_et.at(Statistic::PrOverN).reason);
    EXPECT_FALSE(x_et.z_n_cross_var.available());
    const TheoryPrediction tanh = predict(model(ActivationKind::Tanh, 0.8, 1.0));
    // phi's ZF dimension rests on linear equivalence; its z-scored counterpart is derived from it.
    const CovariancePrediction& phi_zf = cov(tanh, Variable::Phi, CovarianceKind::ZeroFrequency);
    EXPECT_DOUBLE_EQ(valueOf(phi_zf.at(Statistic::ZPrOverN)), valueOf(phi_zf.at(Statistic::PrOverN)));
    EXPECT_EQ(phi_zf.at(Statistic::ZPrOverN).basis, Basis::Derived);

    const TheoryPrediction relu = predict(model(ActivationKind::Relu, 0.5, 1.0));
    for (const Statistic s : {Statistic::ZCrossMean, Statistic::ZPrOverN, Statistic::ZM2})
        EXPECT_FALSE(cov(relu, Variable::X, CovarianceKind::ZeroFrequency).at(s).available())
            << static_cast<int>(s);
}

TEST(Prediction, NoNaNAnywhereOverACouplingScan) {
    for (const ActivationKind kind : {ActivationKind::Tanh, ActivationKind::Linear})
        for (double g = 0.1; g <= 3.0 + 1e-9; g += 0.3) {
            const TheoryPrediction p = predict(model(kind, g, 1.0));
            expectWellFormed(p, "g = " + std::to_string(g));
            if (kind == ActivationKind::Tanh) EXPECT_TRUE(p.delta0.available()) << p.delta0.reason;
        }
}

TEST(Prediction, PowerLawBlowUpIsAReasonNotAThrow) {
    EnsembleSpec spec = model(ActivationKind::PowerLaw, 5.0, 1.0);
    spec.network.activation.alpha = 1.5;
    const TheoryPrediction p = predict(spec);
    EXPECT_FALSE(p.delta0.available());
    EXPECT_FALSE(p.delta0.reason.empty());
    expectWellFormed(p, "power law alpha = 1.5");
}

TEST(Prediction, ColoredNoiseUsesTheColoredSolver) {
    EnsembleSpec spec = model(ActivationKind::Tanh, 0.8, 1.0);
    spec.noise.tau = 0.5;
    const TheoryPrediction p = predict(spec);
    EXPECT_EQ(p.route, "dmft_colored_noise");
    expectWellFormed(p, "colored");
    // Colored noise of the same zero-frequency power lowers the equal-time variance.
    EXPECT_LT(valueOf(p.delta0), predict(model(ActivationKind::Tanh, 0.8, 1.0)).delta0.value.value_or(0.0));
}

TEST(Prediction, RandomModeLinearZeroFrequencyComesFromTheModeSpectrumTheory) {
    EnsembleSpec spec = model(ActivationKind::Linear, 0.6, 1.0);
    spec.network.n = 200;
    spec.coupling.model = CouplingModel::RandomMode;
    spec.coupling.mode_ratio = 0.5;
    const TheoryPrediction p = predict(spec);
    const RandomModeZeroFrequency r =
        randomModeZeroFrequency(randomModeSpectrum(ModeSpectrum::Flat, 100, 200, 0.6, 1.0), 200, 0.0, 1.0);
    EXPECT_DOUBLE_EQ(valueOf(cov(p, Variable::X, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN)),
                     r.pr_over_n);
    // Single-site values are those of iid J (derived); the ET dimension comes from the kappa kernel.
    EXPECT_EQ(p.delta0.basis, Basis::Derived);
    const TheoryQuantity& et = cov(p, Variable::X, CovarianceKind::EqualTime).at(Statistic::PrOverN);
    EXPECT_EQ(et.basis, Basis::Derived);
    EXPECT_LT(valueOf(et), linearEqualTimeIid(0.6, 1.0).pr_over_n);  // low rank lowers the dimension
    expectWellFormed(p, "random mode");
}

// The kappa kernel at w = w' = 0 is the ZF closed form; for a nonlinear network it acts on the effective
// coupling gamma J (kappa_eff = gamma^4 kappa), and x's from the state traces with the same factor. With mode
// overlap a nonlinear network's statistics (x's four-point ones included) come from the closure, a linear
// network's from the cavities.
TEST(Prediction, RandomModeActivationStatisticsUseTheEffectiveKappa) {
    EnsembleSpec spec = model(ActivationKind::Tanh, 0.8, 1.0);
    spec.network.n = 200;
    spec.coupling.model = CouplingModel::RandomMode;
    spec.coupling.mode_ratio = 0.25;
    const TheoryPrediction p = predict(spec);
    const double g_eff = valueOf(p.g_eff), gamma = valueOf(p.gamma);
    const double kappa = 0.8 * 0.8 * 0.8 * 0.8 * 200 / 50.0;  // flat spectrum: PR_D = P = 50
    const TheoryQuantity& zf = cov(p, Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN);
    EXPECT_EQ(zf.basis, Basis::LinearEquivalence);
    EXPECT_NEAR(valueOf(zf), std::pow(1.0 - g_eff * g_eff, 2) / (1.0 + std::pow(gamma, 4) * kappa), 1e-12);
    EXPECT_EQ(cov(p, Variable::Phi, CovarianceKind::EqualTime).at(Statistic::PrOverN).basis, Basis::Derived);
    // x's statistics from the state traces with the same kappa: lower-dimensional than with iid J.
    const TheoryQuantity& x_et = cov(p, Variable::X, CovarianceKind::EqualTime).at(Statistic::PrOverN);
    const TheoryQuantity& x_zf = cov(p, Variable::X, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN);
    EXPECT_EQ(x_et.basis, Basis::Derived);
    EXPECT_EQ(x_zf.basis, Basis::LinearEquivalence);
    EnsembleSpec iid = spec;
    iid.coupling.model = CouplingModel::Iid;
    const TheoryPrediction q = predict(iid);
    EXPECT_LT(valueOf(x_et), valueOf(cov(q, Variable::X, CovarianceKind::EqualTime).at(Statistic::PrOverN)));
    EXPECT_LT(valueOf(x_zf),
              valueOf(cov(q, Variable::X, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN)));
    // With overlap no single-site value is that of iid J: a nonlinear network's come from the Gaussian
    // closure of linear equivalence with the random-mode cavities, tagged as the approximation they are.
    spec.coupling.overlap = 0.3;
    PredictOptions closure_only;  // the sampled single site over these: test_sampled_dmft.cpp
    closure_only.sample_single_site = false;
    const TheoryPrediction overlapped = predict(spec, closure_only);
    EXPECT_EQ(overlapped.route, "random_mode_overlap_closure");
    EXPECT_EQ(overlapped.delta0.basis, Basis::LinearEquivalence);
    DmftGridOptions options;
    options.dt = 0.02;
    const std::vector<double> d8 = randomModeSpectrum(ModeSpectrum::Flat, 50, 200, 0.8, 0.0);
    const DmftCorrelation closure = solveRandomModeOverlapCorrelation(
        spec.network.activation, d8, 200, std::vector<double>(50, 0.3), 1.0, options);
    EXPECT_NEAR(valueOf(overlapped.delta0), closure.delta0, 1e-12);
    EXPECT_GT(valueOf(overlapped.delta0), valueOf(p.delta0) + 0.05) << "rho > 0 raises the variance";
    for (const CovarianceKind k : {CovarianceKind::ZeroFrequency, CovarianceKind::EqualTime}) {
        const TheoryQuantity& pr = cov(overlapped, Variable::Phi, k).at(Statistic::PrOverN);
        EXPECT_EQ(pr.basis, Basis::LinearEquivalence);
        EXPECT_GT(valueOf(pr), 0.0);
        EXPECT_LT(valueOf(pr), 1.0);
        // x's from the closure's linear-equivalent network (random_mode_state_covariance.hpp).
        const CovariancePrediction& x = cov(overlapped, Variable::X, k);
        EXPECT_EQ(x.at(Statistic::PrOverN).basis, Basis::LinearEquivalence);
        EXPECT_GT(valueOf(x.at(Statistic::PrOverN)), 0.0);
        EXPECT_LT(valueOf(x.at(Statistic::PrOverN)), 1.0);
        EXPECT_NEAR(valueOf(x.at(Statistic::M2)),
                    std::pow(valueOf(x.at(Statistic::AutoMean)), 2) + valueOf(x.n_cross_var), 1e-12);
        EXPECT_FALSE(x.at(Statistic::M3).available());
    }
    EXPECT_FALSE(overlapped.stability_margin.available());
    expectWellFormed(overlapped, "random mode with overlap");
    // OU noise enters the closure through the noise spectrum: slow noise of the same ZF power, less variance.
    EnsembleSpec colored = spec;
    colored.noise.tau = 1.0;
    const TheoryPrediction c = predict(colored, closure_only);
    EXPECT_EQ(c.route, "random_mode_overlap_closure");
    EXPECT_LT(valueOf(c.delta0), valueOf(overlapped.delta0));
    EXPECT_TRUE(cov(c, Variable::Phi, CovarianceKind::EqualTime).at(Statistic::PrOverN).available());
    // A linear network's ET auto mean with overlap comes from the cavity at every frequency (exact).
    EnsembleSpec linear = spec;
    linear.network.activation.kind = ActivationKind::Linear;
    linear.coupling.g = 0.5;
    linear.coupling.overlap = -0.5;
    const TheoryPrediction l = predict(linear);
    const int modes = 50;
    const std::vector<double> d = randomModeSpectrum(ModeSpectrum::Flat, modes, 200, 0.5, 0.0);
    EXPECT_EQ(l.delta0.basis, Basis::Exact);
    EXPECT_NEAR(valueOf(l.delta0), randomModeEqualTimeAutoMean(d, 200, std::vector<double>(modes, -0.5), 1.0),
                1e-9);
    EXPECT_LT(valueOf(l.delta0), 1.0 / (2.0 * std::sqrt(1.0 - 0.25)));
    // ... and its ET four-point statistics from the two-copy cavity at every pair of frequencies (exact).
    const RandomModeZeroFrequency et = randomModeEqualTime(d, 200, std::vector<double>(modes, -0.5), 1.0);
    const CovariancePrediction& x_et_l = cov(l, Variable::X, CovarianceKind::EqualTime);
    EXPECT_EQ(x_et_l.at(Statistic::PrOverN).basis, Basis::Exact);
    EXPECT_NEAR(valueOf(x_et_l.at(Statistic::PrOverN)), et.pr_over_n, 1e-9);
    EXPECT_NEAR(valueOf(x_et_l.at(Statistic::M2)), et.m2, 1e-9);
    EXPECT_NEAR(valueOf(x_et_l.n_cross_var), et.n_cross_var, 1e-9);
    EXPECT_FALSE(x_et_l.at(Statistic::M3).available());
    expectWellFormed(l, "linear random mode with overlap");
    // Ornstein-Uhlenbeck noise weights every frequency of the same cavities by 1 / (1 + tau^2 w^2).
    linear.noise.tau = 2.0;
    const TheoryPrediction lc = predict(linear);
    const RandomModeZeroFrequency et_c =
        randomModeEqualTime(d, 200, std::vector<double>(modes, -0.5), 1.0, 2.0);
    const CovariancePrediction& x_et_c = cov(lc, Variable::X, CovarianceKind::EqualTime);
    EXPECT_EQ(x_et_c.at(Statistic::PrOverN).basis, Basis::Exact);
    EXPECT_NEAR(valueOf(x_et_c.at(Statistic::AutoMean)), et_c.auto_mean, 1e-9);
    EXPECT_NEAR(valueOf(x_et_c.at(Statistic::PrOverN)), et_c.pr_over_n, 1e-9);
    EXPECT_LT(et_c.auto_mean, et.auto_mean);  // slow noise of the same ZF power carries less variance
    expectWellFormed(lc, "linear random mode with overlap, colored noise");
}

}  // namespace
}  // namespace quench::theory
