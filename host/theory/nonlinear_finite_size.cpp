#include "quench/theory/nonlinear_finite_size.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "quench/theory/tabulated_spectrum.hpp"

namespace quench::theory {
namespace {

void requireSolved(const DmftCorrelation& c, double g) {
    if (c.c_phi.size() < 2 || !(c.c_phi[0] > 0.0))
        throw std::domain_error("frozen linear equivalence: the DMFT correlation is empty or quiescent");
    if (!(g > 0.0) || !std::isfinite(g)) throw std::domain_error("frozen linear equivalence: g must be > 0");
    if (!(c.g_eff < 1.0)) throw std::domain_error("frozen linear equivalence: needs g_eff < 1");
}

}  // namespace

LinearFirstOrder frozenEquivalenceEqualTimeFirstOrder(const DmftCorrelation& c, double g,
                                                      DiagonalConvention diagonal) {
    requireSolved(c, g);
    const double g_eff = c.g_eff;
    const double scale = std::sqrt(std::max(1.0 - g_eff, 1e-3));
    // L tends to a constant (E[phi'^2] times the white noise's power) at high frequency, where the Filon
    // transform of the tau grid loses accuracy (w dt ~ 1): tabulated up to w = 0.25 / dt, constant beyond
    // (L(w) - L(infinity) ~ 1/w^2 there).
    const double g2 = g_eff * g_eff;
    const TabulatedSpectrum noise([&](double w) { return activationSpectrum(c, w) * (1.0 + w * w - g2); },
                                  scale, 0.25 / c.dt, 4096);
    return linearEqualTimeFirstOrderWithNoise(g_eff, 0.0, diagonal, noise, scale);
}

LinearFirstOrder frozenEquivalenceZeroFrequencyFirstOrder(const DmftCorrelation& c, double g,
                                                          DiagonalConvention diagonal) {
    requireSolved(c, g);
    const double l0 = activationSpectrum(c, 0.0) * (1.0 - c.g_eff * c.g_eff);
    return linearZeroFrequencyFirstOrder(c.g_eff, 0.0, std::sqrt(l0), diagonal);
}

}  // namespace quench::theory
