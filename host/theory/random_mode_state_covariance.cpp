// x's covariance statistics in the linear-equivalent network of random-mode couplings with mode overlap
// (random_mode_state_covariance.hpp; docs/theory/random_mode.md, "The covariance of x under the closure").
// With traces normalized by 1/N, R = R(w), R' = R(w'), P(a, b) = (1/N) Tr [(a - gamma J)^-1 (b - gamma
// J^T)^-1],
//     Tr R R' = (u - u') / (K' - K),   Tr R R'^H = P(K, conj K'),   Tr R R^H R' = (P(K', conj K) - P(K, conj
//     K)) / (K - K'),   and Tr R R^H R'^H = conj Tr R R^H R',   Tr R^H R'^H = conj Tr R R'   (J is real),
// with derivatives in place of the quotients at K = K' (w = w': central differences,
// Richardson-extrapolated).
#include "quench/theory/random_mode_state_covariance.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "linear_equivalence_closure.hpp"
#include "quench/theory/frequency_rule.hpp"
#include "quench/theory/random_mode_theory.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;
using Points = std::vector<std::pair<Complex, Complex>>;

void requireNetwork(const RandomModeLinearEquivalent& s) {
    if (!(s.gamma > 0.0) || !std::isfinite(s.gamma))
        throw std::domain_error("gamma = " + std::to_string(s.gamma) +
                                ": the linear-equivalent network needs a finite positive gain");
    if (!s.noise || !s.residual)
        throw std::domain_error("random-mode state covariance: the noise and residual spectra must be given");
}

std::vector<double> scaled(const std::vector<double>& d, double gamma) {
    std::vector<double> out(d);
    for (double& x : out) x *= gamma;
    return out;
}

// The four points a +- h, a +- 2h (with b fixed) of a Richardson-extrapolated central difference in a.
void appendStencil(Points& points, Complex a, Complex b, double h) {
    for (const double step : {h, -h, 2.0 * h, -2.0 * h}) points.emplace_back(a + step, b);
}

// d f / d a from f at the stencil's four points (the first at it).
Complex stencilDerivative(const Complex* f, double h) {
    const Complex d1 = (f[0] - f[1]) / (2.0 * h);
    const Complex d2 = (f[2] - f[3]) / (4.0 * h);
    return (4.0 * d1 - d2) / 3.0;
}

// The mean resolvent u(k) of gamma J and its derivative du / dk.
struct MeanResolvent {
    Complex u, slope;
};

MeanResolvent meanResolvent(const std::vector<double>& dg, int n, const std::vector<double>& rho, Complex k,
                            double h) {
    Points stencil;
    appendStencil(stencil, k, 0.0, h);
    Complex f[4];
    for (int q = 0; q < 4; ++q) f[q] = randomModeMeanResolvent(dg, n, rho, stencil[q].first);
    return {randomModeMeanResolvent(dg, n, rho, k), stencilDerivative(f, h)};
}

// A derivative step well inside the distance to the bulk edge (~ 1 / r(0), 1 - g^2 for iid J).
double derivativeStep(double r0) {
    return 1e-3 * std::min(1.0, 1.0 / r0);
}

}  // namespace

LinearMoments randomModeStateZeroFrequency(const RandomModeLinearEquivalent& s) {
    requireNetwork(s);
    const std::vector<double> dg = scaled(s.d, s.gamma);
    // Tr R R^T and Tr (R R^T)^2 at unit noise; validates the modes and the stability of gamma J.
    const RandomModeZeroFrequency unit = randomModeZeroFrequency(dg, s.n, s.rho, 1.0);
    const double p0 = unit.auto_mean, h = derivativeStep(p0);
    Points stencil;
    appendStencil(stencil, 1.0, 1.0, h);
    const std::vector<Complex> p = randomModeResolventProducts(dg, s.n, s.rho, stencil);
    const double x0 = -stencilDerivative(p.data(), h).real();  // Tr R R^T R = -dP(a, 1) / da
    const MeanResolvent u = meanResolvent(dg, s.n, s.rho, 1.0, h);
    const double u0 = u.u.real(), q0 = -u.slope.real();  // Tr R, Tr R^2
    const double g2 = s.gamma * s.gamma, sr = s.residual(0.0), l = g2 * s.noise(0.0) + sr;
    const double a = (l * p0 - 2.0 * sr * u0 + sr) / g2;
    const double m2 = (l * l * unit.m2 - 4.0 * l * sr * x0 + 2.0 * l * sr * p0 + 2.0 * sr * sr * (q0 + p0) -
                       4.0 * sr * sr * u0 + sr * sr) /
                      (g2 * g2);
    return momentsWithoutM3(a, m2 - a * a);
}

LinearMoments randomModeStateEqualTime(const RandomModeLinearEquivalent& s, int frequency_points) {
    requireNetwork(s);
    if (!(s.width > 0.0) || !std::isfinite(s.width))
        throw std::domain_error("width = " + std::to_string(s.width) + ": must be finite and > 0");
    const std::vector<double> dg = scaled(s.d, s.gamma);
    const double g2 = s.gamma * s.gamma;
    const auto l_of = [&s, g2](double w) { return g2 * s.noise(w) + (1.0 + w * w) * s.residual(w); };
    // phi's part, int int L L' Tr R R^H R' R'^H: the two-copy cavity (validates, checks stability).
    const double phi_m2 = randomModeEqualTimeWithNoise(dg, s.n, s.rho, l_of, s.width).m2;
    const double r0 = randomModeSpectralPower(dg, s.n, s.rho, {0.0}).front();
    const FrequencyRule rule = frequencyRule(std::min({1.0, s.width, 1.0 / std::sqrt(r0)}), frequency_points);
    const int n = frequency_points;
    const double h = derivativeStep(r0);
    std::vector<Complex> k(n);
    std::vector<double> l(n), sr(n);
    for (int i = 0; i < n; ++i) {
        k[i] = Complex(1.0, rule.w[i]);
        l[i] = l_of(rule.w[i]);
        sr[i] = s.residual(rule.w[i]);
    }
    // P_ij = P(K_i, conj K_j) on the upper triangle (P is Hermitian in (i, j)), row by row so that each
    // point continues from its neighbour; then the stencils of dP(a, conj K_i) / da at a = K_i.
    Points points;
    for (int i = 0; i < n; ++i)
        for (int j = i; j < n; ++j) points.emplace_back(k[i], std::conj(k[j]));
    for (int i = 0; i < n; ++i) appendStencil(points, k[i], std::conj(k[i]), h);
    const std::vector<Complex> values = randomModeResolventProducts(dg, s.n, s.rho, points);
    std::vector<Complex> p(static_cast<std::size_t>(n) * n), x_diagonal(n);
    std::size_t next = 0;
    for (int i = 0; i < n; ++i)
        for (int j = i; j < n; ++j) {
            p[static_cast<std::size_t>(i) * n + j] = values[next];
            p[static_cast<std::size_t>(j) * n + i] = std::conj(values[next]);
            ++next;
        }
    for (int i = 0; i < n; ++i, next += 4) x_diagonal[i] = -stencilDerivative(&values[next], h);
    const auto P = [&p, n](int i, int j) { return p[static_cast<std::size_t>(i) * n + j]; };
    std::vector<MeanResolvent> u(n);
    for (int i = 0; i < n; ++i) u[i] = meanResolvent(dg, s.n, s.rho, k[i], h);
    // Tr R_i R_i^H R_j and Tr R_i R_j.
    const auto X = [&](int i, int j) { return i == j ? x_diagonal[i] : (P(j, i) - P(i, i)) / (k[i] - k[j]); };
    const auto Q = [&](int i, int j) { return i == j ? -u[i].slope : (u[i].u - u[j].u) / (k[j] - k[i]); };
    double auto_mean = 0.0, other = 0.0;
    for (int i = 0; i < n; ++i) {
        const double re_ku_i = (k[i] * u[i].u).real();
        auto_mean += rule.weight[i] * (l[i] * P(i, i).real() - 2.0 * sr[i] * re_ku_i + sr[i]);
        for (int j = 0; j < n; ++j) {
            const double re_ku_j = (k[j] * u[j].u).real();
            const double cross =
                -2.0 * l[i] * sr[j] * (k[j] * X(i, j)).real() - 2.0 * l[j] * sr[i] * (k[i] * X(j, i)).real() +
                l[i] * sr[j] * P(i, i).real() + l[j] * sr[i] * P(j, j).real() +
                2.0 * sr[i] * sr[j] *
                    ((k[i] * k[j] * Q(i, j)).real() + (k[i] * std::conj(k[j]) * P(i, j)).real()) -
                sr[i] * sr[j] * (2.0 * re_ku_i + 2.0 * re_ku_j - 1.0);
            other += rule.weight[i] * rule.weight[j] * cross;
        }
    }
    auto_mean /= g2;
    const double m2 = (phi_m2 + other) / (g2 * g2);
    return momentsWithoutM3(auto_mean, m2 - auto_mean * auto_mean);
}

RandomModeLinearEquivalent randomModeOverlapLinearEquivalent(const DmftCorrelation& c,
                                                             const std::vector<double>& D, int N,
                                                             const std::vector<double>& rho, double sigma,
                                                             double noise_tau,
                                                             const TabulatedSpectrum& equivalent_noise) {
    const auto l = std::make_shared<const TabulatedSpectrum>(equivalent_noise);
    const double g2 = c.gamma * c.gamma;
    RandomModeLinearEquivalent s;
    s.d = D;
    s.rho = rho;
    s.n = N;
    s.gamma = c.gamma;
    s.noise = [sigma, noise_tau](double w) { return detail::closureNoiseSpectrum(w, sigma, noise_tau); };
    s.residual = [l, g2, sigma, noise_tau](double w) {  // rounding can dip below 0 where S_r vanishes
        return std::max(0.0, (*l)(w)-g2 * detail::closureNoiseSpectrum(w, sigma, noise_tau)) / (1.0 + w * w);
    };
    s.width = noise_tau > 1.0 ? 1.0 / noise_tau : 1.0;
    return s;
}

}  // namespace quench::theory
