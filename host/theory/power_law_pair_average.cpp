// Exact Gaussian pair averages of signed powers (power_law_pair_average.hpp).
#include "power_law_pair_average.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace quench::theory::detail {
namespace {

constexpr double kPi = 3.14159265358979323846;

// sgn^odd |s|^p for s = +-sin(u), u in (0, pi): sin(u) itself is accurate near both ends only when u is the
// distance to the nearer end, which the callers supply.
double signedPower(const SignedPower& f, double sine, bool negative) {
    const double magnitude = std::pow(sine, f.exponent);
    return negative && f.odd ? -magnitude : magnitude;
}

// int_0^length h(s, length - s) ds by the tanh-sinh rule, which converges exponentially for integrands with
// algebraic singularities at both ends; both distances come from the rule's own variable, so neither end
// loses precision to cancellation.
template <class H>
double tanhSinh(double length, const H& h) {
    if (!(length > 0.0)) return 0.0;
    constexpr double step = 1.0 / 32.0;
    // t in [-5, 5]: what lies beyond is below 1e-15 for exponents down to -3/4 (phi' at alpha = 1/4).
    constexpr int half = 160;
    double sum = 0.0;
    for (int k = -half; k <= half; ++k) {
        const double t = k * step, u = 0.5 * kPi * std::sinh(t);
        const double from_start = length / (1.0 + std::exp(-2.0 * u)),
                     from_end = length / (1.0 + std::exp(2.0 * u));
        if (!(from_start > 0.0) || !(from_end > 0.0)) continue;
        const double weight = 0.5 * kPi * std::cosh(t) * length / (2.0 * std::cosh(u) * std::cosh(u));
        sum += weight * h(from_start, from_end);
    }
    return step * sum;
}

}  // namespace

double signedPowerPairAverage(const SignedPower& f, const SignedPower& g, double rho) {
    if (!(f.exponent > -1.0) || !(g.exponent > -1.0))
        throw std::domain_error("signed power pair average: exponents " + std::to_string(f.exponent) + ", " +
                                std::to_string(g.exponent) + " (allowed: > -1, integrable at 0)");
    if (!(rho >= -1.0 && rho <= 1.0))
        throw std::domain_error("signed power pair average: correlation " + std::to_string(rho) +
                                " (allowed: [-1, 1])");
    // Parities that differ: the integrand is odd under (x1, x2) -> -(x1, x2).
    if (f.odd != g.odd) return 0.0;
    // x1 = r cos(theta), x2 = r cos(theta - psi) with cos(psi) = rho: the radial integral is
    // 2^(n/2) Gamma(1 + n/2), n = p + q, and with equal parities the angle needs only (-pi/2, pi/2), where
    // cos(theta) > 0 and cos(theta - psi) changes sign at theta = psi - pi/2. On the first piece,
    // theta = -pi/2 + s, cos(theta) = sin(s) and cos(theta - psi) = -sin(psi - s); on the second,
    // theta = psi - pi/2 + s, cos(theta) = sin(pi - psi - s) and cos(theta - psi) = sin(s).
    const double psi = std::acos(rho), n = f.exponent + g.exponent;
    const double negative_piece = tanhSinh(psi, [&](double s, double rest) {
        return signedPower(f, std::sin(s), false) * signedPower(g, std::sin(rest), true);
    });
    const double positive_piece = tanhSinh(kPi - psi, [&](double s, double rest) {
        return signedPower(f, std::sin(rest), false) * signedPower(g, std::sin(s), false);
    });
    return std::pow(2.0, 0.5 * n) * std::tgamma(1.0 + 0.5 * n) / kPi * (negative_piece + positive_piece);
}

}  // namespace quench::theory::detail
