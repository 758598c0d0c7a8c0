// The Faddeeva function w(z) = exp(-z^2) erfc(-iz) against known values, special cases and direct
// quadrature of its integral representation; the Gaussian resolvents built on it.
#include "quench/theory/faddeeva.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <functional>
#include <stdexcept>

#include "quench/theory/gaussian_average.hpp"
#include "quench/theory/quadrature.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;
constexpr double kPi = 3.14159265358979323846;

double relativeError(Complex a, Complex b) { return std::abs(a - b) / std::abs(b); }

// w(z) = (i/pi) integral exp(-t^2) / (z - t) dt for Im z > 0, by adaptive Gauss-Kronrod.
Complex faddeevaByQuadrature(Complex z) {
    QuadratureOptions opt;
    opt.abs_tol = 1e-15;
    opt.rel_tol = 3e-14;
    opt.max_panels = 20000;
    const auto part = [z](double t, bool real) {
        const Complex v = Complex(0.0, 1.0 / kPi) * std::exp(-t * t) / (z - t);
        return real ? v.real() : v.imag();
    };
    const double re = requireConverged(
        integrateGaussKronrod([&](double t) { return part(t, true); }, -12.0, 12.0, opt), "Re w");
    const double im = requireConverged(
        integrateGaussKronrod([&](double t) { return part(t, false); }, -12.0, 12.0, opt), "Im w");
    return {re, im};
}

TEST(Faddeeva, KnownValues) {
    EXPECT_LT(relativeError(faddeeva(0.0), 1.0), 1e-14);
    // w(1 + i), from the reference tables of the MIT Faddeeva package.
    EXPECT_LT(relativeError(faddeeva(Complex(1.0, 1.0)), Complex(0.30474420525691259525, 0.20821893820283162728)), 1e-13);
}

TEST(Faddeeva, ImaginaryAxisIsTheScaledComplementaryErrorFunction) {
    for (double y : {0.01, 0.3, 1.0, 2.5, 5.0, 8.0}) {
        const double exact = std::exp(y * y) * std::erfc(y);
        EXPECT_LT(relativeError(faddeeva(Complex(0.0, y)), exact), 1e-13) << "y " << y;
    }
}

TEST(Faddeeva, RealAxisHasGaussianRealPartAndDawsonImaginaryPart) {
    // Im w(x) = (2/sqrt(pi)) D(x); D(1) = 0.5380795069127684, D(2) = 0.3013403889237920.
    EXPECT_NEAR(faddeeva(1.0).real(), std::exp(-1.0), 1e-14);
    EXPECT_NEAR(faddeeva(1.0).imag(), 2.0 / std::sqrt(kPi) * 0.5380795069127684, 1e-14);
    EXPECT_NEAR(faddeeva(2.0).imag(), 2.0 / std::sqrt(kPi) * 0.3013403889237920, 1e-14);
}

TEST(Faddeeva, MatchesQuadratureAcrossTheUpperHalfPlane) {
    for (double x : {-3.0, -0.7, 0.0, 0.4, 1.5, 4.0}) {
        for (double y : {0.05, 0.5, 1.0, 3.0}) {
            const Complex z(x, y);
            EXPECT_LT(relativeError(faddeeva(z), faddeevaByQuadrature(z)), 1e-13) << "z = " << x << " + " << y << "i";
        }
    }
}

TEST(Faddeeva, LargeArgumentsFollowTheAsymptoticSeries) {
    // w(z) ~ i / (sqrt(pi) z) sum_k (2k-1)!! / (2 z^2)^k for |z| -> infinity in the upper half plane.
    for (const Complex z : {Complex(30.0, 2.0), Complex(-50.0, 10.0), Complex(0.0, 40.0)}) {
        const Complex z2 = z * z;
        const Complex series = Complex(0.0, 1.0) / (std::sqrt(kPi) * z) * (1.0 + 0.5 / z2 + 0.75 / (z2 * z2) + 1.875 / (z2 * z2 * z2) + 6.5625 / (z2 * z2 * z2 * z2));
        EXPECT_LT(relativeError(faddeeva(z), series), 1e-12) << z;
    }
}

TEST(Faddeeva, LowerHalfPlaneUsesTheReflection) {
    const Complex z(0.8, -0.6);
    EXPECT_LT(relativeError(faddeeva(z), 2.0 * std::exp(-z * z) - faddeeva(-z)), 1e-15);
    // Symmetry w(-conj z) = conj w(z).
    const Complex u(0.8, 0.6);
    EXPECT_LT(relativeError(faddeeva(-std::conj(u)), std::conj(faddeeva(u))), 1e-14);
    EXPECT_THROW(faddeeva(Complex(0.0, -40.0)), std::overflow_error);
    EXPECT_THROW(faddeeva(Complex(std::nan(""), 1.0)), std::domain_error);
}

// E[h(x)], x ~ N(0, v), by adaptive Gauss-Kronrod on the tan-mapped real line: an independent path.
double gaussianAverageByQuadrature(const std::function<double(double)>& h, double v) {
    QuadratureOptions opt;
    opt.abs_tol = 1e-16;
    opt.rel_tol = 1e-14;
    opt.max_panels = 20000;
    const auto weighted = [&](double x) { return h(x) * std::exp(-0.5 * x * x / v) / std::sqrt(2.0 * kPi * v); };
    return requireConverged(integrateRealLine(weighted, std::sqrt(v), 0.0, opt), "Gaussian average");
}

TEST(GaussianResolvent, MatchesDirectQuadrature) {
    for (const Complex z : {Complex(0.3, 1.7), Complex(-1.0, -0.9), Complex(2.0, 2.5), Complex(0.0, 0.2)}) {
        for (double v : {0.5, 1.0, 2.0}) {
            const Complex r1(gaussianAverageByQuadrature([z](double x) { return (1.0 / (x - z)).real(); }, v),
                             gaussianAverageByQuadrature([z](double x) { return (1.0 / (x - z)).imag(); }, v));
            EXPECT_LT(relativeError(gaussianResolvent(z, v), r1), 1e-12) << z << " v " << v;
            const Complex r2(gaussianAverageByQuadrature([z](double x) { return (1.0 / ((x - z) * (x - z))).real(); }, v),
                             gaussianAverageByQuadrature([z](double x) { return (1.0 / ((x - z) * (x - z))).imag(); }, v));
            EXPECT_LT(relativeError(gaussianResolventSquared(z, v), r2), 1e-12) << z << " v " << v;
        }
    }
    EXPECT_LT(relativeError(gaussianResolvent(Complex(0.0, 2.0), 0.0), Complex(0.0, 0.5)), 1e-15);
    EXPECT_THROW(gaussianResolvent(Complex(1.0, 0.0), 1.0), std::domain_error);
}

}  // namespace
}  // namespace quench::theory
