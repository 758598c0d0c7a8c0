// Per-neuron gains (docs/theory/heterogeneity.md): the separable-profile moments, the heterogeneous
// DMFT, its closed forms for linear phi, and what predict() reports.
#include "quench/theory/heterogeneous_gains.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "quench/theory/dmft.hpp"
#include "quench/theory/prediction.hpp"
#include "quench/theory/separable_profile.hpp"
#include "quench/theory/state_covariance.hpp"

namespace quench::theory {
namespace {

TEST(SeparableProfile, IidCouplingsGiveTheLinearZeroFrequencyClosedForms) {
    const double g = 0.6;
    const ProfileMoments m = separableProfileMoments({{1.0, 1.0, 1.0, 1.0}}, g);
    const double gap = 1.0 - g * g;
    EXPECT_NEAR(m.a, 1.0 / gap, 1e-14);
    EXPECT_NEAR(m.m2, 1.0 / std::pow(gap, 4), 1e-12);
    EXPECT_NEAR(m.diagonal.at(0), 1.0 / gap, 1e-14);
}

TEST(SeparableProfile, UnstableProfileThrows) {
    EXPECT_THROW(separableProfileMoments({{1.0, 1.0, 1.0, 1.0}}, 1.0), std::domain_error);
}

TEST(HeterogeneousGains, UnitGainsReproduceTheWhiteNoiseDmft) {
    const Activation phi{ActivationKind::Tanh};
    const double g = 1.3, sigma = 0.7;
    const WhiteNoiseDmft d = solveWhiteNoiseDmft(phi, g, sigma);
    const HeterogeneousGainTheory t = solveHeterogeneousGains(phi, g, sigma, NeuronParameterSpec{});
    EXPECT_NEAR(t.delta0, d.delta0, 1e-10);
    EXPECT_NEAR(t.a_phi, d.a_phi, 1e-10);
    EXPECT_NEAR(t.g_eff, d.g_eff, 1e-10);
    EXPECT_NEAR(t.phi_zf.a, d.a_phi_zf, 1e-8);
    EXPECT_NEAR(t.a_x_zf, d.a_x_zf, 1e-8);
    EXPECT_NEAR(t.phi_zf.pr_over_n, d.pr_phi_zf, 1e-8);
    EXPECT_NEAR(t.phi_zf.z_pr_over_n, d.pr_phi_zf, 1e-8);
    EXPECT_NEAR(t.a_phi_diagonal_cv2, 0.0, 1e-12);
}

// Linear phi, G^2 = g^2 E[b^2]: a_x = sigma^2 / (1 - G^2), m2_x = sigma^4 (1 + g^4 var b^2) / (1 - G^2)^4,
// a_phi = E[b^2] a_x, m2_phi = sigma^4 E[b^4] / (1 - G^2)^4, and R_phi = R_x exactly. The tolerance is
// the quadrature's (lognormal nodes beyond |z| = 8.4 are dropped).
TEST(HeterogeneousGains, LinearNetworkMatchesTheClosedForms) {
    const Activation phi{ActivationKind::Linear};
    const double g = 0.5, sigma = 1.3;
    for (const NeuronParameterSpec gain : {NeuronParameterSpec{NeuronDistribution::Lognormal, 1.1, 0.6},
                                           NeuronParameterSpec{NeuronDistribution::Uniform, 0.9, 0.5}}) {
        const double b2 = neuronParameterMoment(gain, 2), b4 = neuronParameterMoment(gain, 4);
        const double gap = 1.0 - g * g * b2, s4 = std::pow(sigma, 4);
        const HeterogeneousGainTheory t = solveHeterogeneousGains(phi, g, sigma, gain);
        const auto expectClose = [](double value, double closed_form, const char* what) {
            EXPECT_NEAR(value, closed_form, 1e-7 * std::fabs(closed_form)) << what;
        };
        expectClose(t.delta0, sigma * sigma / (2.0 * std::sqrt(gap)), "Delta0");
        expectClose(t.x_zf.a, sigma * sigma / gap, "a_x");
        expectClose(t.x_zf.m2, s4 * (1.0 + std::pow(g, 4) * (b4 - b2 * b2)) / std::pow(gap, 4), "m2_x");
        expectClose(t.phi_zf.a, b2 * sigma * sigma / gap, "a_phi");
        expectClose(t.phi_zf.m2, s4 * b4 / std::pow(gap, 4), "m2_phi");
        expectClose(t.phi_zf.pr_over_n, b2 * b2 * gap * gap / b4, "PR_phi / N");
        expectClose(t.phi_zf.z_pr_over_n, t.x_zf.pr_over_n, "PR(R_phi) / N = PR(C_x) / N");
        expectClose(t.phi_zf.diagonal_cv2, b4 / (b2 * b2) - 1.0, "var_i C_ii / a^2 of phi");
        EXPECT_NEAR(t.x_zf.z_pr_over_n, t.x_zf.pr_over_n, 1e-12);
        EXPECT_NEAR(t.x_zf.diagonal_cv2, 0.0, 1e-12);
        const HeterogeneousZeroFrequency by_response =
            stateZeroFrequencyByLinearResponse(g, t.a_x_zf, t.g_eff, t.phi_zf.m2);
        expectClose(by_response.m2, t.x_zf.m2, "m2_x by linear response = the separable profile's");
        expectClose(by_response.pr_over_n, t.x_zf.pr_over_n, "PR_x / N by linear response");
    }
}

// x at zero frequency in a nonlinear network with gains (linear response through phi's products): with every
// gain 1 it is state_covariance.md's linear-equivalence result at w = 0, from the homogeneous DMFT (whose
// correlation solver on a time grid carries a relative 1e-6).
TEST(HeterogeneousGains, StateZeroFrequencyWithUnitGainsIsTheLinearEquivalentStates) {
    const Activation phi{ActivationKind::Tanh};
    const double g = 1.3, sigma = 0.7;
    const HeterogeneousGainTheory t = solveHeterogeneousGains(phi, g, sigma, NeuronParameterSpec{});
    const LinearMoments x =
        stateZeroFrequency(linearEquivalentSpectra(solveWhiteNoiseCorrelation(phi, g, sigma), g, sigma, 0.0));
    EXPECT_NEAR(t.x_zf.a, x.auto_mean, 1e-5 * x.auto_mean);
    EXPECT_NEAR(t.x_zf.m2, x.m2, 1e-5 * x.m2);
    EXPECT_NEAR(t.x_zf.n_cross_var, x.n_cross_var, 1e-5 * x.n_cross_var);
    EXPECT_NEAR(t.x_zf.pr_over_n, x.pr_over_n, 1e-5 * x.pr_over_n);
}

// z-scoring removes the diagonal heterogeneity: the z-scored dimension of phi exceeds the raw one, by
// more the wider the gains, while the state x (homogeneous diagonal) is unchanged.
TEST(HeterogeneousGains, ZScoringRaisesTheActivationDimension) {
    const Activation phi{ActivationKind::Tanh};
    double previous_gap = 0.0;
    for (const double cv : {0.3, 0.6}) {
        const HeterogeneousGainTheory t =
            solveHeterogeneousGains(phi, 1.2, 0.5, {NeuronDistribution::Lognormal, 1.0, cv});
        const double gap = t.phi_zf.z_pr_over_n - t.phi_zf.pr_over_n;
        EXPECT_GT(gap, previous_gap) << "cv = " << cv;
        EXPECT_GT(t.a_phi_diagonal_cv2, 0.0);
        previous_gap = gap;
    }
}

// With Ornstein-Uhlenbeck noise the white-noise DMFT with gains no longer holds for a nonlinear network, but
// the simulator's discrete site (the gains in classes) takes either noise: the equal-time statistics come
// from it, the zero-frequency ones are omitted with the reason. A linear network keeps its exact
// zero-frequency ones (they do not depend on the noise's color) and gains exact equal-time ones.
TEST(HeterogeneousGains, ColoredNoiseTakesTheEqualTimeStatisticsFromTheDiscreteSite) {
    EnsembleSpec spec;
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.network.gain = {NeuronDistribution::Uniform, 1.0, 0.3};
    spec.coupling.g = 0.5;
    spec.noise.tau = 0.5;
    spec.integration.dt = 0.1;
    const TheoryPrediction p = predict(spec);
    EXPECT_EQ(p.route, "heterogeneous_gains");
    const CovariancePrediction& phi_et = p.at(Variable::Phi, CovarianceKind::EqualTime);
    ASSERT_TRUE(phi_et.at(Statistic::PrOverN).available()) << phi_et.at(Statistic::PrOverN).reason;
    EXPECT_EQ(phi_et.at(Statistic::PrOverN).basis, Basis::Derived);
    ASSERT_TRUE(p.delta0.available()) << p.delta0.reason;
    EXPECT_NEAR(*p.delta0.value, *p.at(Variable::X, CovarianceKind::EqualTime).at(Statistic::AutoMean).value,
                1e-12);
    // The zero-frequency statistics too: the two-replica field at theta = theta' = 0
    // (neuron_class_four_point).
    const TheoryQuantity& zf = p.at(Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN);
    ASSERT_TRUE(zf.available()) << zf.reason;
    EXPECT_EQ(zf.basis, Basis::Derived);
    EXPECT_GT(*zf.value, 0.0);
    EXPECT_LT(*zf.value, *phi_et.at(Statistic::PrOverN).value);  // slow modes dominate at zero frequency

    spec.network.activation.kind = ActivationKind::Linear;
    const TheoryPrediction linear = predict(spec);
    EXPECT_EQ(linear.at(Variable::Phi, CovarianceKind::EqualTime).at(Statistic::PrOverN).basis, Basis::Exact);
    EXPECT_EQ(linear.at(Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN).basis,
              Basis::Exact);
}

// With gains the C_ii differ at O(1): a linear phi_i = b_i x_i has C_ii = b_i^2 Var x, so at N = infinity
// auto_var is Var(x)^2 Var(b^2), with E b^k = (1 + cv^2)^(k (k - 1) / 2) for lognormal gains of mean 1; x's
// is 0 (one field, one leak), so x's auto_var is O(1/N) again, with the within-class kappa as its coefficient
// (GainClassXAutoVariance.*). phi's ET 1/N term comes with the one loop (heterogeneity.md, section 9:
// sampled, so only when asked for); its ZF one is not derived.
TEST(HeterogeneousGains, AutoVarIsTheSpreadOfTheGainClasses) {
    EnsembleSpec spec;
    spec.network.activation.kind = ActivationKind::Linear;
    spec.network.gain = {NeuronDistribution::Lognormal, 1.0, 0.5};
    spec.coupling.g = 0.5;
    spec.integration.dt = 0.05;
    const TheoryPrediction p = predict(spec);
    const double b2 = 1.25, b4 = std::pow(1.25, 6.0), spread = b4 - b2 * b2;
    for (const CovarianceKind kind : {CovarianceKind::EqualTime, CovarianceKind::ZeroFrequency}) {
        const CovariancePrediction& x = p.at(Variable::X, kind);
        const CovariancePrediction& phi = p.at(Variable::Phi, kind);
        ASSERT_TRUE(phi.at(Statistic::AutoVar).available()) << phi.at(Statistic::AutoVar).reason;
        EXPECT_EQ(phi.at(Statistic::AutoVar).basis, Basis::Exact);
        const double var_x = *x.at(Statistic::AutoMean).value;
        // ET: the same site; ZF: the site's lag sum against the continuous closed form, O(dt^2) apart
        const double tolerance = kind == CovarianceKind::EqualTime ? 1e-6 : 1e-2;
        EXPECT_NEAR(*phi.at(Statistic::AutoVar).value, var_x * var_x * spread,
                    tolerance * var_x * var_x * spread);
        ASSERT_TRUE(x.at(Statistic::AutoVar).available());
        EXPECT_NEAR(*x.at(Statistic::AutoVar).value, 0.0, 1e-12 * var_x * var_x);
        EXPECT_FALSE(phi.firstOrder(Statistic::AutoVar).available());
        ASSERT_TRUE(x.firstOrder(Statistic::AutoVar).available()) << x.firstOrder(Statistic::AutoVar).reason;
        EXPECT_EQ(x.firstOrder(Statistic::AutoVar).basis, Basis::Derived);
        EXPECT_GT(*x.firstOrder(Statistic::AutoVar).value, 0.0);
    }
    PredictOptions asked;
    asked.sample_one_loop = true;
    const TheoryPrediction sampled = predict(spec, asked);
    const TheoryQuantity& phi_et =
        sampled.at(Variable::Phi, CovarianceKind::EqualTime).firstOrder(Statistic::AutoVar);
    ASSERT_TRUE(phi_et.available()) << phi_et.reason;
    EXPECT_EQ(phi_et.basis, Basis::Derived);
    EXPECT_GT(phi_et.se, 0.0);
    EXPECT_FALSE(
        sampled.at(Variable::Phi, CovarianceKind::ZeroFrequency).firstOrder(Statistic::AutoVar).available());
}

// One gain b for every neuron (a scan's cv = 0 point): phi's C_ii = b^2 C_ii of x for a linear phi, so phi's
// auto_var is O(1/N) like x's, with b^4 times x's coefficient, and needs no sampling.
TEST(HeterogeneousGains, WithoutASpreadPhisAutoVarIsOneOverNLikeXs) {
    EnsembleSpec spec;
    spec.network.activation.kind = ActivationKind::Linear;
    spec.network.gain = {NeuronDistribution::Uniform, 0.8, 0.0};
    spec.coupling.g = 0.5;
    spec.integration.dt = 0.05;
    const TheoryPrediction p = predict(spec);
    const TheoryQuantity& x = p.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoVar);
    const TheoryQuantity& phi = p.at(Variable::Phi, CovarianceKind::EqualTime).firstOrder(Statistic::AutoVar);
    ASSERT_TRUE(x.available()) << x.reason;
    ASSERT_TRUE(phi.available()) << phi.reason;
    EXPECT_NEAR(*phi.value, std::pow(0.8, 4) * *x.value, 1e-5 * *phi.value);
}

TEST(HeterogeneousGains, PredictRoutesGainsAndTagsWhatItDerives) {
    EnsembleSpec spec;
    spec.network.activation.kind = ActivationKind::Linear;
    spec.network.gain = {NeuronDistribution::Lognormal, 1.0, 0.5};
    spec.coupling.g = 0.5;
    spec.integration.dt = 0.05;  // the discrete sites' lags scale as 1 / dt
    const TheoryPrediction p = predict(spec);
    EXPECT_EQ(p.route, "heterogeneous_gains");
    const CovariancePrediction& phi = p.at(Variable::Phi, CovarianceKind::ZeroFrequency);
    ASSERT_TRUE(phi.at(Statistic::PrOverN).available()) << phi.at(Statistic::PrOverN).reason;
    EXPECT_EQ(phi.at(Statistic::PrOverN).basis, Basis::Exact);
    ASSERT_TRUE(phi.at(Statistic::ZPrOverN).available());
    EXPECT_GT(*phi.at(Statistic::ZPrOverN).value, *phi.at(Statistic::PrOverN).value);
    // At equal time (the discrete site with gain classes): exact for linear phi, and R_phi = R_x.
    const CovariancePrediction& phi_et = p.at(Variable::Phi, CovarianceKind::EqualTime);
    const CovariancePrediction& x_et = p.at(Variable::X, CovarianceKind::EqualTime);
    ASSERT_TRUE(phi_et.at(Statistic::ZPrOverN).available()) << phi_et.at(Statistic::ZPrOverN).reason;
    ASSERT_TRUE(x_et.at(Statistic::PrOverN).available()) << x_et.at(Statistic::PrOverN).reason;
    EXPECT_EQ(phi_et.at(Statistic::PrOverN).basis, Basis::Exact);
    EXPECT_GT(*phi_et.at(Statistic::ZPrOverN).value, *phi_et.at(Statistic::PrOverN).value);
    EXPECT_NEAR(*phi_et.at(Statistic::ZPrOverN).value, *x_et.at(Statistic::PrOverN).value, 1e-10);

    spec.network.tau = {NeuronDistribution::Lognormal, 2.0, 0.5};
    const TheoryPrediction with_tau = predict(spec);
    EXPECT_EQ(*with_tau.at(Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN).value,
              *phi.at(Statistic::PrOverN).value);
    // Per-neuron time constants: the ET statistics from the site with the neurons in classes, exact here.
    const TheoryQuantity& tau_pr = with_tau.at(Variable::X, CovarianceKind::EqualTime).at(Statistic::PrOverN);
    ASSERT_TRUE(tau_pr.available()) << tau_pr.reason;
    EXPECT_EQ(tau_pr.basis, Basis::Exact);

    // A nonlinear network with per-neuron time constants alone (no gain classes: a sixteenth of the cost).
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.network.gain = {};
    spec.network.tau = {NeuronDistribution::Lognormal, 1.0, 0.5};
    const TheoryPrediction nonlinear_tau = predict(spec);
    const TheoryQuantity& zf_a =
        nonlinear_tau.at(Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::AutoMean);
    ASSERT_TRUE(zf_a.available()) << zf_a.reason;
    EXPECT_EQ(zf_a.basis, Basis::Exact);
    const TheoryQuantity& et_m2 = nonlinear_tau.at(Variable::X, CovarianceKind::EqualTime).at(Statistic::ZM2);
    ASSERT_TRUE(et_m2.available()) << et_m2.reason;
    EXPECT_EQ(et_m2.basis, Basis::Derived);
    // x's ZF C_ii spread over the classes only by their noise's O(dt^2) (auto_var's limit is tiny) and its
    // 1/N coefficient is the classes' within-class spread (heterogeneity.md, section 10).
    const CovariancePrediction& x_zf = nonlinear_tau.at(Variable::X, CovarianceKind::ZeroFrequency);
    ASSERT_TRUE(x_zf.at(Statistic::AutoVar).available()) << x_zf.at(Statistic::AutoVar).reason;
    EXPECT_LT(*x_zf.at(Statistic::AutoVar).value, 1e-4);
    const TheoryQuantity& x_zf_kappa = x_zf.firstOrder(Statistic::AutoVar);
    ASSERT_TRUE(x_zf_kappa.available()) << x_zf_kappa.reason;
    EXPECT_EQ(x_zf_kappa.basis, Basis::Derived);
    EXPECT_GT(*x_zf_kappa.value, 0.1);
    // Without single-site sampling nothing covers them.
    PredictOptions no_sampling;
    no_sampling.sample_single_site = false;
    const TheoryPrediction unsampled = predict(spec, no_sampling);
    const TheoryQuantity& missing =
        unsampled.at(Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::AutoMean);
    EXPECT_FALSE(missing.available());
    EXPECT_NE(missing.reason.find("time constants"), std::string::npos) << missing.reason;
}

}  // namespace
}  // namespace quench::theory
