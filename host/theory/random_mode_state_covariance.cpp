// x's covariance statistics in the linear-equivalent network of random-mode couplings with mode overlap
// (random_mode_state_covariance.hpp; docs/theory/random_mode.md, "The covariance of x under the closure").
// gamma^2 C_x(w) = L R R^H - S_r (K R + conj(K) R^H - 1) is the input spectrum C_h = a G G^H - b (z G +
// conj(z) G^H) + b of the sampled DMFT's linear-response network with G = R, z = K, a = L, b = S_r: its sums
// over pairs of frequencies are randomModeResponseSums (random_mode_response_sums.hpp), on the half line w >=
// 0 (each partner averaged with its conjugate, w < 0).
#include "quench/theory/random_mode_state_covariance.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "linear_equivalence_closure.hpp"
#include "quench/theory/frequency_rule.hpp"
#include "quench/theory/random_mode_theory.hpp"
#include "random_mode_response_sums.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;

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

// The frequency w >= 0 with the quadrature weight folded in: G = (K - gamma J)^-1 at z = K = 1 + i w, u = tr
// G (so z is the spectral point of u), a = L, b = S_r.
detail::Cell cellAt(const RandomModeLinearEquivalent& s, const std::vector<double>& dg, double w,
                    double weight) {
    const double g2 = s.gamma * s.gamma, sr = s.residual(w);
    detail::Cell c;
    c.z = Complex(1.0, w);
    c.u = randomModeMeanResolvent(dg, s.n, s.rho, c.z);
    c.l = weight * (g2 * s.noise(w) + (1.0 + w * w) * sr);
    c.a = c.l;
    c.b = weight * sr;
    return c;
}

// gamma^2 tr C_x = a P - 2 b Re(z u) + b, summed over the cells (P = tr G G^H).
double autoMeanOf(const detail::RandomModeCoupling& j, const std::vector<detail::Cell>& cells) {
    std::vector<Complex> z;
    for (const detail::Cell& c : cells) z.push_back(c.z);
    const std::vector<double> power = detail::randomModeResponsePower(j, z);
    double sum = 0.0;
    for (std::size_t i = 0; i < cells.size(); ++i)
        sum += cells[i].a * power[i] - 2.0 * cells[i].b * std::real(cells[i].z * cells[i].u) + cells[i].b;
    return sum;
}

LinearMoments momentsOf(const RandomModeLinearEquivalent& s, const std::vector<double>& dg,
                        const std::vector<detail::Cell>& cells) {
    const detail::RandomModeCoupling j(dg, s.rho, s.n);
    const double g2 = s.gamma * s.gamma;
    const double a = autoMeanOf(j, cells) / g2;
    const double m2 = detail::randomModeResponseSums(j, cells).state / (g2 * g2);
    return momentsWithoutM3(a, m2 - a * a);
}

}  // namespace

LinearMoments randomModeStateZeroFrequency(const RandomModeLinearEquivalent& s) {
    requireNetwork(s);
    const std::vector<double> dg = scaled(s.d, s.gamma);
    randomModeZeroFrequency(dg, s.n, s.rho, 1.0);  // validates the modes and the stability of gamma J
    return momentsOf(s, dg, {cellAt(s, dg, 0.0, 1.0)});
}

LinearMoments randomModeStateEqualTime(const RandomModeLinearEquivalent& s, int frequency_points) {
    requireNetwork(s);
    if (!(s.width > 0.0) || !std::isfinite(s.width))
        throw std::domain_error("width = " + std::to_string(s.width) + ": must be finite and > 0");
    const std::vector<double> dg = scaled(s.d, s.gamma);
    // r(0) validates the modes and the stability of gamma J, and sets the network's width.
    const double r0 = randomModeSpectralPower(dg, s.n, s.rho, {0.0}).front();
    const FrequencyRule rule = frequencyRule(std::min({1.0, s.width, 1.0 / std::sqrt(r0)}), frequency_points);
    std::vector<detail::Cell> cells;  // w >= 0; a node at w > 0 stands for -w as well
    for (int i = 0; i < frequency_points; ++i)
        if (rule.w[i] >= 0.0)
            cells.push_back(cellAt(s, dg, rule.w[i], (rule.w[i] > 0.0 ? 2.0 : 1.0) * rule.weight[i]));
    return momentsOf(s, dg, cells);
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
