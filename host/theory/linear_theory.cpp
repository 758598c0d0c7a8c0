#include "quench/theory/linear_theory.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "quench/theory/quadrature.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;

[[noreturn]] void reject(const char* name, double value, const std::string& allowed) {
    std::ostringstream msg;
    msg.precision(17);
    msg << "linear theory: " << name << " = " << value << ": " << allowed;
    throw std::domain_error(msg.str());
}

void requireSigma(double sigma) {
    if (!std::isfinite(sigma) || sigma < 0.0) reject("sigma", sigma, "the noise amplitude must be finite and >= 0");
}

// g is the coupling standard deviation times sqrt(N): finite, >= 0, and below the stability edge.
void requireStableIid(double g) {
    if (!std::isfinite(g) || g < 0.0) reject("g", g, "the coupling strength must be finite and >= 0");
    if (g >= 1.0) reject("g", g, "requires g < 1: the linear network is unstable (covariances diverge) for g >= 1");
}

void requireStablePartiallySymmetric(double g, double eta) {
    if (!std::isfinite(eta) || eta < -1.0 || eta > 1.0) reject("eta", eta, "the symmetry must lie in [-1, 1]");
    if (!std::isfinite(g) || g < 0.0) reject("g", g, "the coupling strength must be finite and >= 0");
    if (g * (1.0 + eta) >= 1.0) {
        reject("g", g, "requires g (1 + eta) < 1 with eta = " + std::to_string(eta) +
                           ": the spectral ellipse of J reaches 1 and the linear network is unstable");
    }
}

QuadratureOptions frequencyIntegralOptions() {
    QuadratureOptions o;
    o.rel_tol = 1e-11;
    o.abs_tol = 0.0;
    return o;
}

}  // namespace

// ---------------- zero frequency ----------------

LinearMoments linearZeroFrequencyIid(double g, double sigma) {
    requireStableIid(g);
    requireSigma(sigma);
    const double g2 = g * g;
    const double s2 = sigma * sigma;
    const double gap = 1.0 - g2;
    LinearMoments m;
    m.auto_mean = s2 / gap;
    m.m2 = s2 * s2 / std::pow(gap, 4);
    m.n_cross_var = s2 * s2 * g2 * (2.0 - g2) / std::pow(gap, 4);
    m.pr_over_n = gap * gap;
    m.m3 = s2 * s2 * s2 * (1.0 + 2.0 * g2) / std::pow(gap, 7);
    return m;
}

LinearMoments linearZeroFrequencyPartiallySymmetric(double g, double eta, double sigma) {
    requireStablePartiallySymmetric(g, eta);
    requireSigma(sigma);
    const double g2 = g * g;
    const double th = g2 * (1.0 + eta);
    // theory.md's a = [2 th - 1 + s] / [2 (g^2 - th^2)], s = sqrt(1 - 4 g^2 eta), with the O(g^2)
    // cancellation in numerator and denominator removed (s - 1 = -4 g^2 eta / (1 + s)); finite at g = 0.
    const double s = std::sqrt(1.0 - 4.0 * g2 * eta);
    const double a1 = ((1.0 + eta) - 2.0 * eta / (1.0 + s)) / (1.0 - g2 * (1.0 + eta) * (1.0 + eta));
    const double pr = (a1 * (2.0 * g2 * a1 + 1.0) - 2.0 * th * a1 * (th * a1 + 1.0)) /
                      ((th * a1 + 1.0) * (th * a1 + 1.0) * (g2 * a1 + 1.0));
    const double s2 = sigma * sigma;
    LinearMoments m;
    m.auto_mean = s2 * a1;
    m.pr_over_n = pr;
    m.m2 = m.auto_mean * m.auto_mean / pr;
    m.n_cross_var = m.m2 - m.auto_mean * m.auto_mean;
    m.m3 = 0.0;
    m.m3_available = false;
    return m;
}

LinearMoments momentsWithoutM3(double auto_mean, double n_cross_var) {
    LinearMoments m;
    m.auto_mean = auto_mean;
    m.n_cross_var = n_cross_var;
    m.m2 = auto_mean * auto_mean + n_cross_var;
    m.pr_over_n = m.m2 > 0.0 ? auto_mean * auto_mean / m.m2 : 0.0;
    m.m3_available = false;
    return m;
}

Complex ellipticMeanResolvent(Complex z, double g, double eta) {
    requireStablePartiallySymmetric(g, eta);
    // G solves g^2 eta G^2 - z G + 1 = 0; G = 2 / (z + r) with r^2 = z^2 - 4 g^2 eta and the root r
    // on the side of z, the branch that behaves as 1/z at infinity and has no 1/eta cancellation.
    const Complex root = std::sqrt(z * z - 4.0 * g * g * eta);
    const Complex r = (std::real(std::conj(z) * root) >= 0.0) ? root : -root;
    return 2.0 / (z + r);
}

SpectrumSupport linearZeroFrequencySpectrumSupport(double g, double sigma) {
    requireStableIid(g);
    requireSigma(sigma);
    const double g2 = g * g;
    const double base = 8.0 + 20.0 * g2 - g2 * g2;
    const double spread = g * std::pow(g2 + 8.0, 1.5);
    const double s2 = sigma * sigma;
    return SpectrumSupport{s2 * 8.0 / (base + spread), s2 * 8.0 / (base - spread)};
}

double linearZeroFrequencySpectralDensity(double lambda, double g, double sigma) {
    requireStableIid(g);
    requireSigma(sigma);
    if (g == 0.0) reject("g", g, "the ZF spectrum is a point mass at sigma^2 for g = 0; it has no density");
    if (sigma == 0.0) reject("sigma", sigma, "the ZF spectrum is a point mass at 0 for sigma = 0; it has no density");
    if (!std::isfinite(lambda)) reject("lambda", lambda, "the eigenvalue must be finite");
    const double s2 = sigma * sigma;
    const double x = lambda / s2;  // density of C_1 = C / sigma^2
    const SpectrumSupport support = linearZeroFrequencySpectrumSupport(g, 1.0);
    if (!(x > support.lower && x < support.upper)) return 0.0;
    const double g2 = g * g;
    const double u = 1.0 / (g2 * x);
    const double z2 = 1.0 / g2;
    const double A = (1.0 - z2) / u;
    const double B = z2 / u;
    const double P = A - 1.0 / 3.0;
    const double Q = B + A / 3.0 - 2.0 / 27.0;
    const double D = Q * Q / 4.0 + P * P * P / 27.0;
    if (!(D > 0.0)) return 0.0;  // rounding at the edges: there the density vanishes anyway
    const double S = std::cbrt(Q / 2.0 + std::sqrt(D));
    const double T = std::cbrt(Q / 2.0 - std::sqrt(D));
    const double p1 = std::sqrt(3.0) * std::fabs(S - T) / (2.0 * M_PI * g2 * x * x);
    return p1 / s2;
}

// ---------------- equal time ----------------

double linearEqualTimeAutoMean(double g, double sigma) {
    requireStableIid(g);
    requireSigma(sigma);
    return sigma * sigma / (2.0 * std::sqrt(1.0 - g * g));
}

LinearMoments linearEqualTimeIid(double g, double sigma) {
    requireStableIid(g);
    requireSigma(sigma);
    // Closed form of theory.md's double integral (docs/theory/linear.md): with b = sqrt(1 - g^2),
    //   m2 / sigma^4 = [b^4 + b^2 + 2 (1-b) (b^3 + b (1-b)(1+2b)/2 + 3 (1-b)^2 (1+b)/8)] / (8 b^5),
    // and PR/N = a^2/m2 = 2 b^3 / [...] (sigma-free, so it is defined also for sigma = 0).
    const double b = std::sqrt(1.0 - g * g);
    const double c = 1.0 - b;
    const double bracket = b * b * b * b + b * b +
                           2.0 * c * (b * b * b + 0.5 * b * c * (1.0 + 2.0 * b) + 0.375 * c * c * (1.0 + b));
    const double s4 = sigma * sigma * sigma * sigma;
    LinearMoments m;
    m.auto_mean = sigma * sigma / (2.0 * b);
    m.m2 = s4 * bracket / (8.0 * std::pow(b, 5));
    m.n_cross_var = m.m2 - m.auto_mean * m.auto_mean;
    m.pr_over_n = 2.0 * b * b * b / bracket;
    m.m3 = 0.0;
    m.m3_available = false;
    return m;
}

double linearEqualTimeM2SingleIntegral(double g, double sigma) {
    requireStableIid(g);
    requireSigma(sigma);
    if (g == 0.0) return std::pow(sigma, 4) / 4.0;  // the two upper-half-plane poles merge at g = 0
    const double g2 = g * g;
    const double b = std::sqrt(1.0 - g2);
    const Complex i(0.0, 1.0);
    // Inner integral over w' by residues at the upper-half-plane poles w' = i b and w' = w2 of
    //   (1 + w'^2) / [(1 + w'^2 - g^2) |p (1 - i w') - g^2|^2],  p = 1 + i w.
    const auto inner = [&](double w) {
        const Complex p(1.0, w);
        const double p2 = std::norm(p);
        const Complex w1 = i * (g2 / p - 1.0);
        const Complex w2 = i * (1.0 - g2 / std::conj(p));
        const Complex ib = i * b;
        const Complex resB = g2 / (p2 * 2.0 * ib * (ib - w1) * (ib - w2));
        const Complex resW2 = (w2 * w2 + 1.0) / (p2 * (w2 * w2 + b * b) * (w2 - w1));
        return std::real(i * (resB + resW2));  // (1/2pi) * 2 pi i * sum of residues
    };
    const auto outer = [&](double w) { return (1.0 + w * w) / (1.0 + w * w - g2) * inner(w) / (2.0 * M_PI); };
    const double value =
        requireConverged(integrateRealLine(outer, b, 0.0, frequencyIntegralOptions()), "ET m2 single integral");
    return std::pow(sigma, 4) * value;
}

namespace {

// theory.md's ET m2 double integral with the noise filter `filter(w)` at both frequencies (1 for
// white noise), by nested tan-mapped adaptive quadrature.
template <class Filter>
double equalTimeM2Integral(double g, double sigma, const Filter& filter) {
    const double g2 = g * g;
    const double b = std::sqrt(1.0 - g2);
    const auto spectrum = [&](double w) { return filter(w) / (1.0 + w * w - g2); };
    const auto chi = [](double w) { return 1.0 / Complex(1.0, w); };
    QuadratureOptions innerOptions = frequencyIntegralOptions();
    innerOptions.rel_tol = 1e-12;
    const auto outer = [&](double w) {
        const Complex chiW = chi(w);
        const auto kernel = [&](double wp) {
            return spectrum(wp) / std::norm(1.0 - g2 * chiW * std::conj(chi(wp)));
        };
        const double inner = requireConverged(integrateRealLine(kernel, b, 0.0, innerOptions), "ET m2 inner integral");
        return spectrum(w) * inner;
    };
    const double value =
        requireConverged(integrateRealLine(outer, b, 0.0, frequencyIntegralOptions()), "ET m2 double integral");
    return std::pow(sigma, 4) * value / (4.0 * M_PI * M_PI);
}

}  // namespace

double linearEqualTimeM2DoubleIntegral(double g, double sigma) {
    requireStableIid(g);
    requireSigma(sigma);
    return equalTimeM2Integral(g, sigma, [](double) { return 1.0; });
}

LinearMoments linearEqualTimeIidColored(double g, double sigma, double tau) {
    requireStableIid(g);
    requireSigma(sigma);
    if (!(tau >= 0.0) || !std::isfinite(tau)) throw std::invalid_argument("noise tau must be finite and >= 0");
    if (tau == 0.0) return linearEqualTimeIid(g, sigma);
    const double b = std::sqrt(1.0 - g * g);
    LinearMoments m;
    m.auto_mean = sigma * sigma / (2.0 * b * (1.0 + b * tau));
    m.m2 = equalTimeM2Integral(g, sigma, [tau](double w) { return 1.0 / (1.0 + tau * tau * w * w); });
    m.n_cross_var = m.m2 - m.auto_mean * m.auto_mean;
    m.pr_over_n = m.auto_mean * m.auto_mean / m.m2;
    m.m3 = 0.0;
    m.m3_available = false;
    return m;
}

double linearEqualTimeAutoMeanPartiallySymmetric(double g, double eta, double sigma) {
    requireStablePartiallySymmetric(g, eta);
    requireSigma(sigma);
    const double g2 = g * g;
    const auto ladder = [&](double w) {
        const double G2 = std::norm(ellipticMeanResolvent(Complex(1.0, w), g, eta));
        return G2 / (1.0 - g2 * G2) / (2.0 * M_PI);
    };
    // The integrand is a Lorentzian-like bump of width ~ the distance of 1 from the ellipse edge.
    const double width = std::max(1.0 - g * (1.0 + eta), 1e-3);
    const double value = requireConverged(integrateRealLine(ladder, std::sqrt(width), 0.0, frequencyIntegralOptions()),
                                          "ET auto-covariance with eta");
    return sigma * sigma * value;
}

}  // namespace quench::theory
