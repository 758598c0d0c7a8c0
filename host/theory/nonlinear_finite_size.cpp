#include "quench/theory/nonlinear_finite_size.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace quench::theory {
namespace {

// The linear-equivalent noise L(w) = S_phi(w) (1 + w^2 - g_eff^2), tabulated once on w = s tan(theta) and
// interpolated linearly in theta: the adaptive frequency quadratures evaluate L ~1e5 times and one Filon
// sum over the tau grid costs O(grid). L tends to a constant (E[phi'^2] times the white noise's power) at
// high frequency, where the Filon transform of the tau grid loses accuracy (w dt ~ 1): beyond
// w_cap = 0.25 / dt the last tabulated value is used (L(w) - L(infinity) ~ 1/w^2 there).
class EquivalentNoise {
public:
    EquivalentNoise(const DmftCorrelation& c, double scale, int points) : scale_(scale), values_(points + 1) {
        const double cap = 0.25 / c.dt;
        step_ = std::atan(cap / scale_) / points;
        const double g2 = c.g_eff * c.g_eff;
        for (int k = 0; k <= points; ++k) {
            const double w = scale_ * std::tan(k * step_);
            values_[k] = activationSpectrum(c, w) * (1.0 + w * w - g2);
        }
    }
    double operator()(double w) const {
        const double t = std::atan(std::fabs(w) / scale_) / step_;
        if (t >= static_cast<double>(values_.size() - 1)) return values_.back();
        const auto k = static_cast<std::size_t>(t);
        const double f = t - static_cast<double>(k);
        return (1.0 - f) * values_[k] + f * values_[k + 1];
    }

private:
    double scale_;
    double step_ = 0.0;
    std::vector<double> values_;
};

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
    const EquivalentNoise noise(c, scale, 4096);
    return linearEqualTimeFirstOrderWithNoise(g_eff, 0.0, diagonal, noise, scale);
}

LinearFirstOrder frozenEquivalenceZeroFrequencyFirstOrder(const DmftCorrelation& c, double g,
                                                          DiagonalConvention diagonal) {
    requireSolved(c, g);
    const double l0 = activationSpectrum(c, 0.0) * (1.0 - c.g_eff * c.g_eff);
    return linearZeroFrequencyFirstOrder(c.g_eff, 0.0, std::sqrt(l0), diagonal);
}

}  // namespace quench::theory
