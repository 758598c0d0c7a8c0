// Pade activations P/Q: partial fractions over the complex roots of Q, and the Faddeeva closed forms
// of E[phi], E[phi^2], gamma and E[x phi] against high-order Gauss-Hermite and adaptive quadrature
// to 1e-10 relative.
#include "quench/theory/pade_theory.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "quench/theory/dmft.hpp"
#include "quench/theory/quadrature.hpp"

namespace quench::theory {
namespace {

constexpr double kPi = 3.14159265358979323846;

Activation pade(const std::vector<double>& p, const std::vector<double>& q) {
    Activation a;
    a.kind = ActivationKind::Pade;
    a.p_count = static_cast<int>(p.size());
    a.q_count = static_cast<int>(q.size());
    for (std::size_t i = 0; i < p.size(); ++i) a.p[i] = p[i];
    for (std::size_t i = 0; i < q.size(); ++i) a.q[i] = q[i];
    return a;
}

// The tanh presets of theory.md and a general rational with a polynomial part and no symmetry.
Activation tanh12() { return pade({0.0, 1.0}, {1.0, 0.0, 1.0 / 3.0}); }
Activation tanh32() { return pade({0.0, 15.0, 0.0, 1.0}, {15.0, 0.0, 6.0}); }
Activation lopsided() { return pade({0.5, 1.0, 0.2, 0.1}, {1.0, 0.3, 0.5}); }

double gaussianAverageByQuadrature(const std::function<double(double)>& h, double v) {
    QuadratureOptions opt;
    opt.abs_tol = 1e-15;
    opt.rel_tol = 1e-13;
    opt.max_panels = 20000;
    const auto weighted = [&](double x) { return h(x) * std::exp(-0.5 * x * x / v) / std::sqrt(2.0 * kPi * v); };
    return requireConverged(integrateRealLine(weighted, std::sqrt(v), 0.0, opt), "Gaussian average");
}

void expectRelative(double value, double reference, double tol, const std::string& what) {
    EXPECT_LE(std::fabs(value - reference), tol * std::max(std::fabs(reference), 1e-300)) << what << ": " << value << " vs " << reference;
}

TEST(PadePartialFractions, ReconstructPhiPointwise) {
    for (const Activation& phi : {tanh12(), tanh32(), lopsided()}) {
        const PartialFractions pf = padePartialFractions(phi);
        for (double x : {-3.0, -0.4, 0.0, 1.1, 5.0}) {
            std::complex<double> sum = 0.0;
            for (std::size_t n = 0; n < pf.polynomial.size(); ++n) sum += pf.polynomial[n] * std::pow(x, static_cast<double>(n));
            for (std::size_t k = 0; k < pf.poles.size(); ++k) sum += pf.residues[k] / (x - pf.poles[k]);
            EXPECT_NEAR(sum.real(), phi.value(x), 1e-14 * std::max(1.0, std::fabs(phi.value(x))));
            EXPECT_NEAR(sum.imag(), 0.0, 1e-14);
        }
    }
    // x / (1 + x^2/3): poles at +-i sqrt(3), residues 3/2.
    const PartialFractions pf = padePartialFractions(tanh12());
    ASSERT_EQ(pf.poles.size(), 2u);
    EXPECT_NEAR(std::fabs(pf.poles[0].imag()), std::sqrt(3.0), 1e-14);
    EXPECT_NEAR(pf.residues[0].real(), 1.5, 1e-14);
}

TEST(PadePartialFractions, RejectsRealOrRepeatedRootsAndZeroDenominators) {
    try {
        padePartialFractions(pade({0.0, 1.0}, {-1.0, 0.0, 1.0}));  // Q = x^2 - 1
        FAIL() << "expected a real-root error";
    } catch (const std::domain_error& e) {
        EXPECT_NE(std::string(e.what()).find("real root"), std::string::npos) << e.what();
    }
    EXPECT_THROW(padePartialFractions(pade({0.0, 1.0}, {1.0, 0.0, 2.0, 0.0, 1.0})), std::domain_error);  // (1+x^2)^2
    EXPECT_THROW(padePartialFractions(pade({1.0}, {0.0})), std::domain_error);
}

TEST(PadeClosedForms, AgreeWithAdaptiveQuadratureToTenDigits) {
    for (const Activation& phi : {tanh12(), tanh32(), lopsided()}) {
        for (double v : {0.2, 1.0, 3.0}) {
            const std::string what = "v = " + std::to_string(v) + " p1 = " + std::to_string(phi.p[1]);
            expectRelative(padeMean(phi, v) + 1.0, gaussianAverageByQuadrature([&](double x) { return phi.value(x); }, v) + 1.0, 1e-10, "E[phi] " + what);
            expectRelative(padeMeanSquare(phi, v), gaussianAverageByQuadrature([&](double x) { const double y = phi.value(x); return y * y; }, v), 1e-10, "E[phi^2] " + what);
            expectRelative(padeEffectiveGain(phi, v), gaussianAverageByQuadrature([&](double x) { return phi.derivative(x); }, v), 1e-10, "gamma " + what);
            expectRelative(padeMeanTimesX(phi, v), gaussianAverageByQuadrature([&](double x) { return x * phi.value(x); }, v), 1e-10, "E[x phi] " + what);
        }
    }
}

TEST(PadeClosedForms, AgreeWithHighOrderGaussHermite) {
    const GaussHermiteRule rule = gaussHermiteRule(400);
    for (const Activation& phi : {tanh12(), tanh32()}) {
        for (double v : {0.5, 1.0, 2.0}) {
            expectRelative(padeMeanSquare(phi, v), gaussianExpectation([&](double x) { const double y = phi.value(x); return y * y; }, v, rule), 1e-10, "E[phi^2]");
            expectRelative(padeEffectiveGain(phi, v), gaussianExpectation([&](double x) { return phi.derivative(x); }, v, rule), 1e-10, "gamma");
        }
    }
}

TEST(PadeClosedForms, SteinIdentityLinksGainAndXPhi) {
    for (const Activation& phi : {tanh32(), lopsided()})
        for (double v : {0.3, 2.0}) expectRelative(padeMeanTimesX(phi, v), v * padeEffectiveGain(phi, v), 1e-12, "Stein");
}

TEST(PadeAntiderivative, LogarithmsMatchNumericalIntegration) {
    for (const Activation& phi : {tanh12(), tanh32(), lopsided()}) {
        EXPECT_EQ(padeAntiderivative(phi, 0.0), 0.0);
        for (double x : {-6.0, -1.0, 0.3, 2.0, 9.0})
            EXPECT_NEAR(padeAntiderivative(phi, x), numericalAntiderivative(phi, x), 1e-12 * std::max(1.0, std::fabs(padeAntiderivative(phi, x))));
    }
    // x/(1 + x^2/3) integrates to (3/2) log(1 + x^2/3).
    EXPECT_NEAR(padeAntiderivative(tanh12(), 2.0), 1.5 * std::log(1.0 + 4.0 / 3.0), 1e-14);
}

TEST(PadeCorrelation, InnerFaddeevaAverageMatchesTwoDimensionalQuadrature) {
    const GaussHermiteRule& rule = defaultGaussHermiteRule();
    for (const Activation& phi : {tanh12(), lopsided()}) {
        for (double d : {0.0, 0.4, 1.0}) {
            expectRelative(padeCorrelation(phi, 1.2, d, rule) + 1.0, twoPointCorrelation([&](double x) { return phi.value(x); }, 1.2, d, gaussHermiteRule(200)) + 1.0, 1e-10, "F");
        }
    }
}

TEST(PadeDmft, TanhPresetIsCloseToTanhAtSmallVariance) {
    // [3/2] matches tanh to O(x^7): the solutions of (*) agree closely at weak coupling.
    Activation tanh_phi;
    tanh_phi.kind = ActivationKind::Tanh;
    const WhiteNoiseDmft a = solveWhiteNoiseDmft(tanh32(), 0.5, 1.0);
    const WhiteNoiseDmft b = solveWhiteNoiseDmft(tanh_phi, 0.5, 1.0);
    EXPECT_NEAR(a.delta0, b.delta0, 1e-3);
    EXPECT_NEAR(a.gamma, padeEffectiveGain(tanh32(), a.delta0), 1e-10);
}

}  // namespace
}  // namespace quench::theory
