// lim N Var_i C_ii of a nonlinear network's Gaussian site (host/theory/site_auto_variance.hpp), held where it
// is known exactly: a linear phi must give the linear network's equal-time kappa (linear_finite_size.md
// section 5, continuous time) once the discrete recursion's O(dt) is extrapolated away, with either diagonal.
// Its nonlinear values are held to simulations in docs/theory/site_auto_variance.md.
#include <gtest/gtest.h>

#include "../../host/step_coefficients.hpp"
#include "../../host/theory/discrete_gaussian_site.hpp"
#include "../../host/theory/site_auto_variance.hpp"
#include "activation_of.hpp"
#include "quench/ensemble_spec.hpp"
#include "quench/theory/linear_finite_size.hpp"

namespace quench::theory {
namespace {

detail::SiteAutoVariance kappaAt(const Activation& phi, double g, double dt, bool zero_diagonal) {
    EnsembleSpec spec;
    spec.integration.dt = dt;
    spec.noise.sigma = 1.0;
    const StepCoefficients step = stepCoefficients(spec);
    const detail::DiscreteGaussianSite site = detail::discreteGaussianSiteUntilDecayed(phi, g, step, dt);
    return detail::siteAutoVariance(phi, site, g, step, zero_diagonal);
}

// kappa(dt) = kappa + c dt + O(dt^2): Richardson from dt = 0.02 and 0.01 leaves O(dt^2), about 1e-5 here.
TEST(SiteAutoVariance, ALinearPhiGivesTheLinearNetworksExactValue) {
    const Activation linear = quench::testing::activationOf(ActivationKind::Linear);
    const double g = 0.5;
    for (const auto& [zero_diagonal, convention] :
         {std::pair{false, DiagonalConvention::Gaussian}, std::pair{true, DiagonalConvention::Zero}}) {
        const detail::SiteAutoVariance coarse = kappaAt(linear, g, 0.02, zero_diagonal);
        const detail::SiteAutoVariance fine = kappaAt(linear, g, 0.01, zero_diagonal);
        EXPECT_NEAR(fine.x, fine.phi, 1e-12) << "phi = x";
        const double extrapolated = 2.0 * fine.x - coarse.x;
        const LinearFirstOrder exact = linearEqualTimeFirstOrder(g, 0.0, 1.0, convention);
        ASSERT_TRUE(exact.auto_var.has_value());
        EXPECT_NEAR(extrapolated, *exact.auto_var, 2e-4 * *exact.auto_var)
            << (zero_diagonal ? "zero diagonal" : "Gaussian diagonal") << ": dt = 0.02 " << coarse.x
            << ", dt = 0.01 " << fine.x;
    }
}

// The self-couplings J_ii add g^2 w(0)^2 >= 0, and nothing else depends on the diagonal at this order.
TEST(SiteAutoVariance, TheGaussianDiagonalOnlyAddsTheSelfCouplingsSpread) {
    const Activation tanh = quench::testing::activationOf(ActivationKind::Tanh);
    const detail::SiteAutoVariance gaussian = kappaAt(tanh, 1.0, 0.05, false);
    const detail::SiteAutoVariance zero = kappaAt(tanh, 1.0, 0.05, true);
    EXPECT_DOUBLE_EQ(gaussian.x_input, zero.x_input);
    EXPECT_DOUBLE_EQ(gaussian.phi_input, zero.phi_input);
    EXPECT_GT(gaussian.x, zero.x);
    EXPECT_GT(gaussian.phi, zero.phi);
    EXPECT_GT(zero.phi, zero.phi_input);
}

}  // namespace
}  // namespace quench::theory
