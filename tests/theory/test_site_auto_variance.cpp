// lim N Var_i C_ii of a nonlinear network's Gaussian site (host/theory/site_auto_variance.hpp), held where it
// is known exactly: a linear phi must give the linear network's equal-time kappa (linear_finite_size.md
// section 5, continuous time) once the discrete recursion's O(dt) is extrapolated away, and its
// zero-frequency kappa (a closed form, exact in discrete time), with either diagonal. The connected
// three-time sums of the zero-frequency value are held to the closed forms of erf. Its nonlinear values are
// held to simulations in docs/theory/site_auto_variance.md.
#include <cmath>

#include <gtest/gtest.h>

#include "../../host/step_coefficients.hpp"
#include "../../host/theory/connected_three_point.hpp"
#include "../../host/theory/discrete_gaussian_site.hpp"
#include "../../host/theory/site_auto_variance.hpp"
#include "activation_of.hpp"
#include "quench/ensemble_spec.hpp"
#include "quench/theory/heterogeneous_gains.hpp"
#include "quench/theory/linear_finite_size.hpp"

namespace quench::theory {
namespace {

StepCoefficients whiteNoiseStep(double dt) {
    EnsembleSpec spec;
    spec.integration.dt = dt;
    spec.noise.sigma = 1.0;
    return stepCoefficients(spec);
}

detail::SiteAutoVariance kappaAt(const Activation& phi, double g, double dt, bool zero_diagonal) {
    const StepCoefficients step = whiteNoiseStep(dt);
    const detail::DiscreteGaussianSite site = detail::discreteGaussianSiteUntilDecayed(phi, g, step, dt);
    return detail::siteAutoVariance(phi, site, g, step, zero_diagonal);
}

detail::ZeroFrequencySiteAutoVariance zeroFrequencyKappaAt(const Activation& phi, double g, double dt,
                                                           bool zero_diagonal) {
    const StepCoefficients step = whiteNoiseStep(dt);
    const detail::DiscreteGaussianSite site = detail::discreteGaussianSiteUntilDecayed(phi, g, step, dt);
    return detail::zeroFrequencySiteAutoVariance(phi, site, g, step, dt, zero_diagonal);
}

// x's kappa with gain classes (gainClassXAutoVariance; heterogeneity.md, section 8) for every gain of the
// list.
detail::ClassXAutoVariance classKappaAt(const Activation& phi, const std::vector<GainNode>& gains, double g,
                                        double dt, bool zero_diagonal) {
    const StepCoefficients step = whiteNoiseStep(dt);
    const detail::DiscreteGaussianSite site =
        detail::discreteGaussianSiteUntilDecayed(phi, gains, g, step, dt);
    return detail::gainClassXAutoVariance(detail::gainClassSites(phi, gains, site.delta), site.delta, g, step,
                                          dt, zero_diagonal);
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

// One class of gain 1 is the homogeneous site: the classes' four-point sum (lag sums on the half grid) is the
// cells' filteredPhiFourPoint, and the rms response is gamma, ET and ZF, either diagonal.
TEST(GainClassXAutoVariance, OneClassOfUnitGainIsTheHomogeneousSite) {
    const Activation tanh = quench::testing::activationOf(ActivationKind::Tanh);
    const double g = 1.0, dt = 0.05;
    const StepCoefficients step = whiteNoiseStep(dt);
    const detail::DiscreteGaussianSite site = detail::discreteGaussianSiteUntilDecayed(tanh, g, step, dt);
    const std::vector<detail::GainClassSite> one = detail::gainClassSites(tanh, {{1.0, 1.0}}, site.delta);
    for (const bool zero_diagonal : {false, true}) {
        const detail::ClassXAutoVariance classes =
            detail::gainClassXAutoVariance(one, site.delta, g, step, dt, zero_diagonal);
        const double et = detail::siteAutoVariance(tanh, site, g, step, zero_diagonal).x;
        const double zf = detail::zeroFrequencySiteAutoVariance(tanh, site, g, step, dt, zero_diagonal).x;
        EXPECT_NEAR(classes.equal_time, et, 1e-5 * et) << "zero diagonal " << zero_diagonal;
        EXPECT_NEAR(classes.zero_frequency, zf, 1e-9 * zf) << "zero diagonal " << zero_diagonal;
    }
}

// One gain b for every neuron of a linear network is the homogeneous linear network at coupling g b: x's
// spread is that network's, exactly.
TEST(GainClassXAutoVariance, OneGainOfALinearNetworkScalesItsCoupling) {
    const Activation linear = quench::testing::activationOf(ActivationKind::Linear);
    const double g = 0.9, b = 0.8;
    const detail::ClassXAutoVariance classes = classKappaAt(linear, {{b, 1.0}}, g, 0.05, false);
    EXPECT_NEAR(classes.equal_time, kappaAt(linear, g * b, 0.05, false).x, 1e-5 * classes.equal_time);
    EXPECT_NEAR(classes.zero_frequency, zeroFrequencyKappaAt(linear, g * b, 0.05, false).x,
                1e-9 * classes.zero_frequency);
}

// A spread of gains in a linear network: x's site and the feedback depend on the gains only through
// Gamma^2 = E b^2, the input row's part through E_b S_b S_b' = E b^4 S_x S_x'. So two equal classes b = 0.6,
// 1.4 are the homogeneous network at coupling g b_rms, b_rms^2 = E b^2, with its input part scaled by
// E b^4 / b_rms^4, ET and ZF.
TEST(GainClassXAutoVariance, AGainSpreadScalesTheInputRowsPartByTheFourthMoment) {
    const Activation linear = quench::testing::activationOf(ActivationKind::Linear);
    const double g = 0.5, low = 0.6, high = 1.4;
    const double second = 0.5 * (low * low + high * high),
                 fourth = 0.5 * (std::pow(low, 4) + std::pow(high, 4));
    const double excess = fourth / (second * second) - 1.0;
    const detail::ClassXAutoVariance two = classKappaAt(linear, {{low, 0.5}, {high, 0.5}}, g, 0.05, false);
    const double g_rms = g * std::sqrt(second);
    const detail::SiteAutoVariance et = kappaAt(linear, g_rms, 0.05, false);
    const detail::ZeroFrequencySiteAutoVariance zf = zeroFrequencyKappaAt(linear, g_rms, 0.05, false);
    EXPECT_NEAR(two.equal_time, et.x + excess * et.x_input, 1e-5 * two.equal_time);
    EXPECT_NEAR(two.zero_frequency, zf.x + excess * zf.x_input, 1e-9 * two.zero_frequency);
}

// phi's within-class spread averaged over the classes (gainClassPhiAutoVariance; heterogeneity.md, section
// 9).
double classPhiKappaAt(const Activation& phi, const std::vector<GainNode>& gains, double g, double dt,
                       bool zero_diagonal) {
    const StepCoefficients step = whiteNoiseStep(dt);
    const detail::DiscreteGaussianSite site =
        detail::discreteGaussianSiteUntilDecayed(phi, gains, g, step, dt);
    return detail::gainClassPhiAutoVariance(phi, gains, detail::gainClassSites(phi, gains, site.delta),
                                            site.delta, g, step, zero_diagonal);
}

// One class of gain 1 is the homogeneous site: phi's spread is siteAutoVariance's, either diagonal (the
// classes' four-point sum agrees with the cells' filteredPhiFourPoint to 1e-5).
TEST(GainClassPhiAutoVariance, OneClassOfUnitGainIsTheHomogeneousSite) {
    const Activation tanh = quench::testing::activationOf(ActivationKind::Tanh);
    for (const bool zero_diagonal : {false, true}) {
        const double classes = classPhiKappaAt(tanh, {{1.0, 1.0}}, 1.0, 0.05, zero_diagonal);
        const double homogeneous = kappaAt(tanh, 1.0, 0.05, zero_diagonal).phi;
        EXPECT_NEAR(classes, homogeneous, 1e-5 * homogeneous) << "zero diagonal " << zero_diagonal;
    }
}

// One gain b for every neuron of a linear network: phi = b x of the network at coupling g b, so phi's spread
// is b^4 times that network's x spread.
TEST(GainClassPhiAutoVariance, OneGainOfALinearNetworkScalesTheNetworksSpread) {
    const Activation linear = quench::testing::activationOf(ActivationKind::Linear);
    const double g = 0.9, b = 0.8;
    const double classes = classPhiKappaAt(linear, {{b, 1.0}}, g, 0.05, true);
    EXPECT_NEAR(classes, std::pow(b, 4) * kappaAt(linear, g * b, 0.05, true).x, 1e-5 * classes);
}

// Two classes of a linear network, read off the homogeneous network at coupling g b_rms (b_rms^2 = E b^2),
// whose x spread splits into its input part I_rms and its feedback part F_rms. A class-b site's phi^2 = b^2
// x^2 moves by b^2 times x's input-row change, whose variance is the two classes' E b^4 / b_rms^4 I_rms (the
// x test above), and by its self-feedback through b x, with b^3 times the unit-gain response; the ladder at
// coupling g and rung Gamma = b_rms is the homogeneous one at g b_rms divided by b_rms^2. So E_b kappa_b = E
// b^4 (E b^4 / b_rms^4) I_rms + E b^6 F_rms / b_rms^2.
TEST(GainClassPhiAutoVariance, ALinearNetworksClassesWeighTheInputByB4AndTheFeedbackByB6) {
    const Activation linear = quench::testing::activationOf(ActivationKind::Linear);
    const double g = 0.5, low = 0.6, high = 1.4;
    const double second = 0.5 * (low * low + high * high),
                 fourth = 0.5 * (std::pow(low, 4) + std::pow(high, 4)),
                 sixth = 0.5 * (std::pow(low, 6) + std::pow(high, 6));
    const detail::SiteAutoVariance rms = kappaAt(linear, g * std::sqrt(second), 0.05, false);
    const double expected =
        fourth * fourth / (second * second) * rms.x_input + sixth * (rms.x - rms.x_input) / second;
    const double two = classPhiKappaAt(linear, {{low, 0.5}, {high, 0.5}}, g, 0.05, false);
    EXPECT_NEAR(two, expected, 1e-5 * two);
}

// At zero frequency the recursion is the continuous network with the noise power (kick / drive)^2 dt, so the
// closed forms hold exactly once scaled by that power squared; phi = x must come out of phi's own route (its
// pair averages and three-point sums) equal to x's.
TEST(SiteAutoVariance, AtZeroFrequencyALinearPhiGivesTheClosedForm) {
    const Activation linear = quench::testing::activationOf(ActivationKind::Linear);
    const double g = 0.5, dt = 0.02;
    const StepCoefficients step = whiteNoiseStep(dt);
    const double power = step.kick * step.kick / (step.drive_gain * step.drive_gain) * dt;
    for (const auto& [zero_diagonal, convention] :
         {std::pair{false, DiagonalConvention::Gaussian}, std::pair{true, DiagonalConvention::Zero}}) {
        const detail::ZeroFrequencySiteAutoVariance kappa =
            zeroFrequencyKappaAt(linear, g, dt, zero_diagonal);
        const LinearFirstOrder exact = linearZeroFrequencyFirstOrder(g, 0.0, 1.0, convention);
        ASSERT_TRUE(exact.auto_var.has_value());
        EXPECT_NEAR(kappa.x, *exact.auto_var * power * power, 1e-7 * *exact.auto_var)
            << (zero_diagonal ? "zero diagonal" : "Gaussian diagonal");
        ASSERT_TRUE(kappa.has_phi) << kappa.phi_reason;
        EXPECT_NEAR(kappa.phi, kappa.x, 1e-9 * kappa.x);
        EXPECT_NEAR(kappa.phi_input, kappa.x_input, 1e-9 * kappa.x_input);
    }
}

// Near the edge the three-point lag sums of phi's value grow like the square of the correlation time: beyond
// the budget phi's is left out with the reason, x's (a closed form in the site's ZF powers) stays.
TEST(SiteAutoVariance, AtZeroFrequencyNearTheEdgeOnlyPhisValueIsLeftOut) {
    const Activation tanh = quench::testing::activationOf(ActivationKind::Tanh);
    const detail::ZeroFrequencySiteAutoVariance kappa = zeroFrequencyKappaAt(tanh, 2.0, 0.05, false);
    EXPECT_FALSE(kappa.has_phi);
    EXPECT_NE(kappa.phi_reason.find("lag pairs"), std::string::npos) << kappa.phi_reason;
    EXPECT_GT(kappa.x, kappa.x_input);
    EXPECT_GT(kappa.x_input, 0.0);
}

// erf(c y), c = sqrt(pi) / 2: E[phi(y1) phi(y2)] = (2/pi) asin(2 c^2 S12 / sqrt((1 + 2 c^2 S11)(1 + 2 c^2
// S22))), and phi'(y0) = (2c / sqrt(pi)) exp(-c^2 y0^2) reweights the Gaussian: E[phi'(y0) phi(y1) phi(y2)]
// is the same arcsine at the covariance S - 2 c^2 S e0 e0^T S / (1 + 2 c^2 S00), times 2c / sqrt(pi (1 + 2
// c^2 S00)).
struct ErfAverages {
    static constexpr double c2 = M_PI / 4.0;
    double d0;
    double pair(double s11, double s22, double s12) const {
        return 2.0 / M_PI *
               std::asin(2.0 * c2 * s12 / std::sqrt((1.0 + 2.0 * c2 * s11) * (1.0 + 2.0 * c2 * s22)));
    }
    // E[phi'(y0) phi(y1) phi(y2)], every variance d0.
    double triple(double s01, double s02, double s12) const {
        const double shrink = 2.0 * c2 / (1.0 + 2.0 * c2 * d0);
        return 2.0 * std::sqrt(c2 / M_PI) / std::sqrt(1.0 + 2.0 * c2 * d0) *
               pair(d0 - shrink * s01 * s01, d0 - shrink * s02 * s02, s12 - shrink * s01 * s02);
    }
    double gamma() const { return 2.0 * std::sqrt(c2 / M_PI) / std::sqrt(1.0 + 2.0 * c2 * d0); }
    // E phi'phi' and E phi''(y0) phi(y1) at covariance s (Price's theorem on pair()).
    double slopes(double s) const {
        const double r = 2.0 * c2 * s / (1.0 + 2.0 * c2 * d0);
        return 2.0 / M_PI * 2.0 * c2 / (1.0 + 2.0 * c2 * d0) / std::sqrt(1.0 - r * r);
    }
    double curvature(double s) const {
        const double r = 2.0 * c2 * s / (1.0 + 2.0 * c2 * d0);
        return -2.0 / M_PI * r * 2.0 * c2 / (1.0 + 2.0 * c2 * d0) / std::sqrt(1.0 - r * r);
    }
};

// conn(j) = sum_m E[(phi'(x_0) - gamma) phi(x_{-j}) psi(x_m)], psi = phi - gamma x, expanded into the triple
// average, a pair average and two Stein terms, all closed forms for erf.
double erfConnectedSum(const ErfAverages& e, const std::vector<double>& delta, long j) {
    const auto cov = [&](long k) {
        const auto lag = static_cast<std::size_t>(std::labs(k));
        return lag < delta.size() ? delta[lag] : 0.0;
    };
    const double gamma = e.gamma();
    double sum = 0.0;
    for (long m = -j - static_cast<long>(delta.size()); m < static_cast<long>(delta.size()); ++m) {
        const double s0j = cov(j), s0m = cov(m), sjm = cov(m + j);
        sum += e.triple(s0j, s0m, sjm) - gamma * e.pair(e.d0, e.d0, sjm) -
               gamma * (s0m * e.curvature(s0j) + sjm * e.slopes(s0j)) + gamma * gamma * gamma * sjm;
    }
    return sum;
}

// The power law takes its own route to q' = dE phi^2/dDelta0 and v(m) = E[phi phi'(x_n) phi(x_{n-m})]
// (homogeneity and exact angular averages, because phi'^2 and phi phi'' are each infinite at 0 for
// alpha <= 1/2). Where the power law is a polynomial, sgn|x|^3 = x^3, the smooth route (grid averages, Gauss-
// Hermite) must give the same kappa on the same site; and at alpha = 1 the linear one.
TEST(SiteAutoVariance, ThePowerLawsRouteAgreesWithTheSmoothOneWhereBothApply) {
    Activation power = quench::testing::activationOf(ActivationKind::PowerLaw);
    power.alpha = 3.0;
    Activation cubic = quench::testing::activationOf(ActivationKind::Pade);  // x^3 / 1
    cubic.p_count = 4;
    cubic.p[3] = 1.0;
    cubic.q_count = 1;
    cubic.q[0] = 1.0;
    const double g = 0.15, dt = 0.05;  // x^3 runs away beyond a critical coupling
    const StepCoefficients step = whiteNoiseStep(dt);
    const detail::DiscreteGaussianSite site = detail::discreteGaussianSiteUntilDecayed(power, g, step, dt);
    const detail::SiteAutoVariance homogeneous = detail::siteAutoVariance(power, site, g, step, false);
    const detail::SiteAutoVariance smooth = detail::siteAutoVariance(cubic, site, g, step, false);
    EXPECT_NEAR(homogeneous.phi, smooth.phi, 1e-7 * smooth.phi);
    EXPECT_NEAR(homogeneous.phi_input, smooth.phi_input, 1e-7 * smooth.phi_input);
    EXPECT_DOUBLE_EQ(homogeneous.x, smooth.x);

    power.alpha = 1.0;
    const Activation linear = quench::testing::activationOf(ActivationKind::Linear);
    const detail::SiteAutoVariance as_power = kappaAt(power, 0.5, dt, true);
    const detail::SiteAutoVariance as_linear = kappaAt(linear, 0.5, dt, true);
    EXPECT_NEAR(as_power.phi, as_linear.phi, 1e-10 * as_linear.phi);
    EXPECT_NEAR(as_power.x, as_linear.x, 1e-10 * as_linear.x);
}

// Near the edge the ladder needs thousands of rungs (the power law at g = 2: g gamma = 0.98); its weights
// g^(2n) and the convolutions chi^{*n} must not overflow and underflow apart (they did: "not finite").
TEST(SiteAutoVariance, NearTheEdgeTheLadderStaysFinite) {
    const Activation power = quench::testing::activationOf(ActivationKind::PowerLaw);  // alpha = 0.5
    const detail::SiteAutoVariance kappa = kappaAt(power, 2.0, 0.05, false);
    EXPECT_TRUE(std::isfinite(kappa.x) && kappa.x > kappa.x_input);
    EXPECT_TRUE(std::isfinite(kappa.phi) && kappa.phi > kappa.phi_input);
}

// A kinked phi (the power law) has the ET kappa of both variables and the ZF one of x; phi's ZF one needs
// phi's higher derivatives at every lag and is left out, with the reason.
TEST(SiteAutoVariance, AKinkedPhiLeavesOutOnlyPhisZeroFrequencyValue) {
    const Activation power = quench::testing::activationOf(ActivationKind::PowerLaw);  // alpha = 0.5
    const detail::SiteAutoVariance et = kappaAt(power, 1.0, 0.05, false);
    EXPECT_TRUE(std::isfinite(et.phi) && et.phi > et.phi_input && et.phi_input > 0.0);
    EXPECT_TRUE(std::isfinite(et.x) && et.x > et.x_input && et.x_input > 0.0);
    const detail::ZeroFrequencySiteAutoVariance zf = zeroFrequencyKappaAt(power, 1.0, 0.05, false);
    EXPECT_TRUE(std::isfinite(zf.x) && zf.x > zf.x_input);
    EXPECT_FALSE(zf.has_phi);
    EXPECT_NE(zf.phi_reason.find("kinked"), std::string::npos) << zf.phi_reason;
}

TEST(ConnectedThreePoint, SumsMatchTheClosedFormsOfErf) {
    const Activation erf = quench::testing::activationOf(ActivationKind::Erf);
    std::vector<double> delta(400);
    for (std::size_t k = 0; k < delta.size(); ++k)  // a damped oscillation, as a site near the edge has none
        delta[k] = 0.9 * std::exp(-0.04 * static_cast<double>(k)) * std::cos(0.02 * static_cast<double>(k));
    const ErfAverages e{delta.front()};
    const std::vector<double> conn = detail::connectedThreePointLagSums(erf, delta, e.gamma(), 1);
    const std::vector<double> strided = detail::connectedThreePointLagSums(erf, delta, e.gamma(), 2);
    for (const long j : {1L, 2L, 10L, 40L, 120L}) {
        const double exact = erfConnectedSum(e, delta, j);
        const auto at = static_cast<std::size_t>(j);
        EXPECT_NEAR(conn[at], exact, 2e-5 * std::fabs(exact) + 1e-7) << "j = " << j;
        // The strided sums are a trapezoid rule: O(stride^2), here 0.5 % (Delta^3 decays over 8 lags).
        EXPECT_NEAR(strided[at], exact, 1e-2 * std::fabs(exact)) << "stride 2, j = " << j;
    }
}

// E_c kappa_c over classes of time constant and gain (neuronClassAutoVariance; heterogeneity.md, section 10)
// at white noise of unit sigma, the time constants' classes as the N = infinity site takes them.
std::vector<detail::NeuronClassPoint> neuronClassPointsAt(const Activation& phi,
                                                          const std::vector<GainNode>& gains,
                                                          const std::vector<double>& taus, double g,
                                                          double dt) {
    EnsembleSpec spec;
    spec.integration.dt = dt;
    spec.noise.sigma = 1.0;
    std::vector<detail::TimeConstantClass> classes;
    for (const double tau : taus)
        classes.push_back({1.0 / static_cast<double>(taus.size()), stepCoefficients(spec, tau)});
    const std::vector<detail::TimeConstantClassSite> sites =
        detail::timeConstantClassSitesUntilDecayed(phi, gains, classes, g, dt);
    return detail::neuronClassPoints(phi, gains, sites);
}

detail::NeuronClassAutoVariance neuronKappaAt(const Activation& phi, const std::vector<GainNode>& gains,
                                              const std::vector<double>& taus, double g, double dt,
                                              bool zero_diagonal) {
    return detail::neuronClassAutoVariance(phi, neuronClassPointsAt(phi, gains, taus, g, dt), g,
                                           zero_diagonal);
}

// One class of unit time constant is the site of one leak: its frequency integrals over the two-replica
// kernel must give the lag sums' values, x's and phi's, without and with gains, either diagonal.
TEST(NeuronClassAutoVariance, OneClassOfTimeConstantIsTheSiteOfOneLeak) {
    const Activation tanh = quench::testing::activationOf(ActivationKind::Tanh);
    for (const bool zero_diagonal : {false, true}) {
        const detail::NeuronClassAutoVariance one =
            neuronKappaAt(tanh, {{1.0, 1.0}}, {1.0}, 1.0, 0.05, zero_diagonal);
        const detail::SiteAutoVariance homogeneous = kappaAt(tanh, 1.0, 0.05, zero_diagonal);
        EXPECT_NEAR(one.x, homogeneous.x, 1e-5 * homogeneous.x) << "zero diagonal " << zero_diagonal;
        EXPECT_NEAR(one.phi, homogeneous.phi, 1e-5 * homogeneous.phi) << "zero diagonal " << zero_diagonal;
        const std::vector<GainNode> gains{{0.6, 0.5}, {1.4, 0.5}};
        const detail::NeuronClassAutoVariance two =
            neuronKappaAt(tanh, gains, {1.0}, 1.0, 0.05, zero_diagonal);
        const double x = classKappaAt(tanh, gains, 1.0, 0.05, zero_diagonal).equal_time;
        const double phi = classPhiKappaAt(tanh, gains, 1.0, 0.05, zero_diagonal);
        EXPECT_NEAR(two.x, x, 1e-5 * x) << "zero diagonal " << zero_diagonal;
        EXPECT_NEAR(two.phi, phi, 1e-5 * phi) << "zero diagonal " << zero_diagonal;
    }
}

// With phi = x (linear, unit gains) phi's spread is x's in every class of time constant: the input row moves
// both by the class's |f|^2 and the feedback's response is the same lag function. Three classes of a linear
// network at g = 0.5: the two sums, over the classes of time constant (x) and over the members (phi), agree.
TEST(NeuronClassAutoVariance, ALinearPhiSpreadsLikeXInEveryClassOfTimeConstant) {
    const Activation linear = quench::testing::activationOf(ActivationKind::Linear);
    for (const bool zero_diagonal : {false, true}) {
        const detail::NeuronClassAutoVariance k =
            neuronKappaAt(linear, {{1.0, 1.0}}, {0.5, 1.0, 2.0}, 0.5, 0.05, zero_diagonal);
        EXPECT_NEAR(k.phi, k.x, 1e-12 * k.x) << "zero diagonal " << zero_diagonal;
        EXPECT_GT(k.x, 0.0);
    }
}

// x's ZF spread with classes of time constant (heterogeneity.md, section 10): one class of unit time
// constant is the gain classes' site, whose ZF value is section 8's.
TEST(NeuronClassXZeroFrequencyAutoVariance, OneClassOfTimeConstantIsTheGainClassesValue) {
    const Activation tanh = quench::testing::activationOf(ActivationKind::Tanh);
    const std::vector<GainNode> gains{{0.6, 0.5}, {1.4, 0.5}};
    for (const bool zero_diagonal : {false, true}) {
        const double one = detail::neuronClassXZeroFrequencyAutoVariance(
            neuronClassPointsAt(tanh, gains, {1.0}, 1.0, 0.05), 1.0, 0.05, zero_diagonal);
        const double x = classKappaAt(tanh, gains, 1.0, 0.05, zero_diagonal).zero_frequency;
        EXPECT_NEAR(one, x, 1e-5 * x) << "zero diagonal " << zero_diagonal;
    }
}

// A linear network's classes of time constant differ at zero frequency only by their own noise's power
// ZF_c = sigma^2 h coth h, h = dt / (2 tau): every class's gain is 1, so E_c kappa_c is the homogeneous
// closed form with ZF^2 -> E_c ZF_c^2, input 2 g^4 / (1 - g^2)^2 and feedback 4 (nu g^2 + g^4 / (1 - g^2)).
// The fast class (tau = 0.04 at dt = 0.05) carries 7 % more noise power than the slow ones, which is why no
// one class's ZF_x may stand for all.
TEST(NeuronClassXZeroFrequencyAutoVariance, ALinearNetworksClassesSpreadByTheirOwnNoisePower) {
    const Activation linear = quench::testing::activationOf(ActivationKind::Linear);
    const double g = 0.5, dt = 0.05, g2 = g * g;
    const std::vector<detail::NeuronClassPoint> points =
        neuronClassPointsAt(linear, {{1.0, 1.0}}, {0.04, 1.0, 2.0}, g, dt);
    double mean_square = 0.0;
    std::vector<double> zf;
    for (const detail::NeuronClassPoint& c : points) {
        zf.push_back(detail::zeroFrequencyPower(c.delta, dt));
        mean_square += c.weight * zf.back() * zf.back();
    }
    EXPECT_GT(zf.front(), 1.06 * zf.back());
    for (const bool zero_diagonal : {false, true}) {
        const double nu = zero_diagonal ? 0.0 : 1.0;
        const double expected = mean_square * (2.0 * g2 * g2 / ((1.0 - g2) * (1.0 - g2)) +
                                               4.0 * (nu * g2 + g2 * g2 / (1.0 - g2)));
        EXPECT_NEAR(detail::neuronClassXZeroFrequencyAutoVariance(points, g, dt, zero_diagonal), expected,
                    1e-6 * expected)
            << "zero diagonal " << zero_diagonal;
    }
}

}  // namespace
}  // namespace quench::theory
