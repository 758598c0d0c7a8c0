#pragma once
// An even function of frequency (a noise or power spectrum) tabulated once on w = s tan(theta), theta in
// [0, atan(w_cap / s)], and interpolated linearly in theta; constant beyond w_cap. For spectra that the
// adaptive frequency quadratures evaluate ~1e5 times while one evaluation costs a Filon sum over a whole
// tau grid (the linear-equivalent noise L(w) of nonlinear_finite_size.hpp and of the partially symmetric
// closure). Use it where the function has reached its high-frequency limit by w_cap to the accuracy wanted.
#include <cmath>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <vector>

namespace quench::theory {

class TabulatedSpectrum {
public:
    TabulatedSpectrum(const std::function<double(double)>& f, double scale, double w_cap, int points)
        : scale_(scale), values_(static_cast<std::size_t>(points) + 1) {
        if (!(scale > 0.0) || !(w_cap > 0.0) || points < 2)
            throw std::domain_error("tabulated spectrum: needs scale > 0, w_cap > 0 and at least 2 points");
        step_ = std::atan(w_cap / scale_) / points;
        for (int k = 0; k <= points; ++k)
            values_[static_cast<std::size_t>(k)] = f(scale_ * std::tan(k * step_));
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

}  // namespace quench::theory
