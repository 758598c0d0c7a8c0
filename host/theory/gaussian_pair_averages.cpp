// Gaussian averages of products of an activation's derivatives on a uniform grid
// (gaussian_pair_averages.hpp).
#include "gaussian_pair_averages.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>

#include "fftw_transforms.hpp"

namespace quench::theory::detail {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kSpacing = 0.025;  // in y: a tenth of the scale of tanh''''

// Catmull-Rom interpolation of f on the grid y_i = y0 + i h at y (clamped at the ends).
double interpolate(const double* f, std::size_t n, double y0, double h, double y) {
    const double t = (y - y0) / h;
    const double floor_t = std::floor(t);
    const long i = static_cast<long>(floor_t);
    if (i < 1 || i + 2 >= static_cast<long>(n))
        return f[std::clamp<long>(std::lround(t), 0, static_cast<long>(n) - 1)];
    const double u = t - floor_t;
    const double a = f[i - 1], b = f[i], c = f[i + 1], d = f[i + 2];
    return b + 0.5 * u * (c - a + u * (2.0 * a - 5.0 * b + 4.0 * c - d + u * (3.0 * (b - c) + d - a)));
}

}  // namespace

ActivationJet activationJet(const Activation& phi, double y) {
    constexpr double h = 1e-3;
    const double d1 = phi.derivative(y);
    const double p1 = phi.derivative(y + h), m1 = phi.derivative(y - h);
    const double p2 = phi.derivative(y + 2.0 * h), m2 = phi.derivative(y - 2.0 * h);
    return {phi.value(y), d1, (p1 - m1) / (2.0 * h), (p1 - 2.0 * d1 + m1) / (h * h),
            (p2 - 2.0 * p1 + 2.0 * m1 - m2) / (2.0 * h * h * h)};
}

GaussianPairAverages::GaussianPairAverages(const Activation& phi, double variance)
    : variance_(variance), spacing_(kSpacing) {
    if (!(variance > 0.0)) throw std::domain_error("Gaussian pair averages need a positive variance");
    const double sd = std::sqrt(variance);
    // +- 9 sd carries the weight (e^-40 beyond); 8 sd more on each side keep the periodic smoothing's
    // wrap-around (phi itself tends to different limits at the two ends) out of it.
    const double half = 17.0 * sd + 1.0;
    const std::size_t n = nextPowerOfTwo(static_cast<std::size_t>(std::ceil(2.0 * half / spacing_)));
    fft_ = std::make_unique<RealTransforms>(n);
    y_.resize(n);
    weight_.resize(n);
    for (auto& v : values_) v.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double y = (static_cast<double>(i) - static_cast<double>(n / 2)) * spacing_;
        y_[i] = y;
        weight_[i] = std::exp(-0.5 * y * y / variance) / std::sqrt(2.0 * kPi * variance) * spacing_;
        const ActivationJet d = activationJet(phi, y);
        for (int p = 0; p < kOrders; ++p) values_[p][i] = d[p];
    }
    for (int q = 0; q < kOrders; ++q) {
        std::copy(values_[q].begin(), values_[q].end(), fft_->real());
        fft_->forward();
        spectra_[q].assign(fft_->spectrum(), fft_->spectrum() + n / 2 + 1);
    }
}

GaussianPairAverages::~GaussianPairAverages() = default;

double GaussianPairAverages::single(int p, int q) const {
    double sum = 0.0;
    for (std::size_t i = 0; i < y_.size(); ++i) sum += weight_[i] * values_[p][i] * values_[q][i];
    return sum;
}

std::array<std::array<double, GaussianPairAverages::kOrders>, GaussianPairAverages::kOrders>
GaussianPairAverages::pair(double rho, int max_q) const {
    const std::size_t n = y_.size();
    const double width = std::sqrt(std::max(0.0, variance_ * (1.0 - rho * rho)));
    const double step = 2.0 * kPi / (static_cast<double>(n) * spacing_);
    std::array<std::array<double, kOrders>, kOrders> out{};
    for (int q = 0; q <= max_q; ++q) {
        // phi^(q) smoothed over y2 given y1: a Gaussian of width `width` (the conditional spread).
        std::complex<double>* spectrum = fft_->spectrum();
        for (std::size_t j = 0; j <= n / 2; ++j) {
            const double w = step * static_cast<double>(j) * width;
            spectrum[j] = spectra_[q][j] * (std::exp(-0.5 * w * w) / static_cast<double>(n));
        }
        fft_->backward();
        const double* smoothed = fft_->real();
        std::array<double, kOrders> sums{};
        for (std::size_t i = 0; i < n; ++i) {
            if (weight_[i] == 0.0) continue;
            const double inner = interpolate(smoothed, n, y_.front(), spacing_, rho * y_[i]) * weight_[i];
            for (int p = 0; p < kOrders; ++p) sums[p] += values_[p][i] * inner;
        }
        for (int p = 0; p < kOrders; ++p) out[p][q] = sums[p];
    }
    return out;
}

}  // namespace quench::theory::detail
