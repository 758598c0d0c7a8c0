#include "quench/theory/faddeeva.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace quench::theory {
namespace {

constexpr int kTerms = 40;
constexpr double kPi = 3.14159265358979323846;
constexpr double kInvSqrtPi = 0.56418958354775628695;

std::string show(std::complex<double> z) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "(%.17g, %.17g)", z.real(), z.imag());
    return buf;
}

// Weideman's coefficients: a_n from the discrete Fourier transform of (L^2 + t^2) exp(-t^2) sampled at
// t = L tan(theta/2); computed once by a direct DFT (2M points, M = 2N), no FFT needed at this size.
struct WeidemanExpansion {
    double scale = 0.0;                     // L = sqrt(N / sqrt(2))
    std::array<double, kTerms> coefficients{};  // polynomial in Z, highest power first
};

WeidemanExpansion makeExpansion() {
    WeidemanExpansion e;
    const int n = kTerms;
    const int m = 2 * n;
    const int m2 = 2 * m;
    e.scale = std::sqrt(n / std::sqrt(2.0));
    const double l = e.scale;
    // f_k for k = -M+1..M-1, with f at k = -M set to 0 (theta = -pi, t = -infinity).
    std::vector<double> f(m2, 0.0);  // index j = k + M, j = 0..2M-1
    for (int k = -m + 1; k <= m - 1; ++k) {
        const double t = l * std::tan(0.5 * k * kPi / m);
        f[k + m] = std::exp(-t * t) * (l * l + t * t);
    }
    // fftshift: g[j] = f[(j + M) mod 2M]; then a_j = Re(sum_k g[k] exp(-2 pi i j k / 2M)) / 2M.
    std::vector<double> a(n + 1, 0.0);
    for (int j = 1; j <= n; ++j) {
        double sum = 0.0;
        for (int k = 0; k < m2; ++k) sum += f[(k + m) % m2] * std::cos(2.0 * kPi * j * k / m2);
        a[j] = sum / m2;
    }
    for (int j = 0; j < n; ++j) e.coefficients[j] = a[n - j];  // flipud(a(2:N+1))
    return e;
}

const WeidemanExpansion& expansion() {
    static const WeidemanExpansion e = makeExpansion();
    return e;
}

std::complex<double> upperHalfPlane(std::complex<double> z) {
    const WeidemanExpansion& e = expansion();
    const std::complex<double> i(0.0, 1.0);
    const std::complex<double> denom = e.scale - i * z;
    const std::complex<double> big_z = (e.scale + i * z) / denom;
    std::complex<double> p = 0.0;
    for (double c : e.coefficients) p = p * big_z + c;  // Horner
    return 2.0 * p / (denom * denom) + kInvSqrtPi / denom;
}

void requireOffAxis(std::complex<double> z, double variance) {
    if (!std::isfinite(z.real()) || !std::isfinite(z.imag()) || z.imag() == 0.0)
        throw std::domain_error("pole z = " + show(z) + ": a Gaussian resolvent needs a finite pole off the real axis");
    if (!(variance >= 0.0) || !std::isfinite(variance))
        throw std::domain_error("variance = " + std::to_string(variance) + ": must be finite and >= 0");
}

}  // namespace

std::complex<double> faddeeva(std::complex<double> z) {
    if (!std::isfinite(z.real()) || !std::isfinite(z.imag()))
        throw std::domain_error("Faddeeva argument z = " + show(z) + ": must be finite");
    if (z.imag() >= 0.0) return upperHalfPlane(z);
    const std::complex<double> value = 2.0 * std::exp(-z * z) - upperHalfPlane(-z);
    if (!std::isfinite(value.real()) || !std::isfinite(value.imag()))
        throw std::overflow_error("Faddeeva function at z = " + show(z) + ": overflows in the lower half plane");
    return value;
}

std::complex<double> gaussianResolvent(std::complex<double> z, double variance) {
    requireOffAxis(z, variance);
    if (variance == 0.0) return -1.0 / z;
    const bool upper = z.imag() > 0.0;
    const std::complex<double> zu = upper ? z : std::conj(z);
    const double s = std::sqrt(2.0 * variance);
    const std::complex<double> value = std::complex<double>(0.0, std::sqrt(kPi) / s) * faddeeva(zu / s);
    return upper ? value : std::conj(value);
}

std::complex<double> gaussianResolventSquared(std::complex<double> z, double variance) {
    requireOffAxis(z, variance);
    if (variance == 0.0) return 1.0 / (z * z);
    const bool upper = z.imag() > 0.0;
    const std::complex<double> zu = upper ? z : std::conj(z);
    const double s = std::sqrt(2.0 * variance);
    const std::complex<double> zeta = zu / s;
    // w'(zeta) = -2 zeta w(zeta) + 2i/sqrt(pi); d/dz = (1/s) d/dzeta.
    const std::complex<double> dw = -2.0 * zeta * faddeeva(zeta) + std::complex<double>(0.0, 2.0 * kInvSqrtPi);
    const std::complex<double> value = std::complex<double>(0.0, std::sqrt(kPi) / s) * dw / s;
    return upper ? value : std::conj(value);
}

}  // namespace quench::theory
