// The covariance of x under the partially symmetric closure (docs/theory/partial_symmetry.md, section 7):
// the closure's network is the linear-response one of linear_response_kernels.hpp with the site's
// response u = gamma u'(K) (u' the elliptic mean resolvent of gamma J at K = 1 + i w), z = K / gamma, the
// noise of phi = G (xi + z r) L / gamma^2, and the leak filter |f|^2 = 1 / |K|^2.
#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>
#include <vector>

#include "elliptic_planar.hpp"
#include "linear_equivalence_closure.hpp"
#include "linear_response_kernels.hpp"
#include "quench/theory/frequency_rule.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/partial_symmetry_dmft.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;
struct ClosureCell {
    detail::Cell cell;
    double s_x = 0.0;  // the x spectrum at this frequency, unweighted
};

ClosureCell closureCell(const DmftCorrelation& c, double g, double eta, double sigma, double noise_tau,
                        double w, double weight) {
    if (!(c.gamma > 0.0))
        throw std::domain_error("gamma = " + std::to_string(c.gamma) +
                                ": the closure needs a positive effective gain");
    const detail::Ensemble e{g * g, eta, 0.0};
    const Complex k(1.0, w);
    const double gamma2 = c.gamma * c.gamma, k2 = std::norm(k);
    const double l = partiallySymmetricEquivalentNoise(c, g, eta, w) / gamma2;  // S_xi + |z|^2 S_r
    const double s_xi = detail::closureNoiseSpectrum(w, sigma, noise_tau);
    const double a = l / gamma2;                    // |f|^2 |z|^2 L
    const double b = std::max(0.0, l - s_xi) / k2;  // |f|^2 |z|^2 S_r (rounding can dip below 0)
    ClosureCell out;
    out.cell.u = c.gamma * ellipticMeanResolvent(k, c.g_eff, eta);
    out.cell.z = k / c.gamma;
    out.cell.l = weight * l;
    out.cell.a = weight * a;
    out.cell.b = weight * b;
    out.s_x = detail::stateDiagonal(e, out.cell.u, out.cell.z, a, b);
    return out;
}

}  // namespace

LinearMoments partiallySymmetricStateZeroFrequency(const DmftCorrelation& c, double g, double eta,
                                                   double sigma, double noise_tau) {
    const detail::Ensemble e{g * g, eta, 0.0};
    const ClosureCell zero = closureCell(c, g, eta, sigma, noise_tau, 0.0, 1.0);
    // tr C_x(0)^2 = a^2 + N dc2 at N = infinity.
    return momentsWithoutM3(zero.s_x, detail::stateKernel(e, zero.cell, zero.cell) - zero.s_x * zero.s_x);
}

LinearMoments partiallySymmetricStateEqualTime(const DmftCorrelation& c, double g, double eta, double sigma,
                                               double noise_tau, double scale, int frequency_points) {
    const detail::Ensemble e{g * g, eta, 0.0};
    const FrequencyRule rule = frequencyRule(scale, frequency_points);
    std::vector<detail::Cell> cells;
    double auto_mean = 0.0;
    for (int i = 0; i < frequency_points; ++i) {
        const ClosureCell point = closureCell(c, g, eta, sigma, noise_tau, rule.w[i], rule.weight[i]);
        cells.push_back(point.cell);
        auto_mean += rule.weight[i] * point.s_x;
    }
    double m2 = 0.0;
    for (const detail::Cell& f : cells)
        for (const detail::Cell& h : cells) m2 += detail::stateKernel(e, f, h);
    return momentsWithoutM3(auto_mean, m2 - auto_mean * auto_mean);
}

}  // namespace quench::theory
