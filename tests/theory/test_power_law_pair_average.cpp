// Gaussian pair averages of signed powers (host/theory/power_law_pair_average.hpp), held to their Hermite
// series: E[f(x1) g(x2)] = sum_k a_k(f) a_k(g) rho^k / k!, with a_k(f) = E f^(k) continued analytically,
// a_{k+2} = (p - k) a_k from a_1 = M_{p+1} (odd) or a_0 = M_p (even), M_p = E|z|^p; and at rho = +-1 to
// the single averages M_{p+q}.
#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>

#include "../../host/theory/power_law_pair_average.hpp"

namespace quench::theory {
namespace {

using detail::SignedPower;

double absoluteMoment(double p) {
    return std::pow(2.0, 0.5 * p) * std::tgamma(0.5 * (p + 1.0)) / std::sqrt(M_PI);
}

double hermiteSeries(const SignedPower& f, const SignedPower& g, double rho) {
    const double af = f.odd ? absoluteMoment(f.exponent + 1.0) : absoluteMoment(f.exponent);
    const double ag = g.odd ? absoluteMoment(g.exponent + 1.0) : absoluteMoment(g.exponent);
    // term_k = a_k(f) a_k(g) rho^k / k!, by its ratio (no factorial to overflow)
    double term = af * ag * (f.odd ? rho : 1.0), sum = 0.0;
    for (int k = f.odd ? 1 : 0; k < 20000 && term != 0.0; k += 2) {
        sum += term;
        term *= (f.exponent - k) * (g.exponent - k) * rho * rho / ((k + 1.0) * (k + 2.0));
    }
    return sum;
}

TEST(SignedPowerPairAverage, MatchesTheHermiteSeriesOfThePowerLawAndItsProducts) {
    // phi = sgn|x|^alpha with phi phi' = alpha sgn|x|^(2 alpha - 1) and phi' = alpha |x|^(alpha - 1).
    for (const double alpha : {0.5, 0.25, 0.75, 1.5}) {
        const SignedPower phi{alpha, true}, product{2.0 * alpha - 1.0, true}, slope{alpha - 1.0, false};
        for (const double rho : {-0.7, 0.0, 0.3, 0.6, 0.9}) {
            EXPECT_NEAR(detail::signedPowerPairAverage(phi, phi, rho), hermiteSeries(phi, phi, rho), 1e-12)
                << "alpha " << alpha << " rho " << rho;
            EXPECT_NEAR(detail::signedPowerPairAverage(product, phi, rho), hermiteSeries(product, phi, rho),
                        1e-12)
                << "alpha " << alpha << " rho " << rho;
            EXPECT_NEAR(detail::signedPowerPairAverage(slope, slope, rho), hermiteSeries(slope, slope, rho),
                        1e-11)
                << "alpha " << alpha << " rho " << rho;
        }
    }
}

TEST(SignedPowerPairAverage, AtFullCorrelationItIsTheSingleAverage) {
    for (const double alpha : {0.5, 0.25, 1.0}) {
        const SignedPower phi{alpha, true}, slope{alpha - 1.0, false};
        EXPECT_NEAR(detail::signedPowerPairAverage(phi, phi, 1.0), absoluteMoment(2.0 * alpha), 1e-13);
        EXPECT_NEAR(detail::signedPowerPairAverage(phi, phi, -1.0), -absoluteMoment(2.0 * alpha), 1e-13);
        EXPECT_NEAR(detail::signedPowerPairAverage(phi, slope, 0.4), 0.0, 0.0);  // parities differ
    }
    // x itself: E[x1 x2] = rho.
    EXPECT_NEAR(detail::signedPowerPairAverage({1.0, true}, {1.0, true}, 0.37), 0.37, 1e-14);
}

TEST(SignedPowerPairAverage, RefusesNonIntegrablePowersAndImpossibleCorrelations) {
    EXPECT_THROW(detail::signedPowerPairAverage({-1.0, false}, {0.5, false}, 0.5), std::domain_error);
    EXPECT_THROW(detail::signedPowerPairAverage({0.5, true}, {0.5, true}, 1.5), std::domain_error);
}

}  // namespace
}  // namespace quench::theory
