// Nonlinear networks with partially symmetric couplings: the Gaussian closure of linear equivalence
// (docs/theory/partial_symmetry.md) against the exact eta = 0 DMFT, the linear closed forms, the numpy
// prototype's values, and predict()'s route and tags.
#include "quench/theory/partial_symmetry_dmft.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

#include "activation_of.hpp"
#include "closure_grid.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/prediction.hpp"

namespace quench::theory {
namespace {

using quench::testing::activationOf;
using quench::testing::closureGrid;

// predict() with the closure's single site (the sampled exact one has its own tests, test_sampled_dmft.cpp).
TheoryPrediction closurePrediction(const EnsembleSpec& spec) {
    PredictOptions options;
    options.sample_single_site = false;
    return predict(spec, options);
}

// A tanh network (sigma = 1, g = 1) with partially symmetric couplings, eta = 0.5.
EnsembleSpec tanhWithSymmetry() {
    EnsembleSpec spec;
    spec.network.activation.kind = ActivationKind::Tanh;
    spec.coupling.g = 1.0;
    spec.coupling.symmetry = 0.5;
    spec.noise.sigma = 1.0;
    return spec;
}

TEST(PartiallySymmetricClosure, AtEtaZeroItIsTheExactWhiteNoiseDmft) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    for (const double g : {0.5, 1.0, 1.5}) {
        const DmftCorrelation exact = solveWhiteNoiseCorrelation(tanh_phi, g, 1.0, closureGrid());
        const DmftCorrelation closure =
            solvePartiallySymmetricCorrelation(tanh_phi, g, 0.0, 1.0, closureGrid());
        EXPECT_NEAR(closure.delta0, exact.delta0, 1e-4) << "g " << g;
        EXPECT_NEAR(closure.gamma, exact.gamma, 1e-4) << "g " << g;
        EXPECT_NEAR(closure.c_phi[0], exact.c_phi[0], 1e-4) << "g " << g;
        const double pr_exact = equalTimeActivationDimension(exact, g);
        EXPECT_NEAR(equalTimeActivationDimension(closure, g), pr_exact, 1e-3 * pr_exact) << "g " << g;
        const double zf = activationSpectrum(exact, 0.0);
        EXPECT_NEAR(activationSpectrum(closure, 0.0), zf, 1e-3 * zf) << "g " << g;
    }
}

// Linear phi: the closure is exact (r = 0) and gives the linear partially symmetric closed forms.
TEST(PartiallySymmetricClosure, LinearPhiReproducesTheLinearPartiallySymmetricClosedForms) {
    const Activation linear = activationOf(ActivationKind::Linear);
    const double sigma = 1.2;
    for (const double eta : {0.5, -0.5}) {
        const double g = 0.6;
        const DmftCorrelation c = solvePartiallySymmetricCorrelation(linear, g, eta, sigma, closureGrid());
        const double a = linearEqualTimeAutoMeanPartiallySymmetric(g, eta, sigma);
        EXPECT_NEAR(c.delta0, a, 1e-4 * a) << "eta " << eta;
        EXPECT_NEAR(c.gamma, 1.0, 1e-12);
        const LinearMoments zf = linearZeroFrequencyPartiallySymmetric(g, eta, sigma);
        EXPECT_NEAR(activationSpectrum(c, 0.0), zf.auto_mean, 1e-3 * zf.auto_mean) << "eta " << eta;
        EXPECT_NEAR(partiallySymmetricStateSpectrum(c, g, eta, sigma, 0.0), zf.auto_mean,
                    1e-3 * zf.auto_mean);
        // The equivalent noise is the white noise itself (no residual): L(w) = sigma^2.
        for (const double w : {0.0, 0.3, 2.0})
            EXPECT_NEAR(partiallySymmetricEquivalentNoise(c, g, eta, w), sigma * sigma, 2e-3 * sigma * sigma)
                << "eta " << eta << " w " << w;
    }
}

// The numpy prototype (briefs/eta_closure_prototype.py): tanh, sigma = 1, g = 1.
TEST(PartiallySymmetricClosure, TanhMatchesThePrototypeValues) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    const DmftCorrelation plus = solvePartiallySymmetricCorrelation(tanh_phi, 1.0, 0.5, 1.0, closureGrid());
    EXPECT_NEAR(plus.delta0, 0.93346, 2e-3 * 0.93346);
    EXPECT_NEAR(plus.gamma, 0.61820, 2e-3 * 0.61820);
    EXPECT_NEAR(plus.c_phi[0], 0.38180, 2e-3 * 0.38180);
    const DmftCorrelation minus = solvePartiallySymmetricCorrelation(tanh_phi, 1.0, -0.5, 1.0, closureGrid());
    EXPECT_NEAR(minus.delta0, 0.57081, 2e-3 * 0.57081);
    // Symmetric couplings (eta > 0) reinforce the fluctuations, antisymmetric ones damp them.
    const DmftCorrelation iid = solveWhiteNoiseCorrelation(tanh_phi, 1.0, 1.0, closureGrid());
    EXPECT_GT(plus.delta0, iid.delta0);
    EXPECT_LT(minus.delta0, iid.delta0);
}

void expectDomainErrorNaming(const std::function<void()>& f, const std::string& name) {
    try {
        f();
        ADD_FAILURE() << "no std::domain_error naming " << name;
    } catch (const std::domain_error& e) {
        EXPECT_EQ(std::string(e.what()).rfind(name, 0), 0u)
            << "the message starts with the parameter: " << e.what();
    }
}

TEST(PartiallySymmetricClosure, RejectsBadSymmetryAndUnstableInputsNamingTheParameter) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    const Activation linear = activationOf(ActivationKind::Linear);
    expectDomainErrorNaming(
        [&] { solvePartiallySymmetricCorrelation(tanh_phi, 1.0, 1.5, 1.0, closureGrid()); }, "eta");
    expectDomainErrorNaming(
        [&] { solvePartiallySymmetricCorrelation(tanh_phi, 1.0, -1.01, 1.0, closureGrid()); }, "eta");
    expectDomainErrorNaming(
        [&] { solvePartiallySymmetricCorrelation(tanh_phi, -1.0, 0.5, 1.0, closureGrid()); }, "g");
    expectDomainErrorNaming(
        [&] { solvePartiallySymmetricCorrelation(tanh_phi, 1.0, 0.5, 0.0, closureGrid()); }, "sigma");
    // A linear network past the edge of the spectral ellipse, g (1 + eta) >= 1.
    expectDomainErrorNaming([&] { solvePartiallySymmetricCorrelation(linear, 0.8, 0.5, 1.0, closureGrid()); },
                            "g");
    expectDomainErrorNaming(
        [&] {
            solvePartiallySymmetricCorrelation(activationOf(ActivationKind::Relu), 0.5, 0.5, 1.0,
                                               closureGrid());
        },
        "phi");
}

TEST(PartiallySymmetricClosure, PredictRoutesTanhWithSymmetryToTheClosureTaggedLinearEquivalence) {
    EnsembleSpec spec = tanhWithSymmetry();
    const TheoryPrediction p = closurePrediction(spec);
    EXPECT_EQ(p.route, "dmft_partial_symmetry");
    ASSERT_TRUE(p.delta0.available()) << p.delta0.reason;
    EXPECT_NEAR(*p.delta0.value, 0.93346, 2e-3);
    EXPECT_EQ(p.delta0.basis, Basis::LinearEquivalence);
    const CovariancePrediction& x_et = p.at(Variable::X, CovarianceKind::EqualTime);
    const CovariancePrediction& phi_et = p.at(Variable::Phi, CovarianceKind::EqualTime);
    const CovariancePrediction& phi_zf = p.at(Variable::Phi, CovarianceKind::ZeroFrequency);
    const CovariancePrediction& x_zf = p.at(Variable::X, CovarianceKind::ZeroFrequency);
    for (const CovariancePrediction* c : {&x_et, &phi_et, &phi_zf, &x_zf}) {
        ASSERT_TRUE(c->at(Statistic::AutoMean).available()) << c->at(Statistic::AutoMean).reason;
        EXPECT_EQ(c->at(Statistic::AutoMean).basis, Basis::LinearEquivalence);
    }
    EXPECT_NEAR(*phi_et.at(Statistic::AutoMean).value, 0.38180, 2e-3);
    for (const CovariancePrediction* c : {&phi_et, &phi_zf, &x_et, &x_zf}) {
        ASSERT_TRUE(c->at(Statistic::PrOverN).available()) << c->at(Statistic::PrOverN).reason;
        EXPECT_EQ(c->at(Statistic::PrOverN).basis, Basis::LinearEquivalence);
        EXPECT_GT(*c->at(Statistic::PrOverN).value, 0.0);
        EXPECT_LT(*c->at(Statistic::PrOverN).value, 1.0);
    }
    // The linear ZF statistics at g_eff with sigma^2 -> L(0) give back a = S_phi(0).
    const LinearMoments linear_zf =
        linearZeroFrequencyPartiallySymmetric(*p.g_eff.value, 0.5, 1.0);  // a scales with sigma^2
    EXPECT_NEAR(*phi_zf.at(Statistic::PrOverN).value, linear_zf.pr_over_n, 1e-12);
    // x is the leak-filtered input: lower-dimensional than phi, at equal time as at eta = 0.
    EXPECT_LT(*x_et.at(Statistic::PrOverN).value, *phi_et.at(Statistic::PrOverN).value);
    EXPECT_FALSE(x_et.at(Statistic::M3).available());
    EXPECT_FALSE(x_et.at(Statistic::M3).reason.empty());
    EXPECT_FALSE(p.chaotic.available());
    EXPECT_FALSE(phi_et.firstOrder(Statistic::PrOverN).available());
    EXPECT_NE(phi_et.firstOrder(Statistic::PrOverN).reason.find("1/N"), std::string::npos);
    bool noted = false;
    for (const std::string& n : p.notes) noted = noted || n.find("approximation") != std::string::npos;
    EXPECT_TRUE(noted);
}

// Ornstein-Uhlenbeck noise enters the closure through S_xi = sigma^2 / (1 + tau_n^2 w^2) in L and S_x (and
// removes the kinks at tau = 0). At eta = 0 it must be the exact colored-noise DMFT; for linear phi the exact
// linear ET auto mean with symmetry and colored noise, which predict() takes from the first-order quadrature
// (an independent route: adaptive frequency quadrature against the closure's cosine transforms).
TEST(PartiallySymmetricClosure, ColoredNoiseIsTheExactColoredDmftAtEtaZeroAndTheLinearTheoryForLinearPhi) {
    const Activation tanh_phi = activationOf(ActivationKind::Tanh);
    for (const double tau : {0.1, 1.0, 10.0}) {
        const DmftCorrelation closure =
            solvePartiallySymmetricCorrelation(tanh_phi, 1.5, 0.0, 1.0, closureGrid(), tau);
        const DmftCorrelation dmft = solveColoredNoiseCorrelation(tanh_phi, 1.5, 1.0, tau, closureGrid());
        EXPECT_NEAR(closure.delta0, dmft.delta0, 1e-4 * dmft.delta0) << "tau_n = " << tau;
        EXPECT_NEAR(closure.c_phi.front(), dmft.c_phi.front(), 1e-4 * dmft.c_phi.front())
            << "tau_n = " << tau;
    }
    EnsembleSpec linear = tanhWithSymmetry();
    linear.network.activation = activationOf(ActivationKind::Linear);
    linear.coupling.g = 0.5;
    linear.noise.tau = 2.0;
    const TheoryPrediction p = predict(linear);
    const DmftCorrelation c =
        solvePartiallySymmetricCorrelation(linear.network.activation, 0.5, 0.5, 1.0, closureGrid(), 2.0);
    const CovariancePrediction& et = p.at(Variable::X, CovarianceKind::EqualTime);
    EXPECT_EQ(et.at(Statistic::AutoMean).basis, Basis::Exact);
    EXPECT_NEAR(*et.at(Statistic::AutoMean).value, c.delta0, 1e-4 * c.delta0);
    EXPECT_LT(c.delta0,
              linearEqualTimeAutoMeanPartiallySymmetric(0.5, 0.5, 1.0));  // slow noise: less variance
    EXPECT_TRUE(et.at(Statistic::PrOverN).available());
}

TEST(PartiallySymmetricClosure, PredictCarriesColoredNoiseIntoTheClosure) {
    EnsembleSpec spec = tanhWithSymmetry();
    spec.noise.tau = 0.5;
    const TheoryPrediction p = closurePrediction(spec);
    EXPECT_EQ(p.route, "dmft_partial_symmetry");
    EXPECT_EQ(p.delta0.basis, Basis::LinearEquivalence);
    const DmftCorrelation c =
        solvePartiallySymmetricCorrelation(spec.network.activation, 1.0, 0.5, 1.0, closureGrid(), 0.5);
    EXPECT_NEAR(*p.delta0.value, c.delta0, 1e-9);
    EXPECT_LT(
        c.delta0,
        solvePartiallySymmetricCorrelation(spec.network.activation, 1.0, 0.5, 1.0, closureGrid()).delta0);
    EXPECT_TRUE(p.at(Variable::Phi, CovarianceKind::EqualTime).at(Statistic::PrOverN).available());
    EXPECT_TRUE(p.at(Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN).available());
}

}  // namespace
}  // namespace quench::theory
