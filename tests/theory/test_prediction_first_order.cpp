// predict(): the 1/N coefficients (one_over_n) it reports for linear networks, and the reasons it gives
// where none is derived.
#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <string>
#include <tuple>
#include <utility>

#include "quench/neuron_parameters.hpp"
#include "quench/theory/linear_finite_size.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/prediction.hpp"

namespace quench::theory {
namespace {

EnsembleSpec linearModel(double g, double eta) {
    EnsembleSpec spec;
    spec.network.activation.kind = ActivationKind::Linear;
    spec.coupling.g = g;
    spec.coupling.symmetry = eta;
    spec.noise.sigma = 1.5;
    return spec;
}

double valueOf(const TheoryQuantity& q) {
    EXPECT_TRUE(q.available()) << q.reason;
    EXPECT_EQ(q.basis, Basis::Exact);
    return q.value.value_or(-1.0);
}

TEST(PredictFirstOrder, LinearNetworksCarryTheOneOverNTermsForXAndPhiAlike) {
    const EnsembleSpec spec = linearModel(0.5, 0.0);
    const TheoryPrediction p = predict(spec);
    const LinearFirstOrder zf = linearZeroFrequencyFirstOrder(0.5, 0.0, 1.5, DiagonalConvention::Gaussian);
    const LinearFirstOrder et = linearEqualTimeFirstOrder(0.5, 0.0, 1.5, DiagonalConvention::Gaussian);
    for (const Variable v : {Variable::X, Variable::Phi}) {
        const CovariancePrediction& z = p.at(v, CovarianceKind::ZeroFrequency);
        EXPECT_DOUBLE_EQ(valueOf(z.firstOrder(Statistic::AutoMean)), zf.auto_mean);
        EXPECT_DOUBLE_EQ(valueOf(z.firstOrder(Statistic::M1)), zf.auto_mean);
        EXPECT_DOUBLE_EQ(valueOf(z.firstOrder(Statistic::M2)), zf.m2);
        EXPECT_DOUBLE_EQ(valueOf(z.firstOrder(Statistic::PrOverN)), zf.pr_over_n);
        EXPECT_DOUBLE_EQ(valueOf(z.firstOrder(Statistic::AutoVar)), *zf.auto_var);
        EXPECT_DOUBLE_EQ(valueOf(z.firstOrder(Statistic::CrossMean)), 0.0);
        EXPECT_DOUBLE_EQ(valueOf(z.n_cross_var_one_over_n), *zf.n_cross_var);
        const CovariancePrediction& e = p.at(v, CovarianceKind::EqualTime);
        EXPECT_DOUBLE_EQ(valueOf(e.firstOrder(Statistic::PrOverN)), et.pr_over_n);
        EXPECT_DOUBLE_EQ(valueOf(e.n_cross_var_one_over_n), *et.n_cross_var);
        for (const Statistic s : {Statistic::CrossVar, Statistic::Pr, Statistic::M3, Statistic::M4}) {
            EXPECT_FALSE(z.firstOrder(s).available());
            EXPECT_FALSE(z.firstOrder(s).reason.empty());
        }
    }
    // The PR/N coefficient at g = 0.5 (iid, Gaussian diagonal) is -g^2 (2 + 7 g^2) = -0.9375, sigma-free.
    EXPECT_NEAR(*p.at(Variable::X, CovarianceKind::ZeroFrequency).firstOrder(Statistic::PrOverN).value,
                -0.9375, 1e-12);
}

TEST(PredictFirstOrder, TheZeroDiagonalConventionChangesTheCoefficients) {
    EnsembleSpec spec = linearModel(0.5, 0.0);
    spec.coupling.zero_diagonal = true;
    const TheoryPrediction p = predict(spec);
    EXPECT_NEAR(valueOf(p.at(Variable::X, CovarianceKind::ZeroFrequency).firstOrder(Statistic::PrOverN)),
                -0.09375, 1e-12);
}

TEST(PredictFirstOrder, AutoVarIsOnlyDerivedBeyondTheVerifiedCoupling) {
    const TheoryPrediction p = predict(linearModel(0.7, 0.0));
    const CovariancePrediction& zf = p.at(Variable::X, CovarianceKind::ZeroFrequency);
    EXPECT_EQ(zf.firstOrder(Statistic::AutoVar).basis, Basis::Derived);
    EXPECT_EQ(zf.firstOrder(Statistic::PrOverN).basis, Basis::Exact);
}

TEST(PredictFirstOrder, PartialSymmetryIsCovered) {
    const TheoryPrediction p = predict(linearModel(0.4, 0.5));
    EXPECT_TRUE(p.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::M2).available());
    EXPECT_TRUE(p.at(Variable::Phi, CovarianceKind::ZeroFrequency).n_cross_var_one_over_n.available());
}

// With eta != 0 the N = infinity ET m2, PR/N and N cross_var are the planar four-point limits of the 1/N
// quadrature (verified by free-S_inf fits, docs/theory/linear_finite_size.md section 8).
TEST(PredictFirstOrder, PartiallySymmetricEqualTimeReportsThePlanarFourPointLimits) {
    for (const auto& [g, eta] : {std::pair{0.45, 0.5}, std::pair{0.5, -0.5}}) {
        const TheoryPrediction p = predict(linearModel(g, eta));
        const LinearFirstOrder::Limit limit =
            linearEqualTimeFirstOrder(g, eta, 1.5, DiagonalConvention::Gaussian).limit;
        for (const Variable v : {Variable::X, Variable::Phi}) {
            const CovariancePrediction& et = p.at(v, CovarianceKind::EqualTime);
            EXPECT_NEAR(valueOf(et.at(Statistic::PrOverN)), limit.pr_over_n, 1e-9) << "eta = " << eta;
            EXPECT_NEAR(valueOf(et.at(Statistic::M2)), limit.m2, 1e-9) << "eta = " << eta;
            EXPECT_NEAR(valueOf(et.n_cross_var), limit.n_cross_var, 1e-9) << "eta = " << eta;
            EXPECT_EQ(et.at(Statistic::ZPrOverN).basis, Basis::Derived);
            EXPECT_FALSE(et.at(Statistic::M3).available());
            EXPECT_NE(et.at(Statistic::M3).reason.find("eta != 0"), std::string::npos)
                << et.at(Statistic::M3).reason;
        }
    }
}

TEST(PredictFirstOrder, PartiallySymmetricEqualTimeAutoMeanIsTheClosedFormTheQuadratureReproduces) {
    for (const auto& [g, eta] : {std::pair{0.45, 0.5}, std::pair{0.5, -0.5}}) {
        const double a = valueOf(
            predict(linearModel(g, eta)).at(Variable::X, CovarianceKind::EqualTime).at(Statistic::AutoMean));
        EXPECT_DOUBLE_EQ(a, linearEqualTimeAutoMeanPartiallySymmetric(g, eta, 1.5));
        EXPECT_NEAR(linearEqualTimeFirstOrder(g, eta, 1.5, DiagonalConvention::Gaussian).limit.auto_mean, a,
                    1e-6 * a);
    }
}

TEST(PredictFirstOrder, PartiallySymmetricEqualTimeTendsToTheIidClosedFormAsEtaVanishes) {
    const LinearMoments iid = linearEqualTimeIid(0.5, 1.5);
    const TheoryPrediction p = predict(linearModel(0.5, 1e-9));
    const CovariancePrediction& et = p.at(Variable::X, CovarianceKind::EqualTime);
    EXPECT_NEAR(valueOf(et.at(Statistic::PrOverN)), iid.pr_over_n, 1e-6);
    EXPECT_NEAR(valueOf(et.at(Statistic::M2)), iid.m2, 1e-6 * iid.m2);
    EXPECT_NEAR(valueOf(et.n_cross_var), iid.n_cross_var, 1e-6 * iid.m2);
}

// With eta != 0 and OU noise the ET statistics are the planar limits of the first-order quadrature with the
// noise filter in every frequency integral (verified at finite N in
// FiniteSizeMonteCarlo.ColoredNoiseEqualTimeCoefficientsMatchExactLyapunovSolutionsAtN24And48).
TEST(PredictFirstOrder, PartiallySymmetricEqualTimeWithColoredNoiseComesFromTheFilteredQuadrature) {
    EnsembleSpec colored = linearModel(0.45, 0.5);
    colored.noise.tau = 0.5;
    const TheoryPrediction p = predict(colored);
    const CovariancePrediction& et = p.at(Variable::X, CovarianceKind::EqualTime);
    const LinearFirstOrder::Limit limit =
        linearEqualTimeFirstOrder(0.45, 0.5, 1.5, DiagonalConvention::Gaussian, 0.5).limit;
    EXPECT_NEAR(valueOf(et.at(Statistic::AutoMean)), limit.auto_mean, 1e-12);
    EXPECT_NEAR(valueOf(et.at(Statistic::M2)), limit.m2, 1e-12);
    EXPECT_NEAR(valueOf(et.at(Statistic::PrOverN)), limit.pr_over_n, 1e-12);
    EXPECT_EQ(et.at(Statistic::PrOverN).basis, Basis::Exact);
    EXPECT_LT(limit.auto_mean, linearEqualTimeAutoMeanPartiallySymmetric(0.45, 0.5, 1.5));
}

TEST(PredictFirstOrder, ColoredNoiseHasBothCovariancesFirstOrderTerms) {
    EnsembleSpec colored = linearModel(0.5, 0.0);
    colored.noise.tau = 0.5;
    const TheoryPrediction c = predict(colored);
    EXPECT_TRUE(c.at(Variable::X, CovarianceKind::ZeroFrequency).firstOrder(Statistic::PrOverN).available());
    const TheoryQuantity& et = c.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::PrOverN);
    EXPECT_NEAR(valueOf(et),
                linearEqualTimeFirstOrder(0.5, 0.0, 1.5, DiagonalConvention::Gaussian, 0.5).pr_over_n, 1e-9);
}

TEST(PredictFirstOrder, WhatIsNotDerivedIsAbsentWithAReason) {
    EnsembleSpec modes = linearModel(0.5, 0.0);
    modes.coupling.model = CouplingModel::RandomMode;
    const TheoryPrediction pm = predict(modes);
    const TheoryQuantity& m = pm.at(Variable::X, CovarianceKind::ZeroFrequency).n_cross_var_one_over_n;
    EXPECT_FALSE(m.available());
    EXPECT_NE(m.reason.find("iid"), std::string::npos) << m.reason;

    EnsembleSpec tanh = linearModel(0.5, 0.0);
    tanh.network.activation.kind = ActivationKind::Tanh;
    const TheoryPrediction pt = predict(tanh);
    const TheoryQuantity& t =
        pt.at(Variable::Phi, CovarianceKind::ZeroFrequency).firstOrder(Statistic::AutoMean);
    EXPECT_FALSE(t.available());
    EXPECT_NE(t.reason.find("nonlinear_finite_size.md"), std::string::npos) << t.reason;
}

// Nonlinear iid networks (eta = 0): the ET auto means carry the one-loop term, sampled (its
// se beside it), when asked for, and the ZF ones where their lag sums have converged in the window;
// everything else stays absent with the reason. Their values against simulations:
// docs/theory/one_loop_site.md (tanh, g = 1, dt = 0.05: ET 0.116 +- 0.003 for x, measured 0.131 +- 0.008;
// section 7: ZF 3.38 +- 0.09 and 1.09 +- 0.05 with 128 paths, measured 3.48 +- 0.24 and 1.16 +- 0.10).
TEST(PredictFirstOrder, NonlinearAutoMeansCarryTheOneLoopTermWhenAskedFor) {
    EnsembleSpec spec = linearModel(1.0, 0.0);
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.noise.sigma = 1.0;
    spec.integration.dt = 0.05;
    PredictOptions asked;
    asked.sample_one_loop = true;
    const TheoryPrediction p = predict(spec, asked);
    for (const Variable v : {Variable::X, Variable::Phi}) {
        const CovariancePrediction& et = p.at(v, CovarianceKind::EqualTime);
        for (const Statistic s : {Statistic::AutoMean, Statistic::M1}) {
            const TheoryQuantity& c = et.firstOrder(s);
            ASSERT_TRUE(c.available()) << c.reason;
            EXPECT_EQ(c.basis, Basis::Derived);
            EXPECT_GT(c.se, 0.0);
        }
        const TheoryQuantity& pr = et.firstOrder(Statistic::PrOverN);
        EXPECT_FALSE(pr.available());
        EXPECT_NE(pr.reason.find("one_loop_site.md"), std::string::npos) << pr.reason;
        EXPECT_FALSE(p.at(v, CovarianceKind::ZeroFrequency).firstOrder(Statistic::PrOverN).available());
    }
    const TheoryQuantity& x = p.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean);
    EXPECT_NEAR(*x.value, 0.12, 0.03) << "se " << x.se;
    // The auto_var's coefficient is the site-to-site spread of C_ii (docs/theory/site_auto_variance.md):
    // simulated N auto_var fitted to kappa + d/N, ET at N = 50..800 0.4507 +- 0.0047 (x) and 0.03291 +-
    // 0.00033 (phi); ZF (section 5) at N = 50..400 from tanh_finite_size_g1's runs 16.44 +- 0.28 and 2.370 +-
    // 0.048.
    for (const auto& [kind, v, measured, measured_se] :
         {std::tuple{CovarianceKind::EqualTime, Variable::X, 0.4507, 0.0047},
          std::tuple{CovarianceKind::EqualTime, Variable::Phi, 0.03291, 0.00033},
          std::tuple{CovarianceKind::ZeroFrequency, Variable::X, 16.44, 0.28},
          std::tuple{CovarianceKind::ZeroFrequency, Variable::Phi, 2.370, 0.048}}) {
        const TheoryQuantity& kappa = p.at(v, kind).firstOrder(Statistic::AutoVar);
        ASSERT_TRUE(kappa.available()) << kappa.reason;
        EXPECT_EQ(kappa.basis, Basis::Derived);
        EXPECT_NEAR(*kappa.value, measured, 4.0 * measured_se);
    }
    for (const auto& [v, reference, reference_se] :
         {std::tuple{Variable::X, 3.38, 0.09}, std::tuple{Variable::Phi, 1.09, 0.05}}) {
        const TheoryQuantity& zf = p.at(v, CovarianceKind::ZeroFrequency).firstOrder(Statistic::AutoMean);
        ASSERT_TRUE(zf.available()) << zf.reason;
        EXPECT_EQ(zf.basis, Basis::Derived);
        EXPECT_NEAR(*zf.value, reference, 4.0 * std::hypot(zf.se, reference_se)) << "se " << zf.se;
    }
    // At g = 1.5 the ZF lag sums still grow at the end of the window (56 at 20 time units, 76 at 60): absent,
    // with the reason; the ET terms stay.
    EnsembleSpec near_edge = spec;
    near_edge.coupling.g = 1.5;
    const TheoryPrediction edge = predict(near_edge, asked);
    const TheoryQuantity& zf =
        edge.at(Variable::X, CovarianceKind::ZeroFrequency).firstOrder(Statistic::AutoMean);
    EXPECT_FALSE(zf.available());
    EXPECT_NE(zf.reason.find("not converged"), std::string::npos) << zf.reason;
    EXPECT_TRUE(edge.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean).available());

    EXPECT_FALSE(
        predict(spec).at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean).available());
    // J_ii = 0 turns Var x_i's coefficient negative (one_loop_site.md, section 9: -0.254, measured -0.259).
    spec.coupling.zero_diagonal = true;
    const TheoryQuantity zero_diagonal =
        predict(spec, asked).at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean);
    ASSERT_TRUE(zero_diagonal.available()) << zero_diagonal.reason;
    EXPECT_NEAR(*zero_diagonal.value, -0.254, 0.03) << "se " << zero_diagonal.se;
    // OU noise of memory 10 at dt = 0.01 needs a window of 50, 5001 lags: predict() leaves the terms to the
    // tool and says so.
    spec.coupling.zero_diagonal = false;
    spec.noise.tau = 10.0;
    spec.integration.dt = 0.01;
    const TheoryPrediction colored = predict(spec, asked);
    EXPECT_FALSE(
        colored.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean).available());
    EXPECT_TRUE(std::any_of(colored.notes.begin(), colored.notes.end(), [](const std::string& note) {
        return note.find("quench_one_loop_site_means") != std::string::npos;
    }));
}

// Per-neuron gains (one_loop_site.md, section 11): the ET auto means become the simulator's recursion's (the
// discrete site with the gains in classes: Var x 0.66452 at dt = 0.05 against the continuous DMFT's 0.66443)
// and carry the one-loop terms of a site of random gain (+0.104 and -0.006 with 256 paths; measured
// +0.099(6) and -0.008(1)); with the zero diagonal each site leaves its own product out of its field
// (sections 9 and 11: -0.2186 and -0.0589 with 256 paths).
// tanh at g = 1, sigma = 1, dt = 0.05 (the finite-size presets' model), and the options that ask for the one
// loop.
EnsembleSpec tanhAtTheEdge() {
    EnsembleSpec spec = linearModel(1.0, 0.0);
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.noise.sigma = 1.0;
    spec.integration.dt = 0.05;
    return spec;
}

PredictOptions oneLoopAsked() {
    PredictOptions asked;
    asked.sample_one_loop = true;
    return asked;
}

TEST(PredictFirstOrder, WithPerNeuronGainsTheAutoMeansCarryTheRandomGainSitesTerms) {
    EnsembleSpec spec = tanhAtTheEdge();
    spec.network.gain = {NeuronDistribution::Lognormal, 1.0, 0.5};
    const PredictOptions asked = oneLoopAsked();
    const TheoryPrediction p = predict(spec, asked);
    EXPECT_EQ(p.route, "heterogeneous_gains");
    const CovariancePrediction& x = p.at(Variable::X, CovarianceKind::EqualTime);
    const CovariancePrediction& phi = p.at(Variable::Phi, CovarianceKind::EqualTime);
    EXPECT_NEAR(*x.at(Statistic::AutoMean).value, 0.66452, 2e-5);
    const TheoryQuantity& cx = x.firstOrder(Statistic::AutoMean);
    const TheoryQuantity& cphi = phi.firstOrder(Statistic::AutoMean);
    ASSERT_TRUE(cx.available()) << cx.reason;
    ASSERT_TRUE(cphi.available()) << cphi.reason;
    EXPECT_EQ(cx.basis, Basis::Derived);
    EXPECT_NEAR(*cx.value, 0.104, 4.0 * cx.se) << "se " << cx.se;
    EXPECT_NEAR(*cphi.value, -0.006, 4.0 * cphi.se) << "se " << cphi.se;
    // Without the one-loop terms asked for, the limits are the recursion's all the same.
    const TheoryPrediction plain = predict(spec);
    EXPECT_NEAR(*plain.at(Variable::X, CovarianceKind::EqualTime).at(Statistic::AutoMean).value, 0.66452,
                2e-5);
    EXPECT_FALSE(
        plain.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean).available());
    spec.coupling.zero_diagonal = true;
    const TheoryPrediction zero = predict(spec, asked);
    const TheoryQuantity& zx =
        zero.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean);
    const TheoryQuantity& zphi =
        zero.at(Variable::Phi, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean);
    ASSERT_TRUE(zx.available()) << zx.reason;
    ASSERT_TRUE(zphi.available()) << zphi.reason;
    EXPECT_NEAR(*zx.value, -0.2186, 4.0 * std::hypot(zx.se, 0.0009)) << "se " << zx.se;
    EXPECT_NEAR(*zphi.value, -0.0589, 4.0 * std::hypot(zphi.se, 0.0003)) << "se " << zphi.se;
}

// Per-neuron time constants (one_loop_site.md, section 12): the ET auto means are the discrete site's with
// the neurons in classes of time constant, and carry the one-loop terms with a self field per class (8
// classes; tanh, g = 1, lognormal cv 0.5, dt = 0.05, 134 paths: +0.1227 +- 0.0030 and -0.0030 +- 0.0008).
TEST(PredictFirstOrder, WithPerNeuronTimeConstantsTheAutoMeansCarryTheClassResolvedTerms) {
    EnsembleSpec spec = tanhAtTheEdge();
    spec.network.tau = {NeuronDistribution::Lognormal, 1.0, 0.5};
    const TheoryPrediction p = predict(spec, oneLoopAsked());
    EXPECT_EQ(p.route, "heterogeneous_gains");
    const TheoryQuantity& cx = p.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean);
    const TheoryQuantity& cphi =
        p.at(Variable::Phi, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean);
    ASSERT_TRUE(cx.available()) << cx.reason;
    ASSERT_TRUE(cphi.available()) << cphi.reason;
    EXPECT_EQ(cx.basis, Basis::Derived);
    EXPECT_NEAR(*cx.value, 0.1227, 4.0 * std::hypot(cx.se, 0.0030)) << "se " << cx.se;
    EXPECT_NEAR(*cphi.value, -0.0030, 4.0 * std::hypot(cphi.se, 0.0008)) << "se " << cphi.se;
    EXPECT_TRUE(std::any_of(p.notes.begin(), p.notes.end(), [](const std::string& n) {
        return n.find("8 classes of time constant") != std::string::npos;
    }));
    // At the default dt = 0.01 (2001 lags) the terms are still computed, with 4 classes.
    EnsembleSpec fine = spec;
    fine.integration.dt = 0.01;
    EXPECT_TRUE(computesOneLoopTerms(fine, oneLoopAsked()));
    // The ZF lag sums with heterogeneous neurons are not held against simulations: absent, with a reason.
    const TheoryQuantity& zf =
        p.at(Variable::X, CovarianceKind::ZeroFrequency).firstOrder(Statistic::AutoMean);
    EXPECT_FALSE(zf.available());
    EXPECT_FALSE(zf.reason.empty());
}

// A linear network with per-neuron time constants has no exact 1/N formula (those have one class of neuron):
// the one loop gives its ET auto mean, which exact finite-N covariances confirm (one_loop_site.md section 12:
// c = 0.1442 +- 0.0045 at g = 0.5, cv 0.5, dt = 0.05, against 0.1429 +- 0.0022 with 134 paths).
TEST(PredictFirstOrder, ALinearNetworkWithTimeConstantsTakesTheOneLoopTerm) {
    EnsembleSpec spec = linearModel(0.5, 0.0);
    spec.network.tau = {NeuronDistribution::Lognormal, 1.0, 0.5};
    spec.noise.sigma = 1.0;
    spec.integration.dt = 0.05;
    const PredictOptions asked = oneLoopAsked();
    const TheoryPrediction p = predict(spec, asked);
    const TheoryQuantity& cx = p.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean);
    const TheoryQuantity& cphi =
        p.at(Variable::Phi, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean);
    ASSERT_TRUE(cx.available()) << cx.reason;
    EXPECT_EQ(cx.basis, Basis::Derived);
    EXPECT_NEAR(*cx.value, 0.1442, 4.0 * std::hypot(cx.se, 0.0045)) << "se " << cx.se;
    ASSERT_TRUE(cphi.available()) << cphi.reason;
    EXPECT_NEAR(*cphi.value, *cx.value, 1e-9);  // phi = x, path by path
    // x's auto_var is O(1), Var_c Delta_c(0); its 1/N term (heterogeneity.md, section 10) against the exact
    // finite-N covariances (scripts/linear_time_constants_exact.py --control, N = 50..400, R = 8000..1000,
    // 2-core VM, 2026-11-30): c = 0.1214 +- 0.0040 with S_inf fixed at 0.1092204 (chi2 4.3/3).
    const TheoryQuantity& vx = p.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoVar);
    const TheoryQuantity& vphi =
        p.at(Variable::Phi, CovarianceKind::EqualTime).firstOrder(Statistic::AutoVar);
    ASSERT_TRUE(vx.available()) << vx.reason;
    EXPECT_EQ(vx.basis, Basis::Derived);
    EXPECT_NEAR(*vx.value, 0.1214, 4.0 * std::hypot(vx.se, 0.0040)) << "se " << vx.se;
    ASSERT_TRUE(vphi.available()) << vphi.reason;
    EXPECT_NEAR(*vphi.value, *vx.value, 1e-9);
    EXPECT_TRUE(computesOneLoopTerms(spec, asked));
    // Without them asked for, absent.
    EXPECT_FALSE(
        predict(spec).at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean).available());
}

}  // namespace
}  // namespace quench::theory
