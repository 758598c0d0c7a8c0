// 1/N terms of the linear-network covariance statistics (docs/theory/linear_finite_size.md).
//
// Everything is expressed through u = G(z), the N = infinity mean resolvent of the elliptic ensemble,
// in which the spectral point is z(u) = 1/u + eta g^2 u. The planar (N = infinity) two-, three- and
// four-point functions are then rational in the u's, and the 1/N terms follow from the Stein (Gaussian
// integration by parts) equations written out below: each 1/N term is either a product of a planar value
// with a 1/N value, a diagonal-variance correction (coefficient d), or a "twisted" trace whose value the
// resolvent identity R(a) R(b) = [R(a) - R(b)] / (z_b - z_a) reduces to a divided difference of a
// planar function. Divided differences use DividedDifference arithmetic, exact at coincident points.
#include "quench/theory/linear_finite_size.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "divided_difference.hpp"
#include "elliptic_planar.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/quadrature.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;
using detail::DividedDifference;
using detail::Ensemble;
using detail::planarFourPoint;
using detail::planarThreePointInner;
using detail::planarThreePointOuter;
using detail::planarTwoPoint;
using detail::sameSideTwoPoint;
using detail::spectralPoint;

Ensemble ensembleOf(double g, double eta, DiagonalConvention diagonal) {
    if (!std::isfinite(eta) || eta < -1.0 || eta > 1.0) {
        std::ostringstream msg;
        msg << "linear finite-size theory: eta = " << eta << ": the symmetry must lie in [-1, 1]";
        throw std::domain_error(msg.str());
    }
    if (!std::isfinite(g) || g < 0.0 || g * (1.0 + eta) >= 1.0) {
        std::ostringstream msg;
        msg << "linear finite-size theory: g = " << g
            << ": requires 0 <= g and g (1 + eta) < 1 (eta = " << eta << ")";
        throw std::domain_error(msg.str());
    }
    // Simulator: J_ii ~ N(0, g^2/N) whatever eta is, or J_ii = 0.
    const double deficit = diagonal == DiagonalConvention::Gaussian ? eta : 1.0 + eta;
    return {g * g, eta, deficit};
}

void requireSigma(double sigma) {
    if (!std::isfinite(sigma) || sigma < 0.0) {
        std::ostringstream msg;
        msg << "linear finite-size theory: sigma = " << sigma << ": must be finite and >= 0";
        throw std::domain_error(msg.str());
    }
}

// ---- 1/N terms of the one- and two-point functions ----

// G1 from z G = 1 + eta g^2 E(tr R)^2 + (g^2/N) [tr R R^T - d tr_diag R^2].
template <class T>
T traceFirstOrder(const Ensemble& e, const T& u) {
    return e.g2 * (planarTwoPoint(e, u, u) - e.deficit * u * u) / (1.0 / u - e.eta * e.g2 * u);
}

// The twisted traces of the two-point equation: tr R(a)^T R(a) R(b)^T and tr R(a) R(b)^T R(b).
template <class T>
T twistedLeft(const Ensemble& e, const T& ua, const T& ub) {
    return ua * ua * ub / ((1.0 - e.g2 * ua * ua) * (1.0 - e.g2 * ua * ub) * (1.0 - e.eta * e.g2 * ua * ub));
}
template <class T>
T twistedRight(const Ensemble& e, const T& ua, const T& ub) {
    return ua * ub * ub / ((1.0 - e.g2 * ub * ub) * (1.0 - e.g2 * ua * ub) * (1.0 - e.eta * e.g2 * ua * ub));
}

// P1 from z_a P = G_b + g^2 E[tr R_b tr(R_a R_b^T)] + eta g^2 E[tr R_a tr(R_a R_b^T)]
//               + (g^2/N) [tr R_a^T R_a R_b^T + eta tr R_a R_b^T R_b - d (G_a + G_b) P].
template <class T>
T twoPointFirstOrder(const Ensemble& e, const T& ua, const T& ub) {
    const T p0 = planarTwoPoint(e, ua, ub);
    const T source =
        traceFirstOrder(e, ub) * (1.0 + e.g2 * p0) + e.eta * e.g2 * traceFirstOrder(e, ua) * p0 +
        e.g2 * (twistedLeft(e, ua, ub) + e.eta * twistedRight(e, ua, ub) - e.deficit * (ua + ub) * p0);
    return source * ua / (1.0 - e.g2 * ua * ub);
}

// [f(a) - f(b)] / (z(a) - z(b)) for f a function of one u; exact also at a == b.
template <class F>
Complex zDividedDifference(const Ensemble& e, const F& f, Complex ua, Complex ub) {
    const DividedDifference u = DividedDifference::variable(ua, ub);
    return f(u).slope / spectralPoint(e, u).slope;
}

// ---- 1/N term of the four-point function ----

using Dd = DividedDifference;

Complex fourPointFirstOrder(const Ensemble& e, Complex u1, Complex u2, Complex u3, Complex u4) {
    const Complex f0 = planarFourPoint(e, u1, u2, u3, u4);
    const Complex v0 = planarThreePointOuter(e, u2, u3, u4);
    const Complex w0 = planarThreePointInner(e, u1, u2, u3);
    const Complex p12 = planarTwoPoint(e, u1, u2), p34 = planarTwoPoint(e, u3, u4);
    const Complex p12_1 = twoPointFirstOrder(e, u1, u2), p34_1 = twoPointFirstOrder(e, u3, u4);
    // The three-point functions are divided differences of P also at order 1/N (exact identities).
    const Complex v1 = -zDividedDifference(
        e, [&](const Dd& x) { return twoPointFirstOrder(e, Dd(u3), x); }, u2, u4);
    const Complex w1 = -zDividedDifference(
        e, [&](const Dd& x) { return twoPointFirstOrder(e, x, Dd(u2)); }, u1, u3);
    // Twisted five-resolvent traces, each reduced by one resolvent identity to planar four-point values:
    //   tr R1^T R1 R2^T R3 R4^T = [F(1,2,3,1) - F(1,2,3,4)] / (z4 - z1)
    //   tr R3^T R2 R1^T R3 R4^T = [F(2,1,3,3) - F(2,1,3,4)] / (z4 - z3)
    //   tr R2 R1^T R2^T R3 R4^T = [F(2,2,3,4) - F(2,1,3,4)] / (z1 - z2)      (eta)
    //   tr R1 R2^T R3 R4^T R4   = [F(4,2,3,4) - F(1,2,3,4)] / (z1 - z4)      (eta)
    const Complex x1 = -zDividedDifference(
        e, [&](const Dd& x) { return planarFourPoint(e, Dd(u1), Dd(u2), Dd(u3), x); }, u1, u4);
    const Complex x2 = -zDividedDifference(
        e, [&](const Dd& x) { return planarFourPoint(e, Dd(u2), Dd(u1), Dd(u3), x); }, u3, u4);
    const Complex x3 = -zDividedDifference(
        e, [&](const Dd& x) { return planarFourPoint(e, Dd(u2), x, Dd(u3), Dd(u4)); }, u1, u2);
    const Complex x4 = -zDividedDifference(
        e, [&](const Dd& x) { return planarFourPoint(e, x, Dd(u2), Dd(u3), Dd(u4)); }, u1, u4);
    const Complex g1_1 = traceFirstOrder(e, u1), g1_4 = traceFirstOrder(e, u4);
    const Complex products =
        v1 + e.g2 * (p12_1 * v0 + p12 * v1 + f0 * g1_4) + e.eta * e.g2 * (g1_1 * f0 + w1 * p34 + w0 * p34_1);
    const Complex twisted = x1 + x2 + e.eta * (x3 + x4);
    const Complex diagonal = e.deficit * (u1 * f0 + p12 * v0 + w0 * p34 + f0 * u4);
    return (products + e.g2 * (twisted - diagonal)) / (1.0 / u1 - e.g2 * u4);
}

// ---- variance of the diagonal entries C_ii (cavity) ----

// Removing site i: at z = 1 + iw, x_i = (xi_i + h_i) / (z - delta_i) with h_i = J_i. x^(i) (spectral
// power q_i(w) = J_i. C^(i)(w) J_i.^T) and delta_i(z) = J_ii + J_i. R^(i)(z) J_.i, whose mean eta g^2 u
// makes z - delta = 1/u. To first order C_ii - a = Int [|u|^2 dq(w) + 2 S(w) Re(u d delta(z))] dw/2pi, so
// N Var C_ii is the double frequency integral of
//   2 g^4 |u|^2 |u'|^2 tr C(w) C(w')                       Var q
//   4 S S' Re[u u' K], K = g^2 nu + g^4 [tr R R'^T + eta^2 tr R R']   Var delta
//   8 eta g^4 |u|^2 S' Re[u' tr C(w) R(z')]                Cov(q, delta), from J_.i = eta J_i.^T + ...
// with S = tr C(w) the site spectrum and nu g^2/N = Var J_ii; terms odd in the part of J_.i independent of
// J_i. vanish. Zero frequency is the same density at w = w' = 0, without the integrals.
Complex diagonalVarianceDensity(const Ensemble& e, Complex u, Complex x) {
    const double g4 = e.g2 * e.g2;
    const double nu = 1.0 + e.eta - e.deficit;
    const double weight_u = std::norm(u), weight_x = std::norm(x);
    const double spectrum_u = std::real(planarTwoPoint(e, u, std::conj(u)));
    const double spectrum_x = std::real(planarTwoPoint(e, x, std::conj(x)));
    const Complex four = planarFourPoint(e, u, std::conj(u), x, std::conj(x));
    const Complex same_side = sameSideTwoPoint(e, u, x);  // tr R(z) R(z')
    const Complex kernel = e.g2 * nu + g4 * (planarTwoPoint(e, u, x) + e.eta * e.eta * same_side);
    const Complex mixed = planarThreePointInner(e, u, std::conj(u), x);  // tr R(z) R(z)^H R(z')
    return 2.0 * g4 * weight_u * weight_x * std::real(four) +
           4.0 * spectrum_u * spectrum_x * std::real(u * x * kernel) +
           8.0 * e.eta * g4 * weight_u * spectrum_x * std::real(x * mixed);
}

// ---- statistics ----

// m1 = a, m2 -> pr_over_n; the statistics' fluctuations across realizations are O(1/N^2) in variance,
// so E[a^2/m2] = E[a]^2 / E[m2] + O(1/N^2).
void setDimension(LinearFirstOrder& r, double a0, double c_a, double m2_0, double c_m2) {
    r.limit = {a0, m2_0, a0 * a0 / m2_0, m2_0 - a0 * a0};
    r.auto_mean = c_a;
    r.m2 = c_m2;
    r.pr_over_n = a0 * a0 / m2_0 * (2.0 * c_a / a0 - c_m2 / m2_0);
}

// n_cross_var = N/(N-1) [m2 - (1/N) sum_i C_ii^2] + O(1/N^2), and (1/N) sum C_ii^2 = a^2 + var_i C_ii.
void setCrossVariance(LinearFirstOrder& r, double a0, double m2_0, double diagonal_variance) {
    r.auto_var = diagonal_variance;
    r.n_cross_var = r.m2 - 2.0 * a0 * r.auto_mean - diagonal_variance + (m2_0 - a0 * a0);
}

// Results are computed at sigma = 1 (PR/N is sigma-free and needs a > 0) and scaled here: a ~ sigma^2,
// m2, n_cross_var and auto_var ~ sigma^4.
LinearFirstOrder scaledBySigma(LinearFirstOrder r, double sigma) {
    const double s2 = sigma * sigma, s4 = s2 * s2;
    r.limit.auto_mean *= s2;
    r.limit.m2 *= s4;
    r.limit.n_cross_var *= s4;
    r.auto_mean *= s2;
    r.m2 *= s4;
    if (r.n_cross_var) *r.n_cross_var *= s4;
    if (r.auto_var) *r.auto_var *= s4;
    return r;
}

Complex meanResolvent(double frequency, double g, double eta) {
    return ellipticMeanResolvent(Complex(1.0, frequency), g, eta);
}

QuadratureOptions innerOptions() {
    QuadratureOptions o;
    o.rel_tol = 1e-8;
    o.abs_tol = 1e-12;
    return o;
}

QuadratureOptions outerOptions() {
    QuadratureOptions o;
    o.rel_tol = 1e-6;
    o.abs_tol = 1e-10;
    return o;
}

double frequencyScale(double g, double eta) {
    return std::sqrt(std::max(1.0 - g * (1.0 + eta), 1e-3));
}

// Int dw/2pi f(w) over the real line.
template <class F>
double frequencyIntegral(const F& f, double scale, const QuadratureOptions& options, const char* what) {
    const Integrand integrand = [&](double w) { return f(w) / (2.0 * M_PI); };
    return requireConverged(integrateRealLine(integrand, scale, 0.0, options), what);
}

// Int dw dw'/(2pi)^2 f(w, w').
template <class F>
double doubleFrequencyIntegral(const F& f, double scale, const char* what) {
    const auto inner = [&](double w) {
        return frequencyIntegral([&](double v) { return f(w, v); }, scale, innerOptions(), what);
    };
    return frequencyIntegral(inner, scale, outerOptions(), what);
}

}  // namespace

ExpandedValue resolventTrace(Complex z, double g, double eta, DiagonalConvention diagonal) {
    const Ensemble e = ensembleOf(g, eta, diagonal);
    const Complex u = ellipticMeanResolvent(z, g, eta);
    return {u, traceFirstOrder(e, u)};
}

ExpandedValue resolventTwoPoint(Complex z1, Complex z2, double g, double eta, DiagonalConvention diagonal) {
    const Ensemble e = ensembleOf(g, eta, diagonal);
    const Complex u1 = ellipticMeanResolvent(z1, g, eta), u2 = ellipticMeanResolvent(z2, g, eta);
    return {planarTwoPoint(e, u1, u2), twoPointFirstOrder(e, u1, u2)};
}

ExpandedValue resolventFourPoint(Complex z1, Complex z2, Complex z3, Complex z4, double g, double eta,
                                 DiagonalConvention diagonal) {
    const Ensemble e = ensembleOf(g, eta, diagonal);
    const Complex u1 = ellipticMeanResolvent(z1, g, eta), u2 = ellipticMeanResolvent(z2, g, eta);
    const Complex u3 = ellipticMeanResolvent(z3, g, eta), u4 = ellipticMeanResolvent(z4, g, eta);
    return {planarFourPoint(e, u1, u2, u3, u4), fourPointFirstOrder(e, u1, u2, u3, u4)};
}

LinearFirstOrder linearZeroFrequencyFirstOrder(double g, double eta, double sigma,
                                               DiagonalConvention diagonal) {
    const Ensemble e = ensembleOf(g, eta, diagonal);
    requireSigma(sigma);
    const Complex u = ellipticMeanResolvent(Complex(1.0), g, eta);
    const double a0 = std::real(planarTwoPoint(e, u, u));
    const double m2_0 = std::real(planarFourPoint(e, u, u, u, u));
    LinearFirstOrder r;
    setDimension(r, a0, std::real(twoPointFirstOrder(e, u, u)), m2_0,
                 std::real(fourPointFirstOrder(e, u, u, u, u)));
    setCrossVariance(r, a0, m2_0, std::real(diagonalVarianceDensity(e, u, u)));
    return scaledBySigma(r, sigma);
}

LinearFirstOrder linearEqualTimeFirstOrder(double g, double eta, double sigma, DiagonalConvention diagonal,
                                           double tau) {
    requireSigma(sigma);
    if (!(tau >= 0.0) || !std::isfinite(tau)) throw std::invalid_argument("noise tau must be finite and >= 0");
    // Slow noise narrows the integrands to |w| < 1/tau: map the real line on that scale.
    const double scale = tau > 0.0 ? std::min(frequencyScale(g, eta), 1.0 / tau) : frequencyScale(g, eta);
    const auto filter = [tau](double w) { return 1.0 / (1.0 + tau * tau * w * w); };
    return scaledBySigma(linearEqualTimeFirstOrderWithNoise(g, eta, diagonal, filter, scale), sigma);
}

LinearFirstOrder linearEqualTimeFirstOrderWithNoise(double g, double eta, DiagonalConvention diagonal,
                                                    const std::function<double(double)>& noise_spectrum,
                                                    double frequency_scale) {
    const Ensemble e = ensembleOf(g, eta, diagonal);
    if (!(frequency_scale > 0.0) || !std::isfinite(frequency_scale))
        throw std::domain_error("frequency_scale must be finite and > 0");
    const double scale = std::min(frequencyScale(g, eta), frequency_scale);
    // C = Int dw/2pi L(w) R(1+iw) R(1-iw)^T; u(1 - iw) = conj u(1 + iw).
    const auto two = [&](double w, bool first_order) {
        const Complex u = meanResolvent(w, g, eta);
        return noise_spectrum(w) * std::real(first_order ? twoPointFirstOrder(e, u, std::conj(u))
                                                         : planarTwoPoint(e, u, std::conj(u)));
    };
    const auto four = [&](double w, double v, bool first_order) {
        const Complex u = meanResolvent(w, g, eta), x = meanResolvent(v, g, eta);
        return noise_spectrum(w) * noise_spectrum(v) *
               std::real(first_order ? fourPointFirstOrder(e, u, std::conj(u), x, std::conj(x))
                                     : planarFourPoint(e, u, std::conj(u), x, std::conj(x)));
    };
    const double a0 =
        frequencyIntegral([&](double w) { return two(w, false); }, scale, innerOptions(), "ET a");
    const double c_a =
        frequencyIntegral([&](double w) { return two(w, true); }, scale, innerOptions(), "ET a, 1/N term");
    const double m2_0 =
        doubleFrequencyIntegral([&](double w, double v) { return four(w, v, false); }, scale, "ET m2");
    const double c_m2 = doubleFrequencyIntegral([&](double w, double v) { return four(w, v, true); }, scale,
                                                "ET m2, 1/N term");
    LinearFirstOrder r;
    setDimension(r, a0, c_a, m2_0, c_m2);
    const double diagonal_variance = doubleFrequencyIntegral(
        [&](double w, double v) {
            return noise_spectrum(w) * noise_spectrum(v) *
                   std::real(diagonalVarianceDensity(e, meanResolvent(w, g, eta), meanResolvent(v, g, eta)));
        },
        scale, "ET diagonal variance");
    setCrossVariance(r, a0, m2_0, diagonal_variance);
    return r;
}

}  // namespace quench::theory
