#include "quench/theory/gaussian_average.hpp"

#include <lapacke.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

#include "power_law_pair_average.hpp"
#include "quench/theory/pade_theory.hpp"

namespace quench::theory {
namespace {

constexpr int kMaxHermiteOrder = 400;
constexpr int kLegendrePoints = 20;
constexpr double kPi = 3.14159265358979323846;

std::string show(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// The last line of defence of the no-NaN rule: an average that is not finite is an error, named.
double requireFinite(double value, const char* what, double variance) {
    if (!std::isfinite(value))
        throw std::runtime_error(std::string(what) + " at variance " + show(variance) + " is not finite (" + show(value) +
                                 "): the integrand is singular or grows too fast");
    return value;
}

void requireVariance(double variance, const char* name) {
    if (!(variance >= 0.0) || !std::isfinite(variance))
        throw std::domain_error(std::string(name) + " = " + show(variance) + ": a variance must be finite and >= 0");
}

// Orthonormal probabilists' Hermite polynomials p_n(x) and p_{n-1}(x) by the stable recursion
// p_{k+1} = (x p_k - sqrt(k) p_{k-1}) / sqrt(k+1); also the Christoffel sum of p_k^2, k < n.
struct HermiteValues {
    double pn = 0.0;
    double pn_minus_1 = 0.0;
    double christoffel_sum = 0.0;
};

HermiteValues orthonormalHermite(int n, double x) {
    double prev = 0.0;
    double cur = 1.0;
    double sum = 0.0;
    for (int k = 0; k < n; ++k) {
        sum += cur * cur;
        const double next = (x * cur - std::sqrt(static_cast<double>(k)) * prev) / std::sqrt(static_cast<double>(k + 1));
        prev = cur;
        cur = next;
    }
    return {cur, prev, sum};
}

// 20-point Gauss-Legendre on [-1, 1] by Newton on the Legendre recursion.
struct LegendreRule {
    std::array<double, kLegendrePoints> nodes{};
    std::array<double, kLegendrePoints> weights{};
};

LegendreRule makeLegendreRule() {
    const GaussLegendreRule general = gaussLegendreRule(kLegendrePoints);
    LegendreRule rule;
    for (int i = 0; i < kLegendrePoints; ++i) {
        rule.nodes[i] = general.nodes[i];
        rule.weights[i] = general.weights[i];
    }
    return rule;
}

const LegendreRule& legendreRule() {
    static const LegendreRule rule = makeLegendreRule();
    return rule;
}

double legendrePanel(const ScalarFunction& f, double a, double b) {
    const LegendreRule& rule = legendreRule();
    const double half = 0.5 * (b - a);
    const double mid = 0.5 * (a + b);
    double sum = 0.0;
    for (int i = 0; i < kLegendrePoints; ++i) sum += rule.weights[i] * f(mid + half * rule.nodes[i]);
    return sum * half;
}

// Integral over [end, end + width] (width of either sign) of f with an integrable singularity of
// its derivative or of itself (|x - end|^beta, beta > -0.9) at `end`: x = end + width t^10 turns it
// into a smooth integrand in t.
double singularEndPanel(const ScalarFunction& f, double end, double width) {
    constexpr double q = 10.0;
    const ScalarFunction mapped = [&f, end, width](double t) {
        const double tq = std::pow(t, q - 1.0);
        return f(end + width * tq * t) * q * tq;
    };
    return width * legendrePanel(mapped, 0.0, 1.0);
}

// Integral from `end` (a kink or cusp) to `other`: geometric panels (ratio 2, `levels` of them)
// towards the end, the last sliver by the power substitution above.
double gradedTowards(const ScalarFunction& f, double end, double other, int levels) {
    double acc = 0.0;  // integral over the interval between end and other, positively oriented
    double outer = other;
    for (int level = 1; level <= levels; ++level) {
        const double inner = end + (other - end) * std::ldexp(1.0, -level);
        acc += legendrePanel(f, std::min(inner, outer), std::max(inner, outer));
        outer = inner;
    }
    const double sliver = singularEndPanel(f, end, outer - end);  // oriented from end towards other
    return acc + (other > end ? sliver : -sliver);
}

// Integral over [a, b] of f: uniform panels no wider than max_width, and the panels touching a
// graded end split geometrically so that kinks and |x|^(alpha-1) cusps converge.
double compositeLegendre(const ScalarFunction& f, double a, double b, double max_width, bool grade_a, bool grade_b,
                         int levels = 24) {
    if (!(b > a)) return 0.0;
    const int panels = std::max(1, static_cast<int>(std::ceil((b - a) / max_width)));
    const double h = (b - a) / panels;
    double sum = 0.0;
    for (int k = 0; k < panels; ++k) {
        const double lo = a + k * h;
        const double hi = (k == panels - 1) ? b : lo + h;
        const bool at_a = grade_a && k == 0;
        const bool at_b = grade_b && k == panels - 1;
        if (!at_a && !at_b) {
            sum += legendrePanel(f, lo, hi);
            continue;
        }
        const double mid = 0.5 * (lo + hi);
        sum += at_a ? gradedTowards(f, lo, mid, levels) : legendrePanel(f, lo, mid);
        sum += at_b ? gradedTowards(f, hi, mid, levels) : legendrePanel(f, mid, hi);
    }
    return sum;
}

}  // namespace

GaussLegendreRule gaussLegendreRule(int order) {
    if (order < 1 || order > 400)
        throw std::domain_error("Gauss-Legendre order = " + std::to_string(order) + ": must lie in [1, 400]");
    GaussLegendreRule rule;
    rule.nodes.resize(order);
    rule.weights.resize(order);
    const int n = order;
    for (int i = 0; i < n; ++i) {
        double x = std::cos(kPi * (i + 0.75) / (n + 0.5));
        double dp = 1.0;
        for (int iter = 0; iter < 100; ++iter) {
            double p0 = 1.0;
            double p1 = x;
            for (int k = 2; k <= n; ++k) {
                const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            dp = (n == 1) ? 1.0 : n * (x * p1 - p0) / (x * x - 1.0);
            const double dx = p1 / dp;
            x -= dx;
            if (std::fabs(dx) < 1e-16) break;
        }
        rule.nodes[n - 1 - i] = x;  // ascending
        rule.weights[n - 1 - i] = 2.0 / ((1.0 - x * x) * dp * dp);
    }
    return rule;
}

GaussHermiteRule gaussHermiteRule(int order) {
    if (order < 1 || order > kMaxHermiteOrder)
        throw std::domain_error("Gauss-Hermite order = " + std::to_string(order) + ": must lie in [1, " +
                                std::to_string(kMaxHermiteOrder) + "]");
    std::vector<double> diag(order, 0.0);
    std::vector<double> offdiag(std::max(order - 1, 1), 0.0);
    for (int k = 1; k < order; ++k) offdiag[k - 1] = std::sqrt(static_cast<double>(k));
    const lapack_int info = LAPACKE_dstev(LAPACK_COL_MAJOR, 'N', order, diag.data(), offdiag.data(), nullptr, 1);
    if (info != 0) throw std::runtime_error("Gauss-Hermite order " + std::to_string(order) + ": dstev failed, info " + std::to_string(info));
    GaussHermiteRule rule;
    rule.nodes.resize(order);
    rule.weights.resize(order);
    for (int i = 0; i < order; ++i) {
        double x = diag[i];
        for (int iter = 0; iter < 3; ++iter) {  // eigenvalues are already accurate; polish to the last bit
            const HermiteValues h = orthonormalHermite(order, x);
            const double derivative = std::sqrt(static_cast<double>(order)) * h.pn_minus_1;
            if (derivative == 0.0) break;
            x -= h.pn / derivative;
        }
        rule.nodes[i] = x;
        rule.weights[i] = 1.0 / orthonormalHermite(order, x).christoffel_sum;
    }
    // Symmetrize: the exact rule is, and it makes odd integrands vanish to the last bit.
    for (int i = 0; i < order / 2; ++i) {
        const int j = order - 1 - i;
        const double x = 0.5 * (rule.nodes[j] - rule.nodes[i]);
        const double w = 0.5 * (rule.weights[i] + rule.weights[j]);
        rule.nodes[i] = -x;
        rule.nodes[j] = x;
        rule.weights[i] = rule.weights[j] = w;
    }
    if (order % 2 == 1) rule.nodes[order / 2] = 0.0;
    return rule;
}

const GaussHermiteRule& defaultGaussHermiteRule() {
    static const GaussHermiteRule rule = gaussHermiteRule(80);
    return rule;
}

double gaussianExpectation(const ScalarFunction& f, double variance, const GaussHermiteRule& rule) {
    requireVariance(variance, "variance");
    const double s = std::sqrt(variance);
    double sum = 0.0;
    for (int i = 0; i < rule.order(); ++i) sum += rule.weights[i] * f(s * rule.nodes[i]);
    return requireFinite(sum, "Gaussian expectation", variance);
}

double gaussianExpectationPiecewise(const ScalarFunction& f, double variance, const std::vector<double>& breakpoints) {
    requireVariance(variance, "variance");
    if (variance == 0.0) return f(0.0);
    const double s = std::sqrt(variance);
    const double limit = 14.0 * s;  // exp(-98) of the Gaussian mass lies beyond
    std::vector<double> edges{-limit, limit};
    for (double b : breakpoints)
        if (b > -limit && b < limit) edges.push_back(b);
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    const double norm = 1.0 / (s * std::sqrt(2.0 * kPi));
    const ScalarFunction weighted = [&](double x) {
        const double u = x / s;
        return f(x) * std::exp(-0.5 * u * u) * norm;
    };
    double sum = 0.0;
    for (std::size_t k = 0; k + 1 < edges.size(); ++k) {
        const bool grade_lo = k != 0;
        const bool grade_hi = k + 2 != edges.size();
        sum += compositeLegendre(weighted, edges[k], edges[k + 1], s, grade_lo, grade_hi);
    }
    return requireFinite(sum, "Gaussian expectation (piecewise)", variance);
}

double twoPointCorrelation(const ScalarFunction& f, double delta0, double delta, const GaussHermiteRule& rule) {
    requireVariance(delta0, "delta0");
    if (!(delta >= 0.0) || !(delta <= delta0))
        throw std::domain_error("delta = " + show(delta) + ": the lagged covariance must lie in [0, delta0 = " + show(delta0) + "]");
    const double a = std::sqrt(delta0 - delta);
    const double b = std::sqrt(delta);
    double outer = 0.0;
    for (int j = 0; j < rule.order(); ++j) {
        const double shift = b * rule.nodes[j];
        double inner = 0.0;
        for (int i = 0; i < rule.order(); ++i) inner += rule.weights[i] * f(a * rule.nodes[i] + shift);
        outer += rule.weights[j] * inner * inner;
    }
    return requireFinite(outer, "two-point correlation F(delta0, delta)", delta0);
}

double twoPointCorrelation(const ScalarFunction& f, double delta0, double delta, const GaussHermiteRule& rule,
                           const std::vector<double>& kinks) {
    if (kinks.empty()) return twoPointCorrelation(f, delta0, delta, rule);
    requireVariance(delta0, "delta0");
    if (!(delta >= 0.0) || !(delta <= delta0))
        throw std::domain_error("delta = " + show(delta) + ": the lagged covariance must lie in [0, delta0 = " + show(delta0) + "]");
    const double inner_variance = delta0 - delta;
    const double b = std::sqrt(delta);
    double outer = 0.0;
    for (int j = 0; j < rule.order(); ++j) {
        const double shift = b * rule.nodes[j];
        std::vector<double> moved;
        for (double k : kinks) moved.push_back(k - shift);  // kinks in the variable u = a y
        const double inner = gaussianExpectationPiecewise([&f, shift](double u) { return f(u + shift); }, inner_variance, moved);
        outer += rule.weights[j] * inner * inner;
    }
    return requireFinite(outer, "two-point correlation F(delta0, delta)", delta0);
}

std::vector<double> activationKinks(const Activation& phi) {
    switch (phi.kind) {
    case ActivationKind::PowerLaw: return phi.alpha == 1.0 ? std::vector<double>{} : std::vector<double>{0.0};
    case ActivationKind::Relu: return {0.0};
    case ActivationKind::ThresholdLinear: return {phi.threshold};
    default: return {};
    }
}

double activationExpectation(const Activation& phi, const ScalarFunction& f, double variance, const GaussHermiteRule& rule) {
    const std::vector<double> kinks = activationKinks(phi);
    if (kinks.empty()) return gaussianExpectation(f, variance, rule);
    return gaussianExpectationPiecewise(f, variance, kinks);
}

double numericalAntiderivative(const Activation& phi, double x) {
    if (!std::isfinite(x)) throw std::domain_error("x = " + show(x) + ": the antiderivative needs a finite argument");
    const ScalarFunction f = [&phi](double t) { return phi.value(t); };
    const double sign = x >= 0.0 ? 1.0 : -1.0;
    const double lo = std::min(0.0, x);
    const double hi = std::max(0.0, x);
    // The kink of threshold-linear sits inside [lo, hi] possibly; split there.
    if (phi.kind == ActivationKind::ThresholdLinear && phi.threshold > lo && phi.threshold < hi) {
        const double t = phi.threshold;
        const double part = compositeLegendre(f, lo, t, 0.5, lo == 0.0, true) + compositeLegendre(f, t, hi, 0.5, true, hi == 0.0);
        return sign * part;
    }
    return sign * compositeLegendre(f, lo, hi, 0.5, lo == 0.0, hi == 0.0);
}

double activationAntiderivative(const Activation& phi, double x) {
    switch (phi.kind) {
    case ActivationKind::Linear: return 0.5 * x * x;
    case ActivationKind::Tanh: {
        const double ax = std::fabs(x);  // log cosh x without overflow, and exactly 0 at x = 0
        if (ax < 1.0) return std::log(std::cosh(x));
        return ax + std::log1p(std::exp(-2.0 * ax)) - std::log(2.0);
    }
    case ActivationKind::Erf: {
        const double c = 0.88622692545275801365;  // sqrt(pi)/2
        return x * std::erf(c * x) + std::expm1(-c * c * x * x) / (c * std::sqrt(kPi));
    }
    case ActivationKind::PowerLaw: return std::pow(std::fabs(x), phi.alpha + 1.0) / (phi.alpha + 1.0);
    case ActivationKind::Relu: return x > 0.0 ? 0.5 * x * x : 0.0;
    case ActivationKind::ThresholdLinear: {
        const double t = phi.threshold;
        const double above = x > t ? 0.5 * (x - t) * (x - t) : 0.0;
        const double at_zero = t < 0.0 ? 0.5 * t * t : 0.0;
        return above - at_zero;
    }
    case ActivationKind::Pade: return padeAntiderivative(phi, x);
    }
    return numericalAntiderivative(phi, x);
}

double meanActivation(const Activation& phi, double variance, const GaussHermiteRule& rule) {
    if (phi.kind == ActivationKind::Pade) return padeMean(phi, variance);  // Faddeeva closed form
    return activationExpectation(phi, [&phi](double x) { return phi.value(x); }, variance, rule);
}

double meanSquareActivation(const Activation& phi, double variance, const GaussHermiteRule& rule) {
    if (phi.kind == ActivationKind::Pade) return padeMeanSquare(phi, variance);
    return activationExpectation(phi, [&phi](double x) { const double v = phi.value(x); return v * v; }, variance, rule);
}

double effectiveGain(const Activation& phi, double variance, const GaussHermiteRule& rule) {
    if (phi.kind == ActivationKind::Pade) return padeEffectiveGain(phi, variance);
    return activationExpectation(phi, [&phi](double x) { return phi.derivative(x); }, variance, rule);
}

double meanSquareDerivative(const Activation& phi, double variance, const GaussHermiteRule& rule) {
    // |x|^(2 alpha - 2) is not integrable at 0 for alpha <= 1/2: the honest value is +infinity.
    if (phi.kind == ActivationKind::PowerLaw && phi.alpha <= 0.5 && variance > 0.0) return std::numeric_limits<double>::infinity();
    return activationExpectation(phi, [&phi](double x) { const double d = phi.derivative(x); return d * d; }, variance, rule);
}

double antiderivativeVariance(const Activation& phi, double variance, const GaussHermiteRule& rule) {
    if (phi.kind == ActivationKind::Pade) return padeAntiderivativeVariance(phi, variance, rule);
    const double mean = activationExpectation(phi, [&phi](double x) { return activationAntiderivative(phi, x); }, variance, rule);
    // Subtract the mean inside the square: Var = E[(Phi - E Phi)^2] keeps the cancellation benign.
    return activationExpectation(phi, 
        [&phi, mean](double x) { const double d = activationAntiderivative(phi, x) - mean; return d * d; }, variance, rule);
}

namespace {

// The power law is homogeneous: F(delta0, delta) = delta0^alpha F(1, delta / delta0), exactly by one angular
// integral. (The piecewise 2-D quadrature was 0.5 % high at delta -> delta0 for alpha = 0.5, where its outer
// Gauss-Hermite sum meets the kink of the inner average; 2026-11-29.)
double powerLawCorrelation(double alpha, double delta0, double delta) {
    requireVariance(delta0, "delta0");
    if (!(delta >= 0.0) || !(delta <= delta0))
        throw std::domain_error("delta = " + show(delta) +
                                ": the lagged covariance must lie in [0, delta0 = " + show(delta0) + "]");
    if (delta0 == 0.0) return 0.0;
    const detail::SignedPower phi{alpha, true};
    return std::pow(delta0, alpha) * detail::signedPowerPairAverage(phi, phi, delta / delta0);
}

}  // namespace

double activationCorrelation(const Activation& phi, double delta0, double delta, const GaussHermiteRule& rule) {
    if (phi.kind == ActivationKind::Linear) return delta;  // E[x y] itself: no quadrature
    if (phi.kind == ActivationKind::Pade) return padeCorrelation(phi, delta0, delta, rule);  // inner average closed
    if (phi.kind == ActivationKind::PowerLaw) return powerLawCorrelation(phi.alpha, delta0, delta);
    return twoPointCorrelation([&phi](double x) { return phi.value(x); }, delta0, delta, rule, activationKinks(phi));
}

double antiderivativeCorrelation(const Activation& phi, double delta0, double delta, const GaussHermiteRule& rule) {
    if (phi.kind == ActivationKind::Pade) {
        const PartialFractions pf = padePartialFractions(phi);
        return twoPointCorrelation([&pf](double x) { return padeAntiderivative(pf, x); }, delta0, delta, rule);
    }
    return twoPointCorrelation([&phi](double x) { return activationAntiderivative(phi, x); }, delta0, delta, rule,
                               activationKinks(phi));
}

}  // namespace quench::theory
