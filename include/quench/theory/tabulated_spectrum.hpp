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
#include <utility>
#include <vector>

namespace quench::theory {

class TabulatedSpectrum {
public:
    TabulatedSpectrum(const std::function<double(double)>& f, double scale, double w_cap, int points)
        : TabulatedSpectrum(valuesAt(f, nodes(scale, w_cap, points)), scale, w_cap) {}

    // From values already computed at nodes(scale, w_cap, values.size() - 1), for spectra that are cheaper
    // to compute along the whole ascending grid at once (a cavity continued from frequency to frequency).
    TabulatedSpectrum(std::vector<double> values, double scale, double w_cap)
        : scale_(scale), values_(std::move(values)) {
        require(scale, w_cap, static_cast<int>(values_.size()) - 1);
        step_ = std::atan(w_cap / scale_) / static_cast<double>(values_.size() - 1);
    }

    // The ascending frequencies w_k = scale tan(k atan(w_cap / scale) / points), k = 0..points.
    static std::vector<double> nodes(double scale, double w_cap, int points) {
        require(scale, w_cap, points);
        const double step = std::atan(w_cap / scale) / points;
        std::vector<double> w(static_cast<std::size_t>(points) + 1);
        for (int k = 0; k <= points; ++k) w[static_cast<std::size_t>(k)] = scale * std::tan(k * step);
        return w;
    }

    double operator()(double w) const {
        const double t = std::atan(std::fabs(w) / scale_) / step_;
        if (t >= static_cast<double>(values_.size() - 1)) return values_.back();
        const auto k = static_cast<std::size_t>(t);
        const double f = t - static_cast<double>(k);
        return (1.0 - f) * values_[k] + f * values_[k + 1];
    }

private:
    static void require(double scale, double w_cap, int points) {
        if (!(scale > 0.0) || !(w_cap > 0.0) || points < 2)
            throw std::domain_error("tabulated spectrum: needs scale > 0, w_cap > 0 and at least 2 points");
    }
    static std::vector<double> valuesAt(const std::function<double(double)>& f, std::vector<double> w) {
        for (double& x : w) x = f(x);
        return w;
    }

    double scale_;
    double step_ = 0.0;
    std::vector<double> values_;
};

}  // namespace quench::theory
